"""Benchmark CRD validation rules (CEL): rule evaluations per second, and the interpreter's cost per step.

Usage: python bench/bench_cel.py [CORPUS_DIR] [--gateways N] [--routes N] [--repeat N]

The input is built in a temporary directory, removed afterwards: every CRD of the corpus that has
`x-kubernetes-validations` (the first of each name, in path order), the corpus's custom resources of the
kinds they serve, and generated Gateways and HTTPRoutes (seeded: the same ones on every run). Their
listeners, rules, matches, filters and backends are drawn from small pools, as in a real tree where many
resources repeat a shape with some values of their own. Some break a rule: an HTTPS or TLS listener
without `tls`, a prefix rewrite on a route rule that matches an exact path.

A rule evaluation is one compiled rule run on one value (a rule on a list item runs once per item).
Figures are CPU seconds (this machine is shared and noisy), each the best of N passes over the same parsed
objects, after a first pass that compiles the rules:

- the rules of every custom resource (`crd.evaluate`) with the evaluation cache off, in rule evaluations
  and interpreter steps per second, and microseconds per step (the Budget spends one step per syntax-tree
  node visited);
- the same with the cache on, emptied before each pass (as in one run): evaluations per second, how many
  the cache served and the steps they charged without running; the failures and steps must be the same;
- the interpreter alone: each (rule, value) pair of the input run again by `Program.evaluate`, without
  the tree walk, the conversion of values to CEL or the cache;
- `kcheck lint` of the whole directory, in process, with the cache on and off.

Target: at least 20,000 rule evaluations per second with the cache on.
"""

from __future__ import annotations

import argparse
import functools
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from kcheck.analyzers.schema import crd
from kcheck.cel import program as cel_program
from kcheck.cel import values as cel_values
from kcheck.core.findings import Report
from kcheck.core.location import ObjectPath
from kcheck.engine.pipeline import RunRequest, run
from kcheck.model.base import K8sObject
from kcheck.model.build import build_objects
from kcheck.source.discover import discover
from kcheck.source.loader import load_path

REPO = Path(__file__).resolve().parent.parent
SEED = 20240611


def best_of(repeat: int, action: Callable[[], object]) -> float:
    """The least CPU time of `repeat` runs of `action` (CPU time: this machine is shared and noisy)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times)


def load_objects(directory: Path) -> list[K8sObject]:
    documents = []
    for file in discover([str(directory)], [], directory):
        if file.path is not None:
            documents.extend(load_path(file.display_path, file.path, 10 * 1024 * 1024).documents)
    return build_objects(documents).objects


# --- the input ------------------------------------------------------------------------------------------


def corpus_input(corpus: Path, directory: Path) -> tuple[int, int]:
    """Copy the corpus's CRDs with validation rules, and its custom resources of their kinds, to
    `directory`; return how many of each."""
    objects = load_objects(corpus)
    crds: dict[str, K8sObject] = {}
    for obj in objects:
        if obj.kind == "CustomResourceDefinition" and "x-kubernetes-validations" in str(obj.raw):
            crds.setdefault(obj.metadata.name or "", obj)
    catalog = crd.CrdCatalog(crds.values())
    resources = [obj for obj in objects if catalog.version(obj.api_version, obj.kind) is not None]
    dump(directory / "crds.yaml", [obj.raw for obj in crds.values()])
    dump(directory / "corpus-resources.yaml", [obj.raw for obj in resources])
    return len(crds), len(resources)


def dump(path: Path, documents: list[Any]) -> None:
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))


_DOMAINS = [f"{name}.example.com" for name in ("shop", "api", "auth", "media", "docs", "admin", "edge")]
_SERVICES = [f"{name}-svc" for name in ("cart", "checkout", "catalog", "users", "search", "images")]
_PATHS = ["/", "/api", "/api/v2", "/login", "/logout", "/static", "/healthz", "/cart", "/search"]


def listener(rng: random.Random, index: int) -> dict[str, Any]:
    domain = rng.choice(_DOMAINS)
    shapes: list[dict[str, Any]] = [
        {"name": "http", "protocol": "HTTP", "port": 80},
        {
            "name": "http-alt",
            "protocol": "HTTP",
            "port": 8080,
            "allowedRoutes": {"namespaces": {"from": "Same"}},
        },
        {
            "name": "https",
            "protocol": "HTTPS",
            "port": 443,
            "hostname": f"*.{domain}",
            "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": f"{domain}-tls"}]},
            "allowedRoutes": {"namespaces": {"from": "All"}},
        },
        {
            "name": "tls",
            "protocol": "TLS",
            "port": 8443,
            "hostname": domain,
            "tls": {"mode": "Passthrough"},
            "allowedRoutes": {"kinds": [{"kind": "TLSRoute"}]},
        },
        {"name": "tcp", "protocol": "TCP", "port": 9000, "allowedRoutes": {"kinds": [{"kind": "TCPRoute"}]}},
    ]
    shape = dict(shapes[index % len(shapes)])
    if rng.random() < 0.05:
        shape.pop("tls", None)  # an HTTPS or TLS listener without tls breaks a rule
    return shape


def gateway(rng: random.Random, index: int) -> dict[str, Any]:
    count = rng.randint(1, 5)
    first = rng.randrange(5)
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": f"gateway-{index}", "namespace": f"team-{index % 12}"},
        "spec": {
            "gatewayClassName": rng.choice(["istio", "envoy", "gke-l7-global-external-managed"]),
            "listeners": [listener(rng, first + offset) for offset in range(count)],
        },
    }


def route_rule(rng: random.Random) -> dict[str, Any]:
    path = rng.choice(_PATHS)
    match: dict[str, Any] = {"path": {"type": rng.choice(["PathPrefix", "Exact"]), "value": path}}
    if rng.random() < 0.3:
        match["headers"] = [{"type": "Exact", "name": "env", "value": rng.choice(["canary", "beta"])}]
    if rng.random() < 0.2:
        match["method"] = rng.choice(["GET", "POST"])
    rule: dict[str, Any] = {"matches": [match]}
    filters: list[dict[str, Any]] = []
    if rng.random() < 0.3:
        filters.append(
            {
                "type": "RequestHeaderModifier",
                "requestHeaderModifier": {"add": [{"name": "x-team", "value": rng.choice(["a", "b", "c"])}]},
            }
        )
    if rng.random() < 0.2:
        # ReplacePrefixMatch needs a PathPrefix match: with an Exact one, a rule of HTTPRoute fails.
        filters.append(
            {
                "type": "URLRewrite",
                "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}},
            }
        )
    if filters:
        rule["filters"] = filters
    backends = rng.sample(_SERVICES, rng.randint(1, 2))
    rule["backendRefs"] = [
        {"name": name, "port": 8080, "weight": rng.choice([1, 50, 100])} for name in backends
    ]
    return rule


def http_route(rng: random.Random, index: int, gateways: int) -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": f"route-{index}", "namespace": f"team-{index % 12}"},
        "spec": {
            "parentRefs": [{"name": f"gateway-{rng.randrange(gateways)}", "sectionName": "https"}],
            "hostnames": [f"r{index}.{rng.choice(_DOMAINS)}"],
            "rules": [route_rule(rng) for _ in range(rng.randint(1, 4))],
        },
    }


def generated_input(directory: Path, gateways: int, routes: int) -> None:
    rng = random.Random(SEED)
    dump(directory / "gateways.yaml", [gateway(rng, index) for index in range(gateways)])
    dump(directory / "routes.yaml", [http_route(rng, index, gateways) for index in range(routes)])


# --- measurements ---------------------------------------------------------------------------------------


def rule_inputs(version: crd.CrdVersion, value: Any) -> Iterator[tuple[cel_program.Program, Any]]:
    """Each (program, CEL value) pair `crd.evaluate` runs on a custom resource, in its order."""

    def walk(value: Any, shape: cel_values.Shape, schema_path: tuple[str, ...]) -> Iterator[Any]:
        if not cel_values.matches_kind(value, shape):
            return
        rules = [rule for rule in version.rules_at(shape, schema_path) if rule.runnable]
        if rules:
            self_value = cel_values.to_cel(value, shape)
            for rule in rules:
                assert isinstance(rule.program, cel_program.Program)
                yield rule.program, self_value
        for key, child, sub in cel_values.iter_children(value, shape):
            step = (
                ("properties", str(key))
                if shape.kind == "object"
                else (("additionalProperties",) if shape.kind == "map" else ("items",))
            )
            yield from walk(child, sub, (*schema_path, *step))

    if version.schema is not None:
        yield from walk(value, version.shape(), ())


class Pass:
    """One evaluation of every custom resource's rules, starting from an empty evaluation cache."""

    def __init__(self, resources: list[tuple[crd.CrdVersion, K8sObject]], cached: bool) -> None:
        self.resources = resources
        self.cached = cached
        self.steps = 0
        self.exhausted = 0
        self.failures: list[tuple[ObjectPath, str]] = []

    def __call__(self) -> None:
        cache = crd.EVALUATION_CACHE
        cache.clear()
        cache.enabled = self.cached
        self.steps = self.exhausted = 0
        self.failures = []
        for version, obj in self.resources:
            evaluation = crd.evaluate(version, obj.raw)
            self.steps += evaluation.steps
            self.exhausted += evaluation.exhausted is not None
            self.failures.extend((failure.path, failure.message) for failure in evaluation.failures)


def lint(request: RunRequest, cached: bool, reports: list[Report]) -> None:
    crd.EVALUATION_CACHE.clear()
    crd.EVALUATION_CACHE.enabled = cached
    reports.append(run(request))


def interpreter_pass(pairs: list[tuple[cel_program.Program, Any]]) -> int:
    budget = cel_program.Budget(10**12)
    for program, self_value in pairs:
        program.evaluate({"self": self_value}, budget)
    return budget.used


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--gateways", type=int, default=400)
    parser.add_argument("--routes", type=int, default=1600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bench-cel-"))
    try:
        crds, corpus_resources = corpus_input(Path(args.corpus).resolve(), directory)
        generated_input(directory, args.gateways, args.routes)
        measure(directory, crds, corpus_resources, args.repeat)
    finally:
        shutil.rmtree(directory)


def measure(directory: Path, crds: int, corpus_resources: int, repeat: int) -> None:
    objects = load_objects(directory)
    catalog = crd.CrdCatalog(objects)
    resources = [
        (version, obj)
        for obj in objects
        if (version := catalog.version(obj.api_version, obj.kind)) is not None
    ]
    print(
        f"input: {crds} CRDs with validation rules, {len(resources)} custom resources "
        f"({corpus_resources} from the corpus)"
    )
    cache = crd.EVALUATION_CACHE
    uncached, cached = Pass(resources, cached=False), Pass(resources, cached=True)
    first = best_of(1, uncached)
    pairs = [pair for version, obj in resources for pair in rule_inputs(version, obj.raw)]
    distinct = len({id(program) for program, _ in pairs})
    print(f"first pass      : {first:.2f} s, compiling the rules ({distinct} distinct expressions run)")

    seconds = best_of(repeat, uncached)
    evaluations = cache.evaluations
    steps = uncached.steps
    print(
        f"cache off       : {evaluations:,} rule evaluations in {seconds:.2f} s = "
        f"{evaluations / seconds:,.0f}/s; {steps:,} steps = {steps / seconds:,.0f}/s, "
        f"{seconds / steps * 1e6:.2f} µs/step; {len(uncached.failures)} failures, "
        f"{uncached.exhausted} budgets exhausted"
    )
    seconds = best_of(repeat, cached)
    run_steps = cached.steps - cache.replayed_steps
    print(
        f"cache on        : {cache.evaluations:,} rule evaluations in {seconds:.2f} s = "
        f"{cache.evaluations / seconds:,.0f}/s; {cache.hits:,} ({cache.hits / cache.evaluations:.0%}) "
        f"served by the cache, charging {cache.replayed_steps:,} steps "
        f"({cache.replayed_steps / cached.steps:.0%}); {run_steps:,} steps run = "
        f"{run_steps / seconds:,.0f}/s; {len(cache):,} entries"
    )
    same = cached.failures == uncached.failures and cached.steps == steps
    print(f"same failures and steps with the cache on and off: {'yes' if same else 'NO'}")

    run_steps = interpreter_pass(pairs)
    alone = best_of(repeat, lambda: interpreter_pass(pairs))
    print(
        f"interpreter     : {run_steps:,} steps in {alone:.2f} s = {run_steps / alone:,.0f} steps/s, "
        f"{alone / run_steps * 1e6:.2f} µs/step"
    )

    request = RunRequest(paths=[str(directory)], cwd=directory, fail_on=None)
    findings = []
    for enabled in (True, False):
        reports: list[Report] = []
        seconds = best_of(repeat, functools.partial(lint, request, enabled, reports))
        report = reports[-1]
        findings.append(report.findings)
        kc507 = sum(finding.rule_id == "KC507" for finding in report.findings)
        print(
            f"kcheck lint     : cache {'on ' if enabled else 'off'}: {report.objects} objects in "
            f"{seconds:.2f} s, {len(report.findings)} findings ({kc507} KC507)"
        )
    print(f"same findings with the cache on and off: {'yes' if findings[0] == findings[1] else 'NO'}")
    cache.enabled = True


if __name__ == "__main__":
    main()
