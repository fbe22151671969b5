"""## What it does
Checks that every container, init container and ephemeral container of a Linux pod runs with a seccomp
profile: its effective `securityContext.seccompProfile` (the container's, else the pod's, as the kubelet
resolves it) must be set with a `type`. When the pod's `securityContext` sets none, the finding points at
the pod's `securityContext.seccompProfile` (or where it would be written) and names the containers left
without one; its fix sets `seccompProfile: {type: RuntimeDefault}` there, which covers every container
that does not set its own. A profile set to `Unconfined` is a profile, reported by KC116
(`seccomp-unconfined`).

The annotations `seccomp.security.alpha.kubernetes.io/pod` and
`container.seccomp.security.alpha.kubernetes.io/<container>` do not count: the kubelet has ignored them
since Kubernetes 1.27, and the API server only answers them with the warning "non-functional in v1.27+;
use the "seccompProfile" field instead" (it no longer copies them into the fields). A finding on a pod
that still carries one says so.

Containers meant for Windows (`spec.os.name: windows`, or `windowsOptions` set when `spec.os` is not) are
not checked: seccomp is Linux-only and the API forbids the field there. This is an opt-in rule (profile
`strict`): clusters whose kubelets enable `seccompDefault` apply `RuntimeDefault` to such containers
already, but a manifest cannot tell.

## Why is this bad?
Without a profile the kubelet runs the container `Unconfined` (unless the node enables `seccompDefault`):
every system call of the kernel is open to it, including the rarely used ones where most container
escapes through kernel bugs have been found (`unshare`, `keyctl`, `bpf`, `userfaultfd`, ...). The
runtime's default profile blocks those and breaks almost no application. The Pod Security Standards'
Restricted profile requires `RuntimeDefault` or `Localhost` for every container (CIS Kubernetes Benchmark
5.7.2).

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
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from kcheck.analyzers.objects.linux_security import template_annotations
from kcheck.analyzers.objects.view import ContainerView, WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC115",
    name="missing-seccomp-profile",
    summary="A pod whose containers run without a seccomp profile, which the kubelet runs `Unconfined`.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message=(
        "{kind} {name!r} sets no seccomp profile for {containers}, which the kubelet then runs Unconfined "
        "unless the node enables seccompDefault{note}"
    ),
    remediation="Set `seccompProfile: {type: RuntimeDefault}` in the pod's `securityContext`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    # Nodes with seccompDefault enabled already confine such containers.
    precision=Precision.HIGH,
    security_severity=4.0,
    profile=Profile.STRICT,
    references=(
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/reference/labels-annotations-taints/#seccomp-security-alpha-kubernetes-io-pod",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=(
        "kube-score:container-seccomp-profile",
        "polaris:linuxHardening",
        "checkov:CKV_K8S_31",
    ),
)

POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
IGNORED_ANNOTATIONS = (
    "; its seccomp.security.alpha.kubernetes.io annotations have been ignored since Kubernetes 1.27"
)
_FIX = "Set `seccompProfile: {type: RuntimeDefault}` in the pod's `securityContext`"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    lacking = [c for c in workload.containers if not c.windows and not _has_profile(c)]
    if not lacking:
        return
    annotations, _ = template_annotations(workload)
    context = workload.spec.security_context
    pod_profile = context.seccomp_profile if context is not None else None
    if pod_profile is None or pod_profile.type is None:
        path = workload.at("securityContext", "seccompProfile")
        fix = Fix(path, {"type": "RuntimeDefault"}, _FIX)
        yield Violation(path, _args(workload, lacking, annotations), fix=fix)
        return
    # The pod's profile is there: these containers set a profile of their own without a type.
    for container in lacking:
        setting = container.security.seccomp_profile
        path = setting.path if setting is not None else container.at("securityContext", "seccompProfile")
        yield Violation(path, _args(workload, [container], annotations))


def _has_profile(container: ContainerView) -> bool:
    setting = container.security.seccomp_profile
    return setting is not None and setting.value.type is not None


def _args(
    workload: WorkloadView, lacking: Sequence[ContainerView], annotations: Mapping[str, str]
) -> dict[str, object]:
    names = [str(c.args["container"]) for c in lacking]
    noun = "container" if len(names) == 1 else "containers"
    legacy = POD_ANNOTATION in annotations or any(
        CONTAINER_ANNOTATION_PREFIX + n in annotations for n in names
    )
    return {
        **workload.args,
        "containers": f"{noun} " + ", ".join(repr(n) for n in names),
        "note": IGNORED_ANNOTATIONS if legacy else "",
    }
