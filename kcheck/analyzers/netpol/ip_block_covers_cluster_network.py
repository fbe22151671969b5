"""## What it does
Reports an `ipBlock` whose addresses (its `cidr` less its `except` entries) include the whole of a cluster
network range: the pod network of the setting `network.pod-cidrs` and the ranges of the option
`cluster-cidrs` (default: the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16, where nearly
every distribution puts pods and Services, when `network.pod-cidrs` is not set).

## Why is this bad?
Whether an `ipBlock` matches pod traffic differs between network plugins: Calico matches pod IPs, Cilium
does not, and the Kubernetes documentation says ipBlocks should name addresses outside the cluster. A rule
such as "egress to 0.0.0.0/0" meant for the internet therefore also opens every pod of the cluster on some
clusters and not on others; the same manifests behave differently when the plugin changes.

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
        - ipBlock:
            cidr: 0.0.0.0/0
      ports:
        - port: 443
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
        - ipBlock:
            cidr: 0.0.0.0/0
            except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
      ports:
        - port: 443
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kcheck.analyzers.netpol.addresses import AddressRange, cidr_range, subtract
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


class ClusterOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    cluster_cidrs: list[str] | None = Field(
        None,
        alias="cluster-cidrs",
        description="The cluster's pod and Service ranges (default: network.pod-cidrs, else the private "
        "IPv4 ranges).",
    )

    @field_validator("cluster_cidrs")
    @classmethod
    def _cidrs(cls, values: list[str] | None) -> list[str] | None:
        for value in values or ():
            problem = cidr_range(value)
            if isinstance(problem, str):
                raise ValueError(problem)
        return values


RULE = RuleSpec(
    id="KC310",
    name="ip-block-covers-cluster-network",
    summary="An ipBlock that covers a whole cluster network range, where plugins disagree on matching pods.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=4.0,
    message="ipBlock {cidr} of NetworkPolicy {policy} covers the cluster range {covered}: whether it admits "
    "pods depends on the network plugin",
    remediation="Add the cluster ranges to `except`, and select pods with podSelector and namespaceSelector.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    options=ClusterOptions,
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
        "https://github.com/cilium/cilium/issues/9209",
    ),
)


def check(
    reach: Reachability, options: ClusterOptions | None = None
) -> Iterator[tuple[K8sObject, Violation]]:
    texts = (
        (options.cluster_cidrs if options else None)
        or list(reach.cluster.assumptions.pod_cidrs)
        or list(PRIVATE_RANGES)
    )
    ranges = [(text, r) for text in texts if isinstance(r := cidr_range(text), AddressRange)]
    for policy in reach.cluster.policies:
        for rule in (*policy.facts.ingress, *policy.facts.egress):
            for peer in rule.peers:
                if not peer.is_ip_block:
                    continue
                covered = [text for text, r in ranges if not subtract((r,), peer.blocks)]
                if covered:
                    args = {"cidr": peer.cidr, "policy": str(policy), "covered": ", ".join(covered)}
                    yield policy.obj, Violation((*peer.path, "ipBlock", "cidr"), args)
