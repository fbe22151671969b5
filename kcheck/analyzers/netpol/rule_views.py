"""What several of the lint rules read of the policies: the rules that take effect, which pods a rule's
ports apply to, which namespaces a peer reaches, and how rules, peers and selectors are named in
messages."""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.facts import INGRESS, Peer
from kcheck.analyzers.netpol.reach import CompiledRule, Reachability, iter_bits
from kcheck.inventory.inventory import NAMESPACE_NAME_LABEL
from kcheck.inventory.selectors import DOES_NOT_EXIST, EXISTS, IN, NOT_IN, Selector


def live_rules(reach: Reachability) -> Iterator[CompiledRule]:
    """The rules of every valid policy, in file order, but those of a direction its `policyTypes` leaves
    out (they have no effect)."""
    for policy in reach.cluster.policies:
        for compiled in reach.compiled[id(policy)]:
            if compiled.rule.direction in policy.facts.isolates:
                yield compiled


def rule_label(compiled: CompiledRule) -> str:
    """`ingress[0]`, `egress[1]`."""
    rule = compiled.rule
    return f"{rule.direction.lower()}[{rule.index}]"


def peer_label(compiled: CompiledRule, peer: Peer) -> str:
    """`ingress[0].from[1]`, `egress[0].to[0]`."""
    section = "from" if compiled.rule.direction == INGRESS else "to"
    return f"{rule_label(compiled)}.{section}[{peer.path[-1]}]"


def selector_text(selector: Selector) -> str:
    """The selector as `kubectl -l` writes it: `app=web,tier in (a,b),!legacy`."""
    parts = []
    for requirement in selector.requirements:
        key, values = requirement.key, ",".join(sorted(requirement.values))
        if requirement.operator == IN:
            parts.append(f"{key}={values}" if len(requirement.values) == 1 else f"{key} in ({values})")
        elif requirement.operator == NOT_IN:
            parts.append(f"{key} notin ({values})")
        elif requirement.operator == EXISTS:
            parts.append(key)
        elif requirement.operator == DOES_NOT_EXIST:
            parts.append(f"!{key}")
    return ",".join(parts) or "{}"


def named_namespaces(selector: Selector) -> frozenset[str] | None:
    """The namespaces a selector names by `kubernetes.io/metadata.name` (`In`), None when it names none."""
    named: frozenset[str] | None = None
    for requirement in selector.requirements:
        if requirement.key == NAMESPACE_NAME_LABEL and requirement.operator == IN:
            named = requirement.values if named is None else named & requirement.values
    return named


def reached_namespaces(
    reach: Reachability, peer: Peer, namespace: str, known: frozenset[str]
) -> list[str] | None:
    """The namespaces whose pods the peer can select, when the input holds all of them (`known`: the
    input's namespaces); None when some may be outside it. Empty: the namespaceSelector matches no namespace
    of the input."""
    selector = peer.namespaces
    if selector is None:
        return [namespace]
    if selector.matches_everything:
        return None
    named = named_namespaces(selector)
    if named is not None and not named <= known:
        return None
    return [reach.namespace_names[i] for i in iter_bits(reach.namespace_labels.select(selector))]


def destination_pods(reach: Reachability, compiled: CompiledRule) -> int:
    """The workloads the rule's ports are resolved on: for ingress, the pods the policy selects; for
    egress, the pods its peers admit, or none when it also admits pods the input cannot show."""
    if compiled.rule.direction == INGRESS:
        return reach.selected_by[id(compiled.policy)]
    return 0 if compiled.unknown_pod else compiled.pods
