"""## What it does
Reports a pod template that uses a ConfigMap or Secret (through `env`, `envFrom`, a volume or a projected
volume) that the input does not define in its namespace, unless the reference is `optional: true`.
Referenced objects often live outside the repository (created by an operator, a secret manager or
another release), so the severity is `info`; the option `assume-existing` lists the ones that do.

## Why is this bad?
A pod that needs a missing ConfigMap or Secret does not start: `CreateContainerConfigError` for
environment variables, `ContainerCreating` for volumes, with the reason only in its events.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      envFrom:
        - configMapRef: {name: web-settings}
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  MODE: fast
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      envFrom:
        - configMapRef: {name: web-settings}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.analyzers.consistency.references import ReferenceOptions, assumed, resolved
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC210",
    name="config-reference-not-found",
    summary="A ConfigMap or Secret used by a pod template and not defined in the input.",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{workload} uses {kind} {name}, which the input does not define in namespace {namespace}",
    remediation="Add the object, mark the reference `optional: true`, or list it in the option "
    "`assume-existing`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    options=ReferenceOptions,
    replaces=("kube-linter:env-value-from",),
    references=("https://kubernetes.io/docs/concepts/configuration/configmap/#using-configmaps",),
)


def check(index: Index, options: ReferenceOptions) -> Iterator[tuple[K8sObject, Violation]]:
    for found in resolved(index):
        reference = found.reference
        if (
            found.found is not None
            or reference.optional
            or assumed(reference.kind, reference.name, options.assume_existing)
        ):
            continue
        args = {
            "workload": found.workload.display,
            "kind": reference.kind,
            "name": reference.name,
            "namespace": found.workload.namespace,
        }
        yield found.workload.obj, Violation(reference.path, args)
