"""Login and second-factor forms."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, with a clear message when the name is locked out."""

    error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts: this account is locked for a while. "
            "Try again later or ask your administrator."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "tiphub_locked_out", False):
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise


class TokenForm(forms.Form):
    """A six-digit code from the user's authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
