"""## What it does
Checks `policy/v1` PodDisruptionBudgets that do not set `spec.unhealthyPodEvictionPolicy`. Left unset, the
policy is `IfHealthyBudget`. An explicit `IfHealthyBudget` is a choice and is not reported. The field is
honoured from Kubernetes 1.27 (beta, enabled by default; stable since 1.31).

## Why is this bad?
With `IfHealthyBudget`, a pod that is running but not ready (crash-looping, stuck failing its readiness
probe) may be evicted only while the budget is met by the other pods. When the application is already
broken, so that too few pods are healthy, its unhealthy pods can never be evicted: `kubectl drain` hangs
on them, and so do cluster upgrades and node scale-downs, although evicting a pod that serves nothing
cannot make the outage worse. `AlwaysAllow` lets such pods be evicted and keeps the budget's protection for
the healthy ones, which is what the Kubernetes documentation recommends.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
```
Use instead:
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {app: web}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.policy import PodDisruptionBudget

RULE = RuleSpec(
    id="KC162",
    name="pdb-unhealthy-pod-eviction-policy",
    summary=(
        "A PodDisruptionBudget without `unhealthyPodEvictionPolicy`: unhealthy pods can block node drains."
    ),
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message=(
        "{kind} {name!r} sets no unhealthyPodEvictionPolicy, so its crash-looping pods cannot be evicted "
        "while the budget is not met and node drains hang on them"
    ),
    remediation="Set `unhealthyPodEvictionPolicy: AlwaysAllow`.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.HIGH,
    replaces=("kube-linter:pdb-unhealthy-pod-eviction-policy",),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy",
    ),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, PodDisruptionBudget) or obj.api_version != "policy/v1" or obj.spec is None:
        return
    if obj.spec.unhealthy_pod_eviction_policy is None:
        path = ("spec", "unhealthyPodEvictionPolicy")
        fix = Fix(path, "AlwaysAllow", "Set `unhealthyPodEvictionPolicy: AlwaysAllow`")
        yield Violation(path, object_args(obj), fix=fix)
