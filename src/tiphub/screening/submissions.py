"""Read the submissions of the screening forms exported from KoboToolbox or ODK Central.

Accepted: CSV (comma, semicolon or tab; UTF-8 with or without BOM) and JSON exports. Column
names may carry group paths in either tool's style (`dim_dr/ind_dr` in Kobo, `dim_dr-ind_dr` in
ODK Central); Kobo's one-column-per-choice expansion and both tools' metadata columns are
recognised and ignored. Any other column is an error, because a column tiphub does not know
would be silently dropped. Select values must be the choice names (Kobo: export "XML values").

Every problem names the file, the row (the CSV line, or the submission's position in the JSON
list), the column and the reason - never the value of a free-text field. The reader is
all-or-nothing: it returns every submission or raises `SubmissionError` listing all problems.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tiphub.screening.catalogue import Catalogue
from tiphub.screening.forms import (
    DONT_KNOW,
    NO,
    NONE,
    NOT_ASSESSED,
    YES,
    FormSchema,
    Question,
    form_schema,
)
from tiphub.screening.inputs import InputError, ScreeningInput, parse_person

_METADATA = {
    "start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
    "subscriberid", "audit", "instanceid", "instancename", "deprecatedid", "key",
    "submissiondate", "submitterid", "submittername", "attachmentspresent",
    "attachmentsexpected", "status", "reviewstate", "edits", "formversion",
    "meta", "intro", "uuid", "version",
}  # fmt: skip
_INSTANCE_KEYS = ("meta/instanceID", "meta-instanceID", "instanceID", "KEY", "__id", "_uuid")
_SUBMITTED_KEYS = ("_submission_time", "SubmissionDate", "__system/submissionDate")
_REF = re.compile(r"^[A-Za-z0-9_./-]{1,64}$")
_TRI = {YES: True, NO: False, DONT_KNOW: None, "": None}


@dataclass(frozen=True)
class SubmissionProblem:
    file: str
    row: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, {self.row}, column '{self.column}': {self.message}"


class SubmissionError(ValueError):
    """The file cannot be imported; `problems` lists every problem (nothing was read)."""

    def __init__(self, problems: list[SubmissionProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:20])
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(shown + more)


@dataclass(frozen=True)
class Submission:
    """One screened person as the field team recorded them (no identifying data)."""

    row: str
    instance_id: str
    screening: ScreeningInput
    screening_date: date | None = None
    submitted_at: str | None = None
    record_ref: str | None = None
    gender: str | None = None
    citizenship: str | None = None


@dataclass
class SubmissionBatch:
    file: str
    set_key: str
    submissions: list[Submission]
    warnings: list[str] = field(default_factory=list)


def _flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """ODK Central's JSON nests groups; flatten to Kobo-style `group/question` keys."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(item, Mapping):
            flat.update(_flatten(item, name))
        else:
            flat[name] = item
    return flat


def _rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(row label, {column: value}) for each submission of a CSV or JSON export."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        data = json.loads(text)
        if isinstance(data, Mapping):
            data = data.get("results", data.get("value", [data]))
        if not isinstance(data, list):
            raise ValueError("a JSON export must be a list of submissions")
        for index, item in enumerate(data, start=1):
            if not isinstance(item, Mapping):
                raise ValueError(f"submission {index} is not a JSON object")
            yield f"submission {index}", _flatten(item)
        return
    first = text.splitlines()[0] if text else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        if None in row:
            raise ValueError(f"line {reader.line_num} has more cells than the header")
        yield f"line {reader.line_num}", {k: (v or "").strip() for k, v in row.items()}


class _Columns:
    """Maps export column names to the form's questions."""

    def __init__(self, schema: FormSchema) -> None:
        self.questions = {q.name: q for q in schema.questions}

    def question(self, column: str) -> Question | None:
        last = column.split("/")[-1]
        for candidate in (last, last.split("-")[-1]):
            if candidate in self.questions:
                return self.questions[candidate]
        return None

    def ignored(self, column: str) -> bool:
        parts = column.split("/")
        last = parts[-1]
        if column.startswith("_") or last.startswith("_") or last.lower() in _METADATA:
            return True
        if column.split("-")[-1].lower() in _METADATA:
            return True
        if len(parts) >= 2:  # Kobo's one column per choice: group/question/choice
            owner = self.question(parts[-2]) or self.question("/".join(parts[:-1]))
            return owner is not None and owner.type == "select_multiple"
        return False


def _instance_id(record: Mapping[str, Any]) -> str | None:
    for key in _INSTANCE_KEYS:
        value = record.get(key)
        if value not in (None, ""):
            text = str(value).strip()
            return text if text.startswith("uuid:") else f"uuid:{text}"
    return None


def read_submissions(
    path: Path | str, catalogue: Catalogue, set_key: str | None = None
) -> SubmissionBatch:
    """Read and validate every submission of an export; all or nothing."""
    path = Path(path)
    name = path.name
    problems: list[SubmissionProblem] = []
    try:
        rows = list(_rows(path))
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        raise SubmissionError(
            [SubmissionProblem(name, "file", "-", f"cannot be read: {exc}")]
        ) from exc
    if not rows:
        raise SubmissionError([SubmissionProblem(name, "file", "-", "holds no submission")])

    sets = {
        str(r.get(c, "")).strip()
        for _, r in rows
        for c in r
        if c.split("/")[-1].split("-")[-1] == "tiphub_set"
    }
    sets.discard("")
    chosen = set_key
    if len(sets) > 1:
        raise SubmissionError(
            [SubmissionProblem(name, "file", "tiphub_set", f"mixes several sets: {sorted(sets)}")]
        )
    if sets:
        from_file = sets.pop()
        try:
            from_file = catalogue.indicator_set(from_file).key
        except KeyError:
            raise SubmissionError(
                [SubmissionProblem(name, "file", "tiphub_set", f"unknown set {from_file!r}")]
            ) from None
        if chosen and catalogue.indicator_set(chosen).key != from_file:
            raise SubmissionError(
                [
                    SubmissionProblem(
                        name,
                        "file",
                        "tiphub_set",
                        f"the submissions are for {from_file}, not {chosen}",
                    )
                ]
            )
        chosen = from_file
    if not chosen:
        raise SubmissionError(
            [
                SubmissionProblem(
                    name, "file", "tiphub_set", "no tiphub_set column: give the set (--set)"
                )
            ]
        )
    schema = form_schema(catalogue, chosen)
    columns = _Columns(schema)

    header = list(dict.fromkeys(c for _, r in rows for c in r))
    for column in header:
        if columns.question(column) is None and not columns.ignored(column):
            problems.append(
                SubmissionProblem(
                    name, "header", column, "not a question of the tiphub screening form"
                )
            )
    if problems:
        raise SubmissionError(problems)

    batch = SubmissionBatch(name, schema.set_key, [])
    versions: set[str] = set()
    seen: dict[str, str] = {}
    for row, record in rows:
        submission = _read_one(name, row, record, columns, schema, catalogue, problems, versions)
        if submission is None:
            continue
        if submission.instance_id in seen:
            problems.append(
                SubmissionProblem(
                    name,
                    row,
                    "meta/instanceID",
                    f"same submission as {seen[submission.instance_id]}",
                )
            )
            continue
        seen[submission.instance_id] = row
        batch.submissions.append(submission)
    if problems:
        raise SubmissionError(problems)
    stale = sorted(versions - {"", catalogue.version})
    if stale:
        batch.warnings.append(
            f"{len(stale)} form version(s) {', '.join(stale)} differ from the current catalogue "
            f"{catalogue.version}: the answers were checked against the current catalogue."
        )
    return batch


def _read_one(
    file: str,
    row: str,
    record: Mapping[str, Any],
    columns: _Columns,
    schema: FormSchema,
    catalogue: Catalogue,
    problems: list[SubmissionProblem],
    versions: set[str],
) -> Submission | None:
    start = len(problems)
    answers: dict[str, tuple[str, Any]] = {}
    for column, value in record.items():
        question = columns.question(column)
        if question is not None:
            answers[question.name] = (column, value)

    def text(name: str) -> str:
        value = answers.get(name, ("", ""))[1]
        return "" if value is None else str(value).strip()

    def fail(name: str, message: str) -> None:
        problems.append(
            SubmissionProblem(file, row, answers.get(name, (name, ""))[0] or name, message)
        )

    def choices(name: str) -> list[str] | None:
        """The selected choice names; None when the question was not answered."""
        raw = text(name)
        if not raw:
            return None
        picked = raw.split()
        question = columns.questions[name]
        bad = [p for p in picked if p not in question.choice_names()]
        if bad:
            fail(
                name,
                f"unknown choice(s) {', '.join(bad)} (export choice names - Kobo: 'XML values')",
            )
        return picked

    def tri(name: str) -> bool | None:
        raw = text(name)
        if raw not in _TRI:
            fail(name, f"must be {YES}, {NO} or {DONT_KNOW}")
            return None
        return _TRI[raw]

    instance = _instance_id(record)
    if instance is None:
        problems.append(
            SubmissionProblem(
                file, row, "meta/instanceID", "missing: each submission needs its instance id"
            )
        )
    age: int | None = None
    if text("age"):
        try:
            age = int(float(text("age")))
        except ValueError:
            fail("age", "not a whole number")
    is_child = tri("is_child")
    screening_date = None
    if text("screening_date"):
        try:
            screening_date = date.fromisoformat(text("screening_date")[:10])
        except ValueError:
            fail("screening_date", "not a date (YYYY-MM-DD)")
    ref = text("record_ref") or None
    if ref and not _REF.match(ref):
        fail("record_ref", "must be letters, digits, '-', '_', '/' or '.' (up to 64)")
    gender = text("gender") or None
    if gender and gender not in columns.questions["gender"].choice_names():
        fail("gender", "unknown choice (export choice names)")
    citizenship = text("citizenship").upper() or None
    if citizenship and not re.fullmatch(r"[A-Z]{3}", citizenship):
        fail("citizenship", "must be a three-letter ISO 3166 code")
    versions.add(text("tiphub_catalogue"))

    indicators: list[str] = []
    unknown: list[str] = []
    for question in schema.questions:
        if question.meaning not in ("dimension", "icls", "other_forms"):
            continue
        picked = choices(question.name)
        group = question.target if question.meaning == "dimension" else f"ICLS-{question.target}"
        if picked is None:
            # Not asked (the form's relevance) or not answered: unknown, except for the
            # optional other forms and the children's ICLS categories of an adult.
            adult = (age is not None and age >= 18) or is_child is False
            if question.meaning == "dimension" or (
                question.meaning == "icls" and not (question.target == "CH" and adult)
            ):
                unknown.append(group)
            continue
        special = {NONE, NOT_ASSESSED} & set(picked)
        if special and len(picked) > 1:
            fail(
                question.name, f"'{NONE}' or '{NOT_ASSESSED}' cannot be combined with other choices"
            )
        if NOT_ASSESSED in picked:
            unknown.append(group)
        indicators += [p for p in picked if p not in (NONE, NOT_ASSESSED)]
    context = {
        q.target: tri(q.name) for q in schema.questions if q.meaning == "fact" and q.name in answers
    }

    if len(problems) > start or instance is None:
        return None
    try:
        screening = parse_person(
            {
                "id": instance,
                "age": age,
                "is_child": is_child if age is None else None,
                "set": schema.set_key,
                "indicators": indicators,
                "unknown": unknown,
                "context": context,
            },
            catalogue,
            row,
        )
    except InputError as exc:
        for problem in exc.problems:
            problems.append(SubmissionProblem(file, row, problem.field, problem.message))
        return None
    submitted = next((str(record[k]) for k in _SUBMITTED_KEYS if record.get(k)), None)
    return Submission(row, instance, screening, screening_date, submitted, ref, gender, citizenship)
