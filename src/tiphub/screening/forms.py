"""The structure of a screening form for one indicator set, shared by writer and reader.

The XLSForm generator (`xlsform.py`) and the submission reader (`submissions.py`) both work
from this one description - question names, their choices and what each means for a screening -
so that a form and the import of its submissions can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from tiphub.screening.catalogue import (
    ICLS_GROUPS,
    Catalogue,
    CatalogueError,
    Labels,
    data_dir,
)

UNVERIFIED = ("recalled_unverified", "reconstructed", "reconstructed_low_confidence")
NONE = "none"
NOT_ASSESSED = "not_assessed"
YES, NO, DONT_KNOW = "yes", "no", "dont_know"


@dataclass(frozen=True)
class Choice:
    name: str
    label: Labels
    unverified: bool = False


@dataclass(frozen=True)
class Question:
    """One question of the form and what its answer means for the screening."""

    name: str
    type: str  # text, date, integer, select_one, select_multiple, calculate
    meaning: (
        str  # ref, date, age, is_child, gender, citizenship, dimension, icls, fact, other_forms
    )
    target: str = ""  # the dimension code, ICLS group or fact key
    choices: tuple[Choice, ...] = ()
    list_name: str = ""

    def choice_names(self) -> set[str]:
        return {c.name for c in self.choices}


@dataclass(frozen=True)
class FormSchema:
    set_key: str
    set_code: str
    questions: tuple[Question, ...]
    catalogue_version: str

    def question(self, name: str) -> Question:
        return next(q for q in self.questions if q.name == name)

    @property
    def form_id(self) -> str:
        return f"tiphub_screening_{self.set_code.lower()}"


@cache
def form_strings() -> dict[str, Any]:
    """The form's words in each language (data/form_strings.yaml)."""
    path = data_dir() / "form_strings.yaml"
    try:
        content: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc}") from exc
    return content


def _yes_no() -> tuple[Choice, ...]:
    words = form_strings()["strings"]
    return tuple(Choice(name, words[name]) for name in (YES, NO, DONT_KNOW))


def _markers() -> tuple[Choice, Choice]:
    words = form_strings()["strings"]
    return Choice(NONE, words["none"]), Choice(NOT_ASSESSED, words["not_assessed"])


def form_schema(catalogue: Catalogue, set_key: str) -> FormSchema:
    """The questions of the screening form for `set_key` (a set key or code)."""
    chosen = catalogue.indicator_set(set_key)
    none, not_assessed = _markers()
    yes_no = _yes_no()
    questions: list[Question] = [
        Question("record_ref", "text", "ref"),
        Question("screening_date", "date", "date"),
        Question("age", "integer", "age"),
        Question("is_child", "select_one", "is_child", choices=yes_no, list_name="yes_no"),
        Question(
            "gender",
            "select_one",
            "gender",
            choices=tuple(Choice(g["code"], g["label"]) for g in form_strings()["gender"]),
            list_name="gender",
        ),
        Question("citizenship", "text", "citizenship"),
    ]
    for dim in catalogue.dimensions:
        items = catalogue.set_indicators(chosen.code, dim.code)
        choices = tuple(Choice(i.id, i.label, i.status in UNVERIFIED) for i in items)
        questions.append(
            Question(
                f"ind_{dim.code.lower()}",
                "select_multiple",
                "dimension",
                dim.code,
                (*choices, none, not_assessed),
                f"ind_{dim.code.lower()}",
            )
        )
    for group in ICLS_GROUPS:
        elements = [e for e in catalogue.icls_elements.values() if e.group == group]
        choices = tuple(Choice(e.id, e.label, e.status in UNVERIFIED) for e in elements)
        questions.append(
            Question(
                f"icls_{group.lower()}",
                "select_multiple",
                "icls",
                group,
                (*choices, none, not_assessed),
                f"icls_{group.lower()}",
            )
        )
    for fact in catalogue.facts.values():
        questions.append(
            Question(f"ctx_{fact.key}", "select_one", "fact", fact.key, yes_no, "yes_no")
        )
    other = tuple(
        Choice(i.id, i.label, True) for form in catalogue.other_forms for i in form.indicators
    )
    questions.append(
        Question("other_forms", "select_multiple", "other_forms", "", (*other, none), "other")
    )
    questions.append(Question("tiphub_set", "calculate", "set"))
    questions.append(Question("tiphub_catalogue", "calculate", "catalogue"))
    return FormSchema(chosen.key, chosen.code, tuple(questions), catalogue.version)
