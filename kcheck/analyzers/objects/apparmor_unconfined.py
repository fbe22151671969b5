"""## What it does
Checks for containers, init containers and ephemeral containers of a Linux pod whose effective AppArmor
profile is `Unconfined`, resolved as the kubelet does (`GetProfile` in kubernetes/pkg/security/apparmor):
the container's `securityContext.appArmorProfile`, else the pod template's legacy annotation
`container.apparmor.security.beta.kubernetes.io/<container name>`, else the pod's
`securityContext.appArmorProfile`. The annotation is deprecated since Kubernetes 1.30 but still works: the
API server copies it into the field when the pod is created, and the kubelet falls back to it. Only its
three valid forms count (`runtime/default`, `unconfined`, `localhost/<profile>`); another value is
ignored, as by the kubelet.

A pod-level `Unconfined` that some container inherits is reported once, at the pod's field; a container's
own field or annotation is reported where it is written. Containers meant for Windows are not checked:
AppArmor is Linux-only. On nodes without AppArmor (most SELinux distributions) the setting has no effect.

## Why is this bad?
The container runtime confines every container with its default AppArmor profile, which denies writes to
`/proc` and `/sys` files, mounts, and access to the node's raw devices even for a process that holds the
capability: it is a layer that stops several escapes through misconfigured capabilities or kernel
interfaces. `Unconfined` removes it. The Pod Security Standards' Baseline profile forbids overriding the
default profile with `Unconfined`.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    appArmorProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kcheck.analyzers.objects.linux_security import template_annotations
from kcheck.analyzers.objects.view import ContainerView, WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.location import ObjectPath
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC117",
    name="apparmor-unconfined",
    summary="A container whose AppArmor profile is `Unconfined`, without the runtime's default confinement.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{subject} runs without AppArmor confinement: {setting}",
    remediation=(
        "Use the runtime's default profile: `appArmorProfile.type: RuntimeDefault` (or a `Localhost` one)."
    ),
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tutorials/security/apparmor/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/reference/labels-annotations-taints/#container-apparmor-security-beta-kubernetes-io",
    ),
)

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
UNCONFINED = "Unconfined"
# The annotation's values and the field's types they stand for (helpers.go getProfileFromPodAnnotations).
_ANNOTATION_TYPES = {"runtime/default": "RuntimeDefault", "unconfined": UNCONFINED}
_LOCALHOST_PREFIX = "localhost/"


@dataclass(frozen=True, slots=True)
class _Profile:
    type: str | None
    path: ObjectPath
    annotation: str | None = None  # the annotation's key, when it is where the profile comes from
    inherited: bool = False  # from the pod's securityContext


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    annotations, annotations_path = template_annotations(workload)
    reported: set[ObjectPath] = set()
    for container in workload.containers:
        if container.windows:
            continue
        profile = _effective(workload, container, annotations, annotations_path)
        if profile is None or profile.type != UNCONFINED or profile.path in reported:
            continue
        reported.add(profile.path)
        if profile.annotation is not None:
            setting = f"the annotation {profile.annotation} is unconfined"
            fix = Fix(profile.path, "runtime/default", "Set the annotation to `runtime/default`")
        else:
            setting = "appArmorProfile.type is Unconfined"
            fix = Fix(profile.path, "RuntimeDefault", "Set `appArmorProfile.type: RuntimeDefault`")
        if profile.inherited:
            args = {
                **workload.args,
                "subject": "{kind} {name!r}".format_map(workload.args),
                "setting": setting,
            }
        else:
            subject = "{role} {container!r}".format_map(container.args)
            args = {**container.args, "subject": subject, "setting": setting}
        yield Violation(profile.path, args, fix=fix)


def _effective(
    workload: WorkloadView,
    container: ContainerView,
    annotations: Mapping[str, str],
    annotations_path: ObjectPath,
) -> _Profile | None:
    context = container.container.security_context
    if context is not None and context.app_armor_profile is not None:
        path = container.at("securityContext", "appArmorProfile", "type")
        return _Profile(context.app_armor_profile.type, path)
    name = container.container.name
    if name is not None and (value := annotations.get(ANNOTATION_PREFIX + name)) is not None:
        kind = _ANNOTATION_TYPES.get(value) or ("Localhost" if value.startswith(_LOCALHOST_PREFIX) else None)
        if kind is not None:
            key = ANNOTATION_PREFIX + name
            return _Profile(kind, (*annotations_path, key), key)
    pod_context = workload.spec.security_context
    if pod_context is not None and pod_context.app_armor_profile is not None:
        path = workload.at("securityContext", "appArmorProfile", "type")
        return _Profile(pod_context.app_armor_profile.type, path, inherited=True)
    return None
