"""## What it does
Checks for Linux pods whose processes run with the root group (GID 0):

- an effective `runAsGroup: 0` (the container's field, else the pod's, as the kubelet resolves it); a
  pod-level `0` that some container inherits is reported once, at the pod's field;
- a pod-level `fsGroup: 0`: the kubelet adds the fsGroup to the supplementary groups of every container's
  processes, and makes the pod's volumes group-owned by it;
- a `0` in the pod's `supplementalGroups`, which every container's processes get as well.

An unset `runAsGroup` is not reported: the runtime then takes the primary group of the image's user, often
0, but nearly every manifest leaves it unset and the image decides. Windows pods and containers are not
checked: the API forbids these fields there.

## Why is this bad?
Group 0 owns much of an image's file system and of the node's: a process in the root group reads and
writes whatever is group-root readable or writable, in the container and, after an escape or through a
`hostPath` volume, on the node. A non-root user with GID 0 is only partly non-root. `fsGroup: 0` also
hands the pod's volumes to the root group, so every other container or pod that mounts them with GID 0 can
write them. Choose a dedicated non-zero GID (`runAsGroup`, `fsGroup`) for the workload. (OpenShift runs
arbitrary UIDs with GID 0 on purpose; its images are built for it, and a suppression with a reason says
so.)

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsUser: 10001
    runAsGroup: 0
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
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
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
    id="KC121",
    name="root-group",
    summary=(
        "A pod whose processes run with the root group: `runAsGroup`, `fsGroup` or a supplemental group 0."
    ),
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{subject} {problem}",
    remediation="Set `runAsGroup` and `fsGroup` to a non-zero GID, and keep 0 out of `supplementalGroups`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    security_severity=3.5,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context",
    ),
    replaces=(
        "kube-linter:run-as-non-root",
        "kube-score:container-security-context-user-group-id",
    ),
)

RUN_AS_GROUP = "runs its processes with the root group: runAsGroup is 0"
FS_GROUP = "gives every container the root group: fsGroup is 0, which also hands its volumes to group 0"
SUPPLEMENTAL_GROUP = "gives every container the root group: supplementalGroups contains 0"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    pod_subject = {**workload.args, "subject": "{kind} {name!r}".format_map(workload.args)}
    pod_path: ObjectPath = workload.at("securityContext", "runAsGroup")
    reported: set[ObjectPath] = set()
    for container in workload.containers:
        setting = container.security.run_as_group
        if container.windows or setting is None or setting.value != 0 or setting.path in reported:
            continue
        reported.add(setting.path)
        if setting.path == pod_path:
            yield Violation(setting.path, {**pod_subject, "problem": RUN_AS_GROUP})
        else:
            subject = "{role} {container!r}".format_map(container.args)
            yield Violation(setting.path, {**container.args, "subject": subject, "problem": RUN_AS_GROUP})
    context = workload.spec.security_context
    if workload.windows or context is None:
        return
    if context.fs_group == 0:
        yield Violation(workload.at("securityContext", "fsGroup"), {**pod_subject, "problem": FS_GROUP})
    for index, group in enumerate(context.supplemental_groups):
        if group == 0:
            path = workload.at("securityContext", "supplementalGroups", index)
            yield Violation(path, {**pod_subject, "problem": SUPPLEMENTAL_GROUP})
