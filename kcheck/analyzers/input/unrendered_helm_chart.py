"""## What it does
Reports each Helm chart of the input once, at the `name` of its `Chart.yaml`. A directory holding a
`Chart.yaml` is a chart: the files of its `templates/` are Go templates, not manifests, and are not read
(neither when the directory is linted nor when a template is named on the command line, as pre-commit
does: the chart is reported instead). The chart's `crds/` and any other plain manifests are linted as
usual. kcheck does not render charts itself: lint what a chart renders by piping `helm template` into
`kcheck lint -`, where each finding names its template through the `# Source:` lines.

## Why is this bad?
What a chart deploys is only known once it is rendered with its values; linting the templates as YAML
reports syntax errors on every `{{ ... }}` and checks nothing that reaches the cluster. This finding says
which charts still need a rendering step in CI, instead of passing them silently.

## Example
A `Chart.yaml` (`apiVersion: v2`, `name: shop`, `version: 1.2.0`) beside `templates/deployment.yaml`
gives `chart/Chart.yaml:2:1: KC014 [info] Helm chart 'shop' in chart is not linted as written ...`.
Use instead:
```sh
helm template shop ./chart --values ./chart/values-prod.yaml | kcheck lint -
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.UNRENDERED_HELM_CHART,
    name="unrendered-helm-chart",
    summary="A Helm chart, whose templates are not manifests until rendered.",
    severity=Severity.INFO,
    category=Category.HYGIENE,
    message="Helm chart {chart!r} in {directory} is not linted as written: its templates are not manifests. "
    "Lint what it renders: helm template {directory} | kcheck lint -",
    remediation="Render the chart with its values and lint the output (`helm template ... | kcheck lint -`).",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://helm.sh/docs/helm/helm_template/",),
)
