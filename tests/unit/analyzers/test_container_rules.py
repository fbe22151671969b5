"""KC135-KC149 (resources, probes, images, containers) called directly: exact paths, message arguments,
fixes, related locations, options and edge cases; and the image reference grammar they share."""

from __future__ import annotations

from typing import Any

import pytest

from kcheck.analyzers.objects import (
    duplicate_container_port,
    duplicate_env_var,
    identical_liveness_readiness_probes,
    image_pull_policy_not_always,
    image_registry_not_allowed,
    image_without_digest,
    invalid_probe,
    latest_image_tag,
    missing_image,
    missing_liveness_probe,
    missing_readiness_probe,
    probe_port_not_found,
    requests_differ_from_limits,
    requests_exceed_limits,
    risky_liveness_probe,
    unset_ephemeral_storage,
    unset_resource_limits,
    unset_resource_requests,
)
from kcheck.analyzers.objects.probes import Timing
from kcheck.core.findings import Fix
from kcheck.core.location import format_path
from kcheck.core.rules import Profile
from kcheck.core.severity import Severity
from kcheck.kube.image import ImageReference, parse_image
from kcheck.model.build import build_objects
from kcheck.source.loader import load_bytes
from tests.unit.analyzers.helpers import checker, only, run, span

INIT = "init container"
DIGEST = "sha256:" + "4b2a5f3e" * 8


def named(container: str, role: str = "container", **more: object) -> dict[str, object]:
    return {"container": container, "role": role, **more}


def pod(containers: str, extra: str = "") -> str:
    """A Pod whose `spec.containers` is the YAML flow list `containers`, with `extra` spec lines."""
    return f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: {containers}\n{extra}"


def violations(module: Any, text: str, options: Any = None) -> list[Any]:
    obj = only(text)
    return list(checker(module)(obj, options))


# -- the image reference grammar


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx", ("docker.io", "library/nginx", None, None)),
        ("nginx:1.27", ("docker.io", "library/nginx", "1.27", None)),
        ("team/app:v1", ("docker.io", "team/app", "v1", None)),
        ("docker.io/nginx", ("docker.io", "library/nginx", None, None)),
        ("index.docker.io/team/app", ("docker.io", "team/app", None, None)),
        ("registry:5000/app", ("registry:5000", "app", None, None)),
        ("registry.example.com/a/b/c:1", ("registry.example.com", "a/b/c", "1", None)),
        ("localhost/app", ("localhost", "app", None, None)),
        ("LOCALHOST/app", ("LOCALHOST", "app", None, None)),  # an uppercase first component is a registry
        ("[::1]:5000/app:v1", ("[::1]:5000", "app", "v1", None)),
        (f"nginx@{DIGEST}", ("docker.io", "library/nginx", None, DIGEST)),
        (f"nginx:latest@{DIGEST}", ("docker.io", "library/nginx", "latest", DIGEST)),
        ("a__b/c.d-e:t_1.2-x", ("docker.io", "a__b/c.d-e", "t_1.2-x", None)),
    ],
)
def test_parse_image_normalizes_as_the_runtime(image: str, expected: tuple[object, ...]) -> None:
    assert parse_image(image) == ImageReference(*expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "image",
    [
        "Nginx",  # repositories are lowercase
        "team/App:1",
        "nginx:",
        "nginx@sha256:abc",  # too short for sha256
        "nginx@sha256:" + "A" * 64,  # the encoding is lowercase
        "nginx@md5:" + "a" * 32,  # not an algorithm the runtime knows
        "a" * 64,  # an image id, not a reference
        "nginx:" + "t" * 129,
        "registry.example.com/" + "a" * 255,
        "-app",
        "",
    ],
)
def test_parse_image_rejects_what_the_runtime_rejects(image: str) -> None:
    assert parse_image(image) is None


def test_pull_tag_is_latest_only_without_tag_and_digest() -> None:
    assert parse_image("nginx").pull_tag == "latest"  # type: ignore[union-attr]
    assert parse_image(f"nginx@{DIGEST}").pull_tag is None  # type: ignore[union-attr]
    assert parse_image("nginx:1").pull_tag == "1"  # type: ignore[union-attr]


# -- metadata


def test_profiles_severities_and_the_incumbents_replaced() -> None:
    expected = {
        unset_ephemeral_storage: (Profile.STRICT, Severity.WARNING),
        requests_differ_from_limits: (Profile.STRICT, Severity.INFO),
        requests_exceed_limits: (Profile.MINIMAL, Severity.ERROR),
        missing_readiness_probe: (Profile.DEFAULT, Severity.WARNING),
        missing_liveness_probe: (Profile.STRICT, Severity.WARNING),
        identical_liveness_readiness_probes: (Profile.DEFAULT, Severity.WARNING),
        probe_port_not_found: (Profile.DEFAULT, Severity.ERROR),
        risky_liveness_probe: (Profile.DEFAULT, Severity.WARNING),
        image_without_digest: (Profile.STRICT, Severity.INFO),
        image_registry_not_allowed: (Profile.DEFAULT, Severity.ERROR),
        image_pull_policy_not_always: (Profile.STRICT, Severity.INFO),
        duplicate_env_var: (Profile.DEFAULT, Severity.WARNING),
        duplicate_container_port: (Profile.DEFAULT, Severity.WARNING),
        missing_image: (Profile.MINIMAL, Severity.ERROR),
        invalid_probe: (Profile.MINIMAL, Severity.ERROR),
    }
    for module, (profile, severity) in expected.items():
        assert (module.RULE.profile, module.RULE.severity) == (profile, severity), module.RULE.id
    assert latest_image_tag.RULE.replaces == (
        "kube-linter:latest-tag",
        "polaris:tagNotSpecified",
        "kube-score:container-image-tag",
        "checkov:CKV_K8S_14",
    )
    assert "kube-score:container-resources" in unset_resource_requests.RULE.replaces
    assert "kube-score:container-resources" in unset_resource_limits.RULE.replaces
    assert set(unset_resource_limits.RULE.replaces) >= {"checkov:CKV_K8S_11", "checkov:CKV_K8S_13"}
    assert missing_readiness_probe.RULE.applies_to == missing_liveness_probe.RULE.applies_to
    assert ("", "Pod") not in missing_readiness_probe.RULE.applies_to


# -- KC135 unset-ephemeral-storage

RESOURCES = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: bare
          image: "app:1"
        - name: requested
          image: "app:1"
          resources:
            requests: {ephemeral-storage: 1Gi}
        - name: limited
          image: "app:1"
          resources:
            limits: {ephemeral-storage: 1Gi}
      initContainers:
        - name: init
          image: "app:1"
          resources: {limits: null}
      ephemeralContainers:
        - name: debug
          image: "debug:1"
"""
BASE = "spec.template.spec"


def test_unset_ephemeral_storage_points_at_the_limit_and_says_whether_a_request_is_set() -> None:
    assert run(checker(unset_ephemeral_storage), RESOURCES) == [
        (
            f"{BASE}.containers[0].resources.limits.ephemeral-storage",
            named("bare", problem=unset_ephemeral_storage.NEITHER),
        ),
        (
            f"{BASE}.containers[1].resources.limits.ephemeral-storage",
            named("requested", problem=unset_ephemeral_storage.REQUEST_ONLY),
        ),
        (
            f"{BASE}.initContainers[0].resources.limits.ephemeral-storage",
            named("init", INIT, problem=unset_ephemeral_storage.NEITHER),
        ),
    ]
    first = violations(unset_ephemeral_storage, RESOURCES)[0]
    assert unset_ephemeral_storage.RULE.format_message(first.args) == (
        "container 'bare' neither requests nor limits ephemeral-storage, so it can fill the node's disk"
    )


# -- KC136 requests-differ-from-limits


def test_requests_differ_from_limits_compares_values_and_fixes_a_missing_limit() -> None:
    text = pod(
        "[{name: a, image: 'a:1', resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: '0.5'}}},"
        " {name: b, image: 'b:1', resources: {requests: {cpu: 1, memory: 100M},"
        " limits: {cpu: 2, memory: 100Mi}}},"
        " {name: c, image: 'c:1', resources: {limits: {cpu: 1, memory: 1Gi}}}]"
    )
    found = violations(requests_differ_from_limits, text)
    assert [(format_path(v.path), v.args["problem"]) for v in found] == [
        ("spec.containers[0].resources.limits.memory", "requests 1Gi of memory but sets no memory limit"),
        ("spec.containers[1].resources.requests.cpu", "requests 1 of cpu but its cpu limit is 2"),
        (
            "spec.containers[1].resources.requests.memory",
            "requests 100M of memory but its memory limit is 100Mi",
        ),
    ]
    assert found[0].fix == Fix(
        ("spec", "containers", 0, "resources", "limits", "memory"),
        "1Gi",
        "Set the memory limit to the request, 1Gi",
    )
    assert found[1].fix is None
    assert requests_differ_from_limits.RULE.format_message(found[1].args) == (
        "container 'b' requests 1 of cpu but its cpu limit is 2, so its pod is not in the Guaranteed QoS "
        "class"
    )


def test_requests_differ_from_limits_option_and_pod_level_resources() -> None:
    text = pod(
        "[{name: a, image: 'a:1', resources: {requests: {ephemeral-storage: 1Gi, cpu: 1}, limits: {cpu: 1}}}]"
    )
    assert run(checker(requests_differ_from_limits), text) == []
    options = requests_differ_from_limits.Options(resources=["ephemeral-storage"])
    [(path, _)] = run(checker(requests_differ_from_limits), text, options)
    assert path == "spec.containers[0].resources.limits.ephemeral-storage"
    pod_level = pod(
        "[{name: a, image: 'a:1', resources: {requests: {cpu: 1}, limits: {cpu: 2}}}]",
        "  resources: {limits: {cpu: 2}}\n",
    )
    assert run(checker(requests_differ_from_limits), pod_level) == []
    unparsable = pod("[{name: a, image: 'a:1', resources: {requests: {cpu: lots}, limits: {cpu: 2}}}]")
    assert run(checker(requests_differ_from_limits), unparsable) == []


# -- KC137 requests-exceed-limits


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        ("cpu", True),
        ("memory", True),
        ("ephemeral-storage", True),
        ("example.kubernetes.io/widgets", True),
        ("kubernetes.io/widgets", True),
        ("hugepages-2Mi", False),
        ("nvidia.com/gpu", False),
    ],
)
def test_overcommit_allowed(resource: str, allowed: bool) -> None:
    assert requests_exceed_limits.overcommit_allowed(resource) is allowed


def test_requests_exceed_limits_compares_numbers_and_strings_by_value() -> None:
    text = pod(
        "[{name: a, image: 'a:1', resources: {requests: {cpu: 1.5, memory: 1G, nvidia.com/gpu: 2},"
        " limits: {cpu: 1500m, memory: 953Mi, nvidia.com/gpu: 1}}}]"
    )
    assert run(checker(requests_exceed_limits), text) == [
        (
            "spec.containers[0].resources.requests.memory",
            named("a", resource="memory", request="1G", problem="above its limit of 953Mi"),
        ),
        (
            'spec.containers[0].resources.requests["nvidia.com/gpu"]',
            named("a", resource="nvidia.com/gpu", request=2, problem="above its limit of 1"),
        ),
    ]
    equal_gpu = pod(
        "[{name: a, image: 'a:1', resources: {requests: {nvidia.com/gpu: 1}, limits: {nvidia.com/gpu: '1'}}}]"
    )
    assert run(checker(requests_exceed_limits), equal_gpu) == []
    [violation] = violations(requests_exceed_limits, text.replace("nvidia.com/gpu: 2", "nvidia.com/gpu: 0"))[
        1:
    ]
    assert requests_exceed_limits.RULE.format_message(violation.args) == (
        "container 'a' requests 0 of nvidia.com/gpu but its limit is 1, and nvidia.com/gpu cannot be "
        "overcommitted: the request must equal it; the API server rejects it"
    )


# -- KC138 and KC139: missing probes

PROBELESS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - {name: setup, image: "s:1"}
        - {name: proxy, image: "p:1", restartPolicy: Always, readinessProbe: {tcpSocket: {port: 1}}}
      containers:
        - {name: app, image: "a:1", livenessProbe: {tcpSocket: {port: 1}}}
      ephemeralContainers:
        - {name: debug, image: "d:1"}
"""


def test_missing_probes_check_app_containers_and_sidecars_only() -> None:
    assert run(checker(missing_readiness_probe), PROBELESS) == [
        (f"{BASE}.containers[0].readinessProbe", named("app")),
    ]
    assert run(checker(missing_liveness_probe), PROBELESS) == [
        (f"{BASE}.initContainers[1].livenessProbe", named("proxy", INIT)),
    ]
    obj = only(PROBELESS)
    [violation] = checker(missing_readiness_probe)(obj)
    assert span(obj, violation)[0] == 11  # the container entry: readinessProbe is missing
    assert missing_readiness_probe.RULE.format_message(violation.args) == (
        "container 'app' has no readinessProbe, so it counts as ready, and gets traffic, as soon as it starts"
    )


# -- KC140 identical-liveness-readiness-probes


@pytest.mark.parametrize(
    ("readiness", "liveness", "identical"),
    [
        ("{httpGet: {port: 80}}", "{httpGet: {port: 80, path: /, scheme: HTTP}}", True),
        ("{httpGet: {port: 80}, periodSeconds: 0}", "{httpGet: {port: 80}, periodSeconds: 10}", True),
        ("{httpGet: {port: 80}, successThreshold: 3}", "{httpGet: {port: 80}}", True),
        ("{grpc: {port: 9}}", "{grpc: {port: 9, service: ''}}", True),
        ("{exec: {command: [a, b]}}", "{exec: {command: [a, b]}}", True),
        ("{tcpSocket: {port: 80}}", "{tcpSocket: {port: 80, host: ''}}", True),
        ("{httpGet: {port: 80}}", "{httpGet: {port: 80}, failureThreshold: 4}", False),
        ("{httpGet: {port: 80}}", "{httpGet: {port: 80}, timeoutSeconds: 2}", False),
        ("{httpGet: {port: 80}}", "{httpGet: {port: 80}, initialDelaySeconds: 5}", False),
        ("{httpGet: {port: 80}}", "{httpGet: {port: http}}", False),
        ("{httpGet: {port: 80}}", "{tcpSocket: {port: 80}}", False),
        ("{exec: {command: [a, b]}}", "{exec: {command: [b, a]}}", False),
        ("{httpGet: {port: 80}}", "{httpGet: {port: 80, httpHeaders: [{name: X, value: live}]}}", False),
        ("{}", "{}", False),
    ],
)
def test_identical_probes_apply_the_api_defaults(readiness: str, liveness: str, identical: bool) -> None:
    text = pod(f"[{{name: a, image: 'a:1', readinessProbe: {readiness}, livenessProbe: {liveness}}}]")
    found = violations(identical_liveness_readiness_probes, text)
    assert [format_path(v.path) for v in found] == (["spec.containers[0].livenessProbe"] if identical else [])
    if identical:
        [related] = found[0].related
        assert (format_path(related.path), related.message) == (
            "spec.containers[0].readinessProbe",
            "the readiness probe",
        )


# -- KC141 probe-port-not-found


def test_probe_port_not_found_resolves_names_in_the_container_only() -> None:
    text = pod(
        "[{name: a, image: 'a:1', ports: [{name: http, containerPort: 80}],"
        " readinessProbe: {httpGet: {port: http}}, livenessProbe: {tcpSocket: {port: admin}},"
        " startupProbe: {httpGet: {port: '8080'}}},"
        " {name: b, image: 'b:1', readinessProbe: {httpGet: {port: http}},"
        " livenessProbe: {tcpSocket: {port: 80}}}]"
    )
    found = violations(probe_port_not_found, text)
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        ("spec.containers[0].livenessProbe.tcpSocket.port", named("a", probe="liveness", port="admin")),
        ("spec.containers[1].readinessProbe.httpGet.port", named("b", probe="readiness", port="http")),
    ]
    assert probe_port_not_found.RULE.format_message(found[0].args) == (
        "container 'a' has a liveness probe on port 'admin', which no port of the container names, so the "
        "probe always fails"
    )


# -- KC142 risky-liveness-probe


def test_restarts_by_counts_every_check_and_the_longer_of_period_and_timeout() -> None:
    assert Timing(0, 10, 1, 1, 3).restarts_by == 30
    assert Timing(5, 2, 7, 1, 2).restarts_by == 19


@pytest.mark.parametrize(
    ("readiness", "liveness", "startup", "paths"),
    [
        ("{initialDelaySeconds: 30}", "{}", False, ["livenessProbe.initialDelaySeconds"]),
        ("{initialDelaySeconds: 29}", "{}", False, []),
        ("{initialDelaySeconds: 30}", "{}", True, []),
        ("{initialDelaySeconds: 60}", "{initialDelaySeconds: 40}", False, []),
        ("{}", "{failureThreshold: 1}", True, ["livenessProbe.failureThreshold"]),
        ("{}", "{failureThreshold: 0}", False, []),
        ("{initialDelaySeconds: 60}", "{periodSeconds: -1}", False, []),
        ("{initialDelaySeconds: 0}", "{failureThreshold: 2}", False, []),
    ],
)
def test_risky_liveness_probe_cases(readiness: str, liveness: str, startup: bool, paths: list[str]) -> None:
    def probe(settings: str) -> str:
        return "{tcpSocket: {port: 80}, " + settings[1:] if settings != "{}" else "{tcpSocket: {port: 80}}"

    extra = ", startupProbe: {tcpSocket: {port: 80}}" if startup else ""
    text = pod(
        f"[{{name: a, image: 'a:1', readinessProbe: {probe(readiness)},"
        f" livenessProbe: {probe(liveness)}{extra}}}]"
    )
    found = violations(risky_liveness_probe, text)
    assert [format_path(v.path) for v in found] == [f"spec.containers[0].{p}" for p in paths]


def test_risky_liveness_probe_messages_and_fix() -> None:
    text = pod(
        "[{name: a, image: 'a:1', readinessProbe: {exec: {command: [a]}, initialDelaySeconds: 45},"
        " livenessProbe: {exec: {command: [b]}, failureThreshold: 1, periodSeconds: 5}}]"
    )
    once, early = violations(risky_liveness_probe, text)
    assert once.fix == Fix(
        ("spec", "containers", 0, "livenessProbe", "failureThreshold"), 3, "Set `failureThreshold: 3`"
    )
    assert early.fix is None
    assert risky_liveness_probe.RULE.format_message(early.args) == (
        "container 'a' has a risky livenessProbe: with no startupProbe it restarts a container that fails "
        "its checks within 5s of starting, but the readinessProbe does not start checking before 45s "
        "(initialDelaySeconds)"
    )


# -- KC143 image-without-digest, KC144 image-registry-not-allowed, KC145 image-pull-policy-not-always


def test_image_without_digest() -> None:
    text = pod(
        f"[{{name: a, image: 'nginx:1'}}, {{name: b, image: 'nginx@{DIGEST}'}}, {{name: c, image: Bad}},"
        " {name: d, image: ''}, {name: e}]"
    )
    assert run(checker(image_without_digest), text) == [
        ("spec.containers[0].image", named("a", image="nginx:1"))
    ]


@pytest.mark.parametrize(
    ("entry", "prefix"),
    [
        ("registry.example.com/", "registry.example.com"),
        ("Registry.Example.com/Team", "registry.example.com/Team"),
        ("index.docker.io/library", "docker.io/library"),
        ("docker.io", "docker.io"),
        ("bitnami", "docker.io/bitnami"),
        ("localhost", "localhost"),
        ("registry:5000", "registry:5000"),
        ("  ", ""),
    ],
)
def test_allowed_entries_are_normalized_like_images(entry: str, prefix: str) -> None:
    assert image_registry_not_allowed._prefix(entry) == prefix


def test_image_registry_not_allowed_matches_whole_components() -> None:
    options = image_registry_not_allowed.Options.model_validate(
        {"allowed-registries": ["registry.example.com/team", "docker.io/library"]}
    )
    text = pod(
        "[{name: a, image: 'registry.example.com/team/app:1'},"
        " {name: b, image: 'registry.example.com/teams/app:1'},"
        " {name: c, image: 'nginx:1'}, {name: d, image: 'user/nginx:1'},"
        " {name: e, image: 'registry.example.com/team'}]"
    )
    found = violations(image_registry_not_allowed, text, options)
    assert [(format_path(v.path), v.args["repository"]) for v in found] == [
        ("spec.containers[1].image", "registry.example.com/teams/app"),
        ("spec.containers[3].image", "docker.io/user/nginx"),
    ]
    assert image_registry_not_allowed.RULE.format_message(found[1].args) == (
        "container 'd' uses image 'user/nginx:1' from 'docker.io/user/nginx', which is not under any allowed "
        "registry (registry.example.com/team, docker.io/library)"
    )
    assert violations(image_registry_not_allowed, text) == []  # no allowed list: the rule is off
    by_name = image_registry_not_allowed.Options(allowed_registries=["quay.io"])
    assert len(violations(image_registry_not_allowed, text, by_name)) == 5
    with pytest.raises(ValueError, match="extra"):
        image_registry_not_allowed.Options.model_validate({"allowed": ["x"]})


def test_image_pull_policy_not_always_judges_the_default_and_fixes() -> None:
    text = pod(
        f"[{{name: a, image: 'nginx:1'}}, {{name: b, image: 'nginx'}}, {{name: c, image: 'nginx:latest',"
        f" imagePullPolicy: Never}}, {{name: d, image: 'nginx@{DIGEST}'}},"
        " {name: e, image: 'x:1', imagePullPolicy: Always}]"
    )
    found = violations(image_pull_policy_not_always, text)
    assert [(format_path(v.path), v.args["policy"], v.args["how"]) for v in found] == [
        ("spec.containers[0].imagePullPolicy", "IfNotPresent", image_pull_policy_not_always.DEFAULTED),
        ("spec.containers[2].imagePullPolicy", "Never", image_pull_policy_not_always.SET),
        ("spec.containers[3].imagePullPolicy", "IfNotPresent", image_pull_policy_not_always.DEFAULTED),
    ]
    assert found[0].fix == Fix(
        ("spec", "containers", 0, "imagePullPolicy"), "Always", "Set `imagePullPolicy: Always`"
    )
    assert image_pull_policy_not_always.RULE.format_message(found[1].args) == (
        "container 'c' pulls image 'nginx:latest' with imagePullPolicy Never (as set), so a node runs the "
        "copy it has without asking the registry"
    )


# -- KC146 duplicate-env-var and KC147 duplicate-container-port


def test_duplicate_env_var_points_at_each_later_definition_with_the_first_related() -> None:
    text = pod(
        "[{name: a, image: 'a:1', env: [{name: X, value: '1'}, {name: Z}, {name: X, value: '$(X)2'},"
        " {name: X, value: '$(X)'}, {name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]"
    )
    found = violations(duplicate_env_var, text)
    assert [(format_path(v.path), v.args["first"]) for v in found] == [
        ("spec.containers[0].env[3].name", 0),
        ("spec.containers[0].env[4].name", 0),
    ]
    [related] = found[0].related
    assert (format_path(related.path), related.message) == (
        "spec.containers[0].env[0].name",
        "X first defined here",
    )
    assert duplicate_env_var.RULE.format_message(found[0].args) == (
        "container 'a' defines env var 'X' again (first at env[0]); the container gets only this last value "
        "and `kubectl apply` may drop one"
    )


def test_duplicate_container_port_cases_and_related() -> None:
    text = pod(
        "[{name: a, image: 'a:1', ports: [{name: p, containerPort: 80}, {name: p, containerPort: 81},"
        " {containerPort: 81, protocol: TCP, hostPort: 1}, {containerPort: 81, hostPort: 2}]},"
        " {name: b, image: 'b:1', ports: [{containerPort: 80, protocol: UDP},"
        " {containerPort: 80, hostPort: 8}]}]",
        "  initContainers:\n"
        "    - {name: i, image: 'i:1', ports: [{containerPort: 80}, {containerPort: 80}]}\n",
    )
    found = violations(duplicate_container_port, text)
    assert [(format_path(v.path), v.args["problem"]) for v in found] == [
        ("spec.containers[0].ports[1].name", "names two ports 'p', which the API server rejects"),
        (
            "spec.containers[1].ports[1].containerPort",
            duplicate_container_port.SHARED.format(
                port=80, protocol="TCP", other_role="container", other="a"
            ),
        ),
        ("spec.initContainers[0].ports[1].containerPort", "declares port 80/TCP twice"),
    ]
    assert [(format_path(r.path), r.message) for v in found for r in v.related] == [
        ("spec.containers[0].ports[0].name", "the first port named 'p'"),
        ("spec.containers[0].ports[0].containerPort", "port 80/TCP first declared here"),
        ("spec.initContainers[0].ports[0].containerPort", "port 80/TCP first declared here"),
    ]


# -- KC148 missing-image and KC149 invalid-probe


def test_missing_image_leaves_a_wrong_type_to_the_shape_rule() -> None:
    text = pod(
        "[{name: a}, {name: b, image: null}, {name: c, image: 5}, {name: d, image: ' '}]",
        "  initContainers: [null]\n",
    )
    source = load_bytes("manifest.yaml", text.encode())
    built = build_objects(source.documents)
    [obj] = built.objects
    found = list(checker(missing_image)(obj))
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        ("spec.containers[0].image", named("a")),
        ("spec.containers[1].image", named("b")),
    ]
    assert (
        missing_image.RULE.format_message(found[0].args)
        == "container 'a' has no image; the API server rejects it"
    )


def test_invalid_probe_problems() -> None:
    text = pod(
        "[{name: a, image: 'a:1',"
        " livenessProbe: {exec: {command: [x]}, successThreshold: 2, timeoutSeconds: -1},"
        " readinessProbe: {exec: {command: [x]}, grpc: {port: 1}, tcpSocket: {port: 1}, successThreshold: 5},"
        " startupProbe: {failureThreshold: 3, successThreshold: -1}}]",
        "  initContainers:\n    - {name: i, image: 'i:1', startupProbe: {}}\n",
    )
    found = violations(invalid_probe, text)
    assert [(format_path(v.path), v.args["probe"], v.args["problem"]) for v in found] == [
        ("spec.containers[0].livenessProbe.timeoutSeconds", "liveness", "timeoutSeconds is -1, below 0"),
        (
            "spec.containers[0].livenessProbe.successThreshold",
            "liveness",
            "successThreshold is 2, and a liveness probe must have 1",
        ),
        (
            "spec.containers[0].readinessProbe.tcpSocket",
            "readiness",
            "it sets more than one handler (exec, tcpSocket, grpc)",
        ),
        ("spec.containers[0].startupProbe", "startup", invalid_probe.NO_HANDLER),
        ("spec.containers[0].startupProbe.successThreshold", "startup", "successThreshold is -1, below 0"),
        ("spec.initContainers[0].startupProbe", "startup", invalid_probe.NOT_ALLOWED["initContainer"]),
    ]
    assert found[1].fix == Fix(
        ("spec", "containers", 0, "livenessProbe", "successThreshold"), 1, "Set `successThreshold: 1`"
    )
    assert invalid_probe.RULE.format_message(found[0].args) == (
        "container 'a' has an invalid liveness probe: timeoutSeconds is -1, below 0; the API server "
        "rejects it"
    )
