"""## What it does
Reports an object that a workload, a claim or an Ingress names and that the input does not define: a pod's
ServiceAccount (other than `default`), image pull Secrets, PersistentVolumeClaims (those a StatefulSet's
claim templates create excepted), PriorityClass (the built-in `system-*` ones excepted) and RuntimeClass; a
claim's (or claim template's) StorageClass; an Ingress's IngressClass and TLS Secrets. Namespaced objects
are looked up in the referrer's namespace, cluster-scoped ones anywhere in the input.

Such objects are often created outside the repository (by the cluster's installer, an operator, a secret
manager), so the severity is `info` and the rule is in the `strict` profile; the option `assume-existing`
lists the ones that are.

## Why is this bad?
Pods naming a missing ServiceAccount are rejected (`error looking up service account`); a missing claim,
pull Secret or RuntimeClass leaves them pending or failing to start; a claim with a missing StorageClass is
never bound; an Ingress with a missing IngressClass is ignored by every controller.

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
kind: ServiceAccount
metadata:
  name: web
---
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

from kcheck.analyzers.consistency.facts import ObjectReference
from kcheck.analyzers.consistency.index import Index
from kcheck.analyzers.consistency.ingress_references import ingress_references
from kcheck.analyzers.consistency.references import ReferenceOptions, assumed
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Ingress

RULE = RuleSpec(
    id="KC216",
    name="object-reference-not-found",
    summary="A ServiceAccount, claim, pull Secret, class or TLS Secret named and not defined in the input.",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{source} uses {kind} {name}, which the input does not define{where}",
    remediation="Add the object, fix the name, or list it in the option `assume-existing`.",
    docs=__doc__ or "",
    applies_to=(*kinds.WORKLOADS, *kinds.INGRESSES, *kinds.builtin("PersistentVolumeClaim")),
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    options=ReferenceOptions,
    replaces=("kube-linter:non-existent-service-account",),
    references=("https://kubernetes.io/docs/concepts/security/service-accounts/",),
)


def check(index: Index, options: ReferenceOptions) -> Iterator[tuple[K8sObject, Violation]]:
    for namespace, workloads in index.workloads.items():
        for workload in workloads:
            yield from _missing(
                index, workload.obj, workload.display, namespace, workload.facts.objects, options
            )
    for claim, namespace, facts in index.claims:
        source = f"PersistentVolumeClaim {claim.metadata.name}"
        yield from _missing(index, claim, source, namespace, facts.references, options)
    inventory = index.inventory
    for group, kind in kinds.INGRESSES:
        for ingress in inventory.of_kind(group, kind):
            if isinstance(ingress, Ingress):
                namespace = inventory.namespace_of(ingress) or inventory.default_namespace
                source = f"Ingress {ingress.metadata.name}"
                yield from _missing(
                    index, ingress, source, namespace, tuple(ingress_references(ingress)), options
                )


def _missing(
    index: Index,
    obj: K8sObject,
    source: str,
    namespace: str,
    references: tuple[ObjectReference, ...],
    options: ReferenceOptions,
) -> Iterator[tuple[K8sObject, Violation]]:
    for reference in references:
        scope = namespace if reference.namespaced else None
        if index.find(scope, reference.group, reference.kind, reference.name, obj.file_path) is not None:
            continue
        if assumed(reference.kind, reference.name, options.assume_existing):
            continue
        args = {
            "source": source,
            "kind": reference.kind,
            "name": reference.name,
            "where": f" in namespace {namespace}" if reference.namespaced else "",
        }
        yield obj, Violation(reference.path, args)
