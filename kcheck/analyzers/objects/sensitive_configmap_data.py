"""## What it does
Checks the `data` and `binaryData` of ConfigMaps (the core `v1` kind; a custom resource of another group
named ConfigMap is not one) for entries that look like secrets:

- a value with the shape of a credential, whatever its key: a PEM private key, an AWS access key ID, a
  GitHub, GitLab or Slack token, a Google API key, a Stripe live key, or a URL with a password in it.
  This also finds them inside configuration files stored in the ConfigMap;
- a key whose name says it holds a password, token, secret, credential or key (`db-password`,
  `client_secret`, `apiKey`, `tls.key`), with a value written out: not empty, a flag, a reference
  (`$(VAR)`, `${VAR}`, `{{ ... }}`, `vault:...`), a path, a file name, a URL without a password or an
  evident placeholder. Names follow the same word rules as `secret-in-env-literal` (KC132), so `TOKEN_TTL`
  or `secret-name` are not secrets.

`binaryData` values are decoded from base64 first. Settings inside a configuration file
(`password=...` in an `application.properties` value) are not parsed; only the shapes above are found
there. The message never repeats the value.

## Why is this bad?
ConfigMaps are meant to be read: RBAC roles commonly grant `get` on them far more widely than on Secrets,
they are printed by `kubectl describe`, copied into logs and dashboards, and never encrypted at rest by
the API server's Secret encryption. A credential in one is readable by everyone who can read the
namespace's configuration. Put it in a Secret and mount or reference that instead.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  log-level: info
  db-password: s3cr3t-passw0rd
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  log-level: info
  db-password-file: /etc/web-db/password
```
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.secret_patterns import is_plain_value, matches_any, secret_name, secret_value
from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.config import ConfigMap


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed_keys: list[str] = Field(
        default=[],
        description=(
            "Keys (shell-style patterns such as `*-public-key`, ignoring case) whose values are not secrets "
            "whatever their name says; their values are still checked for the shape of a credential."
        ),
    )


RULE = RuleSpec(
    id="KC134",
    name="sensitive-configmap-data",
    summary="A ConfigMap entry that holds a password, token, key or other secret.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{kind} {name!r} holds a plain-text {what} under {field} key {key!r}: ConfigMaps are not "
    "protected like Secrets",
    remediation="Move the entry into a Secret and reference the Secret instead of the ConfigMap.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("ConfigMap"),
    options=Options,
    precision=Precision.HIGH,
    security_severity=6.5,
    replaces=("polaris:sensitiveConfigmapContent", "kube-linter:configmap-with-credentials"),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/configmap/",
        "https://kubernetes.io/docs/concepts/configuration/secret/",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    if not isinstance(obj, ConfigMap):
        return
    allowed = (options or Options()).allowed_keys
    entries: list[tuple[str, str, str | None]] = [("data", key, value) for key, value in obj.data.items()]
    entries += [("binaryData", key, _decoded(value)) for key, value in obj.binary_data.items()]
    for field, key, value in entries:
        what = _secret(key, value, allowed)
        if what is not None:
            args = {**object_args(obj), "what": what, "field": field, "key": key}
            yield Violation((field, key), args)


def _secret(key: str, value: str | None, allowed: list[str]) -> str | None:
    """What secret the entry holds; `value` None for binary content that is not text."""
    if value is None:
        # Bytes that are not text cannot be a flag, a reference or a placeholder: a key file, a keystore.
        return None if matches_any(key, allowed) else secret_name(key)
    what = secret_value(value)
    if what is None and not matches_any(key, allowed) and is_plain_value(value, key):
        what = secret_name(key)
    return what


def _decoded(stored: str) -> str | None:
    """The text of a binaryData value, None when it is not text ("" when it is not base64: the API server
    rejects such a ConfigMap, and the schema rules report it)."""
    try:
        # Go's base64 decoder, which the API server's JSON decoding uses, skips line breaks.
        raw = base64.b64decode(stored.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return ""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
