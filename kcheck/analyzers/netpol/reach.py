"""Who can talk to whom: NetworkPolicy v1 evaluated over the workloads of the input, exactly as the API
defines it (research notes §1):

- A pod is isolated in a direction when some policy selects it and has that direction in its (defaulted)
  `policyTypes`; a direction no policy isolates allows everything. Policies are additive.
- A connection between two pods needs the source's egress and the destination's ingress to allow it; one
  between a pod and an address outside the cluster needs only the pod's side.
- A rule matches when one of its peers matches (none written: every peer, outside addresses included) and
  one of its ports does (none written: every port of every protocol). A peer's `podSelector` alone selects
  pods of the policy's namespace, `namespaceSelector` alone every pod of the selected namespaces, both
  together the pods that match both; `ipBlock` matches addresses (pods only when `Assumptions.pod_cidrs`
  says so). A named port matches on each destination pod the container port of that name and protocol.

Selectors are evaluated once each over bitsets of workloads (Python ints: bit i is workload i), rules keep
the bitsets of the peers they admit, and connections are enumerated from the destination's admitted
sources, so the work follows the connections that exist, not the pairs of workloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

from kcheck.analyzers.netpol.addresses import AddressRange, atoms_within, partition, subtract
from kcheck.analyzers.netpol.admin import ACCEPT, BASELINE_TIER, DENY, PASS, AdminRule
from kcheck.analyzers.netpol.cluster import (
    EXTERNAL,
    INGRESS_CONTROLLER,
    AdminPolicy,
    Cluster,
    Endpoint,
    Entry,
    Policy,
    Workload,
    pod_ranges,
)
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Peer, PortMatch, Rule
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.inventory.selectors import DOES_NOT_EXIST, EXISTS, IN, NOT_IN, Selector


def iter_bits(bits: int) -> Iterator[int]:
    """The indexes of the set bits, lowest first."""
    if bits.bit_count() > 32:
        # Dense: scanning the binary digits beats peeling bits off a long integer one by one.
        digits = bin(bits)[:1:-1]
        position = digits.find("1")
        while position >= 0:
            yield position
            position = digits.find("1", position + 1)
        return
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


class Labels:
    """An inverted index of label sets (of workloads or namespaces) for evaluating selectors as bitsets."""

    def __init__(self, label_sets: Sequence[dict[str, str]]) -> None:
        self.universe = (1 << len(label_sets)) - 1
        self._values: dict[str, dict[str, int]] = {}
        self._has: dict[str, int] = {}
        for index, labels in enumerate(label_sets):
            bit = 1 << index
            for key, value in labels.items():
                by_value = self._values.setdefault(key, {})
                by_value[value] = by_value.get(value, 0) | bit
                self._has[key] = self._has.get(key, 0) | bit
        self._cache: dict[Selector, int] = {}

    def select(self, selector: Selector) -> int:
        found = self._cache.get(selector)
        if found is None:
            found = self._cache[selector] = self._evaluate(selector)
        return found

    def _evaluate(self, selector: Selector) -> int:
        if selector.matches_nothing:
            return 0
        bits = self.universe
        for requirement in selector.requirements:
            values = self._values.get(requirement.key, {})
            if requirement.operator in (IN, NOT_IN):
                matching = 0
                for value in requirement.values:
                    matching |= values.get(value, 0)
                bits &= matching if requirement.operator == IN else ~matching
            elif requirement.operator == EXISTS:
                bits &= self._has.get(requirement.key, 0)
            elif requirement.operator == DOES_NOT_EXIST:
                bits &= ~self._has.get(requirement.key, 0)
        return bits & self.universe


@dataclass(eq=False, slots=True)
class CompiledRule:
    """A rule with the peers it admits: workloads (`pods`, a bitset), external ranges (`atoms`, a bitset
    over `Reachability.atoms`), and whether it admits a pod it cannot know (`unknown_pod`: any pod of any
    namespace) and an address it cannot know (`unknown_address`: all of IPv4)."""

    policy: Policy
    rule: Rule
    pods: int
    atoms: int
    unknown_pod: bool
    unknown_address: bool
    fixed: PortSet | None  # the rule's ports when no port is named

    def admits(self, reach: Reachability, peer: Workload | int | Entry) -> bool:
        """Whether the rule's peers admit a workload, an external range (an index of `reach.atoms`) or an
        entry point."""
        if isinstance(peer, Entry):
            return self.unknown_pod if peer.name == INGRESS_CONTROLLER else self.unknown_address
        if isinstance(peer, int):
            return bool(self.atoms >> peer & 1)
        if reach.is_host(peer):
            return self.unknown_address  # a node's address
        return bool(self.pods >> peer.index & 1)

    def ports_at(self, destination: Workload | None) -> PortSet:
        """The ports the rule admits on `destination` (None: an address outside the cluster, where named
        ports match nothing)."""
        if self.fixed is not None:
            return self.fixed
        return match_ports(self.rule.ports, destination)


def port_match_set(match: PortMatch, destination: Workload | None) -> PortSet:
    if match.name is not None:
        number = destination.named_port(match.name, match.protocol) if destination is not None else None
        return PortSet.of(match.protocol, number, number) if number is not None else PortSet.NONE
    if match.port is None:
        return PortSet.of(match.protocol)
    return PortSet.of(match.protocol, match.port, match.end_port or match.port)


def match_ports(matches: Sequence[PortMatch], destination: Workload | None) -> PortSet:
    if not matches:
        return PortSet.ALL
    found = PortSet.NONE
    for match in matches:
        found |= port_match_set(match, destination)
    return found


def refine(universe: int, splitters: Sequence[int]) -> list[int]:
    """`universe` split into the classes of members that every splitter keeps together."""
    classes = [universe] if universe else []
    for splitter in splitters:
        split: list[int] = []
        for bits in classes:
            inside = bits & splitter
            if inside and inside != bits:
                split += [inside, bits & ~splitter]
            else:
                split.append(bits)
        classes = split
    return classes


def disjoint(pieces: Sequence[tuple[int, PortSet]]) -> list[tuple[int, PortSet]]:
    """Split overlapping (bitset, ports) pieces into disjoint bitsets, each with the union of the ports of
    the pieces that cover it; bitsets with equal ports are merged."""
    regions: list[tuple[int, PortSet]] = []
    for bits, ports in pieces:
        if not bits or not ports:
            continue
        split: list[tuple[int, PortSet]] = []
        for region_bits, region_ports in regions:
            common = region_bits & bits
            if not common:
                split.append((region_bits, region_ports))
                continue
            merged = region_ports | ports
            if merged == region_ports:
                split.append((region_bits, region_ports))
            else:
                split.append((common, merged))
                if rest := region_bits & ~common:
                    split.append((rest, region_ports))
            bits &= ~region_bits
        if bits:
            split.append((bits, ports))
        regions = split
    by_ports: dict[PortSet, int] = {}
    for bits, ports in regions:
        by_ports[ports] = by_ports.get(ports, 0) | bits
    return [(bits, ports) for ports, bits in by_ports.items()]


class Reachability:
    def __init__(self, cluster: Cluster, extra_blocks: Sequence[AddressRange] = ()) -> None:
        self.cluster = cluster
        workloads = cluster.workloads
        self.workloads = workloads
        self.all = (1 << len(workloads)) - 1
        unselected = cluster.assumptions.host_network_pods == "unselected"
        self.host = sum(1 << w.index for w in workloads if w.host_network and unselected)
        self.selectable = self.all & ~self.host
        self.pod_labels = Labels([dict(w.labels) for w in workloads])
        self.namespace_names = sorted({*cluster.namespaces, *(w.namespace for w in workloads)})
        self.namespace_labels = Labels(
            [
                cluster.namespaces.get(name, {"kubernetes.io/metadata.name": name})
                for name in self.namespace_names
            ]
        )
        self.in_namespace: dict[str, int] = {}
        for workload in workloads:
            self.in_namespace[workload.namespace] = self.in_namespace.get(workload.namespace, 0) | (
                1 << workload.index
            )
        self._namespaces_cache: dict[Selector, int] = {}
        self.atoms = partition([*cluster.blocks, *extra_blocks])
        self.ipv4_atoms = sum(1 << i for i, atom in enumerate(self.atoms) if atom.version == 4)
        self._pod_ranges = pod_ranges(cluster.assumptions)
        # Per workload: the policies that isolate it, and their rules, per direction.
        self.isolating: dict[str, list[list[Policy]]] = {
            d: [[] for _ in workloads] for d in (INGRESS, EGRESS)
        }
        self.rules: dict[str, list[list[CompiledRule]]] = {
            d: [[] for _ in workloads] for d in (INGRESS, EGRESS)
        }
        self.selected_by: dict[int, int] = {}  # id(policy) -> the workloads it selects
        self.compiled: dict[int, list[CompiledRule]] = {}  # id(policy) -> its rules, both directions
        for policy in cluster.policies:
            self._add(policy)
        self.isolated = {
            direction: sum(1 << i for i, policies in enumerate(self.isolating[direction]) if policies)
            for direction in (INGRESS, EGRESS)
        }
        # Per workload and direction: the admin tiers' rules that apply to it, in evaluation order.
        self.admin_rules: dict[str, list[list[CompiledAdminRule]]] = {
            d: [[] for _ in workloads] for d in (INGRESS, EGRESS)
        }
        self.admin_subjects: dict[int, int] = {}  # id(admin policy) -> the workloads it selects
        self.compiled_admin: dict[int, dict[str, list[CompiledAdminRule]]] = {}
        for admin in cluster.admin_policies:
            self._add_admin(admin)
        self._admin_egress_cache: dict[int, list[tuple[int, PortSet]]] = {}
        by_ports: dict[tuple[object, ...], int] = {}
        for workload in workloads:
            key = tuple((p.name, p.protocol, p.number) for p in workload.ports)
            by_ports[key] = by_ports.get(key, 0) | (1 << workload.index)
        self.port_classes = list(by_ports.values())
        self.admin_touched = {
            direction: sum(1 << i for i, rules in enumerate(self.admin_rules[direction]) if rules)
            for direction in (INGRESS, EGRESS)
        }

    # Selection -----------------------------------------------------------------------------------------

    def namespaces_matching(self, selector: Selector) -> int:
        """The workloads of the namespaces `selector` selects."""
        found = self._namespaces_cache.get(selector)
        if found is None:
            found = 0
            for index in iter_bits(self.namespace_labels.select(selector)):
                found |= self.in_namespace.get(self.namespace_names[index], 0)
            self._namespaces_cache[selector] = found
        return found

    def subject(self, policy: Policy) -> int:
        return (
            self.pod_labels.select(policy.facts.subject)
            & self.in_namespace.get(policy.namespace, 0)
            & self.selectable
        )

    def peer_pods(self, peer: Peer, namespace: str) -> int:
        if peer.is_ip_block:
            pods = self._pod_ranges
            covered = bool(pods) and not subtract(pods, peer.blocks)
            return self.selectable if covered else 0
        if peer.namespaces is None:
            scope = self.in_namespace.get(namespace, 0)
        else:
            scope = self.namespaces_matching(peer.namespaces)
        chosen = scope if peer.pods is None else scope & self.pod_labels.select(peer.pods)
        return chosen & self.selectable

    def compile_rule(self, policy: Policy, rule: Rule) -> CompiledRule:
        fixed = None if any(m.name is not None for m in rule.ports) else match_ports(rule.ports, None)
        if not rule.peers:
            return CompiledRule(policy, rule, self.selectable, (1 << len(self.atoms)) - 1, True, True, fixed)
        pods = atoms = 0
        unknown_pod = False
        for peer in rule.peers:
            pods |= self.peer_pods(peer, policy.namespace)
            if peer.is_ip_block:
                for index in atoms_within(self.atoms, peer.blocks):
                    atoms |= 1 << index
                if self._pod_ranges and not subtract(self._pod_ranges, peer.blocks):
                    unknown_pod = True
            elif peer.namespaces is not None and peer.namespaces.matches_everything:
                unknown_pod = unknown_pod or peer.pods is None or peer.pods.matches_everything
        unknown_address = self.ipv4_atoms != 0 and atoms & self.ipv4_atoms == self.ipv4_atoms
        return CompiledRule(policy, rule, pods, atoms, unknown_pod, unknown_address, fixed)

    def _add(self, policy: Policy) -> None:
        selected = self.subject(policy)
        self.selected_by[id(policy)] = selected
        compiled = self.compiled[id(policy)] = []
        for direction in (INGRESS, EGRESS):
            rules = [self.compile_rule(policy, rule) for rule in policy.facts.rules(direction)]
            compiled.extend(rules)
            if direction not in policy.facts.isolates:
                continue
            for index in iter_bits(selected):
                self.isolating[direction][index].append(policy)
                self.rules[direction][index].extend(rules)

    def _add_admin(self, admin: AdminPolicy) -> None:
        facts = admin.facts
        subject = (
            self.namespaces_matching(facts.subject_namespaces)
            & self.pod_labels.select(facts.subject_pods)
            & self.selectable
        )
        self.admin_subjects[id(admin)] = subject
        compiled = self.compiled_admin[id(admin)] = {}
        for direction in (INGRESS, EGRESS):
            rules = compiled[direction] = [
                self._compile_admin_rule(admin, rule) for rule in facts.rules(direction)
            ]
            if not rules:
                continue
            for index in iter_bits(subject):
                self.admin_rules[direction][index].extend(rules)

    def _compile_admin_rule(self, admin: AdminPolicy, rule: AdminRule) -> CompiledAdminRule:
        pods = atoms = 0
        unknown_pod = unknown_address = nodes = False
        everything_atoms = (1 << len(self.atoms)) - 1
        for peer in rule.peers:
            if peer.everything:
                pods, atoms = self.selectable, everything_atoms
                unknown_pod = unknown_address = nodes = True
            elif peer.namespaces is not None:
                chosen = self.namespaces_matching(peer.namespaces) & self.selectable
                if peer.pods is not None:
                    chosen &= self.pod_labels.select(peer.pods)
                pods |= chosen
                unknown_pod = unknown_pod or (
                    peer.namespaces.matches_everything and (peer.pods is None or peer.pods.matches_everything)
                )
            elif peer.networks:
                for index in atoms_within(self.atoms, peer.networks):
                    atoms |= 1 << index
                # `networks` match pod traffic too (the API says so): certainly when they cover the pod
                # network, or all of IPv4, where pods have their addresses (kcheck assumes IPv4 pods).
                pod_network = self._pod_ranges or (AddressRange.whole(4),)
                if not subtract(pod_network, peer.networks):
                    pods |= self.selectable
                    unknown_pod = True
            elif peer.nodes is not None and peer.nodes.matches_everything:
                nodes = True
        unknown_address = unknown_address or (
            self.ipv4_atoms != 0 and atoms & self.ipv4_atoms == self.ipv4_atoms
        )
        return CompiledAdminRule(admin, rule, pods, atoms, unknown_pod, unknown_address, nodes)

    def admin_steps(
        self, direction: str, own: Workload, peer: Workload | int | Entry, destination: Workload | None
    ) -> list[tuple[CompiledAdminRule, PortSet]]:
        """The admin tiers' rules that decide ports of this connection, in evaluation order, each with the
        ports it decides (those no earlier rule decided)."""
        steps: list[tuple[CompiledAdminRule, PortSet]] = []
        remaining = PortSet.ALL
        final = PortSet.NONE  # what the Admin tier accepted or denied
        baseline = False
        np_isolated = bool(self.isolated[direction] >> own.index & 1)
        for rule in self.admin_rules[direction][own.index]:
            if rule.admin.facts.tier == BASELINE_TIER and not baseline:
                if np_isolated:
                    break  # NetworkPolicies decide what the Admin tier left
                # The Baseline tier sees what the Admin tier passed or did not match.
                baseline, remaining = True, PortSet.ALL - final
            if not remaining or not rule.admits(self, peer):
                continue
            ports = rule.ports_at(destination) & remaining
            if ports:
                steps.append((rule, ports))
                remaining -= ports
                if not baseline and rule.rule.action != PASS:
                    final |= ports
        return steps

    def _tiers(
        self, direction: str, own: Workload, peer: Workload | int | Entry, destination: Workload | None
    ) -> PortSet:
        accepted = denied = PortSet.NONE
        baseline_denied = PortSet.NONE
        for rule, ports in self.admin_steps(direction, own, peer, destination):
            action = rule.rule.action
            if rule.admin.facts.tier == BASELINE_TIER:
                if action == DENY:
                    baseline_denied |= ports
            elif action == ACCEPT:
                accepted |= ports
            elif action == DENY:
                denied |= ports
        rest = PortSet.ALL - accepted - denied
        if self.isolated[direction] >> own.index & 1:
            if direction == INGRESS:
                decided = self.np_ingress(own, peer)
            else:
                assert not isinstance(peer, Entry)
                decided = self.np_egress(own, peer)
            return accepted | (rest & decided)
        return accepted | (rest - baseline_denied)

    # Verdicts for one pair -----------------------------------------------------------------------------

    def is_host(self, workload: Workload) -> bool:
        return bool(self.host >> workload.index & 1)

    def egress(self, source: Workload, destination: Workload | int) -> PortSet:
        """What `source`'s egress allows to a workload or an external range (an index of `atoms`): the
        admin tiers' verdict around the NetworkPolicies'."""
        if self.admin_touched[EGRESS] >> source.index & 1:
            at = destination if isinstance(destination, Workload) else None
            return self._tiers(EGRESS, source, destination, at)
        return self.np_egress(source, destination)

    def np_egress(self, source: Workload, destination: Workload | int) -> PortSet:
        """What the NetworkPolicies isolating `source` for egress allow (everything when none does)."""
        if not self.isolated[EGRESS] >> source.index & 1:
            return PortSet.ALL
        at = destination if isinstance(destination, Workload) and not self.is_host(destination) else None
        found = PortSet.NONE
        for rule in self.rules[EGRESS][source.index]:
            if rule.admits(self, destination):
                found |= rule.ports_at(at)
        return found

    def ingress(self, destination: Workload, source: Workload | int | Entry) -> PortSet:
        """What `destination`'s ingress allows from a workload, an external range or an entry point: the
        admin tiers' verdict around the NetworkPolicies'."""
        if self.admin_touched[INGRESS] >> destination.index & 1:
            return self._tiers(INGRESS, destination, source, destination)
        return self.np_ingress(destination, source)

    def np_ingress(self, destination: Workload, source: Workload | int | Entry) -> PortSet:
        """What the NetworkPolicies isolating `destination` for ingress allow (everything when none does)."""
        if not self.isolated[INGRESS] >> destination.index & 1:
            return PortSet.ALL
        found = PortSet.NONE
        for rule in self.rules[INGRESS][destination.index]:
            if rule.admits(self, source):
                found |= rule.ports_at(destination)
        return found

    def allowed(self, source: Endpoint, destination: Endpoint) -> PortSet:
        """Every connection from `source` to `destination` that the policies allow. From a workload to
        itself: between two of its pods (a pod to itself, over loopback, is always allowed)."""
        if isinstance(destination, Workload):
            if isinstance(source, Workload):
                return self.egress(source, destination) & self.ingress(destination, source)
            if isinstance(source, Entry):
                return self.exposed(source.name, destination) & self.ingress(destination, source)
            return self.ingress(destination, self.atom_index(source))
        if isinstance(source, Workload) and isinstance(destination, AddressRange):
            return self.egress(source, self.atom_index(destination))
        return PortSet.NONE

    def peer_key(self, endpoint: Endpoint) -> Workload | int | Entry:
        """How rules see an endpoint: a workload, the index of an external range, or an entry point."""
        return self.atom_index(endpoint) if isinstance(endpoint, AddressRange) else endpoint

    def atom_index(self, address: AddressRange) -> int:
        for index, atom in enumerate(self.atoms):
            if atom.contains(address):
                return index
        raise ValueError(f"{address} is not an external range of the input")

    def exposed(self, entry: str, workload: Workload) -> PortSet:
        found = PortSet.NONE
        for exposure in self.cluster.exposures:
            if exposure.entry == entry and exposure.workload is workload:
                found |= exposure.ports
        return found

    # Every connection ----------------------------------------------------------------------------------

    def connections(self) -> Iterator[tuple[Endpoint, Endpoint, PortSet]]:
        """Every allowed connection between distinct endpoints, in no particular order."""
        size = self.ranks
        for key, ports in self.ranked_connections():
            source, destination = divmod(key, size)
            yield self.endpoint(source), self.endpoint(destination), ports

    @property
    def ranks(self) -> int:
        """How many endpoints there are: entry points (ranks 0 and 1), workloads (2 + index, which is their
        output order), then external ranges by address."""
        return 2 + len(self.workloads) + len(self.atoms)

    def endpoint(self, rank: int) -> Endpoint:
        if rank < 2:
            return ENTRIES[rank]
        if rank < 2 + len(self.workloads):
            return self.workloads[rank - 2]
        return self.atoms[rank - 2 - len(self.workloads)]

    def ranked_connections(self) -> Iterator[tuple[int, PortSet]]:
        """Every allowed connection between distinct endpoints as `(source rank * ranks + destination rank,
        ports)`: sorting by the key sorts by source, then destination."""
        workloads = self.workloads
        size = self.ranks
        first_atom = 2 + len(workloads)
        rows = [(2 + i) * size for i in range(len(workloads))]
        # Sources whose egress something restricts: NetworkPolicies (`reach` prunes those to the
        # destinations some rule admits) or an admin tier (checked pair by pair).
        egress_isolated = self.isolated[EGRESS]
        admin_egress = self.admin_touched[EGRESS]
        restricted = egress_isolated | admin_egress
        reach = self._egress_reach()
        unrestricted: dict[int, list[int]] = {}  # the indexes of a bitset of free sources (they recur)
        for destination in workloads:
            index_d = destination.index
            bit = 1 << index_d
            column = 2 + index_d
            for sources, ports in self._ingress_regions(destination):
                free = sources & ~restricted
                indexes = unrestricted.get(free)
                if indexes is None:
                    indexes = unrestricted[free] = list(iter_bits(free))
                yield from zip([rows[i] + column for i in indexes if i != index_d], repeat(ports))
                sources &= ~bit
                for index in iter_bits(sources & egress_isolated & ~admin_egress & reach[index_d]):
                    conn = ports & self.egress(workloads[index], destination)
                    if conn:
                        yield rows[index] + column, conn
                for index in iter_bits(sources & admin_egress):
                    for targets, out in self._admin_egress(workloads[index]):
                        if targets & bit:
                            if conn := ports & out:
                                yield rows[index] + column, conn
                            break
        for workload in workloads:
            row = rows[workload.index]
            for index, out in self._atom_verdicts(EGRESS, workload):
                yield row + first_atom + index, out
            for index, into in self._atom_verdicts(INGRESS, workload):
                yield (first_atom + index) * size + 2 + workload.index, into
        exposed: dict[tuple[str, int], PortSet] = {}
        for exposure in self.cluster.exposures:
            key = (exposure.entry, exposure.workload.index)
            exposed[key] = exposed.get(key, PortSet.NONE) | exposure.ports
        for (entry, index), ports in exposed.items():
            conn = ports & self.ingress(workloads[index], Entry(entry))
            if conn:
                yield (0 if entry == EXTERNAL else 1) * size + 2 + index, conn

    def _atom_verdicts(self, direction: str, workload: Workload) -> Iterator[tuple[int, PortSet]]:
        """What `workload` may send to (egress) or receive from (ingress) each external range."""
        index = workload.index
        if self.admin_touched[direction] >> index & 1:
            for atom in range(len(self.atoms)):
                found = self.egress(workload, atom) if direction == EGRESS else self.ingress(workload, atom)
                if found:
                    yield atom, found
        elif not self.isolated[direction] >> index & 1:
            for atom in range(len(self.atoms)):
                yield atom, PortSet.ALL
        else:
            # Only the rules' own ranges: the work follows the rules, not the ranges.
            destination = None if direction == EGRESS else workload
            by_atom: dict[int, PortSet] = {}
            for rule in self.rules[direction][index]:
                if rule.atoms:
                    ports = rule.ports_at(destination)
                    for atom in iter_bits(rule.atoms):
                        by_atom[atom] = by_atom.get(atom, PortSet.NONE) | ports
            for atom in sorted(by_atom):
                if by_atom[atom]:
                    yield atom, by_atom[atom]

    def _ingress_regions(self, destination: Workload) -> list[tuple[int, PortSet]]:
        if self.admin_touched[INGRESS] >> destination.index & 1:
            # The verdict depends only on which rules admit the source: evaluate one source per class.
            splitters = [r.pods for r in self.admin_rules[INGRESS][destination.index]]
            splitters += [r.pods for r in self.rules[INGRESS][destination.index]]
            classes = refine(self.selectable, splitters) + ([self.host] if self.host else [])
            return self._verdicts(classes, lambda index: self.ingress(destination, self.workloads[index]))
        if not self.isolated[INGRESS] >> destination.index & 1:
            return [(self.all, PortSet.ALL)]
        pieces = []
        host_ports = PortSet.NONE
        for rule in self.rules[INGRESS][destination.index]:
            ports = rule.ports_at(destination)
            pieces.append((rule.pods, ports))
            if rule.unknown_address:
                host_ports |= ports
        if self.host and host_ports:
            pieces.append((self.host, host_ports))
        return disjoint(pieces)

    def _verdicts(
        self, classes: Sequence[int], verdict: Callable[[int], PortSet]
    ) -> list[tuple[int, PortSet]]:
        """Each class's verdict (computed for its first member), classes with equal verdicts merged."""
        merged: dict[PortSet, int] = {}
        for bits in classes:
            ports = verdict((bits & -bits).bit_length() - 1)
            if ports:
                merged[ports] = merged.get(ports, 0) | bits
        return [(bits, ports) for ports, bits in merged.items()]

    def _admin_egress(self, source: Workload) -> list[tuple[int, PortSet]]:
        """What an admin tier lets `source` send to each workload, by classes of destinations (the rules
        that admit them and the ports they declare, for named ports)."""
        found = self._admin_egress_cache.get(source.index)
        if found is None:
            splitters = [r.pods for r in self.admin_rules[EGRESS][source.index]]
            splitters += [r.pods for r in self.rules[EGRESS][source.index]]
            splitters += [self.host, *self.port_classes]
            classes = refine(self.all, splitters)
            found = self._verdicts(classes, lambda index: self.egress(source, self.workloads[index]))
            self._admin_egress_cache[source.index] = found
        return found

    def _egress_reach(self) -> list[int]:
        """Per destination workload, the egress-isolated workloads some egress rule of which admits it."""
        reach = [0] * len(self.workloads)
        by_targets: dict[int, int] = {}
        for index in iter_bits(self.isolated[EGRESS]):
            targets = 0
            for rule in self.rules[EGRESS][index]:
                targets |= rule.pods
                if rule.unknown_address:
                    targets |= self.host
            by_targets[targets] = by_targets.get(targets, 0) | (1 << index)
        for targets, sources in by_targets.items():
            for index in iter_bits(targets):
                reach[index] |= sources
        return reach


@dataclass(eq=False, slots=True)
class CompiledAdminRule:
    """An admin tier's rule with the peers it matches (as `CompiledRule`; `nodes`: hostNetwork workloads,
    whose address is a node's)."""

    admin: AdminPolicy
    rule: AdminRule
    pods: int
    atoms: int
    unknown_pod: bool
    unknown_address: bool
    nodes: bool

    def admits(self, reach: Reachability, peer: Workload | int | Entry) -> bool:
        if isinstance(peer, Entry):
            return self.unknown_pod if peer.name == INGRESS_CONTROLLER else self.unknown_address
        if isinstance(peer, int):
            return bool(self.atoms >> peer & 1)
        if reach.is_host(peer):
            return self.nodes or self.unknown_address
        return bool(self.pods >> peer.index & 1)

    def ports_at(self, destination: Workload | None) -> PortSet:
        if not self.rule.ports:
            return PortSet.ALL
        found = PortSet.NONE
        for port in self.rule.ports:
            if port.name is None:
                assert port.protocol is not None
                found |= PortSet.of(port.protocol, port.low, port.high)
            elif destination is not None:
                for declared in destination.ports:
                    if declared.name == port.name:
                        found |= PortSet.of(declared.protocol, declared.number, declared.number)
        return found


# The entry points in rank order (by name).
ENTRIES = (Entry(EXTERNAL), Entry(INGRESS_CONTROLLER))
