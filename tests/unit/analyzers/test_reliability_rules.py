"""KC150-KC173 (reliability, object-level networking, metadata) called directly: exact paths, message
arguments, messages, fixes, options and edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kcheck.analyzers.objects import (
    cronjob_concurrent_runs,
    cronjob_without_deadline,
    default_namespace,
    exposed_service_type,
    hpa_low_min_replicas,
    hpa_max_not_above_min,
    ingress_without_tls,
    instance_label_mismatch,
    invalid_restart_policy,
    invalid_topology_spread,
    job_without_ttl,
    missing_dns_config_options,
    missing_node_affinity,
    missing_pod_anti_affinity,
    missing_priority_class,
    missing_recommended_labels,
    missing_required_annotation,
    missing_required_label,
    missing_topology_spread,
    non_rolling_update_strategy,
    pdb_blocks_eviction,
    pdb_unhealthy_pod_eviction_policy,
    pdb_without_policy,
    single_replica,
)
from kcheck.analyzers.objects.scheduling import Selects, declared_replicas, own_selector_labels, pods_selected
from kcheck.core.errors import ConfigError
from kcheck.core.findings import Fix
from kcheck.engine.config import load_settings
from kcheck.engine.registry import ALL_RULES
from kcheck.engine.selection import select_rules
from kcheck.model.workloads import LabelSelector, LabelSelectorRequirement
from tests.unit.analyzers.helpers import checker, objects, only, run, span


def web(
    kind: str = "Deployment", spec: str = "", replicas: str = "", pod: str = "", api: str = "apps/v1"
) -> str:
    """A workload named `web` whose pods are labelled `app: web`; `spec` and `pod` are extra lines (at
    the indentation of spec fields and pod spec fields)."""
    return f"""\
apiVersion: {api}
kind: {kind}
metadata:
  name: web
spec:
{replicas}{spec}  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{pod}      containers:
        - name: app
          image: registry.example.com/web:1.4.2
"""


def fixes(check: object, text: str, options: object = None) -> list[Fix | None]:
    return [v.fix for obj in objects(text) for v in check(obj, options)]  # type: ignore[operator]


WEB = {"kind": "Deployment", "name": "web"}
POD_SPEC = "spec.template.spec"


# -- KC150 single-replica


def test_single_replica_unset_replicas_is_one_and_the_fix_sets_the_minimum() -> None:
    check = checker(single_replica)
    assert run(check, web()) == [
        ("spec.replicas", {**WEB, "replicas": "1 replica (replicas is unset)", "minimum": 2}),
    ]
    [violation] = check(only(web()))
    assert violation.fix == Fix(("spec", "replicas"), 2, "Set `replicas: 2`")
    assert single_replica.RULE.format_message(violation.args) == (
        "Deployment 'web' runs 1 replica (replicas is unset), below 2: "
        "one pod restarting leaves too few serving"
    )


def test_single_replica_option_and_explicit_counts() -> None:
    check = checker(single_replica)
    options = single_replica.Options.model_validate({"min-replicas": 3})
    text = web("StatefulSet", replicas="  replicas: 2\n")
    assert run(check, text, options) == [
        ("spec.replicas", {"kind": "StatefulSet", "name": "web", "replicas": "2 replicas", "minimum": 3}),
    ]
    assert run(check, text) == []
    assert run(check, web(replicas="  replicas: 0\n")) == []  # switched off on purpose
    assert run(check, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n") == []


def test_single_replica_min_replicas_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        single_replica.Options.model_validate({"min-replicas": 0})


# -- KC151 missing-pod-anti-affinity

ANTI = """\
      affinity:
        podAntiAffinity:
          {kind}:
            - {term}
"""


def anti(term: str, kind: str = "requiredDuringSchedulingIgnoredDuringExecution") -> str:
    return ANTI.format(kind=kind, term=term)


@pytest.mark.parametrize(
    ("pod", "reported"),
    [
        ("", True),
        (anti("{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}"), False),
        (anti("{topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: web}}}"), False),
        (
            anti("{topologyKey: topology.kubernetes.io/region, labelSelector: {matchLabels: {app: web}}}"),
            True,
        ),
        (anti("{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: db}}}"), True),
        (anti("{topologyKey: kubernetes.io/hostname}"), True),  # a null selector matches no pod
        (anti("{topologyKey: kubernetes.io/hostname, matchLabelKeys: [app]}"), False),  # the API rejects it
        (anti("{topologyKey: kubernetes.io/hostname, labelSelector: {}}"), False),
        (
            anti(
                "{weight: 1, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: "
                "{matchLabels: {app: web}}}}",
                "preferredDuringSchedulingIgnoredDuringExecution",
            ),
            False,
        ),
        (
            anti(
                "{topologyKey: kubernetes.io/hostname, labelSelector: {}, mismatchLabelKeys: [app]}",
            ),
            True,
        ),
        (
            anti("{topologyKey: kubernetes.io/hostname, labelSelector: {}, mismatchLabelKeys: [absent]}"),
            False,
        ),
        (
            "      topologySpreadConstraints:\n        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, "
            "whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}\n",
            False,
        ),
        (
            "      topologySpreadConstraints:\n        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, "
            "whenUnsatisfiable: ScheduleAnyway}\n",
            True,
        ),
        (
            anti(
                "{topologyKey: kubernetes.io/hostname, labelSelector: {matchExpressions: "
                "[{key: controller-revision-hash, operator: Exists}]}}"
            ),
            False,
        ),
    ],
)
def test_missing_pod_anti_affinity_terms(pod: str, reported: bool) -> None:
    found = run(checker(missing_pod_anti_affinity), web(replicas="  replicas: 3\n", pod=pod))
    assert found == (
        [(f"{POD_SPEC}.affinity.podAntiAffinity", {**WEB, "replicas": "3 replicas"})] if reported else []
    )


def test_missing_pod_anti_affinity_namespaces_replicas_and_kinds() -> None:
    check = checker(missing_pod_anti_affinity)
    term = (
        "{topologyKey: kubernetes.io/hostname, namespaces: [other], labelSelector: {matchLabels: {app: web}}}"
    )
    text = web(replicas="  replicas: 2\n", pod=anti(term))
    assert run(check, text) == []  # the namespace is unknown: the term is assumed to cover it
    assert run(check, text.replace("name: web\n", "name: web\n  namespace: other\n", 1)) == []
    assert len(run(check, text.replace("name: web\n", "name: web\n  namespace: shop\n", 1))) == 1
    assert run(check, web()) == []  # one replica
    assert run(check, web("ReplicaSet", replicas="  replicas: 3\n")) == []
    options = missing_pod_anti_affinity.Options.model_validate({"min-replicas": 4})
    assert run(check, web(replicas="  replicas: 3\n"), options) == []
    zone_only = missing_pod_anti_affinity.Options.model_validate(
        {"topology-keys": ["topology.kubernetes.io/zone"]}
    )
    hostname = anti("{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}")
    assert len(run(check, web(replicas="  replicas: 3\n", pod=hostname), zone_only)) == 1


def test_missing_pod_anti_affinity_fix_selects_the_workloads_own_selector() -> None:
    check = checker(missing_pod_anti_affinity)
    [fix] = fixes(check, web(replicas="  replicas: 3\n"))
    assert fix == Fix(
        ("spec", "template", "spec", "affinity", "podAntiAffinity"),
        {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "podAffinityTerm": {
                        "topologyKey": "kubernetes.io/hostname",
                        "labelSelector": {"matchLabels": {"app": "web"}},
                    },
                }
            ]
        },
        "Add a preferred pod anti-affinity term on `kubernetes.io/hostname`",
    )
    # Terms already written (selecting other pods): no mechanical fix.
    other = anti("{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: db}}}")
    assert fixes(check, web(replicas="  replicas: 3\n", pod=other)) == [None]
    expressions = web(replicas="  replicas: 3\n").replace(
        "    matchLabels: {app: web}\n",
        "    matchExpressions: [{key: app, operator: In, values: [web]}]\n",
        1,
    )
    assert fixes(check, expressions) == [None]


# -- KC152 missing-topology-spread


def test_missing_topology_spread() -> None:
    check = checker(missing_topology_spread)
    assert run(check, web(replicas="  replicas: 2\n")) == [
        (f"{POD_SPEC}.topologySpreadConstraints", {**WEB, "replicas": "2 replicas"}),
    ]
    assert run(check, web()) == []
    assert run(check, web("DaemonSet")) == []
    constrained = (
        "      topologySpreadConstraints:\n        - {maxSkew: 1, topologyKey: kubernetes.io/hostname}\n"
    )
    assert run(check, web(replicas="  replicas: 2\n", pod=constrained)) == []


# -- KC153 invalid-topology-spread


def spread(*constraints: str) -> str:
    return "      topologySpreadConstraints:\n" + "".join(f"        - {c}\n" for c in constraints)


def test_invalid_topology_spread_paths_args_and_fix() -> None:
    check = checker(invalid_topology_spread)
    text = web(
        pod=spread(
            "{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}",
            "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, "
            "labelSelector: {matchLabels: {app: x}}}",
            "{maxSkew: 1, topologyKey: rack, whenUnsatisfiable: DoNotSchedule, "
            "labelSelector: {matchLabels: {app: web}}}",
        )
    )
    assert run(check, text) == [
        (
            f"{POD_SPEC}.topologySpreadConstraints[0].labelSelector",
            {**WEB, "index": 0, "problem": invalid_topology_spread.NO_SELECTOR},
        ),
        (
            f"{POD_SPEC}.topologySpreadConstraints[1].labelSelector",
            {**WEB, "index": 1, "problem": invalid_topology_spread.OTHER_PODS},
        ),
    ]
    first, second = check(only(text))
    assert first.fix == Fix(
        ("spec", "template", "spec", "topologySpreadConstraints", 0, "labelSelector"),
        {"matchLabels": {"app": "web"}},
        "Select the workload's own pods",
    )
    assert second.fix is None
    assert invalid_topology_spread.RULE.format_message(first.args) == (
        "Deployment 'web': topologySpreadConstraints[0] has no labelSelector, so it counts no pods and "
        "constrains nothing"
    )
    # The missing labelSelector is located at the constraint's list item.
    assert span(only(text), first)[0] == 13


def test_invalid_topology_spread_on_a_pod_has_no_fix() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  topologySpreadConstraints:
    - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: null}
  containers: [{name: a, image: "a:1"}]
"""
    [violation] = checker(invalid_topology_spread)(only(text))
    assert violation.path == ("spec", "topologySpreadConstraints", 0, "labelSelector")
    assert violation.fix is None


@pytest.mark.parametrize(
    ("selector", "labels", "mismatch", "expected"),
    [
        (None, {"app": "web"}, (), Selects.NO_PODS),
        (LabelSelector(), {"app": "web"}, (), Selects.OWN_PODS),
        (LabelSelector(match_labels={"app": "web"}), {"app": "web", "tier": "x"}, (), Selects.OWN_PODS),
        (LabelSelector(match_labels={"app": "db"}), {"app": "web"}, (), Selects.OTHER_PODS),
        (LabelSelector(match_labels={"pod-template-hash": "abc"}), {"app": "web"}, (), Selects.UNKNOWN),
        (LabelSelector(match_labels={"-bad": "x"}), {"app": "web"}, (), Selects.UNKNOWN),
        (
            LabelSelector(
                match_expressions=[LabelSelectorRequirement(key="app", operator="NotIn", values=["db"])]
            ),
            {"app": "web"},
            (),
            Selects.OWN_PODS,
        ),
        (LabelSelector(), {"app": "web"}, ("app",), Selects.OTHER_PODS),
        (LabelSelector(), {"app": "web"}, ("zone",), Selects.OWN_PODS),
    ],
)
def test_pods_selected(
    selector: LabelSelector | None, labels: dict[str, str], mismatch: tuple[str, ...], expected: Selects
) -> None:
    assert pods_selected(selector, labels, mismatch_label_keys=mismatch) is expected
    if selector is None:
        assert pods_selected(selector, labels, match_label_keys=["app"]) is Selects.UNKNOWN  # rejected


def test_declared_replicas_and_own_selector_labels() -> None:
    assert declared_replicas(only(web())) is not None
    replicas = declared_replicas(only(web(replicas="  replicas: 4\n")))
    assert replicas is not None and (replicas.count, replicas.written, replicas.describe()) == (
        4,
        True,
        "4 replicas",
    )
    assert declared_replicas(only(web("DaemonSet"))) is None
    assert own_selector_labels(only(web()), {"app": "web"}) == {"app": "web"}
    assert own_selector_labels(only(web()), {"app": "other"}) is None
    rc = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  template: {}\n"
    assert own_selector_labels(only(rc), {"app": "rc"}) == {"app": "rc"}  # defaults to the template's labels
    assert own_selector_labels(only(web("Job", api="batch/v1")), {"app": "web"}) is None


# -- KC154 missing-node-affinity


@pytest.mark.parametrize(
    ("pod", "reported"),
    [
        ("", True),
        ("      nodeSelector: {}\n", True),
        ("      nodeSelector: {kubernetes.io/os: linux}\n", False),
        ("      nodeName: node-1\n", False),
        ("      affinity: {nodeAffinity: {}}\n", True),
        (
            "      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
            "{nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists}]}]}}}\n",
            False,
        ),
        (
            "      affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: "
            "[{weight: 1, preference: {matchExpressions: [{key: a, operator: Exists}]}}]}}\n",
            False,
        ),
        ("      affinity: {podAffinity: {}}\n", True),
    ],
)
def test_missing_node_affinity(pod: str, reported: bool) -> None:
    found = run(checker(missing_node_affinity), web(pod=pod))
    assert found == ([(f"{POD_SPEC}.affinity.nodeAffinity", WEB)] if reported else [])


def test_missing_node_affinity_skips_daemon_sets() -> None:
    assert ("apps", "DaemonSet") not in missing_node_affinity.RULE.applies_to
    assert ("apps", "Deployment") in missing_node_affinity.RULE.applies_to


# -- KC155 non-rolling-update-strategy


def test_non_rolling_update_strategy_written_and_defaulted() -> None:
    check = checker(non_rolling_update_strategy)
    recreate = web(spec="  strategy: {type: Recreate}\n")
    assert run(check, recreate) == [
        (
            "spec.strategy.type",
            {**WEB, "strategy": "Recreate", "consequence": non_rolling_update_strategy.RECREATE},
        )
    ]
    on_delete = web("StatefulSet", spec="  updateStrategy: {type: OnDelete}\n")
    assert [path for path, _ in run(check, on_delete)] == ["spec.updateStrategy.type"]
    legacy = web("DaemonSet", api="extensions/v1beta1")
    assert run(check, legacy) == [
        (
            "spec.updateStrategy.type",
            {
                "kind": "DaemonSet",
                "name": "web",
                "strategy": "OnDelete (the default of extensions/v1beta1)",
                "consequence": non_rolling_update_strategy.ON_DELETE,
            },
        )
    ]
    assert len(run(check, web("StatefulSet", api="apps/v1beta1"))) == 1
    assert run(check, web("StatefulSet", api="apps/v1beta2")) == []
    assert run(check, web("DaemonSet")) == []
    assert run(check, web(spec="  strategy: {type: RollingUpdate}\n")) == []
    assert run(check, web("DaemonSet", spec="  updateStrategy: {type: Recreate}\n")) == []


# -- KC156 invalid-restart-policy


def test_invalid_restart_policy_job_unset_is_always() -> None:
    check = checker(invalid_restart_policy)
    text = web("Job", api="batch/v1")
    [violation] = check(only(text))
    assert violation.path == ("spec", "template", "spec", "restartPolicy")
    assert violation.fix == Fix(violation.path, "Never", "Set `restartPolicy: Never`")
    assert invalid_restart_policy.RULE.format_message(violation.args) == (
        "Job 'web' has restartPolicy Always (the default when unset) in its pod template, "
        "which the API server rejects: a Job's pods must use OnFailure or Never"
    )
    assert run(check, web("Job", api="batch/v1", pod="      restartPolicy: OnFailure\n")) == []
    assert run(check, web("Job", api="batch/v1", pod="      restartPolicy: Never\n")) == []


def test_invalid_restart_policy_pod_failure_policy_and_long_running_kinds() -> None:
    check = checker(invalid_restart_policy)
    failure = web(
        "Job",
        api="batch/v1",
        spec="  podFailurePolicy: {rules: []}\n",
        pod="      restartPolicy: OnFailure\n",
    )
    assert run(check, failure) == [
        (
            f"{POD_SPEC}.restartPolicy",
            {
                "kind": "Job",
                "name": "web",
                "policy": "'OnFailure'",
                "rule": invalid_restart_policy.FAILURE_POLICY_RULE,
            },
        )
    ]
    never = web("Deployment", pod="      restartPolicy: Never\n")
    [violation] = check(only(never))
    assert violation.args == {**WEB, "policy": "'Never'", "rule": invalid_restart_policy.LONG_RUNNING_RULE}
    assert violation.fix == Fix(violation.path, "Always", "Set `restartPolicy: Always`")
    assert run(check, web("StatefulSet", pod="      restartPolicy: Sometimes\n")) != []
    assert run(check, web("ReplicaSet")) == []
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Never\n  containers: []\n"
    assert run(check, pod) == []  # a bare Pod is not in applies_to, and its view is not checked either
    assert ("", "Pod") not in invalid_restart_policy.RULE.applies_to


def test_invalid_restart_policy_cron_job_template() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      podFailurePolicy: {rules: []}
      template:
        spec:
          containers: [{name: a, image: "a:1"}]
"""
    assert run(checker(invalid_restart_policy), text) == [
        (
            "spec.jobTemplate.spec.template.spec.restartPolicy",
            {
                "kind": "CronJob",
                "name": "c",
                "policy": "Always (the default when unset)",
                "rule": invalid_restart_policy.FAILURE_POLICY_RULE,
            },
        )
    ]


# -- KC157 job-without-ttl


def test_job_without_ttl() -> None:
    check = checker(job_without_ttl)
    job = web("Job", api="batch/v1", pod="      restartPolicy: Never\n")
    assert run(check, job) == [("spec.ttlSecondsAfterFinished", WEB | {"kind": "Job"})]
    assert run(check, job.replace("spec:\n", "spec:\n  ttlSecondsAfterFinished: 0\n", 1)) == []
    hook = job.replace("name: web\n", "name: web\n  annotations: {helm.sh/hook: pre-install}\n", 1)
    assert run(check, hook) == []
    argo = job.replace("name: web\n", "name: web\n  annotations: {argocd.argoproj.io/hook: Sync}\n", 1)
    assert run(check, argo) == []
    assert run(check, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n") == []


# -- KC158 cronjob-without-deadline, KC159 cronjob-concurrent-runs

CRON = """\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: backup}}
spec:
  schedule: "0 3 * * *"
{extra}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: a, image: "a:1"}}]
"""
BACKUP = {"kind": "CronJob", "name": "backup"}


def test_cronjob_without_deadline() -> None:
    check = checker(cronjob_without_deadline)
    assert run(check, CRON.format(extra="")) == [("spec.startingDeadlineSeconds", BACKUP)]
    assert run(check, CRON.format(extra="  startingDeadlineSeconds: 200\n")) == []
    assert cronjob_without_deadline.RULE.format_message(BACKUP) == (
        "CronJob 'backup' sets no startingDeadlineSeconds, so a missed run starts however late it is"
    )


@pytest.mark.parametrize(
    ("extra", "shown"),
    [
        ("", "Allow (the default when unset)"),
        ("  concurrencyPolicy: Allow\n", "Allow"),
        ("  concurrencyPolicy: Forbid\n", None),
        ("  concurrencyPolicy: Replace\n", None),
    ],
)
def test_cronjob_concurrent_runs(extra: str, shown: str | None) -> None:
    check = checker(cronjob_concurrent_runs)
    text = CRON.format(extra=extra)
    assert run(check, text) == (
        [] if shown is None else [("spec.concurrencyPolicy", {**BACKUP, "policy": shown})]
    )
    if shown is not None:
        assert fixes(check, text) == [
            Fix(("spec", "concurrencyPolicy"), "Forbid", "Set `concurrencyPolicy: Forbid`"),
        ]


# -- KC160-KC162 PodDisruptionBudgets


def pdb(spec: str, api: str = "policy/v1") -> str:
    return f"apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata: {{name: web}}\nspec:\n{spec}"


PDB = {"kind": "PodDisruptionBudget", "name": "web"}
SELECTOR = "  selector: {matchLabels: {app: web}}\n"


def test_pdb_without_policy() -> None:
    check = checker(pdb_without_policy)
    assert run(check, pdb(SELECTOR)) == [("spec.maxUnavailable", PDB)]
    assert fixes(check, pdb(SELECTOR)) == [Fix(("spec", "maxUnavailable"), 1, "Set `maxUnavailable: 1`")]
    assert run(check, pdb(SELECTOR, "policy/v1beta1")) == []  # defaulted to minAvailable: 1
    assert run(check, pdb("  minAvailable: 0\n" + SELECTOR)) == []
    assert run(check, pdb('  maxUnavailable: "25%"\n' + SELECTOR)) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("  maxUnavailable: 0\n", [("spec.maxUnavailable", "maxUnavailable", "0")]),
        ('  maxUnavailable: "0%"\n', [("spec.maxUnavailable", "maxUnavailable", '"0%"')]),
        ('  maxUnavailable: "00%"\n', [("spec.maxUnavailable", "maxUnavailable", '"00%"')]),
        ('  minAvailable: "100%"\n', [("spec.minAvailable", "minAvailable", '"100%"')]),
        ("  maxUnavailable: 1\n", []),
        ('  maxUnavailable: "1%"\n', []),
        ('  maxUnavailable: "0"\n', []),  # not a percentage: the API server rejects it
        ("  minAvailable: 100\n", []),  # depends on the number of pods
        ('  minAvailable: "99%"\n', []),
    ],
)
def test_pdb_blocks_eviction(spec: str, expected: list[tuple[str, str, str]]) -> None:
    found = run(checker(pdb_blocks_eviction), pdb(spec + SELECTOR))
    assert found == [(path, {**PDB, "field": field, "value": value}) for path, field, value in expected]


def test_pdb_blocks_eviction_message_and_fix() -> None:
    [violation] = checker(pdb_blocks_eviction)(only(pdb("  maxUnavailable: 0\n" + SELECTOR)))
    assert violation.fix == Fix(("spec", "maxUnavailable"), 1, "Set `maxUnavailable: 1`")
    assert pdb_blocks_eviction.RULE.format_message(violation.args) == (
        "PodDisruptionBudget 'web' has maxUnavailable: 0, so no pod it selects can ever be evicted and node "
        "drains hang"
    )
    [minimum] = checker(pdb_blocks_eviction)(only(pdb('  minAvailable: "100%"\n' + SELECTOR)))
    assert minimum.fix is None


def test_pdb_unhealthy_pod_eviction_policy() -> None:
    check = checker(pdb_unhealthy_pod_eviction_policy)
    text = pdb("  maxUnavailable: 1\n" + SELECTOR)
    assert run(check, text) == [("spec.unhealthyPodEvictionPolicy", PDB)]
    assert fixes(check, text) == [
        Fix(
            ("spec", "unhealthyPodEvictionPolicy"),
            "AlwaysAllow",
            "Set `unhealthyPodEvictionPolicy: AlwaysAllow`",
        )
    ]
    assert run(check, pdb("  unhealthyPodEvictionPolicy: IfHealthyBudget\n" + SELECTOR)) == []
    assert run(check, pdb("  minAvailable: 1\n" + SELECTOR, "policy/v1beta1")) == []


# -- KC163 hpa-low-min-replicas, KC164 hpa-max-not-above-min


def hpa(spec: str) -> str:
    return (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n" + spec
    )


HPA = {"kind": "HorizontalPodAutoscaler", "name": "web"}


def test_hpa_low_min_replicas() -> None:
    check = checker(hpa_low_min_replicas)
    assert run(check, hpa("  maxReplicas: 5\n")) == [
        ("spec.minReplicas", {**HPA, "replicas": "1 (the default when unset)", "minimum": 2}),
    ]
    assert fixes(check, hpa("  maxReplicas: 5\n")) == [
        Fix(("spec", "minReplicas"), 2, "Set `minReplicas: 2`")
    ]
    # The fix would put minReplicas above maxReplicas: none.
    options = hpa_low_min_replicas.Options.model_validate({"min-replicas": 3})
    assert run(check, hpa("  minReplicas: 2\n  maxReplicas: 2\n"), options) == [
        ("spec.minReplicas", {**HPA, "replicas": "2", "minimum": 3}),
    ]
    assert fixes(check, hpa("  minReplicas: 2\n  maxReplicas: 2\n"), options) == [None]
    assert run(check, hpa("  minReplicas: 2\n  maxReplicas: 5\n")) == []
    assert run(check, hpa("  minReplicas: 0\n  maxReplicas: 5\n")) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("  minReplicas: 3\n  maxReplicas: 3\n", (3, 3, "equal to minReplicas 3, so it can never scale")),
        (
            "  maxReplicas: 1\n",
            (1, 1, "equal to minReplicas 1 (the default when unset), so it can never scale"),
        ),
        (
            "  minReplicas: 4\n  maxReplicas: 2\n",
            (2, 4, "below minReplicas 4, which the API server rejects"),
        ),
        ("  minReplicas: 2\n  maxReplicas: 3\n", None),
        ("  maxReplicas: 2\n", None),
        ("  minReplicas: 2\n", None),
    ],
)
def test_hpa_max_not_above_min(spec: str, expected: tuple[int, int, str] | None) -> None:
    found = run(checker(hpa_max_not_above_min), hpa(spec))
    if expected is None:
        assert found == []
        return
    maximum, minimum, problem = expected
    assert found == [
        ("spec.maxReplicas", {**HPA, "maximum": maximum, "minimum": minimum, "problem": problem})
    ]
    assert hpa_max_not_above_min.RULE.format_message(found[0][1]) == (
        f"HorizontalPodAutoscaler 'web' has maxReplicas {maximum} {problem}"
    )


# -- KC165 missing-priority-class


def test_missing_priority_class_and_allowed_list() -> None:
    check = checker(missing_priority_class)
    assert run(check, web()) == [
        (f"{POD_SPEC}.priorityClassName", {**WEB, "problem": missing_priority_class.NOT_SET})
    ]
    named = web(pod="      priorityClassName: batch\n")
    assert run(check, named) == []
    options = missing_priority_class.Options(allowed=["critical", "normal"])
    assert run(check, named, options) == [
        (
            f"{POD_SPEC}.priorityClassName",
            {
                **WEB,
                "problem": (
                    "uses priorityClassName 'batch', "
                    "which is not one of the allowed classes (critical, normal)"
                ),
            },
        )
    ]
    assert run(check, web(pod="      priorityClassName: normal\n"), options) == []


# -- KC166 exposed-service-type


def service(spec: str) -> str:
    return f"apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n{spec}  ports: [{{port: 80}}]\n"


def test_exposed_service_type_and_option() -> None:
    check = checker(exposed_service_type)
    assert run(check, service("  type: NodePort\n")) == [
        ("spec.type", {"kind": "Service", "name": "web", "type": "NodePort"})
    ]
    assert run(check, service("  type: LoadBalancer\n")) == []
    options = exposed_service_type.Options(types=["NodePort", "LoadBalancer", "ClusterIP"])
    assert len(run(check, service("  type: LoadBalancer\n"), options)) == 1
    # Unset is ClusterIP, the API server's default.
    assert run(check, service(""), options) == [
        ("spec.type", {"kind": "Service", "name": "web", "type": "ClusterIP"})
    ]
    assert exposed_service_type.RULE.security_severity is not None


# -- KC167 ingress-without-tls


def ingress(spec: str) -> str:
    return f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: web}}\nspec:\n{spec}"


ING = {"kind": "Ingress", "name": "web"}


def test_ingress_without_tls_entries() -> None:
    check = checker(ingress_without_tls)
    assert run(check, ingress("  rules: [{host: a.example.com}]\n")) == [
        ("spec.tls", {**ING, "problem": ingress_without_tls.NO_TLS}),
    ]
    assert run(check, ingress("  defaultBackend: {service: {name: web, port: {number: 80}}}\n")) == [
        ("spec.tls", {**ING, "problem": ingress_without_tls.NO_TLS}),
    ]
    assert run(check, ingress("  backend: {serviceName: web, servicePort: 80}\n")) != []
    assert run(check, ingress("  rules: []\n")) == []
    assert run(check, ingress("  tls: [{secretName: s}]\n  rules: [{host: a.example.com}]\n")) == []


@pytest.mark.parametrize(
    ("host", "tls", "covered"),
    [
        ("a.example.com", ["a.example.com"], True),
        ("a.example.com", ["A.Example.com"], True),
        ("a.example.com", ["*.example.com"], True),
        ("example.com", ["*.example.com"], False),
        ("a.b.example.com", ["*.example.com"], False),
        ("*.example.com", ["*.example.com"], True),
        ("*.example.com", ["a.example.com"], False),
        ("*.a.example.com", ["*.example.com"], False),
        ("localhost", ["*.localhost"], False),
        ("b.example.com", ["a.example.com", "*.example.org"], False),
    ],
)
def test_ingress_without_tls_host_coverage(host: str, tls: list[str], covered: bool) -> None:
    hosts = ", ".join(f'"{h}"' for h in tls)
    text = ingress(f'  tls: [{{hosts: [{hosts}], secretName: s}}]\n  rules: [{{host: "{host}"}}, {{}}]\n')
    problem = ingress_without_tls.HOST_NOT_COVERED.format(host=host)
    assert run(checker(ingress_without_tls), text) == (
        [] if covered else [("spec.rules[0].host", {**ING, "problem": problem})]
    )


# -- KC168 default-namespace


def test_default_namespace() -> None:
    check = checker(default_namespace)
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n"
    assert run(check, cm) == [("metadata.namespace", {"kind": "ConfigMap", "name": "c"})]
    assert run(check, cm.replace("default", "shop")) == []
    assert run(check, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n") == []
    cluster = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s, namespace: default}\n"
    assert run(check, cluster) == []
    assert default_namespace.RULE.applies_to == ()


# -- KC169 missing-required-label, KC170 missing-required-annotation


def test_missing_required_label_patterns_match_in_full() -> None:
    check = checker(missing_required_label)
    options = missing_required_label.Options(labels={"owner": "", "tier": "front|back"})
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {tier: frontend}\n"
    assert run(check, text, options) == [
        ("metadata.labels.owner", {"kind": "ConfigMap", "name": "c", "problem": "has no label 'owner'"}),
        (
            "metadata.labels.tier",
            {
                "kind": "ConfigMap",
                "name": "c",
                "problem": "has label 'tier' set to 'frontend', which does not match 'front|back'",
            },
        ),
    ]
    ok = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {tier: back, owner: ''}\n"
    assert run(check, ok, options) == []
    assert run(check, text) == []  # nothing required by default


def test_missing_required_label_rejects_an_invalid_or_non_re2_pattern() -> None:
    with pytest.raises(ValidationError, match="not a valid RE2 regular expression"):
        missing_required_label.Options(labels={"owner": "(?=x)"})
    with pytest.raises(ValidationError):
        missing_required_annotation.Options(annotations={"email": "[a-"})


def test_missing_required_annotation() -> None:
    check = checker(missing_required_annotation)
    options = missing_required_annotation.Options(annotations={"email": r"[^@]+@example\.com"})
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations: {email: me@example.org}\n"
    assert run(check, text, options) == [
        (
            "metadata.annotations.email",
            {
                "kind": "Secret",
                "name": "s",
                "problem": (
                    "has annotation 'email' set to 'me@example.org', "
                    r"which does not match '[^@]+@example\\.com'"
                ),
            },
        )
    ]


def test_required_metadata_options_are_validated_when_the_configuration_loads(tmp_path: Path) -> None:
    (tmp_path / ".kcheck.yaml").write_text("rules:\n  KC169:\n    options:\n      labels: {owner: '(?=a)'}\n")
    settings, _ = load_settings(None, tmp_path)
    with pytest.raises(ConfigError, match="KC169"):
        select_rules(settings, ALL_RULES, None, [])
    (tmp_path / ".kcheck.yaml").write_text("rules:\n  single-replica:\n    options: {min-replicas: 3}\n")
    settings, _ = load_settings(None, tmp_path)
    [enabled] = [rule for rule in select_rules(settings, ALL_RULES, ["KC150"], []) if rule.spec.id == "KC150"]
    assert enabled.options == single_replica.Options(min_replicas=3)


# -- KC171 missing-recommended-labels, KC172 instance-label-mismatch


def test_missing_recommended_labels_lists_every_missing_label_once() -> None:
    check = checker(missing_recommended_labels)
    assert run(check, web()) == [
        ("metadata.labels", {**WEB, "missing": "app.kubernetes.io/name, app.kubernetes.io/instance"}),
    ]
    options = missing_recommended_labels.Options(labels=["team"])
    assert run(check, web().replace("name: web\n", "name: web\n  labels: {team: a}\n", 1), options) == []


def test_instance_label_mismatch() -> None:
    check = checker(instance_label_mismatch)
    text = web().replace("name: web\n", "name: web\n  labels: {app.kubernetes.io/instance: shop}\n", 1)
    assert run(check, text) == [
        ('metadata.labels["app.kubernetes.io/instance"]', {**WEB, "instance": "shop"})
    ]
    assert fixes(check, text) == [
        Fix(
            ("metadata", "labels", "app.kubernetes.io/instance"),
            "web",
            "Set `app.kubernetes.io/instance: web`",
        )
    ]
    assert run(check, text.replace("instance: shop", "instance: web")) == []
    assert run(check, web()) == []


# -- KC173 missing-dns-config-options


@pytest.mark.parametrize(
    ("pod", "reported"),
    [
        ("", True),
        ("      dnsPolicy: ClusterFirst\n", True),
        ("      dnsPolicy: Default\n", False),
        ("      dnsPolicy: None\n      dnsConfig: {nameservers: [1.1.1.1]}\n", False),
        ("      hostNetwork: true\n", False),
        ("      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n", True),
        ("      dnsConfig: {options: [{name: ndots, value: '2'}]}\n", False),
        ("      dnsConfig: {options: [{name: timeout, value: '2'}]}\n", True),
        ("      os: {name: windows}\n", False),
    ],
)
def test_missing_dns_config_options(pod: str, reported: bool) -> None:
    found = run(checker(missing_dns_config_options), web(pod=pod))
    assert found == ([(f"{POD_SPEC}.dnsConfig.options", {**WEB, "option": "ndots"})] if reported else [])


def test_missing_dns_config_options_option_names_several() -> None:
    options = missing_dns_config_options.Options(options=["ndots", "timeout"])
    text = web(pod="      dnsConfig: {options: [{name: timeout}]}\n")
    assert run(checker(missing_dns_config_options), text, options) == [
        (f"{POD_SPEC}.dnsConfig.options", {**WEB, "option": "ndots"}),
    ]


# -- every rule of the area


AREA = [f"KC{n}" for n in range(150, 174)]


def test_every_rule_of_the_area_is_registered_with_its_profile() -> None:
    specs = {spec.id: spec for spec in ALL_RULES if spec.id in AREA}
    assert sorted(specs) == AREA
    strict = {"KC150", "KC152", "KC154", "KC155", "KC159", "KC165", "KC168", "KC171", "KC172", "KC173"}
    assert {i for i, spec in specs.items() if spec.profile.value == "strict"} == strict
    assert {i for i, spec in specs.items() if spec.profile.value == "minimal"} == {"KC156"}


@pytest.mark.parametrize(
    "module",
    [
        single_replica,
        missing_pod_anti_affinity,
        missing_topology_spread,
        invalid_topology_spread,
        missing_node_affinity,
        non_rolling_update_strategy,
        invalid_restart_policy,
        job_without_ttl,
        cronjob_without_deadline,
        cronjob_concurrent_runs,
        pdb_without_policy,
        pdb_blocks_eviction,
        pdb_unhealthy_pod_eviction_policy,
        hpa_low_min_replicas,
        hpa_max_not_above_min,
        missing_priority_class,
        exposed_service_type,
        ingress_without_tls,
        default_namespace,
        missing_required_label,
        missing_required_annotation,
        missing_recommended_labels,
        instance_label_mismatch,
        missing_dns_config_options,
    ],
)
def test_null_and_empty_specs_raise_nothing(module: object) -> None:
    texts = [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: null\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        "spec:\n  replicas: 3\n  template: {spec: {}}\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: null}\n",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: null\n",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {}\n",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
        "spec: {rules: [{}], tls: null}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: null\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\nspec:\n  affinity: {podAntiAffinity: "
        "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1}]}}\n  dnsConfig: {options: null}\n"
        "  topologySpreadConstraints: [{}]\n  containers: []\n",
    ]
    check = checker(module)  # type: ignore[arg-type]
    for text in texts:
        for obj in objects(text):
            list(check(obj))


def test_selector_does_not_match_template_names_the_failed_requirement(tmp_path: Path) -> None:
    from tests.lint_helpers import lint_text

    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web, tier: front}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n"
        "    spec:\n      containers:\n        - name: app\n          image: registry.example.com/web:1.4.2\n"
    )
    report = lint_text(text, tmp_path, select=["KC174"])
    [finding] = report.active
    assert (finding.rule_id, finding.location.span.line, finding.location.span.column) == ("KC174", 5, 3)
    assert finding.message == (
        "Deployment 'web' has a selector the API server rejects: it requires tier=front, but the pod "
        "template has no label 'tier'"
    )


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("http", []),
        ("grpc-health-chk", []),
        ("grpc-health-check", ["must be no more than 15 characters"]),
        ("http_main", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
        ("8080", ["must contain at least one letter (a-z)"]),
        ("a--b", ["must not contain consecutive hyphens"]),
        ("metrics-", ["must not begin or end with a hyphen"]),
        (
            "HTTP",
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)",
            ],
        ),
    ],
)
def test_port_names_are_iana_service_names(name: str, problems: list[str]) -> None:
    from kcheck.kube.names import port_name

    assert port_name(name) == problems
