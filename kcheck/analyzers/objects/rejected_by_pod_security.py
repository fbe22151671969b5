"""## What it does
Checks each workload against the Pod Security level its namespace enforces, as the `PodSecurity` admission
plugin will when its pods are created: the namespace's `pod-security.kubernetes.io/enforce` label (a
Namespace object anywhere in the input; objects without a namespace go to the `default-namespace`
setting) picks `baseline` or `restricted`, and `pod-security.kubernetes.io/enforce-version` the version of
the checks (`latest`, or `v1.X`: a version newer than the target Kubernetes version is the target's). It
reports one finding per workload, at its first forbidden field, naming every failed control, with the
namespace's label as a related location.

As upstream (`PolicyToEvaluate`): an enforce level that is not `privileged`, `baseline` or `restricted` is
taken as `restricted`, and a version that is not `latest` or `v1.X` as `latest`. A namespace without the
label gets the option `default-level`, what the cluster's admission configuration sets (`privileged` in
Kubernetes by default). Exemptions configured in the cluster (usernames, runtime classes, namespaces) are
not known offline: they are not applied. Only `enforce` is checked; `warn` and `audit` never reject.

For a Pod the API server rejects the object itself; for a workload resource (Deployment, Job, ...) the
object is accepted but every pod its controller creates is rejected, so nothing runs.

## Why is this bad?
A manifest that passes review and CI but whose pods the cluster refuses is found out only after the
deployment, as a ReplicaSet stuck on `FailedCreate` events. The namespace's label is usually in another
file, often another directory, from the workload: kcheck reads both.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      hostNetwork: true
      containers:
        - name: api
          image: registry.example.com/api:1.2.0
```
Use instead:
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.2.0
```
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects import pss
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.context import PSS_LABEL_PREFIX
from kcheck.model import kinds
from kcheck.model.workloads import Pod

ENFORCE_LABEL = f"{PSS_LABEL_PREFIX}enforce"
ENFORCE_VERSION_LABEL = f"{PSS_LABEL_PREFIX}enforce-version"
_LEVELS = ("privileged", "baseline", "restricted")
_VERSION = re.compile(r"v1\.([0-9]|[1-9][0-9]*)\Z")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    default_level: Literal["privileged", "baseline", "restricted"] = Field(
        "privileged",
        alias="default-level",
        description="The level enforced in namespaces without the label: the `defaults.enforce` of the "
        "cluster's PodSecurity admission configuration.",
    )


RULE = RuleSpec(
    id="KC199",
    name="rejected-by-pod-security",
    summary="A workload whose pods the Pod Security level enforced in its namespace will reject.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} {outcome} in namespace {namespace!r}, which enforces Pod Security "
    "{level} at version {version}: {failures}",
    remediation="Change the fields each failed control names, or run the workload in a namespace whose "
    "level allows it.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    context = workload.context
    namespace = workload.obj.metadata.namespace or context.default_namespace
    declared = context.namespaces.get(namespace)
    labels = declared.labels if declared is not None else {}
    written = labels.get(ENFORCE_LABEL, (options or Options()).default_level)
    level = written if written in _LEVELS else "restricted"  # fail closed, as the admission plugin does
    if level == "privileged":
        return
    version, shown = _version(labels.get(ENFORCE_VERSION_LABEL), context.kubernetes_version)
    at_version = dataclasses.replace(context, kubernetes_version=version)
    failures = pss.evaluate(dataclasses.replace(workload, context=at_version), level)
    if not failures:
        return
    by_control: dict[str, list[str]] = {}
    for failure in failures:
        by_control.setdefault(failure.control, []).append(failure.detail)
    listed = "; ".join(f"{control} ({', '.join(details)})" for control, details in by_control.items())
    outcome = "will be rejected" if isinstance(workload.obj, Pod) else "will have its pods rejected"
    related: tuple[RelatedViolation, ...] = ()
    if declared is not None and ENFORCE_LABEL in labels:
        path = ("metadata", "labels", ENFORCE_LABEL)
        related = (RelatedViolation(declared, path, f"namespace {namespace!r} enforces {level}"),)
    args = {
        **workload.args,
        "outcome": outcome,
        "namespace": namespace,
        "level": level if level == written else f"{level} (the label's {written!r} is no level)",
        "version": shown,
        "failures": listed,
    }
    yield Violation(failures[0].path, args, related)


def _version(label: str | None, target: str) -> tuple[str, str]:
    """(the version whose checks apply, as "1.X"; as the message shows it: "latest" or "v1.X")."""
    match = _VERSION.match(label or "")
    if match is None:  # unset, "latest" or unreadable: the newest checks, the cluster's
        return target, "latest"
    minor = min(int(match.group(1)), pss.minor(target))
    return f"1.{minor}", f"v1.{match.group(1)}"
