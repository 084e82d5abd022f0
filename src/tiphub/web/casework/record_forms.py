"""Forms of a case's records (guardian, BIA/BID, return risk and plan, permits, follow-up,
tracing): short, phone-friendly, every field labelled.

The forms check only what a form can (types, lengths, the child's views as a required field);
everything the law requires of the record itself (an appointing authority, a conflict check, a
BID quorum, a review date, a risk assessment covering refoulement...) is the workflow's guard,
so that the page, the API and the rules say the same thing, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiphub.web.casework import models as m

DATE = forms.DateInput(attrs={"type": "date"})
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})

#: durable solutions a BIA or BID weighs (the profile adds those that need a BID).
LOCAL_SOLUTIONS = ("local_integration", "local_reunification", "foster_care")
#: risks a return risk assessment rates (re-trafficking and refoulement are required by the guard).
RISKS = (
    ("re_trafficking", _("Re-trafficking")),
    ("refoulement", _("Refoulement (persecution, serious harm)")),
    ("retaliation", _("Retaliation by the traffickers")),
    ("family_involvement", _("Family involved in the trafficking")),
    ("health", _("Health and access to care")),
)
RATINGS = (
    ("", _("not assessed")),
    ("none", _("none")),
    ("low", _("low")),
    ("medium", _("medium")),
    ("high", _("high")),
)
FOLLOW_UP_MODES = (
    ("visit", _("visit")),
    ("phone", _("phone call")),
    ("partner_report", _("report by a partner agency")),
)
YES_NO_UNKNOWN = (("", _("not checked yet")), ("yes", _("yes")), ("no", _("no")))


def solution_choices(bid_required_for: Iterable[str]) -> list[tuple[str, str]]:
    names = [*LOCAL_SOLUTIONS, *sorted(s for s in bid_required_for if s not in LOCAL_SOLUTIONS)]
    return [(name, name.replace("_", " ")) for name in names]


class GuardianForm(forms.Form):
    """The appointment of the guardian requested for the child (transition `appoint_guardian`)."""

    is_organisation = forms.TypedChoiceField(
        label=_("The guardian is"),
        choices=(("no", _("a person")), ("yes", _("an organisation"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    person = forms.CharField(
        label=_("Name of the guardian (the natural person)"), max_length=150, required=False
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    authority = forms.CharField(label=_("Appointing authority"), max_length=200, required=False)
    conflict_checked = forms.BooleanField(
        label=_("A conflict-of-interest check was done"), required=False
    )
    conflict_found = forms.BooleanField(label=_("The check found a conflict"), required=False)

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "guardian": {"person": data["person"], "organisation": data["organisation"]},
            "authority": data["authority"],
            "is_organisation": data["is_organisation"],
            "named_person": bool(data["person"].strip()),
            "conflict_checked": data["conflict_checked"],
            "conflict_found": data["conflict_found"],
        }


class BestInterestsForm(forms.Form):
    """A best-interests assessment (BIA): the child's views are required (right to be heard)."""

    kind = "BIA"
    childs_views = forms.CharField(
        label=_("The child's views (heard in a language the child understands)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: a best-interests assessment records what the child said."),
    )
    options_considered = forms.MultipleChoiceField(
        label=_("Options considered"), widget=forms.CheckboxSelectMultiple, required=False
    )
    recommendation = forms.CharField(label=_("Recommendation"), widget=SHORT_TEXT, required=False)

    def __init__(self, *args: Any, solutions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["options_considered"].choices = solutions  # type: ignore[attr-defined]

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "childs_views_recorded": bool(data["childs_views"].strip()),
            "childs_views": data["childs_views"],
            "recommendation": data["recommendation"],
            "options_considered": data["options_considered"],
        }


class DeterminationForm(BestInterestsForm):
    """A best-interests determination (BID) by a panel: members, quorum, dissent, review."""

    kind = "BID"
    panel_users = forms.MultipleChoiceField(
        label=_("Panel members with an account"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_members = forms.CharField(
        label=_("Other panel members: their role or profession, one per line (no names)"),
        widget=SHORT_TEXT,
        required=False,
    )
    guardian_consulted = forms.BooleanField(
        label=_("The guardian was present or consulted"), required=False
    )
    solutions_in_best_interests = forms.MultipleChoiceField(
        label=_("Found in the child's best interests"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dissent = forms.CharField(
        label=_("Dissent (a member's differing view)"), widget=SHORT_TEXT, required=False
    )
    review_date = forms.DateField(label=_("Review date"), widget=DATE, required=False)

    field_order = (
        "panel_users", "other_members", "guardian_consulted", "childs_views",
        "options_considered", "solutions_in_best_interests", "recommendation", "dissent",
        "review_date",
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        solutions: list[tuple[str, str]],
        panel: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, solutions=solutions, **kwargs)
        self.fields["solutions_in_best_interests"].choices = solutions  # type: ignore[attr-defined]
        self.fields["panel_users"].choices = panel  # type: ignore[attr-defined]
        self.fields["recommendation"].label = _("Decision and its reasons")

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        members: list[dict[str, Any]] = [
            {"user": int(pk), "role": "bid_panel_member"} for pk in data["panel_users"]
        ]
        members += [
            {"role": line.strip()[:80]}
            for line in data["other_members"].splitlines()
            if line.strip()
        ]
        return {
            **super().command_kwargs(),
            "panel_members": members,
            "guardian_consulted": data["guardian_consulted"],
            "solutions_in_best_interests": data["solutions_in_best_interests"],
            "dissent": data["dissent"],
            "review_date": data["review_date"],
        }


class RiskAssessmentForm(forms.Form):
    """A return risk assessment, and the decision on the return it supports."""

    destination = forms.CharField(label=_("Destination country (ISO3)"), max_length=3)
    result = forms.ChoiceField(
        label=_("Result"), choices=m.ReturnRiskAssessment.RESULTS, widget=forms.RadioSelect
    )
    mitigation = forms.CharField(
        label=_("Mitigation (required for a conditional result)"),
        widget=SHORT_TEXT,
        max_length=300,
        required=False,
    )
    receiving_agency_confirmed = forms.BooleanField(
        label=_("The receiving agency confirmed"), required=False
    )
    then = forms.ChoiceField(
        label=_("Then"),
        choices=(
            ("", _("record the assessment only")),
            ("clear", _("clear the return on this assessment")),
            ("block", _("block the return")),
        ),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (required to block)"), widget=SHORT_TEXT, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in RISKS:
            self.fields[f"risk_{name}"] = forms.ChoiceField(
                label=_("Risk: %(risk)s") % {"risk": label}, choices=RATINGS, required=False
            )
        self.order_fields(["destination", *(f"risk_{name}" for name, _l in RISKS)])

    def clean_destination(self) -> str:
        return str(self.cleaned_data["destination"]).upper()

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "destination": data["destination"],
            "risks": {name: data[f"risk_{name}"] for name, _l in RISKS if data[f"risk_{name}"]},
            "result": data["result"],
            "mitigation": data["mitigation"],
            "receiving_agency_confirmed": data["receiving_agency_confirmed"],
            "then": data["then"],
            "reason": data["reason"],
        }


class ReturnPlanForm(forms.Form):
    """The return plan (what the return guards read) and, if asked, planning the return."""

    voluntary = forms.BooleanField(label=_("The return is voluntary"), required=False)
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE, required=False)
    escort = forms.BooleanField(label=_("Escorted"), required=False)
    receiving_agency = forms.CharField(label=_("Receiving agency"), max_length=200, required=False)
    receiving_agency_confirmed = forms.BooleanField(
        label=_("The receiving caregiver or agency confirmed"), required=False
    )
    reintegration_plan = forms.BooleanField(
        label=_("A reintegration plan is in place"), required=False
    )
    cross_border_consent = forms.BooleanField(
        label=_("Consent to share data with the receiving agency abroad"), required=False
    )
    plan_now = forms.BooleanField(
        label=_("Plan the return now (the return guards are checked)"), required=False
    )
    person_requested = forms.BooleanField(
        label=_("The person explicitly asks to return (informed, voluntary)"), required=False
    )

    PLAN_FIELDS = (
        "voluntary", "planned_date", "escort", "receiving_agency", "receiving_agency_confirmed",
        "reintegration_plan", "cross_border_consent",
    )  # fmt: skip

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.PLAN_FIELDS},
            "plan_now": data["plan_now"],
            "person_requested": data["person_requested"],
        }


class PermitApplicationForm(forms.Form):
    permit_type = forms.ChoiceField(label=_("Permit"), choices=m.ResidencePermit.TYPES)
    issuing_authority = forms.CharField(
        label=_("Issuing authority"), max_length=200, required=False
    )
    reason = forms.CharField(label=_("Note"), widget=SHORT_TEXT, required=False)


class PermitDecisionForm(forms.Form):
    permit = forms.TypedChoiceField(label=_("Application"), coerce=int)
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=(("yes", _("grant")), ("no", _("refuse"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    issuing_authority = forms.CharField(
        label=_("Issuing authority"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Reasons (required to refuse)"), widget=SHORT_TEXT, required=False
    )

    def __init__(self, *args: Any, permits: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["permit"].choices = permits  # type: ignore[attr-defined]


class PermitRenewalForm(forms.Form):
    permit = forms.TypedChoiceField(label=_("Permit"), coerce=int)
    valid_until = forms.DateField(label=_("New expiry"), widget=DATE)
    reason = forms.CharField(label=_("Note"), widget=SHORT_TEXT, required=False)

    def __init__(self, *args: Any, permits: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["permit"].choices = permits  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    """A follow-up visit after return; a re-trafficking indicator reopens the case."""

    followup = forms.TypedChoiceField(label=_("Scheduled follow-up"), coerce=int)
    mode = forms.ChoiceField(label=_("How"), choices=FOLLOW_UP_MODES)
    wellbeing = forms.IntegerField(
        label=_("Wellbeing (1 very poor - 5 very good)"), min_value=1, max_value=5, required=False
    )
    re_trafficking_indicator = forms.BooleanField(
        label=_("Any re-trafficking indicator (reopens the case with an urgent alert)"),
        required=False,
    )
    needs = forms.CharField(label=_("Needs"), max_length=200, required=False)

    def __init__(self, *args: Any, visits: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followup"].choices = visits  # type: ignore[attr-defined]

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "mode": data["mode"],
            "re_trafficking_indicator": data["re_trafficking_indicator"],
            "wellbeing": data["wellbeing"],
            "needs": data["needs"],
        }


class TracingForm(forms.Form):
    """A family tracing request: who is sought (kept encrypted), the safety check, borders."""

    relation = forms.CharField(
        label=_("Relation to the person (mother, brother...)"), max_length=60
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    date_of_birth = forms.CharField(
        label=_("Date of birth, as far as known (YYYY-MM-DD, YYYY-MM or YYYY)"),
        max_length=10,
        required=False,
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth (estimate)"), min_value=1900, max_value=2100, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=(("", _("unknown")), ("F", _("female")), ("M", _("male"))),
        required=False,
    )
    last_known_location = forms.CharField(
        label=_("Last known location"), max_length=200, required=False
    )
    family_contact_safe = forms.TypedChoiceField(
        label=_("Risk check: is contacting the family safe? (the family may be involved)"),
        choices=YES_NO_UNKNOWN,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    cross_border = forms.BooleanField(label=_("Tracing across borders"), required=False)
    counterpart_country = forms.CharField(
        label=_("Counterpart country (ISO3)"), max_length=3, required=False
    )
    counterpart_agency = forms.CharField(
        label=_("Counterpart agency abroad"), max_length=200, required=False
    )
    data_sharing_agreement = forms.CharField(
        label=_("Data-sharing agreement (reference)"), max_length=64, required=False
    )

    def clean_counterpart_country(self) -> str:
        return str(self.cleaned_data.get("counterpart_country") or "").upper()

    def clean_date_of_birth(self) -> str:
        from tiphub.linkage.search import birth_date

        value = str(self.cleaned_data.get("date_of_birth") or "").strip()
        if value and (birth_date(value) is None or birth_date(value).estimated):  # type: ignore[union-attr]
            raise forms.ValidationError(_("Write the date as YYYY-MM-DD, YYYY-MM or YYYY."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name")):
            raise forms.ValidationError(_("A given or a family name is needed to search."))
        return data

    def command_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        sought = {
            "relation": data["relation"],
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"],
            "birth_year": data["birth_year"] or "",
            "sex": data["sex"],
            "last_known_location": data["last_known_location"],
        }
        return {
            "sought": sought,
            "cross_border": data["cross_border"],
            "counterpart_country": data["counterpart_country"],
            "counterpart_agency": data["counterpart_agency"],
            "data_sharing_agreement": data["data_sharing_agreement"],
            "family_contact_safe": data["family_contact_safe"],
        }


class NoFieldsForm(forms.Form):
    """A button that makes one move (search now, reunify)."""

    def command_kwargs(self) -> dict[str, Any]:
        return {}


class TracingRiskCheckForm(forms.Form):
    family_contact_safe = forms.TypedChoiceField(
        label=_("Is contacting the family safe? (the family may have been involved)"),
        choices=(("yes", _("yes")), ("no", _("no"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def command_kwargs(self) -> dict[str, Any]:
        return {"family_contact_safe": self.cleaned_data["family_contact_safe"]}


class ProposeMatchForm(forms.Form):
    candidate = forms.TypedChoiceField(
        label=_("Candidate"), coerce=int, widget=forms.RadioSelect, choices=()
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = candidates  # type: ignore[attr-defined]

    def command_kwargs(self) -> dict[str, Any]:
        return {"candidate": self.cleaned_data["candidate"]}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=SHORT_TEXT, max_length=1000)

    def command_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class VerifyMatchForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the relationship was verified"),
        choices=m.TracingRequest.VERIFICATION_METHODS,
        widget=forms.RadioSelect,
    )

    def command_kwargs(self) -> dict[str, Any]:
        return {"method": self.cleaned_data["method"]}


class ReunificationAssessmentForm(forms.Form):
    both_sides_willing = forms.BooleanField(
        label=_("Both the person and the family want to be reunited"), required=False
    )
    reunification_safe = forms.BooleanField(
        label=_("Reunification is safe (no risk from the family or at home)"), required=False
    )
    childs_views = forms.CharField(
        label=_("The child's views (required for a child)"), widget=SHORT_TEXT, required=False
    )
    summary = forms.CharField(label=_("Assessment"), widget=SHORT_TEXT, required=False)

    def command_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SendMessageForm(forms.Form):
    counterpart_agency = forms.CharField(
        label=_("Counterpart agency abroad"), max_length=200, required=False
    )

    def command_kwargs(self) -> dict[str, Any]:
        return {"counterpart_agency": self.cleaned_data["counterpart_agency"]}


class ReceiveMessageForm(forms.Form):
    document = forms.CharField(
        label=_("The counterpart's message (JSON, format tiphub.tracing-message)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
    )

    def clean_document(self) -> Any:
        import json

        try:
            return json.loads(self.cleaned_data["document"])
        except ValueError:
            raise forms.ValidationError(_("This is not JSON.")) from None

    def command_kwargs(self) -> dict[str, Any]:
        return {"document": self.cleaned_data["document"]}
