"""## What it does
Reports fields that the schema of the object's kind (in the target Kubernetes version, or in the
CustomResourceDefinition of a custom resource) does not have, as `kubectl apply` does with its default
`--validate=strict` (server-side field validation). Typos (`imagePullPolice`), fields at the wrong level,
and fields of another API version all show up here; where the mistake is a common one the message says
what to do, e.g. for container-only security settings (`privileged`, `capabilities`,
`readOnlyRootFilesystem`, `allowPrivilegeEscalation`, `procMount`) written in the pod's
`securityContext`. Fields under `x-kubernetes-preserve-unknown-fields` are free-form and
never reported; in a CRD's structural schema, `type: object` without properties has no fields at all
(the API server prunes whatever is written there).

## Why is this bad?
`kubectl apply` rejects the object. Other clients (Helm, GitOps controllers, `--validate=false`) get at
most a warning while the API server drops the field, so the setting never takes effect: a
`readOnlyRootFilesystem: true` at pod level leaves every container's root filesystem writable while the
manifest looks hardened.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
    readOnlyRootFilesystem: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        limits: {cpu: 500m, memory: 256Mi}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      securityContext:
        readOnlyRootFilesystem: true
      resources:
        limits: {cpu: 500m, memory: 256Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC502",
    name="unknown-field",
    summary="A field the Kubernetes API does not know for this kind and version.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{problem}",
    remediation="Fix the field's name or level, or remove it; check the API reference of the target version.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    references=(
        "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ),
    profile=Profile.MINIMAL,
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    for problem in analysis.problems or ():
        if problem.unknown_field:
            yield Violation(problem.path, {"problem": problem.message})
