"""Configuration files: discovery, parsing and the errors a user sees."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kcheck.core.errors import ConfigError
from kcheck.core.severity import Severity
from kcheck.engine.config import SCHEMA_PATH, Settings, config_json_schema, find_config, load_settings

needs_tomllib = pytest.mark.skipif(sys.version_info < (3, 11), reason="TOML is read with tomllib (3.11+)")


def _load_error(tmp_path: Path, text: str, name: str = ".kcheck.yaml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(None, tmp_path)
    return str(caught.value)


def test_schema_file_is_generated_from_the_settings_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == config_json_schema(), (
        "run `python -m kcheck.engine.config`"
    )
    properties = json.loads(config_json_schema())["properties"]
    assert "per-path-ignores" in properties
    assert properties["fail-on"]["enum"] == ["error", "warning", "info", "never"]


def test_no_config_file_gives_defaults(tmp_path: Path) -> None:
    settings, path = load_settings(None, tmp_path)
    assert path is None
    assert settings == Settings()
    assert settings.select is None
    assert settings.fail_on_severity is Severity.WARNING
    assert settings.default_namespace == "default"


def test_every_key_is_read_in_kebab_case(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text(
        """\
select: [KC1, dangling-service]
extend-select: [KC111]
ignore: [KC102]
fail-on: never
rules:
  KC101: {severity: info}
  too-many-replicas:
    options: {max-replicas: 3}
per-path-ignores:
  "charts/**": [KC1]
exclude: [vendor]
kubernetes-version: "1.30"
max-file-size: 1024
default-namespace: apps
""",
        encoding="utf-8",
    )
    settings, path = load_settings(None, tmp_path)
    assert path == (tmp_path / ".kcheck.yaml").resolve()
    assert settings.select == ["KC1", "dangling-service"]
    assert settings.extend_select == ["KC111"]
    assert settings.ignore == ["KC102"]
    assert settings.fail_on_severity is None
    assert settings.rules["KC101"].severity is Severity.INFO
    assert settings.rules["too-many-replicas"].options == {"max-replicas": 3}
    assert settings.per_path_ignores == {"charts/**": ["KC1"]}
    assert settings.exclude == ["vendor"]
    assert settings.kubernetes_version == "1.30"
    assert settings.max_file_size == 1024
    assert settings.default_namespace == "apps"


def test_discovery_walks_up_to_the_nearest_config(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yml").write_text("fail-on: error\n", encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    settings, path = load_settings(None, nested)
    assert path == (tmp_path / ".kcheck.yml").resolve()
    assert settings.fail_on == "error"
    # A nearer one wins.
    (tmp_path / "a" / ".kcheck.yaml").write_text("fail-on: info\n", encoding="utf-8")
    assert load_settings(None, nested)[0].fail_on == "info"


def test_yaml_wins_over_yml_in_the_same_directory(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text("fail-on: error\n", encoding="utf-8")
    (tmp_path / ".kcheck.yml").write_text("fail-on: info\n", encoding="utf-8")
    assert find_config(tmp_path) == (tmp_path / ".kcheck.yaml").resolve()


@needs_tomllib
def test_pyproject_counts_only_with_a_tool_kcheck_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.kcheck]\nselect = ["KC1"]\n', encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    settings, path = load_settings(None, project)
    assert path == (tmp_path / "pyproject.toml").resolve()
    assert settings.select == ["KC1"]


@needs_tomllib
def test_pyproject_errors_name_the_table(tmp_path: Path) -> None:
    message = _load_error(tmp_path, '[tool.kcheck]\nfail-on = "sometimes"\n', "pyproject.toml")
    assert message == (
        "pyproject.toml [tool.kcheck]: fail-on: Input should be 'error', 'warning', 'info' or 'never'"
    )


def test_explicit_config_overrides_discovery(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text("fail-on: error\n", encoding="utf-8")
    (tmp_path / "ci.yaml").write_text("fail-on: info\n", encoding="utf-8")
    settings, path = load_settings(Path("ci.yaml"), tmp_path)
    assert (settings.fail_on, path) == ("info", tmp_path / "ci.yaml")


def test_config_above_the_working_directory_is_named_by_its_full_path(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text("fail-on: sometimes\n", encoding="utf-8")
    nested = tmp_path / "sub"
    nested.mkdir()
    with pytest.raises(ConfigError) as caught:
        load_settings(None, nested)
    assert str(caught.value).startswith(f"{(tmp_path / '.kcheck.yaml').resolve()}:1:1: fail-on: ")


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^nope\.yaml: no such configuration file$"):
        load_settings(Path("nope.yaml"), tmp_path)


@needs_tomllib
def test_explicit_toml_without_the_table_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: no \[tool\.kcheck\] table$"):
        load_settings(Path("pyproject.toml"), tmp_path)


def test_errors_name_file_line_column_and_key(tmp_path: Path) -> None:
    message = _load_error(
        tmp_path,
        """\
select: [KC1]
fail-on: eror
rules:
  KC101:
    severty: info
bogus: 1
""",
    )
    assert message.splitlines() == [
        ".kcheck.yaml:2:1: fail-on: Input should be 'error', 'warning', 'info' or 'never'",
        ".kcheck.yaml:5:5: rules.KC101.severty: unknown key; did you mean 'severity'?",
        ".kcheck.yaml:6:1: bogus: unknown key (expected one of: crds, default-namespace, exclude, "
        "extend-select, fail-on, ignore, incumbent-annotations, kubernetes-version, max-file-size, "
        "network, per-path-ignores, profile, rules, select, tool-config-kinds)",
    ]


def test_close_misspelling_of_a_top_level_key_is_suggested(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "per-path-ignore: {}\n")
    assert message.endswith(":1:1: per-path-ignore: unknown key; did you mean 'per-path-ignores'?")


def test_unquoted_kubernetes_version_is_refused(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "kubernetes-version: 1.30\n")
    assert message.endswith(
        ':1:1: kubernetes-version: write the version as a quoted string ("1.30"): '
        "unquoted, it is the number 1.3"
    )


def test_wrong_type_in_a_list_is_located(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "ignore:\n  - KC101\n  - 7\n")
    assert message.endswith(":3:5: ignore[1]: Input should be a valid string")


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "select: [KC1\nfail-on: error\n")
    assert message == (
        ".kcheck.yaml:2:8: while parsing a flow sequence started at line 1: did not find expected ',' or ']'"
    )


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "fail-on: error\nfail-on: info\n")
    assert message.endswith(".kcheck.yaml:2:1: duplicate key 'fail-on' (first on line 1)")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "- KC101\n")
    assert message.endswith(".kcheck.yaml:1:1: the configuration must be a mapping of keys to values")


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_settings(None, tmp_path)[0].model_dump() == Settings().model_dump()


def test_describe_key_locates_keys_for_later_checks(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text("fail-on: error\nselect:\n  - KC1\n  - KC9\n", encoding="utf-8")
    settings, _ = load_settings(None, tmp_path)
    assert settings.describe_key(("select", 1)) == ".kcheck.yaml:4:5: select[1]"
    assert Settings().describe_key(("select", 0)) == "configuration: select[0]"
