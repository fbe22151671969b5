"""## What it does
Checks Deployments whose `strategy.type` is `Recreate`, and StatefulSets and DaemonSets whose
`updateStrategy.type` is `OnDelete`. An unset type is `RollingUpdate` (the API server's default), except
in two removed API versions whose default was `OnDelete`: DaemonSets of `extensions/v1beta1` and
StatefulSets of `apps/v1beta1`; those are reported too.

This rule is opt-in (the `strict` profile): both strategies have legitimate uses. `Recreate` is what a
Deployment needs when two versions must never run side by side (a schema migration, a `ReadWriteOnce`
volume that only one node can mount), and `OnDelete` lets an operator roll a StatefulSet or DaemonSet by
hand, one node or one member at a time.

## Why is this bad?
`Recreate` stops every old pod before it starts any new one, so each rollout is an outage that lasts until
the new pods are ready, and a new version that fails to start leaves nothing running. `OnDelete` changes
the template without updating any pod: the new version reaches each pod only when someone, or an
eviction, deletes it, so pods run mixed versions for as long as nobody looks.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    type: Recreate
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
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
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
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.workloads import DaemonSet, Deployment, StatefulSet, UpdateStrategy

RULE = RuleSpec(
    id="KC155",
    name="non-rolling-update-strategy",
    summary="A Deployment that updates by `Recreate`, or a StatefulSet or DaemonSet by `OnDelete`.",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{kind} {name!r} uses the {strategy} update strategy: {consequence}",
    remediation="Use the `RollingUpdate` strategy, unless two versions must never run at the same time.",
    docs=__doc__ or "",
    applies_to=kinds.builtin(kinds.DEPLOYMENT, kinds.STATEFUL_SET, kinds.DAEMON_SET),
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=("kube-linter:no-rolling-update-strategy", "kube-score:deployment-strategy"),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies",
        "https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/",
    ),
)

RECREATE = "every pod stops before the new ones start, so each rollout is an outage"
ON_DELETE = "pods keep the old template until each is deleted by hand"
# The removed API versions whose default update strategy was OnDelete.
_ON_DELETE_DEFAULTS = {("extensions/v1beta1", "DaemonSet"), ("apps/v1beta1", "StatefulSet")}


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    strategy: UpdateStrategy | None
    if isinstance(obj, Deployment):
        strategy = obj.spec.strategy if obj.spec is not None else None
        key, bad, consequence = "strategy", "Recreate", RECREATE
    elif isinstance(obj, (StatefulSet, DaemonSet)):
        strategy = obj.spec.update_strategy if obj.spec is not None else None
        key, bad, consequence = "updateStrategy", "OnDelete", ON_DELETE
    else:
        return
    written = strategy.type if strategy is not None else None
    default = "OnDelete" if (obj.api_version, obj.kind) in _ON_DELETE_DEFAULTS else "RollingUpdate"
    if (written or default) != bad:
        return
    shown = bad if written else f"{bad} (the default of {obj.api_version})"
    yield Violation(
        ("spec", key, "type"), {**object_args(obj), "strategy": shown, "consequence": consequence}
    )
