"""## What it does
Reports a `from`/`to` peer of a NetworkPolicy whose `podSelector` matches the pods of no workload of the
input, where that can be known: every namespace the peer can reach is in the input and holds workloads. A
peer without `namespaceSelector` reaches the policy's namespace; one with it, the namespaces of the input
that it matches. The message names the workloads whose pods carry the selector's keys with other values:
what it was probably meant to match.

Not reported: `podSelector: {}`; a `namespaceSelector: {}` peer, or one naming (by
`kubernetes.io/metadata.name`) a namespace the input does not hold, which reach pods deployed from
elsewhere; a peer reaching a namespace without workloads in the input, one with custom resources in the
policy's directory (an operator may create the pods, as the Prometheus operator does), or a system
namespace (`kube-system`, `kube-public`, `kube-node-lease`: cluster add-ons such as CoreDNS are rarely in a
repository); a `namespaceSelector` that matches
no namespace at all (that is `namespace-selector-matches-nothing`); selectors on labels controllers set at
run time (`pod-template-hash`, a StatefulSet pod's name). Labels alone decide: a peer that matches only
`hostNetwork` pods is not this rule's finding. Rules of a direction that `policyTypes` leaves out have no
effect and are not checked. Pods created outside the input (by an operator) are not known, which is why the
severity is a warning.

## Why is this bad?
The peer admits nobody: the traffic it was written to allow is denied, usually because a label was renamed
in the workload and not in the policy. Worse, any pod later given the stale label is let in.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-web
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-web
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: frontend}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.reach import Reachability, iter_bits
from kcheck.analyzers.netpol.rule_views import live_rules, peer_label, reached_namespaces, selector_text
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.pods import RUNTIME_LABELS
from kcheck.inventory.selectors import Selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC303",
    name="network-policy-peer-selects-nothing",
    summary="A NetworkPolicy peer whose podSelector matches no workload's pods in the namespaces it reaches.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="NetworkPolicy {policy} {peer}: podSelector {selector} matches no pod {scope}{hint}",
    remediation="Make the peer's podSelector match the labels of the pod template it is meant to admit.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-linter:dangling-networkpolicypeer-podselector",),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
    ),
)

# Labels whose values only exist at run time, or per pod (a StatefulSet pod's name and index): the input's
# pod templates do not carry them.
UNKNOWN_LABELS = RUNTIME_LABELS | {"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"}
NEAR_MISSES = 2


# Namespaces of the cluster's own add-ons (CoreDNS, kube-proxy, the network plugin), seldom in a repository.
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    known = frozenset(reach.namespace_names)
    for compiled in live_rules(reach):
        policy = compiled.policy
        for peer in compiled.rule.peers:
            pods = peer.pods
            if peer.is_ip_block or pods is None or pods.matches_everything:
                continue
            if any(r.key in UNKNOWN_LABELS for r in pods.requirements):
                continue
            namespaces = reached_namespaces(reach, peer, policy.namespace, known)
            if not namespaces:
                continue  # unknowable, or a namespaceSelector that matches nothing (KC311)
            scope = 0
            for name in namespaces:
                in_namespace = reach.in_namespace.get(name, 0)
                if (
                    not in_namespace
                    or name in SYSTEM_NAMESPACES
                    or reach.cluster.beside_custom_resources(name, policy.obj.file_path)
                ):
                    break  # its pods are deployed from elsewhere, or an operator may create them
                scope |= in_namespace
            else:
                if reach.pod_labels.select(pods) & scope:
                    continue
                hint, related = _near_misses(reach, pods, scope)
                if len(namespaces) == 1:
                    where = f"in namespace {namespaces[0]}"
                else:
                    where = f"in namespaces {', '.join(namespaces)}"
                if peer.namespaces is not None:
                    where += f" (namespaceSelector {selector_text(peer.namespaces)})"
                args = {
                    "policy": str(policy),
                    "peer": peer_label(compiled, peer),
                    "selector": selector_text(pods),
                    "scope": where,
                    "hint": f"; {hint}" if hint else "",
                }
                yield policy.obj, Violation(peer.path, args, related)


def _near_misses(
    reach: Reachability, selector: Selector, scope: int
) -> tuple[str, tuple[RelatedViolation, ...]]:
    """Workloads of the scope whose pods carry some of the selector's keys with other values."""
    keys = list(dict.fromkeys(r.key for r in selector.requirements))
    found: list[str] = []
    related: list[RelatedViolation] = []
    for index in iter_bits(scope):
        workload = reach.workloads[index]
        shared = ",".join(f"{key}={workload.labels[key]}" for key in keys if key in workload.labels)
        if shared:
            found.append(f"{workload} has {shared}")
            related.append(
                RelatedViolation(workload.obj, ("metadata", "name"), f"the pods of {workload} have {shared}")
            )
            if len(found) == NEAR_MISSES:
                break
    return "; ".join(found), tuple(related)
