"""Victim records: the agency-scoped list, its searches, and the audited detail page.

Two ways to narrow the list, kept apart on purpose (privacy-requirements A6.6):
- filters that identify nobody (agency record id, year, agency) are a GET form, so a filtered
  list is an ordinary address that can be bookmarked;
- an identity search (name, family name, date of birth, document number) is POSTed with its
  CSRF token to `/records/search/`; the search is kept in the session (`pages.searches`, as
  blind-index tokens) and its results are shown at `/records/?search=<token>`, so no identity
  ever reaches the address bar, browser history, a proxy or an access log. A query string that
  carries an identity parameter is refused (400) for the whole site by
  `tiphub.web.request_checks`, rather than silently obeyed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tiphub.web.accounts import access, policy
from tiphub.web.pages import searches

PAGE_SIZE = 50


class FilterForm(forms.Form):
    """The non-identifying filters of the records list (GET)."""

    record_id = forms.CharField(
        label=gettext_lazy("Agency record id"), required=False, max_length=100
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year of identification"),
        required=False,
        min_value=1900,
        max_value=2100,
    )
    agency = forms.CharField(label=gettext_lazy("Agency"), required=False, max_length=32)


class IdentitySearchForm(forms.Form):
    """An exact search by identifiers (POST only; the values are never put in an address)."""

    name = forms.CharField(label=gettext_lazy("Full name (exact)"), required=False, max_length=200)
    family_name = forms.CharField(
        label=gettext_lazy("Family name (exact)"), required=False, max_length=200
    )
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        error_messages={"invalid": gettext_lazy("Date of birth must be a date (YYYY-MM-DD).")},
    )
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), required=False, max_length=100
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(
                _("Enter a name, family name, date of birth or document number.")
            )
        return data

    def terms(self) -> access.SearchTerms:
        data = self.cleaned_data
        return access.SearchTerms(
            name=data["name"].strip(),
            family_name=data["family_name"].strip(),
            date_of_birth=data["date_of_birth"],
            document_number=data["document_number"].strip(),
        )


def _agency_choices(user: Any) -> list[str]:
    """Agency codes the filter offers: only to roles whose scope spans every agency."""
    from tiphub.web.registry.models import Agency

    role = policy.role_of(user)
    if role is None or role.scope != "national":
        return []
    return list(Agency.objects.order_by("code").values_list("code", flat=True))


def _results(
    request: HttpRequest,
    search: access.PreparedSearch,
    query: str,
    *,
    expired: bool = False,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    """The context of a results block: one page of the search (audited), and its pager."""
    number = request.GET.get("page") or 1
    records = (
        policy.visible_records(request.user).none()
        if expired or errors
        else access.search_records(
            request.user,
            search,
            via="page",
            page=int(number) if str(number).isdigit() else 1,
        )
    )
    page = access.page_of_records(records, number, PAGE_SIZE)
    return {
        "page": page,
        "query": query,
        "errors": errors or [],
        "searched": not search.empty,
        "identity_search": search.identifying,
        "search_terms": list(search.used),
        "expired": expired,
    }


def _page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "can_search_identity": policy.can(request.user, "record.search"),
        "can_export": policy.can(request.user, "record.export"),
        "agencies": _agency_choices(request.user),
        **extra,
    }


def record_list(request: HttpRequest) -> HttpResponse:
    """Paginated list of the records in the user's scope; never an identifying column."""
    policy.require(request.user, "record.list")
    # (a query string naming an identity field never gets here: tiphub.web.request_checks)
    token = request.GET.get("search", "")
    filters = FilterForm(request.GET if not token else None)
    if token:
        kept = searches.recall(request, token)
        search = kept or access.PreparedSearch()
        context = _results(request, search, f"search={token}" if kept else "", expired=kept is None)
    else:
        errors = [str(e) for field_errors in filters.errors.values() for e in field_errors]
        data = filters.cleaned_data if not errors else {}
        terms = access.SearchTerms(
            record_id=(data.get("record_id") or "").strip(),
            year=data.get("year"),
            agency=(data.get("agency") or "").strip(),
        )
        query = request.GET.copy()
        query.pop("page", None)
        context = _results(request, access.prepare_search(terms), query.urlencode(), errors=errors)
    context = _page_context(request, filters=filters, **context)
    template = "pages/_record_rows.html" if request.htmx else "pages/records.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
def record_search(request: HttpRequest) -> HttpResponse:
    """An identity search (POST, CSRF-checked): kept in the session, shown by its token.

    Without script the browser is sent on (303) to `/records/?search=<token>`; htmx gets the
    first page of results at once and that same address to push into its history.
    """
    policy.require(request.user, "record.list")
    policy.require(request.user, "record.search")
    form = IdentitySearchForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        context = _page_context(
            request,
            filters=FilterForm(),
            **_results(request, access.PreparedSearch(), "", errors=errors),
        )
        template = "pages/_record_rows.html" if request.htmx else "pages/records.html"  # type: ignore[attr-defined]
        return render(request, template, context)
    search = access.prepare_search(form.terms())
    token = searches.remember(request, search)
    address = f"{reverse('pages:records')}?search={token}"
    if not request.htmx:  # type: ignore[attr-defined]
        see_other = HttpResponseRedirect(address)
        see_other.status_code = 303  # "see other": the results are fetched with GET
        return see_other
    context = _page_context(request, **_results(request, search, f"search={token}"))
    response = render(request, "pages/_record_rows.html", context)
    response["HX-Push-Url"] = address
    return response


def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record, masked by field profile; the read is audited (and a denial too)."""
    policy.require(request.user, "record.view")
    opened = access.open_record(request.user, pk, via="page")
    return render(request, "pages/record_detail.html", {"opened": opened})
