"""Rule metadata: everything `rules list`, `rules explain`, JSON and SARIF say about a rule."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from kcheck.core.severity import Severity

if TYPE_CHECKING:
    from pydantic import BaseModel

# An API group ("" for the core group) and a kind: what a rule applies to, e.g. ("apps", "Deployment").
GroupKind = tuple[str, str]

RULE_ID = re.compile(r"KC[0-9]{3}\Z")
RULE_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")

# The hundreds digit of an id is its family (DESIGN §3).
FAMILIES: Mapping[int, str] = {
    0: "input",
    1: "objects",
    2: "consistency",
    3: "netpol",
    4: "rbac",
    5: "schema",
    6: "policies",
    7: "resources",
}


class Category(str, Enum):
    SECURITY = "security"
    RELIABILITY = "reliability"
    EFFICIENCY = "efficiency"
    CORRECTNESS = "correctness"
    HYGIENE = "hygiene"


class RuleStatus(str, Enum):
    PREVIEW = "preview"
    STABLE = "stable"
    DEPRECATED = "deprecated"


class Precision(str, Enum):
    """SARIF `properties.precision`: how often a result is a true positive."""

    VERY_HIGH = "very-high"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    name: str
    summary: str
    severity: Severity
    category: Category
    # A str.format template over the violation's args, e.g. "container {container!r} runs privileged".
    message: str
    remediation: str
    # Markdown with the sections "What it does", "Why is this bad?", "Example" (bad, "Use instead:", good).
    docs: str
    # The (group, kind) pairs the engine gives the rule; empty: every object.
    applies_to: tuple[GroupKind, ...] = ()
    options: type[BaseModel] | None = None
    references: tuple[str, ...] = ()
    status: RuleStatus = RuleStatus.STABLE
    since: str = "0.1.0"
    default_enabled: bool = True
    precision: Precision = Precision.HIGH
    # GitHub code scanning ranks security alerts by this CVSS-like score (0.1-10); security rules must set it.
    security_severity: float | None = None

    @property
    def family(self) -> str:
        return FAMILIES[int(self.id[2])]

    @property
    def message_fields(self) -> frozenset[str]:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(self.message) if f)

    @property
    def applies_to_names(self) -> tuple[str, ...]:
        """`applies_to` as `group/Kind` (core-group kinds by their kind alone), for docs and JSON."""
        return tuple(f"{group}/{kind}" if group else kind for group, kind in self.applies_to)

    def format_message(self, args: Mapping[str, object]) -> str:
        return self.message.format_map(args)
