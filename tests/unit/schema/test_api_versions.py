"""Which apiVersions each Kubernetes release serves, deprecates and has removed: the data, the curated table,
and the verdicts the KC503/KC504/KC505 rules build on."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys
from pathlib import Path

import pytest

from kcheck.analyzers.schema import api_versions, store
from kcheck.analyzers.schema.api_versions import (
    BETA_LIFETIME,
    CURATED,
    Basis,
    Status,
    Verdict,
    lifecycle,
    preferred_version,
    version_priority,
)

REPO = Path(__file__).resolve().parents[3]
TARGETS = store.supported_versions()
DATA = json.loads((REPO / "kcheck/analyzers/schema/api_lifecycle.json").read_text(encoding="utf-8"))
MINORS: list[int] = DATA["minors"]
SERVED: dict[str, dict[str, list[list[int]]]] = DATA["served"]


def runs(api_version: str, kind: str) -> list[list[int]]:
    return SERVED.get(api_version, {}).get(kind, [])


# --- the data ------------------------------------------------------------------------------------------


def test_the_data_covers_every_bundled_schema_version() -> None:
    assert set(TARGETS) <= set(api_versions.bundled_releases())
    # From 1.25 on, without a gap: a removal is the release after the last one that serves a kind.
    assert MINORS[0] == 25
    assert all(later == earlier + 1 for earlier, later in itertools.pairwise(MINORS))
    assert api_versions.bundled_releases()[-1] == store.default_version()


@pytest.mark.parametrize("target", TARGETS)
def test_the_data_serves_exactly_the_kinds_the_schema_bundle_has(target: str) -> None:
    minor = int(target.split(".")[1])
    from_data = {
        f"{version}|{kind}"
        for version, kinds in SERVED.items()
        for kind, spans in kinds.items()
        if any(first <= minor <= last for first, last in spans)
    }
    bundled = set(store.kinds(target))
    meta = {"DeleteOptions", "WatchEvent", "Status"}
    lists = {key for key in bundled if key.endswith("List") and key.removesuffix("List") in bundled}
    assert from_data == {key for key in bundled if key.split("|")[1] not in meta} - lists


def test_the_data_file_is_what_the_generator_writes(tmp_path: Path) -> None:
    if importlib.util.find_spec("kubernetes_validate") is None:
        pytest.skip("kubernetes-validate is not installed")
    spec = importlib.util.spec_from_file_location("generate", REPO / "scripts/generate_api_lifecycle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    output = tmp_path / "api_lifecycle.json"
    module.generate(output)
    assert output.read_text(encoding="utf-8") == (
        REPO / "kcheck/analyzers/schema/api_lifecycle.json"
    ).read_text(encoding="utf-8")


# --- the curated table against the data -----------------------------------------------------------------


def test_curated_entries_are_unique() -> None:
    keys = [(entry.api_version, entry.kind) for entry in CURATED]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("entry", CURATED, ids=lambda e: f"{e.api_version}-{e.kind}")
def test_every_curated_removal_agrees_with_the_data(entry: api_versions.Removal) -> None:
    spans = runs(entry.api_version, entry.kind)
    if entry.removed_in <= MINORS[0]:
        # Removed before the first bundled release: no bundled release may serve it.
        assert spans == []
    elif entry.removed_in <= MINORS[-1]:
        # The release before the removal is the last that serves it.
        assert spans and spans[-1][1] == entry.removed_in - 1
    else:
        # A scheduled removal: the newest release still serves it.
        assert spans and spans[-1][1] == MINORS[-1]


@pytest.mark.parametrize(
    "entry", [e for e in CURATED if e.replacement], ids=lambda e: f"{e.api_version}-{e.kind}"
)
@pytest.mark.parametrize("target", TARGETS)
def test_every_curated_replacement_is_served_by_every_supported_release(
    entry: api_versions.Removal, target: str
) -> None:
    assert entry.replacement is not None
    group, kind = entry.replacement
    assert preferred_version(group, kind, int(target.split(".")[1])) is not None


def test_entries_without_replacement_say_what_to_do_instead() -> None:
    for entry in CURATED:
        assert bool(entry.note) == (entry.replacement is None)


def test_every_beta_removal_in_the_data_followed_the_deprecation_policy_schedule() -> None:
    """The assumption behind POLICY verdicts: a beta version introduced in 1.N stops being served in 1.N+6."""
    checked = 0
    for version, kinds in SERVED.items():
        if not re.search(r"v\d+beta\d+\Z", version):
            continue
        for kind, spans in kinds.items():
            introduced, last = spans[0][0], spans[-1][1]
            if introduced > MINORS[0] and introduced + BETA_LIFETIME <= MINORS[-1]:
                assert last + 1 == introduced + BETA_LIFETIME, f"{version} {kind}"
                checked += 1
    assert (
        checked >= 6
    )  # flowcontrol v1beta3 (x2), authentication v1beta1, admissionregistration v1beta1, ...


# --- verdicts ---------------------------------------------------------------------------------------------

# Every removal since 1.16 (Deprecated API Migration Guide) and the apiVersion that replaces it today.
REMOVALS = [
    ("extensions/v1beta1", "Deployment", "1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy", "1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy", "1.16", None),
    ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", "Deployment", "1.16", "apps/v1"),
    ("apps/v1beta1", "StatefulSet", "1.16", "apps/v1"),
    ("apps/v1beta2", "DaemonSet", "1.16", "apps/v1"),
    ("apps/v1beta2", "Deployment", "1.16", "apps/v1"),
    ("apps/v1beta2", "ReplicaSet", "1.16", "apps/v1"),
    ("apps/v1beta2", "StatefulSet", "1.16", "apps/v1"),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        "1.22",
        "admissionregistration.k8s.io/v1",
    ),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22", "apiextensions.k8s.io/v1"),
    ("apiregistration.k8s.io/v1beta1", "APIService", "1.22", "apiregistration.k8s.io/v1"),
    ("authentication.k8s.io/v1beta1", "TokenReview", "1.22", "authentication.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", "SubjectAccessReview", "1.22", "authorization.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.22", "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease", "1.22", "coordination.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass", "1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding", "1.22", "rbac.authorization.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", "1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass", "1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver", "1.22", "storage.k8s.io/v1"),
    ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", "1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "Event", "1.25", "events.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25", "autoscaling/v2"),
    ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy", "1.25", None),
    ("node.k8s.io/v1beta1", "RuntimeClass", "1.25", "node.k8s.io/v1"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "storage.k8s.io/v1"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        "1.29",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", "flowcontrol.apiserver.k8s.io/v1"),
    ("authentication.k8s.io/v1beta1", "SelfSubjectReview", "1.33", "authentication.k8s.io/v1"),
    ("resource.k8s.io/v1alpha2", "ResourceClaim", "1.31", "resource.k8s.io/v1"),
]


@pytest.mark.parametrize(("api_version", "kind", "removed_in", "replacement"), REMOVALS)
def test_every_removal_since_1_16_is_removed_for_the_newest_release(
    api_version: str, kind: str, removed_in: str, replacement: str | None
) -> None:
    verdict = lifecycle(api_version, kind, "1.37")
    assert (verdict.status, verdict.removed_in, verdict.replacement) == (
        Status.REMOVED,
        removed_in,
        replacement,
    )
    if replacement is None:
        assert "Pod Security Admission" in verdict.advice
    else:
        assert verdict.advice == f"use apiVersion {replacement} instead"


@pytest.mark.parametrize("target", TARGETS)
def test_batch_v1beta1_cronjob_is_removed_in_1_25_and_replaced_by_batch_v1(target: str) -> None:
    assert lifecycle("batch/v1beta1", "CronJob", target) == Verdict(
        Status.REMOVED, Basis.CURATED, removed_in="1.25", replacement="batch/v1"
    )


def test_a_kind_removed_in_1_32_is_removed_for_1_33_and_the_data_says_so() -> None:
    verdict = lifecycle("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.33")
    assert verdict == Verdict(
        Status.REMOVED, Basis.DATA, removed_in="1.32", replacement="flowcontrol.apiserver.k8s.io/v1"
    )


def test_a_version_a_later_bundled_release_removes_is_deprecated_until_then() -> None:
    kind = "ValidatingAdmissionPolicy"
    assert lifecycle("admissionregistration.k8s.io/v1beta1", kind, "1.33") == Verdict(
        Status.DEPRECATED, Basis.DATA, removed_in="1.34", replacement="admissionregistration.k8s.io/v1"
    )
    assert lifecycle("admissionregistration.k8s.io/v1beta1", kind, "1.34").status is Status.REMOVED


def test_the_replacement_is_the_most_stable_version_the_target_serves() -> None:
    # 1.33 serves ResourceClaim as v1beta1 and v1beta2 (and v1alpha3 for the last time); v1 came in 1.34.
    verdict = lifecycle("resource.k8s.io/v1alpha3", "ResourceClaim", "1.33")
    assert (verdict.status, verdict.removed_in, verdict.replacement) == (
        Status.DEPRECATED,
        "1.34",
        "resource.k8s.io/v1beta2",
    )
    assert lifecycle("resource.k8s.io/v1alpha3", "ResourceClaim", "1.34").replacement == "resource.k8s.io/v1"


def test_a_removed_version_without_successor_says_so() -> None:
    verdict = lifecycle("resource.k8s.io/v1alpha2", "ResourceClass", "1.35")
    assert (verdict.status, verdict.removed_in, verdict.replacement) == (Status.REMOVED, "1.31", None)
    assert verdict.advice == "Kubernetes 1.35 serves no newer version of ResourceClass"


def test_a_deprecated_version_whose_successor_comes_later_says_when() -> None:
    # 1.37 removes storage.k8s.io/v1beta1 VolumeAttributesClass; 1.33 serves it and v1alpha1, 1.34 brings v1.
    verdict = lifecycle("storage.k8s.io/v1beta1", "VolumeAttributesClass", "1.33")
    assert (verdict.status, verdict.removed_in, verdict.replacement) == (Status.DEPRECATED, "1.37", None)
    assert verdict.advice == (
        "Kubernetes 1.33 serves no newer version of VolumeAttributesClass; storage.k8s.io/v1 comes in 1.34"
    )


def test_a_beta_superseded_by_a_stable_version_is_deprecated_on_the_policy_schedule() -> None:
    # resource.k8s.io/v1beta1 appeared in 1.32: deprecated from 1.35, gone in 1.38; v1 is served since 1.34.
    assert lifecycle("resource.k8s.io/v1beta1", "ResourceClaim", "1.34") == Verdict(Status.SERVED)
    assert lifecycle("resource.k8s.io/v1beta1", "ResourceClaim", "1.35") == Verdict(
        Status.DEPRECATED,
        Basis.POLICY,
        removed_in="1.38",
        introduced_in="1.32",
        replacement="resource.k8s.io/v1",
    )


def test_a_beta_without_a_more_stable_version_is_not_deprecated_by_the_policy_alone() -> None:
    assert lifecycle("coordination.k8s.io/v1beta1", "LeaseCandidate", "1.37") == Verdict(Status.SERVED)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(
    ("api_version", "kind"),
    [("apps/v1", "Deployment"), ("v1", "Pod"), ("batch/v1", "CronJob"), ("networking.k8s.io/v1", "Ingress")],
)
def test_stable_kinds_are_served(api_version: str, kind: str, target: str) -> None:
    assert lifecycle(api_version, kind, target) == Verdict(Status.SERVED)


def test_a_kind_a_later_release_introduces_is_not_served_yet() -> None:
    verdict = lifecycle("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy", "1.33")
    assert (verdict.status, verdict.introduced_in, verdict.replacement) == (
        Status.FUTURE,
        "1.34",
        "admissionregistration.k8s.io/v1alpha1",
    )


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("example.com/v1", "Widget"),
        ("apps/v1", "Deploymnet"),
        ("v1", "Deployment"),
        ("apps/v2", "Deployment"),
    ],
)
def test_kinds_no_release_serves_are_unknown(api_version: str, kind: str) -> None:
    assert lifecycle(api_version, kind, "1.37") == Verdict(Status.UNKNOWN)


def test_kubernetes_orders_versions_ga_then_beta_then_alpha_higher_first() -> None:
    versions = ["v1alpha1", "v1beta1", "foo", "v2", "v1", "v1beta2", "v2alpha1", "v10", "v11alpha2"]
    assert sorted(versions, key=version_priority, reverse=True) == [
        "v10",
        "v2",
        "v1",
        "v1beta2",
        "v1beta1",
        "v11alpha2",
        "v2alpha1",
        "v1alpha1",
        "foo",
    ]


def test_a_target_that_is_not_a_1_x_release_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"not a Kubernetes 1\.x release"):
        lifecycle("apps/v1", "Deployment", "2.0")


@pytest.mark.parametrize("target", TARGETS)
def test_following_the_advice_never_leads_to_a_version_the_target_does_not_serve(target: str) -> None:
    known = {(version, kind) for version, kinds in SERVED.items() for kind in kinds}
    known |= {(entry.api_version, entry.kind) for entry in CURATED}
    advised = 0
    for api_version, kind in sorted(known):
        verdict = lifecycle(api_version, kind, target)
        if verdict.status in (Status.REMOVED, Status.DEPRECATED):
            assert verdict.advice, f"{api_version} {kind}"
        if verdict.replacement is not None:
            advised += 1
            then = lifecycle(verdict.replacement, verdict.replacement_kind or kind, target)
            assert then.status in (Status.SERVED, Status.DEPRECATED), f"{api_version} {kind}"
            moving = verdict.status in (Status.REMOVED, Status.DEPRECATED)
            if moving and api_versions.group_of(verdict.replacement) == api_versions.group_of(api_version):
                # Within a group, always forward: never from a beta to an alpha.
                new, old = (
                    version_priority(v.rpartition("/")[2]) for v in (verdict.replacement, api_version)
                )
                assert new > old, f"{api_version} {kind}"
    assert advised > 50


@pytest.mark.parametrize(
    ("versions", "warning"),
    [
        # The most preferred of the served, non-deprecated versions Kubernetes prefers to v1beta1.
        (
            [("v1beta1", True, True), ("v1", True, False), ("v2", True, False), ("v2beta1", True, False)],
            "example.com/v1beta1 Widget is deprecated; use example.com/v2 Widget",
        ),
        # Not served, deprecated too, or less preferred than v1beta1: nothing to recommend.
        (
            [("v1beta1", True, True), ("v1", False, False), ("v2", True, True), ("v1alpha1", True, False)],
            "example.com/v1beta1 Widget is deprecated",
        ),
    ],
)
def test_a_deprecated_crd_version_gets_the_api_servers_default_warning(
    versions: list[tuple[str, bool, bool]], warning: str
) -> None:
    assert api_versions.crd_deprecation_warning("example.com", "Widget", "v1beta1", versions) == warning
