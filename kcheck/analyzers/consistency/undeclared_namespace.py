"""## What it does
Reports a namespace that objects of the input are placed in but that no Namespace object of the input
declares and that is not listed as known (option `known`: by default `default`, `kube-system`,
`kube-public` and `kube-node-lease`, which every cluster has). The finding is on the first object placed
there, in file order. Objects without a namespace go to the default namespace (`default-namespace`
setting).

Namespaces are often created outside the manifests (by the cluster's provisioning, or `kubectl create
namespace` in a pipeline), so the severity is `info` and the rule is in the `strict` profile.

## Why is this bad?
`kubectl apply` fails for every object of a namespace that does not exist yet (`namespaces "shop" not
found`), and a typo in a namespace name sends objects where their peers are not: Services, Secrets and
NetworkPolicies of the intended namespace then do not apply to them.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
```
Use instead:
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
```
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    known: list[str] = Field(
        default_factory=lambda: ["default", "kube-system", "kube-public", "kube-node-lease"],
        description="Namespaces that exist without a Namespace object in the input (glob patterns).",
    )


RULE = RuleSpec(
    id="KC221",
    name="undeclared-namespace",
    summary="Objects placed in a namespace that the input does not declare.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="{object} is in namespace {namespace}, which the input does not declare ({count} objects there)",
    remediation="Add the Namespace object, fix the namespace name, or list it in the option `known`.",
    docs=__doc__ or "",
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    options=Options,
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",),
)


def check(index: Index, options: Options) -> Iterator[tuple[K8sObject, Violation]]:
    for name, info in index.inventory.namespaces.items():
        if info.declared is not None or not info.objects:
            continue
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in options.known):
            continue
        first = info.objects[0]
        args = {"object": first.ref.display(), "namespace": name, "count": len(info.objects)}
        path = ("metadata", "namespace") if first.metadata.namespace else ("metadata",)
        yield first, Violation(path, args)
