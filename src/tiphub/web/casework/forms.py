"""Forms of the casework pages (short, phone-friendly; every field has a label)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tiphub.standard.codelists import code_list

#: Screening indicators shown on the intake form (ILO/EC operational indicators, abridged).
#: `tiphub.screening` will supply the full catalogues and the rule engine's outcome.
INDICATORS = (
    ("deceptive_recruitment", _("Deceived about the nature or conditions of the work")),
    ("withheld_wages", _("Wages withheld or debt bondage")),
    ("confiscated_documents", _("Identity documents confiscated")),
    ("restricted_movement", _("Movement restricted or isolated")),
    ("threats_violence", _("Threats or violence against the person or family")),
    ("excessive_hours", _("Excessive working hours, degrading conditions")),
    ("sexual_exploitation", _("Forced into sexual services")),
    ("child_under_18", _("A child in exploitation (no means needed)")),
)
URGENT_NEEDS = (
    ("accommodation", _("Safe accommodation")),
    ("medical_emergency", _("Emergency medical care")),
    ("interpretation", _("Interpretation")),
    ("protection", _("Protection from the traffickers")),
)


def _choices(name: str) -> list[tuple[str, str]]:
    return [("", "—"), *((c.code, c.label()) for c in code_list(name))]


class CaseProfileForm(forms.Form):
    """What a case records of the person besides the screening: urgent needs, the minimum
    profile (statistical) and, optionally, the identity and the account (kept encrypted)."""

    urgent_needs = forms.MultipleChoiceField(
        label=_("Urgent needs"), choices=URGENT_NEEDS, widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip
    gender = forms.ChoiceField(label=_("Gender"), choices=(), required=False)
    unaccompanied = forms.BooleanField(label=_("Unaccompanied or separated"), required=False)
    citizenship = forms.CharField(label=_("Nationality (ISO3)"), max_length=3, required=False)
    exploitation_types = forms.ChoiceField(
        label=_("Form of exploitation"), choices=(), required=False
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    narrative = forms.CharField(
        label=_("What happened (kept encrypted)"), widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["gender"].choices = _choices("gender")  # type: ignore[attr-defined]
        self.fields["exploitation_types"].choices = _choices("exploitation_type")  # type: ignore[attr-defined]

    def clean_citizenship(self) -> str:
        return str(self.cleaned_data.get("citizenship") or "").upper()

    def profile_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        names = ("gender", "unaccompanied", "citizenship", "exploitation_types")
        return {name: data[name] for name in names}

    def identity(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"].isoformat() if data["date_of_birth"] else "",
        }


class ScreeningForm(CaseProfileForm):
    """First contact: screening indicators, the minimum profile, optional identity."""

    indicators = forms.MultipleChoiceField(
        label=_("Indicators observed"),
        choices=INDICATORS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("One indicator is enough for presumed-victim status (no corroboration)."),
    )
    age = forms.IntegerField(label=_("Age (years)"), min_value=0, max_value=120, required=False)
    presumed_child = forms.BooleanField(label=_("May be a child (age uncertain)"), required=False)

    field_order = (
        "indicators", "urgent_needs", "gender", "age", "presumed_child", "unaccompanied",
        "citizenship", "exploitation_types", "given_name", "family_name", "date_of_birth",
        "narrative",
    )  # fmt: skip

    def profile_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        child = data["presumed_child"] or (data["age"] is not None and data["age"] < 18)
        return {**super().profile_fields(), "age": data["age"], "presumed_child": child}


class TransitionForm(forms.Form):
    track = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason or note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    person_requested = forms.BooleanField(
        label=_("The person asked for this (informed request)"), required=False
    )
    standard_applied = forms.CharField(label=_("Standard applied"), max_length=300, required=False)
    authority = forms.CharField(label=_("Deciding authority"), max_length=200, required=False)
    evidence = forms.CharField(label=_("Evidence (ids, comma-separated)"), required=False)
    notified_via = forms.CharField(label=_("Notified via"), max_length=40, required=False)
    solution = forms.CharField(label=_("Durable solution"), max_length=40, required=False)


class ConsentForm(forms.Form):
    scope = forms.CharField(label=_("Consent to"), max_length=64)
    given_by = forms.ChoiceField(
        label=_("Given by"), choices=(("person", _("the person")), ("guardian", _("guardian")))
    )
    refused = forms.BooleanField(label=_("Refused"), required=False)


class ReferralForm(forms.Form):
    to_agency = forms.ChoiceField(label=_("To agency"), choices=())
    purpose = forms.ChoiceField(label=_("Purpose"), choices=())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=(("referral", _("Referral (share a scoped view)")), ("transfer", _("Transfer"))),
    )
    consent_override = forms.BooleanField(
        label=_("Override missing consent (audited)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason (required for an override)"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )  # fmt: skip


class ResponseForm(forms.Form):
    name = forms.ChoiceField(
        choices=(("accept", "accept"), ("reject", "reject"), ("done", "done"), ("revoke", "revoke"))
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
