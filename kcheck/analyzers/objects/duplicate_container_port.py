"""## What it does
Checks the `ports` of a pod's containers for:

- the same `containerPort` and `protocol` (TCP when unset) declared by two containers that run at the
  same time: app containers and sidecars (init containers with `restartPolicy: Always`), whatever their
  `hostPort`;
- the same `containerPort`, `protocol`, `hostPort` and `hostIP` declared twice by one container (one
  container port published on two host ports is fine);
- the same port `name` twice in one container.

Each later port is reported, pointing at the earlier one. A regular init container runs alone, so its
ports are compared only with its own. Ephemeral containers cannot declare ports.

## Why is this bad?
The containers of a pod share one network namespace: when two of them listen on the same port and
protocol, the second one fails to bind and crash-loops. A port declared twice by one container is a
merge gone wrong, and it breaks `kubectl apply --server-side`, which keys ports by number and protocol;
the API server warns about both ("duplicate port definition"). Two ports with the same name are rejected
by the API server outright, and a Service `targetPort` or probe that uses the name could not tell them
apart.

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
      ports:
        - {name: http, containerPort: 8080}
    - name: metrics
      image: registry.example.com/exporter:2.1
      ports:
        - {name: metrics, containerPort: 8080}
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
      ports:
        - {name: http, containerPort: 8080}
    - name: metrics
      image: registry.example.com/exporter:2.1
      ports:
        - {name: metrics, containerPort: 9100}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.objects.view import ContainerView, WorkloadView
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.workloads import ContainerPort

RULE = RuleSpec(
    id="KC147",
    name="duplicate-container-port",
    summary="A container port declared twice in a pod, or a port name used twice in a container.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="{role} {container!r} {problem}",
    remediation="Give each port of the pod its own number (and each port of a container its own name), or "
    "remove the repeated entry.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-score:container-ports-check",),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/pods/#pod-networking",
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports",
    ),
)

SHARED = (
    "declares port {port}/{protocol}, which {other_role} {other!r} declares too; the containers of a pod "
    "share one network namespace, so only one of them can listen on it"
)
REPEATED = "declares port {port}/{protocol} twice"
SAME_NAME = "names two ports {name!r}, which the API server rejects"


@dataclass(frozen=True, slots=True)
class _Declared:
    container: ContainerView
    index: int
    port: ContainerPort


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    # (who runs alongside, containerPort, protocol) -> the ports declared so far
    declared: dict[tuple[int, int, str], list[_Declared]] = {}
    for position, container in enumerate(workload.running):
        # App containers and sidecars run together; a regular init container runs alone.
        group = -1 if container.keeps_running else position
        names: dict[str, int] = {}
        for index, port in enumerate(container.container.ports):
            if port.name:
                if port.name in names:
                    earlier = container.at("ports", names[port.name], "name")
                    related = RelatedViolation(workload.obj, earlier, f"the first port named {port.name!r}")
                    problem = SAME_NAME.format(name=port.name)
                    yield Violation(
                        container.at("ports", index, "name"),
                        {**container.args, "problem": problem},
                        related=(related,),
                    )
                else:
                    names[port.name] = index
            if port.container_port is None:
                continue
            protocol = port.protocol or "TCP"
            key = (group, port.container_port, protocol)
            clash = next((d for d in declared.get(key, ()) if _clashes(d, container, port)), None)
            if clash is not None:
                yield _violation(workload, container, index, port.container_port, protocol, clash)
            declared.setdefault(key, []).append(_Declared(container, index, port))


def _clashes(earlier: _Declared, container: ContainerView, port: ContainerPort) -> bool:
    if earlier.container is not container:
        return True
    return (earlier.port.host_port or 0, earlier.port.host_ip or "") == (
        port.host_port or 0,
        port.host_ip or "",
    )


def _violation(
    workload: WorkloadView, container: ContainerView, index: int, number: int, protocol: str, clash: _Declared
) -> Violation:
    if clash.container is container:
        problem = REPEATED.format(port=number, protocol=protocol)
    else:
        other = clash.container.args
        problem = SHARED.format(
            port=number, protocol=protocol, other_role=other["role"], other=other["container"]
        )
    earlier = clash.container.at("ports", clash.index, "containerPort")
    related = RelatedViolation(workload.obj, earlier, f"port {number}/{protocol} first declared here")
    path = container.at("ports", index, "containerPort")
    return Violation(path, {**container.args, "problem": problem}, related=(related,))
