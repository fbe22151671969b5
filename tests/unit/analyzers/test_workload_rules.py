"""KC101-KC108 called directly: exact violation paths, message arguments and, for some, resolved spans."""

from __future__ import annotations

import pytest

from kcheck.analyzers.objects import (
    host_ipc,
    host_network,
    host_pid,
    latest_image_tag,
    privileged_container,
    run_as_root_allowed,
    unset_resource_limits,
    unset_resource_requests,
)
from kcheck.analyzers.objects.run_as_root_allowed import (
    CONTRADICTION,
    NON_ROOT_DISABLED,
    NOT_SET,
    RUNS_AS_ROOT,
)
from tests.unit.analyzers.helpers import checker, only, run, span

INIT = "init container"


def named(container: str, role: str = "container", **more: object) -> dict[str, object]:
    """The arguments of a violation about `container`."""
    return {"container": container, "role": role, **more}


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: setup
          image: registry.example.com/setup:2.0
          securityContext:
            privileged: true
      containers:
        - name: app
          image: registry.example.com/web
          securityContext:
            privileged: false
        - image: nginx:latest
          securityContext:
            privileged: true
"""


def test_privileged_container_points_at_the_key_of_each_privileged_container() -> None:
    assert run(checker(privileged_container), DEPLOYMENT) == [
        ("spec.template.spec.containers[1].securityContext.privileged", named("containers[1]")),
        ("spec.template.spec.initContainers[0].securityContext.privileged", named("setup", "init container")),
    ]
    obj = only(DEPLOYMENT)
    first = next(iter(checker(privileged_container)(obj)))
    assert span(obj, first) == (20, 13, 20, 29)
    assert privileged_container.RULE.format_message(first.args) == (
        "container 'containers[1]' runs privileged, with every capability and access to the node's devices"
    )


def test_privileged_ephemeral_container_of_a_pod() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: "app:1"}]
  ephemeralContainers:
    - name: debug
      image: "debug:1"
      securityContext: {privileged: true}
"""
    assert run(checker(privileged_container), text) == [
        ("spec.ephemeralContainers[0].securityContext.privileged", named("debug", "ephemeral container")),
    ]


def test_a_kind_without_a_pod_template_yields_nothing() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {privileged: 'true'}\n"
    modules = (privileged_container, latest_image_tag, unset_resource_limits, host_pid, run_as_root_allowed)
    for module in modules:
        assert run(checker(module), text) == []


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("nginx", latest_image_tag._NO_TAG),
        ("nginx:latest", latest_image_tag._LATEST_TAG),
        ("registry:5000/app", latest_image_tag._NO_TAG),
        ("registry:5000/team/app:latest", latest_image_tag._LATEST_TAG),
        ("registry:5000/app:1.2", None),
        ("nginx:1.27", None),
        ("nginx:Latest", None),  # tags are case-sensitive: a different tag
        ("nginx:latest-alpine", None),
        ("nginx@sha256:" + "a" * 64, None),
        ("nginx:latest@sha256:" + "a" * 64, None),
        ("registry:5000/app@sha256:" + "a" * 64, None),
        ("  ", None),
    ],
)
def test_latest_image_tag_parses_references(image: str, problem: str | None) -> None:
    assert latest_image_tag._unpinned(image) == problem


def test_latest_image_tag_violations_and_a_missing_image() -> None:
    text = DEPLOYMENT + "        - name: no-image\n"
    assert run(checker(latest_image_tag), text) == [
        (
            "spec.template.spec.containers[0].image",
            named("app", image="registry.example.com/web", problem=latest_image_tag._NO_TAG),
        ),
        (
            "spec.template.spec.containers[1].image",
            named("containers[1]", image="nginx:latest", problem=latest_image_tag._LATEST_TAG),
        ),
    ]
    obj = only(text)
    first = next(iter(checker(latest_image_tag)(obj)))
    assert span(obj, first) == (15, 11, 15, 42)


RESOURCES = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: job}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: limited
              image: "app:1"
              resources:
                limits: {cpu: 500m, memory: 256Mi}
            - name: requested
              image: "app:1"
              resources:
                requests: {cpu: 100m, memory: 64Mi}
            - name: bare
              image: "app:1"
          initContainers:
            - name: half
              image: "app:1"
              resources:
                requests: {cpu: 100m}
                limits: {ephemeral-storage: 1Gi}
          ephemeralContainers:
            - name: debug
              image: "debug:1"
"""
BASE = "spec.jobTemplate.spec.template.spec"


def test_unset_requests_treat_a_limit_as_the_request_and_skip_ephemeral_containers() -> None:
    assert run(checker(unset_resource_requests), RESOURCES) == [
        (f"{BASE}.containers[2].resources.requests.cpu", named("bare", resource="cpu")),
        (f"{BASE}.containers[2].resources.requests.memory", named("bare", resource="memory")),
        (f"{BASE}.initContainers[0].resources.requests.memory", named("half", INIT, resource="memory")),
    ]
    obj = only(RESOURCES)
    violations = list(checker(unset_resource_requests)(obj))
    # Missing keys resolve to the nearest existing parent: the container entry, then `requests:`.
    assert span(obj, violations[0]) == (18, 15, 18, 25)
    assert span(obj, violations[2]) == (24, 17, 24, 25)


def test_unset_requests_option_names_the_resources() -> None:
    options = unset_resource_requests.Options(resources=["ephemeral-storage"])
    assert [path for path, _ in run(checker(unset_resource_requests), RESOURCES, options)] == [
        f"{BASE}.containers[0].resources.requests.ephemeral-storage",
        f"{BASE}.containers[1].resources.requests.ephemeral-storage",
        f"{BASE}.containers[2].resources.requests.ephemeral-storage",
    ]


def test_unset_limits_require_memory_by_default_and_ignore_requests() -> None:
    assert run(checker(unset_resource_limits), RESOURCES) == [
        (f"{BASE}.containers[1].resources.limits.memory", named("requested", resource="memory")),
        (f"{BASE}.containers[2].resources.limits.memory", named("bare", resource="memory")),
        (f"{BASE}.initContainers[0].resources.limits.memory", named("half", INIT, resource="memory")),
    ]
    options = unset_resource_limits.Options(resources=["cpu", "memory"])
    assert [path for path, _ in run(checker(unset_resource_limits), RESOURCES, options)] == [
        f"{BASE}.containers[1].resources.limits.cpu",
        f"{BASE}.containers[1].resources.limits.memory",
        f"{BASE}.containers[2].resources.limits.cpu",
        f"{BASE}.containers[2].resources.limits.memory",
        f"{BASE}.initContainers[0].resources.limits.cpu",
        f"{BASE}.initContainers[0].resources.limits.memory",
    ]


def test_resource_options_reject_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        unset_resource_limits.Options.model_validate({"resource": ["cpu"]})


@pytest.mark.parametrize(
    ("module", "key"), [(host_network, "hostNetwork"), (host_pid, "hostPID"), (host_ipc, "hostIPC")]
)
def test_host_namespaces(module: object, key: str) -> None:
    check = checker(module)  # type: ignore[arg-type]
    text = f"""\
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  template:
    spec:
      {key}: true
      containers: [{{name: a, image: "a:1"}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: quiet}}
spec:
  {key}: false
  containers: [{{name: a, image: "a:1"}}]
"""
    assert run(check, text) == [(f"spec.template.spec.{key}", {"kind": "DaemonSet", "name": "agent"})]
    obj = only(text.split("---\n")[0])
    [violation] = check(obj)
    assert span(obj, violation) == (7, 7, 7, 7 + len(key) + 6)


ROOT = """\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  securityContext: {pod}
  containers:
    - name: app
      image: "app:1"
      securityContext: {container}
"""
CONTAINER = "spec.containers[0].securityContext"


@pytest.mark.parametrize(
    ("pod", "container", "expected"),
    [
        ("null", "null", (f"{CONTAINER}.runAsNonRoot", NOT_SET)),
        ("{runAsNonRoot: true}", "null", None),
        ("{}", "{runAsNonRoot: true}", None),
        ("{runAsUser: 1000}", "null", None),
        ("{runAsNonRoot: false}", "{runAsUser: 1000}", None),
        ("{runAsNonRoot: true}", "{runAsNonRoot: false}", (f"{CONTAINER}.runAsNonRoot", NON_ROOT_DISABLED)),
        ("{runAsNonRoot: false}", "{}", ("spec.securityContext.runAsNonRoot", NON_ROOT_DISABLED)),
        ("{runAsUser: 0}", "null", ("spec.securityContext.runAsUser", RUNS_AS_ROOT)),
        ("{runAsUser: 0}", "{runAsUser: 1000}", None),
        ("{runAsUser: 1000}", "{runAsUser: 0}", (f"{CONTAINER}.runAsUser", RUNS_AS_ROOT)),
        ("{runAsNonRoot: true}", "{runAsUser: 0}", (f"{CONTAINER}.runAsUser", CONTRADICTION)),
        ("{runAsNonRoot: true, runAsUser: 0}", "null", ("spec.securityContext.runAsUser", CONTRADICTION)),
        ("{windowsOptions: {runAsUserName: ContainerAdministrator}}", "null", None),
    ],
)
def test_run_as_root_allowed_resolves_pod_and_container_fields(
    pod: str, container: str, expected: tuple[str, str] | None
) -> None:
    violations = run(checker(run_as_root_allowed), ROOT.format(pod=pod, container=container))
    wanted = [] if expected is None else [(expected[0], named("app", problem=expected[1]))]
    assert violations == wanted


def test_run_as_root_allowed_checks_every_role_and_skips_windows_pods() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 0}
  containers:
    - {name: app, image: "app:1", securityContext: {runAsUser: 1000}}
  initContainers:
    - {name: init, image: "init:1"}
  ephemeralContainers:
    - {name: debug, image: "debug:1", securityContext: {runAsNonRoot: true}}
---
apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  os: {name: windows}
  containers: [{name: app, image: "app:1"}]
"""
    assert run(checker(run_as_root_allowed), text) == [
        ("spec.securityContext.runAsUser", named("init", "init container", problem=RUNS_AS_ROOT)),
        ("spec.securityContext.runAsUser", named("debug", "ephemeral container", problem=CONTRADICTION)),
    ]
    obj = only(text.split("---\n")[0])
    first = next(iter(checker(run_as_root_allowed)(obj)))
    assert span(obj, first) == (5, 21, 5, 33)
    assert run_as_root_allowed.RULE.format_message(first.args) == (
        "init container 'init' runs as root: runAsUser is 0 and runAsNonRoot is not true"
    )
