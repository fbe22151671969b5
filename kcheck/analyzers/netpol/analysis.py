"""The NetworkPolicy analysis of one run's inventory, computed once and shared by the lint rules and the
`kcheck netpol` commands."""

from __future__ import annotations

from functools import lru_cache

from kcheck.analyzers.netpol.cluster import Cluster, build_cluster
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.inventory.context import NetworkAssumptions
from kcheck.inventory.inventory import Inventory

FAMILY_NAME = "netpol"


@lru_cache(maxsize=1)
def analyse(inventory: Inventory, network: NetworkAssumptions) -> Reachability:
    return Reachability(cluster_of(inventory, network))


def cluster_of(inventory: Inventory, network: NetworkAssumptions) -> Cluster:
    return build_cluster(inventory, FAMILY_NAME, network)
