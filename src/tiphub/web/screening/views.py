"""The screening page: tick what was observed, see the explained outcome.

Nothing entered here is stored or logged: the page computes the outcome with the same engine call
as `tiphub screen` and shows it. Recording a presumed victim goes through the agency's usual
channels (a submission, or the field form's import).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

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


@never_cache
def screen(request: HttpRequest) -> HttpResponse:
    """GET: the form for the chosen set; POST: the same form with the explained outcome."""
    policy.require(request.user, "screening.use")
    catalogue = default_catalogue()
    lang = _lang()
    wanted = request.POST.get("set") or request.GET.get("set") or catalogue.sets[0].key
    try:
        chosen = catalogue.indicator_set(wanted)
    except KeyError:
        chosen = catalogue.sets[0]
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
        "sections": form.section_fields(),
        "sets": sets,
        "chosen": chosen.key,
        "chosen_status": STATUS_WORDS[chosen.status],
        "result": result,
        "errors": errors,
        "catalogue_version": catalogue.version,
    }
    return render(request, "screening/screen.html", context)
