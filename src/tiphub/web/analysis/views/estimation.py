"""The estimation pages: run a multiple systems estimate and read it with its interval, model,
method, assumptions and sensitivity plot.

Every view starts with `policy.require(request.user, "estimation.run")` (the national
statistician). Estimates are aggregates of capture histories: no page here shows a record.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from tiphub.web.accounts import policy
from tiphub.web.analysis import estimates
from tiphub.web.analysis.forms import EstimateForm
from tiphub.web.analysis.models import EstimateRun

ACTION = "estimation.run"
#: The sensitivity plot is matplotlib's SVG, styled with inline style attributes; it is served
#: as an image (never inlined into a page), with no script and nothing else allowed.
SVG_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "frame-ancestors": [CSP.SELF],
}


def _index_context(request: HttpRequest, form: EstimateForm | None = None) -> dict[str, Any]:
    latest = estimates.latest_linkage_run()
    return {
        "form": form or EstimateForm(linkage_available=latest is not None),
        "linkage_run": latest,
        "runs": EstimateRun.objects.select_related("created_by", "linkage_run")[:20],
        "in_use": _in_use_id(),
    }


def _in_use_id() -> int | None:
    from tiphub.web.monitoring import services as monitoring

    current = monitoring.current_estimates()
    if current is None:
        return None
    run = EstimateRun.objects.filter(estimate_set=current).values_list("pk", flat=True).first()
    return int(run) if run is not None else None


def index(request: HttpRequest) -> HttpResponse:
    """The estimation form and the estimates kept so far."""
    policy.require(request.user, ACTION)
    return render(request, "analysis/estimation.html", _index_context(request))


@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Run and keep an estimate; a bad file or an unfittable model re-shows the form with the
    reason (file, row, column), and nothing is kept."""
    policy.require(request.user, ACTION)
    latest = estimates.latest_linkage_run()
    form = EstimateForm(request.POST, request.FILES, linkage_available=latest is not None)
    if not form.is_valid():
        return _invalid(request, form)
    data = form.cleaned_data
    upload = data.get("histories")
    population = data.get("population")
    try:
        kept = estimates.run_estimate(
            request.user,
            form.parameters(),
            histories=upload.read() if data["source"] == "upload" and upload else None,
            file_name=(upload.name or "") if upload else "",
            linkage_run=latest if data["source"] == "linkage" else None,
            population=population.read() if population else None,
            population_name=(population.name or "") if population else "",
            year=data.get("year"),
        )
    except estimates.EstimationError as error:
        form.add_error(None, str(error))
        return _invalid(request, form)
    messages.success(
        request,
        _("Estimate %(pk)d kept: %(total)s.") % {"pk": kept.pk, "total": f"{kept.total:,.0f}"},
    )
    if data.get("use_for_indicators"):
        _use(request, kept)
    return HttpResponseRedirect(reverse("estimation:detail", args=[kept.pk]))


def _invalid(request: HttpRequest, form: EstimateForm) -> HttpResponse:
    context = _index_context(request, form)
    return render(request, "analysis/estimation.html", context, status=400)


def _use(request: HttpRequest, kept: EstimateRun) -> None:
    try:
        estimates.use_for_indicators(kept, request.user)
    except estimates.EstimationError as error:
        messages.error(request, str(error))
        return
    messages.success(
        request,
        _("The indicator pages use this estimate from their next release."),
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One estimate: the total with its interval, the model, the method and its assumptions,
    strata, the sensitivity plot and the summary."""
    policy.require(request.user, ACTION)
    kept = get_object_or_404(EstimateRun.objects.select_related("linkage_run"), pk=pk)
    result = kept.result
    context = {
        "run": kept,
        "result": result,
        "parameters": kept.parameters,
        "strata": estimates.stratum_rows(kept),
        "sum_of_strata": result.get("sum_of_strata"),
        "rate": result.get("rate_per_100k"),
        "failed": result.get("failed_strata") or [],
        "assumptions": [_(text) for text in estimates.ASSUMPTIONS],
        "in_use": estimates.in_use(kept),
        "interval_words": _interval_words(kept.ci_method),
    }
    return render(request, "analysis/estimate_detail.html", context)


def _interval_words(method: str) -> str:
    return {
        "wald": _(
            "Wald interval on the log of the dark figure: conditional on the selected model."
        ),
        "profile": _(
            "Profile-likelihood interval (Rcapture): conditional on the selected model; "
            "better than Wald when the likelihood is skewed."
        ),
        "bootstrap": _(
            "BCa bootstrap interval: each replicate re-runs the whole model selection, so it "
            "includes the uncertainty of choosing the model."
        ),
    }.get(method, method)


@csp_override(SVG_CSP)
def sensitivity(request: HttpRequest, pk: int) -> HttpResponse:
    """The sensitivity plot (SVG image): the estimate under other models."""
    policy.require(request.user, ACTION)
    kept = get_object_or_404(EstimateRun, pk=pk)
    response = HttpResponse(kept.sensitivity_svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The estimate as `tiphub estimate --json` prints it."""
    policy.require(request.user, ACTION)
    kept = get_object_or_404(EstimateRun, pk=pk)
    response = HttpResponse(
        json.dumps(kept.result, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="tiphub-estimate-{kept.pk}.json"'
    return response


@require_POST
def use(request: HttpRequest, pk: int) -> HttpResponse:
    """Make this estimate the one the indicator pages use."""
    policy.require(request.user, ACTION)
    policy.require(request.user, "indicators.manage")
    kept = get_object_or_404(EstimateRun, pk=pk)
    _use(request, kept)
    return HttpResponseRedirect(reverse("estimation:detail", args=[kept.pk]))
