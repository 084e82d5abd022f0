"""The presumed-victim policy: a configurable, deliberately low threshold for protection.

National referral mechanisms must treat a person as a presumed victim as soon as there are
reasonable grounds, so that they receive assistance before any formal decision. No source sets a
threshold, so the policy is a data file of criteria (any one suffices), written in the same
condition language as the rules; the default is `data/presumed_victim_policy.yaml`, and a country
passes its own file (validated the same way) with `--policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from tiphub.screening.catalogue import (
    Catalogue,
    CatalogueError,
    Checker,
    Rule,
    data_dir,
    default_catalogue,
    make_rule,
    validate_names,
)


@dataclass(frozen=True)
class Criterion:
    rule: Rule
    manual_review: bool = False


@dataclass(frozen=True)
class Policy:
    name: str
    status: str
    criteria: tuple[Criterion, ...]
    advice: tuple[Rule, ...]
    path: str


def load_policy(path: Path | str | None = None, catalogue: Catalogue | None = None) -> Policy:
    """Read and validate a policy file (default: the shipped policy)."""
    catalogue = catalogue or default_catalogue()
    file = Path(path) if path else data_dir() / "presumed_victim_policy.yaml"
    check = Checker(str(file), catalogue.sources)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{file}: cannot be read: {exc}") from exc
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("criteria"), list)
        or not raw["criteria"]
    ):
        raise CatalogueError(f"{file}: needs a non-empty list `criteria`")
    vocabulary = catalogue.vocabulary - {"presumed_victim"}
    criteria = []
    seen: set[str] = set()
    for index, row in enumerate(raw["criteria"], start=1):
        if not isinstance(row, dict) or "id" not in row or "when" not in row:
            raise check.fail(f"criterion {index}", "needs an id and a `when` condition")
        if row["id"] in seen:
            raise check.fail(str(row["id"]), "duplicate id")
        seen.add(row["id"])
        rule = make_rule(
            check, str(row["id"]), {"status": raw.get("status", "tiphub_interpretation"), **row}
        )
        validate_names(check, rule.id, rule, vocabulary)
        criteria.append(Criterion(rule, bool(row.get("manual_review", False))))
    advice = []
    for index, row in enumerate(raw.get("advice") or [], start=1):
        rule = make_rule(check, f"advice {index}", {"id": f"advice-{index}", **row})
        validate_names(check, rule.id, rule, catalogue.vocabulary)
        advice.append(rule)
    return Policy(
        name=str(raw.get("policy", file.stem)),
        status=check.status("policy", raw.get("status", "tiphub_interpretation")),
        criteria=tuple(criteria),
        advice=tuple(advice),
        path=str(file),
    )


@cache
def default_policy() -> Policy:
    return load_policy()
