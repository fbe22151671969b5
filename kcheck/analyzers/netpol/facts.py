"""What the NetworkPolicy analysis needs of an object, read in the per-file stage (`Family.facts`) while
the object is whole: a workload's pod labels and ports; a NetworkPolicy compiled to selectors, address
ranges and port matches, as the API server defaults and validates it (`pkg/apis/networking/validation`,
`SetDefaults_NetworkPolicy`), with the object path of every part so that findings and explanations name
the line that decides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.netpol.addresses import AddressRange, cidr_range, subtract
from kcheck.core.location import ObjectPath
from kcheck.inventory.pods import common_pod_labels
from kcheck.inventory.selectors import EVERYTHING, Selector, SelectorError, compile_selector
from kcheck.model.base import K8sObject
from kcheck.model.networking import NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort
from kcheck.model.workloads import LabelSelector, pod_template

INGRESS, EGRESS = "Ingress", "Egress"
PROTOCOLS = ("TCP", "UDP", "SCTP")


@dataclass(frozen=True, slots=True)
class ContainerPort:
    """A port a container declares (`protocol` defaulted to TCP)."""

    name: str | None
    number: int
    protocol: str
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class WorkloadFacts:
    """A pod template collapsed to its owner: what every pod it creates looks like to a NetworkPolicy."""

    labels: tuple[tuple[str, str], ...]  # the pods' labels, sorted
    ports: tuple[ContainerPort, ...]  # of the containers and sidecars (restartable init containers)
    host_network: bool
    template_path: ObjectPath


@dataclass(frozen=True, slots=True)
class PortMatch:
    """One entry of a rule's `ports`: every port of `protocol` (`port` None), one number, a range to
    `end_port`, or a port `name` resolved on each destination pod."""

    protocol: str
    port: int | None
    end_port: int | None
    name: str | None
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class Peer:
    """One entry of `from`/`to`. `pods` and `namespaces` are None when the peer does not set them; an
    ipBlock peer has `blocks` (its `cidr` minus its `except` entries) and `cidr` as written."""

    pods: Selector | None
    namespaces: Selector | None
    cidr: str | None
    blocks: tuple[AddressRange, ...]
    path: ObjectPath

    @property
    def is_ip_block(self) -> bool:
        return self.cidr is not None


@dataclass(frozen=True, slots=True)
class Rule:
    """An ingress or egress rule. Empty `peers` admits every peer (addresses outside the cluster included),
    empty `ports` every port of every protocol."""

    direction: str
    index: int
    peers: tuple[Peer, ...]
    ports: tuple[PortMatch, ...]
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the API server rejects the policy: a validation error at `path`."""

    message: str
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    """A NetworkPolicy, defaulted. `isolates` holds the directions of its (defaulted) `policyTypes`; the
    rules of a direction it does not isolate are kept in `ignored` (they have no effect)."""

    subject: Selector
    isolates: frozenset[str]
    ingress: tuple[Rule, ...]
    egress: tuple[Rule, ...]
    policy_types_written: bool
    ignored: tuple[str, ...]  # the directions whose rules policyTypes makes dead
    problems: tuple[Problem, ...]

    def rules(self, direction: str) -> tuple[Rule, ...]:
        return self.ingress if direction == INGRESS else self.egress


def workload_facts(obj: K8sObject) -> WorkloadFacts | None:
    template = pod_template(obj)
    if template is None:
        return None
    spec = template.spec
    ports: list[ContainerPort] = []
    for key, items in (("containers", spec.containers), ("initContainers", spec.init_containers)):
        for index, container in enumerate(items):
            if key == "initContainers" and container.restart_policy != "Always":
                continue
            for number, port in enumerate(container.ports):
                if isinstance(port.container_port, int):
                    path = (*template.path, key, index, "ports", number)
                    ports.append(ContainerPort(port.name, port.container_port, port.protocol or "TCP", path))
    labels = common_pod_labels(obj, template.labels)
    return WorkloadFacts(
        tuple(sorted(labels.items())), tuple(ports), spec.host_network is True, template.path
    )


def policy_facts(policy: NetworkPolicy) -> PolicyFacts:
    problems: list[Problem] = []
    spec = policy.spec
    if spec is None:
        return PolicyFacts(EVERYTHING, frozenset({INGRESS}), (), (), False, (), ())
    subject = _selector(spec.pod_selector or LabelSelector(), ("spec", "podSelector"), problems)
    written = bool(spec.policy_types)
    if written:
        isolates = set()
        for index, kind in enumerate(spec.policy_types or ()):
            if kind in (INGRESS, EGRESS):
                isolates.add(kind)
            else:
                problems.append(
                    Problem(
                        f'Unsupported value: "{kind}": supported values: "Ingress", "Egress"',
                        ("spec", "policyTypes", index),
                    )
                )
        if len(spec.policy_types or ()) > 2:
            problems.append(Problem("may not specify more than two policyTypes", ("spec", "policyTypes")))
    else:
        isolates = {INGRESS, EGRESS} if spec.egress else {INGRESS}
    ingress = tuple(
        Rule(
            INGRESS,
            index,
            tuple(_peers(rule.from_, ("spec", "ingress", index, "from"), problems)),
            tuple(_ports(rule.ports, ("spec", "ingress", index, "ports"), problems)),
            ("spec", "ingress", index),
        )
        for index, rule in enumerate(spec.ingress)
    )
    egress = tuple(
        Rule(
            EGRESS,
            index,
            tuple(_peers(rule.to, ("spec", "egress", index, "to"), problems)),
            tuple(_ports(rule.ports, ("spec", "egress", index, "ports"), problems)),
            ("spec", "egress", index),
        )
        for index, rule in enumerate(spec.egress)
    )
    ignored = tuple(
        direction
        for direction, rules in ((INGRESS, ingress), (EGRESS, egress))
        if rules and direction not in isolates
    )
    return PolicyFacts(subject, frozenset(isolates), ingress, egress, written, ignored, tuple(problems))


def _selector(selector: LabelSelector | None, path: ObjectPath, problems: list[Problem]) -> Selector:
    compiled = compile_selector(selector)
    if isinstance(compiled, SelectorError):
        problems.append(Problem(compiled.message, (*path, *compiled.path)))
        return Selector(matches_nothing=True)
    return compiled


def _peers(peers: list[NetworkPolicyPeer], path: ObjectPath, problems: list[Problem]) -> Iterator[Peer]:
    for index, peer in enumerate(peers):
        at = (*path, index)
        count = sum(x is not None for x in (peer.pod_selector, peer.namespace_selector, peer.ip_block))
        if count == 0:
            problems.append(Problem("must specify a peer", at))
            continue
        if count > 1 and peer.ip_block is not None:
            problems.append(Problem("may not specify both ipBlock and another peer", at))
            continue
        if peer.ip_block is not None:
            yield from _ip_block(peer, at, problems)
            continue
        pods = (
            None
            if peer.pod_selector is None
            else _selector(peer.pod_selector, (*at, "podSelector"), problems)
        )
        namespaces = (
            None
            if peer.namespace_selector is None
            else _selector(peer.namespace_selector, (*at, "namespaceSelector"), problems)
        )
        yield Peer(pods, namespaces, None, (), at)


def _ip_block(peer: NetworkPolicyPeer, at: ObjectPath, problems: list[Problem]) -> Iterator[Peer]:
    block = peer.ip_block
    assert block is not None
    if not block.cidr:
        problems.append(Problem("Required value", (*at, "ipBlock", "cidr")))
        return
    whole = cidr_range(block.cidr)
    if isinstance(whole, str):
        problems.append(Problem(f"Invalid value: {block.cidr!r}: {whole}", (*at, "ipBlock", "cidr")))
        return
    removed: list[AddressRange] = []
    for index, text in enumerate(block.except_):
        where = (*at, "ipBlock", "except", index)
        excepted = cidr_range(text)
        if isinstance(excepted, str):
            problems.append(Problem(f"Invalid value: {text!r}: {excepted}", where))
            continue
        # ValidateIPBlock: each except must be a strict subset of cidr.
        if not whole.contains(excepted) or excepted == whole:
            problems.append(Problem(f"Invalid value: {text!r}: must be a strict subset of `cidr`", where))
            continue
        removed.append(excepted)
    yield Peer(None, None, block.cidr, subtract((whole,), removed), at)


# validation.IsValidPortName: an IANA_SVC_NAME.
_PORT_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?\Z")


def port_name_problem(name: str) -> str | None:
    if len(name) > 15:
        return "must be no more than 15 characters"
    if not _PORT_NAME.match(name):
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
    if "--" in name:
        return "must not contain consecutive hyphens"
    if not re.search("[a-z]", name):
        return "must contain at least one letter (a-z)"
    return None


def _ports(ports: list[NetworkPolicyPort], path: ObjectPath, problems: list[Problem]) -> Iterator[PortMatch]:
    for index, entry in enumerate(ports):
        at = (*path, index)
        protocol = "TCP" if entry.protocol is None else entry.protocol  # SetDefaults_NetworkPolicyPort
        if protocol not in PROTOCOLS:
            problems.append(
                Problem(
                    f'Unsupported value: "{protocol}": supported values: "SCTP", "TCP", "UDP"',
                    (*at, "protocol"),
                )
            )
            continue
        port, end = entry.port, entry.end_port
        if isinstance(port, str):
            problem = port_name_problem(port)
            if problem:
                problems.append(Problem(f"Invalid value: {port!r}: {problem}", (*at, "port")))
                continue
            if end is not None:
                problems.append(Problem("may not be specified when `port` is non-numeric", (*at, "endPort")))
                continue
            yield PortMatch(protocol, None, None, port, at)
            continue
        if port is not None and not 1 <= port <= 65535:
            problems.append(
                Problem(f"Invalid value: {port}: must be between 1 and 65535, inclusive", (*at, "port"))
            )
            continue
        if end is not None:
            if port is None:
                problems.append(
                    Problem("may not be specified when `port` is not specified", (*at, "endPort"))
                )
                continue
            if end < port:
                problems.append(Problem("must be greater than or equal to `port`", (*at, "endPort")))
                continue
            if not 1 <= end <= 65535:
                problems.append(
                    Problem(f"Invalid value: {end}: must be between 1 and 65535, inclusive", (*at, "endPort"))
                )
                continue
        yield PortMatch(protocol, port, end, None, at)
