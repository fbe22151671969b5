"""Print the example of docs/netpol-graph.md: a small connectivity document, rendered.

Run from the repository root, e.g. to redraw the page's picture (Graphviz is needed here only, kcheck never
runs it) and print its Mermaid block:

    .venv/bin/python scripts/render_netpol_example.py dot | dot -Tsvg -o docs/images/netpol-example.svg
    .venv/bin/python scripts/render_netpol_example.py mermaid

tests/unit/analyzers/netpol/test_render.py fails when the page's Mermaid block differs from what this prints.
"""

from __future__ import annotations

import sys
from typing import Any

from kcheck.analyzers.netpol.render import FORMATS, render


def _workload(name: str, namespace: str = "shop", kind: str = "Deployment") -> dict[str, str]:
    return {"kind": kind, "namespace": namespace, "name": name}


_ALL = [[1, 65535]]
INGRESS = {"entry": "ingress-controller"}
# backend's egress policy allows 203.0.113.0/24 (a payment API): the outside world is cut there.
BELOW, PAYMENTS, ABOVE = (
    {"ip": "0.0.0.0-203.0.112.255"},
    {"ip": "203.0.113.0-203.0.113.255"},
    {"ip": "203.0.114.0-255.255.255.255"},
)
FRONTEND, BACKEND, DB = _workload("frontend"), _workload("backend"), _workload("db", kind="StatefulSet")
PROMETHEUS = _workload("prometheus", namespace="monitoring")

# Every pod of shop is selected by policies that allow the traffic between its tiers, the ingress controller
# to frontend, and metrics scraping from monitoring; monitoring's policy denies all ingress and leaves egress
# open, so prometheus may send anything anywhere outside the cluster. (What kcheck computes for such
# manifests, with the default `network` settings.)
EXAMPLE: dict[str, Any] = {
    "version": 1,
    "assumptions": {
        "defaultNamespace": "default",
        "hostNetworkPods": "unselected",
        "ipBlockSelectsPods": "never",
        "selfTraffic": (
            "a workload to itself is not listed (explain: two of its pods); loopback is always allowed"
        ),
        "ingressController": "a pod in an unknown namespace with unknown labels",
        "external": "an unknown IPv4 address outside the cluster",
    },
    "connections": [
        {"src": INGRESS, "dst": FRONTEND, "conn": {"TCP": [[8080, 8080]]}},
        {"src": PROMETHEUS, "dst": BACKEND, "conn": {"TCP": [[9090, 9090]]}},
        {"src": PROMETHEUS, "dst": DB, "conn": {"TCP": [[9187, 9187]]}},
        {"src": PROMETHEUS, "dst": FRONTEND, "conn": {"TCP": [[8080, 8080], [9090, 9090]]}},
        {"src": PROMETHEUS, "dst": BELOW, "conn": {"TCP": _ALL, "UDP": _ALL, "SCTP": _ALL}},
        {"src": PROMETHEUS, "dst": PAYMENTS, "conn": {"TCP": _ALL, "UDP": _ALL, "SCTP": _ALL}},
        {"src": PROMETHEUS, "dst": ABOVE, "conn": {"TCP": _ALL, "UDP": _ALL, "SCTP": _ALL}},
        {"src": BACKEND, "dst": DB, "conn": {"TCP": [[5432, 5432]]}},
        {"src": BACKEND, "dst": PAYMENTS, "conn": {"TCP": [[443, 443]]}},
        {"src": FRONTEND, "dst": BACKEND, "conn": {"TCP": [[8080, 8080], [9000, 9010]]}},
    ],
}

if __name__ == "__main__":
    output_format = sys.argv[1] if len(sys.argv) > 1 else "dot"
    if output_format not in FORMATS:
        sys.exit(f"usage: render_netpol_example.py [{'|'.join(FORMATS)}]")
    sys.stdout.write(render(EXAMPLE, output_format))
