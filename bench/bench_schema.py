"""Benchmark schema validation (KC501/KC502) against kubernetes-validate, in one run on the same objects.

Usage: python bench/bench_schema.py [CORPUS_DIR] [--version X.Y] [--repeat N] [--reference-limit N]

Every object of the corpus whose apiVersion and kind have a bundled schema is validated:

- by kcheck (`validate.validator` + `validate.validate`: the schema, strict unknown fields, names,
  labels, list-map keys, quantities), cold (the first pass of the process: reading the bundle and
  compiling the validators) and warm (the best of N passes);
- by kcheck, the corpus's custom resources against the corpus's CRDs (warm; not in the comparison, which
  kubernetes-validate cannot validate);
- by the `kubernetes-validate` package (`kubernetes_validate.validate(..., strict=True)`), which
  reports the first error of an object only;
- for orientation, by `jsonschema` on the same resolved schemas with unknown fields closed
  (`additionalProperties: false`), the approach kcheck's validators replace.

Figures are objects per CPU-second (`time.process_time`); parsing is not included. Targets: kcheck at
least 1,400 objects per CPU-second and at least 10x kubernetes-validate.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate

from kcheck.analyzers.schema import store, validate
from kcheck.analyzers.schema.crd import CrdCatalog
from kcheck.model.base import K8sObject, group_of
from kcheck.model.build import build_objects
from kcheck.source.discover import discover
from kcheck.source.loader import load_path

REPO = Path(__file__).resolve().parent.parent


def corpus_objects(corpus: Path) -> list[K8sObject]:
    documents = []
    for file in discover([str(corpus)], [], corpus):
        if file.path is not None:
            documents.extend(load_path(file.display_path, file.path, 10 * 1024 * 1024).documents)
    return build_objects(documents).objects


def cpu_seconds(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def kcheck_pass(objects: list[K8sObject], version: str) -> int:
    problems = 0
    for obj in objects:
        check = validate.validator(version, obj.api_version or "", obj.kind or "")
        if check is not None:
            problems += len(validate.validate(obj.raw, check, group_of(obj.api_version), obj.kind or ""))
    return problems


def custom_pass(objects: list[K8sObject], version: str, catalog: CrdCatalog) -> int:
    problems = 0
    for obj in objects:
        check = validate.check_for(obj, version, catalog)
        if check is not None:
            problems += len(validate.validate(obj.raw, check, group_of(obj.api_version), obj.kind or ""))
    return problems


def reference_pass(objects: list[K8sObject], version: str) -> int:
    invalid = 0
    for obj in objects:
        try:
            kubernetes_validate.validate(obj.raw, version, strict=True)
        except Exception:  # ValidationError, SchemaNotFoundError: the package reports one per object
            invalid += 1
    return invalid


def closed(schema: Any, memo: dict[int, Any]) -> Any:
    """A copy of a resolved schema in which objects with properties reject other keys."""
    if not isinstance(schema, dict):
        return schema
    if id(schema) in memo:
        return memo[id(schema)]
    copy: dict[str, Any] = {}
    memo[id(schema)] = copy
    for key, value in schema.items():
        if key == "properties":
            copy[key] = {name: closed(sub, memo) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            copy[key] = closed(value, memo)
        elif key in ("allOf", "anyOf", "oneOf"):
            copy[key] = [closed(sub, memo) for sub in value]
        else:
            copy[key] = value
    preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in schema and "additionalProperties" not in schema and not preserve:
        copy["additionalProperties"] = False
    return copy


def jsonschema_pass(objects: list[K8sObject], version: str, cache: dict[str, Any]) -> int:
    errors = 0
    for obj in objects:
        key = f"{obj.api_version}|{obj.kind}"
        validator = cache.get(key)
        if validator is None:
            schema = store.resolve(version, obj.api_version or "", obj.kind or "")
            validator = cache[key] = jsonschema.Draft202012Validator(closed(schema, {}))
        errors += sum(1 for _ in validator.iter_errors(obj.raw))
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--version", default=None, help="Kubernetes X.Y (default: the newest bundled)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--reference-limit",
        type=int,
        default=0,
        help="validate only this many objects with kubernetes-validate",
    )
    args = parser.parse_args()
    version = store.check_version(args.version)
    corpus = Path(args.corpus).resolve()
    every = corpus_objects(corpus)
    objects = [obj for obj in every if store.has_schema(version, obj.api_version or "", obj.kind or "")]
    print(
        f"corpus: {corpus} — {len(every)} objects, "
        f"{len(objects)} with a bundled schema (Kubernetes {version})"
    )

    counted: list[int] = []
    # Cold: the process's first pass pays for reading the bundle and compiling every validator it needs.
    cold = cpu_seconds(lambda: counted.append(kcheck_pass(objects, version)))
    warm = min(cpu_seconds(lambda: kcheck_pass(objects, version)) for _ in range(args.repeat))
    print(f"kcheck             cold {len(objects) / cold:9,.0f} objects/CPU-s   ({counted[0]} problems)")
    print(f"kcheck             warm {len(objects) / warm:9,.0f} objects/CPU-s")

    # Custom resources against the corpus's own CRDs (kubernetes-validate has no schema for them).
    crds = [obj for obj in every if obj.kind == "CustomResourceDefinition"]
    catalog = CrdCatalog(crds)
    bundled = {id(obj) for obj in objects}
    custom = [
        obj
        for obj in every
        if id(obj) not in bundled and validate.check_for(obj, version, catalog) is not None
    ]
    if custom:
        custom_time = min(
            cpu_seconds(lambda: custom_pass(custom, version, catalog)) for _ in range(args.repeat)
        )
        print(
            f"kcheck, custom resources {len(custom) / custom_time:6,.0f} objects/CPU-s   "
            f"({len(custom)} objects, schemas from {len(crds)} CRDs of the corpus)"
        )

    cache: dict[str, Any] = {}
    jsonschema_pass(objects, version, cache)
    js = min(cpu_seconds(lambda: jsonschema_pass(objects, version, cache)) for _ in range(2))
    print(
        f"jsonschema (closed)     {len(objects) / js:9,.0f} objects/CPU-s   (resolved schemas, compiled once)"
    )

    sample = objects[: args.reference_limit] if args.reference_limit else objects
    rejected: list[int] = []
    reference = cpu_seconds(lambda: rejected.append(reference_pass(sample, version)))
    rate = len(sample) / reference
    print(
        f"kubernetes-validate     {rate:9,.0f} objects/CPU-s   "
        f"({len(sample)} objects, {rejected[0]} rejected or without a schema file)"
    )
    print(
        f"kcheck / kubernetes-validate: {len(objects) / cold / rate:,.0f}x cold, "
        f"{len(objects) / warm / rate:,.0f}x warm"
    )


if __name__ == "__main__":
    main()
