"""Generate a synthetic cluster for the NetworkPolicy benchmark (`bench_netpol.py`): manifests shaped like a
real cluster's, the same ones for the same arguments (a seeded `random.Random`).

Usage: python bench/netpol_cluster.py DIRECTORY [--namespaces 500] [--workloads 2000] [--replicas 5]
       [--policies 2000] [--seed 0] [--variant 0]

Layout: one folder per namespace (`kube-system/`, `ingress-nginx/`, `monitoring/`, `ns-0003/`, ...), each
with up to four files: `namespace.yaml` (absent for the namespaces left undeclared, about 8% of them and
kube-system, so they are implied by the objects in them), `workloads.yaml`, `services.yaml` (Services and
Ingresses) and `policies.yaml`.

The shape follows the real-world figures in research/netpol-semantics.md §5.1: workloads and policies are
spread unevenly over namespaces (a few large ones, many small ones, some with more policies than pods);
most policies select one workload (a few pods) or a whole namespace; most peers select one workload in
some namespace, a namespace by its labels, or a single CIDR with a few exceptions. At the default size
(seed 0): a policy selects 7 pods (median; quartiles 3 and 17), a selector peer 5 pods (quartiles 2 and 49;
real clusters: 6 and 2), 236 of 1,777 peers are ipBlocks, 24 namespaces have more policies than pods.

- Namespaces carry `team`, `env` and `tier` labels, most an `observability` label, a few `compliance`;
  some name their `kubernetes.io/metadata.name` label explicitly, as the API server would set it.
- Workloads (Deployments, StatefulSets with headless Services and claim templates, a few DaemonSets) have
  pod labels `app`, `tier`, `version` and `team`, and containers with named ports: `http` 8080/TCP (8000
  for some), `grpc` 9000, `metrics` 9090, a database port, `statsd` 8125/UDP, `diameter` 3868/SCTP. A
  repeated role in a namespace is often a canary: the same `app` label, another `version`. Pods per
  workload vary (1 to about 20, most 1 to 4), so that workloads x replicas pods are written in all; a
  DaemonSet counts as `replicas` pods (one per node of a `replicas`-node cluster). kube-system runs
  CoreDNS (`k8s-app: kube-dns`, `dns` 53/UDP and `dns-tcp` 53/TCP) and metrics-server; ingress-nginx its
  controller behind a LoadBalancer; monitoring Prometheus and a host-network node exporter.
- Services for most workloads (targetPort by name), some LoadBalancer and NodePort Services and Ingresses
  for front ends: the entry points.
- Policies, per namespace in this order until its share of `policies` is used up: a default deny (ingress,
  egress or both), DNS egress to kube-system/kube-dns on 53 UDP and TCP, allow-same-namespace, Prometheus
  scraping; then per workload, by tier: from the ingress controller, from other namespaces by
  `namespaceSelector` (matchLabels, matchExpressions In/NotIn/Exists/DoesNotExist), podSelector AND
  namespaceSelector peers, named and numeric ports, `endPort` ranges, UDP and SCTP rules, egress to
  `ipBlock`s with `except`, egress to a workload of another namespace. Some ingress policies leave
  `policyTypes` out (defaulted to Ingress).

`variant=0` is the base; `variant=1` (or more) the head of a pull request on it: the same cluster with about
2% of the policies changed: rules added, ports changed, policies deleted, and one new policy.
"""

from __future__ import annotations

import argparse
import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

TEAMS: tuple[str, ...] = ("payments", "checkout", "search", "identity", "catalog", "platform", "data")
TEAMS += ("ml", "growth", "ads", "media")
ENVS = ("prod", "prod", "prod", "staging", "staging", "dev")
NAMESPACE_TIERS = ("frontend", "backend", "data", "platform", "mixed")
SYSTEM_NAMESPACES = ("kube-system", "ingress-nginx", "monitoring")
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
METADATA_ENDPOINT = "169.254.169.254/32"
# Pods per workload (not DaemonSets), before scaling to the total: mostly small, 4.7 on average.
REPLICA_CHOICES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 20)
REPLICA_WEIGHTS = (14, 22, 20, 10, 8, 6, 6, 6, 4, 4)
HEAVY_SHARE = 0.12  # namespaces of at most 3 workloads with many policies (per port, per peer, generated)
TEMPLATES = {
    "frontend": ("from-ingress", "from-namespaces", "egress-remote", "egress-external"),
    "backend": ("from-frontend", "from-remote", "egress-ipblock", "from-namespaces", "grpc-range"),
    "data": ("from-backend", "from-remote", "egress-none", "egress-ipblock"),
    "platform": ("from-namespaces", "egress-ipblock"),
}
CHANGED_SHARE = 0.02  # of the policies, in a variant


@dataclass(frozen=True)
class Port:
    name: str
    number: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class Role:
    name: str
    tier: str
    kind: str
    ports: tuple[Port, ...]


HTTP, GRPC, METRICS = Port("http", 8080), Port("grpc", 9000), Port("metrics", 9090)
STATSD, DIAMETER = Port("statsd", 8125, "UDP"), Port("diameter", 3868, "SCTP")
ROLES = (
    Role("web", "frontend", "Deployment", (HTTP, METRICS)),
    Role("frontend", "frontend", "Deployment", (HTTP, METRICS)),
    Role("gateway", "frontend", "Deployment", (HTTP, GRPC, METRICS)),
    Role("api", "backend", "Deployment", (HTTP, GRPC, METRICS)),
    Role("auth", "backend", "Deployment", (HTTP, GRPC, METRICS)),
    Role("cart", "backend", "Deployment", (HTTP, METRICS)),
    Role("orders", "backend", "Deployment", (GRPC, METRICS)),
    Role("billing", "backend", "Deployment", (HTTP, GRPC, METRICS)),
    Role("search", "backend", "Deployment", (HTTP, METRICS)),
    Role("notifier", "backend", "Deployment", (METRICS, STATSD)),
    Role("worker", "backend", "Deployment", (METRICS, STATSD)),
    Role("scheduler", "backend", "Deployment", (METRICS,)),
    Role("sip-gateway", "backend", "Deployment", (DIAMETER, METRICS)),
    Role("postgres", "data", "StatefulSet", (Port("postgres", 5432), Port("metrics", 9187))),
    Role("redis", "data", "StatefulSet", (Port("redis", 6379), Port("metrics", 9121))),
    Role("kafka", "data", "StatefulSet", (Port("kafka", 9092), Port("metrics", 9308))),
    Role("log-agent", "platform", "DaemonSet", (Port("metrics", 2020), Port("syslog", 5140, "UDP"))),
)
ROLE_WEIGHTS = (6, 4, 3, 10, 3, 4, 4, 3, 3, 3, 6, 2, 1, 4, 4, 2, 2)


@dataclass
class Workload:
    namespace: str
    name: str
    kind: str
    app: str
    tier: str
    team: str
    version: str
    ports: tuple[Port, ...]
    replicas: int = 1  # pods; a DaemonSet's are the cluster's nodes
    labels: dict[str, str] = field(default_factory=dict)  # the pods'; app/tier/team/version for most
    host_network: bool = False
    canary: bool = False  # shares the `app` label (and the Service) of an earlier workload
    exposure: str = ""  # "", "ClusterIP", "LoadBalancer", "NodePort" or "Ingress"

    @property
    def reference(self) -> str:
        """The workload as `kcheck netpol explain --src/--dst` names it: ns/name[Kind]."""
        return f"{self.namespace}/{self.name}[{self.kind}]"


@dataclass
class Namespace:
    name: str
    team: str
    labels: dict[str, str]  # as declared; empty when the namespace is not declared
    declared: bool
    workloads: list[Workload] = field(default_factory=list)
    services: list[Manifest] = field(default_factory=list)  # and Ingresses
    policies: list[Manifest] = field(default_factory=list)


@dataclass
class Cluster:
    namespaces: list[Namespace]

    @property
    def workloads(self) -> list[Workload]:
        return [workload for namespace in self.namespaces for workload in namespace.workloads]


def allocate(total: int, weights: list[float], minimum: int) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), at least `minimum` each."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"cannot give {len(weights)} namespaces {minimum} each out of {total}")
    scale = rest / sum(weights)
    shares = [weight * scale for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for index in by_remainder[: rest - sum(counts)]:
        counts[index] += 1
    return [minimum + count for count in counts]


def object_metadata(name: str, namespace: str, labels: dict[str, str] | None = None) -> Manifest:
    metadata: Manifest = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = labels
    return metadata


def container_ports(ports: tuple[Port, ...]) -> list[Manifest]:
    return [{"name": p.name, "containerPort": p.number, "protocol": p.protocol} for p in ports]


def workload_manifest(workload: Workload, rng: random.Random) -> Manifest:
    image_tag = f"1.{rng.randrange(40)}.{rng.randrange(9)}"
    container: Manifest = {
        "name": workload.app if not workload.canary else workload.app + "-canary",
        "image": f"registry.example.com/{workload.team}/{workload.app}:{image_tag}",
        "ports": container_ports(workload.ports),
        "resources": {
            "requests": {
                "cpu": f"{rng.choice((50, 100, 250, 500))}m",
                "memory": rng.choice(("128Mi", "256Mi")),
            },
            "limits": {"memory": rng.choice(("256Mi", "512Mi", "1Gi"))},
        },
    }
    probe_port = next((p.name for p in workload.ports if p.name in ("http", "metrics")), None)
    if probe_port is not None:
        container["readinessProbe"] = {
            "httpGet": {"path": "/healthz", "port": probe_port},
            "periodSeconds": 10,
        }
    pod_spec: Manifest = {"containers": [container]}
    if workload.host_network:
        pod_spec["hostNetwork"] = True
    selector: dict[str, str] = {
        key: workload.labels[key] for key in ("app", "version", "k8s-app") if key in workload.labels
    }
    if not selector:
        selector = dict(workload.labels)
    spec: Manifest = {
        "selector": {"matchLabels": selector},
        "template": {"metadata": {"labels": dict(workload.labels)}, "spec": pod_spec},
    }
    api_version = "apps/v1"
    if workload.kind == "Deployment":
        spec = {"replicas": workload.replicas, **spec}
    elif workload.kind == "StatefulSet":
        spec = {"replicas": workload.replicas, "serviceName": workload.name, **spec}
        spec["volumeClaimTemplates"] = [
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": rng.choice(("10Gi", "50Gi", "200Gi"))}},
                },
            }
        ]
        container["volumeMounts"] = [{"name": "data", "mountPath": "/var/lib/data"}]
    return {
        "apiVersion": api_version,
        "kind": workload.kind,
        "metadata": object_metadata(
            workload.name, workload.namespace, {"app": workload.app, "team": workload.team}
        ),
        "spec": spec,
    }


def service_manifests(workload: Workload, rng: random.Random) -> list[Manifest]:
    """The Service in front of a workload (named as it), and its Ingress when it has one."""
    selector = {
        key: workload.labels[key]
        for key in ("app", "k8s-app", "app.kubernetes.io/name")
        if key in workload.labels
    }
    ports = []
    for port in workload.ports:
        service_port: Manifest = {
            "name": port.name,
            "port": 80 if port.name == "http" else port.number,
            "targetPort": port.name,
            "protocol": port.protocol,
        }
        if workload.exposure == "NodePort" and port.protocol == "TCP":
            service_port["nodePort"] = 30000 + rng.randrange(2768)
        ports.append(service_port)
    spec: Manifest = {"selector": selector, "ports": ports}
    if workload.kind == "StatefulSet":
        spec = {"clusterIP": "None", **spec}
    elif workload.exposure in ("LoadBalancer", "NodePort"):
        spec = {"type": workload.exposure, **spec}
    manifests = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": object_metadata(workload.name, workload.namespace, {"app": workload.app}),
            "spec": spec,
        }
    ]
    if workload.exposure == "Ingress":
        port_name = "http" if any(p.name == "http" for p in workload.ports) else workload.ports[0].name
        manifests.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": object_metadata(workload.name, workload.namespace),
                "spec": {
                    "ingressClassName": "nginx",
                    "rules": [
                        {
                            "host": f"{workload.name}.{workload.namespace}.example.com",
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "pathType": "Prefix",
                                        "backend": {
                                            "service": {"name": workload.name, "port": {"name": port_name}}
                                        },
                                    }
                                ]
                            },
                        }
                    ],
                },
            }
        )
    return manifests


# --- Policies --------------------------------------------------------------------------------------------


def policy(
    name: str,
    namespace: str,
    pod_selector: Manifest,
    *,
    ingress: list[Manifest] | None = None,
    egress: list[Manifest] | None = None,
    types: list[str] | None = None,
) -> Manifest:
    """A NetworkPolicy of its own: no part shared with another (a variant changes policies in place)."""
    spec: Manifest = {"podSelector": pod_selector}
    if types is not None:
        spec["policyTypes"] = types
    if ingress is not None:
        spec["ingress"] = copy.deepcopy(ingress)
    if egress is not None:
        spec["egress"] = copy.deepcopy(egress)
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": object_metadata(name, namespace),
        "spec": spec,
    }


def match(**labels: str) -> Manifest:
    return {"matchLabels": dict(labels)}


def named_namespace(name: str) -> Manifest:
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


DNS_PEER = {
    "namespaceSelector": named_namespace("kube-system"),
    "podSelector": match(**{"k8s-app": "kube-dns"}),
}
DNS_PORTS = [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]
PROMETHEUS_PEER = {
    "namespaceSelector": named_namespace("monitoring"),
    "podSelector": match(**{"app.kubernetes.io/name": "prometheus"}),
}
INGRESS_CONTROLLER_PEER = {
    "namespaceSelector": named_namespace("ingress-nginx"),
    "podSelector": match(**{"app.kubernetes.io/name": "ingress-nginx"}),
}


class PolicyMaker:
    """The policies of one namespace, most general first, then per workload, for as many as wanted."""

    def __init__(self, cluster: Cluster, namespace: Namespace, rng: random.Random) -> None:
        self.cluster, self.namespace, self.rng = cluster, namespace, rng
        self.names: dict[str, int] = {}
        self.orders: dict[str, list[str]] = {}  # of templates, per workload
        self.others = [
            ns for ns in cluster.namespaces if ns.name not in SYSTEM_NAMESPACES and ns is not namespace
        ]

    def unique(self, name: str) -> str:
        seen = self.names.get(name, 0)
        self.names[name] = seen + 1
        return name if not seen else f"{name}-{seen + 1}"

    def types(self, *directions: str) -> list[str] | None:
        """policyTypes, left out of most ingress-only policies (then defaulted to Ingress)."""
        if directions == ("Ingress",) and self.rng.random() < 0.4:
            return None
        return list(directions)

    def namespace_peer(self) -> Manifest:
        """All pods of some namespaces, chosen by label."""
        rng = self.rng
        choice = rng.randrange(6)
        if choice == 0:
            selector = match(team=rng.choice(TEAMS))
        elif choice == 1:
            selector = {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "staging"]}]}
        elif choice == 2:
            selector = {
                "matchLabels": {"team": self.namespace.team},
                "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["data"]}],
            }
        elif choice == 3:
            selector = {
                "matchExpressions": [
                    {"key": "team", "operator": "Exists"},
                    {"key": "compliance", "operator": "DoesNotExist"},
                ]
            }
        elif choice == 4:
            selector = named_namespace(rng.choice(self.others).name) if self.others else {}
        else:
            selector = {
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "mixed"]}]
            }
        return {"namespaceSelector": selector}

    def remote_workload_peer(self) -> tuple[Manifest, Workload | None]:
        """Pods of one workload in another namespace: a podSelector AND a namespaceSelector."""
        if not self.others:
            return {"podSelector": match(tier="frontend")}, None
        other = self.rng.choice(self.others)
        workload = self.rng.choice(other.workloads)
        if other.declared and "team" in other.labels and self.rng.random() < 0.5:
            namespaces = {"matchLabels": {"team": other.labels["team"], "env": other.labels["env"]}}
        else:
            namespaces = named_namespace(other.name)
        return {"namespaceSelector": namespaces, "podSelector": match(app=workload.app)}, workload

    def ports_of(self, workload: Workload, numeric: bool) -> list[Manifest]:
        serving = [p for p in workload.ports if p.name != "metrics"] or list(workload.ports)
        port = self.rng.choice(serving)
        if numeric:
            return [{"protocol": port.protocol, "port": port.number}]
        if port.protocol == "TCP" and self.rng.random() < 0.5:
            return [{"port": port.name}]  # the protocol defaulted
        return [{"protocol": port.protocol, "port": port.name}]

    def general(self) -> Iterator[Manifest]:
        ns, rng = self.namespace.name, self.rng
        egress_denied = False
        if rng.random() < 0.9:
            kind = rng.choices(("both", "ingress", "egress"), (50, 35, 15))[0]
            types = {"both": ["Ingress", "Egress"], "ingress": ["Ingress"], "egress": ["Egress"]}[kind]
            name = "default-deny" if kind == "both" else f"default-deny-{kind}"
            egress_denied = kind != "ingress"
            yield policy(self.unique(name), ns, {}, types=types)
        if (
            egress_denied and rng.random() < 0.7
        ):  # else DNS egress is in the per-workload policies, or missing
            yield policy(
                self.unique("allow-dns"),
                ns,
                {},
                egress=[{"to": [DNS_PEER], "ports": DNS_PORTS}],
                types=["Egress"],
            )
        if rng.random() < 0.35:
            yield policy(
                self.unique("allow-same-namespace"),
                ns,
                {} if rng.random() < 0.7 else match(tier="backend"),
                ingress=[{"from": [{"podSelector": {}}]}],
                types=self.types("Ingress"),
            )
        if self.namespace.labels.get("observability") == "enabled" and rng.random() < 0.35:
            scraped: Manifest = {"key": "app", "operator": "Exists"}
            if rng.random() < 0.5:
                scraped = {"key": "tier", "operator": "In", "values": ["frontend", "backend"]}
            metrics = (
                [{"protocol": "TCP", "port": "metrics"}]
                if rng.random() < 0.7
                else [{"protocol": "TCP", "port": 9090}, {"protocol": "TCP", "port": 9100, "endPort": 9400}]
            )
            yield policy(
                self.unique("allow-prometheus"),
                ns,
                {"matchExpressions": [scraped]},
                ingress=[{"from": [PROMETHEUS_PEER], "ports": metrics}],
                types=self.types("Ingress"),
            )

    def for_workload(self, workload: Workload, round_: int) -> Manifest:
        """Policy number `round_` (0, 1, ...) for this workload: its templates, in an order of its own."""
        ns, rng = workload.namespace, self.rng
        order = self.orders.get(workload.name)
        if order is None:
            templates = list(TEMPLATES[workload.tier])
            templates += ["udp"] if any(p.protocol == "UDP" for p in workload.ports) else []
            templates += ["sctp"] if any(p.protocol == "SCTP" for p in workload.ports) else []
            order = self.orders[workload.name] = rng.sample(templates, len(templates))
        template = order[round_ % len(order)]
        subject = match(app=workload.app)
        if workload.canary or rng.random() < 0.15:
            subject = match(app=workload.app, version=workload.version)
        name = self.unique(f"{workload.name}-{template}")
        numeric = rng.random() < 0.4
        if template == "from-ingress":
            port = "http" if any(p.name == "http" for p in workload.ports) else workload.ports[0].name
            return policy(
                name,
                ns,
                subject,
                ingress=[{"from": [INGRESS_CONTROLLER_PEER], "ports": [{"port": port}]}],
                types=self.types("Ingress"),
            )
        if template == "from-namespaces":
            peers = [self.namespace_peer() for _ in range(rng.choice((1, 1, 1, 2)))]
            return policy(
                name,
                ns,
                subject,
                ingress=[{"from": peers, "ports": self.ports_of(workload, numeric)}],
                types=self.types("Ingress"),
            )
        if template in ("from-frontend", "from-backend"):
            peer_tier = template.removeprefix("from-")
            rule = {
                "from": [{"podSelector": match(tier=peer_tier)}],
                "ports": self.ports_of(workload, numeric),
            }
            return policy(name, ns, subject, ingress=[rule], types=self.types("Ingress"))
        if template == "from-remote":
            peers = [self.remote_workload_peer()[0]]
            if rng.random() < 0.3:  # two workloads: the YAML-dash pitfall's correct spelling, OR of two peers
                peers.append(self.remote_workload_peer()[0])
            return policy(
                name,
                ns,
                subject,
                ingress=[{"from": peers, "ports": self.ports_of(workload, numeric)}],
                types=self.types("Ingress"),
            )
        if template == "grpc-range":
            ports = [{"protocol": "TCP", "port": 9000, "endPort": 9000 + rng.choice((5, 10, 99))}]
            peer = {
                "namespaceSelector": {
                    "matchExpressions": [
                        {"key": "team", "operator": "In", "values": sorted(rng.sample(TEAMS, 3))}
                    ]
                }
            }
            return policy(name, ns, subject, ingress=[{"from": [peer], "ports": ports}], types=["Ingress"])
        if template == "egress-ipblock":
            cidr = f"10.{rng.randrange(16, 250)}.{rng.randrange(256)}.0/24"
            if rng.random() < 0.5:
                block = {"cidr": "10.0.0.0/8", "except": ["10.96.0.0/12", "10.244.0.0/16"]}
                ports = [{"protocol": "TCP", "port": 5432}]
            else:
                block = {"cidr": cidr}
                ports = [{"protocol": "TCP", "port": rng.choice((443, 6379, 9092))}]
            rules = [{"to": [{"ipBlock": block}], "ports": ports}, {"to": [DNS_PEER], "ports": DNS_PORTS}]
            return policy(name, ns, subject, egress=rules, types=["Egress"] if rng.random() < 0.8 else None)
        if template == "egress-external":
            block = {
                "cidr": "0.0.0.0/0",
                "except": [*PRIVATE_RANGES, METADATA_ENDPOINT][: rng.randrange(1, 5)],
            }
            rules = [{"to": [{"ipBlock": block}], "ports": [{"protocol": "TCP", "port": 443}]}]
            return policy(name, ns, subject, egress=rules, types=["Egress"])
        if template == "egress-remote":
            peer, target = self.remote_workload_peer()
            ports = self.ports_of(target, True) if target is not None else [{"protocol": "TCP", "port": 8080}]
            return policy(name, ns, subject, egress=[{"to": [peer], "ports": ports}], types=["Egress"])
        if template == "egress-none":  # a database that starts no connection
            return policy(name, ns, subject, egress=[], types=["Egress"])
        if template == "udp":
            udp = next(p for p in workload.ports if p.protocol == "UDP")
            ports = (
                [{"protocol": "UDP", "port": udp.number}]
                if numeric
                else [{"protocol": "UDP", "port": udp.number, "endPort": udp.number + 10}]
            )
            return policy(
                name,
                ns,
                subject,
                ingress=[{"from": [{"namespaceSelector": {}}], "ports": ports}],
                types=["Ingress"],
            )
        assert template == "sctp"
        rule = {
            "from": [{"ipBlock": {"cidr": "100.64.0.0/10", "except": ["100.64.0.0/16"]}}],
            "ports": [{"protocol": "SCTP", "port": "diameter"}],
        }
        return policy(name, ns, subject, ingress=[rule], types=["Ingress"])

    def policies(self, count: int) -> list[Manifest]:
        made = list(self.general())[:count]
        if not self.namespace.workloads:
            return made
        workloads = list(self.namespace.workloads)
        self.rng.shuffle(workloads)
        round_ = 0
        while len(made) < count:
            for workload in workloads[: count - len(made)]:
                made.append(self.for_workload(workload, round_))
            round_ += 1
        return made


def platform_workload(
    namespace: str, name: str, kind: str, ports: tuple[Port, ...], labels: dict[str, str], replicas: int
) -> Workload:
    workload = Workload(namespace, name, kind, name, "platform", "platform", "v1", ports, replicas, labels)
    workload.exposure = "ClusterIP" if kind != "DaemonSet" else ""
    return workload


def system_namespaces(cluster: Cluster, replicas: int) -> None:
    """kube-system, ingress-nginx and monitoring: their workloads and one policy each."""
    kube_system, ingress_nginx, monitoring = cluster.namespaces[:3]
    dns = (Port("dns", 53, "UDP"), Port("dns-tcp", 53), Port("metrics", 9153))
    coredns = platform_workload("kube-system", "coredns", "Deployment", dns, {"k8s-app": "kube-dns"}, 2)
    metrics_server = platform_workload(
        "kube-system",
        "metrics-server",
        "Deployment",
        (Port("https", 10250),),
        {"k8s-app": "metrics-server"},
        1,
    )
    controller = platform_workload(
        "ingress-nginx",
        "ingress-nginx-controller",
        "Deployment",
        (Port("http", 80), Port("https", 443), Port("metrics", 10254)),
        {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
        3,
    )
    controller.exposure = "LoadBalancer"
    prometheus = platform_workload(
        "monitoring",
        "prometheus",
        "StatefulSet",
        (Port("web", 9090),),
        {"app.kubernetes.io/name": "prometheus"},
        2,
    )
    node_exporter = platform_workload(
        "monitoring",
        "node-exporter",
        "DaemonSet",
        (Port("metrics", 9100),),
        {"app.kubernetes.io/name": "node-exporter"},
        replicas,
    )
    node_exporter.host_network = True
    kube_system.workloads += [coredns, metrics_server]
    ingress_nginx.workloads.append(controller)
    monitoring.workloads += [prometheus, node_exporter]
    kube_system.policies.append(
        policy(
            "allow-dns",
            "kube-system",
            match(**{"k8s-app": "kube-dns"}),
            ingress=[{"from": [{"namespaceSelector": {}}], "ports": DNS_PORTS}],
            types=["Ingress"],
        )
    )
    ingress_nginx.services.append(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": {
                "name": "nginx",
                "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
            },
            "spec": {"controller": "k8s.io/ingress-nginx"},
        }
    )
    ingress_nginx.policies.append(
        policy(
            "allow-web",
            "ingress-nginx",
            match(**{"app.kubernetes.io/name": "ingress-nginx"}),
            ingress=[
                {
                    "from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                    "ports": [{"protocol": "TCP", "port": "http"}, {"protocol": "TCP", "port": "https"}],
                }
            ],
            types=["Ingress"],
        )
    )
    scraped = {"matchExpressions": [{"key": "observability", "operator": "Exists"}]}
    monitoring.policies.append(
        policy(
            "prometheus-scrape",
            "monitoring",
            match(**{"app.kubernetes.io/name": "prometheus"}),
            egress=[
                {
                    "to": [{"namespaceSelector": scraped}],
                    "ports": [
                        {"protocol": "TCP", "port": 9090},
                        {"protocol": "TCP", "port": 9187},
                        {"protocol": "TCP", "port": 9121},
                    ],
                },
                {"to": [DNS_PEER], "ports": DNS_PORTS},
            ],
            types=["Egress"],
        )
    )


def app_workloads(namespace: Namespace, count: int, rng: random.Random) -> None:
    taken: dict[str, Workload] = {}
    for _ in range(count):
        role = rng.choices(ROLES, ROLE_WEIGHTS)[0]
        first = taken.get(role.name)
        team = namespace.team if rng.random() < 0.9 else rng.choice(TEAMS)
        ports = tuple(
            Port(p.name, 8000, p.protocol) if p == HTTP and rng.random() < 0.1 else p for p in role.ports
        )
        if (
            first is not None
            and role.kind == "Deployment"
            and not first.canary
            and f"{role.name}-canary" not in taken
        ):
            workload = Workload(
                namespace.name,
                f"{role.name}-canary",
                role.kind,
                first.app,
                role.tier,
                first.team,
                "v2" if first.version == "v1" else "v3",
                first.ports,
                canary=True,
            )
        else:
            name = role.name
            suffix = 2
            while name in taken:
                name, suffix = f"{role.name}-{suffix}", suffix + 1
            version = "v1" if rng.random() < 0.85 else "v2"
            workload = Workload(namespace.name, name, role.kind, name, role.tier, team, version, ports)
            if (role.kind != "DaemonSet" and rng.random() < 0.75) or role.kind == "StatefulSet":
                workload.exposure = "ClusterIP"
                if role.tier == "frontend":
                    workload.exposure = rng.choices(
                        ("ClusterIP", "LoadBalancer", "NodePort", "Ingress"), (40, 15, 10, 35)
                    )[0]
        workload.labels = {
            "app": workload.app,
            "tier": workload.tier,
            "version": workload.version,
            "team": workload.team,
        }
        taken[workload.name] = workload
        namespace.workloads.append(workload)


def set_replicas(cluster: Cluster, total: int, nodes: int, rng: random.Random) -> None:
    """Pods per workload, skewed small, adding up to `total`: a DaemonSet's are the `nodes`, the system
    workloads' are fixed."""
    free: list[Workload] = []
    fixed = 0
    for workload in cluster.workloads:
        if workload.kind == "DaemonSet":
            workload.replicas = nodes
        if workload.kind == "DaemonSet" or workload.namespace in SYSTEM_NAMESPACES:
            fixed += workload.replicas
        else:
            free.append(workload)
    target = total - fixed
    if target < len(free):
        raise ValueError(f"{total} pods are too few for {len(free)} workloads and {fixed} fixed pods")
    drawn = rng.choices(REPLICA_CHOICES, REPLICA_WEIGHTS, k=len(free))
    scale = target / sum(drawn)
    for workload, count in zip(free, drawn, strict=True):
        workload.replicas = max(1, round(count * scale))
    difference = target - sum(w.replicas for w in free)
    while difference:
        workload = rng.choice(free)
        step = 1 if difference > 0 else -1
        if workload.replicas + step >= 1:
            workload.replicas += step
            difference -= step


def namespace_objects(namespace: Namespace) -> list[Manifest]:
    if not namespace.declared:
        return []
    metadata: Manifest = {"name": namespace.name}
    if namespace.labels:
        metadata["labels"] = namespace.labels
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}]


def build_cluster(
    *,
    namespaces: int = 500,
    workloads: int = 2000,
    replicas: int = 5,
    policies: int = 2000,
    seed: int = 0,
    variant: int = 0,
) -> Cluster:
    """The cluster in memory: namespaces with their workloads, Services and policies (see the module)."""
    if namespaces < len(SYSTEM_NAMESPACES) + 1:
        raise ValueError(f"at least {len(SYSTEM_NAMESPACES) + 1} namespaces")
    rng = random.Random(seed)
    cluster = Cluster([])
    for index in range(namespaces):
        name = SYSTEM_NAMESPACES[index] if index < len(SYSTEM_NAMESPACES) else f"ns-{index:04d}"
        if name in SYSTEM_NAMESPACES:
            labels = {"team": "platform", "env": "prod", "tier": "platform"}
            declared = name != "kube-system"  # implied by the objects in it, as in most repositories
        else:
            labels = {"team": rng.choice(TEAMS), "env": rng.choice(ENVS), "tier": rng.choice(NAMESPACE_TIERS)}
            if rng.random() < 0.7:
                labels["observability"] = "enabled"
            if rng.random() < 0.1:
                labels["compliance"] = "pci"
            declared = rng.random() >= 0.08
        if rng.random() < 0.15:
            labels = {"kubernetes.io/metadata.name": name, **labels}
        team = labels["team"]
        cluster.namespaces.append(Namespace(name, team, labels if declared else {}, declared))
    system_namespaces(cluster, replicas)
    apps = cluster.namespaces[len(SYSTEM_NAMESPACES) :]
    system_workloads = sum(len(ns.workloads) for ns in cluster.namespaces[: len(SYSTEM_NAMESPACES)])
    sizes = allocate(workloads - system_workloads, [rng.lognormvariate(0, 0.7) for _ in apps], 1)
    for namespace, size in zip(apps, sizes, strict=True):
        app_workloads(namespace, size, rng)
    set_replicas(cluster, workloads * replicas, replicas, rng)
    for namespace in cluster.namespaces:
        for workload in namespace.workloads:
            if workload.exposure and not workload.canary:
                namespace.services += service_manifests(workload, rng)
    system_policies = sum(len(ns.policies) for ns in cluster.namespaces)
    app_policies = max(0, policies - system_policies)
    weights = [(len(ns.workloads) + 1) * rng.lognormvariate(0, 0.5) for ns in apps]
    for index, namespace in enumerate(apps):
        if len(namespace.workloads) <= 3 and rng.random() < HEAVY_SHARE:
            weights[index] *= 8
    shares = allocate(app_policies, weights, 1 if app_policies >= len(apps) else 0)
    for namespace, share in zip(apps, shares, strict=True):
        namespace.policies += PolicyMaker(cluster, namespace, rng).policies(share)
    if variant:
        change(cluster, random.Random(f"{seed}:{variant}"))
    return cluster


def change(cluster: Cluster, rng: random.Random) -> None:
    """A pull request's changes to the policies: rules added, ports changed, policies deleted, one new."""
    everyone = [(ns, p) for ns in cluster.namespaces if ns.name not in SYSTEM_NAMESPACES for p in ns.policies]
    changes = max(4, round(CHANGED_SHARE * len(everyone)))
    picked = rng.sample(everyone, min(len(everyone), changes - 1))
    apps = [ns for ns in cluster.namespaces if ns.name not in SYSTEM_NAMESPACES]
    for index, (namespace, manifest) in enumerate(picked):
        spec = manifest["spec"]
        rules = [rule for direction in ("ingress", "egress") for rule in spec.get(direction, ())]
        with_ports = [port for rule in rules for port in rule.get("ports", ())]
        if index % 4 == 0:  # deleted
            namespace.policies.remove(manifest)
        elif index % 4 == 1 or not with_ports:  # a rule added
            if "ingress" in spec or "Ingress" in spec.get("policyTypes", ("Ingress",)):
                source = rng.choice(apps).name
                spec.setdefault("ingress", []).append(
                    {
                        "from": [{"namespaceSelector": named_namespace(source)}],
                        "ports": [{"protocol": "TCP", "port": 8443}],
                    }
                )
            else:
                spec.setdefault("egress", []).append(
                    {
                        "to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
                        "ports": [{"protocol": "TCP", "port": 443}],
                    }
                )
        else:  # a port changed
            port = rng.choice(with_ports)
            if isinstance(port.get("port"), int):
                port["port"] += 1
                if "endPort" in port:
                    port["endPort"] += 1
            else:
                port["port"] = "grpc" if port.get("port") != "grpc" else "http"
    namespace = rng.choice(apps)
    namespace.policies.append(
        policy(
            "allow-debug-from-platform",
            namespace.name,
            {},
            ingress=[
                {"from": [{"namespaceSelector": match(team="platform"), "podSelector": match(app="debug")}]}
            ],
            types=["Ingress"],
        )
    )


def dump(path: Path, documents: list[Manifest]) -> bool:
    """Write the documents (or remove the file when there are none); whether a file was written."""
    if not documents:
        path.unlink(missing_ok=True)
        return False
    path.write_text(yaml.dump_all(documents, Dumper=yaml.CSafeDumper, sort_keys=False, width=120))
    return True


def write(cluster: Cluster, directory: Path) -> dict[str, int]:
    """Write the cluster's manifests under `directory`; the counts of what was written."""
    rng = random.Random(0)  # images and resources only: the same for the base and its variants
    counts = dict.fromkeys(
        (
            "namespaces",
            "namespaces_declared",
            "namespaces_implied",
            "workloads",
            "deployments",
            "statefulsets",
            "daemonsets",
            "pods",
            "services",
            "ingresses",
            "networkpolicies",
            "objects",
            "files",
        ),
        0,
    )
    for namespace in cluster.namespaces:
        folder = directory / namespace.name
        folder.mkdir(parents=True, exist_ok=True)
        workloads = [workload_manifest(workload, rng) for workload in namespace.workloads]
        files = (
            ("namespace.yaml", namespace_objects(namespace)),
            ("workloads.yaml", workloads),
            ("services.yaml", namespace.services),
            ("policies.yaml", namespace.policies),
        )
        for name, documents in files:
            counts["files"] += dump(folder / name, documents)
            counts["objects"] += len(documents)
        counts["namespaces"] += 1
        counts["namespaces_declared" if namespace.declared else "namespaces_implied"] += 1
        for workload in namespace.workloads:
            counts["workloads"] += 1
            counts[workload.kind.lower() + "s"] += 1
            counts["pods"] += workload.replicas
        counts["services"] += sum(1 for m in namespace.services if m["kind"] == "Service")
        counts["ingresses"] += sum(1 for m in namespace.services if m["kind"] == "Ingress")
        counts["networkpolicies"] += len(namespace.policies)
    return counts


def write_cluster(
    directory: Path,
    *,
    namespaces: int = 500,
    workloads: int = 2000,
    replicas: int = 5,
    policies: int = 2000,
    seed: int = 0,
    variant: int = 0,
) -> dict[str, int]:
    """Generate the cluster (see the module) and write it under `directory`; the counts of objects written."""
    cluster = build_cluster(
        namespaces=namespaces,
        workloads=workloads,
        replicas=replicas,
        policies=policies,
        seed=seed,
        variant=variant,
    )
    return write(cluster, directory)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--namespaces", type=int, default=500)
    parser.add_argument("--workloads", type=int, default=2000)
    parser.add_argument("--replicas", type=int, default=5, help="pods per workload on average (default: 5)")
    parser.add_argument("--policies", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--variant", type=int, default=0, help="0: the base; 1 or more: a pull request's head"
    )
    args = parser.parse_args()
    counts = write_cluster(
        args.directory,
        namespaces=args.namespaces,
        workloads=args.workloads,
        replicas=args.replicas,
        policies=args.policies,
        seed=args.seed,
        variant=args.variant,
    )
    print(", ".join(f"{key} {value:,}" for key, value in counts.items()))


if __name__ == "__main__":
    main()
