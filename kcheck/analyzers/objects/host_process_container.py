"""## What it does
Checks for Windows HostProcess containers: `securityContext.windowsOptions.hostProcess: true` on the pod
(which every container that does not set its own inherits, as the kubelet merges `windowsOptions`) or on
a container, init container or ephemeral container. A pod-level `true` is reported once, at the pod's
field, and each container that sets `true` itself at its own field. The API requires every container of
a pod to agree and the pod to use `hostNetwork: true`, so a HostProcess pod is one whose containers all
run on the host.

## Why is this bad?
A HostProcess container is not isolated from its Windows node: it runs as a process of the host, sees its
whole file system, network and processes, and typically runs as `NT AUTHORITY\\SYSTEM` (or another host
account named by `runAsUserName`). It is the Windows equivalent of a privileged container with every host
namespace, meant for node administration agents (CNI, storage and monitoring daemons). The Pod Security
Standards' Baseline profile forbids it.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  os: {name: windows}
  hostNetwork: true
  securityContext:
    windowsOptions:
      hostProcess: true
      runAsUserName: "NT AUTHORITY\\\\Local service"
  containers:
    - name: agent
      image: registry.example.com/agent:1.0
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  os: {name: windows}
  securityContext:
    windowsOptions:
      runAsUserName: ContainerUser
  containers:
    - name: agent
      image: registry.example.com/agent:1.0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC120",
    name="host-process-container",
    summary="A Windows HostProcess container, which runs on the node without isolation.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{subject} {what} with the node's file system, network and processes (hostProcess: true)",
    remediation=(
        "Remove `windowsOptions.hostProcess: true` unless the workload is a node administration agent."
    ),
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=9.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    replaces=("polaris:hostProcess",),
)

POD = "runs its containers as Windows HostProcess containers,"
CONTAINER = "runs as a Windows HostProcess container,"
_FIX = "Set `hostProcess: false`"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    context = workload.spec.security_context
    pod_options = context.windows_options if context is not None else None
    if pod_options is not None and pod_options.host_process:
        path = workload.at("securityContext", "windowsOptions", "hostProcess")
        subject = "{kind} {name!r}".format_map(workload.args)
        args = {**workload.args, "subject": subject, "what": POD}
        yield Violation(path, args, fix=Fix(path, False, _FIX))
    for container in workload.containers:
        own = container.container.security_context
        own_options = own.windows_options if own is not None else None
        if own_options is not None and own_options.host_process:
            path = container.at("securityContext", "windowsOptions", "hostProcess")
            subject = "{role} {container!r}".format_map(container.args)
            args = {**container.args, "subject": subject, "what": CONTAINER}
            yield Violation(path, args, fix=Fix(path, False, _FIX))
