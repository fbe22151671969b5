"""## What it does
Checks pods and pod templates that resolve names through the cluster DNS (`dnsPolicy` unset or
`ClusterFirst` without `hostNetwork`, or `ClusterFirstWithHostNet`) and do not set each resolver option
of the `options` option (by default `ndots`) in `dnsConfig.options`. Not checked: pods with
`dnsPolicy: Default` (they use the node's resolver configuration) or `None` (their `dnsConfig` is all
they get), `hostNetwork` pods with `ClusterFirst` (which the kubelet treats as `Default`), and Windows
pods (Windows resolves every name that contains a dot as fully qualified, so `ndots` does not apply).

This rule is opt-in (the `strict` profile): the cost is latency and DNS load, and many workloads only
resolve in-cluster names, for which the default is right.

## Why is this bad?
The kubelet writes `options ndots:5` and three or more search domains into the pod's `resolv.conf`. A name
with fewer than five dots, which is nearly every external name (`api.example.com`), is then first tried
with each search domain appended, and each of those queries fails before the real one is sent: three or
more wasted round trips (twice that with IPv6 `AAAA` lookups) on every uncached lookup, and as much
extra load on the cluster DNS. Setting `ndots` (2 is common) or writing external names with a trailing dot
avoids it.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      dnsConfig:
        options:
          - name: ndots
            value: "2"
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    options: list[str] = Field(
        default=["ndots"],
        description="The resolver options (`ndots`, `timeout`, `attempts`, ...) every pod should set.",
    )


RULE = RuleSpec(
    id="KC173",
    name="missing-dns-config-options",
    summary="A pod template that keeps the cluster's default resolver options (`ndots:5`).",
    severity=Severity.INFO,
    category=Category.EFFICIENCY,
    message="{kind} {name!r} does not set the resolver option {option!r} in dnsConfig.options",
    remediation='Add the option to `dnsConfig.options`, e.g. `{name: ndots, value: "2"}`.',
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=("kube-linter:dnsconfig-options",),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config",
        "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    if workload.windows or not _uses_cluster_dns(workload):
        return
    config = workload.spec.dns_config
    written = {option.name for option in config.options} if config is not None else set()
    for name in (options or Options()).options:
        if name not in written:
            yield Violation(workload.at("dnsConfig", "options"), {**workload.args, "option": name})


def _uses_cluster_dns(workload: WorkloadView) -> bool:
    policy = workload.spec.dns_policy or "ClusterFirst"
    if policy == "ClusterFirst":
        return not workload.spec.host_network
    return policy == "ClusterFirstWithHostNet"
