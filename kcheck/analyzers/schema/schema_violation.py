"""## What it does
Validates every object whose apiVersion and kind have a schema, in the target Kubernetes version
(`--kubernetes-version`, default the newest bundled one) or in a CustomResourceDefinition of the run (in
the input, `--crd` or the `crds` setting), against that schema, as the API server would when it decodes,
defaults and validates the object: every problem, each at the exact value.

- types as Kubernetes decodes them (`replicas: "3"` is a string, not an integer), int32/int64 ranges,
  base64 `data` in Secrets, RFC 3339 timestamps;
- int-or-string fields (`port`, `targetPort`, `maxUnavailable`) and resource quantities (`500m`,
  `128Mi`; `1GB` is not one);
- required fields (reported at the mapping that lacks them);
- unique entries in keyed lists (`x-kubernetes-list-type: map`): two containers with the same name, two
  ports with the same number and protocol, and in sets;
- the API server's own name and label rules: names per kind (a DNS-1123 subdomain for most kinds, a
  DNS-1123 label for a Namespace, a DNS-1035 label for a Service, a path segment for RBAC objects), label
  keys and values, annotation keys, the 256 KiB limit on all annotations of an object, and label selectors.

Unknown fields are the business of `unknown-field` (KC502). A wrong type in a field that kcheck's own
analyses read is already reported by `invalid-object-shape` (KC002); this rule does not repeat it.

## Why is this bad?
The API server rejects the whole object, so `kubectl apply` fails (often halfway through a multi-object
apply), or a GitOps controller keeps failing to sync. Found in review, the fix is one line; found at
deploy time, it is an incident.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        limits: {cpu: 500m, memory: 256MB}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        limits: {cpu: 500m, memory: 256Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC501",
    name="schema-violation",
    summary="An object the Kubernetes API server would reject: a value that does not fit its schema.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{problem}",
    remediation="Give the field a value of the type and syntax the Kubernetes API expects.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    replaces=("kube-linter:schema-validation", "kube-score:label-values"),
    references=(
        "https://kubernetes.io/docs/reference/kubernetes-api/",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set",
        "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/",
    ),
    profile=Profile.MINIMAL,
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    for problem in analysis.problems or ():
        if not problem.unknown_field:
            yield Violation(problem.path, {"problem": problem.message})
