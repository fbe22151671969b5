"""## What it does
Checks that every container, init container and ephemeral container is kept from running as root, the
way the kubelet resolves it: a field of the container's `securityContext` overrides the same field of
the pod's, and the container is non-root when the effective `runAsNonRoot` is `true` (the kubelet then
refuses to start it as UID 0) or the effective `runAsUser` is a non-zero UID. It reports:

- neither set, so the image's `USER` decides, and most images run as root;
- `runAsNonRoot: false` without a non-zero `runAsUser`;
- `runAsUser: 0` without `runAsNonRoot: true`: the container runs as root;
- `runAsUser: 0` with `runAsNonRoot: true`: a contradiction, the kubelet refuses to start the container.

Windows pods (`spec.os.name: windows`, or `windowsOptions` set when `spec.os` is not) are not checked:
Windows has no UIDs, and a Windows container's user is `windowsOptions.runAsUserName`.

## Why is this bad?
A process that is root inside the container is root on the node when it escapes, through a kernel bug, a
misconfigured mount or a runtime vulnerability, and it can write everything in the container's file
system meanwhile. The Pod Security Standards' Restricted profile requires `runAsNonRoot: true` and
forbids `runAsUser: 0` (CIS Kubernetes Benchmark 5.2.7, NSA/CISA hardening guide). Setting it at the pod
level covers every container, init and ephemeral ones included.

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
    runAsUser: 10001
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
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC108",
    name="run-as-root-allowed",
    summary="A container that may run as root: neither `runAsNonRoot: true` nor a non-zero `runAsUser`.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} {problem}",
    remediation="Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod's `securityContext`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    # The image's USER is unknown here: an image built to run as non-root is still reported.
    precision=Precision.HIGH,
    security_severity=5.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
    replaces=(
        "kube-linter:run-as-non-root",
        "polaris:runAsRootAllowed",
        "checkov:CKV_K8S_23",
    ),
)

NOT_SET = "may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image decides"
NON_ROOT_DISABLED = "may run as root: runAsNonRoot is false and no non-zero runAsUser is set"
RUNS_AS_ROOT = "runs as root: runAsUser is 0 and runAsNonRoot is not true"
CONTRADICTION = "will not start: runAsUser 0 breaks runAsNonRoot: true, and the kubelet refuses to run it"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.windows:
            continue
        security, args = container.security, container.args
        non_root, user = security.run_as_non_root, security.run_as_user
        # The kubelet's verifyRunAsNonRoot: with runAsNonRoot true, an explicit UID 0 is refused; any other
        # UID, or an image user it can verify as non-zero, starts.
        if non_root is not None and non_root.value:
            if user is not None and user.value == 0:
                yield Violation(user.path, {**args, "problem": CONTRADICTION})
        elif user is not None and user.value != 0:
            continue  # the process runs as that UID, whatever the image says
        elif user is not None:
            yield Violation(user.path, {**args, "problem": RUNS_AS_ROOT})
        elif non_root is not None:
            fix = Fix(non_root.path, True, "Set `runAsNonRoot: true`")
            yield Violation(non_root.path, {**args, "problem": NON_ROOT_DISABLED}, fix=fix)
        else:
            path = container.at("securityContext", "runAsNonRoot")
            fix = Fix(path, True, "Set `runAsNonRoot: true`")
            yield Violation(path, {**args, "problem": NOT_SET}, fix=fix)
