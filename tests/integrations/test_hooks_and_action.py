"""The pre-commit hooks and the GitHub Action, run as pre-commit and Actions would run them.

pre-commit runs a hook's `entry` split by shell rules, with the changed file names appended unless
`pass_filenames: false`; the action runs its steps' `run` scripts with bash and the step's `env`. The
install step needs the network (pip), so the tests give the run step an installed kcheck instead.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
ACTION = yaml.safe_load((REPO / "action.yml").read_text())

PRIVILEGED = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext: {runAsNonRoot: true}\n"
    "  containers:\n    - name: c\n      image: busybox:1.36\n"
    "      resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 1Mi}}\n"
    "      securityContext: {privileged: true, readOnlyRootFilesystem: true}\n"
)
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(PRIVILEGED)
    (tmp_path / "deploy" / "config.yaml").write_text(CLEAN)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yaml").write_text("on: push\n")
    return tmp_path


def run_hook(hook_id: str, cwd: Path, filenames: list[str]) -> subprocess.CompletedProcess[str]:
    hook = HOOKS[hook_id]
    command = shlex.split(hook["entry"])
    if hook.get("pass_filenames", True):
        command += filenames
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment, check=False)


def test_hooks_are_python_hooks_on_yaml_and_json() -> None:
    assert set(HOOKS) == {"kcheck", "kcheck-all"}
    assert HOOKS["kcheck"]["language"] == "python"
    assert HOOKS["kcheck"]["types_or"] == ["yaml", "json"]
    assert HOOKS["kcheck-all"]["pass_filenames"] is False


def test_changed_files_hook(repo: Path) -> None:
    failing = run_hook("kcheck", repo, ["deploy/pod.yaml"])
    assert failing.returncode == 1
    assert "deploy/pod.yaml:11:25: KC101" in failing.stdout
    passing = run_hook("kcheck", repo, ["deploy/config.yaml", ".github/ci.yaml"])
    assert passing.returncode == 0, passing.stdout


def test_whole_repository_hook(repo: Path) -> None:
    result = run_hook("kcheck-all", repo, ["deploy/config.yaml"])
    assert result.returncode == 1
    assert "deploy/pod.yaml:11:25: KC101" in result.stdout


def _run_step(
    repo: Path, inputs: dict[str, str], extra_env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    [step] = [s for s in ACTION["runs"]["steps"] if s["name"] == "Run kcheck"]
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    for name, expression in step["env"].items():
        input_name = expression.removeprefix("${{ inputs.").removesuffix(" }}")
        environment[name] = values[input_name]
    runner_temp = repo / "runner-temp"
    (runner_temp / "kcheck-venv").mkdir(parents=True)
    (runner_temp / "kcheck-venv" / "bin").symlink_to(BIN)
    environment.update({"RUNNER_TEMP": str(runner_temp), "GITHUB_ACTIONS": "true", **extra_env})
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_action_annotates_writes_sarif_and_fails(repo: Path) -> None:
    summary = repo / "summary.md"
    result = _run_step(repo, {"paths": "deploy"}, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=deploy/pod.yaml,line=11,")
    sarif = json.loads((repo / "kcheck.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["KC101"]
    assert "KC101" in summary.read_text()


def test_action_fail_on_never_and_several_paths(repo: Path) -> None:
    (repo / "more").mkdir()
    (repo / "more" / "x.yaml").write_text(CLEAN)
    result = _run_step(repo, {"paths": "deploy more", "fail-on": "never", "sarif-file": ""}, {})
    assert result.returncode == 0, result.stderr
    assert not (repo / "kcheck.sarif").exists()
    assert "::error file=deploy/pod.yaml" in result.stdout
