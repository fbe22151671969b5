"""## What it does
Checks workloads (Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
ReplicationControllers) and Services whose `metadata.labels` lack one of the `labels` option: by default
the two recommended labels that identify an application, `app.kubernetes.io/name` and
`app.kubernetes.io/instance`. One finding per object lists every missing label. Only the object's own
labels are read, not its pod template's.

This rule is opt-in (the `strict` profile): the recommended labels are a convention, not a requirement of
Kubernetes; to require labels of your own on every object, use `missing-required-label` (KC169).

## Why is this bad?
The `app.kubernetes.io/*` labels are how dashboards, `kubectl` plugins, cost tools and service meshes
group objects into applications without knowing each team's naming: `name` says what the application
is, `instance` which installation of it (two releases of the same chart). Without them, the objects of one
application cannot be selected together, and a Service's or workload's purpose has to be guessed from
its name.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
```
Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: web-production
spec:
  selector: {app: web}
  ports:
    - port: 80
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

NAME_LABEL = "app.kubernetes.io/name"
INSTANCE_LABEL = "app.kubernetes.io/instance"


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: list[str] = Field(
        default=[NAME_LABEL, INSTANCE_LABEL],
        description="The labels every workload and Service should carry.",
    )


RULE = RuleSpec(
    id="KC171",
    name="missing-recommended-labels",
    summary="A workload or Service without the recommended `app.kubernetes.io/name` and `instance` labels.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="{kind} {name!r} lacks the recommended labels {missing}",
    remediation="Add the `app.kubernetes.io/name` and `app.kubernetes.io/instance` labels.",
    docs=__doc__ or "",
    applies_to=(*kinds.WORKLOADS, *kinds.SERVICES),
    options=Options,
    precision=Precision.VERY_HIGH,
    profile=Profile.STRICT,
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/",),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    labels = obj.metadata.labels
    missing = [key for key in (options or Options()).labels if key not in labels]
    if missing:
        yield Violation(("metadata", "labels"), {**object_args(obj), "missing": ", ".join(missing)})
