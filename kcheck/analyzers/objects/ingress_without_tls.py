"""## What it does
Checks Ingresses that serve traffic (they have `rules`, or a default backend) over plain HTTP:

- no `tls` entry at all;
- a rule `host` that no `tls[].hosts` entry covers. A TLS host covers a rule host when they are equal
  (DNS names are compared without regard to case), or when it is a wildcard `*.example.com` and the rule
  host is one label under it (`www.example.com`, not `example.com` nor `a.b.example.com`), which is how
  Ingress defines wildcards. A wildcard rule host is covered only by the same wildcard.

A `tls` entry without `hosts` applies to the controller's default host, so it covers every rule; a rule
without `host` (every host) is not checked host by host. Which certificate the controller serves, and
whether it redirects HTTP to HTTPS, depends on the controller and its annotations and is not checked.

## Why is this bad?
Without TLS, whatever crosses the network between clients and the ingress controller (credentials,
session cookies, personal data) can be read and altered by anyone on the path. A host missing from the
`tls` list is a quieter variant: the Ingress looks like it uses TLS, but requests for that host get the
controller's default certificate, which browsers refuse, or no TLS at all.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: www.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
    - hosts: [www.example.com]
      secretName: web-tls
  rules:
    - host: www.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Ingress

RULE = RuleSpec(
    id="KC167",
    name="ingress-without-tls",
    summary="An Ingress, or one of its hosts, served without TLS.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{kind} {name!r} {problem}",
    remediation="Add a `tls` entry whose `hosts` list every rule host, with the Secret of its certificate.",
    docs=__doc__ or "",
    applies_to=kinds.INGRESSES,
    precision=Precision.HIGH,
    security_severity=5.0,
    replaces=("polaris:tlsSettingsMissing",),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards",
    ),
)

NO_TLS = "has no tls entry, so it serves plain HTTP"
HOST_NOT_COVERED = "serves host {host!r} over plain HTTP: no tls entry lists it"


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, Ingress) or obj.spec is None:
        return
    spec, args = obj.spec, object_args(obj)
    if not spec.rules and spec.default_backend is None and spec.backend is None:
        return
    if not spec.tls:
        yield Violation(("spec", "tls"), {**args, "problem": NO_TLS})
        return
    if any(not tls.hosts for tls in spec.tls):
        return
    tls_hosts = [host.lower() for tls in spec.tls for host in tls.hosts]
    for index, rule in enumerate(spec.rules):
        if rule.host and not _covered(rule.host.lower(), tls_hosts):
            problem = HOST_NOT_COVERED.format(host=rule.host)
            yield Violation(("spec", "rules", index, "host"), {**args, "problem": problem})


def _covered(host: str, tls_hosts: Sequence[str]) -> bool:
    if host in tls_hosts:
        return True
    if host.startswith("*."):
        return False
    _, dot, parent = host.partition(".")
    return bool(dot) and f"*.{parent}" in tls_hosts
