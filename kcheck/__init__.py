"""kcheck: static analysis for Kubernetes manifests."""

__version__ = "0.1.0"
