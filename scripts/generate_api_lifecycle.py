"""Regenerate `kcheck/analyzers/schema/api_lifecycle.json`: which Kubernetes minor versions serve which kinds.

Source: the `kubernetes-validate` package (PyPI, Apache-2.0), whose `kubernetes-json-schema/v1.XX.0-local/
_definitions.json` are derived from the upstream OpenAPI specification of each Kubernetes release. Every
definition that the API server serves as a top-level kind carries `x-kubernetes-group-version-kind`; the
set of those group/version/kinds per release is what this script records, as ranges of minor versions.
`kcheck.analyzers.schema.api_versions` derives from it which apiVersions a target release no longer serves
(KC504) and which ones a later bundled release stops serving (KC503).

Left out: the API machinery messages every group version lists (`DeleteOptions`, `WatchEvent`, `Status`),
which no manifest declares, and `<Kind>List` beside its `<Kind>` (kcheck expands lists into their items).

    .venv/bin/pip install --upgrade kubernetes-validate
    .venv/bin/python scripts/generate_api_lifecycle.py      # every version the package ships

The output is deterministic (sorted keys): a regeneration from the same package changes no byte.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
VERSION_DIR = re.compile(r"v1\.(\d+)\.0-local\Z")
MESSAGES = frozenset({"DeleteOptions", "WatchEvent", "Status"})
OUTPUT = Path(__file__).resolve().parent.parent / "kcheck" / "analyzers" / "schema" / "api_lifecycle.json"


def schema_root() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


def available_minors(root: Path) -> list[int]:
    found = (VERSION_DIR.match(entry.name) for entry in root.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def api_version(gvk: dict[str, str]) -> str:
    return f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]


def served_kinds(root: Path, minor: int) -> set[tuple[str, str]]:
    """(apiVersion, kind) of every top-level kind that Kubernetes 1.<minor> serves."""
    path = root / f"v1.{minor}.0-local" / "_definitions.json"
    definitions: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["$defs"]
    found = {
        (api_version(gvk), gvk["kind"])
        for definition in definitions.values()
        for gvk in definition.get("x-kubernetes-group-version-kind", ())
        if gvk["kind"] not in MESSAGES
    }
    return {
        (version, kind)
        for version, kind in found
        if not (kind.endswith("List") and (version, kind.removesuffix("List")) in found)
    }


def ranges(minors: list[int]) -> list[list[int]]:
    """[[first, last], ...]: consecutive runs of the sorted minor versions."""
    runs: list[list[int]] = []
    for minor in minors:
        if runs and runs[-1][1] == minor - 1:
            runs[-1][1] = minor
        else:
            runs.append([minor, minor])
    return runs


def layout(document: dict[str, Any]) -> str:
    """JSON with one line per kind (`"Deployment": [[25, 37]]`): it reads, and diffs, better than 9 lines."""

    def dump(value: object) -> str:
        return json.dumps(value, sort_keys=True)

    served: dict[str, dict[str, Any]] = document["served"]
    groups = []
    for version, kinds in sorted(served.items()):
        lines = ",\n".join(f"    {dump(kind)}: {dump(runs)}" for kind, runs in sorted(kinds.items()))
        groups.append(f"  {dump(version)}: {{\n{lines}\n  }}")
    head = [f" {dump(key)}: {dump(value)}" for key, value in sorted(document.items()) if key != "served"]
    body = ",\n".join(groups)
    return "{\n" + ",\n".join([*head, f' "served": {{\n{body}\n }}']) + "\n}"


def generate(output: Path) -> None:
    root = schema_root()
    minors = available_minors(root)
    if not minors:
        raise SystemExit(f"{root}: no v1.XX.0-local directory")
    by_minor = {minor: served_kinds(root, minor) for minor in minors}
    served: dict[str, dict[str, list[list[int]]]] = {}
    for version, kind in sorted(set().union(*by_minor.values())):
        present = [minor for minor in minors if (version, kind) in by_minor[minor]]
        served.setdefault(version, {})[kind] = ranges(present)
    package_version = importlib.metadata.version(PACKAGE)
    document = {
        "source": f"{PACKAGE} {package_version}: x-kubernetes-group-version-kind of the definitions in "
        "kubernetes-json-schema/v1.<minor>.0-local/_definitions.json",
        "generator": "scripts/generate_api_lifecycle.py",
        "minors": minors,
        "served": served,
    }
    text = layout(document)
    if json.loads(text) != document:
        raise SystemExit("internal error: the layout changed the document")
    output.write_text(text + "\n", encoding="utf-8")
    count = sum(len(kinds) for kinds in served.values())
    print(f"1.{minors[0]}-1.{minors[-1]}: {count} kinds in {len(served)} apiVersions -> {output}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    generate(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
