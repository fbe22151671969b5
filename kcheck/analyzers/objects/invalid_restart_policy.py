"""## What it does
Checks the pod template's `restartPolicy` against what the API server accepts for the kind that owns it:

- a Job, or a CronJob's `jobTemplate`, must say `OnFailure` or `Never`. Left unset, the API server
  defaults a pod template's `restartPolicy` to `Always` first and then rejects the Job (`validateJobSpec`:
  "Required value: valid values: "OnFailure", "Never""), so an unset policy is reported too. With a
  `podFailurePolicy`, only `Never` is accepted;
- a Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController runs pods that must always be
  restarted: only `Always` (or unset, which defaults to it) is accepted.

A bare Pod may use any of the three policies and is not checked. The policy of a sidecar (an init
container's own `restartPolicy: Always`) is a different field and is not read here.

## Why is this bad?
`kubectl apply` fails with the whole object rejected; a Helm release or a GitOps sync stops at it. The
classic case is a Job written without `restartPolicy`, which reads as harmless and never gets created.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1.0
```
Use instead:
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1.0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.workloads import (
    CronJob,
    DaemonSet,
    Deployment,
    Job,
    JobSpec,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
)

RULE = RuleSpec(
    id="KC156",
    name="invalid-restart-policy",
    summary="A pod template whose `restartPolicy` the API server rejects for its kind.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message=(
        "{kind} {name!r} has restartPolicy {policy} in its pod template, which the API server rejects: {rule}"
    ),
    remediation=(
        "Set `restartPolicy: Never` or `OnFailure` in a Job's pod template, and `Always` (or nothing) in the "
        "pod template of a long-running workload."
    ),
    docs=__doc__ or "",
    applies_to=(*kinds.LONG_RUNNING_WORKLOADS, *kinds.BATCH_WORKLOADS),
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    replaces=("kube-linter:restart-policy", "kube-score:cronjob-restartpolicy"),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-template",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy",
    ),
)

JOB_RULE = "a Job's pods must use OnFailure or Never"
FAILURE_POLICY_RULE = "a Job with a podFailurePolicy must use Never"
LONG_RUNNING_RULE = "its pods must always be restarted (Always)"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    obj = workload.obj
    allowed: tuple[str, ...]
    if isinstance(obj, (Job, CronJob)) and _has_pod_failure_policy(obj):
        allowed, rule, remedy = ("Never",), FAILURE_POLICY_RULE, "Never"
    elif isinstance(obj, (Job, CronJob)):
        allowed, rule, remedy = ("OnFailure", "Never"), JOB_RULE, "Never"
    elif isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController)):
        allowed, rule, remedy = ("Always",), LONG_RUNNING_RULE, "Always"
    else:
        return  # a bare Pod may use any policy
    # The API server defaults an unset policy to Always before it validates the owner's spec.
    written = workload.spec.restart_policy
    if (written or "Always") in allowed:
        return
    path = workload.at("restartPolicy")
    shown = repr(written) if written else "Always (the default when unset)"
    fix = Fix(path, remedy, f"Set `restartPolicy: {remedy}`")
    yield Violation(path, {**workload.args, "policy": shown, "rule": rule}, fix=fix)


def _has_pod_failure_policy(obj: Job | CronJob) -> bool:
    spec: JobSpec | None
    if isinstance(obj, Job):
        spec = obj.spec
    else:
        template = obj.spec.job_template if obj.spec is not None else None
        spec = template.spec if template is not None else None
    # The policy's shape is not modelled (no rule reads it); whether it is set is all that matters here.
    return spec is not None and (spec.model_extra or {}).get("podFailurePolicy") is not None
