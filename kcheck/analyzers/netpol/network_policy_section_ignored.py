"""## What it does
Reports the `ingress` or `egress` rules of a NetworkPolicy whose `policyTypes` does not list that
direction. The API server keeps such rules, but they have no effect: `policyTypes` decides which directions
a policy isolates and which of its rules count.

## Why is this bad?
The rules look like they allow (and the policy like it isolates) traffic in that direction, but the pods
are not isolated in it at all, and the rules are never read: the reader and the cluster disagree.

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
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
  egress:
    - to:
        - podSelector:
            matchLabels: {app: db}
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
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
  egress:
    - to:
        - podSelector:
            matchLabels: {app: db}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC304",
    name="network-policy-section-ignored",
    summary="Ingress or egress rules of a NetworkPolicy whose policyTypes leaves that direction out.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="NetworkPolicy {policy} has {count} {direction} rule(s), but its policyTypes {types} leaves "
    "{direction} out: they have no effect",
    remediation="Add the direction to policyTypes, or remove the rules.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.VERY_HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec",
    ),
)


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for policy in reach.cluster.policies:
        facts = policy.facts
        for direction in facts.ignored:
            key = direction.lower()
            args = {
                "policy": str(policy),
                "count": len(facts.rules(direction)),
                "direction": key,
                "types": "[" + ", ".join(sorted(facts.isolates)) + "]",
            }
            related = (RelatedViolation(policy.obj, ("spec", "policyTypes"), "policyTypes"),)
            yield policy.obj, Violation(("spec", key), args, related)
