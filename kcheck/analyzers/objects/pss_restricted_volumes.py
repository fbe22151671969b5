"""## What it does
Checks that every volume of the pod uses one of the sources the restricted control *Volume Types*
allows (upstream check `restrictedVolumes`): `configMap`, `csi`, `downwardAPI`, `emptyDir`,
`ephemeral`, `persistentVolumeClaim`, `projected`, `secret`, and `image` (from Kubernetes 1.33). A
volume that sets an allowed source passes whatever else it sets, as in admission; a volume that sets
no source is an `emptyDir` once the API server defaults it, and passes. One finding per volume, at
its forbidden source (`hostPath`, `nfs`, `gitRepo`, `cephfs`, ...).

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
Volume types other than these give the pod direct access to the node (`hostPath`) or to storage the
cluster administrator has not set up for it (`nfs`, `iscsi`, cloud disks by id), or run code on the
node (`gitRepo`, `flexVolume`). The restricted policy only allows volumes that go through the
PersistentVolume machinery or are local to the pod.

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
  volumes:
    - name: shared
      nfs:
        server: nfs.example.com
        path: /exports
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
  volumes:
    - name: shared
      persistentVolumeClaim:
        claimName: shared
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects import pss
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

CHECK = "restrictedVolumes"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC191",
    name="pss-restricted-volumes",
    summary="A volume of a type the Pod Security restricted policy does not allow.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Use a PersistentVolumeClaim, or an emptyDir, ConfigMap, Secret or projected volume.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=5.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_restrictedVolumes.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.restricted_volumes(workload, workload.context.kubernetes_version)
    )
