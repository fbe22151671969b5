"""The cluster-wide tiers around NetworkPolicy (network-policy-api, research notes §2): AdminNetworkPolicy
and BaselineAdminNetworkPolicy (`policy.networking.k8s.io/v1alpha1`) and ClusterNetworkPolicy (`v1alpha2`,
`tier: Admin|Baseline`), read from the manifests (they are custom resources) into one compiled form.

Evaluation, per direction and per pod: the Admin tier's policies by priority (lower first; equal priorities
in name order, which upstream leaves undefined, hence KC314), each policy's rules in written order; the
first rule whose peer and port match decides: Accept (ANP `Allow`) or Deny are final, Pass hands the
connection to the NetworkPolicy tier. There, a pod that NetworkPolicies isolate in the direction is decided
by them; otherwise the Baseline tier decides the same way, and what no rule matches is allowed.

Peers: `namespaces` (every pod of the selected namespaces), `pods` (namespace and pod selectors ANDed),
egress `networks` (CIDRs: they match addresses outside the cluster, and pods where they certainly hold
the pods' addresses: all of IPv4, or the pod network of the setting `network.pod-cidrs`), `nodes` (the
hostNetwork workloads, when the selector selects every node; node labels are not in manifests) and
`domainNames` (no address is known: they match nothing). A peer with none of its fields set fails closed:
an Accept rule matches nothing, a Deny or Pass rule everything. Host-network pods are never subjects or pod
peers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kcheck.analyzers.netpol.addresses import AddressRange, cidr_range
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Problem
from kcheck.core.location import ObjectPath
from kcheck.inventory.selectors import EVERYTHING, NOTHING, Selector, SelectorError, compile_selector
from kcheck.model.base import K8sObject
from kcheck.model.workloads import LabelSelector

ADMIN_GROUP = "policy.networking.k8s.io"
ANP, BANP, CNP = "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"
ADMIN_KINDS = frozenset((ADMIN_GROUP, kind) for kind in (ANP, BANP, CNP))
ACCEPT, DENY, PASS = "Accept", "Deny", "Pass"
ADMIN_TIER, BASELINE_TIER = "Admin", "Baseline"
_PROTOCOL_KEYS = (("tcp", "TCP"), ("udp", "UDP"), ("sctp", "SCTP"))


@dataclass(frozen=True, slots=True)
class AdminPort:
    """A port match: `protocol` None for a named port (any protocol the container declares it with)."""

    protocol: str | None
    low: int
    high: int
    name: str | None
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class AdminPeer:
    """One peer. `namespaces` alone: every pod of those namespaces; with `pods`: the pods of those
    namespaces that `pods` selects. `networks`: address ranges. `nodes`: node selector. `everything`: a peer
    that fails closed as "deny all" (Deny and Pass rules with an unknown peer)."""

    namespaces: Selector | None
    pods: Selector | None
    networks: tuple[AddressRange, ...]
    nodes: Selector | None
    everything: bool
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class AdminRule:
    direction: str
    index: int
    name: str
    action: str  # Accept, Deny or Pass (ANP/BANP `Allow` is Accept)
    peers: tuple[AdminPeer, ...]
    ports: tuple[AdminPort, ...]  # empty: every port
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class AdminPolicyFacts:
    kind: str
    tier: str
    priority: int
    subject_namespaces: Selector
    subject_pods: Selector  # EVERYTHING for a `namespaces` subject
    ingress: tuple[AdminRule, ...]
    egress: tuple[AdminRule, ...]
    problems: tuple[Problem, ...]

    def rules(self, direction: str) -> tuple[AdminRule, ...]:
        return self.ingress if direction == INGRESS else self.egress


def admin_facts(obj: K8sObject) -> AdminPolicyFacts | None:
    kind = obj.kind or ""
    spec = obj.raw.get("spec")
    problems: list[Problem] = []
    if not isinstance(spec, dict):
        problems.append(Problem("spec: Required value", ("spec",)))
        spec = {}
    if kind == CNP:
        tier = spec.get("tier")
        if tier not in (ADMIN_TIER, BASELINE_TIER):
            problems.append(
                Problem(
                    f'tier: Unsupported value: {tier!r}: supported values: "Admin", "Baseline"',
                    ("spec", "tier"),
                )
            )
            tier = ADMIN_TIER
        actions = {ACCEPT: ACCEPT, DENY: DENY, PASS: PASS}
    elif kind == ANP:
        tier = ADMIN_TIER
        actions = {"Allow": ACCEPT, DENY: DENY, PASS: PASS}
    else:
        tier = BASELINE_TIER
        actions = {"Allow": ACCEPT, DENY: DENY}
        if obj.metadata.name != "default":
            problems.append(
                Problem("only one BaselineAdminNetworkPolicy can exist, named default", ("metadata", "name"))
            )
    priority = spec.get("priority", 0)
    if kind != BANP and (type(priority) is not int or not 0 <= priority <= 1000):
        problems.append(
            Problem(f"priority: Invalid value: {priority!r}: must be from 0 to 1000", ("spec", "priority"))
        )
        priority = 1000
    namespaces, pods = _subject(spec.get("subject"), kind, problems)
    rules = {
        direction: tuple(_rules(spec.get(key), direction, key, kind, actions, problems))
        for direction, key in ((INGRESS, "ingress"), (EGRESS, "egress"))
    }
    return AdminPolicyFacts(
        kind,
        tier,
        priority if type(priority) is int else 0,
        namespaces,
        pods,
        rules[INGRESS],
        rules[EGRESS],
        tuple(problems),
    )


def _selector(raw: object, path: ObjectPath, problems: list[Problem]) -> Selector:
    if not isinstance(raw, dict):
        problems.append(Problem("Required value: a label selector", path))
        return NOTHING
    try:
        model = LabelSelector.model_validate(raw)
    except ValueError:
        problems.append(Problem("Invalid value: not a label selector", path))
        return NOTHING
    compiled = compile_selector(model)
    if isinstance(compiled, SelectorError):
        problems.append(Problem(compiled.message, (*path, *compiled.path)))
        return NOTHING
    return compiled


def _subject(raw: object, kind: str, problems: list[Problem]) -> tuple[Selector, Selector]:
    path: ObjectPath = ("spec", "subject")
    if not isinstance(raw, dict) or len(raw) != 1:
        problems.append(Problem("exactly one of namespaces and pods must be set", path))
        return NOTHING, NOTHING
    if "namespaces" in raw:
        return _selector(raw["namespaces"], (*path, "namespaces"), problems), EVERYTHING
    if "pods" in raw and isinstance(raw["pods"], dict):
        pods = raw["pods"]
        return (
            _selector(pods.get("namespaceSelector", {}), (*path, "pods", "namespaceSelector"), problems),
            _selector(pods.get("podSelector"), (*path, "pods", "podSelector"), problems),
        )
    problems.append(Problem("exactly one of namespaces and pods must be set", path))
    return NOTHING, NOTHING


def _rules(
    raw: object, direction: str, key: str, kind: str, actions: Mapping[str, str], problems: list[Problem]
) -> Iterator[AdminRule]:
    for index, rule in enumerate(raw if isinstance(raw, list) else []):
        path: ObjectPath = ("spec", key, index)
        if not isinstance(rule, dict):
            problems.append(Problem("Invalid value: a rule must be an object", path))
            continue
        written = rule.get("action")
        action = actions.get(written) if isinstance(written, str) else None
        if action is None:
            allowed = ", ".join(f'"{a}"' for a in actions)
            problems.append(
                Problem(
                    f"action: Unsupported value: {written!r}: supported values: {allowed}", (*path, "action")
                )
            )
            continue
        peers_key = "from" if direction == INGRESS else "to"
        peers = rule.get(peers_key)
        if not isinstance(peers, list) or not peers:
            problems.append(Problem(f"{peers_key}: Required value: at least one peer", (*path,)))
            continue
        compiled = [
            p for i, peer in enumerate(peers) if (p := _peer(peer, action, (*path, peers_key, i), problems))
        ]
        ports_key = "protocols" if kind == CNP else "ports"
        ports = tuple(_ports(rule.get(ports_key), kind, (*path, ports_key), problems))
        name = rule.get("name")
        yield AdminRule(
            direction, index, name if isinstance(name, str) else "", action, tuple(compiled), ports, path
        )


def _peer(raw: object, action: str, path: ObjectPath, problems: list[Problem]) -> AdminPeer | None:
    known = ("namespaces", "pods", "networks", "nodes", "domainNames")
    fields = [key for key in known if isinstance(raw, dict) and key in raw]
    if not fields:
        # An unknown peer (a newer API version): fail closed.
        return None if action == ACCEPT else AdminPeer(None, None, (), None, True, path)
    key = fields[0]
    value = raw[key] if isinstance(raw, dict) else None
    if key == "namespaces":
        return AdminPeer(_selector(value, (*path, key), problems), None, (), None, False, path)
    if key == "pods":
        pods = value if isinstance(value, dict) else {}
        return AdminPeer(
            _selector(pods.get("namespaceSelector", {}), (*path, key, "namespaceSelector"), problems),
            _selector(pods.get("podSelector"), (*path, key, "podSelector"), problems),
            (),
            None,
            False,
            path,
        )
    if key == "networks":
        ranges = []
        for index, text in enumerate(value if isinstance(value, list) else []):
            parsed = cidr_range(text) if isinstance(text, str) else "not a string"
            if isinstance(parsed, str):
                problems.append(
                    Problem(f"Invalid value: {text!r}: Invalid CIDR format provided", (*path, key, index))
                )
            else:
                ranges.append(parsed)
        return AdminPeer(None, None, tuple(ranges), None, False, path)
    if key == "nodes":
        return AdminPeer(None, None, (), _selector(value, (*path, key), problems), False, path)
    return AdminPeer(None, None, (), None, False, path)  # domainNames: no address is known


def _ports(raw: object, kind: str, path: ObjectPath, problems: list[Problem]) -> Iterator[AdminPort]:
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        at = (*path, index)
        if not isinstance(entry, dict):
            continue
        if kind == CNP:
            yield from _cnp_port(entry, at, problems)
        else:
            yield from _anp_port(entry, at, problems)


def _cnp_port(entry: dict[str, Any], at: ObjectPath, problems: list[Problem]) -> Iterator[AdminPort]:
    name = entry.get("destinationNamedPort")
    if isinstance(name, str):
        yield AdminPort(None, 0, 0, name, at)
        return
    for key, protocol in _PROTOCOL_KEYS:
        match = entry.get(key)
        if not isinstance(match, dict):
            continue
        port = match.get("destinationPort")
        if not isinstance(port, dict):
            yield AdminPort(protocol, 1, 65535, None, (*at, key))
        elif type(port.get("number")) is int:
            yield AdminPort(protocol, port["number"], port["number"], None, (*at, key))
        elif (
            isinstance(span := port.get("range"), dict)
            and type(span.get("start")) is int
            and type(span.get("end")) is int
        ):
            if not span["start"] < span["end"]:
                problems.append(
                    Problem("Start port must be less than End port", (*at, key, "destinationPort", "range"))
                )
                continue
            yield AdminPort(protocol, span["start"], span["end"], None, (*at, key))
        return


def _anp_port(entry: dict[str, Any], at: ObjectPath, problems: list[Problem]) -> Iterator[AdminPort]:
    if isinstance(entry.get("namedPort"), str):
        yield AdminPort(None, 0, 0, entry["namedPort"], at)
        return
    number = entry.get("portNumber")
    if isinstance(number, dict) and type(number.get("port")) is int:
        protocol = number.get("protocol") or "TCP"
        yield AdminPort(protocol, number["port"], number["port"], None, at)
        return
    span = entry.get("portRange")
    if isinstance(span, dict) and type(span.get("start")) is int and type(span.get("end")) is int:
        if not span["start"] < span["end"]:
            problems.append(Problem("Start port must be less than End port", (*at, "portRange")))
            return
        yield AdminPort(span.get("protocol") or "TCP", span["start"], span["end"], None, at)
