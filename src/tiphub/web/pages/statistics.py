"""Aggregate counts of victim records for the dashboard and `/api/v1/statistics/`.

One service function, `record_counts(user)`, feeds both the page and the API so they can never
disagree. Counts are taken over `policy.statistics_records(user)`: an agency's staff count their
own agency; national aggregate-only roles count every agency, and for them each count goes
through the minimum-cell rule (privacy-requirements B1.1, T = settings.TIPHUB_MIN_CELL, 11):
a count from 1 to T-1 is suppressed, and when only one cell of a breakdown is suppressed the next
smallest is suppressed too, so that the hidden one cannot be recovered from the total (B1.2).
Full statistical disclosure control of publications is `tiphub.disclosure`'s job; this is the
guard for the interactive pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tiphub.web.accounts import policy

SEX_LABELS = {"F": _("Female"), "M": _("Male"), "_O": _("Other"), "_U": _("Unknown")}
AGE_LABELS = {"Y0T17": _("Child (0-17)"), "Y_GE18": _("Adult (18+)"), "_U": _("Unknown")}
FORMS = {
    "form_sexual": _("Sexual exploitation"),
    "form_labour": _("Forced labour, slavery, servitude"),
    "form_organ": _("Organ removal"),
    "form_other": _("Other purposes"),
}
DIMENSIONS = {
    "agency": _("Records by agency"),
    "year": _("Records by year of identification"),
    "sex": _("Records by sex"),
    "age_group": _("Records by age group"),
    "form": _("Records by form of exploitation"),
}


@dataclass
class Cell:
    """One count; `count` is None when suppressed (then `display` says '<T')."""

    key: str
    label: str
    count: int | None
    display: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": str(self.label),
            "count": self.count,
            "display": self.display,
        }


def _raw_counts(records: Any) -> dict[str, list[tuple[str, str, int]]]:
    """(key, label, count) per dimension, straight from the database (a few GROUP BYs)."""
    by_agency = records.values("agency__code", "agency__name").annotate(n=Count("pk"))
    by_year = records.values("year").annotate(n=Count("pk")).order_by("year")
    by_sex = records.values("sex").annotate(n=Count("pk")).order_by("sex")
    by_age = records.values("age_group").annotate(n=Count("pk")).order_by("age_group")
    forms = records.aggregate(**{name: Count("pk", filter=Q(**{name: True})) for name in FORMS})
    return {
        "agency": sorted(
            (r["agency__code"], r["agency__name"] or r["agency__code"], r["n"]) for r in by_agency
        ),
        "year": [
            (
                str(r["year"]) if r["year"] else "_U",
                str(r["year"]) if r["year"] else str(_("Unknown")),
                r["n"],
            )
            for r in by_year
        ],
        "sex": [
            (r["sex"] or "_U", str(SEX_LABELS.get(r["sex"], r["sex"])), r["n"]) for r in by_sex
        ],
        "age_group": [
            (r["age_group"] or "_U", str(AGE_LABELS.get(r["age_group"], r["age_group"])), r["n"])
            for r in by_age
        ],
        "form": [(name[5:], str(label), int(forms[name] or 0)) for name, label in FORMS.items()],
    }


def suppress(rows: list[tuple[str, str, int]], threshold: int) -> list[Cell]:
    """Apply the minimum-cell rule, with the secondary suppression described above."""
    hidden = {key for key, _label, n in rows if 0 < n < threshold}
    if len(hidden) == 1:
        candidates = sorted((n, key) for key, _label, n in rows if n > 0 and key not in hidden)
        if candidates:
            hidden.add(candidates[0][1])
    return [
        Cell(key, label, None, f"<{threshold}") if key in hidden else Cell(key, label, n, str(n))
        for key, label, n in rows
    ]


def record_counts(user: Any) -> dict[str, Any]:
    """The dashboard's numbers for `user`: total and one breakdown per dimension."""
    records = policy.statistics_records(user)
    raw = _raw_counts(records)
    total = sum(n for _key, _label, n in raw["sex"])
    protected = policy.needs_min_cell(user)
    threshold = policy.min_cell()
    breakdowns: dict[str, list[Cell]] = {}
    for dimension, rows in raw.items():
        if protected:
            breakdowns[dimension] = suppress(rows, threshold)
        else:
            breakdowns[dimension] = [Cell(k, label, n, str(n)) for k, label, n in rows]
    total_cell = (
        Cell("total", str(_("Total")), None, f"<{threshold}")
        if protected and 0 < total < threshold
        else Cell("total", str(_("Total")), total, str(total))
    )
    return {
        "total": total_cell,
        "breakdowns": breakdowns,
        "min_cell": threshold if protected else None,
        "scope": "national"
        if (role := policy.role_of(user)) and role.scope == "national"
        else "agency",
    }
