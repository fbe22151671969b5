"""## What it does
Checks every container, init container and ephemeral container for Secrets consumed as environment
variables: an `env` entry with `valueFrom.secretKeyRef` (one key), and an `envFrom` entry with
`secretRef` (every key of the Secret). Secrets mounted as volumes, and ConfigMaps consumed either way,
are not reported.

## Why is this bad?
The CIS Kubernetes Benchmark (5.4.1) prefers Secrets as files over Secrets as environment variables.
The environment of a process is easy to leak: it is inherited by every child process, printed by crash
reporters, debug endpoints and `env` in a support session, and readable in `/proc/<pid>/environ` by the
same user's processes in a shared process namespace; and it is fixed when the container starts, so a
rotated Secret only reaches the process on a restart. A Secret volume is readable only where it is
mounted, with the file mode you choose, and the kubelet updates its files when the Secret changes.

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
      env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: web-db
              key: password
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
      env:
        - name: DB_PASSWORD_FILE
          value: /etc/web-db/password
      volumeMounts:
        - name: web-db
          mountPath: /etc/web-db
          readOnly: true
  volumes:
    - name: web-db
      secret:
        secretName: web-db
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC133",
    name="secret-in-env-var",
    summary="A container that reads a Secret into environment variables rather than from a file.",
    severity=Severity.INFO,
    category=Category.SECURITY,
    message="{role} {container!r} {source}: environment variables leak more easily than files",
    remediation="Mount the Secret as a volume and have the application read the file.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    profile=Profile.STRICT,
    precision=Precision.VERY_HIGH,
    security_severity=3.0,
    replaces=("kube-linter:read-secret-from-env-var", "checkov:CKV_K8S_35"),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        spec = container.container
        for index, env in enumerate(spec.env):
            ref = env.value_from.secret_key_ref if env.value_from is not None else None
            if ref is not None:
                source = (
                    f"reads key {ref.key or ''!r} of Secret {ref.name or ''!r} into env var "
                    f"{env.name or ''!r} (valueFrom.secretKeyRef)"
                )
                path = container.at("env", index, "valueFrom", "secretKeyRef")
                args = {
                    **container.args,
                    "source": source,
                    "secret": ref.name,
                    "key": ref.key,
                    "variable": env.name,
                }
                yield Violation(path, args)
        for index, env_from in enumerate(spec.env_from):
            if env_from.secret_ref is not None:
                source = (
                    f"imports every key of Secret {env_from.secret_ref.name or ''!r} as env vars (envFrom)"
                )
                path = container.at("envFrom", index, "secretRef")
                yield Violation(
                    path, {**container.args, "source": source, "secret": env_from.secret_ref.name}
                )
