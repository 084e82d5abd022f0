"""The linkage pages: rounds of encodings, runs and their diagnostics, plaintext consent.

Who does what (roles.yaml): the national statistician (`linkage.run`) opens rounds, links them,
links consenting agencies' records on identities, and reads the runs (counts, pictures,
histories: never an identity); agencies' data officers and supervisors (`linkage.submit`) upload
their own agency's encodings; supervisors (`linkage.consent`) give or withdraw their agency's
consent to plaintext linkage. Every view asks the policy first.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiphub.web.accounts import policy
from tiphub.web.analysis import linking
from tiphub.web.analysis.linkage_forms import (
    ConsentForm,
    EncodingForm,
    PlaintextForm,
    RoundForm,
    RunForm,
)
from tiphub.web.analysis.models import EncodingFile, LinkageRound, LinkageRun

PAGE_ACTIONS = ("linkage.run", "linkage.submit", "linkage.consent")


def _require_any(request: HttpRequest, actions: tuple[str, ...] = PAGE_ACTIONS) -> None:
    """Pass if the user may do any of `actions`; otherwise refuse (and audit) as the first."""
    if not any(policy.can(request.user, action) for action in actions):
        policy.require(request.user, actions[0])


def _own_agency(request: HttpRequest) -> Any:
    from tiphub.web.accounts.policy import account_of

    account = account_of(request.user)
    return account.agency if account is not None else None


def index(request: HttpRequest, **forms_: Any) -> HttpResponse:
    """Rounds, runs, the plaintext option and (for supervisors) the agency's consent."""
    _require_any(request)
    statistician = policy.can(request.user, "linkage.run")
    agency = _own_agency(request)
    context: dict[str, Any] = {
        "statistician": statistician,
        "can_submit": policy.can(request.user, "linkage.submit"),
        "agency": agency,
        "rounds": LinkageRound.objects.all()[:20] if statistician else linking.open_rounds(),
    }
    if statistician:
        consenting = linking.consenting_agencies()
        context.update(
            runs=LinkageRun.objects.select_related("round", "created_by")[:20],
            round_form=forms_.get("round_form") or RoundForm(),
            consenting=consenting,
            plaintext_form=forms_.get("plaintext_form") or PlaintextForm(agencies=consenting),
        )
    if agency is not None and policy.can(request.user, "linkage.consent", agency):
        context["consent_form"] = ConsentForm(initial={"plaintext": linking.consent_of(agency)})
        context["consent"] = linking.consent_of(agency)
    if agency is not None and context["can_submit"]:
        context["uploaded"] = {
            f.round_id: f for f in EncodingFile.objects.filter(agency=agency).defer("content")
        }
    status = 400 if forms_ else 200
    return render(request, "analysis/linkage.html", context, status=status)


@require_POST
def new_round(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "linkage.run")
    form = RoundForm(request.POST)
    if not form.is_valid():
        return index(request, round_form=form)
    try:
        round_ = linking.open_round(request.user, form.cleaned_data["name"])
    except linking.LinkageServiceError as error:
        form.add_error("name", str(error))
        return index(request, round_form=form)
    messages.success(request, _("Round %(name)s opened.") % {"name": round_.name})
    return HttpResponseRedirect(reverse("linkage:round", args=[round_.pk]))


def _round_context(request: HttpRequest, round_: LinkageRound, **forms_: Any) -> dict[str, Any]:
    statistician = policy.can(request.user, "linkage.run")
    agency = _own_agency(request)
    files = round_.files.select_related("agency", "uploaded_by").defer("content")
    if not statistician:
        files = files.filter(agency=agency) if agency is not None else files.none()
    return {
        "round": round_,
        "statistician": statistician,
        "agency": agency,
        "files": list(files),
        "can_upload": agency is not None and policy.can(request.user, "linkage.submit", agency),
        "upload_form": forms_.get("upload_form") or EncodingForm(),
        "run_form": forms_.get("run_form") or RunForm(),
        "runs": round_.runs.all()[:10] if statistician else [],
    }


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: the encodings received (all of them for the statistician, the agency's own
    for its staff), the upload form and the run form."""
    _require_any(request, ("linkage.run", "linkage.submit"))
    round_ = get_object_or_404(LinkageRound, pk=pk)
    return render(request, "analysis/round.html", _round_context(request, round_))


@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency's data officer uploads the agency's encodings (checked, then kept)."""
    policy.require(request.user, "linkage.submit")
    agency = _own_agency(request)
    if agency is None:
        raise PermissionDenied("linkage.submit")
    policy.require(request.user, "linkage.submit", agency)
    round_ = get_object_or_404(LinkageRound, pk=pk)
    form = EncodingForm(request.POST, request.FILES)
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            kept = linking.upload_encoding(
                request.user, round_, agency, file.read(), file.name or "encodings.parquet"
            )
        except linking.LinkageServiceError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                _("%(n)s encoded records of %(agency)s kept in round %(round)s.")
                % {"n": f"{kept.records:,}", "agency": agency.code, "round": round_.name},
            )
            return HttpResponseRedirect(reverse("linkage:round", args=[round_.pk]))
    context = _round_context(request, round_, upload_form=form)
    return render(request, "analysis/round.html", context, status=400)


@require_POST
def run_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the round's encodings now (the statistician)."""
    policy.require(request.user, "linkage.run")
    round_ = get_object_or_404(LinkageRound, pk=pk)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = linking.run_round(request.user, round_, threshold=form.cleaned_data["threshold"])
        except linking.LinkageServiceError as error:
            form.add_error(None, str(error))
        else:
            return _linked(request, run)
    context = _round_context(request, round_, run_form=form)
    return render(request, "analysis/round.html", context, status=400)


def _linked(request: HttpRequest, run: LinkageRun) -> HttpResponse:
    messages.success(
        request,
        _("Linked %(records)s records into %(persons)s persons.")
        % {"records": f"{run.records:,}", "persons": f"{run.persons:,}"},
    )
    return HttpResponseRedirect(reverse("linkage:run", args=[run.pk]))


@require_POST
def run_plaintext(request: HttpRequest) -> HttpResponse:
    """Link consenting agencies' registry records on identities, on the server."""
    policy.require(request.user, "linkage.run")
    form = PlaintextForm(request.POST, agencies=linking.consenting_agencies())
    if form.is_valid():
        try:
            run = linking.run_plaintext(
                request.user,
                form.cleaned_data["agencies"],
                threshold=form.cleaned_data["threshold"],
            )
        except linking.LinkageServiceError as error:
            form.add_error(None, str(error))
        else:
            return _linked(request, run)
    return index(request, plaintext_form=form)


@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """A supervisor gives or withdraws the agency's consent to plaintext linkage."""
    policy.require(request.user, "linkage.consent")
    agency = _own_agency(request)
    if agency is None:
        raise PermissionDenied("linkage.consent")
    policy.require(request.user, "linkage.consent", agency)
    form = ConsentForm(request.POST)
    form.is_valid()
    given = bool(form.cleaned_data.get("plaintext"))
    linking.set_consent(request.user, agency, given)
    messages.success(
        request,
        _("%(agency)s consents to plaintext linkage.") % {"agency": agency.code}
        if given
        else _("%(agency)s: encodings only (no plaintext linkage).") % {"agency": agency.code},
    )
    return HttpResponseRedirect(reverse("linkage:index"))


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: what it linked, the diagnostics, cluster sizes and the capture histories."""
    policy.require(request.user, "linkage.run")
    run = get_object_or_404(LinkageRun.objects.select_related("round"), pk=pk)
    in_registry, linked = linking.registry_coverage(run)
    lists = run.lists
    pooled: dict[tuple[int, ...], int] = {}
    for row in run.histories:
        key = tuple(int(row[name]) for name in lists)
        pooled[key] = pooled.get(key, 0) + int(row["count"])
    patterns = sorted(pooled.items(), key=lambda item: (-sum(item[0]), item[0]), reverse=False)
    context = {
        "run": run,
        "lists": lists,
        "patterns": [{"on": [bool(bit) for bit in key], "count": count} for key, count in patterns],
        "sizes": sorted(run.cluster_sizes.items(), key=lambda item: int(item[0])),
        "in_registry": in_registry,
        "linked": linked,
        "estimates": run.estimates.all()[:10],
        "current": LinkageRun.objects.values_list("pk", flat=True).first() == run.pk,
    }
    return render(request, "analysis/run.html", context)


def picture(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """A run's diagnostics picture (PNG)."""
    policy.require(request.user, "linkage.run")
    run = get_object_or_404(LinkageRun, pk=pk)
    content = bytes(run.weights_png if which == "weights" else run.sizes_png)
    if not content:
        raise Http404("no picture")
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def histories(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's capture histories (contracts.md section 3, with its strata), as CSV."""
    policy.require(request.user, "linkage.run")
    run = get_object_or_404(LinkageRun, pk=pk)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [*run.strata, *run.lists, "count"]
    writer.writerow(columns)
    for row in run.histories:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tiphub-histories-run-{run.pk}.csv"'
    return response
