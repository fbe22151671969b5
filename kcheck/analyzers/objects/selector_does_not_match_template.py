"""## What it does
Checks that a Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController selects the pods its
own template creates, as the API server's validation does (`ValidateDeploymentSpec` and its siblings in
`pkg/apis/apps/validation`):

- the `selector` must match the template's `metadata.labels` ("`selector` does not match template
  `labels`"): every `matchLabels` entry must be among the labels, and every `matchExpressions` entry
  (`In`, `NotIn`, `Exists`, `DoesNotExist`) must hold for them;
- the `selector` must not be empty (`{}`): "empty selector is invalid" for these kinds.

A ReplicationController's `selector` is a plain map; left unset or empty, the API server defaults it to
the template's labels, so only a written one is checked. A missing `selector` of an `apps/v1` kind is a
schema violation (KC501), and a selector that is not valid (a bad key, an unknown operator) is left to
the rules that validate selectors.

## Why is this bad?
The API server rejects the object: `kubectl apply` fails, and a Helm release or a GitOps sync stops at it.
The usual cause is a label renamed in the template and not in the selector, which a review easily misses
because the two are far apart.

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
      labels: {app: web-v2}
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
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.selectors import (
    DOES_NOT_EXIST,
    EXISTS,
    IN,
    Requirement,
    Selector,
    SelectorError,
    compile_selector,
    selector_from_map,
)
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.workloads import ReplicationController, TemplatedSpec

RULE = RuleSpec(
    id="KC174",
    name="selector-does-not-match-template",
    summary="A workload whose selector does not select the pods of its own template, which the API server "
    "rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{kind} {name!r} has a selector the API server rejects: it {problem}",
    remediation="Make the selector select the template's labels: the same `matchLabels`, and expressions "
    "that hold for them.",
    docs=__doc__ or "",
    applies_to=kinds.LONG_RUNNING_WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    replaces=(
        "kube-linter:mismatching-selector",
        "kube-score:deployment-pod-selector-labels-match-template-metadata-labels",
        "kube-score:statefulset-pod-selector-labels-match-template-metadata-labels",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ),
)

EMPTY = "is empty, which would select every pod of the namespace"


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    spec = getattr(obj, "spec", None)
    selector: Selector | SelectorError
    if isinstance(obj, ReplicationController):
        if spec is None or not spec.selector or spec.template is None:
            return  # unset or empty: defaulted to the template's labels
        selector, labels = selector_from_map(spec.selector), spec.template.metadata.labels
    elif isinstance(spec, TemplatedSpec):
        if spec.selector is None or spec.template is None:
            return  # a missing selector is a schema violation (KC501)
        selector, labels = compile_selector(spec.selector), spec.template.metadata.labels
        if isinstance(selector, Selector) and selector.matches_everything:
            yield Violation(("spec", "selector"), {**object_args(obj), "problem": EMPTY})
            return
    else:
        return
    if not isinstance(selector, Selector):
        return  # not a valid selector: reported where selectors are validated
    failed = next((r for r in selector.requirements if not r.matches(labels)), None)
    if failed is not None:
        yield Violation(("spec", "selector"), {**object_args(obj), "problem": _mismatch(failed, labels)})


def _mismatch(requirement: Requirement, labels: Mapping[str, str]) -> str:
    """What the template's labels do that the requirement does not allow."""
    key, value = requirement.key, labels.get(requirement.key)
    wanted = ", ".join(sorted(requirement.values))
    if requirement.operator == IN:
        has = f"has {key}={value}" if value is not None else f"has no label {key!r}"
        wants = f"{key}={wanted}" if len(requirement.values) == 1 else f"{key} in ({wanted})"
        return f"requires {wants}, but the pod template {has}"
    if requirement.operator == EXISTS:
        return f"requires the label {key!r}, which the pod template does not have"
    if requirement.operator == DOES_NOT_EXIST:
        return f"excludes the label {key!r}, which the pod template has"
    return f"requires {key} not in ({wanted}), but the pod template has {key}={value}"
