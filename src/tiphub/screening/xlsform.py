"""Generate XLSForms (for KoboToolbox and ODK Collect) from the screening catalogues.

Field teams screen offline on a phone; the form asks exactly what the rule engine reads: the
indicators of one ILO/EC set dimension by dimension (with "none" and "could not be assessed", so
that an unasked question is never mistaken for a "no"), the ICLS forced-labour elements, the
context facts and the other forms of trafficking. Labels come from the catalogues in English,
French and Spanish; items that are not verified carry a mark explained at the top of the form.
The form never asks for a name or any other identifying detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tiphub.screening.catalogue import Catalogue, Labels, text_in
from tiphub.screening.forms import (
    NONE,
    NOT_ASSESSED,
    FormSchema,
    form_schema,
    form_strings,
)

SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "appearance",
)
TRANSLATED = ("label", "hint", "constraint_message")

_EXCLUSIVE = (
    f"not(selected(., '{NONE}') and count-selected(.) > 1) and "
    f"not(selected(., '{NOT_ASSESSED}') and count-selected(.) > 1)"
)
_MAY_BE_CHILD = "not((${age} != '' and ${age} >= 18) or ${is_child} = 'no')"


class FormError(ValueError):
    """The form cannot be generated as asked (unknown set or language)."""


def parse_languages(value: str | Sequence[str]) -> list[str]:
    """ "en,fr,es" -> ["en", "fr", "es"]; each must be a language of the catalogue."""
    items = value.split(",") if isinstance(value, str) else list(value)
    langs = [item.strip().lower() for item in items if item.strip()]
    known = form_strings()["languages"]
    unknown = [lang for lang in langs if lang not in known]
    if not langs or unknown:
        raise FormError(f"languages must be among {', '.join(known)} (got {value!r})")
    return list(dict.fromkeys(langs))


class _Sheet:
    """Rows of one XLSForm sheet with translated columns expanded per language."""

    def __init__(self, columns: Sequence[str], langs: Sequence[str]) -> None:
        names = form_strings()["languages"]
        self.headers: list[str] = []
        for column in columns:
            if column in TRANSLATED:
                self.headers += [f"{column}::{names[lang]}" for lang in langs]
            else:
                self.headers.append(column)
        self.langs = langs
        self.rows: list[list[Any]] = []

    def add(self, **cells: Any) -> None:
        row: list[Any] = []
        for header in self.headers:
            base, _, lang_name = header.partition("::")
            value = cells.get(base)
            if lang_name and isinstance(value, dict):
                lang = next(code for code in self.langs if lang_name.endswith(f"({code})"))
                value = text_in(value, lang)
            row.append(value if value not in (None, "") else None)
        self.rows.append(row)


def _fill(labels: Labels, **values: str) -> dict[str, str]:
    return {lang: text.format(**values) for lang, text in labels.items()}


def _marked(labels: Labels, unverified: bool) -> dict[str, str]:
    mark = form_strings()["strings"]["unverified_mark"]
    return {lang: f"{text} {mark[lang]}" if unverified else text for lang, text in labels.items()}


def build_xlsform(catalogue: Catalogue, set_key: str, langs: Sequence[str]) -> Workbook:
    """The XLSForm workbook for one indicator set in the given languages."""
    try:
        catalogue.indicator_set(set_key)
    except KeyError as exc:
        known = ", ".join(s.key for s in catalogue.sets)
        raise FormError(f"unknown set {set_key!r} (known: {known})") from exc
    schema = form_schema(catalogue, set_key)
    langs = parse_languages(list(langs))
    words = form_strings()["strings"]
    chosen = catalogue.indicator_set(schema.set_key)
    survey = _Sheet(SURVEY_COLUMNS, langs)
    choices = _Sheet(("list_name", "name", "label"), langs)

    survey.add(type="note", name="intro", label=_fill(words["intro"], mark="†"))
    survey.add(
        type="text",
        name="record_ref",
        label=words["record_ref"],
        constraint="regex(., '^[A-Za-z0-9_./-]{1,64}$')",
        constraint_message=words["record_ref_constraint"],
    )
    survey.add(
        type="date",
        name="screening_date",
        label=words["screening_date"],
        required="yes",
        default="today()",
    )
    survey.add(
        type="integer",
        name="age",
        label=words["age"],
        constraint=". >= 0 and . <= 120",
        constraint_message=words["age_constraint"],
    )
    survey.add(
        type="select_one yes_no",
        name="is_child",
        label=words["is_child"],
        required="yes",
        relevant="${age} = ''",
    )
    survey.add(type="select_one gender", name="gender", label=words["gender"])
    survey.add(
        type="text",
        name="citizenship",
        label=words["citizenship"],
        constraint="regex(., '^[A-Za-z]{3}$')",
        constraint_message=words["citizenship_constraint"],
    )

    for dim in catalogue.dimensions:
        question = schema.question(f"ind_{dim.code.lower()}")
        survey.add(type="begin_group", name=f"dim_{dim.code.lower()}", label=dim.label)
        survey.add(
            type=f"select_multiple {question.list_name}",
            name=question.name,
            label=_prefixed(dim.code, words["tick_all"]),
            required="yes",
            constraint=_EXCLUSIVE,
            constraint_message=words["exclusive"],
        )
        survey.add(type="end_group")

    survey.add(type="begin_group", name="forced_labour", label=words["icls_group"])
    for group in ("IV", "TP", "CH"):
        question = schema.question(f"icls_{group.lower()}")
        survey.add(
            type=f"select_multiple {question.list_name}",
            name=question.name,
            label=words[f"icls_{group.lower()}"],
            required="yes",
            relevant=_MAY_BE_CHILD if group == "CH" else None,
            constraint=_EXCLUSIVE,
            constraint_message=words["exclusive"],
        )
    survey.add(type="end_group")

    survey.add(type="begin_group", name="situation", label=words["context_group"])
    for fact in catalogue.facts.values():
        survey.add(
            type="select_one yes_no",
            name=f"ctx_{fact.key}",
            label=fact.label,
            required="no" if fact.when_unknown is not None else "yes",
            relevant=_MAY_BE_CHILD if fact.key == "penalty_by_third_party" else None,
        )
    survey.add(type="end_group")

    other = schema.question("other_forms")
    survey.add(type="begin_group", name="other", label=words["other_group"])
    survey.add(
        type=f"select_multiple {other.list_name}",
        name=other.name,
        label=words["other_forms"],
        constraint=f"not(selected(., '{NONE}') and count-selected(.) > 1)",
        constraint_message=words["exclusive"],
    )
    survey.add(type="end_group")
    survey.add(type="calculate", name="tiphub_set", calculation=f"'{schema.set_key}'")
    survey.add(
        type="calculate", name="tiphub_catalogue", calculation=f"'{schema.catalogue_version}'"
    )
    survey.add(type="note", name="end", label=words["end"])

    written: set[str] = set()
    for question in schema.questions:
        if not question.list_name or question.list_name in written:
            continue
        written.add(question.list_name)
        for choice in question.choices:
            choices.add(
                list_name=question.list_name,
                name=choice.name,
                label=_marked(choice.label, choice.unverified),
            )

    names = form_strings()["languages"]
    settings = _Sheet(("form_title", "form_id", "version", "default_language"), [])
    settings.add(
        form_title=text_in(_fill(words["title"], set=text_in(chosen.label, langs[0])), langs[0]),
        form_id=schema.form_id,
        version=schema.catalogue_version,
        default_language=names[langs[0]],
    )
    return _workbook({"survey": survey, "choices": choices, "settings": settings})


def _prefixed(code: str, labels: Labels) -> dict[str, str]:
    return {lang: f"{code}: {text}" for lang, text in labels.items()}


def _workbook(sheets: dict[str, _Sheet]) -> Workbook:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, sheet in sheets.items():
        ws = book.create_sheet(title)
        ws.append(sheet.headers)
        for row in sheet.rows:
            ws.append(row)
    return book


def write_xlsform(
    catalogue: Catalogue, set_key: str, langs: Sequence[str], out: Path | str
) -> FormSchema:
    """Write the XLSForm of `set_key` to `out` (.xlsx); returns the form's schema."""
    book = build_xlsform(catalogue, set_key, langs)
    book.save(str(out))
    return form_schema(catalogue, set_key)
