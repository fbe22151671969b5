"""Small rule catalogues for selection and suppression tests: ids and names chosen to exercise prefixes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.input import suppression_without_reason, unused_suppression
from kcheck.core.rules import Category, Profile, RuleSpec
from kcheck.core.severity import Severity


class MaxReplicasOptions(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    max_replicas: int = Field(10, alias="max-replicas", gt=0)


def rule(
    rule_id: str, name: str, *, default_enabled: bool = True, options: type[BaseModel] | None = None
) -> RuleSpec:
    return RuleSpec(
        id=rule_id,
        name=name,
        summary=f"{name}.",
        severity=Severity.WARNING,
        category=Category.SECURITY,
        message=f"{name} at {{where}}",
        remediation="Fix it.",
        docs="",
        profile=Profile.DEFAULT if default_enabled else Profile.STRICT,
        options=options,
    )


RULES = (
    unused_suppression.RULE,
    suppression_without_reason.RULE,
    rule("KC101", "privileged-container"),
    rule("KC102", "latest-image-tag"),
    rule("KC110", "too-many-replicas", options=MaxReplicasOptions),
    rule("KC111", "opt-in-check", default_enabled=False),
    rule("KC201", "dangling-service"),
)
