"""## What it does
Checks that the image of every container, init container and ephemeral container comes from one of the
registries or repositories the `allowed-registries` option lists. With the option empty (the default)
nothing is reported: set it to turn the rule on.

Images are resolved as the container runtime resolves them: `nginx` is `docker.io/library/nginx`,
`team/app` is `docker.io/team/app`, `index.docker.io` is `docker.io`, and a first component with a `.` or
a `:`, or that is `localhost`, is a registry (`registry.example.com/app`, `registry:5000/app`). An allowed
entry is a prefix of whole components: `registry.example.com/team` allows
`registry.example.com/team/app` but not `registry.example.com/teams/app` nor
`registry.example.com:5000/team/app`. An entry without a registry is a Docker Hub path (`bitnami` is
`docker.io/bitnami`; official images are `docker.io/library`). Registry names are compared without case.

Not checked: images that are not valid references (the kubelet refuses to pull them), and image volumes
(`volumes[].image`). A mirror configured on the nodes (containerd `hosts.toml`) is invisible here: list the
registry the manifest names.

## Why is this bad?
The registry is where the code a cluster runs comes from. Images pulled from anywhere escape the controls
placed on the approved registries: vulnerability scanning, signing and provenance checks, retention, and
the availability of a registry you operate (Docker Hub rate-limits anonymous pulls). A typo or a
look-alike name on a public registry (`nginx` for an internal `nginx`) silently runs someone else's
image.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
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
      image: registry.example.com/mirror/nginx:1.27
```
(with `allowed-registries: [registry.example.com]`)
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.image import DEFAULT_DOMAIN, parse_image
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    allowed_registries: list[str] = Field(
        default=[],
        alias="allowed-registries",
        description=(
            "Registries or repository prefixes images may come from (`registry.example.com`, "
            "`ghcr.io/my-org`, `docker.io/library`); empty: the rule reports nothing."
        ),
    )


RULE = RuleSpec(
    id="KC144",
    name="image-registry-not-allowed",
    summary="A container image from a registry that is not on the allowed list.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{role} {container!r} uses image {image!r} from {repository!r}, which is not under any allowed "
    "registry ({allowed})",
    remediation="Use an image from an allowed registry (mirror the image there), or add its registry to "
    "`allowed-registries`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://kubernetes.io/docs/concepts/security/security-checklist/#images",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    allowed = [prefix for entry in (options or Options()).allowed_registries if (prefix := _prefix(entry))]
    if not allowed:
        return
    listed = ", ".join(allowed)
    for container in workload.containers:
        image = container.container.image
        reference = parse_image(image) if image else None
        if reference is None:
            continue
        domain, _, path = _lower_domain(reference.name).partition("/")
        name = f"{domain}/{path}"
        if not any(name == prefix or name.startswith(prefix + "/") for prefix in allowed):
            args = {**container.args, "image": image, "repository": name, "allowed": listed}
            yield Violation(container.at("image"), args)


def _prefix(entry: str) -> str:
    """An allowed entry in the form images resolve to: its registry explicit (Docker Hub when it names
    none, as splitDockerDomain decides) and lowercase, without a trailing `/`."""
    entry = entry.strip().rstrip("/")
    if not entry:
        return ""
    first, slash, rest = entry.partition("/")
    if first.lower() in (DEFAULT_DOMAIN, "index.docker.io"):
        return DEFAULT_DOMAIN + slash + rest
    if first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        return first.lower() + slash + rest
    # Not a registry: a Docker Hub namespace (`bitnami`), not an official image (`docker.io/library`).
    return f"{DEFAULT_DOMAIN}/{entry}"


def _lower_domain(name: str) -> str:
    domain, slash, rest = name.partition("/")
    return domain.lower() + slash + rest
