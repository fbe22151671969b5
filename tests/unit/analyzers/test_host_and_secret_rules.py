"""KC122-KC134 called directly: host mounts and ports, service accounts, secrets in env and ConfigMaps."""

from __future__ import annotations

import pytest

from kcheck.analyzers.objects import (
    automounted_service_account_token,
    container_runtime_socket,
    default_service_account,
    deprecated_service_account_field,
    host_path_volume,
    host_port,
    privileged_port,
    secret_in_env_literal,
    secret_in_env_var,
    sensitive_configmap_data,
    sensitive_host_path,
    ssh_port,
    writable_host_path,
)
from kcheck.analyzers.objects.host_paths import RuntimeSocket, SensitiveLocation, classify, normalise
from kcheck.analyzers.objects.secret_patterns import is_plain_value, name_words, secret_name, secret_value
from tests.unit.analyzers.helpers import checker, objects, only, run, span


def pod(spec: str, kind: str = "Pod") -> str:
    """A Pod manifest whose spec is `spec` (indented by two spaces)."""
    return f"apiVersion: v1\nkind: {kind}\nmetadata: {{name: p}}\nspec:\n{spec}"


def workload(**more: object) -> dict[str, object]:
    return {"kind": "Pod", "name": "p", **more}


def named(container: str, role: str = "container", **more: object) -> dict[str, object]:
    return {"container": container, "role": role, **more}


# -- host paths


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("/", "/"),
        ("/etc/", "/etc"),
        ("//etc//kubernetes/./pki/", "/etc/kubernetes/pki"),
        ("/opt/../etc", "/etc"),
        ("/../..", "/"),
        ("etc", None),
        ("./etc", None),
        ("C:\\Windows", None),
        ("//./pipe/docker_engine", None),
    ],
)
def test_host_paths_are_normalised_as_the_node_resolves_them(raw: str, normal: str | None) -> None:
    assert normalise(raw) == normal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/", ("sensitive", "/", "is")),
        ("/etc", ("sensitive", "/etc", "is")),
        ("/etc/kubernetes/pki", ("sensitive", "/etc/kubernetes", "under")),
        ("/etc/cni/net.d", ("sensitive", "/etc", "under")),
        ("/var", ("sensitive", "/var/lib/kubelet", "contains")),
        ("/var/lib", ("sensitive", "/var/lib/kubelet", "contains")),
        ("/var/lib/kubelet/pods", ("sensitive", "/var/lib/kubelet", "under")),
        ("/lib/modules", ("sensitive", "/lib", "under")),
        ("/sys/fs/bpf", ("sensitive", "/sys", "under")),
        ("/var/lib/kubelet/device-plugins/kubelet.sock", ("sensitive", "/var/lib/kubelet", "under")),
        # Sockets, by path or by name, win over the locations they are under.
        ("/var/run/docker.sock", ("socket", "/run/docker.sock", "is")),
        ("/run/docker.sock", ("socket", "/run/docker.sock", "is")),
        ("/var/lib/kubelet/x/containerd.sock", ("socket", "/var/lib/kubelet/x/containerd.sock", "is")),
        ("/run/containerd", ("socket", "/run/containerd/containerd.sock", "contains")),
        ("/var/run/crio/", ("socket", "/run/crio/crio.sock", "contains")),
        ("/run", ("socket", "/run/docker.sock", "contains")),
        ("\\\\.\\pipe\\docker_engine", ("socket", "\\\\.\\pipe\\docker_engine", "is")),
        ("//./PIPE/containerd-containerd", ("socket", "\\\\.\\pipe\\containerd-containerd", "is")),
        # Neither.
        ("/var/log", None),
        ("/var/run/calico", None),
        ("/run/xtables.lock", None),
        ("/run/docker.sock.d", None),
        ("/etcetera", None),
        ("/opt/cni/bin", None),
        ("relative/etc", None),
        ("", None),
        (None, None),
    ],
)
def test_classify_gives_each_host_path_one_class(
    raw: str | None, expected: tuple[str, str, str] | None
) -> None:
    found = classify(raw)
    if expected is None:
        assert found is None
    elif expected[0] == "sensitive":
        assert isinstance(found, SensitiveLocation)
        assert (found.location, found.relation) == expected[1:]
    else:
        assert isinstance(found, RuntimeSocket)
        assert (found.sockets[0], found.relation) == expected[1:]


def test_windows_pods_only_know_the_named_pipes() -> None:
    assert classify("/etc", windows=True) is None
    assert classify("/var/run/docker.sock", windows=True) is None
    assert isinstance(classify("\\\\.\\pipe\\docker_engine", windows=True), RuntimeSocket)


HOST_PATHS = pod("""\
  initContainers:
    - name: setup
      image: "setup:1"
      volumeMounts:
        - {name: etc, mountPath: /host/etc, readOnly: true}
  containers:
    - name: app
      image: "app:1"
      volumeMounts:
        - {name: logs, mountPath: /logs}
        - {name: docker, mountPath: /var/run/docker.sock}
        - {name: tz, mountPath: /etc/localtime, readOnly: true}
        - {name: cache, mountPath: /cache}
  volumes:
    - {name: cache, emptyDir: {}}
    - {name: logs, hostPath: {path: /var/log}}
    - {name: etc, hostPath: {path: /etc/}}
    - {name: docker, hostPath: {path: /var/run/docker.sock, type: Socket}}
    - {name: tz, hostPath: {path: /etc/localtime}}
    - {name: run, hostPath: {path: /run}}
    - hostPath: {}
""")


def test_host_path_volume_reports_every_host_path_at_its_source() -> None:
    found = run(checker(host_path_volume), HOST_PATHS)
    assert [path for path, _ in found] == [f"spec.volumes[{i}].hostPath" for i in range(1, 7)]
    assert found[0][1] == workload(volume="logs", host_path="/var/log")
    assert found[-1][1] == workload(volume="volumes[6]", host_path="an unspecified path")
    assert host_path_volume.RULE.format_message(found[0][1]) == (
        "Pod 'p' mounts /var/log from the node through hostPath volume 'logs'"
    )


def test_sensitive_host_path_points_at_the_path_and_never_at_a_socket() -> None:
    found = run(checker(sensitive_host_path), HOST_PATHS)
    assert found == [
        (
            "spec.volumes[2].hostPath.path",
            workload(
                volume="etc", host_path="/etc", exposure="the node's configuration, credentials included"
            ),
        ),
    ]
    obj = only(HOST_PATHS)
    [violation] = checker(sensitive_host_path)(obj)
    assert span(obj, violation) == (21, 30, 21, 41)


def test_sensitive_host_path_allows_read_only_mounts_of_the_allowed_paths_only() -> None:
    text = pod("""\
  containers:
    - name: app
      image: "app:1"
      volumeMounts:
        - {name: tz, mountPath: /etc/localtime, readOnly: true}
    - name: writer
      image: "app:1"
      volumeMounts:
        - {name: certs, mountPath: /etc/ssl/certs}
  volumes:
    - {name: tz, hostPath: {path: /etc/localtime}}
    - {name: certs, hostPath: {path: /etc/ssl/certs/ca.pem}}
    - {name: unmounted, hostPath: {path: /usr/share/zoneinfo}}
""")
    found = run(checker(sensitive_host_path), text)
    assert [path for path, _ in found] == ["spec.volumes[1].hostPath.path"]
    assert found[0][1]["exposure"] == (
        "it is part of /etc, the node's configuration, credentials included" + sensitive_host_path.WRITABLE
    )
    options = sensitive_host_path.Options(allow_read_only=["/etc/ssl/"])
    assert [path for path, _ in run(checker(sensitive_host_path), text, options)] == [
        "spec.volumes[0].hostPath.path",
        "spec.volumes[1].hostPath.path",
        "spec.volumes[2].hostPath.path",
    ]


def test_container_runtime_socket_reports_sockets_and_their_directories() -> None:
    found = run(checker(container_runtime_socket), HOST_PATHS)
    assert [path for path, _ in found] == ["spec.volumes[3].hostPath.path", "spec.volumes[5].hostPath.path"]
    message = container_runtime_socket.RULE.format_message(found[0][1])
    assert message == (
        "Pod 'p' mounts /var/run/docker.sock from the node through hostPath volume 'docker': it is the "
        "Docker socket, and whoever can reach it controls every container on the node"
    )
    assert "(/run/docker.sock, /run/containerd/containerd.sock, ...)" in str(found[1][1]["exposure"])


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/var",
        "/var/run",
        "/run",
        "/var/run/docker.sock",
        "/etc",
        "/run/containerd",
        "/srv",
        "/run/user/1/x",
    ],
)
def test_one_host_path_gets_at_most_one_of_kc123_and_kc124(path: str) -> None:
    text = pod(
        f'  containers: [{{name: a, image: "a:1"}}]\n  volumes: [{{name: v, hostPath: {{path: "{path}"}}}}]\n'
    )
    count = len(run(checker(sensitive_host_path), text)) + len(run(checker(container_runtime_socket), text))
    assert count == (0 if path in ("/srv", "/run/user/1/x") else 1)


def test_host_path_rules_see_a_windows_pod_through_its_os() -> None:
    text = pod("""\
  os: {name: windows}
  containers: [{name: a, image: "a:1"}]
  volumes:
    - {name: etc, hostPath: {path: /etc}}
    - {name: pipe, hostPath: {path: '\\\\.\\pipe\\docker_engine'}}
""")
    assert run(checker(sensitive_host_path), text) == []
    [(path, args)] = run(checker(container_runtime_socket), text)
    assert path == "spec.volumes[1].hostPath.path"
    assert args["exposure"] == "it is the Docker named pipe"


def test_writable_host_path_points_at_each_mount_with_a_fix() -> None:
    text = (
        HOST_PATHS
        + """\
  ephemeralContainers:
    - name: debug
      image: "debug:1"
      volumeMounts:
        - {name: etc, mountPath: /etc-host, readOnly: false}
"""
    )
    obj = only(text)
    violations = list(checker(writable_host_path)(obj))
    # The docker.sock mount is KC124's alone: readOnly would not keep the container off the socket.
    assert [(v.path, dict(v.args)) for v in violations] == [
        (
            ("spec", "containers", 0, "volumeMounts", 0, "readOnly"),
            named("app", volume="logs", host_path="/var/log", mount_path="/logs"),
        ),
        (
            ("spec", "ephemeralContainers", 0, "volumeMounts", 0, "readOnly"),
            named("debug", "ephemeral container", volume="etc", host_path="/etc/", mount_path="/etc-host"),
        ),
    ]
    fix = violations[0].fix
    assert fix is not None and (fix.path, fix.value) == (violations[0].path, True)
    # The missing readOnly resolves to the mount's entry.
    assert span(obj, violations[0]) == (14, 12, 14, 22)


def test_writable_host_path_ignores_volumes_it_cannot_name() -> None:
    text = pod("""\
  containers:
    - name: app
      image: "app:1"
      volumeMounts:
        - {mountPath: /a}
        - {name: other, mountPath: /b}
  volumes:
    - hostPath: {path: /srv}
    - {name: other, emptyDir: {}}
""")
    assert run(checker(writable_host_path), text) == []


# -- ports

PORTS = pod("""\
  initContainers:
    - name: sidecar
      image: "proxy:1"
      restartPolicy: Always
      ports:
        - {containerPort: 443, hostPort: 8443}
  containers:
    - name: app
      image: "app:1"
      ports:
        - {containerPort: 80, hostPort: 80}
        - {containerPort: 22}
        - {containerPort: 22, protocol: UDP}
        - {containerPort: 8080, hostPort: 0}
        - {containerPort: 1023, protocol: SCTP}
        - {containerPort: 1024}
  ephemeralContainers:
    - name: debug
      image: "debug:1"
      ports:
        - {containerPort: 22, hostPort: 22}
""")


def test_host_port_reports_non_zero_host_ports_of_running_containers() -> None:
    assert run(checker(host_port), PORTS) == [
        ("spec.containers[0].ports[0].hostPort", named("app", host_port=80, protocol="TCP")),
        (
            "spec.initContainers[0].ports[0].hostPort",
            named("sidecar", "init container", host_port=8443, protocol="TCP"),
        ),
    ]


def test_host_port_leaves_host_network_pods_to_kc105() -> None:
    ports = "[{containerPort: 80, hostPort: 80}]"
    text = pod(f"  hostNetwork: true\n  containers:\n    - {{name: a, image: 'a:1', ports: {ports}}}\n")
    assert run(checker(host_port), text) == []


def test_privileged_port_reports_ports_below_1024_with_their_limit() -> None:
    found = run(checker(privileged_port), PORTS)
    assert found == [
        ("spec.containers[0].ports[0].containerPort", named("app", port=80, protocol="TCP", limit=1024)),
        ("spec.containers[0].ports[1].containerPort", named("app", port=22, protocol="TCP", limit=1024)),
        ("spec.containers[0].ports[2].containerPort", named("app", port=22, protocol="UDP", limit=1024)),
        ("spec.containers[0].ports[4].containerPort", named("app", port=1023, protocol="SCTP", limit=1024)),
        (
            "spec.initContainers[0].ports[0].containerPort",
            named("sidecar", "init container", port=443, protocol="TCP", limit=1024),
        ),
    ]


@pytest.mark.parametrize(
    ("sysctls", "reported"),
    [
        ("[{name: net.ipv4.ip_unprivileged_port_start, value: '0'}]", []),
        ("[{name: net/ipv4/ip_unprivileged_port_start, value: ' 81 '}]", [80]),
        ("[{name: net.ipv4.ip_unprivileged_port_start, value: '2000'}]", [80, 443]),
        ("[{name: net.ipv4.ip_unprivileged_port_start, value: lots}]", [80, 443]),
        ("[{name: net.ipv4.ip_local_port_range, value: '0'}]", [80, 443]),
        ("null", [80, 443]),
    ],
)
def test_privileged_port_honours_the_pods_unprivileged_port_start(sysctls: str, reported: list[int]) -> None:
    text = pod(f"""\
  securityContext: {{sysctls: {sysctls}}}
  containers:
    - name: app
      image: "app:1"
      ports: [{{containerPort: 80}}, {{containerPort: 443}}, {{containerPort: 8080}}]
""")
    assert [args["port"] for _, args in run(checker(privileged_port), text)] == reported


def test_privileged_port_skips_windows() -> None:
    container = "{name: iis, image: 'iis:1', ports: [{containerPort: 80}]}"
    text = pod(f"  os: {{name: windows}}\n  containers:\n    - {container}\n")
    assert run(checker(privileged_port), text) == []


def test_ssh_port_reports_22_over_tcp_only() -> None:
    assert run(checker(ssh_port), PORTS) == [("spec.containers[0].ports[1].containerPort", named("app"))]
    assert (
        ssh_port.RULE.format_message(named("app"))
        == "container 'app' exposes port 22/TCP (containerPort), the SSH port"
    )


# -- service accounts


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", automounted_service_account_token.UNSET),
        ("  automountServiceAccountToken: null\n", automounted_service_account_token.UNSET),
        ("  automountServiceAccountToken: true\n", automounted_service_account_token.TRUE),
        ("  automountServiceAccountToken: false\n", None),
    ],
)
def test_automounted_token_fix_sets_false_on_the_pod(line: str, reason: str | None) -> None:
    obj = only(pod(line + "  containers: [{name: a, image: 'a:1'}]\n"))
    violations = list(checker(automounted_service_account_token)(obj))
    if reason is None:
        assert violations == []
        return
    [violation] = violations
    assert violation.path == ("spec", "automountServiceAccountToken")
    assert violation.args == workload(reason=reason)
    assert violation.fix is not None and violation.fix.value is False


def test_automounted_token_does_not_report_service_accounts() -> None:
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n"
    assert run(checker(automounted_service_account_token), text) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("", ("spec.serviceAccountName", default_service_account.NOT_SET)),
        ("  serviceAccountName: ''\n", ("spec.serviceAccountName", default_service_account.NOT_SET)),
        (
            "  serviceAccountName: default\n",
            (
                "spec.serviceAccountName",
                "runs as the namespace's default ServiceAccount: serviceAccountName is 'default'",
            ),
        ),
        (
            "  serviceAccount: default\n",
            (
                "spec.serviceAccount",
                "runs as the namespace's default ServiceAccount: serviceAccount is 'default'",
            ),
        ),
        (
            "  serviceAccountName: ''\n  serviceAccount: default\n",
            (
                "spec.serviceAccount",
                "runs as the namespace's default ServiceAccount: serviceAccount is 'default'",
            ),
        ),
        # serviceAccountName wins over the deprecated field (Convert_v1_PodSpec_To_core_PodSpec).
        ("  serviceAccountName: web\n  serviceAccount: default\n", None),
        (
            "  serviceAccountName: default\n  serviceAccount: web\n",
            (
                "spec.serviceAccountName",
                "runs as the namespace's default ServiceAccount: serviceAccountName is 'default'",
            ),
        ),
        ("  serviceAccount: web\n", None),
    ],
)
def test_default_service_account_follows_the_api_servers_alias(
    fields: str, expected: tuple[str, str] | None
) -> None:
    found = run(default_service_account.check, pod(fields + "  containers: [{name: a, image: 'a:1'}]\n"))
    assert found == ([] if expected is None else [(expected[0], workload(problem=expected[1]))])


def test_default_service_account_reports_the_default_service_account_object() -> None:
    text = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: default}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
"""
    first, *others = objects(text)
    [violation] = default_service_account.check(first)
    assert violation.path == ("automountServiceAccountToken",)
    assert violation.args == {
        "kind": "ServiceAccount",
        "name": "default",
        "problem": default_service_account.TOKEN,
    }
    assert violation.fix is not None and violation.fix.value is False
    assert [v for obj in others for v in default_service_account.check(obj)] == []


def test_default_service_account_reads_every_workload_kind() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: a, image: 'a:1'}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: default}
"""
    assert run(default_service_account.check, text) == [
        (
            "spec.jobTemplate.spec.template.spec.serviceAccountName",
            {"kind": "CronJob", "name": "c", "problem": default_service_account.NOT_SET},
        ),
    ]


def test_deprecated_service_account_field_fixes_by_writing_service_account_name() -> None:
    obj = only(pod("  serviceAccount: builder\n  containers: [{name: a, image: 'a:1'}]\n"))
    [violation] = checker(deprecated_service_account_field)(obj)
    assert violation.path == ("spec", "serviceAccount")
    assert violation.args == workload(account="builder", problem=deprecated_service_account_field.ALONE)
    assert violation.fix is not None
    assert (violation.fix.path, violation.fix.value) == (("spec", "serviceAccountName"), "builder")


def test_deprecated_service_account_field_says_which_name_wins() -> None:
    text = pod(
        "  serviceAccountName: web\n  serviceAccount: builder\n  containers: [{name: a, image: 'a:1'}]\n"
    )
    [(path, args)] = run(checker(deprecated_service_account_field), text)
    assert path == "spec.serviceAccount"
    assert deprecated_service_account_field.RULE.format_message(args) == (
        "Pod 'p' sets the deprecated serviceAccount field to 'builder': the API server uses "
        "serviceAccountName 'web' and ignores it"
    )
    equal = pod("  serviceAccountName: web\n  serviceAccount: web\n  containers: [{name: a, image: 'a:1'}]\n")
    assert run(checker(deprecated_service_account_field), equal) == []


# -- secrets


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("DB_PASSWORD", ["db", "password"]),
        ("clientSecret", ["client", "secret"]),
        ("APIKey", ["api", "key"]),
        ("tls.key", ["tls", "key"]),
        ("OAuth2Token-file", ["o", "auth", "2", "token", "file"]),
    ],
)
def test_names_split_into_words(name: str, words: list[str]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("DB_PASSWORD", "password"),
        ("dbPassword", "password"),
        ("MYSQLPASSWORD", "password"),
        ("DATA_SOURCE_PASS", "password"),
        ("PRIVATE_KEY_PASSPHRASE", "password"),
        ("OAUTH2_PROXY_CLIENT_SECRET", "secret"),
        ("GITHUB_TOKEN", "token"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "credential"),
        ("API_KEY", "API key"),
        ("apikey", "API key"),
        ("AWS_SECRET_ACCESS_KEY", "access key"),
        ("MINIO_SECRET_KEY", "secret key"),
        ("NEW_RELIC_LICENSE_KEY", "license key"),
        ("SSH_KEY", "SSH key"),
        ("PASSWORD_HASH", "password"),
        ("TOKEN_FILE", None),
        ("TOKEN_PATH", None),
        ("JWT_SECRET_NAME", None),
        ("TLS_SECRET_REF", None),
        ("PASSWORD_MIN_LENGTH", None),
        ("AUTH_TOKEN_URL", None),
        ("AWS_ACCESS_KEY_ID", None),
        ("SECRET_VERSION", None),
        ("PASSWORD_ENCRYPTION", None),
        ("MAX_TOTAL_TOKENS", None),
        ("VALKEY_ADDR", None),
        ("SSL_PASSTHROUGH", None),
        ("CACHE_KEY", None),
        ("PUBLIC_KEY", None),
        ("ROUTING_KEY", None),
        ("TOKENIZER_PATH", None),
        ("SECRETARY", None),
        ("USERNAME", None),
        ("", None),
    ],
)
def test_secret_names(name: str, what: str | None) -> None:
    assert secret_name(name) == what


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("s3cr3t", True),
        ("changeme", True),
        ("12345", True),
        ("$$(NOT_A_REFERENCE)", True),
        ("", False),
        ("  ", False),
        ("true", False),
        ("No", False),
        ("0", False),
        ("$(DB_PASSWORD)", False),
        ("prefix-$(DB_PASSWORD)", False),
        ("${DB_PASSWORD}", False),
        ("{{ .Values.password }}", False),
        ("vault:secret/data/db#password", False),
        ("ref+awssecrets://db/password", False),
        ("arn:aws:secretsmanager:eu-west-1:1:secret:db", False),
        ("/etc/db/password", False),
        ("./password.txt", False),
        ("password.txt", False),
        ("C:\\secrets\\db", False),
        ("https://vault.example.com", False),
        ("<your-password>", False),
        ("REPLACE_ME", False),
        ("xxxxxx", False),
        ("DB_PASSWORD", False),
        ("db_password_val", False),
    ],
)
def test_plain_values(value: str, plain: bool) -> None:
    assert is_plain_value(value, "DB_PASSWORD") is plain


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----", "private key"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
        ("-----BEGIN EC PRIVATE KEY-----", "private key"),
        ("key=AKIAQWERTYUIOPASDFGH;", "AWS access key ID"),
        ("ASIAQWERTYUIOPASDFGH", "AWS access key ID"),
        ("ghp_" + "a" * 36, "GitHub token"),
        ("token: ghs_" + "a" * 36, "GitHub token"),
        ("github_pat_" + "a" * 22, "GitHub token"),
        ("rk_live_" + "c" * 16, "Stripe live key"),
        ("gh" + "_" + "a" * 36, None),  # no token prefix: the literals rule the pattern out
        ("glpat-" + "a" * 20, "GitLab token"),
        ("xoxb-1234567890-abc", "Slack token"),
        ("AIza" + "b" * 35, "Google API key"),
        ("sk_live_" + "c" * 24, "Stripe live key"),
        ("amqp://guest:guest@rabbitmq:5672/", "password in a URL"),
        ("-----BEGIN CERTIFICATE-----", None),
        ("-----BEGIN PUBLIC KEY-----", None),
        ("AKIAIOSFODNN7EXAMPLE", None),
        ("AKIAQWERTYUIOPASDFG", None),
        ("postgres://app:$(DB_PASSWORD)@db/app", None),
        ("postgres://app:${DB_PASSWORD}@db/app", None),
        ("https://user@example.com/", None),
        ("http://user:<password>@example.com/", None),
        ("https://example.com/a:b@c", None),
    ],
)
def test_secret_values(value: str, what: str | None) -> None:
    assert secret_value(value) == what


ENV = pod("""\
  initContainers:
    - name: setup
      image: "setup:1"
      env:
        - {name: ADMIN_PASSWORD, value: hunter2}
  containers:
    - name: app
      image: "app:1"
      env:
        - {name: LOG_LEVEL, value: info}
        - {name: DB_PASSWORD, value: "$(FROM_SECRET)"}
        - {name: API_TOKEN, value: tok-12345}
        - {name: PUBLIC_TOKEN, value: pub-12345}
        - {name: UPLOAD, value: AKIAQWERTYUIOPASDFGH}
        - name: FROM_SECRET
          valueFrom:
            secretKeyRef: {name: web, key: password}
      envFrom:
        - secretRef: {name: web-env}
        - configMapRef: {name: web-config}
  ephemeralContainers:
    - name: debug
      image: "debug:1"
      env:
        - {name: TOKEN, value: dbg-token}
""")


def test_secret_in_env_literal_points_at_the_value_and_never_repeats_it() -> None:
    found = run(checker(secret_in_env_literal), ENV)
    assert found == [
        ("spec.containers[0].env[2].value", named("app", variable="API_TOKEN", what="token")),
        ("spec.containers[0].env[3].value", named("app", variable="PUBLIC_TOKEN", what="token")),
        ("spec.containers[0].env[4].value", named("app", variable="UPLOAD", what="AWS access key ID")),
        (
            "spec.initContainers[0].env[0].value",
            named("setup", "init container", variable="ADMIN_PASSWORD", what="password"),
        ),
        (
            "spec.ephemeralContainers[0].env[0].value",
            named("debug", "ephemeral container", variable="TOKEN", what="token"),
        ),
    ]
    for _, args in found:
        message = secret_in_env_literal.RULE.format_message(args)
        for secret in ("hunter2", "tok-12345", "pub-12345", "AKIAQWERTYUIOPASDFGH", "dbg-token"):
            assert secret not in message
    assert secret_in_env_literal.RULE.format_message(found[0][1]) == (
        "container 'app' sets env var 'API_TOKEN' to a plain-text token: anyone who can read the manifest or "
        "the pod can read it"
    )


def test_secret_in_env_literal_allowed_names_still_check_the_value() -> None:
    options = secret_in_env_literal.Options(allowed_names=["*_token", "upload"])
    variables = [args["variable"] for _, args in run(checker(secret_in_env_literal), ENV, options)]
    assert variables == ["UPLOAD", "ADMIN_PASSWORD", "TOKEN"]


def test_secret_in_env_var_reports_secret_key_refs_and_env_from() -> None:
    found = run(checker(secret_in_env_var), ENV)
    assert [path for path, _ in found] == [
        "spec.containers[0].env[5].valueFrom.secretKeyRef",
        "spec.containers[0].envFrom[0].secretRef",
    ]
    assert found[0][1] == named(
        "app",
        source="reads key 'password' of Secret 'web' into env var 'FROM_SECRET' (valueFrom.secretKeyRef)",
        secret="web",
        key="password",
        variable="FROM_SECRET",
    )
    assert secret_in_env_var.RULE.format_message(found[1][1]) == (
        "container 'app' imports every key of Secret 'web-env' as env vars (envFrom): environment variables "
        "leak more easily than files"
    )


CONFIG_MAP = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: web}
data:
  log-level: info
  db-password: hunter2
  secret-name: web-db
  settings.ini: |
    url = amqp://app:hunter3@broker/
binaryData:
  token: aHVudGVyMg==
  keystore-password: 3q2+7w==
  dashboard-token: ""
  logo.png: iVBORw0KGgo=
  api-key: "not base64!"
"""


def test_sensitive_configmap_data_points_at_the_key() -> None:
    obj = only(CONFIG_MAP)
    violations = list(sensitive_configmap_data.check(obj))
    assert [(v.path, v.args["what"]) for v in violations] == [
        (("data", "db-password"), "password"),
        (("data", "settings.ini"), "password in a URL"),
        (("binaryData", "token"), "token"),
        (("binaryData", "keystore-password"), "password"),
    ]
    assert span(obj, violations[0]) == (6, 3, 6, 23)
    message = sensitive_configmap_data.RULE.format_message(violations[0].args)
    assert message == (
        "ConfigMap 'web' holds a plain-text password under data key 'db-password': ConfigMaps are not "
        "protected like Secrets"
    )
    assert all("hunter" not in sensitive_configmap_data.RULE.format_message(v.args) for v in violations)


def test_sensitive_configmap_data_allowed_keys() -> None:
    options = sensitive_configmap_data.Options(allowed_keys=["DB-*", "token", "settings.ini"])
    found = run(sensitive_configmap_data.check, CONFIG_MAP, options)
    assert [path for path, _ in found] == ['data["settings.ini"]', "binaryData.keystore-password"]


def test_sensitive_configmap_data_reads_only_config_maps() -> None:
    text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n"
    assert run(sensitive_configmap_data.check, text) == []
