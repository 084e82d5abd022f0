"""The national report: HTML (Jinja2) with embedded charts, and PDF through WeasyPrint.

Everything shown comes from the `Publication` (protected figures only). Charts are embedded as
SVG data URIs so the HTML file is self-contained and works offline.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tiphub.exchange import charts
from tiphub.exchange.publication import Publication

SEX = {"F": "Female", "M": "Male", "_O": "Other", "_U": "Unknown"}
AGE = {"Y0T17": "Children (0-17)", "Y_GE18": "Adults (18+)", "_U": "Age unknown"}


def _uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _fmt(v: Any, decimals: int = 0) -> str:
    if v is None or v != v:  # None or NaN
        return ""
    return f"{float(v):,.{decimals}f}"


def _cell(pub: Publication, year: int, indicator: str, dis: str = "") -> tuple[float | None, str]:
    rec = pub.value(indicator, year, dis)
    if rec is None:
        return 0.0, "0"
    value = rec["value"]
    if value is None or value != value:
        return None, str(rec["display"])
    return float(value), _fmt(value, 0 if rec["kind"] == "count" else 2)


def context(pub: Publication) -> dict[str, Any]:
    year = pub.year
    reg = pub.registry
    est_by_year = {
        (e.year if e.year is not None else year): (e.total, e.ci_low, e.ci_high)
        for e in pub.estimates
    }
    trend_vals, trend_labels = [], []
    for y in pub.years:
        v, d = _cell(pub, y, "VC_HTF_DETV")
        trend_vals.append(v)
        trend_labels.append(d)
    headline_target = next(
        (t for t in pub.plan.targets if t.indicator == "VC_HTF_DETV" and not t.disaggregation),
        None,
    )
    c: dict[str, str] = {}
    c["trend"] = _uri(
        charts.trend(
            pub.years,
            trend_vals,
            trend_labels,
            {y: v for y, v in est_by_year.items() if y in pub.years},
            (headline_target.target_year, headline_target.target_value)
            if headline_target
            else None,
        )
    )
    cats: list[str] = []
    series: dict[str, list[float | None]] = {}
    displays: dict[str, list[str]] = {}
    cats.extend(AGE.values())
    for sex_code in ("F", "M"):
        vals, ds = [], []
        for age_code in AGE:
            v, d = _cell(pub, year, "VC_HTF_DETV", f"sex={sex_code}|age_group={age_code}")
            vals.append(v)
            ds.append(d)
        series[SEX[sex_code]] = vals
        displays[SEX[sex_code]] = ds
    c["sex_age"] = _uri(
        charts.bars(cats, series, displays, f"Detected victims by sex and age, {year}")
    )
    form_ids = [
        ("VC_HTF_DETVSX", "Sexual exploitation"),
        ("VC_HTF_DETVFL", "Forced labour"),
        ("VC_HTF_DETVOG", "Removal of organs"),
        ("VC_HTF_DETVOP", "Other purposes"),
    ]
    fv, fd = [], []
    for ind, _ in form_ids:
        v, d = _cell(pub, year, ind)
        fv.append(v)
        fd.append(d)
    c["forms"] = _uri(
        charts.bars(
            [n for _, n in form_ids],
            {"victims": fv},
            {"victims": fd},
            f"Detected victims by form of exploitation, {year} (not exclusive)",
        )
    )
    estimate = None
    est = pub.value("MSE_TOTAL", year)
    if est is not None:
        e = next(e for e in pub.estimates if (e.year if e.year is not None else year) == year)
        observed = (
            None
            if est["numerator"] is None or est["numerator"] != est["numerator"]
            else float(est["numerator"])
        )
        c["estimate"] = _uri(charts.estimate(observed, e.total, e.ci_low, e.ci_high, e.ci_level))
        estimate = {
            "total": _fmt(e.total),
            "low": _fmt(e.ci_low),
            "high": _fmt(e.ci_high),
            "level": f"{e.ci_level:.0%}",
            "observed": _fmt(observed)
            if observed is not None
            else pub.report["policy"]["primary_label"],
            "method": e.ci_method or "log-linear model",
        }
    target_rows: list[dict[str, str]] = []
    labels: list[str] = []
    shares: list[float | None] = []
    for t in pub.plan.targets:
        dis = "|".join(
            f"{k}={v}"
            for k, v in sorted(
                t.disaggregation.items(), key=lambda kv: list(reg.dimensions).index(kv[0])
            )
        )
        current, display = _cell(pub, year, t.indicator, dis)
        share = None if current is None else t.progress(current)
        label = reg.indicators[t.indicator].name if t.indicator in reg.indicators else t.indicator
        if t.disaggregation:
            label += " (" + ", ".join(f"{k} {v}" for k, v in t.disaggregation.items()) + ")"
        target_rows.append(
            {
                "label": label,
                "baseline": f"{_fmt(t.baseline_value)} ({t.baseline_year})",
                "current": display,
                "target": f"{_fmt(t.target_value)} ({t.target_year})",
                "progress": "suppressed" if share is None else f"{share:.0%}",
                "source": t.source,
            }
        )
        labels.append(label[:48])
        shares.append(share)
    if target_rows:
        c["progress"] = _uri(charts.progress(labels, shares))
    sdg_columns = ["Total", "Female", "Male", "Children", "Adults"]
    dis_cols = ["", "sex=F", "sex=M", "age_group=Y0T17", "age_group=Y_GE18"]
    sdg_rows = []
    for ind in ("VC_HTF_DETV", "VC_HTF_DETVSX", "VC_HTF_DETVFL", "VC_HTF_DETVOG", "VC_HTF_DETVOP"):
        if ind in reg.indicators:
            sdg_rows.append(
                {
                    "name": f"{ind}: {reg.indicators[ind].name}",
                    "cols": [_cell(pub, year, ind, d)[1] for d in dis_cols],
                }
            )
    rate_rows = []
    if pub.population is not None:
        for ind in ("DETV_RATE", "DETVSX_RATE", "DETVFL_RATE", "DETVOG_RATE", "DETVOP_RATE"):
            if ind in reg.indicators:
                cells_text: list[str] = []
                for d in dis_cols:
                    rec = pub.value(ind, year, d)
                    cells_text.append("" if rec is None else str(rec["display"]))
                rate_rows.append({"name": reg.indicators[ind].name, "cols": cells_text})
    cit = pub.cells.published()
    cit = cit[(cit["year"] == year) & (cit["citizenship"] != "_T")]
    others = [d for d in pub.cells.dims if d != "citizenship"]
    cit = cit[(cit[others] == "_T").all(axis=1)] if others else cit
    citizenship_rows = sorted(
        ((str(r["citizenship"]), str(r["display"])) for r in cit.to_dict("records")),
        key=lambda x: x[0],
    )
    plan = pub.plan.action_plan
    pillars = {p.id: p.name for p in pub.gpa.pillars.values()}
    pillar_rows = []
    for pid, name in pillars.items():
        ms = [m for m in (plan.measures if plan else ()) if m.gpa_pillar == pid]
        st = Counter(m.status for m in ms)
        pillar_rows.append(
            {
                "name": name,
                "total": len(ms),
                "completed": st["completed"],
                "in_progress": st["in_progress"],
                "behind": st["delayed"] + st["not_started"],
            }
        )
    programmes = []
    for prog in pub.plan.programmes:
        rows = []
        for node in prog.results:
            for ri in node.indicators:
                actual = ri.actual
                if ri.registry_indicator:
                    actual, _ = _cell(pub, year, ri.registry_indicator)
                share = None
                if actual is not None:
                    span = ri.target - ri.baseline
                    share = 1.0 if span == 0 else (actual - ri.baseline) / span
                rows.append(
                    {
                        "level": node.level,
                        "text": node.text,
                        "indicator": ri.name,
                        "baseline": _fmt(ri.baseline),
                        "target": _fmt(ri.target),
                        "actual": "" if actual is None else _fmt(actual),
                        "progress": "" if share is None else f"{share:.0%}",
                    }
                )
        programmes.append(
            {
                "title": prog.title,
                "period": prog.period,
                "implementer": prog.implementer,
                "icat_activity_types": prog.icat_activity_types,
                "rows": rows,
            }
        )
    _, total_d = _cell(pub, year, "VC_HTF_DETV")
    rate = pub.value("DETV_RATE", year)
    _, children_d = _cell(pub, year, "VC_HTF_DETV", "age_group=Y0T17")
    tiles = [
        {"value": total_d, "label": f"detected victims, {year}"},
        {
            "value": "" if rate is None else str(rate["display"]),
            "label": "per 100,000 population (SDG 16.2.2)",
        },
        {"value": children_d, "label": "child victims"},
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
        "sdg_columns": sdg_columns,
        "sdg_rows": sdg_rows,
        "rate_columns": sdg_columns,
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
