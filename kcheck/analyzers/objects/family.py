"""The objects family (KC1xx): rules that read one object at a time, through its typed model.

A rule module defines `RULE` and one of two entry points: `check_workload(workload, options)` for rules
about pods and pod templates, which all read one `WorkloadView` built once per object, or
`check(obj, options)` for the other kinds (Services, Ingresses, PodDisruptionBudgets, metadata).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from kcheck.analyzers.family import Dispatch, Enabled, Family, ObjectRule, Result
from kcheck.analyzers.objects import (
    apparmor_unconfined,
    automounted_service_account_token,
    capabilities_not_dropped,
    container_runtime_socket,
    cronjob_concurrent_runs,
    cronjob_without_deadline,
    dangerous_capability,
    default_namespace,
    default_service_account,
    deprecated_service_account_field,
    duplicate_container_port,
    duplicate_env_var,
    exposed_service_type,
    host_ipc,
    host_network,
    host_path_volume,
    host_pid,
    host_port,
    host_process_container,
    hpa_low_min_replicas,
    hpa_max_not_above_min,
    identical_liveness_readiness_probes,
    image_pull_policy_not_always,
    image_registry_not_allowed,
    image_without_digest,
    ingress_without_tls,
    insecure_capability,
    instance_label_mismatch,
    invalid_port_name,
    invalid_probe,
    invalid_restart_policy,
    invalid_topology_spread,
    job_without_ttl,
    latest_image_tag,
    missing_dns_config_options,
    missing_image,
    missing_liveness_probe,
    missing_node_affinity,
    missing_pod_anti_affinity,
    missing_priority_class,
    missing_readiness_probe,
    missing_recommended_labels,
    missing_required_annotation,
    missing_required_label,
    missing_seccomp_profile,
    missing_topology_spread,
    net_raw_capability,
    non_rolling_update_strategy,
    pdb_blocks_eviction,
    pdb_unhealthy_pod_eviction_policy,
    pdb_without_policy,
    privilege_escalation_allowed,
    privileged_container,
    privileged_port,
    probe_port_not_found,
    pss,
    pss_allow_privilege_escalation,
    pss_apparmor_profile,
    pss_capabilities_baseline,
    pss_capabilities_restricted,
    pss_host_namespaces,
    pss_host_path_volumes,
    pss_host_ports,
    pss_host_probes_and_host_lifecycle,
    pss_host_process,
    pss_privileged,
    pss_proc_mount,
    pss_proc_mount_restricted,
    pss_restricted_volumes,
    pss_run_as_non_root,
    pss_run_as_user,
    pss_seccomp_profile_baseline,
    pss_seccomp_profile_restricted,
    pss_selinux_options,
    pss_sysctls,
    rejected_by_pod_security,
    requests_differ_from_limits,
    requests_exceed_limits,
    risky_liveness_probe,
    root_group,
    run_as_root_allowed,
    seccomp_unconfined,
    secret_in_env_literal,
    secret_in_env_var,
    selector_does_not_match_template,
    sensitive_configmap_data,
    sensitive_host_path,
    single_replica,
    ssh_port,
    unmasked_proc_mount,
    unnamed_service_ports,
    unsafe_sysctl,
    unset_ephemeral_storage,
    unset_resource_limits,
    unset_resource_requests,
    writable_host_path,
    writable_root_filesystem,
)
from kcheck.analyzers.objects.view import WorkloadView, workload_view
from kcheck.core.findings import Violation
from kcheck.inventory.context import AnalysisContext
from kcheck.model import kinds
from kcheck.model.base import K8sObject

_NO_VIEW = object()


class _Analysis:
    """What the rules of one object share: its workload view, built on first use."""

    __slots__ = ("_view", "context", "obj")

    def __init__(self, obj: K8sObject, context: AnalysisContext) -> None:
        self.obj, self.context = obj, context
        self._view: object = _NO_VIEW

    @property
    def workload(self) -> WorkloadView | None:
        if self._view is _NO_VIEW:
            self._view = workload_view(self.obj, self.context)
        return self._view  # type: ignore[return-value]


def _workload_check(module: ModuleType) -> Any:
    check = module.check_workload

    def run(obj: K8sObject, analysis: _Analysis, options: Any) -> Iterator[Violation]:
        workload = analysis.workload
        return iter(()) if workload is None else check(workload, options)

    return run


def _rule(module: ModuleType) -> ObjectRule:
    if hasattr(module, "check_workload"):
        return ObjectRule(module.RULE, _workload_check(module))
    check = module.check
    return ObjectRule(module.RULE, lambda obj, _analysis, options: check(obj, options))


RULE_MODULES: tuple[ModuleType, ...] = (
    privileged_container,
    latest_image_tag,
    unset_resource_requests,
    unset_resource_limits,
    host_network,
    host_pid,
    host_ipc,
    run_as_root_allowed,
    # -- security context and capabilities
    privilege_escalation_allowed,
    writable_root_filesystem,
    dangerous_capability,
    net_raw_capability,
    capabilities_not_dropped,
    insecure_capability,
    missing_seccomp_profile,
    seccomp_unconfined,
    apparmor_unconfined,
    unmasked_proc_mount,
    unsafe_sysctl,
    host_process_container,
    root_group,
    # -- host mounts and ports, service accounts, secrets
    host_path_volume,
    sensitive_host_path,
    container_runtime_socket,
    writable_host_path,
    host_port,
    privileged_port,
    ssh_port,
    automounted_service_account_token,
    default_service_account,
    deprecated_service_account_field,
    secret_in_env_literal,
    secret_in_env_var,
    sensitive_configmap_data,
    # -- resources, probes, images, containers
    unset_ephemeral_storage,
    requests_differ_from_limits,
    requests_exceed_limits,
    missing_readiness_probe,
    missing_liveness_probe,
    identical_liveness_readiness_probes,
    probe_port_not_found,
    risky_liveness_probe,
    image_without_digest,
    image_registry_not_allowed,
    image_pull_policy_not_always,
    duplicate_env_var,
    duplicate_container_port,
    missing_image,
    invalid_probe,
    # -- reliability, networking, metadata
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
    selector_does_not_match_template,
    invalid_port_name,
    unnamed_service_ports,
    # -- Pod Security Standards controls
    pss_host_process,
    pss_host_namespaces,
    pss_privileged,
    pss_capabilities_baseline,
    pss_host_path_volumes,
    pss_host_ports,
    pss_apparmor_profile,
    pss_selinux_options,
    pss_proc_mount,
    pss_seccomp_profile_baseline,
    pss_sysctls,
    pss_host_probes_and_host_lifecycle,
    pss_restricted_volumes,
    pss_allow_privilege_escalation,
    pss_run_as_non_root,
    pss_run_as_user,
    pss_seccomp_profile_restricted,
    pss_capabilities_restricted,
    pss_proc_mount_restricted,
    # -- admission of the namespace's enforced Pod Security level
    rejected_by_pod_security,
)
RULES: tuple[ObjectRule, ...] = tuple(_rule(module) for module in RULE_MODULES)


def _prepare(context: AnalysisContext, enabled: Enabled) -> tuple[Dispatch, AnalysisContext]:
    return Dispatch(RULES, _without_overridden_controls(enabled, context)), context


def _without_overridden_controls(enabled: Enabled, context: AnalysisContext) -> Enabled:
    """The enabled rules, less the Pod Security baseline controls that an enabled restricted control
    replaces at the target version: admission at `restricted` does not run them (`pss.Control.overrides`),
    and a field would otherwise be reported twice (a hostPath volume by KC184 and KC191)."""
    checks = {module.CHECK: module.RULE.id for module in RULE_MODULES if hasattr(module, "CHECK")}
    version = pss.minor(context.kubernetes_version)
    overridden = {
        checks[replaced]
        for control in pss.CONTROLS
        if checks.get(control.check_id) in enabled and version >= control.since
        for replaced in control.overrides
        if replaced in checks
    }
    return {rule_id: options for rule_id, options in enabled.items() if rule_id not in overridden}


def _check_objects(
    state: tuple[Dispatch, AnalysisContext], objects: Sequence[K8sObject], enabled: Enabled
) -> Iterator[Result]:
    dispatch, context = state
    for obj in objects:
        yield from dispatch.run(obj, _Analysis(obj, context), enabled)


def _needs_run_context(obj: K8sObject, enabled: Enabled) -> tuple[str, ...]:
    # A workload is checked against the Pod Security level of its namespace, which another file may set;
    # the other rules need nothing from other files.
    rule_id = rejected_by_pod_security.RULE.id
    return (rule_id,) if rule_id in enabled and (obj.group, obj.kind or "") in _WORKLOADS else ()


_WORKLOADS = frozenset(kinds.WORKLOADS)

FAMILY = Family(
    name="objects",
    rules=tuple(rule.spec for rule in RULES),
    check_objects=_check_objects,
    prepare=_prepare,
    needs_run_context=_needs_run_context,
)
