"""The "Screening" panel of a record's page: which screening made the record and why.

A record imported from a field form keeps its `ScreeningOutcome` (indicator ids, verdicts, the
presumed-victim criteria met, the policy and catalogue versions; nothing identifying). The panel
names each indicator in the user's language, with the catalogue's verification mark.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from tiphub.screening import default_catalogue

register = template.Library()

OUTCOMES = ("trafficking", "forced_labour", "smuggling", "presumed_victim")


@register.inclusion_tag("screening/_record_panel.html")
def screening_panel(record: Any) -> dict[str, Any]:
    screenings = list(record.screenings.all()) if record is not None else []
    if not screenings:
        return {"screenings": []}
    catalogue = default_catalogue()
    lang = (translation.get_language() or "en")[:2]
    rows = []
    for outcome in screenings:
        indicators = [
            {
                "id": item,
                "label": catalogue.label_of(item, lang) if catalogue.is_known_id(item) else item,
                "unverified": catalogue.is_known_id(item)
                and catalogue.status_of(item) == "recalled_unverified",
            }
            for item in outcome.indicators
        ]
        rows.append(
            {
                "outcome": outcome,
                "indicators": indicators,
                "verdicts": [(name, outcome.verdicts.get(name, "")) for name in OUTCOMES],
            }
        )
    return {"screenings": rows}
