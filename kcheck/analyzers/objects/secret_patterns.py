"""What looks like a secret written in plain text: shared by `secret-in-env-literal` (KC132) and
`sensitive-configmap-data` (KC134).

Not a rule module (it defines no `RULE`). Two independent tests, both tuned against real manifests:

- `secret_value`: the value has the shape of a credential whatever it is called (a PEM private key, an
  AWS access key ID, a token with a vendor's fixed prefix, a URL with a password in it).
- `secret_name` and `is_plain_value`: the name says it holds a password, token, secret, credential or key
  (`DB_PASSWORD`, `apiKey`, `client-secret`), and the value is a literal, not a reference to where the
  secret really is, a path, a flag or a placeholder.

Names are split into words at `_`, `-`, `.` and case changes (`clientSecret` is `client secret`), so a
word inside another does not count (`VALKEY_ADDR`, `MAX_TOKENS`, `PASSTHROUGH`); a word that describes the
secret before it (`TOKEN_FILE`, `PASSWORD_MIN_LENGTH`, `JWT_SECRET_NAME`, `SECRET_REF`, `AUTH_TOKEN_URL`)
makes the name about the secret, not the secret itself.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A name word that ends like one of these holds a secret (`DBPASSWORD`, `GITHUBTOKEN`, `clientsecret`).
_SECRET_ENDINGS: dict[str, str] = {
    "password": "password",
    "passwords": "password",
    "passwd": "password",
    "passphrase": "password",
    "secret": "secret",
    "secrets": "secret",
    "token": "token",
    "credential": "credential",
    "credentials": "credential",
    "apikey": "API key",
    "apikeys": "API key",
    "accesskey": "access key",
    "secretkey": "secret key",
    "privatekey": "private key",
    "licensekey": "license key",
}
# Whole words only: `pass` and `pwd` are too short to look for inside other words.
_SECRET_WORDS: dict[str, str] = {"pass": "password", "pwd": "password", "bearer": "token"}
# `key` is a secret after one of these words (`API_KEY`, `tls.key`, `ACCOUNT_KEY`), not alone (`CACHE_KEY`).
_KEY_KINDS = _word_set(
    "api access secret private signing sign encryption encrypt master license account auth client session "
    "shared hmac jwt crypto cipher storage ssh tls ssl gpg pgp app"
)
_ACRONYMS = {word: word.upper() for word in ("api", "tls", "ssl", "ssh", "gpg", "pgp", "jwt", "hmac")}
# Words that make a name describe the secret after which they come rather than hold it.
_QUALIFIERS = _word_set(
    """
    file files path paths dir directory folder location mount mountpath name names ref refs reference
    id ids url uri urls endpoint endpoints host hostname server port addr address type kind mode method
    format length len size min max minimum maximum limit ttl timeout expiry expiration expires expire
    lifetime duration age interval period seconds secs minutes hours days header headers namespace
    source provider store backend version enabled enable disabled disable required require policy
    prefix suffix field env var variable rotation algorithm alg algo count regex pattern audience issuer
    scope scopes realm label selector annotation template strategy manager generator verify
    verification validation validate check insecure skip through encryption encoder encoding
    hasher hashing scheme complexity strength engine
    """
)

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

# Values a name can hold without being a secret.
_FLAGS = _word_set("true false yes no on off y n 0 1 enabled disabled enable disable none null nil ~")
_REFERENCE = re.compile(r"(?<!\$)\$\([^)]+\)|\$\{[^}]*\}|\{\{.*?\}\}")
_SECRET_STORE = re.compile(
    r"(vault:|ref\+|arn:aws[a-z-]*:|berglas://|sm://|gcp:|projects/[^/\s]+/secrets/|op://|akv:|"
    r"azurekeyvault:|awssm:|awsssm:|secret://)",
    re.IGNORECASE,
)
_PATH = re.compile(r"(~|\.{1,2})?/\S*|[A-Za-z]:\\\S*|file:\S*")
_FILE_NAME = re.compile(
    r"[\w.-]+\.(pem|key|crt|cert|cer|der|json|p12|pfx|jks|keystore|txt|ya?ml|conf|cfg|ini)"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_PLACEHOLDER = re.compile(
    r"<[^<>]*>|x{3,}|\*{3,}|\.{3,}|(insert|replace|your|enter|put)[-_ ].*|redacted|todo|tbd|placeholder",
    re.IGNORECASE,
)

# Values shaped like a credential, whatever their name. Each pattern comes with the literals one of which
# any match contains: `in` finds them far faster than the regular expression scans a value that has none,
# and ConfigMap values run to hundreds of kilobytes (dashboards, scripts).
_VALUE_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "private key",
        ("PRIVATE KEY",),
        re.compile(r"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"),
    ),
    # Key IDs of long-term (AKIA) and temporary (ASIA) credentials; AWS's documented example ends EXAMPLE.
    (
        "AWS access key ID",
        ("AKIA", "ASIA"),
        re.compile(r"\b(AKIA|ASIA)(?![A-Z0-9]{9}EXAMPLE\b)[A-Z0-9]{16}\b"),
    ),
    (
        "GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b"),
    ),
    ("GitLab token", ("glpat-",), re.compile(r"\bglpat-[A-Za-z0-9_-]{20}\b")),
    ("Slack token", ("xox",), re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("Google API key", ("AIza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Stripe live key", ("k_live_",), re.compile(r"\b[rs]k_live_[0-9A-Za-z]{16,}\b")),
)
# scheme://user:password@host, where the password is written out.
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")


def name_words(name: str) -> list[str]:
    """The words of a variable or key name, in lower case: `clientSecret_FILE` is [client, secret, file]."""
    return [word.lower() for part in re.split(r"[^A-Za-z0-9]+", name) for word in _WORDS.findall(part)]


def secret_name(name: str) -> str | None:
    """What the name says it holds ("password", "token", "credential", "access key", ...), or None."""
    words = name_words(name)
    last, what = -1, None
    for index, word in enumerate(words):
        kind = _SECRET_WORDS.get(word) or next(
            (kind for ending, kind in _SECRET_ENDINGS.items() if word.endswith(ending)), None
        )
        if kind is None and word in ("key", "keys") and index > 0 and words[index - 1] in _KEY_KINDS:
            kind = f"{_ACRONYMS.get(words[index - 1], words[index - 1])} key"
        if kind is not None:
            last, what = index, kind
    if what is None or any(word in _QUALIFIERS for word in words[last + 1 :]):
        return None
    return what


def is_plain_value(value: str, name: str) -> bool:
    """Whether `value` is written out: not empty, a flag, a reference, a path, a URL or a placeholder."""
    text = value.strip()
    if not text or text.lower() in _FLAGS:
        return False
    if _REFERENCE.search(text) or _SECRET_STORE.match(text):
        return False
    if _PATH.fullmatch(text) or _FILE_NAME.fullmatch(text) or _URL.match(text):
        return False
    upper, bare = text.upper(), name.upper()
    return not (_PLACEHOLDER.fullmatch(text) or upper in (bare, bare + "_VAL", bare + "_VALUE"))


def secret_value(value: str) -> str | None:
    """What credential the value holds by its shape ("private key", "AWS access key ID", ...), or None."""
    for what, literals, pattern in _VALUE_PATTERNS:
        if any(literal in value for literal in literals) and pattern.search(value):
            return what
    if "://" not in value:
        return None
    for match in _URL_PASSWORD.finditer(value):
        password = match.group(1)
        if not _REFERENCE.search(password) and not _PLACEHOLDER.fullmatch(password):
            return "password in a URL"
    return None


def matches_any(name: str, patterns: list[str]) -> bool:
    """Whether `name` matches one of the shell-style `patterns`, ignoring case."""
    lowered = name.lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)
