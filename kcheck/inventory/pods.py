"""The labels a controller's pods carry: what selectors of other objects (Services, PodDisruptionBudgets,
NetworkPolicies) are matched against. Shared by the analyzer families that select pods."""

from __future__ import annotations

from collections.abc import Mapping

from kcheck.model.base import K8sObject
from kcheck.model.workloads import Job, StatefulSet

# Labels controllers add with values computed at run time (hashes, uids): a selector on them cannot be
# evaluated from manifests.
RUNTIME_LABELS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "pod-template-generation",
        "controller-uid",
        "batch.kubernetes.io/controller-uid",
    }
)
# StatefulSet pods get one label set each: beyond this many replicas, their names are not expanded.
MAX_EXPANDED_REPLICAS = 64

LabelSet = tuple[tuple[str, str], ...]


def common_pod_labels(obj: K8sObject, template_labels: Mapping[str, str]) -> dict[str, str]:
    """The labels every pod of `obj` carries: its template's, and a Job's name, which the Job controller
    adds (unless the selector is manual)."""
    name = obj.metadata.name
    if isinstance(obj, Job) and name:
        return {**template_labels, "job-name": name, "batch.kubernetes.io/job-name": name}
    return dict(template_labels)


def pod_label_sets(
    obj: K8sObject, template_labels: Mapping[str, str], replicas: int | None
) -> tuple[LabelSet, ...]:
    """The distinct label sets of the pods of `obj`, sorted: one, except a StatefulSet's pods, which each
    carry their own name and index (up to `MAX_EXPANDED_REPLICAS` of them)."""
    labels = common_pod_labels(obj, template_labels)
    name = obj.metadata.name
    if isinstance(obj, StatefulSet) and name:
        count = 1 if replicas is None else replicas
        if 0 < count <= MAX_EXPANDED_REPLICAS:
            return tuple(
                tuple(
                    sorted(
                        {
                            **labels,
                            "statefulset.kubernetes.io/pod-name": f"{name}-{ordinal}",
                            "apps.kubernetes.io/pod-index": str(ordinal),
                        }.items()
                    )
                )
                for ordinal in range(count)
            )
    return (tuple(sorted(labels.items())),)
