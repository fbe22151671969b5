"""## What it does
Reports a named port in a NetworkPolicy rule's `ports` that no pod the rule applies to declares with that
name and protocol (`protocol` defaults to TCP, in the rule and in the container). A named port is resolved
on the destination of each connection: for an ingress rule, the pods the policy selects; for an egress rule,
the pods its peers admit. When no pod of the input is such a destination, there is nothing to check.

Not checked: egress rules that also admit pods the input cannot show (no `to`, `namespaceSelector: {}`
without a podSelector, an ipBlock that covers the pod network), where an unknown destination may declare the
name; rules of a direction that `policyTypes` leaves out. The message names the pods that declare the name
with another protocol.

## Why is this bad?
A named port matches nothing on a pod that does not declare it: the rule allows no connection to those
pods, and the traffic it was written for is denied. The usual causes are a port renamed in the pod template,
or a UDP port (DNS) matched without `protocol: UDP`.

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
    - ports:
        - port: http
---
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
          ports:
            - name: web
              containerPort: 8080
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
  ingress:
    - ports:
        - port: web
---
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
          ports:
            - name: web
              containerPort: 8080
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.cluster import Workload
from kcheck.analyzers.netpol.facts import INGRESS
from kcheck.analyzers.netpol.reach import Reachability, iter_bits
from kcheck.analyzers.netpol.rule_views import destination_pods, live_rules, rule_label
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC306",
    name="network-policy-named-port-undefined",
    summary="A named port in a NetworkPolicy rule that no pod the rule applies to declares.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="NetworkPolicy {policy} {rule}: no pod {pods} declares a container port named {name} with "
    "protocol {protocol}{hint}",
    remediation="Name a container port that the destination pods declare, with its protocol, or use its "
    "number.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
    ),
)

LISTED = 2


def pods_text(reach: Reachability, pods: int) -> str:
    """`shop/web[Deployment]`, `shop/a[Deployment], shop/b[Pod] and 3 more`."""
    names = []
    count = 0
    for index in iter_bits(pods):
        count += 1
        if count <= LISTED:
            names.append(str(reach.workloads[index]))
    more = count - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    declaring: dict[tuple[str, str], int] = {}  # (name, protocol) -> the workloads declaring it
    for workload in reach.workloads:
        for port in workload.ports:
            if port.name:
                key = (port.name, port.protocol)
                declaring[key] = declaring.get(key, 0) | 1 << workload.index
    for compiled in live_rules(reach):
        named = [match for match in compiled.rule.ports if match.name is not None]
        if not named:
            continue
        pods = destination_pods(reach, compiled)
        if not pods:
            continue
        for match in named:
            assert match.name is not None
            if declaring.get((match.name, match.protocol), 0) & pods:
                continue
            others, related = _other_protocols(reach, declaring, match.name, pods)
            if not related:
                related = [
                    RelatedViolation(workload.obj, ("metadata", "name"), f"{workload} {_declared(workload)}")
                    for workload in _first(reach, pods)
                ]
            whose = "the policy selects" if compiled.rule.direction == INGRESS else "the rule admits"
            args = {
                "policy": str(compiled.policy),
                "rule": rule_label(compiled),
                "pods": f"{whose} ({pods_text(reach, pods)})",
                "protocol": match.protocol,
                "name": match.name,
                "hint": "".join(f"; {other}" for other in others),
            }
            yield compiled.policy.obj, Violation(match.path, args, tuple(related))


def _first(reach: Reachability, pods: int) -> list[Workload]:
    found = []
    for index in iter_bits(pods):
        found.append(reach.workloads[index])
        if len(found) == LISTED:
            break
    return found


def _declared(workload: Workload) -> str:
    names = sorted({f"{p.name} ({p.protocol} {p.number})" for p in workload.ports if p.name})
    return f"declares {', '.join(names)}" if names else "declares no named port"


def _other_protocols(
    reach: Reachability, declaring: dict[tuple[str, str], int], name: str, pods: int
) -> tuple[list[str], list[RelatedViolation]]:
    """The pods that declare the name with another protocol than the rule's."""
    others: list[str] = []
    related: list[RelatedViolation] = []
    for (declared, protocol), bits in sorted(declaring.items()):
        if declared != name:
            continue
        for workload in _first(reach, bits & pods):
            if len(others) == LISTED:
                return others, related
            port = next(p for p in workload.ports if p.name == name and p.protocol == protocol)
            others.append(f"{workload} declares {name} as {protocol}")
            related.append(
                RelatedViolation(
                    workload.obj, port.path, f"{workload} declares {name} as {protocol} {port.number}"
                )
            )
    return others, related
