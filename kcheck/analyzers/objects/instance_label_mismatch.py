"""## What it does
Checks workloads and Services whose `app.kubernetes.io/instance` label is set to something other than
their own `metadata.name`. Objects without the label, or named by `generateName` only, are not checked.

This rule is opt-in (the `strict` profile) because the most common tool sets the label otherwise on
purpose: Helm charts set `app.kubernetes.io/instance` to the release name (`{{ .Release.Name }}`) on every
object of the release, whose names add a suffix (`shop-web`, `shop-worker` for the release `shop`).
Enable it where the convention is one object per instance, named after it.

## Why is this bad?
Where the instance label is meant to name the object, a mismatch is a copy-paste leftover: the object was
duplicated from another one and kept its label, so every tool that groups by instance (dashboards,
`kubectl get -l`, cost reports) attributes it to the wrong instance.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-staging
  labels:
    app.kubernetes.io/instance: web-production
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
  name: web-staging
  labels:
    app.kubernetes.io/instance: web-staging
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
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

INSTANCE_LABEL = "app.kubernetes.io/instance"

RULE = RuleSpec(
    id="KC172",
    name="instance-label-mismatch",
    summary="A workload or Service whose `app.kubernetes.io/instance` label is not its own name.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="{kind} {name!r} has the label app.kubernetes.io/instance set to {instance!r}, not to its name",
    remediation="Set `app.kubernetes.io/instance` to the object's name.",
    docs=__doc__ or "",
    applies_to=(*kinds.WORKLOADS, *kinds.SERVICES),
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=("polaris:metadataAndInstanceMismatched",),
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/",),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    name, instance = obj.metadata.name, obj.metadata.labels.get(INSTANCE_LABEL)
    if name and instance is not None and instance != name:
        path = ("metadata", "labels", INSTANCE_LABEL)
        fix = Fix(path, name, f"Set `{INSTANCE_LABEL}: {name}`")
        yield Violation(path, {**object_args(obj), "instance": instance}, fix=fix)
