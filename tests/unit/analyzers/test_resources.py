"""The resources family's admission arithmetic, case by case: API defaulting, LimitRanger, QoS, and what
ResourceQuota charges (the cases of the ResourceQuota design table among them)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from kcheck.analyzers.resources.analysis import (
    NamespaceResources,
    Settings,
    analyse,
    pod_level_resources_supported,
)
from kcheck.engine.config import Settings as RunSettings
from kcheck.engine.pipeline import RunRequest, prepare
from kcheck.kube.quantity import Quantity, format_quantity
from tests.lint_helpers import lint_text


def analysed(
    tmp_path: Path, text: str, version: str = "1.37", nodes: int = 1
) -> dict[str, NamespaceResources]:
    (tmp_path / "m.yaml").write_text(text)
    settings = RunSettings(kubernetes_version=version)
    prepared = prepare(RunRequest(paths=["m.yaml"], cwd=tmp_path, settings=settings, select=["KC7"]))
    return analyse(prepared.inventory, Settings(nodes, pod_level_resources_supported(version)))


def pod(name: str, resources: str, extra: str = "", namespace: str = "team-a") -> str:
    return f"""---
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {namespace}}}
spec:
{extra}  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      resources: {resources}
"""


QUOTA = """---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: team-a}
spec:
  hard: {cpu: "100", requests.cpu: "100", limits.cpu: "100", pods: "100"}
"""


def used(namespaces: dict[str, NamespaceResources], resource: str, quota: int = 0) -> str:
    return format_quantity(namespaces["team-a"].quotas[quota].used.get(resource, Fraction(0)), resource)


# The ResourceQuota design table (kubernetes/design-proposals resource-quota): what a pod's CPU counts.
def test_request_and_limit_counts_the_request(tmp_path: Path) -> None:
    namespaces = analysed(tmp_path, QUOTA + pod("p", "{requests: {cpu: 100m}, limits: {cpu: 500m}}"))
    assert used(namespaces, "requests.cpu") == "100m"
    assert used(namespaces, "cpu") == "100m"
    assert used(namespaces, "limits.cpu") == "500m"


def test_a_limit_alone_is_also_the_request(tmp_path: Path) -> None:
    namespaces = analysed(tmp_path, QUOTA + pod("p", "{limits: {cpu: 500m}}"))
    assert used(namespaces, "requests.cpu") == "500m"
    assert used(namespaces, "limits.cpu") == "500m"


def test_neither_set_under_a_cpu_quota_is_rejected(tmp_path: Path) -> None:
    namespaces = analysed(tmp_path, QUOTA + pod("p", "{}"))
    (workload,) = namespaces["team-a"].workloads
    (constraint,) = workload.constraints
    assert constraint.containers == ((0, ("cpu", "limits.cpu", "requests.cpu")),)
    report = lint_text(QUOTA + pod("p", "{}"), tmp_path, select=["KC703"])
    assert [(f.rule_id, f.location.span.line) for f in report.active] == [("KC703", 15)]
    assert report.active[0].message.endswith(
        "(failed quota: compute: must specify cpu for: app; limits.cpu for: app; requests.cpu for: app)"
    )


@pytest.mark.parametrize(
    ("cpu", "qos", "counted"),
    [
        ("{requests: {cpu: '1', memory: 1Gi}, limits: {cpu: '4', memory: 1Gi}}", "Burstable", "1"),
        ("{requests: {cpu: '2', memory: 1Gi}, limits: {cpu: '2', memory: 1Gi}}", "Guaranteed", "2"),
        ("{requests: {cpu: '1', memory: 1Gi}, limits: {cpu: '3', memory: 1Gi}}", "Burstable", "1"),
        # Guaranteed needs both cpu and memory: without memory, 2/2 is Burstable.
        ("{requests: {cpu: '2'}, limits: {cpu: '2'}}", "Burstable", "2"),
    ],
)
def test_design_table_qos_and_cpu_count(tmp_path: Path, cpu: str, qos: str, counted: str) -> None:
    namespaces = analysed(tmp_path, QUOTA + pod("p", cpu))
    (workload,) = namespaces["team-a"].workloads
    assert workload.qos == qos
    assert used(namespaces, "requests.cpu") == counted


def test_qos_best_effort_and_zero_values(tmp_path: Path) -> None:
    text = pod("none", "{}") + pod("zero", "{requests: {cpu: '0', memory: '0'}}")
    text += pod("guaranteed-by-limits", "{limits: {cpu: 500m, memory: 1Gi}}")
    workloads = analysed(tmp_path, text)["team-a"].workloads
    assert [w.qos for w in workloads] == ["BestEffort", "BestEffort", "Guaranteed"]


def test_qos_counts_init_containers_and_sidecars(tmp_path: Path) -> None:
    text = pod(
        "p",
        "{limits: {cpu: '1', memory: 1Gi}}",
        extra="  initContainers:\n    - name: setup\n      image: registry.example.com/setup:1.0.0\n",
    )
    (workload,) = analysed(tmp_path, text)["team-a"].workloads
    assert workload.qos == "Burstable"  # the init container has no limits


def test_sidecars_add_up_and_init_containers_peak(tmp_path: Path) -> None:
    extra = """  initContainers:
    - name: proxy
      image: registry.example.com/proxy:1.0.0
      restartPolicy: Always
      resources: {requests: {cpu: 200m}}
    - name: migrate
      image: registry.example.com/migrate:1.0.0
      resources: {requests: {cpu: '2'}}
"""
    namespaces = analysed(tmp_path, QUOTA + pod("p", "{requests: {cpu: 500m}}", extra=extra))
    # max(app 500m + proxy 200m, migrate 2 + proxy 200m)
    assert used(namespaces, "requests.cpu") == "2200m"


def test_overhead_is_added_to_requests_and_to_set_limits(tmp_path: Path) -> None:
    extra = "  overhead: {cpu: 250m, memory: 120Mi}\n"
    quota = QUOTA.replace('pods: "100"', 'pods: "100", limits.memory: 10Gi, requests.memory: 10Gi')
    namespaces = analysed(
        tmp_path, quota + pod("p", "{requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: '1'}}", extra)
    )
    assert used(namespaces, "requests.cpu") == "750m"
    assert used(namespaces, "limits.cpu") == "1250m"
    assert used(namespaces, "requests.memory") == "1144Mi"
    assert used(namespaces, "limits.memory") == "0"  # no memory limit: no overhead either


def test_replicas_parallelism_daemonsets_and_hpa_maximum(tmp_path: Path) -> None:
    template = """  template:
    metadata: {labels: {app: x}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
          resources: {requests: {cpu: 100m}}
"""
    job_template = template.replace("    spec:", "    spec:\n      restartPolicy: Never")
    text = (
        QUOTA
        + f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: team-a}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: x}}}}
{template}---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: default-replicas, namespace: team-a}}
spec:
  selector: {{matchLabels: {{app: x}}}}
{template}---
apiVersion: batch/v1
kind: Job
metadata: {{name: job, namespace: team-a}}
spec:
  parallelism: 5
  completions: 2
{job_template}---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent, namespace: team-a}}
spec:
  selector: {{matchLabels: {{app: x}}}}
{template}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web, namespace: team-a}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  maxReplicas: 10
"""
    )
    namespaces = analysed(tmp_path, text, nodes=4)
    workloads = namespaces["team-a"].workloads
    assert [(w.obj.metadata.name, w.replicas, w.max_replicas) for w in workloads] == [
        ("web", 3, 10),
        ("default-replicas", 1, 1),
        ("job", 2, 2),
        ("agent", 4, 4),
    ]
    usage = namespaces["team-a"].quotas[0]
    assert format_quantity(usage.used["requests.cpu"], "cpu") == "1"  # (3 + 1 + 2 + 4) x 100m
    assert format_quantity(usage.used_at_max["requests.cpu"], "cpu") == "1700m"
    assert usage.used["pods"] == 10


def test_limit_range_defaults_and_their_api_defaulting(tmp_path: Path) -> None:
    limit_range = """---
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: team-a}
spec:
  limits:
    - type: Container
      max: {memory: 1Gi}
      min: {cpu: 50m}
      default: {cpu: 500m}
      defaultRequest: {cpu: 200m}
"""
    text = (
        limit_range + pod("p", "{}") + pod("q", "{limits: {cpu: 300m}}") + pod("r", "{requests: {cpu: 100m}}")
    )
    workloads = analysed(tmp_path, text)["team-a"].workloads
    got = [
        (
            {k: format_quantity(v, k) for k, v in w.pod.containers[0].requests.items()},
            {k: format_quantity(v, k) for k, v in w.pod.containers[0].limits.items()},
        )
        for w in workloads
    ]
    assert got == [
        # default from max (memory), defaultRequest from default (memory), then the written ones
        ({"cpu": "200m", "memory": "1Gi"}, {"cpu": "500m", "memory": "1Gi"}),
        # the API server defaulted the request from the limit before LimitRanger ran
        ({"cpu": "300m", "memory": "1Gi"}, {"cpu": "300m", "memory": "1Gi"}),
        ({"cpu": "100m", "memory": "1Gi"}, {"cpu": "500m", "memory": "1Gi"}),
    ]
    assert [w.qos for w in workloads] == ["Burstable", "Guaranteed", "Burstable"]
    assert all(not w.pod.rejections for w in workloads)


def test_limit_range_ratio_is_compared_in_milli_units(tmp_path: Path) -> None:
    limit_range = """---
apiVersion: v1
kind: LimitRange
metadata: {name: ratio, namespace: team-a}
spec:
  limits:
    - type: Container
      maxLimitRequestRatio: {cpu: "2.5"}
"""
    text = limit_range + pod("ok", "{requests: {cpu: 400m}, limits: {cpu: '1'}}")
    text += pod("over", "{requests: {cpu: 399m}, limits: {cpu: '1'}}")
    workloads = analysed(tmp_path, text)["team-a"].workloads
    assert [len(w.pod.rejections) for w in workloads] == [0, 1]
    assert workloads[1].pod.rejections[0].message == (
        "cpu max limit to request ratio per Container is 2500m, but provided ratio is 2.506266"
    )


@pytest.mark.parametrize(
    ("scopes", "charged"),
    [
        ("scopes: [BestEffort]", ["best-effort"]),
        ("scopes: [NotBestEffort]", ["burstable", "terminating", "high", "cross"]),
        ("scopes: [Terminating]", ["terminating"]),
        ("scopes: [NotTerminating]", ["best-effort", "burstable", "high", "cross"]),
        ("scopes: [CrossNamespacePodAffinity]", ["cross"]),
        (
            "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: In, values: [high]}]}",
            ["high"],
        ),
        (
            "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: NotIn, "
            "values: [high]}]}",
            ["best-effort", "burstable", "terminating", "cross"],
        ),
        ("scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: Exists}]}", ["high"]),
        (
            "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: DoesNotExist}]}",
            ["best-effort", "burstable", "terminating", "cross"],
        ),
        # scopes and scopeSelector together: all must hold
        (
            "scopes: [NotBestEffort]\n  scopeSelector: {matchExpressions: [{scopeName: PriorityClass, "
            "operator: DoesNotExist}]}",
            ["burstable", "terminating", "cross"],
        ),
    ],
)
def test_quota_scopes(tmp_path: Path, scopes: str, charged: list[str]) -> None:
    quota = f"""---
apiVersion: v1
kind: ResourceQuota
metadata: {{name: scoped, namespace: team-a}}
spec:
  hard: {{pods: "10"}}
  {scopes}
"""
    sized = "{requests: {memory: 64Mi}}"
    affinity = """  affinity:
    podAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 1
          podAffinityTerm:
            labelSelector: {matchLabels: {app: db}}
            namespaceSelector: {}
            topologyKey: kubernetes.io/hostname
"""
    text = quota + pod("best-effort", "{}") + pod("burstable", sized)
    text += pod("terminating", sized, "  activeDeadlineSeconds: 60\n")
    text += pod("high", sized, "  priorityClassName: high\n") + pod("cross", sized, affinity)
    namespace = analysed(tmp_path, text)["team-a"]
    assert [w.obj.metadata.name for w in namespace.workloads if w.quotas] == charged
    assert namespace.quotas[0].used["pods"] == len(charged)


def test_pod_level_resources_follow_the_target_version(tmp_path: Path) -> None:
    extra = "  resources: {limits: {cpu: '2', memory: 2Gi}}\n"
    text = QUOTA + pod("p", "{requests: {cpu: 500m}}", extra)
    at_134 = analysed(tmp_path, text, version="1.34")
    (workload,) = at_134["team-a"].workloads
    # The pod-level request defaults from the containers' (500m), memory from the limit; no constraint.
    assert used(at_134, "requests.cpu") == "500m"
    assert used(at_134, "limits.cpu") == "2"
    assert workload.constraints == []
    assert workload.qos == "Burstable"
    at_133 = analysed(tmp_path, text, version="1.33")
    (workload,) = at_133["team-a"].workloads
    assert used(at_133, "limits.cpu") == "0"  # the API server drops spec.resources before 1.34
    # The request makes cpu and requests.cpu present; the quota's limits.cpu is what the container lacks.
    assert [names for _, names in workload.constraints[0].containers] == [("limits.cpu",)]


def test_object_counts_services_and_claims(tmp_path: Path) -> None:
    text = """---
apiVersion: v1
kind: ResourceQuota
metadata: {name: objects, namespace: team-a}
spec:
  hard:
    services: "5"
    services.nodeports: "5"
    services.loadbalancers: "5"
    configmaps: "5"
    count/configmaps: "5"
    count/deployments.apps: "5"
    count/ingresses.networking.k8s.io: "5"
    persistentvolumeclaims: "10"
    requests.storage: 1Ti
    fast.storageclass.storage.k8s.io/requests.storage: 1Ti
    fast.storageclass.storage.k8s.io/persistentvolumeclaims: "10"
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: team-a}
spec:
  type: LoadBalancer
  ports: [{port: 80}, {port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: lb-no-node-ports, namespace: team-a}
spec:
  type: LoadBalancer
  allocateLoadBalancerNodePorts: false
  ports: [{port: 80, nodePort: 30080}, {port: 443}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-a}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: team-a}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: team-a}
spec:
  storageClassName: fast
  resources: {requests: {storage: 10Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: team-a}
spec:
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: registry.example.com/db:15.2
  volumeClaimTemplates:
    - metadata:
        name: data
        annotations: {volume.beta.kubernetes.io/storage-class: fast}
      spec:
        storageClassName: slow
        resources: {requests: {storage: 1Gi}}
"""
    usage = analysed(tmp_path, text)["team-a"].quotas[0]
    got = {name: format_quantity(value, name) for name, value in usage.used.items()}
    assert got == {
        "services": "2",
        "services.nodeports": "3",
        "services.loadbalancers": "2",
        "configmaps": "1",
        "count/configmaps": "1",
        "count/ingresses.networking.k8s.io": "1",
        "persistentvolumeclaims": "4",
        "requests.storage": "13Gi",
        # the beta annotation wins over storageClassName
        "fast.storageclass.storage.k8s.io/requests.storage": "13Gi",
        "fast.storageclass.storage.k8s.io/persistentvolumeclaims": "4",
    }


@pytest.mark.parametrize(
    ("a", "b"), [("1Gi", "1024Mi"), ("0.1", "100m"), ("1e3", "1k"), ("1.5Gi", "1536Mi"), ("1000000n", "1m")]
)
def test_quantities_compare_exactly(a: str, b: str) -> None:
    left, right = Quantity.parse(a), Quantity.parse(b)
    assert isinstance(left, Quantity) and isinstance(right, Quantity)
    assert left == right


def test_invalid_quantities_are_listed_and_left_out(tmp_path: Path) -> None:
    text = QUOTA + pod("p", "{requests: {cpu: 2 cores}}")
    namespace = analysed(tmp_path, text)["team-a"]
    ((obj, invalid),) = namespace.invalid
    assert (invalid.text, invalid.path[-1]) == ("2 cores", "cpu")
    assert obj.locate(invalid.path).span.line == 15
    assert "requests.cpu" not in namespace.quotas[0].used


def test_hostile_values_give_findings_not_crashes(tmp_path: Path) -> None:
    text = """---
apiVersion: v1
kind: LimitRange
metadata: {name: huge, namespace: team-a}
spec:
  limits:
    - type: Container
      maxLimitRequestRatio: {cpu: '1e9990'}
      max: {memory: '1e9999'}
    - type: Pod
      min: {cpu: '1e-9999'}
    - {type: Container, max: [not, a, map], default: 7}
    - null
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: tiny, namespace: team-a}
spec:
  hard: {requests.cpu: 1n, limits.memory: '1e9999', pods: "-1"}
  scopeSelector: {matchExpressions: [{scopeName: Nonsense, operator: In}, null]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team-a}
spec:
  replicas: 4611686018427387904
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          resources:
            requests: {cpu: 1n, memory: '1e-9999'}
            limits: {cpu: '1e9999', memory: '1e9999'}
"""
    report = lint_text(text, tmp_path, select=["KC7"])
    assert {f.rule_id for f in report.active} <= {"KC701", "KC702", "KC703", "KC704", "KC705"}
    assert all(len(f.message) < 2000 for f in report.active)
    ratio = [f for f in report.active if "ratio" in f.message]
    assert ratio and ratio[0].message.count("provided ratio is") == 1
