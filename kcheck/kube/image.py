"""Container image references as the kubelet and the container runtimes read them
(github.com/distribution/reference `ParseNormalizedNamed`): the grammar, the implicit Docker Hub registry
and `library/` namespace, the tag and the digest.

`nginx` is `docker.io/library/nginx`, `user/app` is `docker.io/user/app`, and a first component holding
a `.` or a `:`, or one that is `localhost` or not lowercase, is a registry (`registry:5000/app`,
`LOCALHOST/app`). The kubelet refuses to pull a reference this grammar rejects (`InvalidImageName`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_DOMAIN = "docker.io"
_LEGACY_DEFAULT_DOMAIN = "index.docker.io"
_OFFICIAL_REPO_PREFIX = "library/"
_LOCALHOST = "localhost"
# reference.NameTotalLengthMax
_NAME_MAX = 255

# distribution/reference regexp.go.
_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALPHANUMERIC}(?:{_SEPARATOR}{_ALPHANUMERIC})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"((?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)(?::({_TAG}))?(?:@({_DIGEST}))?\Z",
    re.ASCII,
)
_IDENTIFIER = re.compile(r"[a-f0-9]{64}\Z")
# go-digest's registered algorithms and the length of their lowercase hex encoding (Digest.Validate).
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_LOWER_HEX = re.compile(r"[a-f0-9]+\Z")


@dataclass(frozen=True, slots=True)
class ImageReference:
    """A normalized reference: `docker.io` / `library/nginx` : `1.27` @ `sha256:…`."""

    domain: str
    path: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The repository with its registry: `docker.io/library/nginx`."""
        return f"{self.domain}/{self.path}"

    @property
    def pull_tag(self) -> str | None:
        """The tag the kubelet pulls (ParseImageName): `latest` when there is neither tag nor digest."""
        if self.tag is None and self.digest is None:
            return "latest"
        return self.tag


def split_domain(name: str) -> tuple[str, str]:
    """The registry and the rest of `name` (splitDockerDomain): `nginx` -> (`docker.io`, `library/nginx`)."""
    first, slash, rest = name.partition("/")
    if not slash:
        return DEFAULT_DOMAIN, _OFFICIAL_REPO_PREFIX + name
    if first == _LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    elif first == _LOCALHOST or any(c in first for c in ".:") or first.lower() != first:
        domain = first
    else:
        domain, rest = DEFAULT_DOMAIN, name
    if domain == DEFAULT_DOMAIN and "/" not in rest:
        rest = _OFFICIAL_REPO_PREFIX + rest
    return domain, rest


def parse_image(image: str) -> ImageReference | None:
    """The normalized reference of `image`, or None where the runtime rejects it (ParseNormalizedNamed)."""
    if _IDENTIFIER.match(image):
        return None  # a bare image id is not a reference
    domain, remainder = split_domain(image)
    # The repository must be lowercase; the registry may not be (ParseNormalizedNamed checks up to the first
    # `:` of the remainder, which is the tag's, or the digest's algorithm).
    repository = remainder.partition(":")[0]
    if repository.lower() != repository:
        return None
    match = _REFERENCE.match(f"{domain}/{remainder}")
    if match is None or len(match.group(1)) > _NAME_MAX:
        return None
    digest = match.group(3)
    if digest is not None:
        algorithm, _, encoded = digest.partition(":")
        if _DIGEST_LENGTHS.get(algorithm) != len(encoded) or not _LOWER_HEX.match(encoded):
            return None
    path = match.group(1)[len(domain) + 1 :]
    return ImageReference(domain, path, match.group(2), digest)
