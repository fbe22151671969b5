"""## What it does
Reports a NetworkPolicy whose `podSelector` selects no pod of the input's workloads in its namespace, when
that namespace has workloads in the input (a namespace with none is deployed from elsewhere, and its
policies are not checked). A policy that selects only `hostNetwork` pods is reported too: NetworkPolicies do
not apply to them (setting `network.host-network-pods`, by default `unselected`). `podSelector: {}` is never
reported.

## Why is this bad?
The policy isolates nothing: the pods it was written for accept (or send) every connection, usually because
a label was renamed in the workload and not in the policy.

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
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
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
    matchLabels: {app.kubernetes.io/name: api}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.reach import Reachability, iter_bits
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC302",
    name="network-policy-selects-nothing",
    summary="A NetworkPolicy whose podSelector matches no workload's pods in its namespace.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=5.0,
    message="NetworkPolicy {policy} selects no pod: {why}",
    remediation="Make the podSelector match the labels of the pod template it is meant to isolate.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-linter:dangling-networkpolicy", "kube-score:networkpolicy-targets-pod"),
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
)


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for policy in reach.cluster.policies:
        subject = policy.facts.subject
        in_namespace = reach.in_namespace.get(policy.namespace, 0)
        if subject.matches_everything or not in_namespace or reach.selected_by[id(policy)]:
            continue
        if not reach.pod_labels.select(subject) & in_namespace and reach.cluster.beside_custom_resources(
            policy.namespace, policy.obj.file_path
        ):
            continue  # an operator may create the pods from the custom resources beside it
        matching = reach.pod_labels.select(subject) & in_namespace
        if matching:
            names = ", ".join(str(reach.workloads[i]) for i in iter_bits(matching))
            why = f"it matches only hostNetwork pods ({names}), which NetworkPolicies do not apply to"
        else:
            why = f"no pod template in namespace {policy.namespace} has the labels it requires"
        yield policy.obj, Violation(("spec", "podSelector"), {"policy": str(policy), "why": why})
