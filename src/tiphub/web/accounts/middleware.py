"""Request-time guards: session timeouts, enforced two-factor, and no caching of pages.

Order in settings.MIDDLEWARE: after AuthenticationMiddleware and django_otp's OTPMiddleware, and
before LoginRequiredMiddleware (which then sends a timed-out user to the login page).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
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
