"""Container probes as the kubelet runs them: each probe of a container, its handlers, and its timing with
the API server's defaults applied (SetDefaults_Probe, SetDefaults_HTTPGetAction).

Not a rule module (it defines no `RULE`); the probe rules share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.model.base import KubeModel
from kcheck.model.workloads import Container, HTTPGetAction, Probe, TCPSocketAction

# (key in the container, the probe's noun in messages)
PROBE_KINDS: tuple[tuple[str, str], ...] = (
    ("livenessProbe", "liveness"),
    ("readinessProbe", "readiness"),
    ("startupProbe", "startup"),
)
# The handler keys of a probe, in the API's order; a valid probe sets exactly one.
HANDLER_KEYS: tuple[str, ...] = ("exec", "httpGet", "tcpSocket", "grpc")

# SetDefaults_Probe replaces a zero (or unset) value by these.
DEFAULT_PERIOD_SECONDS = 10
DEFAULT_TIMEOUT_SECONDS = 1
DEFAULT_SUCCESS_THRESHOLD = 1
DEFAULT_FAILURE_THRESHOLD = 3


def container_probes(container: Container) -> Iterator[tuple[str, str, Probe]]:
    """(key, noun, probe) of each probe the container sets: liveness, readiness, startup."""
    by_key = {
        "livenessProbe": container.liveness_probe,
        "readinessProbe": container.readiness_probe,
        "startupProbe": container.startup_probe,
    }
    for key, noun in PROBE_KINDS:
        probe = by_key[key]
        if probe is not None:
            yield key, noun, probe


def handlers(probe: Probe) -> list[tuple[str, KubeModel]]:
    """The handlers the probe sets, as (key, model), in the API's order."""
    found: list[tuple[str, KubeModel]] = []
    models = (probe.exec, probe.http_get, probe.tcp_socket, probe.grpc)
    for key, handler in zip(HANDLER_KEYS, models, strict=True):
        if handler is not None:
            found.append((key, handler))
    return found


def network_handlers(probe: Probe) -> Iterator[tuple[str, HTTPGetAction | TCPSocketAction]]:
    """The probe's handlers that name a port and a host: (key, model) of `httpGet` and `tcpSocket`."""
    for key, handler in (("httpGet", probe.http_get), ("tcpSocket", probe.tcp_socket)):
        if handler is not None:
            yield key, handler


@dataclass(frozen=True, slots=True)
class Timing:
    """A probe's timing after defaulting: when it starts, how often and how long it checks, and how many
    consecutive results flip it."""

    initial_delay_seconds: int
    period_seconds: int
    timeout_seconds: int
    success_threshold: int
    failure_threshold: int

    @property
    def restarts_by(self) -> int:
        """Seconds after the container starts by which a probe whose every check fails has tripped: checks
        run once a period (or once a timeout, when that is longer) from the initial delay on, the first
        one up to a period late (the kubelet's probe worker starts at a random point of its period)."""
        spacing = max(self.period_seconds, self.timeout_seconds)
        return self.initial_delay_seconds + self.failure_threshold * spacing


def timing(probe: Probe) -> Timing:
    return Timing(
        initial_delay_seconds=probe.initial_delay_seconds or 0,
        period_seconds=probe.period_seconds or DEFAULT_PERIOD_SECONDS,
        timeout_seconds=probe.timeout_seconds or DEFAULT_TIMEOUT_SECONDS,
        success_threshold=probe.success_threshold or DEFAULT_SUCCESS_THRESHOLD,
        failure_threshold=probe.failure_threshold or DEFAULT_FAILURE_THRESHOLD,
    )


def normalized_handler(probe: Probe) -> dict[str, object] | None:
    """The probe's handlers as plain data with the API defaults filled in (httpGet `path: /` and
    `scheme: HTTP`, an unset gRPC service as ""), or None when it sets none."""
    found = handlers(probe)
    if not found:
        return None
    normalized: dict[str, object] = {}
    for key, handler in found:
        data = handler.model_dump(by_alias=True, exclude_none=True)
        if key == "httpGet":
            data["path"] = data.get("path") or "/"
            data["scheme"] = data.get("scheme") or "HTTP"
            data["host"] = data.get("host") or ""
        elif key == "tcpSocket":
            data["host"] = data.get("host") or ""
        elif key == "grpc":
            data["service"] = data.get("service") or ""
        normalized[key] = data
    return normalized
