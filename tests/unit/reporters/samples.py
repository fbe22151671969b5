"""Hand-made reports for the reporter and docs tests: two files, four rules, one suppressed finding."""

from __future__ import annotations

from dataclasses import replace

from kcheck.core.findings import Finding, ObjectRef, RelatedLocation, Report, Suppression
from kcheck.core.location import Location, Span
from kcheck.core.rules import Category, RuleSpec
from kcheck.core.severity import Severity

DOCS = """\
## What it does
Checks for containers whose `securityContext` sets `privileged: true`.

## Why is this bad?
A privileged container has every capability of the host.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
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
      image: nginx:1.27
```
"""


def rule(
    rule_id: str,
    name: str,
    severity: Severity = Severity.WARNING,
    category: Category = Category.RELIABILITY,
    security_severity: float | None = None,
) -> RuleSpec:
    return RuleSpec(
        id=rule_id,
        name=name,
        summary=f"Summary of {name}.",
        severity=severity,
        category=category,
        message="{what}",
        remediation=f"Fix {name}.",
        docs=DOCS,
        security_severity=security_severity,
    )


PRIVILEGED = rule("KC101", "privileged-container", Severity.ERROR, Category.SECURITY, 8.0)
LATEST_TAG = rule("KC102", "latest-image-tag")
NO_PROBE = rule("KC103", "missing-liveness-probe", Severity.INFO)
DANGLING = rule("KC201", "dangling-service", category=Category.CORRECTNESS)

DEPLOY_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    ignore.kcheck.io/KC102: "pinned by digest upstream"
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:latest
          securityContext:
            privileged: true
"""

SVC_YAML = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: wbe
"""

DEPLOYMENT = ObjectRef("apps/v1", "Deployment", "default", "web")
SERVICE = ObjectRef("v1", "Service", "default", "web")
CONTAINER = ("spec", "template", "spec", "containers", 0)


def finding(
    spec: RuleSpec,
    message: str,
    path: str,
    span: Span,
    *,
    severity: Severity | None = None,
    suppression: Suppression | None = None,
    related: tuple[RelatedLocation, ...] = (),
    obj: ObjectRef | None = DEPLOYMENT,
) -> Finding:
    return Finding(
        rule_id=spec.id,
        rule_name=spec.name,
        severity=severity or spec.severity,
        message=message,
        location=Location(path, span),
        object=obj,
        object_path=None,
        related=related,
        fingerprint=f"{spec.id}-{path}-{span.line}",
        suppression=suppression,
    )


NO_PROBE_FINDING = Finding(
    rule_id="KC103",
    rule_name="missing-liveness-probe",
    severity=Severity.INFO,
    message="container 'app' has no liveness probe",
    location=Location("deploy.yaml", Span(11, 11, 11, 20)),
    object=DEPLOYMENT,
    object_path=CONTAINER,
    fingerprint="fp-probe",
)
LATEST_FINDING = Finding(
    rule_id="KC102",
    rule_name="latest-image-tag",
    severity=Severity.WARNING,
    message="container 'app' uses the tag 'latest'",
    location=Location("deploy.yaml", Span(12, 11, 12, 30)),
    object=DEPLOYMENT,
    object_path=(*CONTAINER, "image"),
    fingerprint="fp-latest",
    suppression=Suppression(
        "annotation", "pinned by digest upstream", Location("deploy.yaml", Span(6, 5, 6, 56))
    ),
)
PRIVILEGED_FINDING = Finding(
    rule_id="KC101",
    rule_name="privileged-container",
    severity=Severity.ERROR,
    message="container 'app' runs privileged",
    location=Location("deploy.yaml", Span(14, 13, 14, 29)),
    object=DEPLOYMENT,
    object_path=(*CONTAINER, "securityContext", "privileged"),
    fingerprint="fp-privileged",
)
DANGLING_FINDING = Finding(
    rule_id="KC201",
    rule_name="dangling-service",
    severity=Severity.WARNING,
    message="Service 'web' selects no pods",
    location=Location("svc.yaml", Span(7, 5, 7, 13)),
    object=SERVICE,
    object_path=("spec", "selector"),
    related=(
        RelatedLocation(
            Location("deploy.yaml", Span(4, 3, 4, 12)), "Deployment web is labelled app=web", DEPLOYMENT
        ),
    ),
    fingerprint="fp-dangling",
)


SAMPLE = Report(
    findings=(NO_PROBE_FINDING, LATEST_FINDING, PRIVILEGED_FINDING, DANGLING_FINDING),
    rules=(PRIVILEGED, LATEST_TAG, NO_PROBE, DANGLING),
    files=5,
    objects=12,
    tool_version="0.1.0",
    fail_on=Severity.WARNING,
    sources={"deploy.yaml": DEPLOY_YAML, "svc.yaml": SVC_YAML},
)


def report_of(findings: list[Finding] | tuple[Finding, ...]) -> Report:
    """The sample report with other findings, sorted as the engine sorts them."""
    return replace(SAMPLE, findings=tuple(sorted(findings, key=Finding.sort_key)))
