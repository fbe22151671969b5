"""Regenerate docs/migration.md from the rules' metadata (`RuleSpec.replaces`).

Run from the repository root: `python scripts/generate_migration.py`. tests/unit/test_docs.py fails when the
committed file differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from kcheck.docs import migration_guide
from kcheck.engine.registry import ALL_RULES

TARGET = Path(__file__).resolve().parent.parent / "docs" / "migration.md"

if __name__ == "__main__":
    TARGET.write_text(migration_guide(ALL_RULES), encoding="utf-8")
    print(f"wrote {TARGET}")
