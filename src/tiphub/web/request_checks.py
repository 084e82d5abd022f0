"""One check of what every request carries, before any view, form or query sees it.

Two rules, for every page and API endpoint alike:

1. **Nothing unstorable.** A NUL character (U+0000) cannot be stored in, or even compared with,
   a PostgreSQL text column: a NUL in a filter, a form field, a cookie or a token used to end in
   a database error (a 500) instead of a clear answer. An unpaired surrogate (U+D800-U+DFFF,
   possible in JSON) cannot be encoded at all. Either is answered `400` naming where it was
   (the parameter or field name, never its value).
2. **No identity in a web address** (privacy-requirements A6.6). Addresses are kept in browser
   history, proxies and access logs, so a query string that names an identifying field (a
   name, date of birth, document number, ...: `access.IDENTITY_PARAMETERS`) is refused with a
   `400` that says where such terms go instead (the body of a POST).

`RequestChecksMiddleware` sits before the session middleware (a cookie is checked before a
session is looked up with it). Its `__call__` checks the address, cookies and the
`Authorization` header; its `process_view` checks form bodies that Django parses (URL-encoded
always; multipart for the CSRF-protected pages of a logged-in user; the API's bodies are checked
by its parsers, `tiphub.web.api.parsers`, after authentication). Django's and DRF's form fields
refuse NUL too; this is the one place that also covers values read straight from a request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """What is wrong with `text` when it holds a character no database can store, else None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return _("a NUL character (U+0000)")
    return _("an unpaired surrogate (U+%(code)04X)") % {"code": ord(char)}


def shown_name(name: str) -> str:
    """A parameter name as it can be shown in a message (escaped, short)."""
    return name.encode("unicode_escape", "backslashreplace").decode("ascii")[:64]


def first_unstorable(pairs: Iterable[tuple[str, Any]], kind: str) -> tuple[str, str, str] | None:
    """(kind, name, problem) for the first name or text value that cannot be stored."""
    for name, value in pairs:
        values = value if isinstance(value, list) else [value]
        for text in (name, *values):
            if isinstance(text, str) and (problem := unstorable(text)):
                return kind, shown_name(name), problem
    return None


def first_unstorable_in_json(data: Any, path: str = "") -> tuple[str, str, str] | None:
    """The same for a parsed JSON document: every key and string at any depth."""
    if isinstance(data, str):
        problem = unstorable(data)
        return ("field", shown_name(path or "(body)"), problem) if problem else None
    items: Iterable[tuple[str, Any]]
    if isinstance(data, Mapping):
        items = ((str(key), value) for key, value in data.items())
    elif isinstance(data, list):
        items = ((str(index), value) for index, value in enumerate(data))
    else:
        return None
    for key, value in items:
        where = f"{path}.{key}" if path else key
        if problem := unstorable(key):
            return "field", shown_name(where), problem
        if found := first_unstorable_in_json(value, where):
            return found
    return None


def unstorable_message(kind: str, name: str, problem: str) -> str:
    labels = {
        "parameter": _("The parameter “%(name)s”"),
        "field": _("The field “%(name)s”"),
        "cookie": _("The cookie “%(name)s”"),
        "header": _("The header “%(name)s”"),
        "address": _("The address"),
    }
    return _("%(where)s contains %(problem)s, which cannot be stored. Remove it and retry.") % {
        "where": labels[kind] % {"name": name},
        "problem": problem,
    }


def identity_message(names: list[str]) -> str:
    return _(
        "Identity search terms (%(names)s) are never accepted in a web address: addresses are "
        "kept in browser history, proxies and access logs. Send them in the body of a POST: the "
        "search form of the records page, or POST /api/v1/records/search/ (JSON)."
    ) % {"names": ", ".join(names)}


def refuse(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 in the form the client reads: JSON for the API, a small page otherwise.

    The page (`400.html`, also Django's own bad-request page) stands alone, without the menu:
    it may be answered before the session is looked up.
    """
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=400)
    else:
        response = HttpResponse(render_to_string("400.html", {"message": message}), status=400)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


def _address_problem(request: HttpRequest) -> str | None:
    from tiphub.web.accounts.access import identity_parameters

    if problem := unstorable(request.path):
        return unstorable_message("address", "", problem)
    if found := first_unstorable(request.GET.lists(), "parameter"):
        return unstorable_message(*found)
    if names := identity_parameters(request.GET):
        return identity_message(names)
    if found := first_unstorable(request.COOKIES.items(), "cookie"):
        return unstorable_message(*found)
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if problem := unstorable(authorization):
        return unstorable_message("header", "Authorization", problem)
    return None


class RequestChecksMiddleware:
    """Refuse (400) a request carrying an unstorable character or an identity in its address."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if message := _address_problem(request):
            return refuse(request, message)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return None
        content_type = request.content_type or ""
        parse = content_type == "application/x-www-form-urlencoded" or (
            content_type == "multipart/form-data"
            and not getattr(view, "csrf_exempt", False)  # the API's parsers check those
            and request.user.is_authenticated
        )
        if not parse:
            return None
        try:
            form = request.POST
        except (MultiPartParserError, OSError):
            return None  # a broken body: the view answers it as it always has
        if found := first_unstorable(form.lists(), "field"):
            return refuse(request, unstorable_message(*found))
        return None  # (uploaded file names: Django drops non-printable characters itself)
