"""## What it does
Reports a NetworkPolicy that isolates pods for egress when no egress rule of the policies selecting them
allows DNS: UDP and TCP port 53 of the cluster DNS pods (option `dns-namespace`, default `kube-system`, and
`dns-labels`, default `k8s-app: kube-dns`, the labels CoreDNS and kube-dns both carry). When the input
holds the DNS workload, its own container ports are checked; otherwise a CoreDNS pod is assumed (container
ports `dns` 53/UDP and `dns-tcp` 53/TCP). NetworkPolicies see the DNS pods' addresses after the Service
address is translated, so a rule aimed at the DNS Service's ClusterIP does not count, and an `ipBlock`
counts only where the setting `network.pod-cidrs` says ipBlocks match pods.

Each workload is reported once, on the first policy (in file order) that isolates its egress.

## Why is this bad?
Name resolution fails in the isolated pods, usually after a timeout: every connection by name breaks, also
those the policies allow. TCP matters too: large answers and some resolvers fall back to it.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-egress
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  policyTypes: [Egress]
  egress:
    - to:
        - podSelector:
            matchLabels: {app: db}
      ports:
        - port: 5432
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
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-egress
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  policyTypes: [Egress]
  egress:
    - to:
        - podSelector:
            matchLabels: {app: db}
      ports:
        - port: 5432
    - to:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: kube-system}
          podSelector:
            matchLabels: {k8s-app: kube-dns}
      ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}
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
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.netpol.addresses import subtract
from kcheck.analyzers.netpol.cluster import Workload, pod_ranges
from kcheck.analyzers.netpol.facts import EGRESS, ContainerPort
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import CompiledRule, Reachability, iter_bits
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.inventory import NAMESPACE_NAME_LABEL
from kcheck.model import kinds
from kcheck.model.base import GenericObject, K8sObject


class DnsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    dns_namespace: str = Field(
        "kube-system", alias="dns-namespace", description="The namespace of the cluster DNS pods."
    )
    dns_labels: dict[str, str] = Field(
        default_factory=lambda: {"k8s-app": "kube-dns"},
        alias="dns-labels",
        description="Labels the cluster DNS pods carry.",
    )


RULE = RuleSpec(
    id="KC305",
    name="egress-blocks-dns",
    summary="Egress isolation that leaves no rule allowing DNS (UDP and TCP 53) to the cluster DNS pods.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="NetworkPolicy {policy} isolates the egress of {workloads}, but no egress rule allows {missing} "
    "to the cluster DNS pods ({dns}): name resolution fails",
    remediation="Add an egress rule to the DNS pods (namespaceSelector for their namespace and podSelector "
    "for their labels) on port 53 over UDP and TCP.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    options=DnsOptions,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/",
        "https://github.com/ahmetb/kubernetes-network-policy-recipes/blob/master/14-deny-external-egress-traffic.md",
    ),
)

_DNS_PORTS = (("UDP", 53), ("TCP", 53))
_MAX_NAMED = 5


def check(reach: Reachability, options: DnsOptions | None = None) -> Iterator[tuple[K8sObject, Violation]]:
    options = options or DnsOptions()
    targets = _dns_workloads(reach, options)
    dns_indexes = {w.index for w in targets}
    reported: set[int] = set()
    missing_by_policy: dict[int, list[tuple[Workload, list[str]]]] = {}
    for index in iter_bits(reach.isolated[EGRESS]):
        if index in dns_indexes:
            continue
        workload = reach.workloads[index]
        missing = _missing(reach, workload, targets, options)
        if missing and index not in reported:
            reported.add(index)
            first = reach.isolating[EGRESS][index][0]
            missing_by_policy.setdefault(id(first), []).append((workload, missing))
    selector = ", ".join(f"{k}={v}" for k, v in sorted(options.dns_labels.items()))
    for policy in reach.cluster.policies:
        found = missing_by_policy.get(id(policy))
        if not found:
            continue
        names = [str(w) for w, _ in found]
        shown = ", ".join(names[:_MAX_NAMED]) + (
            f" and {len(names) - _MAX_NAMED} more" if len(names) > _MAX_NAMED else ""
        )
        protocols = [f"{p} 53" for p in sorted({p for _, missing in found for p in missing}, reverse=True)]
        args = {
            "policy": str(policy),
            "workloads": shown,
            "missing": " and ".join(protocols),
            "dns": f"{options.dns_namespace}/{selector}",
        }
        path = ("spec", "policyTypes") if policy.facts.policy_types_written else ("spec", "egress")
        related = tuple(RelatedViolation(w.obj, ("metadata", "name"), str(w)) for w, _ in found[:_MAX_NAMED])
        yield policy.obj, Violation(path, args, related)


def _dns_workloads(reach: Reachability, options: DnsOptions) -> list[Workload]:
    return [
        w
        for w in reach.workloads
        if w.namespace == options.dns_namespace
        and all(w.labels.get(k) == v for k, v in options.dns_labels.items())
    ]


def _missing(
    reach: Reachability, workload: Workload, targets: list[Workload], options: DnsOptions
) -> list[str]:
    """The protocols of DNS that no egress rule of `workload` allows to the DNS pods."""
    if targets:
        missing = []
        for protocol, default in _DNS_PORTS:
            ok = any(
                reach.egress(workload, target).contains(protocol, port)
                for target in targets
                for port in _dns_ports(target, protocol, default)
            )
            if not ok:
                missing.append(protocol)
        return missing
    assumed = _assumed_dns(options)
    allowed = PortSet.NONE
    for rule in reach.rules[EGRESS][workload.index]:
        if _admits_assumed(reach, rule, options):
            allowed |= rule.ports_at(assumed)
    return [protocol for protocol, port in _DNS_PORTS if not allowed.contains(protocol, port)]


def _dns_ports(target: Workload, protocol: str, default: int) -> list[int]:
    declared = [
        p.number
        for p in target.ports
        if p.protocol == protocol and (p.number == 53 or "dns" in (p.name or ""))
    ]
    return declared or [default]


def _assumed_dns(options: DnsOptions) -> Workload:
    ports = (ContainerPort("dns", 53, "UDP", ()), ContainerPort("dns-tcp", 53, "TCP", ()))
    return Workload(
        -1, "Deployment", options.dns_namespace, "coredns", options.dns_labels, ports, False, GenericObject()
    )


def _admits_assumed(reach: Reachability, rule: CompiledRule, options: DnsOptions) -> bool:
    """Whether the rule's peers admit a DNS pod the input does not hold."""
    if not rule.rule.peers:
        return True
    labels = options.dns_labels
    namespace_labels = reach.cluster.namespaces.get(
        options.dns_namespace, {NAMESPACE_NAME_LABEL: options.dns_namespace}
    )
    pods = pod_ranges(reach.cluster.assumptions)
    for peer in rule.rule.peers:
        if peer.is_ip_block:
            if pods and not subtract(pods, peer.blocks):
                return True
        elif peer.namespaces is None:
            if (
                rule.policy.namespace == options.dns_namespace
                and peer.pods is not None
                and peer.pods.matches(labels)
            ):
                return True
        elif peer.namespaces.matches(namespace_labels) and (peer.pods is None or peer.pods.matches(labels)):
            return True
    return False
