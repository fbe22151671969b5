"""What the reliability rules share about where a workload's pods go: its declared replica count, and
whether a pod-affinity term or a topology spread constraint selects the workload's own pods.

Not a rule module (it defines no `RULE`). Selectors are compiled by `kcheck.inventory.selectors`, with the
semantics of the scheduler (a null `labelSelector` matches no pod) and of the API server, which merges
`matchLabelKeys` (`key In (the pod's value)`) and `mismatchLabelKeys` (`key NotIn (the pod's value)`) into
the selector when the pod is created.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from kcheck.inventory.selectors import SelectorError, compile_selector
from kcheck.model.base import K8sObject
from kcheck.model.workloads import (
    DaemonSet,
    Deployment,
    LabelSelector,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
)

# The hostname label the kubelet sets on every node, and the zone labels (the beta one is still set by
# many cloud providers): the topology keys that spread pods across failure domains.
HOSTNAME_KEY = "kubernetes.io/hostname"
ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
FAILURE_DOMAIN_KEYS = (HOSTNAME_KEY, *ZONE_KEYS)

# Labels the controllers add to the pods they create, with values a manifest cannot know (a template hash,
# a UID, a pod's name or index): a selector on one of them may well match the pods, or not.
CONTROLLER_LABEL_KEYS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller-uid",
        "job-name",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-name",
        "batch.kubernetes.io/job-completion-index",
    }
)


@dataclass(frozen=True, slots=True)
class Replicas:
    count: int
    written: bool  # False: `replicas` is unset, and the API server defaults it to 1

    def describe(self) -> str:
        """For messages: "3 replicas", "1 replica (replicas is unset)"."""
        text = f"{self.count} replica{'' if self.count == 1 else 's'}"
        return text if self.written else f"{text} (replicas is unset)"


def declared_replicas(obj: K8sObject) -> Replicas | None:
    """`spec.replicas` of a Deployment, ReplicaSet, StatefulSet or ReplicationController, 1 when unset (the
    API server's default); None for every other kind, and for a spec that is missing altogether."""
    if not isinstance(obj, (Deployment, ReplicaSet, StatefulSet, ReplicationController)):
        return None
    if obj.spec is None:
        return None
    if obj.spec.replicas is None:
        return Replicas(1, written=False)
    return Replicas(obj.spec.replicas, written=True)


class Selects(Enum):
    """Which pods a selector written in a pod template matches, judged against the template's labels."""

    OWN_PODS = "own"  # the workload's own pods (and possibly others)
    OTHER_PODS = "other"  # not the workload's own pods
    NO_PODS = "none"  # a null selector: no pod at all
    UNKNOWN = "unknown"  # invalid (the API server rejects it) or on labels only the controller knows


def pods_selected(
    selector: LabelSelector | None,
    labels: Mapping[str, str],
    match_label_keys: Sequence[str] = (),
    mismatch_label_keys: Sequence[str] = (),
) -> Selects:
    """Whether `selector`, with the term's `matchLabelKeys` and `mismatchLabelKeys` merged in, matches pods
    labelled `labels`."""
    if selector is None and (match_label_keys or mismatch_label_keys):
        # validateLabelKeys: label keys without a labelSelector are rejected (the schema rules' business).
        return Selects.UNKNOWN
    compiled = compile_selector(selector)
    if isinstance(compiled, SelectorError):
        return Selects.UNKNOWN
    if compiled.matches_nothing:
        return Selects.NO_PODS
    if any(requirement.key in CONTROLLER_LABEL_KEYS for requirement in compiled.requirements):
        return Selects.UNKNOWN
    # `key NotIn (the pod's own value)` excludes the pod's siblings; `key In (the pod's own value)` always
    # keeps them, and keys the pod does not carry are ignored.
    if any(key in labels for key in mismatch_label_keys):
        return Selects.OTHER_PODS
    return Selects.OWN_PODS if compiled.matches(labels) else Selects.OTHER_PODS


def own_selector_labels(obj: K8sObject, labels: Mapping[str, str]) -> dict[str, str] | None:
    """The labels of the workload's own `spec.selector` when it is a plain set of labels that selects the
    template's `labels`: what a generated anti-affinity term or spread constraint should select. None for
    Pods and Jobs (whose selector the Job controller generates), and for a selector with expressions."""
    if isinstance(obj, ReplicationController):
        # Unset, the API server defaults it to the template's labels.
        selected = obj.spec.selector if obj.spec is not None and obj.spec.selector else dict(labels)
    elif isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
        selector = obj.spec.selector if obj.spec is not None else None
        if selector is None or selector.match_expressions:
            return None
        selected = dict(selector.match_labels)
    else:
        return None
    if not selected or pods_selected(LabelSelector(match_labels=selected), labels) is not Selects.OWN_PODS:
        return None
    return selected
