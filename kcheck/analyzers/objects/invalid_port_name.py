"""## What it does
Checks port names as the API server validates them:

- a container port's `name`, and a probe's `httpGet.port` or `tcpSocket.port` or a Service's
  `targetPort` written as a string, must be an IANA service name (`IsValidPortName`): at most 15
  characters, only `a-z`, `0-9` and `-`, at least one letter, no `--`, and no `-` at either end. A number
  written as a string (`port: "8080"`) is a name, and the API server rejects it;
- a Service port's `name` must be a DNS label (`IsDNS1123Label`): at most 63 characters of `a-z`, `0-9`
  and `-`, starting and ending with a letter or digit.

Whether a probe's port name is one the container declares is KC141's question; this rule checks the name
itself. Lifecycle hooks (`postStart`, `preStop`) are not read yet.

## Why is this bad?
The API server rejects the object, so `kubectl apply` fails. Names like `http_metrics`, `HTTP` or
`grpc-health-check` (16 characters) look harmless and are often copied from other tools' configuration.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - name: http_main
      port: 80
      targetPort: HTTP
```
Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - name: http-main
      port: 80
      targetPort: http
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kcheck.analyzers.objects.probes import container_probes, network_handlers
from kcheck.analyzers.objects.view import container_args, object_args
from kcheck.core.findings import Violation
from kcheck.core.location import ObjectPath, format_path
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.names import dns1123_label, port_name
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Service
from kcheck.model.workloads import containers, pod_template

RULE = RuleSpec(
    id="KC175",
    name="invalid-port-name",
    summary="A container port, probe port, Service port or Service targetPort name that the API server "
    "rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{owner} has port name {port!r} in {field}, which the API server rejects: {problem}",
    remediation="Use lower-case letters, digits and single hyphens: at most 15 characters for a container "
    "port or targetPort name (`http-metrics`), a DNS label for a Service port name.",
    docs=__doc__ or "",
    applies_to=(*kinds.WORKLOADS, ("", "Service")),
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    replaces=("kube-linter:invalid-target-ports",),
    references=(
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports",
        "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec",
    ),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if isinstance(obj, Service):
        yield from _service(obj)
        return
    template = pod_template(obj)
    if template is None:
        return
    for ref in containers(template):
        args = container_args(ref)
        owner = f"{args['role']} {args['container']!r}"
        for index, port in enumerate(ref.container.ports):
            if port.name is not None:
                yield from _checked(owner, (*ref.path, "ports", index, "name"), port.name, port_name)
        for key, _, probe in container_probes(ref.container):
            for handler_key, handler in network_handlers(probe):
                if isinstance(handler.port, str):
                    path = (*ref.path, key, handler_key, "port")
                    yield from _checked(owner, path, handler.port, port_name)


def _service(service: Service) -> Iterator[Violation]:
    if service.spec is None:
        return
    args = object_args(service)
    owner = f"{args['kind']} {args['name']!r}"
    for index, port in enumerate(service.spec.ports):
        path: ObjectPath = ("spec", "ports", index)
        if port.name:  # optional with a single port; "" is no name
            yield from _checked(owner, (*path, "name"), port.name, dns1123_label)
        if isinstance(port.target_port, str):
            yield from _checked(owner, (*path, "targetPort"), port.target_port, port_name)


def _checked(
    owner: str, path: ObjectPath, name: str, problems_of: Callable[[str], list[str]]
) -> Iterator[Violation]:
    problems = problems_of(name)
    if problems:
        # The field as its list writes it: `ports[0].name`.
        field = format_path(path[-3:])
        yield Violation(path, {"owner": owner, "port": name, "field": field, "problem": "; ".join(problems)})
