"""## What it does
Reports an ingress or egress rule that allows every connection of the pods its policy selects (no peers, or
peers that cover every pod of every namespace and every IPv4 and IPv6 address, and no ports, or ports that
cover every port of TCP, UDP and SCTP), when other policies or rules apply to the same pods in that
direction: they add nothing. The finding is on the allow-all rule, and names what it makes redundant, each
as a related location:

- a default deny for those pods (a policy that isolates the direction with no rule of it, such as
  `policyTypes: [Ingress]` without `ingress`), which it undoes: the classic mistake of an `ingress: [{}]`
  beside a default deny;
- every other rule of that direction, of its own policy or of another, that applies to those pods.

"The same pods" is decided from the selectors as written, not from the workloads of the input: another
policy counts when it is in the same namespace and its `podSelector` requires at least what the allow-all
policy's does (so it selects a subset of its pods, whichever pods exist). A policy that selects more pods
than the allow-all one (a namespace-wide default deny beside an allow-all for one public workload) still
isolates the others, and is not reported. Of two allow-all rules for the same pods, the first is reported,
naming the other; an allow-all rule for some of the pods of another is named by that one.

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

from collections.abc import Iterator
from dataclasses import dataclass, field

from kcheck.analyzers.netpol.addresses import AddressRange, subtract
from kcheck.analyzers.netpol.cluster import Policy, pod_ranges
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Peer, Rule
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Labels, Reachability, iter_bits, port_match_set
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
    message="NetworkPolicy {policy} {section}[{rule}] allows every connection {direction} the pods it "
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
            allow_all = scopes.allow_all(policy, direction)
            if allow_all is None:
                continue
            redundant = _made_redundant(scopes, policy, allow_all)
            if redundant:
                yield policy.obj, _violation(policy, allow_all, redundant)


def _made_redundant(scopes: Scopes, policy: Policy, allow_all: Rule) -> list[tuple[Policy, Rule | None]]:
    """What the allow-all rule makes redundant: (policy, rule), or (policy, None) for a default deny. Empty
    when an allow-all rule of a policy for the same pods or more reports them (of two for the same pods,
    the first)."""
    direction = allow_all.direction
    scope = scopes.scope_of[id(policy)]
    for wide in scopes.wider(scope):
        first = scopes.first_allow_all(wide, direction)
        if first is None or first is policy:
            continue
        if scopes.order[id(first)] < scopes.order[id(policy)] or not scopes.implies(wide, scope):
            return []
    found: list[tuple[Policy, Rule | None]] = []
    for narrow in scopes.narrower(scope):
        for other in narrow.policies:
            if direction not in other.facts.isolates:
                continue
            rules = other.facts.rules(direction)
            if other is policy:
                found += [(other, rule) for rule in rules if rule is not allow_all]
            else:
                found += [(other, rule) for rule in rules] if rules else [(other, None)]
    found.sort(key=lambda item: scopes.order[id(item[0])])
    return found


def _violation(policy: Policy, allow_all: Rule, redundant: list[tuple[Policy, Rule | None]]) -> Violation:
    names = [_name(other, rule) for other, rule in redundant]
    if len(names) > _SHOWN:
        shown = f"{', '.join(names[:_SHOWN])} and {len(names) - _SHOWN} more"
    else:
        shown = " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
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


@dataclass(frozen=True, slots=True)
class Shape:
    """What containment tests need of a rule, computed once: its numbered ports (named ones left out), its
    named ports with their protocols, whether it admits every peer, and every connection."""

    numbered: PortSet
    names: frozenset[tuple[str, str]]
    every_peer: bool
    allow_all: bool


def rule_shape(reach: Reachability, rule: Rule) -> Shape:
    numbered = PortSet.NONE
    for match in rule.ports:
        if match.name is None:
            numbered |= port_match_set(match, None)
    names = frozenset((m.name, m.protocol) for m in rule.ports if m.name is not None)
    every_peer = admits_every_peer(reach, rule)
    return Shape(numbered, names, every_peer, every_peer and (not rule.ports or numbered.is_all))


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


@dataclass(eq=False, slots=True)
class Scope:
    """The policies of one namespace with one podSelector (so the same pods), in input order."""

    index: int
    namespace: str
    subject: Selector
    policies: list[Policy] = field(default_factory=list)
    wider: list[Scope] = field(default_factory=list)  # candidates, see Scopes
    narrower: int = 0  # candidates, a bitset of scope indexes


class Scopes:
    """The valid policies by scope, and the scopes that select a subset or a superset of another's pods
    whichever pods exist, found without comparing every pair: each satisfiable podSelector has a witness, a
    label set it matches, and a scope whose podSelector follows from another's matches that one's witness.
    Evaluating every podSelector once over the witnesses (bitsets, like the workloads' labels) gives the
    candidates, which `implies` then decides. Rule shapes are computed once."""

    def __init__(self, reach: Reachability) -> None:
        self.reach = reach
        self.order = {id(policy): index for index, policy in enumerate(reach.cluster.policies)}
        self.scope_of: dict[int, Scope] = {}
        self._implies: dict[tuple[int, int], bool] = {}
        self._shapes: dict[int, Shape] = {}
        self._allow_all: dict[tuple[int, str], Rule | None] = {}
        self._first_allow_all: dict[tuple[int, str], Policy | None] = {}
        by_subject: dict[tuple[str, Selector], Scope] = {}
        for policy in reach.cluster.policies:
            scope = by_subject.get((policy.namespace, policy.facts.subject))
            if scope is None:
                scope = Scope(len(by_subject), policy.namespace, policy.facts.subject)
                by_subject[policy.namespace, policy.facts.subject] = scope
            scope.policies.append(policy)
            self.scope_of[id(policy)] = scope
        self.scopes = list(by_subject.values())
        witnesses = [_witness(scope.subject) for scope in self.scopes]
        labels = Labels([witness or {} for witness in witnesses])
        in_namespace: dict[str, int] = {}
        for scope, witness in zip(self.scopes, witnesses, strict=True):
            if witness is not None:
                in_namespace[scope.namespace] = in_namespace.get(scope.namespace, 0) | 1 << scope.index
        for wide in self.scopes:
            wide.narrower = labels.select(wide.subject) & in_namespace.get(wide.namespace, 0)
            for index in iter_bits(wide.narrower):
                self.scopes[index].wider.append(wide)

    def implies(self, narrow: Scope, wide: Scope) -> bool:
        key = (narrow.index, wide.index)
        found = self._implies.get(key)
        if found is None:
            found = self._implies[key] = narrow is wide or implies(narrow.subject, wide.subject)
        return found

    def wider(self, scope: Scope) -> list[Scope]:
        """The scopes that select every pod `scope` selects (itself included), in input order."""
        return [other for other in scope.wider if self.implies(scope, other)] or [scope]

    def narrower(self, scope: Scope) -> list[Scope]:
        """The scopes that select only pods `scope` selects (itself included), in input order."""
        found = (self.scopes[index] for index in iter_bits(scope.narrower))
        return [other for other in found if self.implies(other, scope)] or [scope]

    def shape(self, rule: Rule) -> Shape:
        found = self._shapes.get(id(rule))
        if found is None:
            found = self._shapes[id(rule)] = rule_shape(self.reach, rule)
        return found

    def allow_all(self, policy: Policy, direction: str) -> Rule | None:
        """The policy's first rule of `direction` that allows every connection, if it isolates that way."""
        key = (id(policy), direction)
        if key not in self._allow_all:
            rules = policy.facts.rules(direction) if direction in policy.facts.isolates else ()
            self._allow_all[key] = next((rule for rule in rules if self.shape(rule).allow_all), None)
        return self._allow_all[key]

    def first_allow_all(self, scope: Scope, direction: str) -> Policy | None:
        """The scope's first policy with an allow-all rule of `direction`."""
        key = (id(scope), direction)
        if key not in self._first_allow_all:
            self._first_allow_all[key] = next(
                (policy for policy in scope.policies if self.allow_all(policy, direction) is not None), None
            )
        return self._first_allow_all[key]


def _witness(selector: Selector) -> dict[str, str] | None:
    """A label set the selector matches (None: it matches none): for each key, a value its `In`
    requirements all allow and no `NotIn` excludes, a value no selector names for `Exists`, or no label."""
    labels: dict[str, str] = {}
    by_key: dict[str, list[Requirement]] = {}
    for requirement in selector.requirements:
        by_key.setdefault(requirement.key, []).append(requirement)
    for key, requirements in by_key.items():
        allowed: frozenset[str] | None = None
        excluded: set[str] = set()
        present = absent = False
        for requirement in requirements:
            if requirement.operator == IN:
                allowed = requirement.values if allowed is None else allowed & requirement.values
                present = True
            elif requirement.operator == NOT_IN:
                excluded |= requirement.values
            elif requirement.operator == EXISTS:
                present = True
            else:
                absent = True
        if present and absent:
            return None
        if allowed is not None:
            values = sorted(allowed - excluded)
            if not values:
                return None
            labels[key] = values[0]
        elif present:
            labels[key] = "\x00"  # never a label value, so no In or NotIn of a selector names it
    return labels
