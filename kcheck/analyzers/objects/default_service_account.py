"""## What it does
Checks for pods and pod templates that run as their namespace's `default` ServiceAccount: neither
`serviceAccountName` nor the deprecated `serviceAccount` names another one (the API server's
ServiceAccount admission then sets `default`), or they name `default` outright. As the API server does,
`serviceAccountName` wins when both fields are set, and `serviceAccount` counts only when it is alone.

It also checks a ServiceAccount object named `default` that does not set
`automountServiceAccountToken: false`: every pod that runs as it without saying otherwise gets its token
(CIS Kubernetes Benchmark 5.1.5). Pods that set `automountServiceAccountToken: false` still run as the
ServiceAccount, and are still reported: the identity also carries its image pull secrets and whatever
RBAC bindings name it.

## Why is this bad?
Every pod of the namespace that names no ServiceAccount shares the `default` one, so the permissions one
workload needs end up granted to all of them, and an audit log cannot tell them apart. Give each workload
its own ServiceAccount with only the RBAC it needs, and keep the `default` one without permissions and
without a token.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
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
from kcheck.model.rbac import ServiceAccount
from kcheck.model.workloads import pod_template

RULE = RuleSpec(
    id="KC130",
    name="default-service-account",
    summary="A pod that runs as the namespace's `default` ServiceAccount, or a `default` ServiceAccount "
    "that hands out its token.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{kind} {name!r} {problem}",
    remediation="Create a ServiceAccount for the workload and set `serviceAccountName` to it; set "
    "`automountServiceAccountToken: false` on the `default` ServiceAccount.",
    docs=__doc__ or "",
    applies_to=(*kinds.WORKLOADS, *kinds.builtin("ServiceAccount")),
    profile=Profile.STRICT,
    precision=Precision.VERY_HIGH,
    security_severity=4.0,
    replaces=("kube-linter:default-service-account", "checkov:CKV_K8S_41"),
    references=(
        "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
)

DEFAULT = "default"
NOT_SET = "runs as the namespace's default ServiceAccount: serviceAccountName is not set"
NAMED = "runs as the namespace's default ServiceAccount: {field} is 'default'"
TOKEN = (
    "hands its token to every pod that runs as it: the default ServiceAccount does not set "
    "automountServiceAccountToken: false"
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if isinstance(obj, ServiceAccount):
        if obj.metadata.name == DEFAULT and obj.automount_service_account_token is not False:
            path = ("automountServiceAccountToken",)
            fix = Fix(path, False, "Set `automountServiceAccountToken: false`")
            yield Violation(path, {**object_args(obj), "problem": TOKEN}, fix=fix)
        return
    template = pod_template(obj)
    if template is None:
        return
    spec, args = template.spec, object_args(obj)
    # Convert_v1_PodSpec_To_core_PodSpec: the deprecated field counts only when serviceAccountName is empty.
    if spec.service_account_name:
        field, value = "serviceAccountName", spec.service_account_name
    elif spec.service_account:
        field, value = "serviceAccount", spec.service_account
    else:
        yield Violation((*template.path, "serviceAccountName"), {**args, "problem": NOT_SET})
        return
    if value == DEFAULT:
        yield Violation((*template.path, field), {**args, "problem": NAMED.format(field=field)})
