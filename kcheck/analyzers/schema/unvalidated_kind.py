"""## What it does
Reports every group/version/kind of the input that kcheck could not validate because it has no schema for
it: neither a built-in kind of the target Kubernetes release (`--kubernetes-version`, by default the newest
bundled one) nor a kind that a CustomResourceDefinition serves — one of the input, of a `--crd PATH` file
or directory, or of the configuration's `crds`. Nothing is skipped silently: one finding per
group/version/kind, at its first object, with the other objects of that kind attached as related
locations. The message says why there is no schema and what to do:

- a custom resource without a definition: provide its CustomResourceDefinition;
- a custom resource in a version its CustomResourceDefinition does not serve: the versions it serves;
- a kind of a Kubernetes API group that the target does not serve in that version: the apiVersion that
  serves it (`v1` Deployment is `apps/v1`), the release that introduced it, what became of a kind the
  group no longer has (`policy/v1` PodSecurityPolicy), or the kind the name is closest to (`Deploymnet`).

An apiVersion that an earlier release removed is `removed-api-version` (KC504), not this rule.

The default severity is `warning`: like kubeconform and kubectl-validate, which fail on a missing schema,
kcheck treats a manifest it could not check as something to fix, not to pass. To accept custom resources
without their definitions, lower the rule's severity to `info` in the configuration (it is then reported
but does not fail the run), or ignore it for the paths that hold them.

## Why is this bad?
Every check that the schema makes — unknown fields, wrong types, missing required fields — silently did
not happen for these objects, and the API server will make it at apply time. A misspelt kind or a kind
under the wrong apiVersion is rejected outright (`no matches for kind "Deploymnet" in version "apps/v1"`).

## Example
```yaml
apiVersion: apps/v1
kind: Deploymnet
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 128Mi}
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 128Mi}
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from kcheck.analyzers.schema import store
from kcheck.analyzers.schema.analysis import SchemaRun
from kcheck.analyzers.schema.api_versions import (
    Status,
    Verdict,
    builtin_groups,
    group_of,
    kinds_of_group,
    known_versions,
    lifecycle,
    serving,
    version_of,
    version_priority,
)
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.inventory import Inventory
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC505",
    name="unvalidated-kind",
    summary="Objects of a group/version/kind that kcheck has no schema for, so they were not validated.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="{api_version} {kind} was not validated ({objects}): {reason}; {fix}",
    remediation="Provide the CustomResourceDefinition of a custom resource, or fix its apiVersion and kind.",
    docs=__doc__ or "",
    precision=Precision.HIGH,
    references=(
        "https://kubernetes.io/docs/reference/using-api/#api-groups",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/",
    ),
)

_KIND = ("kind",)


def check(
    run: SchemaRun, inventory: Inventory, options: None = None
) -> Iterator[tuple[K8sObject, Violation]]:
    target = run.kubernetes_version
    by_kind: dict[tuple[str, str], list[K8sObject]] = {}
    for obj in inventory.objects:
        # Without both, the object is malformed (KC002), not of an unknown kind.
        if obj.api_version and obj.kind:
            by_kind.setdefault((obj.api_version, obj.kind), []).append(obj)
    for (api_version, kind), objects in by_kind.items():
        if store.has_schema(target, api_version, kind):
            continue
        if run.catalog is not None and run.catalog.serves(api_version, kind):
            continue  # its CustomResourceDefinition's schema applies
        verdict = lifecycle(api_version, kind, target)
        if verdict.status is Status.REMOVED:
            continue  # removed-api-version says more
        reason, fix = _explain(api_version, kind, run, verdict)
        first, *others = objects
        count = f"{len(objects)} object{'s' if len(objects) > 1 else ''}"
        related = tuple(
            RelatedViolation(obj, _KIND, f"also {api_version} {kind}, not validated") for obj in others
        )
        args = {"api_version": api_version, "kind": kind, "objects": count, "reason": reason, "fix": fix}
        yield first, Violation(_KIND, args, related)


def _explain(api_version: str, kind: str, run: SchemaRun, verdict: Verdict) -> tuple[str, str]:
    """(why there is no schema, what to do)."""
    target = run.kubernetes_version
    group = group_of(api_version)
    crds = run.catalog
    if crds is not None and crds.defines(group, kind):
        served = [f"{group}/{version}" for version in crds.served_versions(group, kind)]
        reason = f"the CustomResourceDefinition of {group} {kind} does not serve {version_of(api_version)}"
        if not served:
            return reason, "it serves no version at all: set `served: true` on one of its versions"
        return reason, f"use apiVersion {' or '.join(served)}, or serve this version in the CRD"
    if verdict.status is Status.FUTURE:
        reason = f"Kubernetes {target} does not serve it yet ({verdict.introduced_in} introduced it)"
        later = "target a later release with --kubernetes-version"
        # An alpha version is off unless the cluster enables it: no advice to move to one.
        if verdict.replacement is None or "alpha" in verdict.replacement.rpartition("/")[2]:
            return reason, later
        return reason, f"use apiVersion {verdict.replacement}, which {target} serves, or {later}"
    if group not in builtin_groups():
        return (
            f"it is not a built-in kind of Kubernetes {target}, and no CustomResourceDefinition defines it",
            "add the CustomResourceDefinition that defines it to the input, or point --crd at it",
        )
    versions = serving(kind, target)
    if versions:
        # Kubernetes' own group for the kind first (`apps/v2` Deployment), else wherever it is served.
        best = next((v for v in versions if group_of(v) == group), versions[0])
        return f"Kubernetes {target} serves {kind} as {' and '.join(versions)} only", f"use apiVersion {best}"
    where = f"the {group} API group" if group else "the core API group (apiVersion v1)"
    reason = f"Kubernetes {target} serves no kind {kind} in {where}"
    # The kind was in this group once (`policy/v1` PodSecurityPolicy): what became of it is the advice.
    removals = [(lifecycle(version, kind, target), version) for version in known_versions(group, kind)]
    gone = [(verdict, version) for verdict, version in removals if verdict.status is Status.REMOVED]
    if gone:
        verdict, version = max(gone, key=lambda pair: version_priority(version_of(pair[1])))
        return f"{reason}: {version} {kind} was removed in {verdict.removed_in}", verdict.advice
    known = sorted(kinds_of_group(group, target))
    same_but_case = [name for name in known if name.lower() == kind.lower()]
    # A high cutoff: a wrong guess ("InitializerConfiguration"? "ValidatingWebhookConfiguration") misleads.
    close = same_but_case or difflib.get_close_matches(kind, known, n=1, cutoff=0.8)
    if close:
        return reason, f"did you mean {close[0]}?"
    return reason, "`kubectl api-resources` lists the kinds of a cluster"
