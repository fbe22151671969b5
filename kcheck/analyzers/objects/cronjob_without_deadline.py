"""## What it does
Checks CronJobs that do not set `spec.startingDeadlineSeconds`.

## Why is this bad?
The deadline bounds how late a scheduled run may still start. Without one, a run the CronJob controller
missed (while it was down or overloaded, while the CronJob was suspended, or, with `concurrencyPolicy:
Forbid`, while the previous run was still going) is started whenever the controller gets to it: a nightly
backup or report meant for 03:00 runs at noon, in the middle of the traffic it was scheduled to avoid, and
right after `suspend: false` the most recent missed run starts at once. The controller also counts every
schedule missed since the last run; past 100 it records a `TooManyMissedTimes` warning (the legacy
controller, the default before Kubernetes 1.21, stopped scheduling the CronJob altogether), and a deadline
limits that count to the schedules inside it.

A deadline of less than 10 seconds is no remedy: the Kubernetes documentation warns that such a CronJob
may not be scheduled at all.

## Example
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 3 * * *"
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
  schedule: "0 3 * * *"
  startingDeadlineSeconds: 3600
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
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.workloads import CronJob

RULE = RuleSpec(
    id="KC158",
    name="cronjob-without-deadline",
    summary="A CronJob without `startingDeadlineSeconds`: a missed run starts however late it is.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{kind} {name!r} sets no startingDeadlineSeconds, so a missed run starts however late it is",
    remediation="Set `spec.startingDeadlineSeconds` to how late a run may still usefully start.",
    docs=__doc__ or "",
    applies_to=kinds.builtin(kinds.CRON_JOB),
    precision=Precision.HIGH,
    replaces=("kube-score:cronjob-has-deadline",),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation",
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#cron-job-limitations",
    ),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if isinstance(obj, CronJob) and obj.spec is not None and obj.spec.starting_deadline_seconds is None:
        yield Violation(("spec", "startingDeadlineSeconds"), object_args(obj))
