"""## What it does
Reports an ingress or egress rule that allows nothing another rule does not already allow to the same pods:
every peer it admits, the other rule admits, on every port it admits ("shadowed", rectangle containment).
The other rule may be in the same policy (a duplicated rule is the simplest case) or in another policy of
the namespace whose `podSelector` selects at least the same pods, and isolating the same direction. The
finding is on the redundant rule, with the covering rule as a related location.

Containment is decided from the policies as written, so it holds whatever pods and namespaces exist, not
only those of the input:

- the covering policy's `podSelector` must require no more than the rule's policy's (each of its
  requirements follows from one of the other's on the same key);
- each peer of the rule must be inside one peer of the other rule: an `ipBlock` inside an `ipBlock` (its
  `except` entries counted), a selector peer whose namespaces and pods are inside the other's
  (`namespaceSelector` left out: the policy's namespace, whose labels the input declares); a rule without
  peers is covered only by one admitting every peer;
- each of its ports must be inside the other rule's: a number or range inside its numbered ports, a named
  port under the same name and protocol or inside every port of that protocol.

Only containment in one other rule is detected, peer by peer, not in the union of several. Of two rules that
cover each other, the later is reported. A rule covered by one that allows every connection is left to
KC308 (`network-policy-allow-all-makes-others-redundant`), which reports the allow-all rule.

## Why is this bad?
The rule has no effect: removing or narrowing it changes no connection, which is not what whoever edits it
expects. Duplicated rules also drift: a port added to one copy only seems to be allowed by both.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
      ports:
        - port: 8080
    - from:
        - podSelector:
            matchLabels: {app: web, tier: frontend}
      ports:
        - port: 8080
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
      ports:
        - port: 8080
```
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from kcheck.analyzers.netpol.addresses import subtract
from kcheck.analyzers.netpol.cluster import Policy, pod_ranges
from kcheck.analyzers.netpol.containment import Scope, Scopes, every_pod, implies
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Peer
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import CompiledRule, Reachability, iter_bits, port_match_set
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.inventory import NAMESPACE_NAME_LABEL
from kcheck.inventory.selectors import IN, Requirement, Selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC309",
    name="network-policy-redundant-rule",
    summary="A NetworkPolicy rule whose every peer and port another rule already allows to the same pods.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="NetworkPolicy {policy} {section}[{rule}] allows nothing that {other} does not already allow "
    "to the pods it selects",
    remediation="Remove the redundant rule, or merge what differs into the rule that covers it.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
)


# What a covering rule must admit because the rule does (the bitsets of the input follow the selectors):
# its first workload ("pod", "", index), else its first external range ("atom", "", index), else its first
# numbered port ("port", protocol, number); None: nothing known.
Witness = tuple[str, str, int] | None


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    scopes = Scopes(reach)
    containment = Containment(reach, scopes)
    # Which scopes' rules may cover which: planned first, so that each scope's index holds only the
    # workloads, ranges and ports some rule needs covered.
    plans: list[tuple[str, list[CompiledRule], list[Scope]]] = []
    indexes: dict[tuple[int, str], _Index] = {}
    for scope in scopes.scopes:
        for direction in (INGRESS, EGRESS):
            inner = [rule for policy in scope.policies for rule in containment.rules(policy, direction)]
            if not inner:
                continue
            wider = scopes.wider(scope)
            if any(scopes.first_allow_all(wide, direction) is not None for wide in wider):
                continue  # KC308 reports the allow-all rule, naming these
            for wide in wider:
                key = (id(wide), direction)
                index = indexes.get(key)
                if index is None:
                    rules = [r for policy in wide.policies for r in containment.rules(policy, direction)]
                    index = indexes[key] = _Index(rules, scopes)
                for rule in inner:
                    index.need(_witness(rule))
            plans.append((direction, inner, wider))
    for direction, inner, wider in plans:
        for rule in inner:
            own = containment.rules(rule.policy, direction)
            others = sorted(
                (r for wide in wider for r in indexes[id(wide), direction].lookup(_witness(rule))),
                key=containment.order,
            )
            found = containment.covering(rule, [*own, *(r for r in others if r.policy is not rule.policy)])
            if found is not None:
                yield rule.policy.obj, _violation(rule, found)


def _violation(inner: CompiledRule, covering: CompiledRule) -> Violation:
    rule, policy = inner.rule, inner.policy
    name = f"{covering.rule.path[1]}[{covering.rule.index}]"
    other = f"{name} of the same policy" if covering.policy is policy else f"{covering.policy} {name}"
    args = {"policy": str(policy), "section": rule.path[1], "rule": rule.index, "other": other}
    related = (
        RelatedViolation(
            covering.policy.obj, covering.rule.path, f"{covering.policy} {name}: allows all of it"
        ),
    )
    return Violation(rule.path, args, related=related)


def _witness(rule: CompiledRule) -> Witness:
    if rule.pods:
        return "pod", "", (rule.pods & -rule.pods).bit_length() - 1
    if rule.atoms:
        return "atom", "", (rule.atoms & -rule.atoms).bit_length() - 1
    if rule.fixed and rule.rule.ports:
        protocol = rule.fixed.protocols[0]
        return "port", protocol, rule.fixed.ranges(protocol)[0][0]
    return None


@dataclass(eq=False)
class _Index:
    """The rules of one scope and direction by what they admit, for the witnesses some rule needs."""

    rules: list[CompiledRule]
    scopes: Scopes
    _pods: int = 0
    _atoms: int = 0
    _ports: set[tuple[str, int]] = field(default_factory=set)
    _built: dict[Witness, list[CompiledRule]] | None = None

    def need(self, witness: Witness) -> None:
        if witness is None:
            return
        kind, protocol, number = witness
        if kind == "pod":
            self._pods |= 1 << number
        elif kind == "atom":
            self._atoms |= 1 << number
        else:
            self._ports.add((protocol, number))

    def lookup(self, witness: Witness) -> Sequence[CompiledRule]:
        if witness is None:
            return self.rules
        if self._built is None:
            self._built = self._build()
        return self._built.get(witness, ())

    def _build(self) -> dict[Witness, list[CompiledRule]]:
        built: dict[Witness, list[CompiledRule]] = {}
        points: dict[str, list[int]] = {}
        for protocol, port in sorted(self._ports):
            points.setdefault(protocol, []).append(port)
        for rule in self.rules:
            for index in iter_bits(rule.pods & self._pods):
                built.setdefault(("pod", "", index), []).append(rule)
            for index in iter_bits(rule.atoms & self._atoms):
                built.setdefault(("atom", "", index), []).append(rule)
            ports = self.scopes.shape(rule.rule).numbered if rule.rule.ports else PortSet.ALL
            for protocol, wanted in points.items():
                for low, high in ports.ranges(protocol):
                    at = bisect.bisect_left(wanted, low)
                    while at < len(wanted) and wanted[at] <= high:
                        built.setdefault(("port", protocol, wanted[at]), []).append(rule)
                        at += 1
        return built


class Containment:
    """Whether one rule's connections are inside another's, for rules of policies of one namespace."""

    def __init__(self, reach: Reachability, scopes: Scopes) -> None:
        self.reach = reach
        self.scopes = scopes
        self._pod_ranges = pod_ranges(reach.cluster.assumptions)
        self._namespace_labels = {
            name: {**labels, NAMESPACE_NAME_LABEL: name} for name, labels in reach.cluster.namespaces.items()
        }
        self._rules: dict[tuple[int, str], list[CompiledRule]] = {}
        for policy in reach.cluster.policies:
            for rule in reach.compiled[id(policy)]:
                if rule.rule.direction in policy.facts.isolates:
                    self._rules.setdefault((id(policy), rule.rule.direction), []).append(rule)

    def rules(self, policy: Policy, direction: str) -> list[CompiledRule]:
        """The policy's rules of `direction`, if it isolates that way (the others are dead)."""
        return self._rules.get((id(policy), direction), [])

    def order(self, rule: CompiledRule) -> tuple[int, str, int]:
        return self.scopes.order[id(rule.policy)], rule.rule.direction, rule.rule.index

    def covering(self, inner: CompiledRule, candidates: Sequence[CompiledRule]) -> CompiledRule | None:
        """The first candidate that covers `inner` and that `inner` does not cover back; else the first
        earlier one that covers it exactly as much (of two equivalent rules, the later is redundant)."""
        equivalent: CompiledRule | None = None
        for outer in candidates:
            if outer is inner or not _may_cover(outer, inner) or not self.within(inner, outer):
                continue
            if not _may_cover(inner, outer) or not self.within(outer, inner):
                return outer
            if equivalent is None and self.order(outer) < self.order(inner):
                equivalent = outer
        return equivalent

    def within(self, inner: CompiledRule, outer: CompiledRule) -> bool:
        """Every connection `inner` allows, `outer` allows (both of policies of one namespace)."""
        return self._ports_within(inner, outer) and self._peers_within(inner, outer)

    def _ports_within(self, inner: CompiledRule, outer: CompiledRule) -> bool:
        if not outer.rule.ports:
            return True
        shape = self.scopes.shape(outer.rule)
        if not inner.rule.ports:
            return shape.numbered.is_all
        for match in inner.rule.ports:
            if match.name is not None:
                if (match.name, match.protocol) not in shape.names and not PortSet.of(
                    match.protocol
                ) <= shape.numbered:
                    return False
            elif not port_match_set(match, None) <= shape.numbered:
                return False
        return True

    def _peers_within(self, inner: CompiledRule, outer: CompiledRule) -> bool:
        if self.scopes.shape(outer.rule).every_peer:
            return True
        if not inner.rule.peers:
            return False
        namespace = inner.policy.namespace
        return all(
            any(self._peer_within(p, q, namespace) for q in outer.rule.peers) for p in inner.rule.peers
        )

    def _peer_within(self, inner: Peer, outer: Peer, namespace: str) -> bool:
        if outer.is_ip_block:
            if inner.is_ip_block:
                return not subtract(inner.blocks, outer.blocks)
            # With `pod-cidrs` set, an ipBlock covering the pod network admits every pod.
            return bool(self._pod_ranges) and not subtract(self._pod_ranges, outer.blocks)
        if inner.is_ip_block:
            return False
        if every_pod(outer):
            return True
        return self._namespaces_within(inner, outer, namespace) and _pods_within(inner.pods, outer.pods)

    def _namespaces_within(self, inner: Peer, outer: Peer, namespace: str) -> bool:
        if outer.namespaces is None:  # the policy's namespace
            return inner.namespaces is None or implies(inner.namespaces, _named(namespace))
        if inner.namespaces is None:
            labels = self._namespace_labels.get(namespace, {NAMESPACE_NAME_LABEL: namespace})
            return outer.namespaces.matches(labels)
        return implies(inner.namespaces, outer.namespaces)


def _may_cover(outer: CompiledRule, inner: CompiledRule) -> bool:
    """What the bitsets of the input allow (necessary for containment, and cheap)."""
    return (
        not inner.pods & ~outer.pods
        and not inner.atoms & ~outer.atoms
        and outer.unknown_pod >= inner.unknown_pod
        and outer.unknown_address >= inner.unknown_address
    )


def _named(namespace: str) -> Selector:
    return Selector((Requirement(NAMESPACE_NAME_LABEL, IN, frozenset((namespace,))),))


def _pods_within(inner: Selector | None, outer: Selector | None) -> bool:
    """None: every pod of the peer's namespaces."""
    if outer is None or outer.matches_everything:
        return True
    return inner is not None and implies(inner, outer)
