"""## What it does
Reports a workload that no NetworkPolicy isolates for ingress (option `directions`, default `[Ingress]`;
add `Egress` to require both, as Polaris does): every pod of the cluster, and every address that reaches
the node, can connect to every port of its pods. Workloads that use the host network are not reported
(NetworkPolicies do not apply to them). Opt-in: in the `strict` profile.

## Why is this bad?
Without isolation, one compromised pod anywhere in the cluster reaches this workload directly. A
namespace-wide default-deny policy, then policies that allow what each workload needs, is the usual
baseline.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

Direction = Literal["Ingress", "Egress"]


def _ingress_only() -> list[Direction]:
    return ["Ingress"]


class IsolationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    directions: list[Direction] = Field(
        default_factory=_ingress_only, description="The directions every workload must be isolated in."
    )


RULE = RuleSpec(
    id="KC312",
    name="workload-not-isolated",
    summary="A workload that no NetworkPolicy isolates (for ingress, by default).",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=4.0,
    message="{workload} is not isolated for {directions}: no NetworkPolicy selects its pods for it",
    remediation="Add a NetworkPolicy that selects the workload's pods (a namespace-wide default-deny, then "
    "the connections it needs).",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=IsolationOptions,
    precision=Precision.HIGH,
    profile=Profile.STRICT,
    replaces=("kube-linter:non-isolated-pod", "polaris:missingNetworkPolicy", "kube-score:pod-networkpolicy"),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
    ),
)


def check(
    reach: Reachability, options: IsolationOptions | None = None
) -> Iterator[tuple[K8sObject, Violation]]:
    directions = (options or IsolationOptions()).directions
    for workload in reach.workloads:
        if reach.is_host(workload):
            continue
        missing = [d for d in directions if not reach.isolated[d] >> workload.index & 1]
        if missing:
            args = {"workload": str(workload), "directions": " and ".join(d.lower() for d in missing)}
            yield workload.obj, Violation(("metadata", "name"), args)
