"""## What it does
Checks pods and pod templates that set no `priorityClassName`. With the `allowed` option (a list of class
names), a `priorityClassName` outside the list is reported as well.

This rule is opt-in (the `strict` profile): priority classes pay off in clusters that run out of capacity
and define a scheme of classes; in a cluster without one, every pod has the same priority anyway.

## Why is this bad?
Without a class, a pod gets the cluster's `globalDefault` PriorityClass, or priority 0 when there is none,
like every other pod that did not choose. When nodes run out of resources, the scheduler preempts pods of
lower priority to place higher ones, and the kubelet weighs priority when it evicts pods under node
pressure: without a class, a critical service is as likely to be preempted or evicted as a batch job or a
developer's test deployment.

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
      priorityClassName: business-critical
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

    allowed: list[str] = Field(
        default=[],
        description="The priority classes pods may use; empty: any class, as long as one is set.",
    )


RULE = RuleSpec(
    id="KC165",
    name="missing-priority-class",
    summary="A pod template without a `priorityClassName` (or with one outside the `allowed` list).",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{kind} {name!r} {problem}",
    remediation="Set `priorityClassName` to the PriorityClass that says how important the workload is.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=("polaris:priorityClassNotSet", "kube-linter:priority-class-name"),
    references=("https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/",),
)

NOT_SET = "sets no priorityClassName, so its pods get the cluster's default priority"
NOT_ALLOWED = "uses priorityClassName {value!r}, which is not one of the allowed classes ({allowed})"


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    allowed = (options or Options()).allowed
    name = workload.spec.priority_class_name
    path = workload.at("priorityClassName")
    if not name:
        yield Violation(path, {**workload.args, "problem": NOT_SET})
    elif allowed and name not in allowed:
        problem = NOT_ALLOWED.format(value=name, allowed=", ".join(allowed))
        yield Violation(path, {**workload.args, "problem": problem})
