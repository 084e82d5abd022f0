"""The screening page's form, built from the same form schema as the XLSForms.

One checkbox list per ILO/EC dimension of the chosen set (with "could not be assessed"), the
ICLS forced-labour elements, the context facts as yes / no / don't know, and the other forms of
trafficking. Labels come from the catalogue in the user's language; unverified items carry the
same mark (†) as in the field forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiphub.screening.catalogue import Catalogue, text_in
from tiphub.screening.forms import NONE, NOT_ASSESSED, FormSchema, Question, form_strings
from tiphub.web.pages.views.submissions import UploadForm

UNKNOWN_CHOICE = "unknown"


def _label(labels: Any, lang: str, unverified: bool = False) -> str:
    mark = " †" if unverified else ""
    return text_in(labels, lang) + mark


class ScreeningForm(forms.Form):
    age = forms.IntegerField(
        label=_("Age in years (leave empty if unknown)"), min_value=0, max_value=120, required=False
    )
    is_child = forms.ChoiceField(
        label=_("If the age is unknown: is the person under 18?"),
        choices=[(UNKNOWN_CHOICE, _("Don't know")), ("yes", _("Yes")), ("no", _("No"))],
        initial=UNKNOWN_CHOICE,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self, *args: Any, schema: FormSchema, catalogue: Catalogue, lang: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.catalogue = catalogue
        words = form_strings()["strings"]
        self.sections: list[tuple[str, list[str]]] = []
        dims = {d.code: d for d in catalogue.dimensions}
        for question in schema.questions:
            if question.meaning == "dimension":
                dim = dims[question.target]
                self._checkboxes(question, lang, f"{dim.code} - {text_in(dim.label, lang)}")
            elif question.meaning == "icls":
                key = f"icls_{question.target.lower()}"
                self._checkboxes(question, lang, text_in(words[key], lang))
            elif question.meaning == "other_forms":
                self._checkboxes(question, lang, text_in(words["other_group"], lang))
        facts = []
        for fact in catalogue.facts.values():
            name = f"ctx_{fact.key}"
            self.fields[name] = forms.ChoiceField(
                label=text_in(fact.label, lang),
                choices=[
                    (UNKNOWN_CHOICE, text_in(words["dont_know"], lang)),
                    ("yes", text_in(words["yes"], lang)),
                    ("no", text_in(words["no"], lang)),
                ],
                initial=UNKNOWN_CHOICE,
                widget=forms.RadioSelect,
                required=False,
            )
            facts.append(name)
        self.sections.append((text_in(words["context_group"], lang), facts))

    def _checkboxes(self, question: Question, lang: str, title: str) -> None:
        choices = [
            (c.name, _label(c.label, lang, c.unverified))
            for c in question.choices
            if c.name != NONE
        ]
        self.fields[question.name] = forms.MultipleChoiceField(
            label=title,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.sections.append((title, [question.name]))

    def section_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def payload(self) -> dict[str, Any]:
        """The screening in the JSON format of `tiphub screen`."""
        data = self.cleaned_data
        indicators: list[str] = []
        unknown: list[str] = []
        for question in self.schema.questions:
            if question.meaning not in ("dimension", "icls", "other_forms"):
                continue
            picked = data.get(question.name) or []
            if NOT_ASSESSED in picked:
                unknown.append(
                    question.target
                    if question.meaning == "dimension"
                    else f"ICLS-{question.target}"
                )
            indicators += [p for p in picked if p not in (NONE, NOT_ASSESSED)]
        tri = {"yes": True, "no": False}
        context = {
            q.target: tri.get(data.get(q.name) or UNKNOWN_CHOICE)
            for q in self.schema.questions
            if q.meaning == "fact"
        }
        age = data.get("age")
        return {
            "age": age,
            "is_child": None if age is not None else tri.get(data.get("is_child") or ""),
            "set": self.schema.set_key,
            "indicators": indicators,
            "unknown": unknown,
            "context": context,
        }


class ExportUploadForm(UploadForm):
    """A KoboToolbox or ODK Central export of the screening form (CSV or JSON)."""

    prefix = "screening"
    suffixes = frozenset({".csv", ".json", ".tsv", ".txt"})
    wrong_suffix = _("Upload a KoboToolbox or ODK Central export (.csv or .json).")

    file = forms.FileField(
        label=_("Screening export (KoboToolbox or ODK Central, CSV or JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.tsv,.txt"}),
    )
    include_insufficient = forms.BooleanField(
        label=_("Also record people whose screening is undecided (information missing)"),
        required=False,
    )
