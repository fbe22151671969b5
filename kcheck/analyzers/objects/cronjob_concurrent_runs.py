"""## What it does
Checks CronJobs whose `spec.concurrencyPolicy` is `Allow`, or unset (the API server's default is
`Allow`).

This rule is opt-in (the `strict` profile): many jobs are quick and idempotent, and overlapping runs never
happen or do no harm.

## Why is this bad?
With `Allow`, the controller starts the next run on schedule even while the previous one is still going.
A job that slows down (a larger table to back up, a slow dependency) then runs several copies at once:
they compete for the same rows, files or locks, do the work twice, and each slows the others further, so
runs pile up. `Forbid` skips a run while the previous one is active; `Replace` stops the previous one.

## Example
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: registry.example.com/backup:1.0
```
Use instead:
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: registry.example.com/backup:1.0
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
from kcheck.model.workloads import CronJob

RULE = RuleSpec(
    id="KC159",
    name="cronjob-concurrent-runs",
    summary=(
        "A CronJob that lets a run start while the previous one is still going (`concurrencyPolicy: Allow`)."
    ),
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{kind} {name!r} has concurrencyPolicy {policy}, so runs may overlap when one takes too long",
    remediation="Set `concurrencyPolicy: Forbid` (skip a run while one is active) or `Replace`.",
    docs=__doc__ or "",
    applies_to=kinds.builtin(kinds.CRON_JOB),
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy",),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, CronJob) or obj.spec is None:
        return
    policy = obj.spec.concurrency_policy
    if policy not in (None, "", "Allow"):
        return
    path = ("spec", "concurrencyPolicy")
    shown = "Allow" if policy else "Allow (the default when unset)"
    fix = Fix(path, "Forbid", "Set `concurrencyPolicy: Forbid`")
    yield Violation(path, {**object_args(obj), "policy": shown}, fix=fix)
