"""Regenerate kcheck's bundled Kubernetes schemas (`schemas/`) from the `kubernetes-validate` package.

kubernetes-validate (PyPI, Apache-2.0) ships the JSON Schemas that openapi2jsonschema derives from the
upstream Kubernetes OpenAPI specification (`api/openapi-spec/swagger.json` of kubernetes/kubernetes), one
directory per minor version. We read the non-strict `v1.XX.0-local` variant: it keeps every
`x-kubernetes-*` extension, and kcheck applies strictness (unknown fields) itself.

The bundle is compact: each distinct definition is stored once in `definitions.json.gz`, keyed by a hash
of its content (most definitions are identical across versions), and `<X.Y>.json.gz` maps every
top-level `apiVersion|kind` of that version to its definition name, and every definition name to a hash.
Descriptions and patch-strategy hints are dropped: they do not change what validates.

    .venv/bin/pip install --upgrade kubernetes-validate
    .venv/bin/python scripts/generate_schemas.py            # the five newest minor versions
    .venv/bin/python scripts/generate_schemas.py 1.32 1.33  # or the ones named

Output is deterministic (sorted keys, gzip without a timestamp), so a regeneration only shows real changes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
VERSION_DIR = re.compile(r"v(\d+)\.(\d+)\.0-local\Z")
REF_PREFIX = "#/$defs/"
# Keys that document or guide merging but never change whether a value is valid.
_DROPPED = frozenset(
    {
        "description",
        "x-kubernetes-patch-strategy",
        "x-kubernetes-patch-merge-key",
        "x-kubernetes-group-version-kind",
        "x-kubernetes-unions",
    }
)
# Keys whose value is a mapping of names to schemas (the names are data, not keywords).
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs"})
DEFAULT_COUNT = 5


def schema_root() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:
        raise SystemExit(f"install {PACKAGE} first: .venv/bin/pip install {PACKAGE}")
    return Path(spec.origin).parent / "kubernetes-json-schema"


def available_versions(root: Path) -> list[tuple[int, int]]:
    found = (VERSION_DIR.match(entry.name) for entry in root.iterdir())
    return sorted((int(m.group(1)), int(m.group(2))) for m in found if m)


def strip(schema: Any) -> Any:
    """The schema without the keys in `_DROPPED` (at every level)."""
    if isinstance(schema, list):
        return [strip(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: strip(sub) for name, sub in value.items()}
        elif key not in _DROPPED:
            result[key] = strip(value)
    return result


def content_hash(definition: Any) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def check_refs(name: str, schema: Any, names: set[str]) -> None:
    """Every `$ref` must name a definition of the same version (the loader relies on it)."""
    if isinstance(schema, list):
        for item in schema:
            check_refs(name, item, names)
    elif isinstance(schema, dict):
        ref = schema.get("$ref")
        if ref is not None and (not ref.startswith(REF_PREFIX) or ref[len(REF_PREFIX) :] not in names):
            raise SystemExit(f"{name}: unresolvable $ref {ref!r}")
        for key, value in schema.items():
            # JSONSchemaProps has a property named `$ref`: under `properties`, keys are names.
            subschemas = value.values() if key in _SCHEMA_MAPS and isinstance(value, dict) else [value]
            for subschema in subschemas:
                check_refs(name, subschema, names)


def api_version(gvk: dict[str, str]) -> str:
    return f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]


def read_version(root: Path, version: tuple[int, int]) -> tuple[dict[str, str], dict[str, Any]]:
    """(`apiVersion|kind` -> definition name, definition name -> stripped definition) of one version."""
    path = root / f"v{version[0]}.{version[1]}.0-local" / "_definitions.json"
    definitions: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["$defs"]
    kinds: dict[str, str] = {}
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", ()):
            key = f"{api_version(gvk)}|{gvk['kind']}"
            # A GVK belongs to one definition; the shared meta types (DeleteOptions, WatchEvent) list many
            # GVKs of their own kind, never another definition's.
            if kinds.setdefault(key, name) != name:
                raise SystemExit(f"{key} is defined by both {kinds[key]} and {name}")
    stripped = {name: strip(definition) for name, definition in definitions.items()}
    for name, definition in stripped.items():
        check_refs(name, definition, set(stripped))
    return kinds, stripped


def write_gzip_json(path: Path, value: Any) -> None:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # mtime=0 and no file name: the same input gives the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text.encode("utf-8"))


def generate(output: Path, versions: list[tuple[int, int]]) -> None:
    root = schema_root()
    shared: dict[str, Any] = {}
    output.mkdir(parents=True, exist_ok=True)
    for stale in output.glob("*.json.gz"):
        stale.unlink()
    for version in versions:
        kinds, definitions = read_version(root, version)
        by_name = {}
        for name, definition in definitions.items():
            digest = content_hash(definition)
            if shared.setdefault(digest, definition) != definition:
                raise SystemExit(f"hash collision on {digest}")
            by_name[name] = digest
        index = {"kinds": kinds, "definitions": by_name}
        write_gzip_json(output / f"{version[0]}.{version[1]}.json.gz", index)
        print(f"{version[0]}.{version[1]}: {len(kinds)} kinds, {len(definitions)} definitions")
    write_gzip_json(output / "definitions.json.gz", shared)
    package_version = importlib.metadata.version(PACKAGE)
    readme = README.format(
        package=PACKAGE,
        package_version=package_version,
        versions=", ".join(f"{major}.{minor}" for major, minor in versions),
        count=len(shared),
    )
    (output / "README.md").write_text(readme, encoding="utf-8")
    print(f"{len(shared)} distinct definitions; source: {PACKAGE} {package_version}")


README = """\
# Bundled Kubernetes schemas

Generated by `scripts/generate_schemas.py`; do not edit by hand.

- Kubernetes versions: {versions} (the newest is kcheck's default `--kubernetes-version`).
- Source: the Python package [`{package}`](https://pypi.org/project/{package}/) {package_version}
  (<https://github.com/willthames/kubernetes-validate>), directories `kubernetes-json-schema/v<X.Y>.0-local`
  (the non-strict variant: kcheck decides what an unknown field is). Those JSON Schemas are generated by
  openapi2jsonschema from the upstream Kubernetes OpenAPI specification
  (`api/openapi-spec/swagger.json` in <https://github.com/kubernetes/kubernetes>), keeping the
  `x-kubernetes-*` extensions.
- Licence: Apache-2.0 (kubernetes-validate and the Kubernetes OpenAPI specification alike).

## Layout

- `definitions.json.gz`: {{content hash: definition}}, each of the {count} distinct definitions once (most
  are identical across versions). `$ref`s are `#/$defs/<definition name>`, resolved per version.
  Descriptions, patch strategies, unions and group-version-kind lists are dropped: they do not change what
  validates.
- `<X.Y>.json.gz`: `{{"kinds": {{"<apiVersion>|<kind>": <definition name>}}, "definitions": {{<definition
  name>: <content hash>}}}}` for every top-level kind of that version (from
  `x-kubernetes-group-version-kind`).

## Refreshing

```
.venv/bin/pip install --upgrade kubernetes-validate
.venv/bin/python scripts/generate_schemas.py          # the five newest minor versions it ships
.venv/bin/python scripts/generate_schemas.py 1.34 1.35 1.36 1.37 1.38   # or exactly these
```

The output is deterministic: a regeneration from the same package changes no byte.
"""


def parse_version(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: expected X.Y")
    return int(match.group(1)), int(match.group(2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("versions", nargs="*", type=parse_version, help="X.Y (default: the five newest)")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent.parent / "schemas")
    args = parser.parse_args(argv)
    available = available_versions(schema_root())
    versions = sorted(args.versions) or available[-DEFAULT_COUNT:]
    missing = [v for v in versions if v not in available]
    if missing:
        names = ", ".join(f"{major}.{minor}" for major, minor in missing)
        parser.error(f"{PACKAGE} has no schemas for {names}")
    generate(args.output, versions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
