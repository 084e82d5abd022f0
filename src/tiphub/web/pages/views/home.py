"""The landing page: what this installation holds and which pipeline stages it has.

Agencies, records per agency and year of identification (within the user's statistical scope,
through the minimum-cell rule for aggregate-only roles), and the stages installed. Like every
page it needs a login (the site is deny-by-default); it reveals no record-level data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiphub.web.accounts import policy
from tiphub.web.pages.stages import stage_rows


def suppress_table(
    counts: dict[tuple[str, int | None], int], threshold: int
) -> set[tuple[str, int | None]]:
    """Cells to hide in an agency x year table shown with row and column totals.

    Primary: every count from 1 to threshold-1. Secondary: a row or column with exactly one
    hidden cell also hides its smallest other non-zero cell, repeated until stable, so that no
    hidden count equals a shown total minus shown cells (privacy-requirements B1.1, B1.2).
    """
    hidden = {cell for cell, n in counts.items() if 0 < n < threshold}
    lines: dict[tuple[str, Any], list[tuple[str, int | None]]] = {}
    for cell in counts:
        lines.setdefault(("row", cell[0]), []).append(cell)
        lines.setdefault(("col", cell[1]), []).append(cell)
    changed = True
    while changed:
        changed = False
        for cells in lines.values():
            nonzero = [c for c in cells if counts[c] > 0]
            if sum(1 for c in nonzero if c in hidden) == 1:
                others = sorted((counts[c], str(c)) for c in nonzero if c not in hidden)
                if others:
                    smallest = next(c for c in nonzero if str(c) == others[0][1])
                    hidden.add(smallest)
                    changed = True
    return hidden


def _display(n: int, hide: bool, threshold: int) -> str:
    return f"<{threshold}" if hide else str(n)


def agency_year_table(user: Any) -> dict[str, Any]:
    """Records per agency and year in the user's statistical scope (suppressed when needed)."""
    records = policy.statistics_records(user)
    rows = records.values("agency__code", "year").annotate(n=Count("pk"))
    counts = {(r["agency__code"], r["year"]): int(r["n"]) for r in rows}
    agencies = sorted({agency for agency, _ in counts})
    years = sorted({year for _, year in counts}, key=lambda y: (y is None, y or 0))
    protected = policy.needs_min_cell(user)
    threshold = policy.min_cell()
    hidden = suppress_table(counts, threshold) if protected else set()

    def total_display(n: int) -> str:
        return _display(n, protected and 0 < n < threshold, threshold)

    table = []
    for agency in agencies:
        cells = [
            _display(counts.get((agency, year), 0), (agency, year) in hidden, threshold)
            for year in years
        ]
        total = sum(counts.get((agency, year), 0) for year in years)
        table.append({"agency": agency, "cells": cells, "total": total_display(total)})
    column_totals = [total_display(sum(counts.get((a, y), 0) for a in agencies)) for y in years]
    grand = sum(counts.values())
    return {
        "years": years,
        "rows": table,
        "column_totals": column_totals,
        "total": total_display(grand),
        "stored": grand,
        "min_cell": threshold if protected else None,
        "has_scope": policy.can(user, "stats.view"),
    }


def home(request: HttpRequest) -> HttpResponse:
    """What was loaded: agencies, records per agency and year, available stages."""
    from tiphub.web.registry.models import Agency

    user = request.user
    agencies = Agency.objects.none()
    if policy.can(user, "agency.view"):
        agencies = Agency.objects.annotate(last_submission=Max("submissions__created_at")).order_by(
            "code"
        )
    table = agency_year_table(user)
    context = {
        "agencies": agencies,
        "table": table,
        "stages": stage_rows(table["total"] if table["has_scope"] else None, user),
    }
    return render(request, "pages/home.html", context)
