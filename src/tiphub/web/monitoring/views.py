"""The indicator pages: tiles, trends, targets, plans, downloads, and the statistician's inputs.

Every view starts with `policy.require(user, <action>)` (deny by default):
`indicators.view` for the pages and `indicators.export` for the files (the national
statistician and the agencies' supervisors), `indicators.manage` for the inputs and for
computing a release (the statistician). Nobody sees an identity here: the pages read only the
latest release, whose figures all passed disclosure control (`tiphub.web.monitoring.services`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tiphub.web.accounts import policy
from tiphub.web.monitoring import services
from tiphub.web.monitoring.models import Release
from tiphub.web.pages.statistics import AGE_LABELS, FORMS, SEX_LABELS, Cell

if TYPE_CHECKING:
    from tiphub.exchange.publication import Publication

# `tiphub.exchange` (pandas, DuckDB, SciPy) is imported inside the views, not here: URL
# resolution imports this module on the first request of every page of the site.

SDG_COLUMN_LABELS = (
    gettext_lazy("Total"),
    gettext_lazy("Female"),
    gettext_lazy("Male"),
    gettext_lazy("Children (0-17)"),
    gettext_lazy("Adults (18+)"),
)
FORM_LABELS = {flag.removeprefix("form_"): label for flag, label in FORMS.items()}
MEASURE_STATUS_LABELS = {
    "not_started": gettext_lazy("not started"),
    "in_progress": gettext_lazy("in progress"),
    "completed": gettext_lazy("completed"),
    "delayed": gettext_lazy("delayed"),
    "cancelled": gettext_lazy("cancelled"),
}
RESULT_LEVEL_LABELS = {
    "impact": gettext_lazy("Impact"),
    "outcome": gettext_lazy("Outcome"),
    "output": gettext_lazy("Output"),
    "activity": gettext_lazy("Activity"),
}
DOWNLOADS = (
    ("sdmx-v2", "monitoring:download-sdmx-v2", gettext_lazy("SDG 16.2.2 as SDMX-CSV 2.0")),
    ("sdmx-v1", "monitoring:download-sdmx-v1", gettext_lazy("SDG 16.2.2 as SDMX-CSV 1.0")),
    ("dhis2", "monitoring:download-dhis2", gettext_lazy("All indicators as DHIS2 JSON")),
    ("glotip", "monitoring:download-glotip", gettext_lazy("GLOTIP workbook (XLSX)")),
    ("report-pdf", "monitoring:download-report-pdf", gettext_lazy("National report (PDF)")),
    ("report-html", "monitoring:download-report-html", gettext_lazy("National report (HTML)")),
    (
        "release-report",
        "monitoring:download-release-report",
        gettext_lazy("Disclosure-control report (JSON)"),
    ),
)


def _label(dimension: str, option: str) -> str:
    if dimension == "sex":
        return str(SEX_LABELS.get(option, option))
    if dimension == "age_group":
        return str(AGE_LABELS.get(option, option))
    if dimension == "form":
        return str(FORM_LABELS.get(option, option))
    if option == "_U":
        return _("Unknown")
    return option


def _bar(key: str, label: str, fig: Any) -> Cell:
    """A published count as a cell of the layout's bar chart (a nil count draws as zero)."""
    count = None if fig.suppressed else int(fig.value or 0)
    return Cell(key, label, count, fig.display)


def _year(request: HttpRequest, pub: Publication) -> int:
    """The year asked for (`?year=`) if the release has it, else the reference year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return pub.year
    return year if year in pub.years else pub.year


def _context(request: HttpRequest, page: str) -> tuple[dict[str, Any], Publication | None]:
    """What every indicator page shows: the release, its year, whether it is out of date."""
    from tiphub.exchange import summary

    release = services.latest_release()
    context: dict[str, Any] = {
        "page": page,
        "release": release,
        "can_manage": policy.can(request.user, "indicators.manage"),
        "can_export": policy.can(request.user, "indicators.export"),
        "nil": summary.NIL,
    }
    if release is None:
        return context, None
    pub = services.publication(release)
    year = _year(request, pub)
    context.update(
        pub=pub,
        year=year,
        years=pub.years,
        stale=services.is_stale(release),
        primary_label=pub.report["policy"]["primary_label"],
        country=pub.plan.country,
    )
    return context, pub


def _page(request: HttpRequest, page: str, template: str, fill: Any) -> HttpResponse:
    """Render an indicator page: the common context, and `fill(pub, year)` when a release exists
    (the caller has checked `indicators.view`)."""
    context, pub = _context(request, page)
    if pub is not None:
        context.update(fill(pub, context["year"]))
    return render(request, template, context)


def index(request: HttpRequest) -> HttpResponse:
    """Tiles (SDG 16.2.2 counts and rates, the MSE estimate) and the GLOTIP breakdowns."""
    policy.require(request.user, "indicators.view")
    from tiphub.exchange import summary

    def fill(pub: Publication, year: int) -> dict[str, Any]:
        head = summary.headline(pub, year)
        forms_rows = summary.crosstab(pub, "GLOTIP_FORM", "form", summary.SDG_COLUMNS, year)
        sex_age = summary.crosstab(
            pub, summary.HEADLINE, "sex", ("", "age_group=Y0T17", "age_group=Y_GE18"), year
        )
        citizenship = summary.crosstab(pub, "GLOTIP_CITIZENSHIP", "citizenship", ("",), year)
        region = summary.crosstab(pub, "VICTIMS_REGION", "region", ("",), year)
        for rows, dim in ((forms_rows, "form"), (sex_age, "sex")):
            rows[:] = [summary.Row(r.key, _label(dim, r.key), r.cells) for r in rows]
        return {
            "head": head,
            "sdg_rows": summary.sdg_table(pub, year),
            "rate_rows": summary.sdg_table(pub, year, rates=True),
            "columns": SDG_COLUMN_LABELS,
            "form_rows": forms_rows,
            "form_bars": [_bar(r.key, r.label, r.cells[0]) for r in forms_rows],
            "sex_age_rows": sex_age,
            "sex_age_columns": (_("Total"), AGE_LABELS["Y0T17"], AGE_LABELS["Y_GE18"]),
            "citizenship_rows": [
                summary.Row(r.key, _label("citizenship", r.key), r.cells) for r in citizenship
            ],
            "region_rows": [summary.Row(r.key, _label("region", r.key), r.cells) for r in region],
        }

    return _page(request, "index", "monitoring/index.html", fill)


def trends(request: HttpRequest) -> HttpResponse:
    """Detected victims by year, with the estimates' intervals and the target; forms; rates."""
    policy.require(request.user, "indicators.view")
    from tiphub.exchange import summary

    def fill(pub: Publication, year: int) -> dict[str, Any]:
        points = summary.trend(pub)
        target = summary.headline_target(pub)
        forms_series = [
            (str(FORM_LABELS[form]), [p.figure for p in summary.trend(pub, indicator)])
            for form, indicator in summary.FORM_SERIES.items()
        ]
        rate_points = summary.trend(pub, "DETV_RATE") if pub.population is not None else []
        return {
            "points": points,
            "headline_series": [(_("Detected victims"), [p.figure for p in points])],
            "estimates": {
                p.year: (p.estimate.total, p.estimate.low, p.estimate.high)
                for p in points
                if p.estimate
            },
            "target": (
                (
                    target.target_year,
                    target.target_value,
                    _("target %(value)s by %(year)s")
                    % {"value": f"{target.target_value:,.0f}", "year": target.target_year},
                )
                if target
                else None
            ),
            "forms_series": forms_series,
            "form_table": [
                (p.year, [series[i] for _name, series in forms_series])
                for i, p in enumerate(points)
            ],
            "form_names": [name for name, _series in forms_series],
            "rate_series": [(_("Per 100,000 population"), [p.figure for p in rate_points])],
            "rate_points": rate_points,
        }

    return _page(request, "trends", "monitoring/trends.html", fill)


def targets(request: HttpRequest) -> HttpResponse:
    """Baselines, milestones and targets with the published current value and progress."""
    policy.require(request.user, "indicators.view")
    from tiphub.exchange import summary

    def fill(pub: Publication, year: int) -> dict[str, Any]:
        rows = []
        for tp in summary.target_progress(pub, year):
            parts = [_label(d, o) for d, o in tp.target.disaggregation.items()]
            rows.append({"tp": tp, "label": tp.label, "breakdown": ", ".join(parts)})
        return {"rows": rows}

    return _page(request, "targets", "monitoring/targets.html", fill)


def plan(request: HttpRequest) -> HttpResponse:
    """The GPA's pillars, the national action plan's measures, programme results chains."""
    policy.require(request.user, "indicators.view")
    from tiphub.exchange import summary

    def fill(pub: Publication, year: int) -> dict[str, Any]:
        action_plan = pub.plan.action_plan
        measures = []
        for m in action_plan.measures if action_plan else ():
            measures.append(
                {
                    "measure": m,
                    "status": MEASURE_STATUS_LABELS.get(m.status, m.status),
                    "pillar": pub.gpa.pillars[m.gpa_pillar].name
                    if m.gpa_pillar in pub.gpa.pillars
                    else m.gpa_pillar,
                    "figures": [
                        (i, summary.figure(pub, i, year))
                        for i in m.indicators
                        if i in pub.registry.indicators
                    ],
                }
            )
        programmes = [
            {
                "programme": prog,
                "nodes": [
                    {
                        "chain": node,
                        "level": RESULT_LEVEL_LABELS.get(node.node.level, node.node.level),
                        "indent": "→ " * node.depth,
                    }
                    for node in summary.results_chain(pub, prog, year)
                ],
            }
            for prog in pub.plan.programmes
        ]
        return {
            "action_plan": action_plan,
            "pillars": summary.pillars(pub),
            "measures": measures,
            "programmes": programmes,
            "gpa_source": pub.gpa.source,
        }

    return _page(request, "plan", "monitoring/plan.html", fill)


def downloads(request: HttpRequest) -> HttpResponse:
    """The files of the release and its disclosure-control report; the history of releases."""
    policy.require(request.user, "indicators.view")

    def fill(pub: Publication, year: int) -> dict[str, Any]:
        report = pub.report
        return {
            "downloads": [
                {"key": key, "url": reverse(name), "label": label, "per_year": per_year}
                for key, name, label in DOWNLOADS
                for per_year in [services.FORMATS[key][2]]
            ],
            "report": report,
            "suppressed": report.get("suppressed", []),
            "dims": pub.cells.dims,
            "history": Release.objects.all()[:10],
        }

    return _page(request, "downloads", "monitoring/downloads.html", fill)


def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """One file of the latest release (audited as `indicators.export`)."""
    policy.require(request.user, "indicators.export")
    release = services.latest_release()
    if release is None:
        raise Http404("no release")
    year: int | None = None
    if "year" in request.GET:
        try:
            year = int(request.GET["year"])
        except ValueError:
            raise Http404("no such year") from None
    try:
        result = services.download(release, fmt, request.user, year)
    except services.ReleaseError:
        raise Http404("no such year") from None
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


# --- the statistician's inputs ------------------------------------------------------------------


class PopulationForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Population table (CSV: year, sex, age_group, population)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class EstimateForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Estimate (JSON from tiphub estimate --json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )


class ReleaseForm(forms.Form):
    """Reference year (from the registry's years) and threshold (at least the site's)."""

    def __init__(self, *args: Any, years: list[int], floor: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Reference year"),
            choices=[("", _("latest")), *((y, str(y)) for y in years)],
            coerce=int,
            required=False,
            empty_value=None,
        )
        self.fields["min_cell"] = forms.IntegerField(
            label=_("Smallest published count"),
            min_value=floor,
            max_value=100,
            initial=floor,
            help_text=_("Counts below this number are not published (site minimum: %(t)d).")
            % {"t": floor},
        )


def _registry_years() -> list[int]:
    from tiphub.web.registry.models import VictimRecord

    years = VictimRecord.objects.exclude(year=None).values_list("year", flat=True).distinct()
    return sorted(int(y) for y in years if y is not None)


def _inputs_context(request: HttpRequest, **forms_: Any) -> dict[str, Any]:
    floor = services.site_min_cell()
    release = services.latest_release()
    return {
        "page": "inputs",
        "can_manage": True,
        "can_export": policy.can(request.user, "indicators.export"),
        "population": services.current_population(),
        "estimate_set": services.current_estimates(),
        "release": release,
        "stale": services.is_stale(release) if release else True,
        "population_form": forms_.get("population_form") or PopulationForm(),
        "estimate_form": forms_.get("estimate_form") or EstimateForm(),
        "release_form": forms_.get("release_form")
        or ReleaseForm(years=_registry_years(), floor=floor),
    }


def inputs(request: HttpRequest) -> HttpResponse:
    """The statistician's page: population table, estimate, and computing a new release."""
    policy.require(request.user, "indicators.manage")
    return render(request, "monitoring/inputs.html", _inputs_context(request))


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("monitoring:inputs"))


def _invalid(request: HttpRequest, key: str, form: forms.Form) -> HttpResponse:
    """The inputs page again, with `form` (under context `key`) showing its errors."""
    return render(
        request, "monitoring/inputs.html", _inputs_context(request, **{key: form}), status=400
    )


def _keep_upload(
    request: HttpRequest,
    form_class: type[forms.Form],
    key: str,
    save: Any,
    done: Any,
) -> HttpResponse:
    """Check and keep an uploaded input file (`save(file, name, actor)`); `done(kept)` is the
    message on success. A bad file re-shows the page with the reader's message (file, row,
    column, reason); nothing is kept then. The caller has checked `indicators.manage`."""
    from tiphub.indicators.inputs import InputError

    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, key, form)
    upload = form.cleaned_data["file"]
    try:
        kept = save(upload, upload.name or "upload", request.user)
    except InputError as exc:
        form.add_error("file", str(exc))
        return _invalid(request, key, form)
    messages.success(request, done(kept))
    return _back()


@require_POST
def upload_population(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "indicators.manage")
    return _keep_upload(
        request,
        PopulationForm,
        "population_form",
        services.save_population,
        lambda table: (
            _("Population table kept: %(rows)d rows, %(first)d-%(last)d.")
            % {"rows": len(table.rows), "first": table.first_year, "last": table.last_year}
        ),
    )


@require_POST
def upload_estimate(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "indicators.manage")
    return _keep_upload(
        request,
        EstimateForm,
        "estimate_form",
        services.save_estimates,
        lambda kept: _("Estimate kept (%(n)d estimate(s)).") % {"n": len(kept.estimates)},
    )


@require_POST
def retire_estimate(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "indicators.manage")
    if services.retire_estimates(request.user):
        messages.success(request, _("The estimate is no longer used."))
    return _back()


@require_POST
def new_release(request: HttpRequest) -> HttpResponse:
    """Compute a release now (disclosure control over every table and year)."""
    policy.require(request.user, "indicators.manage")
    form = ReleaseForm(request.POST, years=_registry_years(), floor=services.site_min_cell())
    if not form.is_valid():
        return _invalid(request, "release_form", form)
    try:
        release = services.compute_release(
            request.user, year=form.cleaned_data["year"], min_cell=form.cleaned_data["min_cell"]
        )
    except services.ReleaseError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, "release_form", form)
    cells = release.report["cells"]
    messages.success(
        request,
        _(
            "Release computed for %(year)d: %(published)d cells published, %(primary)d below "
            "%(t)d, %(secondary)d more suppressed to protect them."
        )
        % {
            "year": release.reference_year,
            "published": cells["published"],
            "primary": cells["primary"],
            "secondary": cells["secondary"],
            "t": release.min_cell,
        },
    )
    return HttpResponseRedirect(reverse("monitoring:index"))
