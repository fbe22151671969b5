"""`kcheck netpol explain`: the verdict for one source, destination and (optionally) port, the policies and
rules that decide it with their locations, and for each rule that does not match, what fails: the selector
requirement, the namespace's labels, the named port or the protocol."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from kcheck.analyzers.netpol.addresses import AddressRange
from kcheck.analyzers.netpol.admin import BASELINE_TIER
from kcheck.analyzers.netpol.cluster import (
    EXTERNAL,
    INGRESS_CONTROLLER,
    Endpoint,
    Entry,
    Policy,
    Workload,
    assumptions_json,
    endpoint_json,
)
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Peer, PortMatch
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import CompiledAdminRule, CompiledRule, Reachability, port_match_set
from kcheck.analyzers.netpol.render import conn_label, endpoint_label
from kcheck.core.errors import UsageError
from kcheck.core.location import ObjectPath
from kcheck.inventory.selectors import DOES_NOT_EXIST, EXISTS, IN, NOT_IN, Requirement, Selector

Port = tuple[str, int]  # protocol, number


def parse_endpoint(reach: Reachability, text: str) -> Endpoint:
    """A workload (`namespace/name[Kind]`, `namespace/name`, or `name` in the default namespace), an address
    outside the cluster (`1.2.3.4`, optionally `ip:1.2.3.4`) or an entry point (`ingress-controller`,
    `external`)."""
    bare = text.strip().strip("{}")
    if bare in (INGRESS_CONTROLLER, EXTERNAL):
        return Entry(bare)
    address_text = bare.removeprefix("ip:")
    try:
        address = ipaddress.ip_address(address_text)
    except ValueError:
        pass
    else:
        point = AddressRange(address.version, int(address), int(address))
        for atom in reach.atoms:
            if atom.contains(point):
                return atom
        raise UsageError(f"{text!r}: no IPv{address.version} range of the input contains it")
    workload = reach.cluster.workload(bare)
    if workload is not None:
        return workload
    candidates = [str(w) for w in reach.workloads if w.name == bare.rpartition("/")[2].partition("[")[0]]
    hint = f" (workloads so named: {', '.join(candidates[:5])})" if candidates else ""
    raise UsageError(f"{text!r} is not a workload, an IP address or an entry point of the input{hint}")


def parse_port(text: str) -> Port:
    """`80`, `80/TCP`, `53/udp`."""
    number, _, protocol = text.partition("/")
    protocol = (protocol or "TCP").upper()
    if protocol not in ("TCP", "UDP", "SCTP") or not number.isdigit() or not 1 <= int(number) <= 65535:
        raise UsageError(f"--port {text!r}: write NUMBER[/TCP|UDP|SCTP], the number from 1 to 65535")
    return protocol, int(number)


def explain(
    reach: Reachability, source: Endpoint, destination: Endpoint, port: Port | None
) -> dict[str, Any]:
    allowed_ports = reach.allowed(source, destination)
    notes: list[str] = []
    egress: dict[str, Any] | None = None
    ingress: dict[str, Any] | None = None
    if isinstance(source, Workload) and source is destination:
        notes.append(
            "the verdict is for connections between two pods of the workload; a pod can always connect to "
            "itself over loopback, and whether one reaching itself through its own Service (hairpin) is "
            "subject to its policies depends on the network plugin"
        )
    if isinstance(destination, Entry):
        notes.append("entry points only send traffic into the cluster")
    elif not isinstance(source, Workload) and not isinstance(destination, Workload):
        notes.append("neither end is a pod of the input: no NetworkPolicy applies")
    else:
        if isinstance(source, Workload):
            egress = _side(reach, EGRESS, source, destination, port)
        if isinstance(destination, Workload):
            ingress = _side(reach, INGRESS, destination, source, port)
        if isinstance(source, Entry) and isinstance(destination, Workload):
            exposed = reach.exposed(source.name, destination)
            notes.append(
                f"{source} sends {exposed} to {destination} (the target ports of the Services that expose it)"
                if exposed
                else f"no Ingress, route or Service of the input exposes {destination} to {source}"
            )
        for workload in (source, destination):
            if isinstance(workload, Workload) and reach.is_host(workload):
                notes.append(
                    f"{workload} uses the host network: selectors do not select it (hostNetworkPods: "
                    "unselected) and its traffic has the node's address"
                )
    allowed = allowed_ports.contains(*port) if port is not None else bool(allowed_ports)
    cluster = reach.cluster
    return {
        "version": 1,
        "src": endpoint_json(source),
        "dst": endpoint_json(destination),
        "port": None if port is None else {"protocol": port[0], "port": port[1]},
        "allowed": allowed,
        "conn": allowed_ports.to_json(),
        "egress": egress,
        "ingress": ingress,
        "notes": notes,
        "assumptions": assumptions_json(cluster.assumptions, cluster.default_namespace),
    }


def _where(policy: Policy, path: ObjectPath) -> dict[str, Any]:
    location = policy.obj.locate(path)
    return {"file": location.path, "line": location.span.line, "column": location.span.column}


def _side(
    reach: Reachability, direction: str, own: Workload, other: Endpoint, port: Port | None
) -> dict[str, Any]:
    """One end's policies in one direction: `own` is the pod they select, `other` the peer."""
    policies = reach.isolating[direction][own.index]
    destination = own if direction == INGRESS else other
    peer = reach.peer_key(other)
    if direction == INGRESS:
        allows = reach.ingress(own, peer)
    else:
        assert not isinstance(peer, Entry)  # entry points only send
        allows = reach.egress(own, peer)
    listed = []
    for policy in policies:
        rules = [r for r in reach.compiled[id(policy)] if r.rule.direction == direction]
        listed.append(
            {
                "namespace": policy.namespace,
                "name": policy.name,
                **_where(policy, ("metadata", "name")),
                "rules": [_rule(reach, rule, other, destination, port) for rule in rules],
            }
        )
    ignoring = [
        f"{p} selects {own} but lists {direction} rules that its policyTypes ignore"
        for p in reach.cluster.policies
        if direction in p.facts.ignored and reach.selected_by[id(p)] >> own.index & 1
    ]
    steps = reach.admin_steps(
        direction, own, peer, destination if isinstance(destination, Workload) else None
    )
    return {
        "endpoint": endpoint_json(own),
        "isolated": bool(policies),
        "allows": allows.to_json(),
        "admin": [
            _admin_step(rule, ports) for rule, ports in steps if rule.admin.facts.tier != BASELINE_TIER
        ],
        "policies": listed,
        "baseline": [
            _admin_step(rule, ports) for rule, ports in steps if rule.admin.facts.tier == BASELINE_TIER
        ],
        "notes": ignoring,
    }


def _admin_step(rule: CompiledAdminRule, ports: PortSet) -> dict[str, Any]:
    """An admin tier's rule that decides `ports` of the connection."""
    admin = rule.admin
    location = admin.obj.locate(rule.rule.path)
    return {
        "kind": admin.facts.kind,
        "name": admin.name,
        "tier": admin.facts.tier,
        "priority": admin.facts.priority,
        "rule": rule.rule.index,
        "ruleName": rule.rule.name,
        "action": rule.rule.action,
        "ports": ports.to_json(),
        "file": location.path,
        "line": location.span.line,
        "column": location.span.column,
    }


def _rule(
    reach: Reachability, compiled: CompiledRule, peer: Endpoint, destination: Endpoint, port: Port | None
) -> dict[str, Any]:
    policy, rule = compiled.policy, compiled.rule
    peer_matches = compiled.admits(reach, reach.peer_key(peer))
    ports = compiled.ports_at(destination if isinstance(destination, Workload) else None)
    port_matches = ports.contains(*port) if port is not None else bool(ports)
    reasons: list[dict[str, Any]] = []
    if not peer_matches:
        for index, written in enumerate(rule.peers):
            for message in _peer_mismatch(reach, policy, written, peer):
                reasons.append(
                    {
                        "message": f"{_section(rule.direction)}[{index}]: {message}",
                        **_where(policy, written.path),
                    }
                )
    if peer_matches and not port_matches:
        for match in rule.ports:
            for message in _port_mismatch(match, destination, port):
                reasons.append({"message": message, **_where(policy, match.path)})
    return {
        "direction": rule.direction,
        "index": rule.index,
        **_where(policy, rule.path),
        "matched": peer_matches and port_matches,
        "ports": (ports if peer_matches else PortSet.NONE).to_json(),
        "reasons": reasons,
    }


def _section(direction: str) -> str:
    return "from" if direction == INGRESS else "to"


def _peer_mismatch(reach: Reachability, policy: Policy, peer: Peer, endpoint: Endpoint) -> Iterator[str]:
    if isinstance(endpoint, Entry):
        if endpoint.name == INGRESS_CONTROLLER:
            yield (
                "the ingress controller is a pod kcheck cannot see: only `namespaceSelector: {}` (with no "
                "or an empty podSelector) or a rule without peers admits it"
            )
        else:
            yield "the outside world is an unknown address: only an ipBlock covering all of IPv4 admits it"
        return
    if isinstance(endpoint, AddressRange):
        if peer.is_ip_block:
            yield f"ipBlock {peer.cidr} (less its except entries) does not contain {endpoint}"
        else:
            yield f"podSelector and namespaceSelector select pods; {endpoint} is outside the cluster"
        return
    if reach.is_host(endpoint):
        yield (
            f"{endpoint} uses the host network: selectors do not select it, and as a node address only an "
            "ipBlock covering all of IPv4 admits it"
        )
        return
    if peer.is_ip_block:
        yield (
            f"ipBlock {peer.cidr} matches addresses, not pods (set `network.pod-cidrs` if your network "
            "plugin matches pod IPs)"
        )
        return
    if peer.namespaces is None:
        if endpoint.namespace != policy.namespace:
            yield (
                f"a podSelector without namespaceSelector selects pods of namespace {policy.namespace} only; "
                f"{endpoint} is in {endpoint.namespace}"
            )
            return
    else:
        labels = reach.cluster.namespaces.get(endpoint.namespace, {})
        failure = selector_failure(peer.namespaces, labels)
        if failure:
            yield f"namespaceSelector: namespace {endpoint.namespace} {failure}"
            return
    if peer.pods is not None:
        failure = selector_failure(peer.pods, endpoint.labels)
        if failure:
            yield f"podSelector: {endpoint} {failure}"


def selector_failure(selector: Selector, labels: Mapping[str, str]) -> str | None:
    """Why `labels` do not match `selector`: the first requirement that fails, in words."""
    if selector.matches_nothing:
        return "is not selected: the selector is invalid"
    for requirement in selector.requirements:
        if not requirement.matches(labels):
            return _requirement_failure(requirement, labels)
    return None


def _requirement_failure(requirement: Requirement, labels: Mapping[str, str]) -> str:
    key = requirement.key
    values = ", ".join(sorted(requirement.values))
    has = f"has {key}={labels[key]}" if key in labels else f"has no label {key}"
    if requirement.operator == IN:
        wanted = f"{key}={values}" if len(requirement.values) == 1 else f"{key} in ({values})"
        return f"{has}; the selector requires {wanted}"
    if requirement.operator == NOT_IN:
        return f"{has}; the selector requires {key} not in ({values})"
    if requirement.operator == EXISTS:
        return f"{has}; the selector requires the label {key}"
    assert requirement.operator == DOES_NOT_EXIST
    return f"{has}; the selector requires no label {key}"


def _port_mismatch(match: PortMatch, destination: Endpoint, port: Port | None) -> Iterator[str]:
    allowed = port_match_set(match, destination if isinstance(destination, Workload) else None)
    if port is not None and allowed.contains(*port):
        return
    if match.name is not None:
        if not isinstance(destination, Workload):
            yield f"named port {match.name} matches nothing outside the cluster"
            return
        number = destination.named_port(match.name, match.protocol)
        if number is None:
            others = [p.protocol for p in destination.ports if p.name == match.name]
            if others:
                yield f"{destination} declares port {match.name} as {others[0]}, not {match.protocol}"
            else:
                yield f"{destination} declares no container port named {match.name}"
            return
        yield f"named port {match.name} is {match.protocol} {number} on {destination}, not {_port_text(port)}"
        return
    if port is not None and port[0] != match.protocol:
        yield f"allows {match.protocol} (the default when `protocol` is unset is TCP), not {port[0]}"
        return
    yield f"allows {allowed}, not {_port_text(port)}"


def _port_text(port: Port | None) -> str:
    return "any port" if port is None else f"{port[0]} {port[1]}"


def render_explanation(document: dict[str, Any]) -> str:
    """The explanation as text: the verdict, then each side's policies and rules with their locations."""
    port = document["port"]
    what = f" on {port['protocol']} {port['port']}" if port else ""
    verdict = "ALLOWED" if document["allowed"] else "DENIED"
    lines = [f"{endpoint_label(document['src'])} => {endpoint_label(document['dst'])}{what}: {verdict}"]
    lines.append(f"allowed connections: {conn_label(document['conn'])}")
    lines += [f"note: {note}" for note in document["notes"]]
    for direction in ("egress", "ingress"):
        side = document[direction]
        if side is None:
            continue
        lines.append("")
        endpoint = endpoint_label(side["endpoint"])
        if not side["isolated"]:
            lines.append(
                f"{direction} of {endpoint}: not isolated (no policy selects it for {direction}): all"
            )
        else:
            count = len(side["policies"])
            lines.append(
                f"{direction} of {endpoint}: isolated by {count} {'policy' if count == 1 else 'policies'}; "
                f"allows {conn_label(side['allows'])}"
            )
        for step in side["admin"]:
            lines.append(_step_line(step))
        for policy in side["policies"]:
            lines.append(
                f"  NetworkPolicy {policy['namespace']}/{policy['name']} "
                f"({policy['file']}:{policy['line']}:{policy['column']})"
            )
            if not policy["rules"]:
                lines.append(f"    no {direction} rules: denies all {direction}")
            for rule in policy["rules"]:
                where = f"{rule['file']}:{rule['line']}:{rule['column']}"
                name = f"{direction}[{rule['index']}]"
                if rule["matched"]:
                    lines.append(f"    {name} ({where}): matches, allows {conn_label(rule['ports'])}")
                else:
                    lines.append(f"    {name} ({where}): does not match")
                for reason in rule["reasons"]:
                    lines.append(
                        f"      {reason['file']}:{reason['line']}:{reason['column']}: {reason['message']}"
                    )
        for step in side["baseline"]:
            lines.append(_step_line(step))
        lines += [f"  note: {note}" for note in side["notes"]]
    return "\n".join(lines) + "\n"


def _step_line(step: dict[str, Any]) -> str:
    name = f" ({step['ruleName']})" if step["ruleName"] else ""
    return (
        f"  {step['tier']} tier: {step['kind']} {step['name']} (priority {step['priority']}) "
        f"rule {step['rule']}{name} ({step['file']}:{step['line']}:{step['column']}): "
        f"{step['action']} {conn_label(step['ports'])}"
    )
