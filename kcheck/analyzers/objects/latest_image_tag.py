"""## What it does
Checks for container images without a tag (`nginx`, `registry:5000/team/app`) or with the tag `latest`,
in containers, init containers and ephemeral containers. An image pinned by digest
(`nginx@sha256:…`, with or without a tag) passes: the digest is what the runtime pulls. A container
without an image is left to the schema rules.

## Why is this bad?
An image without a tag means `latest`, and `latest` is whatever was pushed last: two nodes can run
different code under the same manifest, a restart can silently upgrade (or downgrade) the workload, and
a rollback to the previous manifest does not bring the previous image back. Kubernetes also defaults
`imagePullPolicy` to `Always` for such images, so every pod start depends on the registry being up.
Tag images with an immutable version, or pin them by digest.

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
      image: registry.example.com/web:latest
      resources:
        limits: {cpu: 500m, memory: 256Mi}
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

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC102",
    name="latest-image-tag",
    summary="A container image without a tag, or tagged `latest`.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} uses image {image!r}, {problem}; what runs changes with every push",
    remediation="Use an immutable version tag or a digest (`image@sha256:…`).",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    replaces=(
        "kube-linter:latest-tag",
        "polaris:tagNotSpecified",
        "kube-score:container-image-tag",
        "checkov:CKV_K8S_14",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting",
        "https://kubernetes.io/docs/concepts/configuration/overview/#container-images",
    ),
)

_NO_TAG = "which has no tag and so means `latest`"
_LATEST_TAG = "which is tagged `latest`"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        image = container.container.image
        problem = _unpinned(image) if image else None
        if problem is not None:
            yield Violation(container.at("image"), {**container.args, "image": image, "problem": problem})


def _unpinned(image: str) -> str | None:
    """Why `image` is not pinned to one build, or None when it is (or is blank)."""
    if "@" in image:
        # A digest names one build; the runtime pulls by digest and ignores any tag beside it.
        return None
    # The tag follows the last `:` of the last path component; a `:` before a `/` is a registry port.
    last_component = image.rpartition("/")[2]
    _, colon, tag = last_component.partition(":")
    if not colon:
        return _NO_TAG if image.strip() else None
    return _LATEST_TAG if tag == "latest" else None
