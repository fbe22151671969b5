"""## What it does
Reports an ingress or egress rule that allows every connection of the pods its policy selects (no peers, or
peers that cover every pod of every namespace and every IPv4 and IPv6 address, and no ports, or ports that
cover every port of TCP, UDP and SCTP), when other policies or rules apply to the same pods in that
direction: they add nothing. The finding is on the allow-all rule, and names what it makes redundant, each
as a related location:

- a default deny for those pods (a policy that isolates the direction with no rule of it, such as
  `policyTypes: [Ingress]` without `ingress`), which it undoes: the classic mistake of an `ingress: [{}]`
  beside a default deny;
- every other rule of that direction, of its own policy or of another, that applies to those pods.

"The same pods" is decided from the selectors as written, not from the workloads of the input: another
policy counts when it is in the same namespace and its `podSelector` requires at least what the allow-all
policy's does (so it selects a subset of its pods, whichever pods exist). A policy that selects more pods
than the allow-all one (a namespace-wide default deny beside an allow-all for one public workload) still
isolates the others, and is not reported. Of two allow-all rules for the same pods, the first is reported,
naming the other; an allow-all rule for some of the pods of another is named by that one.

## Why is this bad?
The allow-all rule decides the direction alone: the default deny beside it, or the rules narrowing access
to some peers and ports, do nothing, though a reader (and a reviewer) will think they restrict traffic.
Either the allow-all rule is a leftover, and the pods are open to everything, or the other rules are dead
and mislead.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - {}
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.netpol.cluster import Policy
from kcheck.analyzers.netpol.containment import Scopes
from kcheck.analyzers.netpol.facts import EGRESS, INGRESS, Rule
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC308",
    name="network-policy-allow-all-makes-others-redundant",
    summary="A rule allowing every connection, beside a default deny or other rules for the same pods.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    security_severity=5.0,
    message="NetworkPolicy {policy} {section}[{rule}] allows every connection {direction} the pods it "
    "selects, so {redundant} {verb} no effect on them",
    remediation="Remove the allow-all rule, or the default deny and rules it overrides; to allow some "
    "peers or ports only, list them in the rule.",
    docs=__doc__ or "",
    applies_to=kinds.NETWORK_POLICIES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic",
    ),
)

_SHOWN = 3  # names in the message; every one is a related location


def check(reach: Reachability, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    scopes = Scopes(reach)
    for policy in reach.cluster.policies:
        for direction in (INGRESS, EGRESS):
            allow_all = scopes.allow_all(policy, direction)
            if allow_all is None:
                continue
            redundant = _made_redundant(scopes, policy, allow_all)
            if redundant:
                yield policy.obj, _violation(policy, allow_all, redundant)


def _made_redundant(scopes: Scopes, policy: Policy, allow_all: Rule) -> list[tuple[Policy, Rule | None]]:
    """What the allow-all rule makes redundant: (policy, rule), or (policy, None) for a default deny. Empty
    when an allow-all rule of a policy for the same pods or more reports them (of two for the same pods,
    the first)."""
    direction = allow_all.direction
    scope = scopes.scope_of[id(policy)]
    for wide in scopes.wider(scope):
        first = scopes.first_allow_all(wide, direction)
        if first is None or first is policy:
            continue
        if scopes.order[id(first)] < scopes.order[id(policy)] or not scopes.implies(wide, scope):
            return []
    found: list[tuple[Policy, Rule | None]] = []
    for narrow in scopes.narrower(scope):
        for other in narrow.policies:
            if direction not in other.facts.isolates:
                continue
            rules = other.facts.rules(direction)
            if other is policy:
                found += [(other, rule) for rule in rules if rule is not allow_all]
            else:
                found += [(other, rule) for rule in rules] if rules else [(other, None)]
    found.sort(key=lambda item: scopes.order[id(item[0])])
    return found


def _violation(policy: Policy, allow_all: Rule, redundant: list[tuple[Policy, Rule | None]]) -> Violation:
    names = [_name(other, rule) for other, rule in redundant]
    if len(names) > _SHOWN:
        shown = f"{', '.join(names[:_SHOWN])} and {len(names) - _SHOWN} more"
    else:
        shown = " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
    related = tuple(
        RelatedViolation(
            other.obj, ("spec", "podSelector"), f"{_name(other, None)}: undone by the allow-all rule"
        )
        if rule is None
        else RelatedViolation(
            other.obj, rule.path, f"{_name(other, rule)}: redundant beside the allow-all rule"
        )
        for other, rule in redundant
    )
    args = {
        "policy": str(policy),
        "section": allow_all.path[1],
        "rule": allow_all.index,
        "direction": "to" if allow_all.direction == INGRESS else "from",
        "redundant": shown,
        "verb": "has" if len(names) == 1 else "have",
    }
    return Violation(allow_all.path, args, related=related)


def _name(policy: Policy, rule: Rule | None) -> str:
    if rule is None:
        return f"the default deny of {policy}"
    return f"{policy} {rule.path[1]}[{rule.index}]"
