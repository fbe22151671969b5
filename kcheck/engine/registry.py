"""Every analyzer family, listed explicitly (as yamllint lists its rules): importing this module is the
whole catalogue. A new family is one folder under `kcheck/analyzers` with a `family.py`, and one line here."""

from __future__ import annotations

from collections.abc import Mapping

from kcheck.analyzers.consistency.family import FAMILY as CONSISTENCY
from kcheck.analyzers.family import Family
from kcheck.analyzers.input.family import FAMILY as INPUT
from kcheck.analyzers.netpol.family import FAMILY as NETPOL
from kcheck.analyzers.objects.family import FAMILY as OBJECTS
from kcheck.analyzers.resources.family import FAMILY as RESOURCES
from kcheck.analyzers.schema.family import FAMILY as SCHEMA
from kcheck.core.rules import RuleSpec

FAMILIES: tuple[Family, ...] = (INPUT, OBJECTS, CONSISTENCY, NETPOL, SCHEMA, RESOURCES)

ALL_RULES: tuple[RuleSpec, ...] = tuple(
    sorted((spec for family in FAMILIES for spec in family.rules), key=lambda spec: spec.id)
)
RULES_BY_ID: Mapping[str, RuleSpec] = {spec.id: spec for spec in ALL_RULES}
