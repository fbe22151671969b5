"""## What it does
Checks the `env` list of every container, init container and ephemeral container for a variable name
defined more than once. Each later definition is reported, pointing at the first one. A later definition
that builds on the earlier one (`value: "$(PATH):/opt/tool/bin"` after a `PATH`) is deliberate and
passes, as it does for the API server's own warning; one that only repeats it (`value: "$(PATH)"`)
does not. Variables from `envFrom` are not compared: `env` overriding them is how `envFrom` is meant to
be used.

## Why is this bad?
The kubelet gives the container the last definition; the earlier one is dead text that readers take for
the value. The duplicate usually comes from a merge (a Helm value list added to a template's own entries,
a Kustomize patch that appended instead of replacing), so which definition wins depends on the order of
tools nobody looks at. `kubectl apply` merges `env` by name and may drop one of the definitions from the
live object (the API server warns: "hides previous definition of ..., which may be dropped when using
apply"), and server-side apply can fail on the duplicate key.

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
      env:
        - {name: LOG_LEVEL, value: info}
        - {name: PORT, value: "8080"}
        - {name: LOG_LEVEL, value: debug}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      env:
        - {name: LOG_LEVEL, value: debug}
        - {name: PORT, value: "8080"}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.workloads import EnvVar

RULE = RuleSpec(
    id="KC146",
    name="duplicate-env-var",
    summary="An environment variable defined twice in one container's `env`.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="{role} {container!r} defines env var {env!r} again (first at env[{first}]); the container gets "
    "only this last value and `kubectl apply` may drop one",
    remediation="Keep one definition of the variable.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-linter:duplicate-env-var", "kube-score:environment-variable-key-duplication"),
    references=(
        "https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/",
        "https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        first: dict[str, int] = {}
        for index, var in enumerate(container.container.env):
            name = var.name
            if not name:
                continue
            if name not in first:
                first[name] = index
                continue
            if _extends(var, name):
                continue
            related = RelatedViolation(
                workload.obj, container.at("env", first[name], "name"), f"{name} first defined here"
            )
            args = {**container.args, "env": name, "first": first[name]}
            yield Violation(container.at("env", index, "name"), args, related=(related,))


def _extends(var: EnvVar, name: str) -> bool:
    """A redefinition that expands the earlier value (`$(NAME)` and more), which the kubelet resolves to
    the value defined before it."""
    reference = f"$({name})"
    value = var.value or ""
    return var.value_from is None and value != reference and reference in value
