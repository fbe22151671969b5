"""## What it does
Checks namespaced objects whose `metadata.namespace` is `default`. Cluster-scoped kinds (Namespaces,
ClusterRoles, PersistentVolumes, ...) are not checked: the API server ignores a namespace on them.

Objects that set no namespace are not reported: most manifests leave it to the tool that deploys them
(`kustomize`'s `namespace:`, `helm install --namespace`, `kubectl apply -n`, an Argo CD Application's
destination), and only then is the namespace known. Only a manifest that writes `namespace: default`
itself is sure to land there.

This rule is opt-in (the `strict` profile): small clusters and examples use `default` on purpose.

## Why is this bad?
The `default` namespace is where everything lands that nobody placed: it mixes unrelated applications,
so RBAC bindings, NetworkPolicies, ResourceQuotas and LimitRanges written for one of them apply to all of
them, and a Pod Security admission level cannot be tuned per application. CIS Kubernetes Benchmark 5.7.4
asks that it not be used.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: default
data:
  LOG_LEVEL: info
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  LOG_LEVEL: info
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject
from kcheck.model.kinds import is_cluster_scoped_builtin

RULE = RuleSpec(
    id="KC168",
    name="default-namespace",
    summary="A namespaced object placed in the `default` namespace.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="{kind} {name!r} is in the default namespace",
    remediation=(
        "Put the object in a namespace of its application, or leave the namespace to the deploy tool."
    ),
    docs=__doc__ or "",
    precision=Precision.HIGH,
    profile=Profile.STRICT,
    replaces=("kube-linter:use-namespace", "checkov:CKV_K8S_21"),
    references=(
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if obj.metadata.namespace == "default" and not is_cluster_scoped_builtin(obj.group, obj.kind):
        yield Violation(("metadata", "namespace"), object_args(obj))
