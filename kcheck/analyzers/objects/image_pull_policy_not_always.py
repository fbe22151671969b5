"""## What it does
Checks that every container, init container and ephemeral container pulls its image with
`imagePullPolicy: Always`. An unset policy is judged by the default the API server gives it: `Always`
when the image has the tag `latest`, or neither a tag nor a digest (`nginx`), and `IfNotPresent`
otherwise (`nginx:1.27`, `nginx@sha256:…`). A policy the API does not accept (`always`) and an image that is
not a valid reference are left to other rules.

This rule is opt-in: `Always` makes every container start depend on the registry answering (the layers
already on the node are not downloaded again, but the manifest is fetched each time).

## Why is this bad?
With `IfNotPresent` or `Never` a node runs whatever copy of the image it already has. For a private
image that means any pod on that node can run it without the pull secret that guards it: the kubelet
checks credentials only when it pulls (until the `KubeletEnsureSecretPulledImages` feature is enabled).
For a tag that was pushed again, nodes that pulled before keep running the old contents, so replicas of
one workload differ. `Always` makes the kubelet ask the registry each time, with the pod's credentials,
for what the reference currently names.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      imagePullPolicy: Always
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.image import parse_image
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC145",
    name="image-pull-policy-not-always",
    summary="A container whose image pull policy is not `Always`, so nodes may run a cached copy.",
    severity=Severity.INFO,
    category=Category.SECURITY,
    message="{role} {container!r} pulls image {image!r} with imagePullPolicy {policy} ({how}), so a node "
    "runs the copy it has without asking the registry",
    remediation="Set `imagePullPolicy: Always`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=2.0,
    profile=Profile.STRICT,
    replaces=("polaris:pullPolicyNotAlways", "kube-score:container-image-pull-policy", "checkov:CKV_K8S_15"),
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
        "https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting",
    ),
)

SET = "as set"
DEFAULTED = "the API default for an image not tagged `latest`"
_NOT_ALWAYS = ("IfNotPresent", "Never")


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        image, policy = container.container.image, container.container.image_pull_policy
        if not image:
            continue
        path = container.at("imagePullPolicy")
        if policy:
            if policy not in _NOT_ALWAYS:
                continue
            how = SET
        else:
            reference = parse_image(image)
            # SetDefaults_Container: Always for `latest` (or no tag and no digest), else IfNotPresent.
            if reference is None or reference.pull_tag == "latest":
                continue
            policy, how = "IfNotPresent", DEFAULTED
        args = {**container.args, "image": image, "policy": policy, "how": how}
        yield Violation(path, args, fix=Fix(path, "Always", "Set `imagePullPolicy: Always`"))
