"""## What it does
Reports a NetworkPolicy that the API server rejects, with the message of its validation
(`ValidateNetworkPolicy`): a peer that sets none of `podSelector`, `namespaceSelector` and `ipBlock`, or
`ipBlock` with a selector; an `ipBlock` whose `cidr` does not parse or whose `except` entries are not strict
subsets of it; a port protocol other than TCP, UDP and SCTP; a port number out of range or a port name that
is not a valid IANA service name; an `endPort` without a numeric `port` or below it; an unknown
`policyTypes` value; an invalid label selector.

AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects are checked the same way
against their API's rules (a subject with exactly one of `namespaces` and `pods`, known actions, a priority
from 0 to 1000, rules with at least one peer, valid CIDRs and port ranges, a BaselineAdminNetworkPolicy named
`default`).

The reachability analysis leaves such a policy out, as the cluster would never hold it.

## Why is this bad?
`kubectl apply` fails on the policy, so the isolation it was written for never takes effect, and the rest of
the manifest set is applied without it.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-monitoring
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.0/16}
          namespaceSelector:
            matchLabels: {team: monitoring}
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-monitoring
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.0/16}
        - namespaceSelector:
            matchLabels: {team: monitoring}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.admin import ADMIN_KINDS
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC301",
    name="invalid-network-policy",
    summary="A NetworkPolicy (or an admin network policy) the API server rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{policy} is invalid: {problem}",
    remediation="Fix the field the message names; the API server rejects the whole policy.",
    docs=__doc__ or "",
    applies_to=(*kinds.NETWORK_POLICIES, *sorted(ADMIN_KINDS)),
    precision=Precision.HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/",),
)


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for policy in reach.cluster.invalid_policies:
        for problem in policy.facts.problems:
            yield (
                policy.obj,
                Violation(problem.path, {"policy": f"NetworkPolicy {policy}", "problem": problem.message}),
            )
    for admin in reach.cluster.invalid_admin_policies:
        for problem in admin.facts.problems:
            yield admin.obj, Violation(problem.path, {"policy": str(admin), "problem": problem.message})
