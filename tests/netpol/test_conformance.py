"""The admin tiers against the kubernetes-sigs/network-policy-api conformance tests, transcribed as data
(tests/netpol/conformance/README.md).

`test_conformance_case` runs `kcheck netpol connectivity` once per fixture file and checks every probe of it
(from, to, port, protocol: allowed or not) against the JSON answer. A probe marked `xfail` records a
disagreement kept on purpose: the file is reported as xfail only when every probe that fails is so marked,
and a marked probe that passes fails the test (strict), so that a fixed engine shows. Everything else here
checks the fixtures and the runner without the engine.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.netpol.test_upstream import (
    PROTOCOLS,
    check_network_policy,
    documents,
    load,
    probe_allowed,
    run_connectivity,
)

HERE = Path(__file__).resolve().parent / "conformance"
FILES = sorted(HERE.glob("*.yaml"))

SOURCE = re.compile(r"^conformance/tests/(?P<file>[a-z0-9-]+)\.go@(?:[0-9a-f]{40}|index-[0-9]+)$")
MANIFEST = re.compile(r"^conformance/(?:base|tests)/[a-z0-9_/.-]+\.yaml@(?:[0-9a-f]{40}|index-[0-9]+)$")
SHORT_NAME = re.compile(r"^(?:AdminNetworkPolicy|BaselineAdminNetworkPolicy|CNP)[A-Za-z0-9]+$")
FIXTURE_KEYS = {"name", "source", "manifests", "objects", "probes"}
OPTIONAL_FIXTURE_KEYS = {"step", "converted"}
PROBE_KEYS = {"from", "to", "port", "protocol", "allowed"}
OPTIONAL_PROBE_KEYS = {"subtest", "xfail", "note"}
WORKLOAD_KINDS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
CLUSTER_SCOPED = {"Namespace", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"}
ADMIN_GROUP = "policy.networking.k8s.io"

# Every ConformanceTest of the admin tiers read upstream, as (ShortName, Go file): transcribed (fixtures name
# it) or listed with its reason in the first table of conformance/SKIPPED.md. CNPAdminTierSamePriority is two
# tests: the earlier admin-network-policy-same-priority.go and its rewrite.
UPSTREAM_TESTS = 64
FIXTURE_FILES = 115
FAMILIES = {  # ShortName prefix -> file-name prefix
    "AdminNetworkPolicy": "anp-",
    "BaselineAdminNetworkPolicy": "banp-",
    "CNPAdminTier": "cnp-admin-",
    "CNPBaselineTier": "cnp-baseline-",
}


# --------------------------------------------------------------------------------------------------------
# Probes: endpoints, verdicts


def workloads_of(objects: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, int]]:
    """Every workload of `objects` by "namespace/name", with its kind and its number of pods (1 for a Pod;
    `spec.replicas`, default 1, for the others)."""
    found = {}
    for document in objects:
        if document.get("kind") in WORKLOAD_KINDS:
            metadata = document["metadata"]
            replicas = 1 if document["kind"] == "Pod" else (document.get("spec") or {}).get("replicas", 1)
            found[f"{metadata.get('namespace', 'default')}/{metadata['name']}"] = (document["kind"], replicas)
    return found


def resolve(spec: str, workloads: Mapping[str, tuple[str, int]]) -> str:
    """A probe's endpoint as the engine names it: `ip:<address>` as it is, `ns/name` of a workload, or
    `ns/<statefulset>-<ordinal>`, a pod of a StatefulSet (kcheck collapses a workload's pods into one
    endpoint), as that StatefulSet. Anything else is an error of the fixture."""
    if spec.startswith("ip:"):
        ipaddress.ip_address(spec[3:])
        return spec
    if spec in workloads:
        return spec
    match = re.fullmatch(r"(?P<workload>[^/]+/.+)-(?P<ordinal>0|[1-9][0-9]*)", spec)
    if match and match["workload"] in workloads:
        kind, replicas = workloads[match["workload"]]
        if kind == "StatefulSet" and int(match["ordinal"]) < replicas:
            return match["workload"]
    raise AssertionError(f"{spec} is neither a workload nor a pod of a StatefulSet of the objects")


def verdict(results: Sequence[tuple[Mapping[str, Any], bool]]) -> tuple[str, list[str]]:
    """The outcome of a file from (probe, observed) pairs: "pass" when every probe agrees; "xfail" when the
    probes that disagree are all marked `xfail` and every marked one disagrees; "fail" otherwise (a probe
    that disagrees unmarked, or a marked one that agrees: strict). The lines explain it."""
    unexpected: list[str] = []
    expected: list[str] = []
    passed: list[str] = []
    for probe, observed in results:
        line = (
            f"{probe['from']} -> {probe['to']} {probe['protocol']}/{probe['port']}: upstream "
            f"{_word(probe['allowed'])}, kcheck {_word(observed)}"
        )
        if "subtest" in probe:
            line += f"  [{probe['subtest']}]"
        if observed != probe["allowed"]:
            (expected if "xfail" in probe else unexpected).append(
                line + (f"  (xfail: {probe['xfail']})" if "xfail" in probe else "")
            )
        elif "xfail" in probe:
            passed.append(f"{line}  (marked xfail: {probe['xfail']}, but it now agrees: XPASS(strict))")
    if unexpected or passed:
        return "fail", unexpected + passed + expected
    if expected:
        return "xfail", expected
    return "pass", []


def _word(allowed: bool) -> str:
    return "allowed" if allowed else "blocked"


# --------------------------------------------------------------------------------------------------------
# The engine against upstream (these need `kcheck netpol connectivity`)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_conformance_case(path: Path, tmp_path: Path) -> None:
    case = load(path)
    check_fixture(path, case)
    objects = documents(case["objects"])
    workloads = workloads_of(objects)
    output = run_connectivity(tmp_path, {"objects.yaml": case["objects"]})
    results = [
        (
            probe,
            probe_allowed(
                output,
                resolve(probe["from"], workloads),
                resolve(probe["to"], workloads),
                probe["protocol"],
                probe["port"],
            ),
        )
        for probe in case["probes"]
    ]
    outcome, lines = verdict(results)
    report = f"{case['name']} ({path.name})\n" + "\n".join(f"  {line}" for line in lines)
    if outcome == "xfail":
        pytest.xfail(report)
    assert outcome == "pass", report


# --------------------------------------------------------------------------------------------------------
# Fixture validation (no engine needed)


def _is_label_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    )


def check_selector(selector: Any, where: str) -> None:
    """A LabelSelector (`{}` selects everything)."""
    assert isinstance(selector, dict) and set(selector) <= {"matchLabels", "matchExpressions"}, where
    assert selector.get("matchLabels") is None or _is_label_map(selector["matchLabels"]), where
    for requirement in selector.get("matchExpressions") or ():
        assert isinstance(requirement, dict) and set(requirement) <= {"key", "operator", "values"}, where
        assert isinstance(requirement.get("key"), str), where
        values = requirement.get("values") or []
        assert all(isinstance(value, str) for value in values), where
        if requirement["operator"] in ("In", "NotIn"):
            assert values, f"{where}: {requirement['operator']} needs values"
        else:
            assert requirement["operator"] in ("Exists", "DoesNotExist") and not values, where


def _check_pods(pods: Any, kind: str, where: str) -> None:
    """A `pods` subject or peer: namespace and pod selectors; a ClusterNetworkPolicy may omit the namespace
    selector (every namespace), the v1alpha1 kinds require it."""
    required = {"podSelector"} if kind == "ClusterNetworkPolicy" else {"namespaceSelector", "podSelector"}
    assert isinstance(pods, dict) and required <= set(pods) <= {"namespaceSelector", "podSelector"}, where
    for key in ("namespaceSelector", "podSelector"):
        if key in pods:
            check_selector(pods[key], f"{where}.{key}")


def _check_subject(subject: Any, kind: str, where: str) -> None:
    assert isinstance(subject, dict) and len(subject) == 1, f"{where}: exactly one of namespaces and pods"
    if "namespaces" in subject:
        check_selector(subject["namespaces"], f"{where}.namespaces")
    else:
        _check_pods(subject.get("pods"), kind, f"{where}.pods")


def _check_peer(peer: Any, direction: str, kind: str, where: str) -> str:
    kinds = {"namespaces", "pods"}
    if direction == "egress":
        kinds |= {"networks", "nodes"} | ({"domainNames"} if kind == "ClusterNetworkPolicy" else set())
    assert isinstance(peer, dict) and len(peer) == 1 and set(peer) <= kinds, f"{where}: {peer}"
    [(key, value)] = peer.items()
    key = str(key)
    if key in ("namespaces", "nodes"):
        check_selector(value, f"{where}.{key}")
    elif key == "pods":
        _check_pods(value, kind, f"{where}.pods")
    elif key == "networks":
        assert isinstance(value, list) and 1 <= len(value) <= 25, where
        for cidr in value:
            ipaddress.ip_network(cidr)  # strict: a CIDR the API accepts has no host bits
    else:
        assert isinstance(value, list) and value and all(isinstance(name, str) for name in value), where
    return key


def _check_port_number(port: Any, where: str) -> None:
    assert isinstance(port, int) and 1 <= port <= 65535, f"{where}: port {port!r}"


def _check_anp_ports(ports: Any, where: str) -> bool:
    """ANP/BANP `ports`; whether one is a named port."""
    named = False
    assert isinstance(ports, list) and ports, where
    for port in ports:
        assert isinstance(port, dict) and len(port) == 1, f"{where}: {port}"
        [(key, value)] = port.items()
        if key == "portNumber":
            assert set(value) == {"protocol", "port"} and value["protocol"] in PROTOCOLS, where
            _check_port_number(value["port"], where)
        elif key == "portRange":
            assert set(value) == {"protocol", "start", "end"} and value["protocol"] in PROTOCOLS, where
            _check_port_number(value["start"], where)
            _check_port_number(value["end"], where)
            assert value["start"] < value["end"], f"{where}: Start port must be less than End port"
        else:
            assert key == "namedPort" and isinstance(value, str) and value, where
            named = True
    return named


def _check_cnp_protocols(protocols: Any, where: str) -> bool:
    """CNP `protocols`; whether one is a named port."""
    named = False
    assert isinstance(protocols, list) and protocols, where
    for entry in protocols:
        assert isinstance(entry, dict) and len(entry) == 1, f"{where}: {entry}"
        [(key, value)] = entry.items()
        if key == "destinationNamedPort":
            assert isinstance(value, str) and value, where
            named = True
            continue
        assert key in ("tcp", "udp", "sctp") and isinstance(value, dict), f"{where}: {entry}"
        assert set(value) <= {"destinationPort"}, where
        if "destinationPort" in value:
            port = value["destinationPort"]
            assert isinstance(port, dict) and len(port) == 1, where
            if "number" in port:
                _check_port_number(port["number"], where)
            else:
                span = port["range"]
                assert set(span) == {"start", "end"}, where
                _check_port_number(span["start"], where)
                _check_port_number(span["end"], where)
                assert span["start"] < span["end"], f"{where}: Start port must be less than End port"
    return named


def check_admin_policy(document: Any, where: str) -> None:
    """An AdminNetworkPolicy or BaselineAdminNetworkPolicy (v1alpha1, the v0.1.x shape) or a
    ClusterNetworkPolicy (v1alpha2 and its v1beta1 successor), as the CRDs' schemas and validation rules
    accept them, with no unknown field."""
    kind = document["kind"]
    version = document["apiVersion"].removeprefix(f"{ADMIN_GROUP}/")
    if kind == "ClusterNetworkPolicy":
        assert version in ("v1alpha2", "v1beta1"), f"{where}: {document['apiVersion']}"
    else:
        assert version == "v1alpha1", f"{where}: {document['apiVersion']}"
    assert set(document) <= {"apiVersion", "kind", "metadata", "spec"}, where
    metadata = document["metadata"]
    assert set(metadata) <= {"name", "labels", "annotations"}, f"{where}: cluster-scoped, no namespace"
    spec = document["spec"]
    keys = {
        "AdminNetworkPolicy": {"priority", "subject", "ingress", "egress"},
        "BaselineAdminNetworkPolicy": {"subject", "ingress", "egress"},
        "ClusterNetworkPolicy": {"tier", "priority", "subject", "ingress", "egress"},
    }[kind]
    assert isinstance(spec, dict) and {"subject"} <= set(spec) <= keys, f"{where}: {sorted(spec)}"
    if kind == "BaselineAdminNetworkPolicy":
        assert metadata["name"] == "default", f"{where}: the BaselineAdminNetworkPolicy is named default"
    else:
        assert isinstance(spec.get("priority"), int) and 0 <= spec["priority"] <= 1000, where
    if kind == "ClusterNetworkPolicy":
        assert spec.get("tier") in ("Admin", "Baseline"), where
        actions = {"Accept", "Deny", "Pass"}
    else:
        actions = {"Allow", "Deny", "Pass"} if kind == "AdminNetworkPolicy" else {"Allow", "Deny"}
    _check_subject(spec["subject"], kind, f"{where}.subject")
    limit = 25 if kind == "ClusterNetworkPolicy" else 100
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        rules = spec.get(direction)
        if rules is None:
            continue
        assert isinstance(rules, list) and len(rules) <= limit, f"{where}.{direction}"
        for index, rule in enumerate(rules):
            at = f"{where}.{direction}[{index}]"
            ports_key = "protocols" if kind == "ClusterNetworkPolicy" else "ports"
            assert isinstance(rule, dict) and {"action", peers_key} <= set(rule), at
            assert set(rule) <= {"name", "action", peers_key, ports_key}, f"{at}: {sorted(rule)}"
            assert isinstance(rule.get("name", ""), str) and len(rule.get("name", "")) <= 100, at
            assert rule["action"] in actions, f"{at}: action {rule['action']!r}"
            peers = rule[peers_key]
            assert isinstance(peers, list) and 1 <= len(peers) <= limit, at
            peer_kinds = {_check_peer(peer, direction, kind, f"{at}.{peers_key}") for peer in peers}
            if "domainNames" in peer_kinds:
                assert rule["action"] == "Accept", f"{at}: domainNames only with Accept"
            if ports_key in rule:
                check = _check_cnp_protocols if kind == "ClusterNetworkPolicy" else _check_anp_ports
                if check(rule[ports_key], f"{at}.{ports_key}"):
                    assert not peer_kinds & {"networks", "nodes", "domainNames"}, (
                        f"{at}: a named port only with pod peers"
                    )


def _check_workload(document: Mapping[str, Any], where: str) -> None:
    spec = document.get("spec") or {}
    if document["kind"] == "Pod":
        pod = spec
    else:
        assert isinstance(spec.get("replicas", 1), int), where
        template = spec["template"]
        selector = spec["selector"]["matchLabels"]
        labels = template["metadata"]["labels"]
        assert selector.items() <= labels.items(), f"{where}: the selector does not select the template"
        pod = template["spec"]
    containers = pod["containers"]
    assert containers and len({c["name"] for c in containers}) == len(containers), where
    for container in containers:
        for port in container.get("ports") or ():
            assert set(port) <= {"containerPort", "protocol", "name"}, where
            _check_port_number(port["containerPort"], where)
            assert port.get("protocol", "TCP") in PROTOCOLS, where


def check_objects(objects: Sequence[Any], where: str) -> None:
    identities: set[tuple[str, str, str]] = set()
    namespaces = {
        d["metadata"]["name"] for d in objects if isinstance(d, dict) and d.get("kind") == "Namespace"
    }
    for index, document in enumerate(objects):
        at = f"{where}: object {index}"
        assert isinstance(document, dict) and {"apiVersion", "kind", "metadata"} <= set(document), at
        kind, metadata = document["kind"], document["metadata"]
        assert isinstance(metadata.get("name"), str), at
        assert metadata.get("labels") is None or _is_label_map(metadata["labels"]), f"{at}: labels"
        if kind in CLUSTER_SCOPED:
            assert "namespace" not in metadata, at
            namespace = ""
        else:
            namespace = metadata.get("namespace")
            # a namespace YAML reads as a boolean (an unquoted y) is not a string
            assert isinstance(namespace, str) and namespace in namespaces, f"{at}: namespace {namespace!r}"
        identity = (kind, namespace, metadata["name"])
        assert identity not in identities, f"{at}: repeats {identity}"
        identities.add(identity)
        if kind == "NetworkPolicy":
            check_network_policy(document, at)
        elif document["apiVersion"].startswith(f"{ADMIN_GROUP}/"):
            check_admin_policy(document, f"{at} ({kind} {metadata['name']})")
        elif kind in WORKLOAD_KINDS:
            _check_workload(document, at)
        else:
            assert kind == "Namespace", f"{at}: unexpected kind {kind}"


def _check_step(case: Mapping[str, Any], where: str) -> str:
    """The file-name suffix a step gives ("" without one)."""
    if "step" not in case:
        return ""
    step = case["step"]
    assert isinstance(step, dict) and set(step) == {"index", "of", "description"}, where
    assert isinstance(step["index"], int) and isinstance(step["of"], int), where
    assert 1 <= step["index"] <= step["of"] and step["of"] >= 2, where
    assert isinstance(step["description"], str) and step["description"], where
    return f"-step{step['index']}"


def check_fixture(path: Path, case: Mapping[str, Any]) -> None:
    where = path.name
    assert FIXTURE_KEYS <= set(case) <= FIXTURE_KEYS | OPTIONAL_FIXTURE_KEYS, f"{where}: {sorted(case)}"
    assert isinstance(case["name"], str) and SHORT_NAME.match(case["name"]), f"{where}: name"
    assert isinstance(case["source"], str) and SOURCE.match(case["source"]), f"{where}: source"
    manifests = case["manifests"]
    assert isinstance(manifests, list) and manifests, where
    assert all(isinstance(m, str) and MANIFEST.match(m) for m in manifests), f"{where}: manifests"
    assert isinstance(case.get("converted", "-"), str) and case.get("converted", "-"), where
    suffix = _check_step(case, where)
    assert path.stem.endswith(suffix) and re.fullmatch(r"[a-z0-9-]+", path.stem), f"{where}: file name"
    family = next(prefix for short, prefix in FAMILIES.items() if case["name"].startswith(short))
    assert path.stem.startswith(family), f"{where}: a {case['name']} file is named {family}…"
    assert not re.search(r"-step[0-9]+$", path.stem.removesuffix(suffix)), f"{where}: a step without step"

    assert isinstance(case["objects"], str), where
    objects = documents(case["objects"])
    check_objects(objects, where)
    workloads = workloads_of(objects)

    probes = case["probes"]
    assert isinstance(probes, list) and probes, where
    seen: dict[tuple[str, str, int, str], bool] = {}
    for number, probe in enumerate(probes):
        at = f"{where}: probe {number}"
        assert isinstance(probe, dict), at
        assert PROBE_KEYS <= set(probe) <= PROBE_KEYS | OPTIONAL_PROBE_KEYS, f"{at}: {sorted(probe)}"
        source, target = (resolve(probe[end], workloads) for end in ("from", "to"))
        assert source != target, f"{at}: both ends are one endpoint to kcheck (it does not list self traffic)"
        assert not (source.startswith("ip:") and target.startswith("ip:")), at
        _check_port_number(probe["port"], at)
        assert probe["protocol"] in PROTOCOLS and isinstance(probe["allowed"], bool), at
        for optional in OPTIONAL_PROBE_KEYS & set(probe):
            assert isinstance(probe[optional], str) and probe[optional].strip(), f"{at}: {optional}"
        pair = (source, target, probe["port"], probe["protocol"])
        assert seen.setdefault(pair, probe["allowed"]) == probe["allowed"], (
            f"{at}: contradicts an earlier probe of the same workloads (pods kcheck cannot tell apart)"
        )


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_conformance_fixture_is_well_formed(path: Path) -> None:
    check_fixture(path, load(path))


def _skipped_tests() -> list[tuple[str, str]]:
    """(ShortName, Go file name) of each row of the first table of SKIPPED.md."""
    text = (HERE / "SKIPPED.md").read_text()
    section = text.split("## Conformance tests not transcribed", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("ShortName", "---"):
            match = SOURCE.match(cells[1])
            assert match, f"SKIPPED.md: {cells[1]}"
            rows.append((cells[0], match["file"]))
    return rows


def _skipped_probe_tests() -> set[str]:
    """The ShortNames of the second table of SKIPPED.md."""
    text = (HERE / "SKIPPED.md").read_text()
    section = text.split("## Probes left out of transcribed tests", 1)[1]
    names = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] not in ("ShortName", "---"):
            names.add(cells[0])
    return names


def _transcribed() -> dict[tuple[str, str], list[tuple[int, int]]]:
    steps: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for path in FILES:
        case = load(path)
        match = SOURCE.match(case["source"])
        assert match, path.name
        step = case.get("step", {"index": 1, "of": 1})
        steps.setdefault((case["name"], match["file"]), []).append((step["index"], step["of"]))
    return steps


def test_every_upstream_test_is_transcribed_or_skipped_with_a_reason() -> None:
    steps = _transcribed()
    for key, found in steps.items():
        count = found[0][1]
        assert sorted(found) == [(index, count) for index in range(1, count + 1)], f"{key}: steps {found}"
    skipped = _skipped_tests()
    assert len(set(skipped)) == len(skipped), "SKIPPED.md repeats a test"
    assert not set(skipped) & set(steps), "a skipped test has a fixture"
    assert len(steps) + len(skipped) == UPSTREAM_TESTS
    assert len(FILES) == FIXTURE_FILES
    names = {name for name, _ in steps}
    assert _skipped_probe_tests() <= names, "SKIPPED.md leaves probes out of a test that has no fixture"


def test_the_steps_of_a_test_share_its_source_and_manifests() -> None:
    by_test: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for path in FILES:
        case = load(path)
        key = (case["name"], case["source"])
        by_test.setdefault(key, set()).add((*case["manifests"], case.get("converted", "")))
    assert all(len(variants) == 1 for variants in by_test.values()), by_test


# --------------------------------------------------------------------------------------------------------
# The runner's own helpers (no engine needed)

STATEFULSET = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "harry-potter", "namespace": "hogwarts"},
    "spec": {"replicas": 2},
}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "app"}}


def test_resolve_maps_a_statefulset_pod_to_its_workload() -> None:
    workloads = workloads_of([STATEFULSET, DEPLOYMENT])
    assert workloads == {"hogwarts/harry-potter": ("StatefulSet", 2), "app/web": ("Deployment", 1)}
    assert resolve("hogwarts/harry-potter", workloads) == "hogwarts/harry-potter"
    assert resolve("hogwarts/harry-potter-0", workloads) == "hogwarts/harry-potter"
    assert resolve("hogwarts/harry-potter-1", workloads) == "hogwarts/harry-potter"
    assert resolve("ip:8.8.8.8", workloads) == "ip:8.8.8.8"
    unknowns = ("hogwarts/harry-potter-2", "hogwarts/harry-potter-01", "app/web-0", "app/other", "ip:x")
    for unknown in unknowns:
        with pytest.raises((AssertionError, ValueError)):
            resolve(unknown, workloads)


PROBE = {"from": "a/x-0", "to": "b/y-1", "port": 80, "protocol": "TCP", "allowed": False}


def test_verdict_passes_when_every_probe_agrees() -> None:
    assert verdict([(PROBE, False), ({**PROBE, "allowed": True}, True)]) == ("pass", [])


def test_verdict_is_xfail_only_when_every_disagreement_is_marked() -> None:
    marked = {**PROBE, "xfail": "kcheck reads Pass as Accept"}
    outcome, lines = verdict([(marked, True), (PROBE, False)])
    assert outcome == "xfail" and len(lines) == 1 and "kcheck reads Pass as Accept" in lines[0]
    outcome, lines = verdict([(marked, True), (PROBE, True)])
    assert outcome == "fail" and len(lines) == 2  # an unmarked disagreement fails, the marked one is shown


def test_verdict_is_strict_a_marked_probe_that_agrees_fails() -> None:
    marked = {**PROBE, "xfail": "fixed since"}
    outcome, lines = verdict([(marked, False)])
    assert outcome == "fail" and "XPASS(strict)" in lines[0]


def test_the_admin_policy_check_rejects_what_the_api_would() -> None:
    good: dict[str, Any] = {
        "apiVersion": "policy.networking.k8s.io/v1alpha2",
        "kind": "ClusterNetworkPolicy",
        "metadata": {"name": "p"},
        "spec": {
            "tier": "Admin",
            "priority": 3,
            "subject": {"namespaces": {}},
            "ingress": [
                {"name": "r", "action": "Accept", "from": [{"namespaces": {}}],
                 "protocols": [{"tcp": {"destinationPort": {"number": 80}}}]},
            ],
        },
    }  # fmt: skip
    check_admin_policy(good, "good")
    spec: dict[str, Any] = good["spec"]
    rule: dict[str, Any] = spec["ingress"][0]
    backwards = [{"tcp": {"destinationPort": {"range": {"start": 90, "end": 80}}}}]
    broken: tuple[dict[str, Any], ...] = (
        {**spec, "tier": "Developer"},
        {**spec, "priority": 1001},
        {**spec, "subject": {"namespaces": {}, "pods": {"podSelector": {}}}},
        {**spec, "ingress": [{**rule, "action": "Allow"}]},  # the v1alpha1 word
        {**spec, "ingress": [{**rule, "ports": [{"portNumber": {"protocol": "TCP", "port": 80}}]}]},
        {**spec, "ingress": [{**rule, "from": [{"namespaces": {"namespaceSelector": {}}}]}]},  # pre-v0.1.5
        {**spec, "ingress": [{**rule, "from": [{"networks": ["10.0.0.0/8"]}]}]},  # egress only
        {**spec, "ingress": [{**rule, "protocols": backwards}]},
    )
    for broken_spec in broken:
        with pytest.raises((AssertionError, KeyError, ValueError)):
            check_admin_policy({**good, "spec": broken_spec}, "bad")
    banp: dict[str, Any] = {
        "apiVersion": "policy.networking.k8s.io/v1alpha1",
        "kind": "BaselineAdminNetworkPolicy",
        "metadata": {"name": "default"},
        "spec": {"subject": {"namespaces": {}}},
    }
    check_admin_policy(banp, "banp")
    for wrong in ({**banp, "metadata": {"name": "other"}}, {**banp, "spec": {**banp["spec"], "priority": 1}}):
        with pytest.raises(AssertionError):
            check_admin_policy(wrong, "bad banp")
