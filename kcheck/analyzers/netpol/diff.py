"""`kcheck netpol diff BASE HEAD`: the connections a change adds, removes and changes. Both versions are
analysed over one partition of the external address space (cut at the CIDR boundaries of both), so their
ranges compare one to one. A connection HEAD allows beyond BASE can be reported as a finding located at the
rule of HEAD that allows it (SARIF, for pull request review)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kcheck.analyzers.netpol.cluster import Cluster, Endpoint, Entry, Workload, endpoint_json
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import CompiledRule, Reachability
from kcheck.analyzers.netpol.render import conn_label, endpoint_label
from kcheck.core.findings import Finding, RelatedLocation
from kcheck.core.location import Location
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

# Reported by `kcheck netpol diff --format sarif|github|text`, never by `kcheck lint` (it needs two versions).
NEWLY_ALLOWED = RuleSpec(
    id="KC350",
    name="newly-allowed-connection",
    summary="A connection the change allows that the base did not.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{src} can now connect to {dst} on {ports}{before}",
    remediation="Check that the new connection is intended; narrow the rule's peers or ports if not.",
    docs="Reported by `kcheck netpol diff BASE HEAD` for each connection HEAD allows beyond BASE, at "
    "the rule of HEAD that allows it (the destination's ingress rule, else the source's egress rule, else "
    "the workload no policy isolates any longer).",
    precision=Precision.HIGH,
    profile=Profile.STRICT,
)

Key = tuple[tuple[str, str], ...]


def _key(endpoint: Endpoint) -> Key:
    return tuple(sorted(endpoint_json(endpoint).items()))


@dataclass(frozen=True, slots=True)
class Change:
    source: Endpoint  # HEAD's endpoint where it has one, else BASE's
    destination: Endpoint
    before: PortSet
    after: PortSet

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


def analyse_pair(base: Cluster, head: Cluster) -> tuple[Reachability, Reachability]:
    return Reachability(base, head.blocks), Reachability(head, base.blocks)


def changes(base: Reachability, head: Reachability) -> list[Change]:
    """What changed, pair by pair. Both analyses' connections are keyed by rank (`ranked_connections`);
    HEAD's ranks are translated to BASE's through the endpoints' identities, so only the endpoints are
    compared by value, not every connection."""
    base_size, head_size = base.ranks, head.ranks
    base_rank = {_key(base.endpoint(rank)): rank for rank in range(base_size)}
    # HEAD rank -> BASE rank; endpoints BASE does not have get ranks past BASE's.
    translate = [base_rank.get(_key(head.endpoint(rank)), base_size + rank) for rank in range(head_size)]
    size = base_size + head_size
    before = {(k // base_size) * size + k % base_size: ports for k, ports in base.ranked_connections()}
    found: list[tuple[int, int, Change]] = []
    seen: set[int] = set()
    for key, ports in head.ranked_connections():
        source, destination = divmod(key, head_size)
        common = translate[source] * size + translate[destination]
        seen.add(common)
        old = before.get(common, PortSet.NONE)
        if old != ports:
            change = Change(head.endpoint(source), head.endpoint(destination), old, ports)
            found.append((0 if not old else 1, common, change))
    for common, ports in before.items():
        if common not in seen:
            source, destination = divmod(common, size)
            found.append(
                (2, common, Change(base.endpoint(source), base.endpoint(destination), ports, PortSet.NONE))
            )
    # Added, changed, removed; each by source, then destination.
    found.sort(key=lambda item: (item[0], _key(item[2].source), _key(item[2].destination)))
    return [change for _, _, change in found]


def diff_document(found: list[Change]) -> dict[str, Any]:
    def entry(change: Change) -> dict[str, Any]:
        item: dict[str, Any] = {"src": endpoint_json(change.source), "dst": endpoint_json(change.destination)}
        if change.kind == "changed":
            item["before"] = change.before.to_json()
            item["after"] = change.after.to_json()
            item["added"] = (change.after - change.before).to_json()
            item["removed"] = (change.before - change.after).to_json()
        else:
            item["conn"] = (change.after or change.before).to_json()
        return item

    return {
        "version": 1,
        "added": [entry(c) for c in found if c.kind == "added"],
        "removed": [entry(c) for c in found if c.kind == "removed"],
        "changed": [entry(c) for c in found if c.kind == "changed"],
    }


def newly_allowed_findings(head: Reachability, found: list[Change]) -> Iterator[Finding]:
    for change in found:
        new = change.after - change.before
        if not new:
            continue
        location, related = _deciding(head, change.source, change.destination, new)
        before = f" (before: {change.before})" if change.before else ""
        message = NEWLY_ALLOWED.message.format(
            src=_name(change.source), dst=_name(change.destination), ports=new, before=before
        )
        yield Finding(
            NEWLY_ALLOWED.id,
            NEWLY_ALLOWED.name,
            NEWLY_ALLOWED.severity,
            message,
            location,
            related=related,
        )


def _name(endpoint: Endpoint) -> str:
    return str(endpoint)


def _deciding(
    head: Reachability, source: Endpoint, destination: Endpoint, new: PortSet
) -> tuple[Location, tuple[RelatedLocation, ...]]:
    """Where a new connection is decided: the destination's ingress rule that admits it, then the source's
    egress rule; the other side's rule is a related location. With neither (no policy isolates either end),
    the destination workload."""
    ingress_rule = egress_rule = None
    if isinstance(destination, Workload):
        key = head.atom_index(source) if not isinstance(source, (Workload, Entry)) else source
        ingress_rule = _admitting(head, INGRESS, destination, key, destination, new)
    if isinstance(source, Workload):
        key_d = (
            head.atom_index(destination) if not isinstance(destination, (Workload, Entry)) else destination
        )
        egress_rule = _admitting(head, EGRESS, source, key_d, destination, new)
    chosen = [r for r in (ingress_rule, egress_rule) if r is not None]
    if chosen:
        first, *others = chosen
        related = tuple(
            RelatedLocation(r.policy.obj.locate(r.rule.path), f"also allowed by {r.policy} {_rule_name(r)}")
            for r in others
        )
        return first.policy.obj.locate(first.rule.path), related
    workload = destination if isinstance(destination, Workload) else source
    assert isinstance(workload, Workload)
    return workload.obj.locate(("metadata", "name")), ()


def _rule_name(rule: CompiledRule) -> str:
    return f"{rule.rule.direction.lower()}[{rule.rule.index}]"


def _admitting(
    head: Reachability,
    direction: str,
    own: Workload,
    peer: Workload | int | Entry,
    destination: Endpoint,
    new: PortSet,
) -> CompiledRule | None:
    at = destination if isinstance(destination, Workload) else None
    for rule in head.rules[direction][own.index]:
        if rule.admits(head, peer) and rule.ports_at(at) & new:
            return rule
    return None


def render_diff(document: dict[str, Any], markdown: bool = False) -> str:
    """The diff document as text lines or Markdown tables."""
    lines: list[str] = []
    for kind in ("added", "removed", "changed"):
        items = document[kind]
        if not items:
            continue
        lines.append(
            f"## {kind.capitalize()} connections" if markdown else f"{kind.capitalize()} connections:"
        )
        if markdown:
            lines += ["", "| source | destination | connections |", "|---|---|---|"]
        for item in items:
            conn = (
                conn_label(item["conn"])
                if "conn" in item
                else f"{conn_label(item['before'])} -> {conn_label(item['after'])}"
            )
            src, dst = endpoint_label(item["src"]), endpoint_label(item["dst"])
            lines.append(f"| {src} | {dst} | {conn} |" if markdown else f"  {src} => {dst} : {conn}")
        lines.append("")
    if not lines:
        lines.append("no change in allowed connections")
    return "\n".join(lines).rstrip("\n") + "\n"
