"""## What it does
Checks the `env` of every container, init container and ephemeral container for a secret written out in
`value`, in two ways:

- the value has the shape of a credential, whatever the variable is called: a PEM private key
  (`-----BEGIN ... PRIVATE KEY-----`), an AWS access key ID (`AKIA...`, `ASIA...`), a GitHub, GitLab or
  Slack token, a Google API key, a Stripe live key, or a URL with a password in it
  (`postgres://app:s3cret@db/app`);
- the name says it holds a password, token, secret, credential or key (`DB_PASSWORD`, `apiKey`,
  `CLIENT_SECRET`, `AWS_SECRET_ACCESS_KEY`), and the value is written out.

Names are split into words (at `_`, `-`, `.` and case changes), so `VALKEY_ADDR`, `MAX_TOKENS` or
`SSL_PASSTHROUGH` are not secrets, and a name whose secret word is followed by one that describes it
(`TOKEN_FILE`, `JWT_SECRET_NAME`, `PASSWORD_SECRET_REF`, `PASSWORD_MIN_LENGTH`, `AUTH_TOKEN_URL`,
`ACCESS_KEY_ID`) is about the secret, not the secret itself. A value is not a secret when it is empty, a
flag (`true`, `0`, `disabled`), a reference expanded at run time (`$(DB_PASSWORD)`, `${DB_PASSWORD}`), a
reference to a secret store (`vault:...`, `arn:aws:...`, `ref+...`), a path or a file name, a URL without a
password, or an evident placeholder (`<your-token>`, `REPLACE_ME`, the variable's own name). Variables that
take their value from `valueFrom` are never reported here (`secret-in-env-var`, KC133, is about those).
The message never repeats the value.

## Why is this bad?
A value written in the manifest is in the repository, in every rendered copy and CI log, in the object
stored by the API server (readable by anyone who can read the workload, which is far more people than can
read Secrets), and in `kubectl describe`. Anyone who sees any of those has the credential, and it cannot
be rotated without a commit. Put it in a Secret (or an external secret store) and reference it.

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
          value: s3cr3t-passw0rd
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
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: web-db
              key: password
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.secret_patterns import is_plain_value, matches_any, secret_name, secret_value
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed_names: list[str] = Field(
        default=[],
        description=(
            "Variable names (shell-style patterns such as `*_PUBLIC_TOKEN`, ignoring case) whose literal "
            "values are not secrets; their values are still checked for the shape of a credential."
        ),
    )


RULE = RuleSpec(
    id="KC132",
    name="secret-in-env-literal",
    summary="A container env var with a secret written in its `value`.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{role} {container!r} sets env var {variable!r} to a plain-text {what}: anyone who can read the "
    "manifest or the pod can read it",
    remediation="Move the value into a Secret and reference it with `valueFrom.secretKeyRef`, or mount it "
    "as a file.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.HIGH,
    security_severity=8.0,
    replaces=("kube-linter:env-var-secret", "polaris:sensitiveContainerEnvVar"),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    allowed = (options or Options()).allowed_names
    for container in workload.containers:
        for index, env in enumerate(container.container.env):
            value, name = env.value, env.name or ""
            if not value:
                continue
            what = secret_value(value)
            if what is None and not matches_any(name, allowed) and is_plain_value(value, name):
                what = secret_name(name)
            if what is not None:
                args = {**container.args, "variable": name, "what": what}
                yield Violation(container.at("env", index, "value"), args)
