"""Request-time guards: session timeouts, enforced two-factor, login, and no caching of pages.

Order in settings.MIDDLEWARE: after AuthenticationMiddleware and django_otp's OTPMiddleware, and
before `LoginRequiredMiddleware` (which then sends a timed-out user to the login page, saying
why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from tiphub.web.accounts import policy, sessions

Handler = Callable[[HttpRequest], HttpResponse]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionTimeoutMiddleware:
    """Log out a session past its idle or absolute lifetime (audited as `auth.logout`)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            reason = sessions.expired_reason(request)
            if reason is not None:
                request.tiphub_logout_reason = f"timeout-{reason}"  # type: ignore[attr-defined]
                auth.logout(request)
                request.tiphub_session_expired = reason  # type: ignore[attr-defined]
        return self.get_response(request)


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, sending the user to the login page in a way that works for every request.

    - A session that just timed out says so: `?expired=idle|absolute` shows "your session
      ended" on the login page (the reason would be lost across Django's plain redirect).
    - htmx requests get `HX-Redirect`, so the login page replaces the whole page rather than
      being swapped into a fragment of it.
    - `next` is the page the user was on: the address of a GET, or for htmx the page that sent
      it; a POST's address is not a page to come back to (it answers only POST), so none.
    """

    # (the stubs say HttpResponseRedirect; htmx gets a plain response carrying HX-Redirect)
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Any
    ) -> HttpResponse:
        login_url = resolve_url(self.get_login_url(view_func))
        query: dict[str, str] = {}
        htmx = request.headers.get("HX-Request") == "true"
        if htmx and (current := request.headers.get("HX-Current-URL")):
            parts = urlsplit(current)
            if parts.netloc in {"", request.get_host()}:
                query[self.get_redirect_field_name(view_func)] = parts.path + (
                    f"?{parts.query}" if parts.query else ""
                )
        elif not htmx and request.method in {"GET", "HEAD"}:
            query[self.get_redirect_field_name(view_func)] = request.get_full_path()
        if reason := getattr(request, "tiphub_session_expired", None):
            query["expired"] = str(reason)
        target = f"{login_url}?{urlencode(query)}" if query else login_url
        if htmx:
            response = HttpResponse(status=200)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


#: Paths a user who still owes a second factor may reach.
_TWO_FACTOR_OPEN = ("/accounts/", "/static/", "/i18n/")


def two_factor_required(user: object) -> bool:
    """True when the deployment enforces 2FA and this user's role is one that needs it."""
    if not getattr(settings, "TIPHUB_REQUIRE_2FA", False):
        return False
    role = policy.role_of(user)  # type: ignore[arg-type]
    return role is None or role.two_factor


class TwoFactorMiddleware:
    """With TIPHUB_REQUIRE_2FA, a password alone opens only the second-factor pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_TWO_FACTOR_OPEN)
            and two_factor_required(user)
            and not getattr(user, "is_verified", lambda: False)()
        ):
            if _is_api(request):
                return JsonResponse(
                    {"detail": "Two-factor verification is required for this account."},
                    status=403,
                )
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every dynamic response (privacy-requirements A6.6)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL or "/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response
