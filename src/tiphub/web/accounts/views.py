"""Login, logout and the second factor (TOTP through django-otp)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiphub.web.accounts import sessions
from tiphub.web.accounts.forms import LoginForm, TokenForm


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The password step (the session id is renewed by Django's `login`)."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") or getattr(
            self.request, "tiphub_session_expired", None
        )
        return context


class LogoutView(auth_views.LogoutView):
    """POST-only logout (a GET link could be triggered by another site)."""


def _qr_svg(url: str) -> str:
    """An inline SVG QR code of the provisioning URL (no image file, no external service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code from a confirmed device, or enrol a first device and confirm it."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    device = confirmed
    if device is None:
        device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            sessions.renew(request)  # more rights, new session id
            _audit(request, "auth.second_factor", outcome="ok", enrolled=confirmed is None)
            messages.success(request, _("Two-factor verification complete."))
            return HttpResponseRedirect(_safe_next(request))
        _audit(request, "auth.second_factor", outcome="failed", enrolled=confirmed is None)
        form.add_error("token", _("That code is not valid. Check your device's clock and retry."))
    context: dict[str, Any] = {"form": form, "enrol": confirmed is None}
    if confirmed is None:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = _base32(device.bin_key)
    return render(request, "accounts/two_factor.html", context)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode("ascii").rstrip("=")


def _audit(request: HttpRequest, action: str, *, outcome: str, enrolled: bool) -> None:
    from tiphub.web.audit.services import record_event

    record_event(request.user, action, outcome=outcome, details={"enrolment": enrolled})


def _safe_next(request: HttpRequest) -> str:
    """Where to go after verification: `next` when it is a local path, else the home page."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)
