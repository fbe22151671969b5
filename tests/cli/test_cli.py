"""The command line as users meet it: real processes, exit codes, formats, files, environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
KCHECK = str(Path(sys.executable).with_name("kcheck"))
SARIF_SCHEMA = REPO.parent / "shared" / "reference" / "sarif" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = REPO / "kcheck" / "reporters" / "report.schema.json"

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: debugger
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: debug
      image: busybox:1.36
      resources:
        requests: {cpu: 10m, memory: 16Mi}
        limits: {cpu: 100m, memory: 64Mi}
      securityContext:
        privileged: true
        readOnlyRootFilesystem: true
"""
CLEAN_CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n"


def kcheck(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update(env or {})
    return subprocess.run(
        [KCHECK, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=environment, check=False
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    (tmp_path / "settings.yaml").write_text(CLEAN_CONFIGMAP)
    return tmp_path


def test_version(tmp_path: Path) -> None:
    result = kcheck("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("kcheck 0.")


def test_findings_exit_1_with_exact_location(workdir: Path) -> None:
    result = kcheck("lint", cwd=workdir)
    assert result.returncode == 1, result.stderr
    assert "pod.yaml:15:9: KC101 [error]" in result.stdout
    assert "privileged-container" in result.stdout


def test_quiet_prints_one_line_per_finding(workdir: Path) -> None:
    result = kcheck("lint", "-q", cwd=workdir)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "pod.yaml:15:9: KC101 [error] container 'debug' runs privileged, with every capability and access to "
        "the node's devices (privileged-container)"
    ]


def test_clean_input_exits_0(workdir: Path) -> None:
    result = kcheck("lint", "settings.yaml", cwd=workdir)
    assert result.returncode == 0, result.stdout + result.stderr


def test_fail_on_threshold(workdir: Path) -> None:
    assert kcheck("lint", "--fail-on", "never", cwd=workdir).returncode == 0
    only_warning = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  on: x\n"
    (workdir / "warn.yaml").write_text(only_warning)
    assert kcheck("lint", "warn.yaml", "--fail-on", "error", cwd=workdir).returncode == 0
    assert kcheck("lint", "warn.yaml", cwd=workdir).returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "missing-dir"),
        ("lint", "--select", "KC999"),
        ("lint", "--fail-on", "sometimes"),
        ("lint", "--format", "xml"),
        ("lint", "--bogus-flag"),
        ("rules", "explain", "no-such-rule"),
    ],
)
def test_usage_errors_exit_2(workdir: Path, args: tuple[str, ...]) -> None:
    result = kcheck(*args, cwd=workdir)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_exits_2_naming_the_key(workdir: Path) -> None:
    (workdir / ".kcheck.yaml").write_text("fail-on: sometimes\n")
    result = kcheck("lint", cwd=workdir)
    assert result.returncode == 2
    assert "fail-on" in result.stderr
    assert "Traceback" not in result.stderr


def test_stdin(workdir: Path) -> None:
    result = kcheck("lint", "-", cwd=workdir, stdin=PRIVILEGED_POD)
    assert result.returncode == 1
    assert "<stdin>:15:9: KC101" in result.stdout


def test_no_objects_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    result = kcheck("lint", cwd=tmp_path)
    assert result.returncode == 1
    assert "KC008" in result.stdout


def test_json_output_matches_its_schema(workdir: Path) -> None:
    result = kcheck("lint", "-f", "json", cwd=workdir)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA.read_text())).validate(document)
    [finding] = [f for f in document["findings"] if f["ruleId"] == "KC101"]
    assert finding["location"]["path"] == "pod.yaml"
    assert (finding["location"]["line"], finding["location"]["column"]) == (15, 9)


def test_sarif_to_file_and_text_to_stdout(workdir: Path) -> None:
    result = kcheck("lint", "-f", "sarif", "-o", "out.sarif", "-f", "text", cwd=workdir)
    assert result.returncode == 1
    assert "KC101" in result.stdout
    sarif = json.loads((workdir / "out.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    [run] = sarif["runs"]
    [result_101] = [r for r in run["results"] if r["ruleId"] == "KC101"]
    location = result_101["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pod.yaml"
    assert location["region"]["startLine"] == 15 and location["region"]["startColumn"] == 9


def test_output_is_deterministic(workdir: Path) -> None:
    first = kcheck("lint", "-f", "sarif", cwd=workdir).stdout
    second = kcheck("lint", "-f", "sarif", cwd=workdir).stdout
    assert first == second


def test_github_actions_defaults_to_annotations_and_writes_step_summary(workdir: Path) -> None:
    summary = workdir / "summary.md"
    result = kcheck("lint", cwd=workdir, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert "::error file=pod.yaml,line=15," in result.stdout
    assert "KC101" in summary.read_text()


def test_suppression_with_reason_then_unused(workdir: Path) -> None:
    suppressed = PRIVILEGED_POD.replace(
        "privileged: true", "privileged: true  # kcheck: disable=KC101 -- debug pool"
    )
    (workdir / "pod.yaml").write_text(suppressed)
    result = kcheck("lint", cwd=workdir)
    assert result.returncode == 0, result.stdout
    fixed = suppressed.replace("privileged: true", "privileged: false")
    (workdir / "pod.yaml").write_text(fixed)
    result = kcheck("lint", cwd=workdir)
    assert result.returncode == 1
    assert "pod.yaml:15:28: KC003" in result.stdout


def test_baseline_reports_only_new_findings(workdir: Path) -> None:
    assert kcheck("baseline", ".", "-o", "base.json", cwd=workdir).returncode == 0
    assert kcheck("lint", "--baseline", "base.json", cwd=workdir).returncode == 0
    # Shifting every line and adding a new privileged container: only the new one is reported.
    shifted = (
        "# a comment\n\n"
        + PRIVILEGED_POD
        + (
            "    - name: second\n      image: busybox:1.36\n      resources:\n"
            "        requests: {cpu: 10m, memory: 16Mi}\n        limits: {cpu: 100m, memory: 64Mi}\n"
            "      securityContext:\n        privileged: true\n        readOnlyRootFilesystem: true\n"
        )
    )
    (workdir / "pod.yaml").write_text(shifted)
    result = kcheck("lint", "--baseline", "base.json", cwd=workdir)
    assert result.returncode == 1
    assert "pod.yaml:25:9: KC101" in result.stdout
    assert "pod.yaml:17:9" not in result.stdout


def test_rules_list_and_explain(tmp_path: Path) -> None:
    listing = kcheck("rules", "list", cwd=tmp_path)
    assert listing.returncode == 0 and "KC101" in listing.stdout and "KC001" in listing.stdout
    for name in ("KC101", "privileged-container"):
        explained = kcheck("rules", "explain", name, "--format", "markdown", cwd=tmp_path)
        assert explained.returncode == 0
        assert "## What it does" in explained.stdout and "Use instead:" in explained.stdout
    as_json = json.loads(kcheck("rules", "list", "--format", "json", cwd=tmp_path).stdout)
    assert any(rule["id"] == "KC101" for rule in as_json)


def test_python_dash_m(workdir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kcheck", "lint", "pod.yaml"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "KC101" in result.stdout
