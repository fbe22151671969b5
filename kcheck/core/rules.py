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


class Profile(str, Enum):
    """The smallest rule set (`--profile`) a rule belongs to: `minimal` < `default` < `strict`.

    `minimal` holds what is almost always a real problem, `default` what a team should fix, `strict` what a
    hardened cluster wants but ordinary repositories would be flooded by (kcheck's opt-in rules). The Pod
    Security Standards profiles (`pss-baseline`, `pss-restricted`) are chosen by `RuleSpec.pss_level`."""

    MINIMAL = "minimal"
    DEFAULT = "default"
    STRICT = "strict"


PROFILE_ORDER: tuple[Profile, ...] = (Profile.MINIMAL, Profile.DEFAULT, Profile.STRICT)
PSS_LEVELS: tuple[str, ...] = ("baseline", "restricted")
# Profiles by name: the three nested ones, then one per Pod Security Standards level.
PROFILE_NAMES: tuple[str, ...] = (
    *(profile.value for profile in PROFILE_ORDER),
    *(f"pss-{level}" for level in PSS_LEVELS),
)
# The incumbent tools whose checks `RuleSpec.replaces` names, as `tool:check`.
INCUMBENT_TOOLS: tuple[str, ...] = ("kube-linter", "polaris", "kube-score", "checkov")


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
    profile: Profile = Profile.DEFAULT
    precision: Precision = Precision.HIGH
    # GitHub code scanning ranks security alerts by this CVSS-like score (0.1-10); security rules must set it.
    security_severity: float | None = None
    # The incumbent checks this rule replaces, as `tool:check` (`kube-linter:privileged-container`,
    # `polaris:runAsPrivileged`, `kube-score:container-security-context-privileged`, `checkov:CKV_K8S_16`):
    # the docs' migration table and the incumbents' suppression annotations are read from it.
    replaces: tuple[str, ...] = ()
    # For the Pod Security Standards rules: the level ("baseline" or "restricted") and the control's name
    # as the standard writes it ("Privileged Containers"). The `pss-<level>` profiles select these.
    pss_level: str | None = None
    pss_control: str | None = None

    @property
    def default_enabled(self) -> bool:
        return self.in_profile("default")

    def in_profile(self, name: str) -> bool:
        """Whether the rule belongs to the profile `name` (one of `PROFILE_NAMES`)."""
        if name.startswith("pss-"):
            # A PSS profile is its level's controls (restricted includes baseline), plus the input rules that
            # tell a file could not be read at all.
            if self.family == "input":
                return self.profile is Profile.MINIMAL
            return self.pss_level is not None and PSS_LEVELS.index(self.pss_level) <= PSS_LEVELS.index(
                name.removeprefix("pss-")
            )
        if self.pss_level is not None:
            return False  # the PSS controls mirror admission: only their own profiles select them
        return PROFILE_ORDER.index(self.profile) <= PROFILE_ORDER.index(Profile(name))

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
