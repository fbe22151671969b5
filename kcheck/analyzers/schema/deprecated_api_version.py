"""## What it does
Checks for objects whose `apiVersion` the target Kubernetes release (`--kubernetes-version`, by default
the newest bundled one) still serves, but a known later release stops serving. The message names that
release and the apiVersion to move to, the most stable one the target serves.

A removal is known when the bundled API data of a later release no longer has the version (with
`--kubernetes-version 1.33`, `admissionregistration.k8s.io/v1beta1` ValidatingAdmissionPolicy, which 1.34
removed), or, beyond the newest bundled release, from the deprecation policy for beta APIs: a beta version
introduced in 1.N is deprecated in 1.N+3 and stops being served in 1.N+6. That schedule is applied only to
a beta version the data saw introduced and that a more stable version of the same kind already replaces
in the target; every beta removal in the bundled data has kept to it. Once the removal release is the
target or earlier, the finding becomes `removed-api-version` (KC504).

A custom resource is deprecated when the CustomResourceDefinition that serves it (in the input, `--crd` or
the configuration's `crds`) marks its version `deprecated: true`; the message quotes the warning the API
server returns for it: the CRD's `deprecationWarning`, or by default the version it recommends instead
(the newest served version that is not deprecated).

## Why is this bad?
From the deprecation release on, the API server answers every request for the version with a warning
(`policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+`), and the upgrade to
the removal release breaks every apply of the manifest. Moving now, while both versions are served, is a
change of `apiVersion` that can be rolled out and rolled back safely; the API server converts stored
objects between versions by itself.

## Example
```yaml
apiVersion: resource.k8s.io/v1beta1
kind: DeviceClass
metadata:
  name: gpu.example.com
spec:
  selectors:
    - cel:
        expression: device.driver == "gpu.example.com"
```
Use instead:
```yaml
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu.example.com
spec:
  selectors:
    - cel:
        expression: device.driver == "gpu.example.com"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.analyzers.schema.api_versions import Basis, Status, Verdict, lifecycle
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC503",
    name="deprecated-api-version",
    summary="An apiVersion a later Kubernetes release stops serving.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="{api_version} {kind} is deprecated: {schedule}; {advice}",
    remediation="Change `apiVersion` to the replacement the message names before upgrading the cluster.",
    docs=__doc__ or "",
    precision=Precision.HIGH,
    replaces=("kube-score:stable-version",),
    references=(
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
        "https://github.com/kubernetes/enhancements/tree/master/keps/sig-architecture/1635-prevent-permabeta",
    ),
)


def _schedule(verdict: Verdict) -> str:
    if verdict.basis is Basis.POLICY:
        return (
            f"beta since Kubernetes {verdict.introduced_in}, it stops being served in {verdict.removed_in} "
            "under the deprecation policy for beta APIs"
        )
    return f"Kubernetes {verdict.removed_in} stops serving it"


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    if not obj.api_version or not obj.kind:
        return
    args = {"api_version": obj.api_version, "kind": obj.kind}
    verdict = lifecycle(obj.api_version, obj.kind, analysis.run.kubernetes_version)
    if verdict.status is Status.DEPRECATED:
        yield Violation(("apiVersion",), {**args, "schedule": _schedule(verdict), "advice": verdict.advice})
        return
    crds = analysis.run.catalog
    warning = crds.deprecation(obj.api_version, obj.kind) if crds is not None else None
    if warning is not None:
        schedule = "its CustomResourceDefinition marks the version deprecated"
        yield Violation(
            ("apiVersion",), {**args, "schedule": schedule, "advice": f'the API server warns "{warning}"'}
        )
