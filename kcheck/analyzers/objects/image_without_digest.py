"""## What it does
Checks that the image of every container, init container and ephemeral container is pinned by digest
(`registry.example.com/web@sha256:…`, with or without a tag beside it). A digest counts when it is one the
runtime accepts: `sha256`, `sha384` or `sha512` and the hex encoding of the right length. Images that are
not valid references at all (the kubelet refuses to pull them) and containers without an image are left
to other rules.

This rule is opt-in: pinning every image by digest needs tooling (Renovate, Dependabot, `kustomize edit
set image`, `crane digest`) to keep the digests current.

## Why is this bad?
A tag is a pointer that whoever can push to the repository can move: `web:1.4.2` can be re-pushed with
other contents, by mistake or by an attacker who obtained push access, and every node that pulls it next
runs the new contents under the old name. Nodes that pulled at different times run different images, and
an image signature or scan result that was checked for the tag says nothing about what is pulled later.
A digest names the content itself: the runtime verifies what it pulls against it.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: ghcr.io/acme/web:1.4.2
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
      image: ghcr.io/acme/web:1.4.2@sha256:4b2a5f3e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.image import parse_image
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC143",
    name="image-without-digest",
    summary="A container image referenced by tag only, not pinned by digest.",
    severity=Severity.INFO,
    category=Category.SECURITY,
    message="{role} {container!r} uses image {image!r} without a digest, so what it runs is whatever the "
    "tag points to when the node pulls it",
    remediation="Pin the image by digest: `image: <name>:<tag>@sha256:<digest>`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=3.0,
    profile=Profile.STRICT,
    replaces=("checkov:CKV_K8S_43",),
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://kubernetes.io/docs/concepts/configuration/overview/#container-images",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        image = container.container.image
        reference = parse_image(image) if image else None
        if reference is not None and reference.digest is None:
            yield Violation(container.at("image"), {**container.args, "image": image})
