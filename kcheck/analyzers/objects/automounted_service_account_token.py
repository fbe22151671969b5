"""## What it does
Checks for pods and pod templates that do not set `automountServiceAccountToken: false`.

When the pod leaves the field unset, the ServiceAccount's own `automountServiceAccountToken` decides, and
it defaults to true. This rule reads one object at a time, so it cannot see a ServiceAccount that sets
false in another file or in the cluster: such a pod is reported all the same, and setting the field on
the pod itself is what makes the manifest say what it does. ServiceAccount objects are not reported
here: most of them belong to workloads that do call the API. The namespace's `default` ServiceAccount is
the exception, and `default-service-account` (KC130) reports it.

## Why is this bad?
With the token mounted, every process in every container of the pod can call the Kubernetes API as the
pod's ServiceAccount, and anyone who gets code running in the container gets those permissions with it.
Most applications never call the API, so the token is only something to steal. Opt out on the pod, and
opt in (or mount a projected token with its own audience and lifetime) only where the API is needed.

## Example
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
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  serviceAccountName: web
  automountServiceAccountToken: false
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC129",
    name="automounted-service-account-token",
    summary="A pod that gets a Kubernetes API token mounted (`automountServiceAccountToken` is not false).",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{kind} {name!r} gets its ServiceAccount's API token mounted in every container: {reason}",
    remediation="Set `automountServiceAccountToken: false` in the pod spec unless the pod calls the "
    "Kubernetes API.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    profile=Profile.STRICT,
    # A ServiceAccount written elsewhere may set false; the pod then gets no token.
    precision=Precision.MEDIUM,
    security_severity=4.5,
    replaces=("polaris:automountServiceAccountToken", "checkov:CKV_K8S_38"),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
        "https://kubernetes.io/docs/concepts/security/service-accounts/",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
)

UNSET = "automountServiceAccountToken is not set, and the ServiceAccount's setting defaults to true"
TRUE = "automountServiceAccountToken is true"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    automount = workload.spec.automount_service_account_token
    if automount is False:
        return
    path = workload.at("automountServiceAccountToken")
    args = {**workload.args, "reason": UNSET if automount is None else TRUE}
    yield Violation(path, args, fix=Fix(path, False, "Set `automountServiceAccountToken: false`"))
