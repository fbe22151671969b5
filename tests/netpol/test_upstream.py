"""NetworkPolicy reachability against upstream cases transcribed as data (tests/netpol/README.md).

`test_e2e_case` and `test_recipe` run `kcheck netpol connectivity` once per fixture file and compare its JSON
answer with the upstream truth table or probes. Everything else here checks the runner and the fixtures
themselves, without the engine: the shape of every file, the truth-table helper, the reader of the output.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kcheck.analyzers.netpol.connectivity import connectivity_document
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.analyzers.schema import store
from kcheck.api.netpol import load as load_input
from kcheck.core.severity import Severity
from kcheck.engine.config import Settings
from tests.cli.test_cli import kcheck

HERE = Path(__file__).resolve().parent
E2E_DIR = HERE / "e2e"
RECIPES_DIR = HERE / "recipes"
E2E_FILES = sorted(E2E_DIR.glob("*.yaml"))
RECIPE_FILES = sorted(RECIPES_DIR.glob("*.yaml"))

# The e2e model (test/e2e/network/netpol/model.go): namespaces x, y, z with pods a, b, c in each.
NAMESPACES = ("x", "y", "z")
POD_NAMES = ("a", "b", "c")
MODEL_PODS = tuple(f"{ns}/{pod}" for ns in NAMESPACES for pod in POD_NAMES)
PROTOCOLS = ("TCP", "UDP", "SCTP")
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.47"  # the e2e server image; its tag is irrelevant here

E2E_SOURCE = re.compile(r"^test/e2e/network/netpol/network_policy\.go@[0-9a-f]{40}$")
RECIPE_SOURCE = re.compile(r"^(?P<stem>\d\d[a-z]?-[a-z0-9-]+)\.md@[0-9a-f]{40}$")
# ginkgo Context -> file-name prefix, for the three sections of network_policy.go
CONTEXTS = {
    "NetworkPolicy between server and client": "",
    "NetworkPolicy between server and client using UDP": "udp-",
    "NetworkPolicy between server and client using SCTP": "sctp-",
}
OPS = ("Expect", "ExpectPeer", "ExpectAllIngress", "ExpectAllEgress")
ENTRY_POINTS = ("external", "ingress-controller")
# network_policy.go@9db638c has 48 It cases, network_policy_api.go 2 ("Netpol API"); each is either
# transcribed (e2e/*.yaml) or listed in e2e/SKIPPED.md.
UPSTREAM_CASES = 50

Table = dict[tuple[str, str], bool]


class Yaml11Loader(yaml.SafeLoader):
    """Reads scalars as Kubernetes does (YAML 1.1): an unquoted y, Y, n or N is a boolean, like yes or off.
    The fixtures are read with it, so that an unquoted namespace `y` fails their checks instead of reaching
    the engine as `true`."""


Yaml11Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
Yaml11Loader.bool_values = {**yaml.SafeLoader.bool_values, "y": True, "n": False}


class QuotingDumper(yaml.SafeDumper):
    """Writes a string that YAML 1.1 would read as a boolean (namespace y) in quotes."""


YAML11_BOOLEANS = {"y", "n", "yes", "no", "true", "false", "on", "off"}


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if value.lower() in YAML11_BOOLEANS else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


QuotingDumper.add_representer(str, _represent_str)


# --------------------------------------------------------------------------------------------------------
# The truth table: the upstream operations, and the table read from kcheck's output


def pattern_matches(pattern: str, pod: str) -> bool:
    """An upstream Peer as a pattern: "*" any pod, "ns/*" any pod of ns, "*/name" any pod so named."""
    if pattern == "*":
        return True
    namespace, name = pattern.split("/")
    pod_namespace, pod_name = pod.split("/")
    return namespace in ("*", pod_namespace) and name in ("*", pod_name)


def expected_table(pods: Sequence[str], default: bool, expect: Iterable[Mapping[str, Any]]) -> Table:
    """The upstream reachability table: every ordered pair starts at `default`, then each operation sets the
    pairs its patterns match, in order (Expect, ExpectAllIngress, ExpectAllEgress and ExpectPeer all reduce
    to that). Self pairs are kept here; the comparison leaves them out."""
    table = {(source, target): default for source in pods for target in pods}
    for operation in expect:
        for source in pods:
            if pattern_matches(operation["from"], source):
                for target in pods:
                    if pattern_matches(operation["to"], target):
                        table[source, target] = bool(operation["allowed"])
    return table


def _ip_range(text: str) -> tuple[int, int, int]:
    """An external range as the engine writes it ("first-last"; a CIDR or one address also read): its IP
    version, first and last address as integers."""
    if "-" in text:
        first_text, last_text = text.split("-", 1)
        first, last = ipaddress.ip_address(first_text.strip()), ipaddress.ip_address(last_text.strip())
    else:
        network = ipaddress.ip_network(text.strip(), strict=False)
        first, last = network[0], network[-1]
    assert first.version == last.version, text
    return first.version, int(first), int(last)


def endpoint_matches(spec: str, endpoint: Mapping[str, Any]) -> bool:
    """A probe's endpoint ("ns/name", "ip:<address>", "entry:<name>") against one the engine reports."""
    if spec.startswith("ip:"):
        if "ip" not in endpoint:
            return False
        address = ipaddress.ip_address(spec[3:])
        version, first, last = _ip_range(str(endpoint["ip"]))
        return address.version == version and first <= int(address) <= last
    if spec.startswith("entry:"):
        return endpoint.get("entry") == spec[len("entry:") :]
    namespace, name = spec.split("/")
    return "kind" in endpoint and endpoint.get("namespace") == namespace and endpoint.get("name") == name


def conn_allows(conn: Mapping[str, Any], protocol: str, port: int) -> bool:
    return any(low <= port <= high for low, high in conn.get(protocol, ()))


def probe_allowed(output: Mapping[str, Any], source: str, target: str, protocol: str, port: int) -> bool:
    """Whether the engine reports a connection from `source` to `target` that admits protocol/port."""
    return any(
        endpoint_matches(source, connection["src"])
        and endpoint_matches(target, connection["dst"])
        and conn_allows(connection["conn"], protocol, port)
        for connection in output["connections"]
    )


def observed_table(output: Mapping[str, Any], pods: Sequence[str], protocol: str, port: int) -> Table:
    """The table of Pod-to-Pod connections the engine reports (other endpoints are ignored)."""
    table = {(source, target): False for source in pods for target in pods}
    for connection in output["connections"]:
        src, dst = connection["src"], connection["dst"]
        if src.get("kind") != "Pod" or dst.get("kind") != "Pod":
            continue
        key = (f"{src['namespace']}/{src['name']}", f"{dst['namespace']}/{dst['name']}")
        if key in table and conn_allows(connection["conn"], protocol, port):
            table[key] = True
    return table


def table_diff(expected: Table, observed: Table, pods: Sequence[str]) -> list[str]:
    """The cells that differ, ignoring a pod to itself; empty when the tables agree."""
    return [
        f"{source} -> {target}: expected {_word(expected[source, target])}, "
        f"observed {_word(observed[source, target])}"
        for source in pods
        for target in pods
        if source != target and expected[source, target] != observed[source, target]
    ]


def render_tables(expected: Table, observed: Table, pods: Sequence[str]) -> str:
    """Upstream's picture: rows are sources, columns targets, "." allowed, "X" blocked, "-" loopback
    (ignored); in the observed table a cell that differs from the expected one is starred."""

    def grid(title: str, mark: Any) -> list[str]:
        width = max(len(pod) for pod in pods) + 2
        lines = [title, "".ljust(width) + "".join(pod.center(width) for pod in pods)]
        for source in pods:
            cells = ("-" if source == target else mark(source, target) for target in pods)
            lines.append(source.ljust(width) + "".join(cell.center(width) for cell in cells))
        return lines

    def expected_mark(source: str, target: str) -> str:
        return "." if expected[source, target] else "X"

    def observed_mark(source: str, target: str) -> str:
        cell = "." if observed[source, target] else "X"
        return f"*{cell}*" if observed[source, target] != expected[source, target] else cell

    return "\n".join([*grid("expected:", expected_mark), "", *grid("observed:", observed_mark)])


def _word(allowed: bool) -> str:
    return "allowed" if allowed else "blocked"


def check_output_shape(output: Any) -> None:
    """What the connectivity JSON must look like, whatever it says."""
    assert isinstance(output, dict), output
    assert set(output) == {"version", "assumptions", "connections"}, sorted(output)
    assert output["version"] == 1
    assert isinstance(output["assumptions"], dict)
    assert isinstance(output["connections"], list)
    seen: set[str] = set()
    for connection in output["connections"]:
        assert isinstance(connection, dict) and set(connection) == {"src", "dst", "conn"}, connection
        for end in ("src", "dst"):
            _check_endpoint(connection[end])
        pair = json.dumps([connection["src"], connection["dst"]], sort_keys=True)
        assert pair not in seen, f"the pair is reported twice: {pair}"
        seen.add(pair)
        if "kind" in connection["src"]:
            assert connection["src"] != connection["dst"], f"a workload to itself is reported: {connection}"
        conn = connection["conn"]
        assert isinstance(conn, dict) and set(conn) <= set(PROTOCOLS), conn
        for protocol, ranges in conn.items():
            previous = 0
            for port_range in ranges:
                low, high = port_range
                assert isinstance(low, int) and isinstance(high, int), port_range
                assert previous < low <= high <= 65535, f"{protocol} ranges not sorted and disjoint: {ranges}"
                previous = high


def _check_endpoint(endpoint: Any) -> None:
    assert isinstance(endpoint, dict), endpoint
    if "kind" in endpoint:
        assert set(endpoint) == {"kind", "namespace", "name"}, endpoint
    elif "ip" in endpoint:
        assert set(endpoint) == {"ip"}, endpoint
        _, first, last = _ip_range(endpoint["ip"])
        assert first <= last, endpoint
    else:
        assert set(endpoint) == {"entry"} and endpoint["entry"] in ENTRY_POINTS, endpoint


# --------------------------------------------------------------------------------------------------------
# The e2e model as manifests


def model_objects(case: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The standard model (3 Namespaces, 9 bare Pods) with the case's ports, protocols and label changes
    (labels the case adds are merged onto the standard ones, as AddNamespaceLabel / AddPodLabels do)."""
    model = case["model"]
    namespace_labels = case.get("namespaceLabels") or {}
    pod_labels = case.get("podLabels") or {}
    objects: list[dict[str, Any]] = []
    for namespace in NAMESPACES:
        labels = {"ns": namespace, NAMESPACE_NAME_LABEL: namespace, **namespace_labels.get(namespace, {})}
        objects.append(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": labels}}
        )
    for namespace in NAMESPACES:
        for name in POD_NAMES:
            containers = [
                {
                    "name": f"cont-{port}-{protocol.lower()}",
                    "image": AGNHOST,
                    "ports": [
                        {
                            "containerPort": port,
                            "name": f"serve-{port}-{protocol.lower()}",
                            "protocol": protocol,
                        }
                    ],
                }
                for port in model["ports"]
                for protocol in model["protocols"]
            ]
            labels = {"pod": name, **pod_labels.get(f"{namespace}/{name}", {})}
            objects.append(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": name, "namespace": namespace, "labels": labels},
                    "spec": {"terminationGracePeriodSeconds": 0, "containers": containers},
                }
            )
    return objects


def run_connectivity(tmp_path: Path, files: Mapping[str, str], cli: bool = False) -> dict[str, Any]:
    """Writes the manifests to a directory of their own and computes their connectivity once: in process
    (what `kcheck netpol connectivity --format json` prints; `test_the_command_prints_the_same_document`
    checks that they agree), or with `cli`, by running the command."""
    inputs = tmp_path / "manifests"
    inputs.mkdir()
    for name, text in files.items():
        (inputs / name).write_text(text)
    if cli:
        result = kcheck("netpol", "connectivity", str(inputs), "--format", "json", cwd=tmp_path)
        assert result.returncode == 0, (
            f"kcheck netpol connectivity exited {result.returncode}\nstderr:\n{result.stderr}\n"
            f"stdout:\n{result.stdout[:3000]}"
        )
        output = json.loads(result.stdout)
    else:
        cluster, findings = load_input([str(inputs)], cwd=tmp_path, settings=Settings())
        errors = [
            f"{f.location.path}:{f.location.span.line}: {f.message}"
            for f in findings
            if f.severity is Severity.ERROR
        ]
        assert not errors, errors
        output = connectivity_document(Reachability(cluster))
    check_output_shape(output)
    return output  # type: ignore[no-any-return]


def load(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(), Loader=Yaml11Loader)
    assert isinstance(data, dict), path
    return data


def documents(text: str) -> list[Any]:
    return [document for document in yaml.load_all(text, Loader=Yaml11Loader) if document is not None]


# --------------------------------------------------------------------------------------------------------
# The engine against upstream


@pytest.mark.parametrize("name", ["e2e", "recipes"])
def test_the_command_prints_the_same_document(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cases run in process; the command the user runs gives the same document."""
    path = (E2E_FILES if name == "e2e" else RECIPE_FILES)[0]
    case = load(path)
    if name == "e2e":
        files = {"model.yaml": yaml.dump_all(model_objects(case), Dumper=QuotingDumper, sort_keys=False)}
        if documents(case["policies"]):
            files["policies.yaml"] = case["policies"]
    else:
        files = {"objects.yaml": case["objects"]}
    in_process = run_connectivity(tmp_path_factory.mktemp("in-process"), files)
    assert run_connectivity(tmp_path_factory.mktemp("cli"), files, cli=True) == in_process


@pytest.mark.parametrize("path", E2E_FILES, ids=[path.stem for path in E2E_FILES])
def test_e2e_case(path: Path, tmp_path: Path) -> None:
    case = load(path)
    check_e2e_fixture(path, case)
    files = {"model.yaml": yaml.dump_all(model_objects(case), Dumper=QuotingDumper, sort_keys=False)}
    if documents(case["policies"]):
        files["policies.yaml"] = case["policies"]
    output = run_connectivity(tmp_path, files)
    failures = []
    for probe in case["probes"]:
        expected = expected_table(MODEL_PODS, probe["default"], probe["expect"])
        observed = observed_table(output, MODEL_PODS, probe["protocol"], probe["port"])
        if diff := table_diff(expected, observed, MODEL_PODS):
            failures.append(
                f"probe {probe['protocol']}/{probe['port']}: {len(diff)} of 72 pairs differ\n"
                + "\n".join(f"  {line}" for line in diff)
                + "\n"
                + render_tables(expected, observed, MODEL_PODS)
            )
    assert not failures, f"{case['name']} ({path.name})\n" + "\n\n".join(failures)


@pytest.mark.parametrize("path", RECIPE_FILES, ids=[path.stem for path in RECIPE_FILES])
def test_recipe(path: Path, tmp_path: Path) -> None:
    recipe = load(path)
    check_recipe_fixture(path, recipe)
    output = run_connectivity(tmp_path, {"objects.yaml": recipe["objects"]})
    failures = [
        f"{probe['from']} -> {probe['to']} {probe['protocol']}/{probe['port']}: expected "
        f"{_word(probe['allowed'])}, observed {_word(not probe['allowed'])}"
        for probe in recipe["probes"]
        if probe_allowed(output, probe["from"], probe["to"], probe["protocol"], probe["port"])
        != probe["allowed"]
    ]
    assert not failures, f"{recipe['name']} ({path.name})\n" + "\n".join(failures)


# --------------------------------------------------------------------------------------------------------
# Fixture validation (no engine needed)


def _is_label_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    )


def _check_selector(selector: Any, where: str) -> None:
    if selector is None:  # `podSelector:` with nothing after it: the empty selector
        return
    assert isinstance(selector, dict) and set(selector) <= {"matchLabels", "matchExpressions"}, where
    assert selector.get("matchLabels") is None or _is_label_map(selector["matchLabels"]), where
    for requirement in selector.get("matchExpressions") or ():
        assert set(requirement) <= {"key", "operator", "values"}, where
        assert isinstance(requirement["key"], str), where
        values = requirement.get("values") or []
        assert all(isinstance(value, str) for value in values), where
        if requirement["operator"] in ("In", "NotIn"):
            assert values, f"{where}: {requirement['operator']} needs values"
        else:
            assert requirement["operator"] in ("Exists", "DoesNotExist") and not values, where


def _check_ports(ports: Any, where: str) -> None:
    for port in ports or ():
        assert isinstance(port, dict) and set(port) <= {"port", "protocol", "endPort"}, where
        assert port.get("protocol", "TCP") in PROTOCOLS, where
        number = port.get("port")
        if isinstance(number, str):
            assert re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?", number), (
                f"{where}: named port {number!r}"
            )
            assert "endPort" not in port, where
        elif number is not None:
            assert isinstance(number, int) and 1 <= number <= 65535, where
        if "endPort" in port:
            assert isinstance(number, int) and number <= port["endPort"] <= 65535, where


def _check_peers(peers: Any, where: str) -> None:
    for peer in peers or ():
        assert isinstance(peer, dict) and peer, f"{where}: a peer needs a selector or an ipBlock"
        assert set(peer) <= {"podSelector", "namespaceSelector", "ipBlock"}, where
        if "ipBlock" in peer:
            assert set(peer) == {"ipBlock"}, f"{where}: ipBlock goes alone"
            network = ipaddress.ip_network(peer["ipBlock"]["cidr"], strict=False)
            for excepted in peer["ipBlock"].get("except") or ():
                assert ipaddress.ip_network(excepted, strict=False).subnet_of(network), where  # type: ignore[arg-type]
        for key in ("podSelector", "namespaceSelector"):
            if key in peer:
                _check_selector(peer[key], f"{where}.{key}")


_SCHEMA: list[jsonschema.protocols.Validator] = []


def _schema_errors(document: Mapping[str, Any]) -> list[str]:
    if not _SCHEMA:
        schema = store.resolve(store.default_version(), "networking.k8s.io/v1", "NetworkPolicy")
        assert schema is not None
        _SCHEMA.append(jsonschema.Draft202012Validator(schema))
    return [f"{list(error.absolute_path)}: {error.message}" for error in _SCHEMA[0].iter_errors(document)]


def check_network_policy(document: Any, where: str) -> None:
    """A NetworkPolicy as the API server would accept it (the bundled schema), with no unknown field."""
    assert isinstance(document, dict), where
    assert document.get("apiVersion") == "networking.k8s.io/v1" and document.get("kind") == "NetworkPolicy", (
        where
    )
    assert set(document) <= {"apiVersion", "kind", "metadata", "spec"}, where
    assert not (errors := _schema_errors(document)), f"{where}: {errors}"
    metadata = document["metadata"]
    assert set(metadata) <= {"name", "namespace", "labels", "annotations"}, where
    assert isinstance(metadata["name"], str), where
    spec = document["spec"]
    assert set(spec) <= {"podSelector", "policyTypes", "ingress", "egress"} and "podSelector" in spec, where
    _check_selector(spec["podSelector"], f"{where}.podSelector")
    assert set(spec.get("policyTypes") or ()) <= {"Ingress", "Egress"}, where
    for rule in spec.get("ingress") or ():
        assert isinstance(rule, dict) and set(rule) <= {"from", "ports"}, where
        _check_peers(rule.get("from"), f"{where}.ingress.from")
        _check_ports(rule.get("ports"), f"{where}.ingress.ports")
    for rule in spec.get("egress") or ():
        assert isinstance(rule, dict) and set(rule) <= {"to", "ports"}, where
        _check_peers(rule.get("to"), f"{where}.egress.to")
        _check_ports(rule.get("ports"), f"{where}.egress.ports")


def _kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _check_step(data: Mapping[str, Any], where: str) -> str:
    """The file-name suffix a step gives ("" without one)."""
    if "step" not in data:
        return ""
    step = data["step"]
    assert isinstance(step, dict) and set(step) == {"index", "of", "description"}, where
    assert isinstance(step["index"], int) and isinstance(step["of"], int), where
    assert 1 <= step["index"] <= step["of"] and step["of"] >= 2, where
    assert isinstance(step["description"], str) and step["description"], where
    return f"-step{step['index']}"


def _check_pattern(pattern: Any, where: str) -> None:
    assert isinstance(pattern, str), where
    if pattern == "*":
        return
    match = re.fullmatch(r"(?P<ns>[a-z*]+)/(?P<pod>[a-z*]+)", pattern)
    assert match, f"{where}: pattern {pattern!r}"
    assert match["ns"] in ("*", *NAMESPACES) and match["pod"] in ("*", *POD_NAMES), f"{where}: {pattern!r}"


def check_e2e_fixture(path: Path, case: Mapping[str, Any]) -> None:
    where = path.name
    required = {"name", "context", "source", "model", "policies", "probes"}
    assert required <= set(case) <= required | {"step", "namespaceLabels", "podLabels"}, (
        f"{where}: {sorted(case)}"
    )
    assert isinstance(case["name"], str) and case["name"].startswith("should "), where
    assert case["context"] in CONTEXTS, where
    assert E2E_SOURCE.match(case["source"]), where
    suffix = _check_step(case, where)
    assert path.stem == CONTEXTS[case["context"]] + _kebab(case["name"]) + suffix, f"{where}: file name"

    model = case["model"]
    assert isinstance(model, dict) and set(model) == {"ports", "protocols"}, where
    ports, protocols = model["ports"], model["protocols"]
    assert ports and len(set(ports)) == len(ports), where
    assert all(isinstance(port, int) and 1 <= port <= 65535 for port in ports), where
    assert protocols and len(set(protocols)) == len(protocols) and set(protocols) <= set(PROTOCOLS), where
    for key, targets in (("namespaceLabels", NAMESPACES), ("podLabels", MODEL_PODS)):
        changes = case.get(key)
        if changes is not None:
            assert isinstance(changes, dict) and changes and set(changes) <= set(targets), f"{where}: {key}"
            assert all(_is_label_map(labels) and labels for labels in changes.values()), f"{where}: {key}"

    assert isinstance(case["policies"], str), where
    names = set()
    for index, document in enumerate(documents(case["policies"])):
        check_network_policy(document, f"{where}: policy {index}")
        namespace = document["metadata"].get("namespace")
        assert namespace in NAMESPACES, f"{where}: policy {index} namespace {namespace!r}"
        names.add((namespace, document["metadata"]["name"]))
        assert len(names) == index + 1, f"{where}: policy {index} repeats a name"

    probes = case["probes"]
    assert isinstance(probes, list) and probes, where
    for number, probe in enumerate(probes):
        at = f"{where}: probe {number}"
        assert isinstance(probe, dict) and set(probe) == {"port", "protocol", "default", "expect"}, at
        assert probe["port"] in ports and probe["protocol"] in protocols, f"{at}: the pods do not serve it"
        assert isinstance(probe["default"], bool) and isinstance(probe["expect"], list), at
        for operation in probe["expect"]:
            assert isinstance(operation, dict) and set(operation) == {"op", "from", "to", "allowed"}, at
            assert operation["op"] in OPS and isinstance(operation["allowed"], bool), at
            _check_pattern(operation["from"], at)
            _check_pattern(operation["to"], at)
            concrete = {"from": operation["from"] in MODEL_PODS, "to": operation["to"] in MODEL_PODS}
            if operation["op"] == "Expect":
                assert concrete["from"] and concrete["to"], f"{at}: Expect names two pods"
            elif operation["op"] == "ExpectAllIngress":
                assert operation["from"] == "*" and concrete["to"], f"{at}: ExpectAllIngress is * -> one pod"
            elif operation["op"] == "ExpectAllEgress":
                assert concrete["from"] and operation["to"] == "*", f"{at}: ExpectAllEgress is one pod -> *"


def _workload_names(objects: Sequence[Mapping[str, Any]]) -> set[str]:
    kinds = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
    return {
        f"{o['metadata'].get('namespace', 'default')}/{o['metadata']['name']}"
        for o in objects
        if o["kind"] in kinds
    }


def _check_probe_endpoint(spec: Any, workloads: set[str], where: str) -> None:
    assert isinstance(spec, str), where
    if spec.startswith("ip:"):
        ipaddress.ip_address(spec[3:])
    elif spec.startswith("entry:"):
        assert spec[len("entry:") :] in ENTRY_POINTS, f"{where}: {spec}"
    else:
        assert spec in workloads, f"{where}: {spec} is no workload of the recipe's objects"


def check_recipe_fixture(path: Path, recipe: Mapping[str, Any]) -> None:
    where = path.name
    required = {"name", "source", "objects", "probes"}
    assert required <= set(recipe) <= required | {"step"}, f"{where}: {sorted(recipe)}"
    assert isinstance(recipe["name"], str) and recipe["name"], where
    source = RECIPE_SOURCE.match(recipe["source"])
    assert source, where
    assert path.stem == source["stem"] + _check_step(recipe, where), f"{where}: file name"

    assert isinstance(recipe["objects"], str), where
    objects = documents(recipe["objects"])
    assert objects, where
    identities = set()
    for index, document in enumerate(objects):
        at = f"{where}: object {index}"
        assert isinstance(document, dict) and {"apiVersion", "kind", "metadata"} <= set(document), at
        assert isinstance(document["metadata"].get("name"), str), at
        namespace = document["metadata"].get("namespace", "default")
        identities.add((document["kind"], namespace, document["metadata"]["name"]))
        assert len(identities) == index + 1, (
            f"{at}: repeats {document['kind']} {namespace}/{document['metadata']['name']}"
        )
        labels = document["metadata"].get("labels")
        assert labels is None or _is_label_map(labels), at
        if document["kind"] == "NetworkPolicy":
            check_network_policy(document, at)
        elif document["kind"] == "Pod":
            containers = document["spec"]["containers"]
            assert containers and all(isinstance(c.get("name"), str) for c in containers), at

    workloads = _workload_names(objects)
    probes = recipe["probes"]
    assert isinstance(probes, list) and probes, where
    for number, probe in enumerate(probes):
        at = f"{where}: probe {number}"
        assert isinstance(probe, dict), at
        assert (
            {"from", "to", "port", "protocol", "allowed"}
            <= set(probe)
            <= {"from", "to", "port", "protocol", "allowed", "note"}
        ), at
        _check_probe_endpoint(probe["from"], workloads, at)
        _check_probe_endpoint(probe["to"], workloads, at)
        assert probe["from"] != probe["to"], at
        assert not (
            probe["from"].startswith(("ip:", "entry:")) and probe["to"].startswith(("ip:", "entry:"))
        ), at
        assert isinstance(probe["port"], int) and 1 <= probe["port"] <= 65535, at
        assert probe["protocol"] in PROTOCOLS and isinstance(probe["allowed"], bool), at
        assert isinstance(probe.get("note", ""), str), at


@pytest.mark.parametrize("path", E2E_FILES, ids=[path.stem for path in E2E_FILES])
def test_e2e_fixture_is_well_formed(path: Path) -> None:
    check_e2e_fixture(path, load(path))


@pytest.mark.parametrize("path", RECIPE_FILES, ids=[path.stem for path in RECIPE_FILES])
def test_recipe_fixture_is_well_formed(path: Path) -> None:
    check_recipe_fixture(path, load(path))


def _skipped_e2e_cases() -> list[tuple[str, str]]:
    rows = []
    for line in (E2E_DIR / "SKIPPED.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("Context", "---"):
            rows.append((cells[0], cells[1]))
    return rows


def test_every_upstream_e2e_case_is_transcribed_or_skipped_with_a_reason() -> None:
    steps: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for path in E2E_FILES:
        case = load(path)
        step = case.get("step", {"index": 1, "of": 1})
        steps.setdefault((case["context"], case["name"]), []).append((step["index"], step["of"]))
    for key, found in steps.items():
        count = found[0][1]
        assert sorted(found) == [(index, count) for index in range(1, count + 1)], f"{key}: steps {found}"
    skipped = _skipped_e2e_cases()
    assert len(set(skipped)) == len(skipped) == 5
    assert not set(skipped) & set(steps), "a skipped case has a fixture"
    assert len(steps) + len(skipped) == UPSTREAM_CASES


def test_fixture_file_names_are_unique_across_directories() -> None:
    assert len({path.stem for path in E2E_FILES}) == len(E2E_FILES) == 54
    assert len({path.stem for path in RECIPE_FILES}) == len(RECIPE_FILES) == 15


# --------------------------------------------------------------------------------------------------------
# The runner's own helpers (no engine needed)


def test_expected_table_applies_operations_in_order_over_every_pod() -> None:
    pods = ["p/a", "p/b", "q/a"]
    operations = [
        {"op": "ExpectPeer", "from": "*", "to": "p/*", "allowed": False},  # nothing gets into p
        {"op": "Expect", "from": "p/b", "to": "p/a", "allowed": True},  # except p/b -> p/a
        {"op": "ExpectAllEgress", "from": "q/a", "to": "*", "allowed": False},
        {"op": "ExpectPeer", "from": "*/a", "to": "q/a", "allowed": True},  # later operations win
    ]
    table = expected_table(pods, True, operations)
    assert table == {
        ("p/a", "p/a"): False, ("p/a", "p/b"): False, ("p/a", "q/a"): True,
        ("p/b", "p/a"): True, ("p/b", "p/b"): False, ("p/b", "q/a"): True,
        ("q/a", "p/a"): False, ("q/a", "p/b"): False, ("q/a", "q/a"): True,
    }  # fmt: skip
    assert expected_table(pods, False, [])[("p/a", "q/a")] is False


def test_patterns() -> None:
    assert pattern_matches("*", "x/a")
    assert pattern_matches("x/*", "x/b") and not pattern_matches("x/*", "y/b")
    assert pattern_matches("*/b", "z/b") and not pattern_matches("*/b", "z/c")
    assert pattern_matches("x/a", "x/a") and not pattern_matches("x/a", "x/b")


XA = {"kind": "Pod", "namespace": "x", "name": "a"}
XB = {"kind": "Pod", "namespace": "x", "name": "b"}
OUTPUT: dict[str, Any] = {
    "version": 1,
    "assumptions": {},
    "connections": [
        {"src": XA, "dst": XB, "conn": {"TCP": [[1, 79], [81, 65535]], "UDP": [[1, 65535]]}},
        {"src": XB, "dst": {"ip": "0.0.0.0-9.255.255.255"}, "conn": {"TCP": [[443, 443]]}},
        {"src": XB, "dst": {"ip": "11.0.0.0-255.255.255.255"}, "conn": {"TCP": [[1, 65535]]}},
        {"src": {"entry": "external"}, "dst": XA, "conn": {"SCTP": [[80, 80]]}},
    ],
}


def test_the_output_reader() -> None:
    check_output_shape(OUTPUT)
    pods = ["x/a", "x/b"]
    assert observed_table(OUTPUT, pods, "TCP", 81) == {
        ("x/a", "x/a"): False, ("x/a", "x/b"): True, ("x/b", "x/a"): False, ("x/b", "x/b"): False,
    }  # fmt: skip
    assert not observed_table(OUTPUT, pods, "TCP", 80)["x/a", "x/b"]
    assert observed_table(OUTPUT, pods, "UDP", 80)["x/a", "x/b"]
    assert not observed_table(OUTPUT, pods, "SCTP", 80)["x/a", "x/b"]
    assert probe_allowed(OUTPUT, "x/b", "ip:8.8.8.8", "TCP", 443)
    assert not probe_allowed(OUTPUT, "x/b", "ip:8.8.8.8", "TCP", 80)
    assert not probe_allowed(OUTPUT, "x/b", "ip:10.1.2.3", "TCP", 443)  # no range holds it
    assert probe_allowed(OUTPUT, "x/b", "ip:93.184.216.34", "TCP", 80)
    assert not probe_allowed(OUTPUT, "x/b", "ip:::1", "TCP", 443)  # IPv6 is not in an IPv4 range
    assert probe_allowed(OUTPUT, "entry:external", "x/a", "SCTP", 80)
    assert not probe_allowed(OUTPUT, "entry:ingress-controller", "x/a", "SCTP", 80)
    assert not probe_allowed(OUTPUT, "x/a", "x/b", "TCP", 80)


@pytest.mark.parametrize(
    "broken",
    [
        {**OUTPUT, "version": 2},
        {**OUTPUT, "extra": 1},
        {**OUTPUT, "connections": [{"src": XA, "dst": XB, "conn": {"TCP": [[81, 90], [1, 79]]}}]},
        {**OUTPUT, "connections": [OUTPUT["connections"][0]] * 2},
        {**OUTPUT, "connections": [{"src": XA, "dst": XA, "conn": {"TCP": [[80, 80]]}}]},
        {**OUTPUT, "connections": [{"src": {"entry": "moon"}, "dst": {"ip": "1.1.1.1"}, "conn": {}}]},
    ],
)
def test_the_output_shape_check_rejects(broken: Any) -> None:
    with pytest.raises(AssertionError):
        check_output_shape(broken)


def test_the_diff_names_each_differing_pair_and_ignores_loopback() -> None:
    pods = ["x/a", "x/b"]
    expected = expected_table(pods, True, [{"from": "*", "to": "x/a", "allowed": False}])
    observed = {("x/a", "x/a"): True, ("x/a", "x/b"): True, ("x/b", "x/a"): True, ("x/b", "x/b"): True}
    assert table_diff(expected, observed, pods) == ["x/b -> x/a: expected blocked, observed allowed"]
    picture = render_tables(expected, observed, pods)
    assert "*.*" in picture and picture.count("-") >= 4


def test_the_standard_model() -> None:
    case = {
        "model": {"ports": [80, 81], "protocols": ["TCP", "UDP"]},
        "namespaceLabels": {"y": {"ns2": "updated"}},
        "podLabels": {"x/b": {"pod": "b", "pod2": "updated"}},
    }
    objects = model_objects(case)
    namespaces = {o["metadata"]["name"]: o["metadata"]["labels"] for o in objects if o["kind"] == "Namespace"}
    assert namespaces == {
        "x": {"ns": "x", NAMESPACE_NAME_LABEL: "x"},
        "y": {"ns": "y", NAMESPACE_NAME_LABEL: "y", "ns2": "updated"},
        "z": {"ns": "z", NAMESPACE_NAME_LABEL: "z"},
    }
    pods = {f"{o['metadata']['namespace']}/{o['metadata']['name']}": o for o in objects if o["kind"] == "Pod"}
    assert tuple(pods) == MODEL_PODS
    assert pods["x/b"]["metadata"]["labels"] == {"pod": "b", "pod2": "updated"}
    assert pods["z/c"]["metadata"]["labels"] == {"pod": "c"}
    ports = [port for c in pods["y/a"]["spec"]["containers"] for port in c["ports"]]
    assert [(p["name"], p["containerPort"], p["protocol"]) for p in ports] == [
        ("serve-80-tcp", 80, "TCP"),
        ("serve-80-udp", 80, "UDP"),
        ("serve-81-tcp", 81, "TCP"),
        ("serve-81-udp", 81, "UDP"),
    ]


def test_the_network_policy_check_rejects_what_the_api_would() -> None:
    good = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p"},
            "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": "serve-80-tcp"}]}]}}  # fmt: skip
    check_network_policy(good, "good")
    broken: tuple[dict[str, Any], ...] = (
        {"podSelector": {"matchLabel": {"a": "b"}}},
        {"podSelector": {}, "ingress": [{"form": []}]},
        {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}]},
        {"podSelector": {}, "ingress": [{"ports": [{"port": "serve-80-tcp", "endPort": 90}]}]},
        {"podSelector": {}, "egress": [{"ports": [{"port": 80, "protocol": "ICMP"}]}]},
        {"podSelector": {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}},
    )
    for spec in broken:
        with pytest.raises(AssertionError):
            check_network_policy({**good, "spec": spec}, "bad")


def test_fixtures_are_read_as_kubernetes_reads_yaml() -> None:
    """An unquoted `y` is the boolean true to Kubernetes: a fixture that wrote `namespace: y` unquoted would
    hand the engine a boolean, so fixtures are read that way and must quote it; the model is written so."""
    [document] = documents("metadata: {namespace: y, other: Y, name: x}\n")
    assert document["metadata"] == {"namespace": True, "other": True, "name": "x"}
    assert yaml.dump({"namespace": "y", "pod": "a"}, Dumper=QuotingDumper) == 'namespace: "y"\npod: a\n'
    unquoted = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]}]
"""
    with pytest.raises(AssertionError):
        check_network_policy(documents(unquoted)[0], "unquoted")
    check_network_policy(documents(unquoted.replace(": y}", ': "y"}'))[0], "quoted")
