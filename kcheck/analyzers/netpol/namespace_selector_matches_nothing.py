"""## What it does
Reports a `from`/`to` peer of a NetworkPolicy whose `namespaceSelector` matches no namespace of the input:
neither a Namespace object nor a namespace implied by the objects placed in it. Every namespace carries the
label `kubernetes.io/metadata.name` with its name, which the control plane sets. The namespaces every
cluster has (`default`, `kube-system`, `kube-public`, `kube-node-lease`) count as present, with that label
only. The message names the namespaces that carry the selector's keys with other values, and for a
namespace named by `kubernetes.io/metadata.name` that the input does not hold, the nearest name it does.

`namespaceSelector: {}` is not reported, nor are rules of a direction that `policyTypes` leaves out (they
have no effect). A cluster may hold namespaces the input does not, with labels it does not show (the
ingress controller's, the monitoring stack's): the precision is medium, the severity a warning, and the rule
is in the `strict` profile. Add the Namespace to the input, or suppress the finding where the namespace is
managed elsewhere.

## Why is this bad?
The peer admits nobody: the traffic it was written to allow is denied, usually because a label was never
set on the Namespace (`name: monitoring` where only `kubernetes.io/metadata.name` exists) or a namespace was
renamed. Any namespace later given the label is let in.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-monitoring
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {name: monitoring}
```
Use instead:
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-monitoring
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: monitoring}
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from kcheck.analyzers.netpol.reach import Reachability
from kcheck.analyzers.netpol.rule_views import live_rules, named_namespaces, peer_label, selector_text
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.inventory import NAMESPACE_NAME_LABEL
from kcheck.inventory.selectors import Selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC311",
    name="namespace-selector-matches-nothing",
    summary="A NetworkPolicy peer whose namespaceSelector matches no namespace of the input.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="NetworkPolicy {policy} {peer}: namespaceSelector {selector} matches no namespace of the "
    "input{hint}",
    remediation="Select the namespace by a label it has (`kubernetes.io/metadata.name` always is), or add "
    "the label to the Namespace.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name",
    ),
)

# Namespaces every cluster has, whether the input lists them or not.
BUILT_IN_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
NEAR_MISSES = 2


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    labels: dict[str, Mapping[str, str]] = {
        name: reach.cluster.namespaces.get(name, {NAMESPACE_NAME_LABEL: name})
        for name in (*reach.namespace_names, *BUILT_IN_NAMESPACES)
    }
    built_in = [
        {NAMESPACE_NAME_LABEL: name} for name in BUILT_IN_NAMESPACES if name not in reach.namespace_names
    ]
    for compiled in live_rules(reach):
        for peer in compiled.rule.peers:
            selector = peer.namespaces
            if selector is None or selector.matches_everything:
                continue
            if reach.namespace_labels.select(selector) or any(selector.matches(x) for x in built_in):
                continue
            args = {
                "policy": str(compiled.policy),
                "peer": peer_label(compiled, peer),
                "selector": selector_text(selector),
                "hint": _hint(selector, labels),
            }
            yield compiled.policy.obj, Violation(peer.path, args)


def _hint(selector: Selector, labels: Mapping[str, Mapping[str, str]]) -> str:
    """The names the selector wants that no namespace has (with the nearest one that exists), and the
    namespaces that carry its other keys with other values."""
    parts = []
    named = named_namespaces(selector)
    candidates = list(labels)
    if named is not None:
        for name in sorted(named - set(labels)):
            close = difflib.get_close_matches(name, list(labels), n=1)
            parts.append(
                f"the input has no namespace {name}" + (f" (did you mean {close[0]}?)" if close else "")
            )
        candidates = [name for name in candidates if name in named]
    keys = list(dict.fromkeys(r.key for r in selector.requirements if r.key != NAMESPACE_NAME_LABEL))
    if keys and candidates:
        found = []
        for name in candidates:
            shared = ",".join(f"{key}={labels[name][key]}" for key in keys if key in labels[name])
            if shared:
                found.append(f"namespace {name} has {shared}")
                if len(found) == NEAR_MISSES:
                    break
        if not found:
            noun = "label" if len(keys) == 1 else "labels"
            found.append(f"no namespace has the {noun} {', '.join(keys)}")
        parts.extend(found)
    return "".join(f"; {part}" for part in parts)
