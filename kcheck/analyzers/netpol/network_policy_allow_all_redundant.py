"""## What it does
Reports an ingress or egress rule that allows every connection of the pods its policy selects (no peers, or
peers that cover every pod of every namespace and every IPv4 and IPv6 address, and no ports, or ports that
cover every port of TCP, UDP and SCTP), when other policies or rules apply to the same pods in that
direction: they add nothing. The finding is on the allow-all rule, and names what it makes redundant, each
as a related location:

- a default deny for those pods (`ingress: []`, or no `egress` rules with `Egress` in `policyTypes`) that
  it undoes: the classic mistake of an `ingress: [{}]` beside a default deny;
- every other rule of that direction, of its own policy or of another, that applies to those pods.

"The same pods" is decided from the selectors as written, not from the workloads of the input: another
policy counts when it is in the same namespace and its `podSelector` requires at least what the allow-all
policy's does (so it selects a subset of its pods, whichever pods exist). A policy that selects more pods
than the allow-all one (a namespace-wide default deny beside an allow-all for one public workload) still
isolates the others, and is not reported. Two allow-all rules for the same pods are reported once, at the
first, which names the other.

## Why is this bad?
The allow-all rule decides the direction alone: the default deny beside it, or the rules narrowing access
to some peers and ports, do nothing, though a reader (and a reviewer) will think they restrict traffic.
Either the allow-all rule is a leftover, and the pods are open to everything, or the other rules are dead
and mislead.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - {}
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kcheck.analyzers.netpol.addresses import AddressRange, subtract
from kcheck.analyzers.netpol.cluster import Policy, pod_ranges
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Peer, Rule
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Reachability, port_match_set
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.selectors import DOES_NOT_EXIST, EXISTS, IN, NOT_IN, Requirement, Selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC308",
    name="network-policy-allow-all-makes-others-redundant",
    summary="A rule allowing every connection, beside a default deny or other rules for the same pods.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=5.0,
    message="NetworkPolicy {policy}: {section}[{rule}] allows every connection {direction} the pods it "
    "selects, so {redundant} {verb} no effect on them",
    remediation="Remove the allow-all rule, or the default deny and rules it overrides; to allow some "
    "peers or ports only, list them in the rule.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic",
    ),
)

_SHOWN = 3  # names in the message; every one is a related location


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    scopes = Scopes(reach)
    for policy in reach.cluster.policies:
        for direction in (INGRESS, EGRESS):
            if direction not in policy.facts.isolates:
                continue
            rules = policy.facts.rules(direction)
            allow_all = next((rule for rule in rules if is_allow_all(reach, rule)), None)
            if allow_all is None:
                continue
            redundant = _made_redundant(reach, scopes, policy, allow_all)
            if redundant:
                yield policy.obj, _violation(policy, allow_all, redundant)


def _made_redundant(
    reach: Reachability, scopes: Scopes, policy: Policy, allow_all: Rule
) -> list[tuple[Policy, Rule | None]]:
    """What the allow-all rule makes redundant: (policy, rule), or (policy, None) for a default deny. Empty
    when an allow-all rule of an earlier policy for the same pods already reports them."""
    direction = allow_all.direction
    found: list[tuple[Policy, Rule | None]] = []
    for other in scopes.narrower(policy, direction):
        rules = other.facts.rules(direction)
        if other is policy:
            found += [(other, rule) for rule in rules if rule is not allow_all]
            continue
        if (
            scopes.order[id(other)] < scopes.order[id(policy)]
            and implies(policy.facts.subject, other.facts.subject)
            and any(is_allow_all(reach, rule) for rule in rules)
        ):
            return []
        found += [(other, rule) for rule in rules] if rules else [(other, None)]
    return found


def _violation(policy: Policy, allow_all: Rule, redundant: list[tuple[Policy, Rule | None]]) -> Violation:
    names = [_name(other, rule) for other, rule in redundant]
    shown = ", ".join(names[:_SHOWN])
    if len(names) > _SHOWN:
        shown += f" and {len(names) - _SHOWN} more"
    related = tuple(
        RelatedViolation(
            other.obj, ("spec", "podSelector"), f"{_name(other, None)}: undone by the allow-all rule"
        )
        if rule is None
        else RelatedViolation(
            other.obj, rule.path, f"{_name(other, rule)}: redundant beside the allow-all rule"
        )
        for other, rule in redundant
    )
    args = {
        "policy": str(policy),
        "section": allow_all.path[1],
        "rule": allow_all.index,
        "direction": "to" if allow_all.direction == INGRESS else "from",
        "redundant": shown,
        "verb": "has" if len(names) == 1 else "have",
    }
    return Violation(allow_all.path, args, related=related)


def _name(policy: Policy, rule: Rule | None) -> str:
    if rule is None:
        return f"the default deny of {policy}"
    return f"{policy} {rule.path[1]}[{rule.index}]"


# Shared with KC309 ---------------------------------------------------------------------------------------


def is_allow_all(reach: Reachability, rule: Rule) -> bool:
    """Whether the rule admits every peer on every port: it alone decides its direction."""
    return admits_every_port(rule) and admits_every_peer(reach, rule)


def admits_every_port(rule: Rule) -> bool:
    return not rule.ports or numeric_ports(rule).is_all


def numeric_ports(rule: Rule) -> PortSet:
    """The ports the rule's numbered `ports` entries admit (named ones left out; none: no port)."""
    found = PortSet.NONE
    for match in rule.ports:
        if match.name is None:
            found |= port_match_set(match, None)
    return found


_EVERY_ADDRESS = (AddressRange.whole(4), AddressRange.whole(6))


def admits_every_peer(reach: Reachability, rule: Rule) -> bool:
    """No peers, or peers covering every pod of every namespace and every IPv4 and IPv6 address."""
    if not rule.peers:
        return True
    if subtract(_EVERY_ADDRESS, [block for peer in rule.peers for block in peer.blocks]):
        return False
    # Every address: with `pod-cidrs` set, the pods' addresses too.
    return bool(pod_ranges(reach.cluster.assumptions)) or any(every_pod(peer) for peer in rule.peers)


def every_pod(peer: Peer) -> bool:
    """`namespaceSelector: {}` alone or with `podSelector: {}`: any pod of any namespace."""
    return (
        peer.namespaces is not None
        and peer.namespaces.matches_everything
        and (peer.pods is None or peer.pods.matches_everything)
    )


def implies(narrow: Selector, wide: Selector) -> bool:
    """Whether every label set `narrow` matches, `wide` matches too: each requirement of `wide` follows from
    one of `narrow` on the same key (a sufficient test, exact for one requirement per key)."""
    if narrow.matches_nothing:
        return True
    if wide.matches_nothing:
        return False
    return all(any(_follows(have, need) for have in narrow.requirements) for need in wide.requirements)


def _follows(have: Requirement, need: Requirement) -> bool:
    if have.key != need.key:
        return False
    if need.operator == IN:
        return have.operator == IN and have.values <= need.values
    if need.operator == EXISTS:
        return have.operator in (IN, EXISTS)
    if need.operator == NOT_IN:
        return (
            (have.operator == IN and not have.values & need.values)
            or (have.operator == NOT_IN and need.values <= have.values)
            or have.operator == DOES_NOT_EXIST
        )
    return have.operator == DOES_NOT_EXIST


class Scopes:
    """The valid policies of each namespace grouped by the label keys their podSelector tests, to find the
    policies that select a subset or a superset of another's pods without comparing every pair."""

    def __init__(self, reach: Reachability) -> None:
        self.order = {id(policy): index for index, policy in enumerate(reach.cluster.policies)}
        self._groups: dict[str, dict[frozenset[str], list[Policy]]] = {}
        for policy in reach.cluster.policies:
            by_keys = self._groups.setdefault(policy.namespace, {})
            by_keys.setdefault(_keys(policy), []).append(policy)

    def wider(self, policy: Policy, direction: str) -> list[Policy]:
        """The policies isolating `direction` that select every pod `policy` selects (itself included), in
        input order."""
        keys = _keys(policy)
        found = [
            other
            for group, members in self._groups.get(policy.namespace, {}).items()
            if group <= keys
            for other in members
            if direction in other.facts.isolates and implies(policy.facts.subject, other.facts.subject)
        ]
        return self._sorted(found)

    def narrower(self, policy: Policy, direction: str) -> list[Policy]:
        """The policies isolating `direction` that select only pods `policy` selects (itself included), in
        input order."""
        keys = _keys(policy)
        found = [
            other
            for group, members in self._groups.get(policy.namespace, {}).items()
            if keys <= group
            for other in members
            if direction in other.facts.isolates and implies(other.facts.subject, policy.facts.subject)
        ]
        return self._sorted(found)

    def _sorted(self, policies: Sequence[Policy]) -> list[Policy]:
        return sorted(policies, key=lambda p: self.order[id(p)])


def _keys(policy: Policy) -> frozenset[str]:
    return frozenset(requirement.key for requirement in policy.facts.subject.requirements)
