"""Services, Ingresses and NetworkPolicies: what selects pods, which ports, which peers."""

from __future__ import annotations

from pydantic import Field

from kcheck.model.base import Integer, IntOrString, K8sObject, KubeModel, NullableList
from kcheck.model.workloads import LabelSelector


class ServicePort(KubeModel):
    name: str | None = None
    protocol: str | None = None
    app_protocol: str | None = None
    port: Integer | None = None
    # Defaults to `port` when unset; a string names a container port.
    target_port: IntOrString | None = None
    node_port: Integer | None = None


class ServiceSpec(KubeModel):
    type: str | None = None
    # A plain map. Unset or empty, the Service selects no pods (its endpoints are managed by hand).
    selector: dict[str, str] | None = None
    ports: NullableList[ServicePort] = Field(default_factory=list)
    cluster_ip: str | None = Field(default=None, alias="clusterIP")
    cluster_ips: NullableList[str] = Field(default_factory=list, alias="clusterIPs")
    external_name: str | None = None
    external_ips: NullableList[str] = Field(default_factory=list, alias="externalIPs")
    load_balancer_ip: str | None = Field(default=None, alias="loadBalancerIP")
    load_balancer_class: str | None = None
    allocate_load_balancer_node_ports: bool | None = None
    load_balancer_source_ranges: NullableList[str] = Field(default_factory=list)
    external_traffic_policy: str | None = None
    internal_traffic_policy: str | None = None
    session_affinity: str | None = None
    publish_not_ready_addresses: bool | None = None
    ip_families: NullableList[str] = Field(default_factory=list)
    ip_family_policy: str | None = None


class Service(K8sObject):
    spec: ServiceSpec | None = None


class ServiceBackendPort(KubeModel):
    name: str | None = None
    number: Integer | None = None


class IngressServiceBackend(KubeModel):
    name: str | None = None
    port: ServiceBackendPort | None = None


class TypedLocalObjectReference(KubeModel):
    api_group: str | None = None
    kind: str | None = None
    name: str | None = None


class IngressBackend(KubeModel):
    """networking.k8s.io/v1 `service`/`resource`; `serviceName`/`servicePort` in the v1beta1 versions."""

    service: IngressServiceBackend | None = None
    resource: TypedLocalObjectReference | None = None
    service_name: str | None = None
    service_port: IntOrString | None = None


class HTTPIngressPath(KubeModel):
    path: str | None = None
    path_type: str | None = None
    backend: IngressBackend | None = None


class HTTPIngressRuleValue(KubeModel):
    paths: NullableList[HTTPIngressPath] = Field(default_factory=list)


class IngressRule(KubeModel):
    host: str | None = None
    http: HTTPIngressRuleValue | None = None


class IngressTLS(KubeModel):
    hosts: NullableList[str] = Field(default_factory=list)
    secret_name: str | None = None


class IngressSpec(KubeModel):
    ingress_class_name: str | None = None
    default_backend: IngressBackend | None = None
    backend: IngressBackend | None = None  # v1beta1 name of defaultBackend
    tls: NullableList[IngressTLS] = Field(default_factory=list)
    rules: NullableList[IngressRule] = Field(default_factory=list)


class Ingress(K8sObject):
    spec: IngressSpec | None = None


class IPBlock(KubeModel):
    cidr: str | None = None
    except_: NullableList[str] = Field(default_factory=list, alias="except")


class NetworkPolicyPeer(KubeModel):
    """A peer; a null selector here differs from `{}` (see inventory.selectors for who means what)."""

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None


class NetworkPolicyPort(KubeModel):
    protocol: str | None = None
    port: IntOrString | None = None
    end_port: Integer | None = None


class NetworkPolicyIngressRule(KubeModel):
    # Empty or missing `from` admits every source; empty or missing `ports` every port.
    from_: NullableList[NetworkPolicyPeer] = Field(default_factory=list, alias="from")
    ports: NullableList[NetworkPolicyPort] = Field(default_factory=list)


class NetworkPolicyEgressRule(KubeModel):
    to: NullableList[NetworkPolicyPeer] = Field(default_factory=list)
    ports: NullableList[NetworkPolicyPort] = Field(default_factory=list)


class NetworkPolicySpec(KubeModel):
    pod_selector: LabelSelector | None = None
    # When unset, the API server defaults it to ["Ingress"], plus "Egress" if there are egress rules.
    policy_types: list[str] | None = None
    ingress: NullableList[NetworkPolicyIngressRule] = Field(default_factory=list)
    egress: NullableList[NetworkPolicyEgressRule] = Field(default_factory=list)


class NetworkPolicy(K8sObject):
    spec: NetworkPolicySpec | None = None
