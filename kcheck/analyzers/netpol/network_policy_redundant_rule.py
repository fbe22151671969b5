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

from collections.abc import Iterator, Sequence

from kcheck.analyzers.netpol.addresses import subtract
from kcheck.analyzers.netpol.cluster import Policy, pod_ranges
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Peer, PortMatch, Rule
from kcheck.analyzers.netpol.network_policy_allow_all_redundant import (
    Scopes,
    admits_every_peer,
    every_pod,
    implies,
    is_allow_all,
    numeric_ports,
)
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import CompiledRule, Reachability, port_match_set
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
    message="NetworkPolicy {policy}: {section}[{rule}] allows nothing that {other} does not already allow "
    "to the pods it selects",
    remediation="Remove the redundant rule, or merge what differs into the rule that covers it.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
)


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    scopes = Scopes(reach)
    containment = Containment(reach)
    for policy in reach.cluster.policies:
        compiled = {id(c.rule): c for c in reach.compiled[id(policy)]}
        for direction in (INGRESS, EGRESS):
            if direction not in policy.facts.isolates:
                continue
            rules = policy.facts.rules(direction)
            if not rules:
                continue
            # The candidates: rules of the policies selecting at least the same pods, own policy first.
            wider = scopes.wider(policy, direction)
            candidates = [
                (other, c)
                for other in sorted(wider, key=lambda p: p is not policy)
                for c in reach.compiled[id(other)]
                if c.rule.direction == direction
            ]
            if any(is_allow_all(reach, c.rule) for _, c in candidates):
                continue  # KC308 reports the allow-all rule, naming these
            for rule in rules:
                found = containment.covering(compiled[id(rule)], candidates, scopes)
                if found is not None:
                    yield policy.obj, _violation(policy, rule, found)


def _violation(policy: Policy, rule: Rule, covering: CompiledRule) -> Violation:
    section = rule.path[1]
    if covering.policy is policy:
        other = f"{covering.rule.path[1]}[{covering.rule.index}] of the same policy"
    else:
        other = f"{covering.policy} {covering.rule.path[1]}[{covering.rule.index}]"
    args = {"policy": str(policy), "section": section, "rule": rule.index, "other": other}
    related = (
        RelatedViolation(
            covering.policy.obj,
            covering.rule.path,
            f"{covering.policy} {covering.rule.path[1]}[{covering.rule.index}]: allows all of it",
        ),
    )
    return Violation(rule.path, args, related=related)


class Containment:
    """Whether one rule's connections are inside another's, for rules of policies of one namespace."""

    def __init__(self, reach: Reachability) -> None:
        self.reach = reach
        self._pod_ranges = pod_ranges(reach.cluster.assumptions)
        self._namespace_labels = {
            name: {**labels, NAMESPACE_NAME_LABEL: name} for name, labels in reach.cluster.namespaces.items()
        }

    def covering(
        self, inner: CompiledRule, candidates: Sequence[tuple[Policy, CompiledRule]], scopes: Scopes
    ) -> CompiledRule | None:
        """The first candidate that covers `inner` and that `inner` does not cover back; else the first
        earlier one that covers it exactly as much (of two equivalent rules, the later is redundant)."""
        equivalent: CompiledRule | None = None
        for _, outer in candidates:
            if outer is inner or not self._may_cover(outer, inner) or not self.within(inner, outer):
                continue
            if not self._may_cover(inner, outer) or not self.within(outer, inner):
                return outer
            if equivalent is None and _order(scopes, outer) < _order(scopes, inner):
                equivalent = outer
        return equivalent

    @staticmethod
    def _may_cover(outer: CompiledRule, inner: CompiledRule) -> bool:
        """What the bitsets of the input allow (necessary for containment, and cheap)."""
        return (
            not inner.pods & ~outer.pods
            and not inner.atoms & ~outer.atoms
            and outer.unknown_pod >= inner.unknown_pod
            and outer.unknown_address >= inner.unknown_address
        )

    def within(self, inner: CompiledRule, outer: CompiledRule) -> bool:
        """Every connection `inner` allows, `outer` allows (both of policies of one namespace)."""
        return _ports_within(inner.rule.ports, outer.rule) and self._peers_within(inner, outer)

    def _peers_within(self, inner: CompiledRule, outer: CompiledRule) -> bool:
        if admits_every_peer(self.reach, outer.rule):
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


def _named(namespace: str) -> Selector:
    return Selector((Requirement(NAMESPACE_NAME_LABEL, IN, frozenset((namespace,))),))


def _pods_within(inner: Selector | None, outer: Selector | None) -> bool:
    """None: every pod of the peer's namespaces."""
    if outer is None or outer.matches_everything:
        return True
    return inner is not None and implies(inner, outer)


def _ports_within(inner: Sequence[PortMatch], outer: Rule) -> bool:
    if not outer.ports:
        return True
    numbered = numeric_ports(outer)
    if not inner:
        return numbered.is_all
    names = {(match.name, match.protocol) for match in outer.ports if match.name is not None}
    for match in inner:
        if match.name is not None:
            if (match.name, match.protocol) not in names and not PortSet.of(match.protocol) <= numbered:
                return False
        elif not port_match_set(match, None) <= numbered:
            return False
    return True


def _order(scopes: Scopes, rule: CompiledRule) -> tuple[int, str, int]:
    return scopes.order[id(rule.policy)], rule.rule.direction, rule.rule.index
