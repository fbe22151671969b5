"""## What it does
Checks for pods and pod templates that set the deprecated `serviceAccount` field, an alias of
`serviceAccountName` kept for the v1 API, in two cases:

- `serviceAccount` alone: the pod runs as it, but under a name that tools and readers miss. The fix
  writes the same name into `serviceAccountName`.
- both fields, with different names: the API server uses `serviceAccountName` and ignores
  `serviceAccount` (Convert_v1_PodSpec_To_core_PodSpec), so the pod does not run as the ServiceAccount
  the deprecated field names.

Both fields set to the same name is not reported: that is how the API server writes every pod it
returns (`kubectl get -o yaml`), and it changes nothing.

## Why is this bad?
`serviceAccount` has been deprecated since the v1 API; editors, policies and other linters read
`serviceAccountName` only, so a pod that names its ServiceAccount through the old field looks like it runs
as `default` to all of them. When the two fields disagree, one of them is a mistake: whoever edited
`serviceAccount` expected the pod to run as that account, and it does not.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  serviceAccount: web
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  serviceAccountName: web
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC131",
    name="deprecated-service-account-field",
    summary="A pod that names its ServiceAccount through the deprecated `serviceAccount` field.",
    severity=Severity.WARNING,
    category=Category.HYGIENE,
    message="{kind} {name!r} sets the deprecated serviceAccount field to {account!r}: {problem}",
    remediation="Set `serviceAccountName` instead of `serviceAccount`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    replaces=("kube-linter:deprecated-service-account-field",),
    references=(
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
    ),
)

ALONE = "set serviceAccountName instead"
IGNORED = "the API server uses serviceAccountName {used!r} and ignores it"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    spec = workload.spec
    deprecated, name = spec.service_account, spec.service_account_name
    if not deprecated:
        return
    path = workload.at("serviceAccount")
    args = {**workload.args, "account": deprecated}
    if not name:
        target = workload.at("serviceAccountName")
        fix = Fix(target, deprecated, f"Set `serviceAccountName: {deprecated}`")
        yield Violation(path, {**args, "problem": ALONE}, fix=fix)
    elif name != deprecated:
        yield Violation(path, {**args, "problem": IGNORED.format(used=name)})
