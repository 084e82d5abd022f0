"""The screening page: tick what was observed, see the explained outcome.

Nothing entered here is stored or logged: the page computes the outcome with the same engine call
as `tiphub screen` and shows it. A presumed victim ("yes") can be taken on at once: users who may
open NRM cases get an "open an NRM case" form that sends the same answers again, so the server
screens them again (it never trusts a verdict sent by the browser) and opens the case through
`casework.services.open_case_from_screening`. Field teams' exports are imported from the
Submissions page (`import_export`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tiphub.screening import InputError, default_catalogue
from tiphub.screening.catalogue import STATUS_WORDS, text_in
from tiphub.screening.forms import form_schema
from tiphub.web.accounts import policy
from tiphub.web.screening import services
from tiphub.web.screening.forms import ScreeningForm

LANGS = ("en", "fr", "es")


def _lang() -> str:
    code = (translation.get_language() or "en")[:2]
    return code if code in LANGS else "en"


def _chosen_set(request: HttpRequest, catalogue: Any) -> Any:
    wanted = request.POST.get("set") or request.GET.get("set") or catalogue.sets[0].key
    try:
        return catalogue.indicator_set(wanted)
    except KeyError:
        return catalogue.sets[0]


@never_cache
def screen(request: HttpRequest) -> HttpResponse:
    """GET: the form for the chosen set; POST: the same form with the explained outcome."""
    policy.require(request.user, "screening.use")
    catalogue = default_catalogue()
    lang = _lang()
    chosen = _chosen_set(request, catalogue)
    schema = form_schema(catalogue, chosen.key)
    result: dict[str, Any] | None = None
    errors: list[str] = []
    if request.method == "POST":
        form = ScreeningForm(request.POST, schema=schema, catalogue=catalogue, lang=lang)
        if form.is_valid():
            try:
                result = services.screen(form.payload()).to_dict()
            except InputError as exc:
                errors = [str(p) for p in exc.problems]
    else:
        form = ScreeningForm(schema=schema, catalogue=catalogue, lang=lang)
    sets = [
        {
            "key": s.key,
            "label": text_in(s.label, lang),
            "status": STATUS_WORDS[s.status],
            "selected": s.key == chosen.key,
        }
        for s in catalogue.sets
    ]
    context = {
        "form": form,
        "open_case": _open_case_offer(request, result),
        "sections": form.section_fields(),
        "sets": sets,
        "chosen": chosen.key,
        "chosen_status": STATUS_WORDS[chosen.status],
        "result": result,
        "errors": errors,
        "catalogue_version": catalogue.version,
    }
    return render(request, "screening/screen.html", context)


def _open_case_offer(request: HttpRequest, result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The "open an NRM case" form, for a presumed victim and a user who may open cases: the
    screening's answers ride along as hidden fields, the case's own fields are asked."""
    if result is None or result["outcomes"]["presumed_victim"]["verdict"] != "yes":
        return None
    if not policy.can(request.user, "case.create"):
        return None
    from tiphub.web.casework.forms import CaseProfileForm

    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken" and not name.startswith(f"{CASE_PREFIX}-")
        for value in values
    ]
    return {"form": CaseProfileForm(prefix=CASE_PREFIX), "carried": carried}


CASE_PREFIX = "case"


@require_POST
def open_case(request: HttpRequest) -> HttpResponse:
    """Open an NRM case from a screening whose presumed-victim verdict is "yes"."""
    from tiphub.web.casework.forms import CaseProfileForm
    from tiphub.web.casework.services import open_case_from_screening

    policy.require(request.user, "screening.use")
    policy.require(request.user, "case.create")
    catalogue = default_catalogue()
    chosen = _chosen_set(request, catalogue)
    schema = form_schema(catalogue, chosen.key)
    form = ScreeningForm(request.POST, schema=schema, catalogue=catalogue, lang=_lang())
    case_form = CaseProfileForm(request.POST, prefix=CASE_PREFIX)
    back = f"{reverse('screening:screen')}?set={chosen.key}"
    if not (form.is_valid() and case_form.is_valid()):
        messages.error(request, _("The screening form was incomplete: screen the person again."))
        return HttpResponseRedirect(back)
    try:
        result = services.screen(form.payload())
    except InputError:
        messages.error(request, _("The screening form was incomplete: screen the person again."))
        return HttpResponseRedirect(back)
    if result.verdict("presumed_victim") != "yes":
        messages.error(
            request, _("An NRM case is opened here for a presumed victim only (verdict 'yes').")
        )
        return HttpResponseRedirect(back)
    case = open_case_from_screening(
        request.user,
        result,
        urgent_needs=case_form.cleaned_data["urgent_needs"],
        profile_fields=case_form.profile_fields(),
        identity=case_form.identity(),
        narrative=case_form.cleaned_data["narrative"],
    )
    messages.success(
        request,
        _("Case %(ref)s opened: presumed victim, basic services requested.")
        % {"ref": case.reference},
    )
    return HttpResponseRedirect(reverse("casework:case", args=[case.pk]))


@require_POST
def import_export(request: HttpRequest) -> HttpResponse:
    """Import a Kobo / ODK export from the Submissions page: all or nothing, and the report
    row by row on the submission's page, as for intake files."""
    from tiphub.web.pages.views.submissions import stored_upload
    from tiphub.web.screening.forms import ExportUploadForm

    policy.require(request.user, "submission.create")
    account = policy.account_of(request.user)
    form = ExportUploadForm(request.POST, request.FILES)
    if account is None or account.agency is None or not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(problems) or _("Choose an export to import."))
        return HttpResponseRedirect(reverse("pages:submissions"))
    with stored_upload(form.cleaned_data["file"]) as path:
        outcome = services.import_submissions(
            path,
            account.agency.code,
            request.user,
            include_insufficient=form.cleaned_data["include_insufficient"],
            keep_rejected=True,
        )
    summary = outcome.summary()
    if outcome.ok:
        messages.success(
            request,
            _(
                "%(n)d submission(s) screened: %(pv)d presumed victim(s), %(no)d not, "
                "%(undecided)d undecided; %(stored)d record(s) stored (%(new)d new, "
                "%(updated)d updated)."
            )
            % {
                "n": summary["submissions"],
                "pv": summary["presumed_victims"],
                "no": summary["not_presumed_victims"],
                "undecided": summary["insufficient"],
                "stored": summary["records_stored"],
                "new": summary["created"],
                "updated": summary["updated"],
            },
        )
    else:
        messages.error(request, _("Nothing was stored: see the report below."))
    history = outcome.history
    if history is None:
        return HttpResponseRedirect(reverse("pages:submissions"))
    return HttpResponseRedirect(reverse("pages:submission", args=[history.pk]))
