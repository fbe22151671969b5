"""## What it does
Checks `policy/v1` PodDisruptionBudgets that set neither `minAvailable` nor `maxUnavailable`.

The API server accepts such a budget (it only rejects one that sets both) and, in `policy/v1`, defaults
neither field. The disruption controller then wants no pod to stay healthy (`desiredHealthy` is 0), so
every selected pod may be evicted at once: the budget protects nothing. The removed `policy/v1beta1`
defaulted `minAvailable` to 1 and is not checked (`removed-api-version`, KC504, reports it).

## Why is this bad?
The budget looks like protection during node drains and cluster upgrades, and it gives none: a drain of
the nodes that host the workload evicts all of its pods together. Whoever wrote it most likely meant one of
the two fields.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
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
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.policy import PodDisruptionBudget

RULE = RuleSpec(
    id="KC160",
    name="pdb-without-policy",
    summary=(
        "A PodDisruptionBudget with neither `minAvailable` nor `maxUnavailable`: it allows every eviction."
    ),
    severity=Severity.ERROR,
    category=Category.RELIABILITY,
    message=(
        "{kind} {name!r} sets neither minAvailable nor maxUnavailable, so it lets every pod be evicted at "
        "once"
    ),
    remediation="Set `maxUnavailable` (or `minAvailable`) to what the application tolerates.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.VERY_HIGH,
    replaces=("kube-score:poddisruptionbudget-has-policy",),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
    ),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, PodDisruptionBudget) or obj.api_version != "policy/v1" or obj.spec is None:
        return
    if obj.spec.min_available is None and obj.spec.max_unavailable is None:
        path = ("spec", "maxUnavailable")
        yield Violation(path, object_args(obj), fix=Fix(path, 1, "Set `maxUnavailable: 1`"))
