"""## What it does
Reports two neighbouring peers of one `from` or `to` list where one sets only `namespaceSelector` and the
other only `podSelector`: the YAML list dash that the Kubernetes docs warn about ("Behavior of `to` and
`from` selectors"). Written as two peers, they are OR-ed: the rule admits *every* pod of the namespaces the
`namespaceSelector` selects, and the pods the `podSelector` selects in the policy's own namespace. Written
as one peer (no dash before `podSelector`), they are AND-ed: only the pods that match the `podSelector`
inside those namespaces. The finding is on the `namespaceSelector` peer, with the `podSelector` peer as a
related location, and its message shows the one-peer form.

Two separate peers are sometimes what was meant ("my namespace's front end, and all of monitoring"), so the
rule reports only the pattern that most likely comes from the dash, and stays quiet where the input shows
the other intent:

- The peers must be adjacent in the list (the typo puts a dash before the second key of one peer).
- A `podSelector: {}` peer is never paired: it means "every pod of my namespace", and AND-ed with the
  `namespaceSelector` it would change nothing, so the two peers are deliberate.
- The pair is not reported when the workloads of the input show the OR reading at work and the AND
  reading empty: the `podSelector` matches pods of the policy's namespace, and the namespaces the
  `namespaceSelector` selects hold workloads of the input, none of which match the `podSelector`.

Without workloads in the input the pattern alone is reported, which is why the precision is medium.

## Why is this bad?
The policy admits far more than intended: every pod of the other namespaces (a compromised or debugging
pod there included), instead of the one client workload. Nothing fails, so the over-broad access goes
unnoticed.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: metrics-from-prometheus
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: monitoring}
        - podSelector:
            matchLabels: {app: prometheus}
      ports:
        - port: 9090
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: metrics-from-prometheus
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: monitoring}
          podSelector:
            matchLabels: {app: prometheus}
      ports:
        - port: 9090
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kcheck.analyzers.netpol.cluster import Policy
from kcheck.analyzers.netpol.facts import INGRESS, Peer, Rule
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.selectors import IN, Selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC307",
    name="network-policy-peer-and-or-confusion",
    summary="A namespaceSelector-only peer next to a podSelector-only peer: OR-ed, probably meant as one "
    "AND-ed peer.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=5.0,
    message="NetworkPolicy {policy} {section}[{rule}]: namespaceSelector {namespaces} and podSelector {pods} "
    "are two peers, which are OR-ed: the rule admits every pod of those namespaces, and the matching pods of "
    "namespace {namespace}; for only the matching pods of those namespaces, write one peer: {one_peer}",
    remediation="Remove the dash before the second selector so that both are one peer, or split the peers "
    "into separate rules if both were meant.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/"
        "#behavior-of-to-and-from-selectors",
    ),
)


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for policy in reach.cluster.policies:
        for direction in sorted(policy.facts.isolates):
            for rule in policy.facts.rules(direction):
                for namespace_peer, pod_peer in _pairs(rule):
                    if not _or_evidently_meant(reach, policy, namespace_peer, pod_peer):
                        yield policy.obj, _violation(policy, rule, namespace_peer, pod_peer)


def _pairs(rule: Rule) -> Iterator[tuple[Peer, Peer]]:
    """Adjacent (namespaceSelector-only, podSelector-only) peers, in either order, each peer in one pair."""
    peers = rule.peers
    index = 0
    while index + 1 < len(peers):
        first, second = peers[index], peers[index + 1]
        if _namespaces_only(first) and _pods_only(second):
            yield first, second
            index += 2
        elif _pods_only(first) and _namespaces_only(second):
            yield second, first
            index += 2
        else:
            index += 1


def _namespaces_only(peer: Peer) -> bool:
    return not peer.is_ip_block and peer.namespaces is not None and peer.pods is None


def _pods_only(peer: Peer) -> bool:
    return (
        not peer.is_ip_block
        and peer.namespaces is None
        and peer.pods is not None
        and not peer.pods.matches_everything
    )


def _or_evidently_meant(reach: Reachability, policy: Policy, namespace_peer: Peer, pod_peer: Peer) -> bool:
    """The input's workloads show two peers at work: the podSelector matches pods of the policy's
    namespace, and the selected namespaces have workloads of which none matches it (AND would be empty)."""
    assert namespace_peer.namespaces is not None and pod_peer.pods is not None
    if not reach.peer_pods(pod_peer, policy.namespace):
        return False
    in_namespaces = reach.namespaces_matching(namespace_peer.namespaces) & reach.selectable
    return bool(in_namespaces) and not in_namespaces & reach.pod_labels.select(pod_peer.pods)


def _violation(policy: Policy, rule: Rule, namespace_peer: Peer, pod_peer: Peer) -> Violation:
    assert namespace_peer.namespaces is not None and pod_peer.pods is not None
    namespaces, pods = selector_text(namespace_peer.namespaces), selector_text(pod_peer.pods)
    args = {
        "policy": str(policy),
        "section": rule.path[1],
        "rule": rule.index,
        "namespaces": namespaces,
        "pods": pods,
        "namespace": policy.namespace,
        "one_peer": f"`- {{namespaceSelector: {namespaces}, podSelector: {pods}}}`",
    }
    direction = "from" if rule.direction == INGRESS else "to"
    related = (
        RelatedViolation(
            policy.obj,
            pod_peer.path,
            f"a peer of its own in `{direction}`: pods {pods} of namespace {policy.namespace} only",
        ),
    )
    return Violation(namespace_peer.path, args, related=related)


def selector_text(selector: Selector) -> str:
    """A compiled selector in YAML flow style: one-value `In` requirements (what `matchLabels` compiles
    to) as `matchLabels`, the others as `matchExpressions`."""
    labels, expressions = [], []
    for requirement in selector.requirements:
        values = sorted(requirement.values)
        if requirement.operator == IN and len(values) == 1:
            labels.append(f"{_scalar(requirement.key)}: {_scalar(values[0])}")
            continue
        fields = [f"key: {_scalar(requirement.key)}", f"operator: {requirement.operator}"]
        if values:
            fields.append(f"values: [{', '.join(_scalar(v) for v in values)}]")
        expressions.append("{" + ", ".join(fields) + "}")
    parts = []
    if labels:
        parts.append(f"matchLabels: {{{', '.join(labels)}}}")
    if expressions:
        parts.append(f"matchExpressions: [{', '.join(expressions)}]")
    return "{" + ", ".join(parts) + "}"


# A label key or value that YAML reads back as the same string without quotes.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*\Z")
_AMBIGUOUS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def _scalar(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _AMBIGUOUS:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
