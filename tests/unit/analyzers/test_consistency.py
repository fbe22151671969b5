"""The consistency index: objects linked with their nearest counterparts, controller-added labels, and
the selection semantics the KC2xx rules share."""

from __future__ import annotations

from pathlib import Path

from kcheck.analyzers.consistency.index import enclosing, scopes
from tests.lint_helpers import lint_paths

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          ports:
            - {{name: http, containerPort: {port}}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def findings(root: Path, select: list[str]) -> list[tuple[str, int, str]]:
    report = lint_paths(["."], root, select=select)
    return [(f.location.path, f.location.span.line, f.rule_id) for f in report.active]


def test_enclosing_directories_nearest_first() -> None:
    assert list(enclosing("a/b/c.yaml")) == ["a/b", "a", ""]
    assert list(scopes("a/b/c.yaml")) == ["=a/b", "a/b/", "a/", "/"]
    assert list(enclosing("c.yaml")) == [""]


def test_alternatives_side_by_side_are_linked_with_their_own(tmp_path: Path) -> None:
    # Two example apps reuse the names; each Service must be checked against its own Deployment.
    write(
        tmp_path,
        {
            "app-a/deployment.yaml": DEPLOYMENT.format(port=8080),
            "app-a/service.yaml": SERVICE,
            "app-b/deployment.yaml": DEPLOYMENT.format(port=8443),
            "app-b/service.yaml": SERVICE,
        },
    )
    assert findings(tmp_path, ["KC203"]) == [("app-b/service.yaml", 8, "KC203")]


def test_a_service_finds_its_deployment_in_a_sibling_directory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "deployments/web.yaml": DEPLOYMENT.format(port=8080),
            "services/web.yaml": SERVICE.replace("targetPort: 8080", "targetPort: metrics"),
        },
    )
    report = lint_paths(["."], tmp_path, select=["KC201", "KC202"])
    (finding,) = report.active
    assert (finding.rule_id, finding.location.path, finding.location.span.line) == (
        "KC202",
        "services/web.yaml",
        8,
    )
    assert finding.message == (
        "Service web port 80 targets the port named 'metrics' (TCP), which Deployment web does not define"
    )
    assert [(r.location.path, r.location.span.line) for r in finding.related] == [
        ("deployments/web.yaml", 10)
    ]


def test_the_service_selecting_nothing_names_the_near_misses(tmp_path: Path) -> None:
    write(tmp_path, {"app.yaml": DEPLOYMENT.format(port=8080).replace("app: web}", "app: web-v2}")})
    write(tmp_path, {"service.yaml": SERVICE})
    report = lint_paths(["."], tmp_path, select=["KC201"])
    (finding,) = report.active
    assert finding.message == (
        "Service web selects app=web, but no pod template in namespace default has those labels; "
        "Deployment web has app=web-v2"
    )


def test_an_object_defined_twice_counts_once(tmp_path: Path) -> None:
    # install.yaml and namespace-install.yaml: the same Deployment twice, and one PDB each.
    pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n"
    pdb += "spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n"
    write(
        tmp_path,
        {
            "install.yaml": DEPLOYMENT.format(port=8080) + "---\n" + pdb,
            "namespace-install.yaml": DEPLOYMENT.format(port=8080) + "---\n" + pdb,
        },
    )
    assert findings(tmp_path, ["KC213", "KC215"]) == []


def test_statefulset_pod_names_follow_the_replicas(tmp_path: Path) -> None:
    statefulset = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: registry.example.com/db:15.2
"""
    services = "".join(
        f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: db-{i}}}\nspec:\n"
        f"  selector: {{statefulset.kubernetes.io/pod-name: db-{i}}}\n  ports:\n    - port: 5432\n"
        for i in range(4)
    )
    write(tmp_path, {"db.yaml": statefulset + services})
    report = lint_paths(["."], tmp_path, select=["KC201"])
    assert [f.message.split(" selects")[0] for f in report.active] == ["Service db-3"]
