"""## What it does
Reports two admin network policies of the same tier and priority (AdminNetworkPolicy, or
ClusterNetworkPolicy of tier `Admin` or `Baseline`) that can both match a connection with different actions:
their subjects share pods of the input, and a rule of each, in the same direction, matches a common peer on a
common port, one with Accept (or Allow), Deny or Pass and the other with another action.

## Why is this bad?
The API leaves the order of policies with the same priority undefined: "the implementation can apply any of
the matching policies to the connection, and there is no way for the user to reliably determine which one it
will choose". The connection is allowed on one cluster (or after a restart) and denied on another.

## Example
```yaml
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: allow-monitoring
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces: {}
  ingress:
    - action: Accept
      from:
        - namespaces:
            matchLabels: {kubernetes.io/metadata.name: monitoring}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: isolate-shop
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces:
      matchLabels: {kubernetes.io/metadata.name: shop}
  ingress:
    - action: Deny
      from:
        - namespaces: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  containers:
    - name: api
      image: registry.example.com/api:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: prometheus
  namespace: monitoring
spec:
  containers:
    - name: prometheus
      image: registry.example.com/prometheus:3.1.0
```
Use instead:
```yaml
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: allow-monitoring
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces: {}
  ingress:
    - action: Accept
      from:
        - namespaces:
            matchLabels: {kubernetes.io/metadata.name: monitoring}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: isolate-shop
spec:
  tier: Admin
  priority: 20
  subject:
    namespaces:
      matchLabels: {kubernetes.io/metadata.name: shop}
  ingress:
    - action: Deny
      from:
        - namespaces: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  containers:
    - name: api
      image: registry.example.com/api:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: prometheus
  namespace: monitoring
spec:
  containers:
    - name: prometheus
      image: registry.example.com/prometheus:3.1.0
```
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from kcheck.analyzers.netpol.admin import ADMIN_KINDS
from kcheck.analyzers.netpol.cluster import AdminPolicy
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS
from kcheck.analyzers.netpol.reach import CompiledAdminRule, Reachability
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC314",
    name="admin-policy-priority-overlap",
    summary="Admin network policies of one tier and priority that match a connection with different actions.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=5.0,
    message="{policy} and {other} share tier {tier} and priority {priority}, and both match {what} with "
    "different actions ({action} and {other_action}): which one applies is undefined",
    remediation="Give the policies different priorities, in the order they must apply.",
    docs=__doc__ or "",
    applies_to=tuple(sorted(ADMIN_KINDS)),
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://network-policy-api.sigs.k8s.io/api-overview/",
        "https://github.com/kubernetes-sigs/network-policy-api/blob/main/apis/v1alpha2/clusternetworkpolicy_types.go",
    ),
)


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    groups: dict[tuple[str, int], list[AdminPolicy]] = {}
    for admin in reach.cluster.admin_policies:
        groups.setdefault((admin.facts.tier, admin.facts.priority), []).append(admin)
    for (tier, priority), admins in groups.items():
        # Reported on the later one in file order.
        admins.sort(key=lambda a: (a.obj.file_path, a.obj.locate(()).span.line))
        for first, second in combinations(admins, 2):
            shared = reach.admin_subjects[id(first)] & reach.admin_subjects[id(second)]
            if not shared:
                continue
            conflict = _conflict(reach, first, second)
            if conflict is None:
                continue
            mine, theirs = conflict
            args = {
                "policy": str(second),
                "other": str(first),
                "tier": tier,
                "priority": priority,
                "what": f"{mine.rule.direction.lower()} traffic of {_pods(reach, shared)}",
                "action": mine.rule.action,
                "other_action": theirs.rule.action,
            }
            related = (
                RelatedViolation(
                    first.obj,
                    theirs.rule.path,
                    f"{first} {theirs.rule.direction.lower()}[{theirs.rule.index}]",
                ),
            )
            yield second.obj, Violation(("spec", "priority"), args, related)


def _conflict(
    reach: Reachability, first: AdminPolicy, second: AdminPolicy
) -> tuple[CompiledAdminRule, CompiledAdminRule] | None:
    """A rule of `second` and one of `first` with a common peer and port and different actions."""
    for direction in (INGRESS, EGRESS):
        theirs = reach.compiled_admin.get(id(first), {}).get(direction, [])
        for mine in reach.compiled_admin.get(id(second), {}).get(direction, []):
            for other in theirs:
                if mine.rule.action == other.rule.action:
                    continue
                common_peer = (
                    mine.pods & other.pods
                    or mine.atoms & other.atoms
                    or (mine.unknown_pod and other.unknown_pod)
                    or (mine.nodes and other.nodes)
                )
                if common_peer and _ports_overlap(mine, other):
                    return mine, other
    return None


def _ports_overlap(a: CompiledAdminRule, b: CompiledAdminRule) -> bool:
    if any(p.name is not None for p in (*a.rule.ports, *b.rule.ports)):
        return True  # named ports resolve per pod: they may meet
    return bool(a.ports_at(None) & b.ports_at(None))


def _pods(reach: Reachability, bits: int) -> str:
    names = [str(reach.workloads[(b & -b).bit_length() - 1]) for b in _lowest(bits, 3)]
    count = bin(bits).count("1")
    more = f" and {count - len(names)} more" if count > len(names) else ""
    return ", ".join(names) + more


def _lowest(bits: int, limit: int) -> Iterator[int]:
    while bits and limit:
        low = bits & -bits
        yield low
        bits ^= low
        limit -= 1
