"""The national report: HTML (Jinja2) with embedded charts, and PDF through WeasyPrint.

Everything shown comes from the `Publication` (protected figures only). Charts are embedded as
SVG data URIs so the HTML file is self-contained and works offline.
"""

from __future__ import annotations

import base64
import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tiphub.exchange import charts, summary
from tiphub.exchange.publication import Publication

SEX = {"F": "Female", "M": "Male", "_O": "Other", "_U": "Unknown"}
AGE = {"Y0T17": "Children (0-17)", "Y_GE18": "Adults (18+)", "_U": "Age unknown"}
SDG_COLUMN_NAMES = ["Total", "Female", "Male", "Children", "Adults"]


def _uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _fmt(v: Any, decimals: int = 0) -> str:
    if v is None or v != v:  # None or NaN
        return ""
    return f"{float(v):,.{decimals}f}"


def _text(fig: summary.Figure, decimals: int = 0) -> str:
    """A figure as the report prints it: grouped digits, or its published text."""
    return fig.display if fig.value is None else _fmt(fig.value, decimals)


def context(pub: Publication) -> dict[str, Any]:
    year = pub.year
    reg = pub.registry
    c: dict[str, str] = {}
    points = summary.trend(pub)
    target = summary.headline_target(pub)
    c["trend"] = _uri(
        charts.trend(
            pub.years,
            [p.figure.value for p in points],
            [_text(p.figure) for p in points],
            {
                p.year: (p.estimate.total, p.estimate.low, p.estimate.high)
                for p in points
                if p.estimate
            },
            (target.target_year, target.target_value) if target else None,
        )
    )
    series: dict[str, list[float | None]] = {}
    displays: dict[str, list[str]] = {}
    for sex_code in ("F", "M"):
        figs = [
            summary.figure(pub, summary.HEADLINE, year, f"sex={sex_code}|age_group={age_code}")
            for age_code in AGE
        ]
        series[SEX[sex_code]] = [f.value for f in figs]
        displays[SEX[sex_code]] = [_text(f) for f in figs]
    c["sex_age"] = _uri(
        charts.bars(
            list(AGE.values()), series, displays, f"Detected victims by sex and age, {year}"
        )
    )
    form_names = {
        "VC_HTF_DETVSX": "Sexual exploitation",
        "VC_HTF_DETVFL": "Forced labour",
        "VC_HTF_DETVOG": "Removal of organs",
        "VC_HTF_DETVOP": "Other purposes",
    }
    form_figs = [summary.figure(pub, ind, year) for ind in form_names]
    c["forms"] = _uri(
        charts.bars(
            list(form_names.values()),
            {"victims": [f.value for f in form_figs]},
            {"victims": [_text(f) for f in form_figs]},
            f"Detected victims by form of exploitation, {year} (not exclusive)",
        )
    )
    estimate = None
    est = summary.estimate(pub, year)
    if est is not None:
        c["estimate"] = _uri(
            charts.estimate(est.observed.value, est.total, est.low, est.high, est.level)
        )
        estimate = {
            "total": _fmt(est.total),
            "low": _fmt(est.low),
            "high": _fmt(est.high),
            "level": f"{est.level:.0%}",
            "observed": _text(est.observed),
            "method": est.method or "log-linear model",
        }
    target_rows: list[dict[str, str]] = []
    for tp in summary.target_progress(pub, year):
        t = tp.target
        label = tp.label
        if t.disaggregation:
            label += " (" + ", ".join(f"{k} {v}" for k, v in t.disaggregation.items()) + ")"
        target_rows.append(
            {
                "label": label,
                "baseline": f"{_fmt(t.baseline_value)} ({t.baseline_year})",
                "current": _text(tp.current),
                "target": f"{_fmt(t.target_value)} ({t.target_year})",
                "progress": "suppressed" if tp.progress is None else f"{tp.progress:.0%}",
                "source": t.source,
            }
        )
    progress = summary.target_progress(pub, year)
    if progress:
        c["progress"] = _uri(
            charts.progress(
                [r["label"][:48] for r in target_rows], [tp.progress for tp in progress]
            )
        )
    sdg_rows = [
        {"name": f"{row.key}: {row.label}", "cols": [_text(f) for f in row.cells]}
        for row in summary.sdg_table(pub, year)
    ]
    rate_rows = [
        {"name": row.label, "cols": [f.display for f in row.cells]}
        for row in summary.sdg_table(pub, year, rates=True)
    ]
    citizenship_rows = [
        (row.key, _text(row.cells[0]))
        for row in summary.crosstab(pub, "GLOTIP_CITIZENSHIP", "citizenship", ("",), year)
    ]
    plan = pub.plan.action_plan
    pillars = {p.id: p.name for p in pub.gpa.pillars.values()}
    pillar_rows = [
        {
            "name": p.pillar.name,
            "total": len(p.measures),
            "completed": p.completed,
            "in_progress": p.in_progress,
            "behind": p.behind,
        }
        for p in summary.pillars(pub)
    ]
    programmes = []
    for prog in pub.plan.programmes:
        rows = [
            {
                "level": node.node.level,
                "text": node.node.text,
                "indicator": rf.indicator.name,
                "baseline": _fmt(rf.indicator.baseline),
                "target": _fmt(rf.indicator.target),
                "actual": _text(rf.actual),
                "progress": "" if rf.progress is None else f"{rf.progress:.0%}",
            }
            for node in summary.results_chain(pub, prog, year)
            for rf in node.indicators
        ]
        programmes.append(
            {
                "title": prog.title,
                "period": prog.period,
                "implementer": prog.implementer,
                "icat_activity_types": prog.icat_activity_types,
                "rows": rows,
            }
        )
    head = summary.headline(pub, year)
    tiles = [
        {"value": _text(head.detected), "label": f"detected victims, {year}"},
        {"value": head.rate.display, "label": "per 100,000 population (SDG 16.2.2)"},
        {"value": _text(head.children), "label": "child victims"},
    ]
    if estimate:
        tiles.append(
            {
                "value": estimate["total"],
                "label": f"estimated total ({estimate['level']} CI "
                f"{estimate['low']}-{estimate['high']})",
            }
        )
    rep = pub.report
    return {
        "title": f"Trafficking in persons: national indicators {year}",
        "country": pub.plan.country.name,
        "year": year,
        "registry_version": reg.version,
        "generated": dt.date.today().isoformat(),
        "tiles": tiles,
        "charts": c,
        "sdg_columns": SDG_COLUMN_NAMES,
        "sdg_rows": sdg_rows,
        "rate_columns": SDG_COLUMN_NAMES,
        "rate_rows": rate_rows,
        "citizenship_rows": citizenship_rows,
        "estimate": estimate,
        "target_rows": target_rows,
        "plan": plan,
        "pillars": pillars,
        "pillar_rows": pillar_rows,
        "programmes": programmes,
        "unduplicated": pub.unduplicated,
        "min_cell": pub.policy.min_cell,
        "primary_label": rep["policy"]["primary_label"],
        "required_width": rep["policy"]["required_interval_width"],
        "n_primary": rep["cells"]["primary"],
        "n_secondary": rep["cells"]["secondary"],
        "nil": summary.NIL,
        "sources": "; ".join(sorted({i.source for i in reg.agreed()})),
    }


def render_html(pub: Publication) -> str:
    env = Environment(
        loader=FileSystemLoader(str(resources.files("tiphub.exchange") / "templates")),
        autoescape=select_autoescape(["html"]),
    )
    return env.get_template("report.html").render(**context(pub))


def write_report(pub: Publication, out: Path) -> None:
    """Write the report as HTML or PDF, chosen by the file's suffix."""
    html = render_html(pub)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in (".html", ".htm"):
        out.write_text(html, encoding="utf-8")
        return
    if out.suffix.lower() != ".pdf":
        raise ValueError(f"{out}: the report is written as .pdf or .html")
    from weasyprint import HTML

    HTML(string=html).write_pdf(str(out))
