"""## What it does
Checks that every container, init container and ephemeral container of a Linux pod drops all capabilities:
`securityContext.capabilities.drop` must contain `ALL` (in any case, as containerd and CRI-O compare it).
Dropping the runtime's default capabilities one by one is not accepted: the default set differs between
runtimes and releases, and the Pod Security Standards ask for `ALL`. The capabilities the container really
needs are then added back in `capabilities.add` (the runtime applies the drop of `ALL` first).

Not reported: privileged containers (they get every capability whatever `drop` says; KC101 reports them),
and containers meant for Windows (capabilities are Linux-only and the API forbids them there). This is an
opt-in rule (profile `strict`): most images run fine without any capability, but adding the missing ones
back takes testing.

## Why is this bad?
By default a container keeps about fourteen capabilities (containerd's set: `CHOWN`, `DAC_OVERRIDE`,
`FOWNER`, `SETUID`, `NET_RAW`, `MKNOD`, ...). A process running as root in the container, or one that
becomes root, can use them to read and write any file of the container regardless of permissions, change
its identity or forge packets, and every kernel bug reachable through them is within reach. Dropping `ALL`
and adding back only what the application needs follows least privilege; the Pod Security Standards'
Restricted profile requires `drop: [ALL]` (with only `NET_BIND_SERVICE` added back), as does CIS
Kubernetes Benchmark 5.2.10.

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
      securityContext:
        capabilities:
          drop: [NET_RAW]
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
      securityContext:
        capabilities:
          drop: [ALL]
          add: [NET_BIND_SERVICE]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.linux_security import ALL, drop_path, drops_all, is_privileged
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC113",
    name="capabilities-not-dropped",
    summary="A container that keeps the runtime's default capabilities: `capabilities.drop` lacks `ALL`.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} keeps the runtime's default capabilities: capabilities.drop {problem}",
    remediation="Set `capabilities.drop: [ALL]` and add back only the capabilities the container needs.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=4.0,
    profile=Profile.STRICT,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=(
        "checkov:CKV_K8S_37",
        "polaris:insecureCapabilities",
    ),
)

NOT_SET = "is not set"
WITHOUT_ALL = "does not contain ALL"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.windows or is_privileged(container) or drops_all(container):
            continue
        context = container.container.security_context
        capabilities = context.capabilities if context is not None else None
        problem = WITHOUT_ALL if capabilities is not None and capabilities.drop else NOT_SET
        path = drop_path(container)
        # ALL covers every name the list may already hold, so replacing the list loses nothing.
        fix = Fix(path, [ALL], "Set `capabilities.drop: [ALL]`")
        yield Violation(path, {**container.args, "problem": problem}, fix=fix)
