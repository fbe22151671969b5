"""The configuration file: `.kcheck.yaml`, `.kcheck.yml` or `[tool.kcheck]` in `pyproject.toml`.

`load_settings` finds it (walking up from the working directory, or `--config`), parses it with kcheck's
own YAML loader and validates it with `Settings`. Every problem is a `ConfigError` naming the file, the
key (with line:column in YAML files) and what is wrong. Which rules the selectors name is decided later,
in `kcheck.engine.selection`, which knows the rules.

Regenerate `config.schema.json` after changing `Settings`: `python -m kcheck.engine.config`.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from kcheck.core import input_ids
from kcheck.core.errors import ConfigError
from kcheck.core.location import ObjectPath, format_path
from kcheck.core.severity import Severity
from kcheck.kube.net import parse_cidr
from kcheck.source.loader import DEFAULT_MAX_FILE_BYTES, load_bytes

# Looked for in each directory from the working directory up to the filesystem root, in this order.
CONFIG_FILE_NAMES = (".kcheck.yaml", ".kcheck.yml", "pyproject.toml")
SCHEMA_PATH = Path(__file__).with_name("config.schema.json")

# Problems the YAML loader reports that make a configuration file unusable. The others (an ambiguous
# YAML 1.1 scalar, a non-UTF-8 encoding) are findings about manifests, not errors in a config.
_FATAL_YAML_PROBLEMS = frozenset(
    {
        input_ids.YAML_SYNTAX_ERROR,
        input_ids.DUPLICATE_KEY,
        input_ids.UNDECODABLE_FILE,
        input_ids.OVERSIZED_FILE,
        input_ids.EXCESSIVE_ALIASING,
        input_ids.EXCESSIVE_NESTING,
    }
)

FailOn = Literal["error", "warning", "info", "never"]
# `core.rules.PROFILE_NAMES`, spelled out for the configuration's schema.
ProfileName = Literal["minimal", "default", "strict", "pss-baseline", "pss-restricted"]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class ConfigOrigin:
    """The file settings were read from, and how to find a key in it."""

    def __init__(
        self, path: Path, display: str, table: str, locate: Callable[[ObjectPath], tuple[int, int]] | None
    ) -> None:
        self.path = path
        self.display = display  # as messages name it: relative to the working directory when below it
        self.table = table  # "[tool.kcheck]" for pyproject.toml, "" for YAML
        self._locate = locate

    def where(self, keys: ObjectPath) -> str:
        if self._locate is None:
            return f"{self.display}{' ' + self.table if self.table else ''}"
        line, column = self._locate(keys)
        return f"{self.display}:{line}:{column}"


class _ConfigModel(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True)


class RuleSettings(_ConfigModel):
    """Settings of one rule, under `rules.<id or name>`."""

    severity: Severity | None = Field(None, description="Report this rule's findings at this severity.")
    options: dict[str, Any] = Field(
        default_factory=dict, description="The rule's options; `kcheck rules explain ID` lists them."
    )


class NetworkSettings(_ConfigModel):
    """What the NetworkPolicy analysis assumes about the cluster network, under `network`."""

    host_network_pods: Literal["unselected", "selected"] = Field(
        "unselected",
        description="Whether NetworkPolicy selectors select hostNetwork pods: `unselected` (what most "
        "network plugins do: their traffic is the node's) or `selected` (treated as ordinary pods).",
    )
    pod_cidrs: list[str] = Field(
        default_factory=list,
        description="The pod network's CIDRs. Given, an ipBlock that covers all of them also admits every "
        "pod (as Calico does); not given, ipBlocks never match pods (as Cilium does).",
    )

    @field_validator("pod_cidrs")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            problem = parse_cidr(value)
            if isinstance(problem, str):
                raise ValueError(problem)
        return values


class Settings(_ConfigModel):
    """The kcheck configuration (`.kcheck.yaml`, or `[tool.kcheck]` in `pyproject.toml`)."""

    model_config = ConfigDict(title="kcheck configuration")

    select: list[str] | None = Field(
        None,
        description="Rules to run: ids (KC101), id prefixes (KC1) or names (privileged-container). "
        "Unset: every rule that is enabled by default. `--select` replaces it.",
    )
    profile: ProfileName = Field(
        "default",
        description="The rule set `select` starts from: minimal, default or strict (each includes the one "
        "before), or the Pod Security Standards controls of pss-baseline or pss-restricted. `--profile` "
        "replaces it.",
    )
    incumbent_annotations: bool = Field(
        True,
        description="Honour the suppression annotations of kube-linter, Polaris, kube-score and Checkov as "
        "suppressions of the kcheck rules that replace their checks.",
    )
    extend_select: list[str] = Field(
        default_factory=list, description="Rules to run in addition to `select`."
    )
    ignore: list[str] = Field(
        default_factory=list,
        description="Rules not to run. Against `select`, the more specific selector wins (KC101 beats KC1).",
    )
    fail_on: FailOn = Field(
        "warning",
        description="Exit with 1 when a finding has this severity or a higher one; `never` always exits 0.",
    )
    rules: dict[str, RuleSettings] = Field(
        default_factory=dict, description="Per-rule severity and options, keyed by rule id or name."
    )
    per_path_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Glob (relative to this file's directory) -> selectors of rules not reported there.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Globs of files and directories not to read, relative to this file's directory "
        "(as in .gitignore, a pattern without `/` matches a name at any depth).",
    )
    kubernetes_version: str | None = Field(
        None,
        pattern=r"^[0-9]+\.[0-9]+$",
        description='The Kubernetes version (X.Y, as a string: "1.30") whose APIs and schemas apply.',
    )
    max_file_size: int = Field(
        DEFAULT_MAX_FILE_BYTES,
        gt=0,
        description="Files larger than this many bytes are reported (KC011) and skipped.",
    )
    crds: list[str] = Field(
        default_factory=list,
        description="CustomResourceDefinition files or directories (relative to this file's directory) that "
        "define the custom resources of the input, as `--crd` does.",
    )
    default_namespace: str = Field(
        "default",
        min_length=1,
        description="The namespace of objects that do not name one (as kubectl apply does).",
    )
    network: NetworkSettings = Field(
        default_factory=NetworkSettings,
        description="What the NetworkPolicy analysis assumes about the cluster network.",
    )
    tool_config_kinds: list[str] = Field(
        default_factory=list,
        description="More `group/Kind` patterns (`*` a wildcard, `core` the core group) of tool "
        "configuration files that are shaped like objects but never applied; they are skipped like the "
        "built-in ones (kind, kubeadm, kubelet, kustomize, skaffold, kubeconfig, ...).",
    )

    # Where the settings came from, so that later checks (selection) can name the file and key.
    _origin: ConfigOrigin | None = PrivateAttr(None)

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _version_is_a_string(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # YAML and TOML read 1.30 as the number 1.3: refuse rather than check the wrong version.
            raise ValueError(
                f'write the version as a quoted string ("1.30"): unquoted, it is the number {value}'
            )
        return value

    @property
    def fail_on_severity(self) -> Severity | None:
        """The least severity that fails a run; None for `never`."""
        return None if self.fail_on == "never" else Severity(self.fail_on)

    @property
    def origin(self) -> ConfigOrigin | None:
        return self._origin

    def describe_key(self, keys: ObjectPath) -> str:
        """`FILE:LINE:COL: key.path` for messages about a key of the configuration file."""
        key = format_path(keys)
        return f"{self._origin.where(keys)}: {key}" if self._origin else f"configuration: {key}"


def closest(word: str, candidates: list[str]) -> str:
    """`; did you mean X?` when something is close to `word`, else nothing."""
    matches = difflib.get_close_matches(word, candidates, n=1)
    return f"; did you mean {matches[0]!r}?" if matches else ""


def _validation_message(error: ValidationError, origin: ConfigOrigin) -> str:
    lines = []
    for detail in error.errors():
        keys = tuple(detail["loc"])
        if detail["type"] == "extra_forbidden":
            parent = keys[:-1]
            allowed = _allowed_keys(parent)
            problem = f"unknown key{closest(str(keys[-1]), allowed)}"
            if allowed and not problem.endswith("?"):
                problem += f" (expected one of: {', '.join(allowed)})"
        else:
            problem = detail["msg"].removeprefix("Value error, ")
        lines.append(f"{origin.where(keys)}: {format_path(keys)}: {problem}")
    return "\n".join(lines)


def _allowed_keys(parent: ObjectPath) -> list[str]:
    model: type[BaseModel] = Settings if not parent else RuleSettings
    if parent and (parent[0] != "rules" or len(parent) != 2):
        return []
    return sorted(field.alias or name for name, field in model.model_fields.items())


def _validate(data: object, origin: ConfigOrigin) -> Settings:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{origin.where(())}: the configuration must be a mapping of keys to values")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_validation_message(error, origin)) from None
    settings._origin = origin
    return settings


def _read(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"{display}: cannot read the configuration file: {error.strerror or error}"
        ) from None


def _load_yaml(path: Path, display: str) -> Settings:
    source = load_bytes(display, _read(path, display))
    for problem in source.problems:
        if problem.rule_id in _FATAL_YAML_PROBLEMS:
            detail = problem.args.get("problem") or ", ".join(f"{k}={v}" for k, v in problem.args.items())
            if problem.rule_id == input_ids.DUPLICATE_KEY:
                detail = f"duplicate key {problem.args['key']!r} (first on line {problem.args['first_line']})"
            raise ConfigError(f"{display}:{problem.span.line}:{problem.span.column}: {detail}")
    if len(source.documents) > 1:
        second = source.documents[1].span_of(())
        raise ConfigError(
            f"{display}:{second.line}:{second.column}: a configuration file holds one YAML document"
        )
    if not source.documents:
        return _validate({}, ConfigOrigin(path, display, "", None))
    document = source.documents[0]

    def locate(keys: ObjectPath) -> tuple[int, int]:
        if not keys:
            start = document.root.start_mark
            return 1 + start.line + document.line_offset, 1 + start.column
        span = document.span_of(keys)
        return span.line, span.column

    return _validate(document.value, ConfigOrigin(path, display, "", locate))


def _tomllib() -> Any:
    """The TOML parser, when Python has one (3.11+): kcheck does not depend on tomli for Python 3.10."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    return None


def _pyproject_table(path: Path, display: str, toml: Any) -> object | None:
    """The `[tool.kcheck]` table of a pyproject.toml, or None when it has none."""
    try:
        document = toml.loads(_read(path, display).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ConfigError(f"{display}: invalid TOML: {error}") from None
    tool = document.get("tool")
    return tool.get("kcheck") if isinstance(tool, dict) else None


def _load_file(path: Path, cwd: Path) -> Settings:
    try:
        display = path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        display = str(path)
    if path.suffix != ".toml":
        return _load_yaml(path, display)
    toml = _tomllib()
    if toml is None:
        raise ConfigError(
            f"{display}: reading TOML needs Python 3.11 or later; use a .kcheck.yaml file instead"
        )
    table = _pyproject_table(path, display, toml)
    if table is None:
        raise ConfigError(f"{display}: no [tool.kcheck] table")
    return _validate(table, ConfigOrigin(path, display, "[tool.kcheck]", None))


def find_config(cwd: Path) -> Path | None:
    """The nearest configuration file in `cwd` or above; a pyproject.toml counts only with [tool.kcheck]."""
    toml = _tomllib()
    for directory in (cwd.resolve(), *cwd.resolve().parents):
        for name in CONFIG_FILE_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            if toml is not None and _pyproject_table(candidate, str(candidate), toml) is not None:
                return candidate
    return None


def load_settings(config: Path | None, cwd: Path) -> tuple[Settings, Path | None]:
    """The settings and the file they came from (`config` if given, else the nearest one; else defaults)."""
    if config is not None:
        path = config if config.is_absolute() else cwd / config
        if not path.is_file():
            raise ConfigError(f"{config}: no such configuration file")
        return _load_file(path, cwd), path
    found = find_config(cwd)
    if found is None:
        return Settings(), None
    return _load_file(found, cwd), found


def config_json_schema() -> str:
    """The JSON Schema of the configuration file, as `kcheck/engine/config.schema.json` holds it."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Settings.model_json_schema(by_alias=True),
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(config_json_schema(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_PATH}\n")
