"""## What it does
Checks PodDisruptionBudgets that can never allow a voluntary eviction, whatever the number of pods:
`maxUnavailable: 0` (or `"0%"`), or `minAvailable: "100%"`.

A `minAvailable` given as a number, or as a percentage below 100%, is not checked here: whether it blocks
every eviction depends on the number of pods it selects (the disruption controller rounds a percentage
up, so `"90%"` of 5 pods is all 5), which another object decides.

## Why is this bad?
The eviction API refuses to evict any pod the budget selects, so `kubectl drain` (and every cluster
upgrade, node autoscaler scale-down or node auto-repair that drains nodes) waits on those pods forever, or
until an operator deletes the budget or the pods by hand. The budget was meant to keep the workload
available during such disruptions; it ends up preventing the maintenance instead. `maxUnavailable: 1`
(or a `minAvailable` below the replica count) keeps the workload serving and lets drains proceed one pod at
a time.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 0
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
from kcheck.kube.intstr import scaled_value
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.policy import PodDisruptionBudget

RULE = RuleSpec(
    id="KC161",
    name="pdb-blocks-eviction",
    summary="A PodDisruptionBudget that never allows an eviction, so node drains hang.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message=(
        "{kind} {name!r} has {field}: {value}, so no pod it selects can ever be evicted and node drains hang"
    ),
    remediation=(
        "Allow at least one disruption: `maxUnavailable: 1`, or a `minAvailable` below the replica count."
    ),
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.VERY_HIGH,
    replaces=(
        "kube-linter:pdb-max-unavailable",
        "polaris:pdbDisruptionsIsZero",
        "kube-linter:pdb-min-available",
    ),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors",
        "https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/",
    ),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, PodDisruptionBudget) or obj.spec is None:
        return
    args = object_args(obj)
    max_unavailable, min_available = obj.spec.max_unavailable, obj.spec.min_available
    # As a percentage of 100 pods, "0%" is 0 and "100%" is 100: so for any number of pods.
    if max_unavailable is not None and scaled_value(max_unavailable, 100, round_up=True) == 0:
        path = ("spec", "maxUnavailable")
        fix = Fix(path, 1, "Set `maxUnavailable: 1`")
        yield Violation(path, {**args, "field": "maxUnavailable", "value": _shown(max_unavailable)}, fix=fix)
    if isinstance(min_available, str) and scaled_value(min_available, 100, round_up=True) == 100:
        yield Violation(
            ("spec", "minAvailable"), {**args, "field": "minAvailable", "value": _shown(min_available)}
        )


def _shown(value: int | str) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)
