"""pod_template and containers: the same view of every workload kind, with paths from the object root."""

from __future__ import annotations

import pytest

from kcheck.core.location import Span
from kcheck.model.workloads import containers, pod_template
from tests.builders import container, deployment, objects, pod, to_yaml


def test_a_pod_is_its_own_template() -> None:
    [obj] = objects(to_yaml(pod("p", labels={"app": "p"}, hostPID=True)))
    template = pod_template(obj)
    assert template is not None
    assert (template.owner, template.path, template.labels, template.spec.host_pid) == (
        obj,
        ("spec",),
        {"app": "p"},
        True,
    )


def test_containers_of_a_deployment_in_order_with_roles_and_paths() -> None:
    text = to_yaml(
        deployment(
            "web",
            containers=[container("app"), container("side")],
            initContainers=[container("init")],
            ephemeralContainers=[container("debug")],
        )
    )
    [obj] = objects(text)
    template = pod_template(obj)
    assert template is not None
    assert template.labels == {"app": "web"}
    refs = list(containers(template))
    assert [(r.container.name, r.role, r.path) for r in refs] == [
        ("app", "container", ("spec", "template", "spec", "containers", 0)),
        ("side", "container", ("spec", "template", "spec", "containers", 1)),
        ("init", "initContainer", ("spec", "template", "spec", "initContainers", 0)),
        ("debug", "ephemeralContainer", ("spec", "template", "spec", "ephemeralContainers", 0)),
    ]
    assert obj.locate(refs[1].path).span == Span(17, 9, 17, 19)  # `- name: side` points at `name: side`


def test_a_cron_job_template_is_under_its_job_template() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {job: nightly}}
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: run, image: busybox}
"""
    [obj] = objects(text)
    template = pod_template(obj)
    assert template is not None
    assert template.path == ("spec", "jobTemplate", "spec", "template", "spec")
    assert template.labels == {"job": "nightly"}
    [ref] = containers(template)
    assert ref.path == ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0)
    assert obj.locate((*ref.path, "image")).span == Span(13, 25, 13, 39)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {}}}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
        "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {template: {spec: {}}}\n",
    ],
)
def test_no_template_without_a_pod_spec(text: str) -> None:
    [obj] = objects(text)
    assert pod_template(obj) is None


def test_security_context_fields_use_kubernetes_names() -> None:
    sc = {"privileged": True, "runAsNonRoot": False, "runAsUser": 0, "capabilities": {"add": ["NET_ADMIN"]}}
    [obj] = objects(to_yaml(pod("p", containers=[container("a", securityContext=sc)], hostIPC=True)))
    template = pod_template(obj)
    assert template is not None
    assert template.spec.host_ipc is True
    [ref] = containers(template)
    context = ref.container.security_context
    assert context is not None
    assert context.capabilities is not None
    assert (context.privileged, context.run_as_non_root, context.run_as_user, context.capabilities.add) == (
        True,
        False,
        0,
        ["NET_ADMIN"],
    )
