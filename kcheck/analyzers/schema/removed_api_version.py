"""## What it does
Checks for objects whose `apiVersion` the target Kubernetes release (`--kubernetes-version`, by default
the newest bundled one) no longer serves, because an earlier release removed it: `extensions/v1beta1` and
`apps/v1beta1`/`v1beta2` workloads (gone in 1.16), the `v1beta1` Ingress, RBAC, CRD, webhook and storage
APIs (1.22), `batch/v1beta1` CronJob, `policy/v1beta1` PodDisruptionBudget and PodSecurityPolicy,
`autoscaling/v2beta1` (1.25), `autoscaling/v2beta2` (1.26), the flow-control betas (1.26, 1.29, 1.32), and
every alpha or beta version a release from 1.25 on stopped serving. The message names the release that
removed it and the apiVersion to use instead, the most stable one the target serves.

Removals from 1.25 on come from the bundled API data of every release; earlier ones from the Kubernetes
Deprecated API Migration Guide.

## Why is this bad?
The API server rejects the object (`no matches for kind "CronJob" in version "batch/v1beta1"`), so the
apply fails, and with it every deployment from this repository once the cluster is upgraded. Moving to the
replacement is usually a change of `apiVersion` alone; the Migration Guide lists the few fields that were
renamed or whose defaults changed (Ingress backends, the HorizontalPodAutoscaler metrics).

## Example
```yaml
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
          containers:
            - name: report
              image: registry.example.com/report:2.1.0
              resources:
                requests: {cpu: 100m, memory: 128Mi}
                limits: {memory: 128Mi}
```
Use instead:
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
          containers:
            - name: report
              image: registry.example.com/report:2.1.0
              resources:
                requests: {cpu: 100m, memory: 128Mi}
                limits: {memory: 128Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.analyzers.schema.api_versions import Status, lifecycle
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC504",
    name="removed-api-version",
    summary="An apiVersion the target Kubernetes release no longer serves.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message=(
        "{api_version} {kind} is not served by Kubernetes {target}: it was removed in {removed_in}; {advice}"
    ),
    remediation="Change `apiVersion` to the replacement the message names, then adjust the renamed fields.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    replaces=("kube-linter:no-extensions-v1beta", "kube-score:stable-version"),
    references=(
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
    ),
    profile=Profile.MINIMAL,
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    if not obj.api_version or not obj.kind:
        return
    target = analysis.run.kubernetes_version
    verdict = lifecycle(obj.api_version, obj.kind, target)
    if verdict.status is Status.REMOVED:
        args = {
            "api_version": obj.api_version,
            "kind": obj.kind,
            "target": target,
            "removed_in": verdict.removed_in,
            "advice": verdict.advice,
        }
        yield Violation(("apiVersion",), args)
