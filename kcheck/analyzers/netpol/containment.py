"""Containment of NetworkPolicy rules, as written: whether one rule admits every peer and port another
does, for every pod both apply to. Selectors are compared by their requirements (one requirement implies
another), never by the workloads the input happens to hold, so containment holds for pods yet to come.
Shared by KC308 (allow-all rules) and KC309 (redundant rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kcheck.analyzers.netpol.addresses import AddressRange, subtract
from kcheck.analyzers.netpol.cluster import Policy, pod_ranges
from kcheck.analyzers.netpol.facts import Peer, Rule
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Labels, Reachability, iter_bits, port_match_set
from kcheck.inventory.selectors import DOES_NOT_EXIST, EXISTS, IN, NOT_IN, Requirement, Selector


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
