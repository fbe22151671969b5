"""## What it does
Checks Jobs that do not set `spec.ttlSecondsAfterFinished`. Not reported:

- Jobs that a deployment tool creates as a hook and deletes itself (an `helm.sh/hook` or
  `argocd.argoproj.io/hook` annotation: both tools delete the previous run before they create the next one
  by default, or as their `hook-delete-policy` says);
- the Jobs a CronJob creates: the CronJob's `successfulJobsHistoryLimit` (3 by default) and
  `failedJobsHistoryLimit` (1) already delete old runs. A `ttlSecondsAfterFinished` in a `jobTemplate` is
  not reported either, unlike kube-linter's check of the same name: the two mechanisms work together (the
  TTL controller deletes a finished Job when its TTL expires, the CronJob controller trims whatever is
  left beyond the limits), and a TTL shorter than the schedule is a common way to keep no finished run
  around at all.

## Why is this bad?
A finished Job, and its completed or failed pods, stay in the cluster until someone deletes them: they
pile up in the namespace, in every `kubectl get pods` and in whatever watches the API for pods. A Job with
a fixed name also cannot be applied again with a changed pod template (`spec.template` is immutable), so
the next release fails until the old Job is removed. With `ttlSecondsAfterFinished`, the
TTL-after-finished controller deletes the Job, and its pods with it, that long after it completes or fails.

## Example
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
Use instead:
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  ttlSecondsAfterFinished: 86400
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

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.workloads import Job

RULE = RuleSpec(
    id="KC157",
    name="job-without-ttl",
    summary="A Job without `ttlSecondsAfterFinished`: it and its pods stay after it finishes.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="{kind} {name!r} sets no ttlSecondsAfterFinished, so it and its pods are kept after it finishes",
    remediation="Set `spec.ttlSecondsAfterFinished` to how long a finished run should be kept.",
    docs=__doc__ or "",
    applies_to=kinds.builtin(kinds.JOB),
    precision=Precision.HIGH,
    replaces=("kube-linter:job-ttl-seconds-after-finished",),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/",),
)

# Annotations of the tools that delete the hook Jobs they create.
_HOOK_ANNOTATIONS = ("helm.sh/hook", "argocd.argoproj.io/hook")


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, Job) or obj.spec is None or obj.spec.ttl_seconds_after_finished is not None:
        return
    if any(key in obj.metadata.annotations for key in _HOOK_ANNOTATIONS):
        return
    yield Violation(("spec", "ttlSecondsAfterFinished"), object_args(obj))
