"""## What it does
Checks that every container, init container and ephemeral container sets `image`. A missing, `null` or
empty image is reported; one of the wrong type (`image: 5`) is left to `invalid-object-shape` (KC002).
An image of only spaces is not reported: the API server accepts it (some tools use `" "` as a
placeholder their controllers replace), and the kubelet then fails to pull it.

The OpenAPI schema marks only `name` as required in a container, so schema validation (KC501) does not
report this; the API server's own validation does (`spec.containers[0].image: Required value`).

## Why is this bad?
The API server rejects the pod, or, for a Deployment, Job or other workload, the workload itself. A
missing image is almost always a templating mistake: a Helm value or a Kustomize `images:` entry that
was not set, so the manifest that reaches the cluster is not the one that was reviewed.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: ""
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
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.location import ObjectPath
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC148",
    name="missing-image",
    summary="A container without an image, which the API server rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{role} {container!r} has no image; the API server rejects it",
    remediation="Set `image` to the image the container runs.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/concepts/containers/images/",),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.container.image:
            continue
        # What is written, not the model: a container entry or an image of the wrong type is None in the
        # model and reported by `invalid-object-shape` (KC002), not as missing.
        written = _raw(workload.obj.raw, container.path)
        if isinstance(written, dict) and written.get("image") in (None, ""):
            yield Violation(container.at("image"), container.args)


def _raw(data: object, path: ObjectPath) -> object:
    """The value written at `path` in the decoded object, or None."""
    for key in path:
        if isinstance(key, str) and isinstance(data, dict):
            data = data.get(key)
        elif isinstance(key, int) and isinstance(data, list) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data
