"""## What it does
Reports a port number in a NetworkPolicy rule that is a Service's `port` but not the `targetPort` it sends
to, where the Service selects pods the rule applies to (for an ingress rule, the pods the policy selects;
for an egress rule, the pods its peers admit), those pods do not declare that number as a container port,
and the rule does not allow the target port as well. Named target ports are resolved on each pod.

Not checked: port ranges (`endPort`), named ports (`network-policy-named-port-undefined` checks those),
egress rules that also admit pods the input cannot show (no `to`, `namespaceSelector: {}` alone, an ipBlock
that covers the pod network), where the number may be meant for a destination outside the input; rules of
a direction that `policyTypes` leaves out.

## Why is this bad?
A NetworkPolicy sees a connection after the Service address is translated: to the pod's address and the
container (target) port, never to the Service's port. A rule written for the Service's port allows nothing
that reaches the pods through the Service, so the traffic it was meant for is denied.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
    - ports:
        - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - containerPort: 8080
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
    - ports:
        - port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - containerPort: 8080
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.netpol.cluster import Workload, service_selector
from kcheck.analyzers.netpol.facts import PortMatch
from kcheck.analyzers.netpol.reach import CompiledRule, Reachability, iter_bits
from kcheck.analyzers.netpol.rule_views import destination_pods, live_rules, rule_label
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Service, ServicePort

RULE = RuleSpec(
    id="KC313",
    name="network-policy-uses-service-port",
    summary="A NetworkPolicy port that is a Service's port, not the target port its pods receive on.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="NetworkPolicy {policy} {rule}: port {port} is Service {service}'s port; its pods receive on "
    "targetPort {target}",
    remediation="Allow the Service's targetPort (the container port): NetworkPolicies see connections after "
    "the Service address is translated.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
        "https://github.com/kubernetes/website/issues/8295",
    ),
)


@dataclass(frozen=True, slots=True)
class _Routed:
    """A Service port and the workloads of the input it sends to."""

    service: Service
    namespace: str
    port: ServicePort
    protocol: str
    pods: int


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    routed = _routed_ports(reach)
    if not routed:
        return
    for compiled in live_rules(reach):
        pods = None
        for match in compiled.rule.ports:
            if match.name is not None or match.port is None or match.end_port not in (None, match.port):
                continue
            candidates = routed.get((match.protocol, match.port))
            if not candidates:
                continue
            if pods is None:
                pods = destination_pods(reach, compiled)
            for candidate in candidates:
                affected = candidate.pods & pods
                if not affected:
                    continue
                found = _mismatch(reach, compiled, match, candidate, affected)
                if found is not None:
                    yield compiled.policy.obj, found
                    break


def _routed_ports(reach: Reachability) -> dict[tuple[str, int], list[_Routed]]:
    """The Service ports of the input by (protocol, number), with the workloads each sends to."""
    found: dict[tuple[str, int], list[_Routed]] = {}
    for service in reach.cluster.services:
        spec = service.spec
        selector = service_selector(service)
        if spec is None or selector is None or spec.type == "ExternalName":
            continue
        namespace = service.metadata.namespace or reach.cluster.default_namespace
        pods = reach.pod_labels.select(selector) & reach.in_namespace.get(namespace, 0)
        if not pods:
            continue
        for port in spec.ports:
            if isinstance(port.port, int):
                protocol = port.protocol or "TCP"
                found.setdefault((protocol, port.port), []).append(
                    _Routed(service, namespace, port, protocol, pods)
                )
    return found


def _mismatch(
    reach: Reachability, compiled: CompiledRule, match: PortMatch, routed: _Routed, affected: int
) -> Violation | None:
    """The finding when the Service sends `match`'s number elsewhere on the pods the rule applies to, they
    do not listen on it, and the rule does not allow where it sends to."""
    assert match.port is not None
    written = routed.port.target_port if routed.port.target_port is not None else routed.port.port
    targets: dict[int, str] = {}  # number -> how the Service names it
    missed: list[Workload] = []
    for index in iter_bits(affected):
        workload = reach.workloads[index]
        if any(p.number == match.port and p.protocol == match.protocol for p in workload.ports):
            return None  # the pods listen on the number itself
        target = workload.named_port(written, routed.protocol) if isinstance(written, str) else written
        if target is None or target == match.port:
            continue
        if compiled.ports_at(workload).contains(match.protocol, target):
            continue
        targets.setdefault(target, f"{written} ({target})" if isinstance(written, str) else str(target))
        missed.append(workload)
    if not missed:
        return None
    service = routed.service
    name = service.metadata.name or ""
    if routed.namespace != compiled.policy.namespace:
        name = f"{routed.namespace}/{name}"
    target_text = ", ".join(targets[number] for number in sorted(targets))
    port_text = str(match.port) if match.protocol == "TCP" else f"{match.port}/{match.protocol}"
    related = [
        RelatedViolation(
            service,
            ("metadata", "name"),
            f"Service {name} sends port {port_text} to targetPort {target_text}",
        )
    ]
    for workload in missed[:2]:
        for port in workload.ports:
            if port.number in targets and port.protocol == match.protocol:
                related.append(
                    RelatedViolation(workload.obj, port.path, f"{workload} receives on {port.number}")
                )
                break
    args = {
        "policy": str(compiled.policy),
        "rule": rule_label(compiled),
        "port": port_text,
        "service": name,
        "target": target_text,
    }
    return Violation(match.path, args, tuple(related))
