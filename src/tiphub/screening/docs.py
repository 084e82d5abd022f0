"""Markdown tables of the catalogues and their verification status, generated from the data.

`docs/screening-catalogue.md` is this module's output (`tiphub screen-catalogue --markdown`), and
the summary table in `docs/screening.md` comes from `verification_summary()`; a test checks both
are current, so the documentation can never drift from what the engine uses.
"""

from __future__ import annotations

from collections import Counter

from tiphub.screening.catalogue import STATUS_WORDS, Catalogue, text_in


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [_row(header), _row(["---"] * len(header))] + [_row(r) for r in rows]
    return "\n".join(lines)


def verification_summary(catalogue: Catalogue) -> str:
    """One table: every part of the catalogue, how many items per verification status."""
    rows: list[list[str]] = []
    for s in catalogue.sets:
        counts = Counter(i.status for i in catalogue.set_indicators(s.code))
        detail = ", ".join(f"{n} {STATUS_WORDS[k]}" for k, n in sorted(counts.items()))
        rows.append(
            [
                f"ILO/EC {s.key} ({s.code})",
                str(s.indicator_count),
                detail,
                ", ".join(s.checked_against) or "-",
            ]
        )
    for group, words in (
        ("IV", "involuntary work"),
        ("TP", "threat of penalty"),
        ("CH", "children"),
    ):
        elements = [e for e in catalogue.icls_elements.values() if e.group == group]
        counts = Counter(e.status for e in elements)
        checked = sorted({c for e in elements for c in e.checked_against})
        detail = ", ".join(f"{n} {STATUS_WORDS[k]}" for k, n in sorted(counts.items()))
        rows.append(
            [f"ICLS 2018 {words} ({group})", str(len(elements)), detail, ", ".join(checked)]
        )
    for form in catalogue.other_forms:
        rows.append(
            [f"Other forms: {form.key}", str(len(form.indicators)), STATUS_WORDS[form.status], "-"]
        )
    rows.append(
        [
            "ILO/EC dimension rule",
            "1",
            STATUS_WORDS[catalogue.dimension_rule_status],
            "delphi_crosswalk",
        ]
    )
    for outcome, rules in catalogue.outcome_rules.items():
        for rule in rules.values():
            rows.append(
                [
                    f"Rule {rule.id} ({outcome})",
                    "1",
                    STATUS_WORDS[rule.status],
                    ", ".join(rule.checked_against) or "-",
                ]
            )
    rows.append(
        [
            "Trafficking vs smuggling decision table",
            str(len(catalogue.decision_table)),
            "reconstructed (order fixed)",
            "smuggling_protocol, tip_protocol",
        ]
    )
    for fact in catalogue.facts.values():
        rows.append(
            [f"Context fact {fact.key}", "1", STATUS_WORDS[fact.status], fact.source or "-"]
        )
    return _table(["part", "items", "verification status", "checked against"], rows)


def catalogue_tables(catalogue: Catalogue, set_key: str | None = None) -> str:
    """Every indicator with its strength, status, sources and reviewer's note (Markdown)."""
    parts = [
        "# Screening catalogue: every item and its verification status",
        "",
        "Generated from `src/tiphub/screening/data/` by `tiphub screen-catalogue --markdown`; "
        "do not edit by hand. Statuses and sources: see docs/screening.md. "
        f"Catalogue version `{catalogue.version}`.",
        "",
    ]
    sets = [catalogue.indicator_set(set_key)] if set_key else list(catalogue.sets)
    for s in sets:
        parts += [f"## {text_in(s.label)} (`{s.key}`, {s.code}): {STATUS_WORDS[s.status]}", ""]
        rows = []
        for dim in catalogue.dimensions:
            for i in catalogue.set_indicators(s.code, dim.code):
                rows.append(
                    [
                        i.id,
                        dim.code,
                        text_in(i.label),
                        i.strength,
                        STATUS_WORDS[i.status],
                        ", ".join(i.checked_against) or "-",
                        i.note or "",
                    ]
                )
        parts += [
            _table(["id", "dim", "label", "strength", "status", "checked against", "note"], rows),
            "",
        ]
    if set_key is None:
        parts += ["## ICLS 2018 forced-labour elements", ""]
        rows = [
            [
                e.id,
                e.group,
                text_in(e.label),
                STATUS_WORDS[e.status],
                ", ".join(e.checked_against),
                e.note or "",
            ]
            for e in catalogue.icls_elements.values()
        ]
        parts += [_table(["id", "group", "label", "status", "checked against", "note"], rows), ""]
        parts += ["## Other forms of trafficking (manual review only)", ""]
        rows = [
            [i.id, f.key, i.element, text_in(i.label), STATUS_WORDS[i.status]]
            for f in catalogue.other_forms
            for i in f.indicators
        ]
        parts += [_table(["id", "form", "element", "label", "status"], rows), ""]
        parts += ["## Sources", ""]
        rows = [
            [s.id, " ".join(s.citation.split()), " ".join(s.read.split())]
            for s in catalogue.sources.values()
        ]
        parts += [_table(["id", "citation", "what was read"], rows), ""]
    return "\n".join(parts)
