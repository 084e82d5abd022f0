"""Victim records: the agency-scoped list (with search) and the audited detail page."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tiphub.web.accounts import access, policy

PAGE_SIZE = 50


def _terms(request: HttpRequest) -> tuple[access.SearchTerms, list[str]]:
    errors: list[str] = []
    dob: date | None = None
    raw_dob = request.GET.get("date_of_birth", "").strip()
    if raw_dob:
        try:
            dob = date.fromisoformat(raw_dob)
        except ValueError:
            errors.append(_("Date of birth must be a date (YYYY-MM-DD)."))
    terms = access.SearchTerms(
        record_id=request.GET.get("record_id", "").strip()[:100],
        name=request.GET.get("name", "").strip()[:200],
        family_name=request.GET.get("family_name", "").strip()[:200],
        date_of_birth=dob,
        document_number=request.GET.get("document_number", "").strip()[:100],
    )
    return terms, errors


def record_list(request: HttpRequest) -> HttpResponse:
    """Paginated list of the records in the user's scope; never an identifying column."""
    policy.require(request.user, "record.list")
    terms, errors = _terms(request)
    records = access.search_records(request.user, terms, via="page")
    page = access.page_of_records(records, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "terms": terms,
        "errors": errors,
        "query": query.urlencode(),
        "can_search_identity": policy.can(request.user, "record.search"),
        "can_export": policy.can(request.user, "record.export"),
        "searched": not terms.empty,
    }
    template = "pages/_record_rows.html" if request.htmx else "pages/records.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record, masked by field profile; the read is audited (and a denial too)."""
    policy.require(request.user, "record.view")
    opened = access.open_record(request.user, pk, via="page")
    return render(request, "pages/record_detail.html", {"opened": opened})
