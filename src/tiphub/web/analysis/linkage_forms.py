"""Forms of the linkage pages (the choices of `tiphub link`, with the same defaults)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiphub.web.analysis.linking import MAX_ENCODING_BYTES


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the round"),
        max_length=120,
        help_text=_("e.g. 2024 annual: the agencies upload their encodings into it."),
    )


class EncodingForm(forms.Form):
    file = forms.FileField(
        label=_("Encoded file (Parquet from tiphub encode)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".parquet,application/octet-stream"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ENCODING_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_ENCODING_BYTES >> 20}
            )
        return upload


def _threshold() -> forms.FloatField:
    return forms.FloatField(
        label=_("Match threshold (probability)"),
        initial=0.5,
        min_value=0.01,
        max_value=0.99,
        help_text=_(
            "Two records are the same person from this match probability on. 0.5 is the Bayes "
            "decision: more likely the same person than not."
        ),
    )


class RunForm(forms.Form):
    threshold = _threshold()


class PlaintextForm(forms.Form):
    """Agencies that consented to plaintext linkage of their registry records."""

    agencies = forms.MultipleChoiceField(
        label=_("Agencies (those that consented)"), widget=forms.CheckboxSelectMultiple
    )
    threshold = _threshold()

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agencies"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(a.code, f"{a.code}: {a.name}") for a in agencies]
        field.initial = [a.code for a in agencies]


class ConsentForm(forms.Form):
    plaintext = forms.BooleanField(
        label=_(
            "Our agency consents to linking its registry records on identities (names, date "
            "of birth) on the national server. The identities are decrypted there for the "
            "link only, never shown to anyone, and every read is in the audit log."
        ),
        required=False,
    )
