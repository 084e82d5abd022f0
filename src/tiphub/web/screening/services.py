"""Screening services on the Django side: the one place that screens and stores.

- `screen(data)`: screen one person from the page's form (nothing stored; the same engine call
  as `tiphub screen`).
- `import_submissions(path, agency_code, actor)`: read a Kobo / ODK export, screen every
  submission, and store the presumed victims as records of the submitting agency through the
  registry's own import (validated, all or nothing, audited), keeping which screening made
  which record (`ScreeningOutcome`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiphub.screening import Screener, ScreeningResult
from tiphub.screening.records import intake_row, record_id_for, should_store, write_intake
from tiphub.screening.submissions import (
    Submission,
    SubmissionError,
    SubmissionProblem,
    read_submissions,
)
from tiphub.web.registry.models import Agency
from tiphub.web.registry.models import Submission as RegistrySubmission
from tiphub.web.registry.services import ImportResult, RegistryError, import_file, reject_file

Progress = Callable[[int, int], None]


def screen(data: Mapping[str, Any], screener: Screener | None = None) -> ScreeningResult:
    """Screen one person (the JSON format of `tiphub screen`); raises `InputError`."""
    return (screener or Screener()).screen(data)


@dataclass
class ScreeningImport:
    """What an import of submissions did. `ok` False: nothing was stored."""

    ok: bool
    file: str
    agency_code: str
    set_key: str = ""
    problems: list[SubmissionProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    screened: list[tuple[Submission, ScreeningResult]] = field(default_factory=list)
    stored: list[tuple[Submission, ScreeningResult]] = field(default_factory=list)
    registry: ImportResult | None = None
    #: the history entry of the import: the registry's, or the kept rejection of an unreadable file
    submission: RegistrySubmission | None = None

    @property
    def history(self) -> RegistrySubmission | None:
        registry = self.registry.submission if self.registry else None
        return registry or self.submission

    def count(self, outcome: str, verdict: str) -> int:
        return sum(1 for _, r in self.screened if r.verdict(outcome) == verdict)

    def summary(self) -> dict[str, Any]:
        registry = self.registry
        return {
            "ok": self.ok,
            "file": self.file,
            "agency": self.agency_code,
            "set": self.set_key,
            "submissions": len(self.screened),
            "presumed_victims": self.count("presumed_victim", "yes"),
            "not_presumed_victims": self.count("presumed_victim", "no"),
            "insufficient": self.count("presumed_victim", "insufficient"),
            "manual_review": sum(
                1 for _, r in self.screened if r.outcomes["presumed_victim"].extra["manual_review"]
            ),
            "records_stored": len(self.stored) if self.ok else 0,
            "created": registry.created if registry and self.ok else 0,
            "updated": registry.updated if registry and self.ok else 0,
            "unchanged": registry.unchanged if registry and self.ok else 0,
            "submission": registry.submission.pk if registry and registry.submission else None,
            "problems": [str(p) for p in self.problems],
            "warnings": self.warnings,
        }


def import_submissions(
    path: Path | str,
    agency_code: str,
    actor: Any = None,
    *,
    set_key: str | None = None,
    include_insufficient: bool = False,
    screener: Screener | None = None,
    display_name: str | None = None,
    progress: Progress | None = None,
    keep_rejected: bool = False,
) -> ScreeningImport:
    """Screen every submission of an export and store the presumed victims; all or nothing.

    Raises `RegistryError` for an unknown agency (screenings are imported for an agency that
    exists). A file that cannot be read, or whose presumed-victim rows the data standard
    refuses, stores nothing: the result has `ok=False` and the problems by file, row and column.
    `keep_rejected` (the web upload) also keeps an unreadable export in the agency's history
    with its report, as an invalid intake file is kept; a file the registry refused is kept in
    any case, its report naming the export's rows.
    """
    path = Path(path)
    name = display_name or path.name
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise RegistryError(f"unknown agency {agency_code!r}: create it first (tiphub import)")
    screener = screener or Screener()
    try:
        batch = read_submissions(path, screener.catalogue, set_key)
    except SubmissionError as exc:
        problems = [SubmissionProblem(name, p.row, p.column, p.message) for p in exc.problems]
        refused = ScreeningImport(False, name, agency_code, problems=problems)
        if keep_rejected:
            report = problems_report(problems)
            refused.submission = reject_file(
                path, agency_code, actor, report, file_format="screening", display_name=name
            )
        return refused
    outcome = ScreeningImport(True, name, agency_code, batch.set_key, warnings=batch.warnings)
    outcome.screened = [(s, screener.screen(s.screening)) for s in batch.submissions]
    outcome.stored = [(s, r) for s, r in outcome.screened if should_store(r, include_insufficient)]
    if not outcome.stored:
        return outcome

    today = timezone.localdate()
    rows = [intake_row(s, r, screener.catalogue, today) for s, r in outcome.stored]
    workdir = Path(tempfile.mkdtemp(prefix="tiphub-screening-"))
    try:
        workdir.chmod(0o700)
        intake = write_intake(rows, workdir / "presumed-victims.csv")
        with transaction.atomic():
            result = import_file(
                intake,
                agency_code,
                actor,
                display_name=f"{name} (screening: presumed victims)"[:255],
                progress=progress,
            )
            outcome.registry = result
            if not result.ok:
                outcome.ok = False
                outcome.problems = _map_back(name, result.report, outcome.stored)
                if result.submission is not None:
                    report = {**result.submission.report, **problems_report(outcome.problems)}
                    result.submission.report = report
                    result.submission.save(update_fields=["report"])
                return outcome
            _keep_outcomes(agency, result, outcome.stored, screener)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def problems_report(problems: list[SubmissionProblem]) -> dict[str, Any]:
    """Problems in the shape of the validation report the Submissions page shows row by row
    (no value: submissions hold no identifying data, and the page needs none)."""
    return {
        "ok": False,
        "n_errors": len(problems),
        "errors": [
            {"file": p.file, "row": p.row, "column": p.column, "value": None, "reason": p.message}
            for p in problems
        ],
    }


def _map_back(
    name: str, report: Mapping[str, Any], stored: list[tuple[Submission, ScreeningResult]]
) -> list[SubmissionProblem]:
    """Registry errors name rows of the derived intake file; point at the submissions instead."""
    problems = []
    for issue in report.get("errors", []):
        row = issue.get("row")
        where = "file"
        if isinstance(row, int) and 2 <= row < len(stored) + 2:
            where = stored[row - 2][0].row
        problems.append(
            SubmissionProblem(name, where, issue.get("column") or "-", str(issue.get("reason", "")))
        )
    return problems


def _keep_outcomes(
    agency: Agency,
    result: ImportResult,
    stored: list[tuple[Submission, ScreeningResult]],
    screener: Screener,
) -> None:
    from tiphub.web.registry.models import VictimRecord
    from tiphub.web.screening.models import ScreeningOutcome

    wanted = [record_id_for(s.instance_id) for s, _ in stored]
    pks = dict(
        VictimRecord.objects.filter(agency=agency, record_id__in=wanted).values_list(
            "record_id", "pk"
        )
    )
    for submission, screening in stored:
        person = screening.person
        ScreeningOutcome.objects.update_or_create(
            agency=agency,
            instance_id=submission.instance_id,
            defaults={
                "record_id": pks.get(record_id_for(submission.instance_id)),
                "submission": result.submission,
                "set_key": person.set_key or "",
                "indicators": list(person.indicators),
                "unknown": list(person.unknown),
                "context": dict(person.context),
                "verdicts": {name: screening.verdict(name) for name in screening.outcomes},
                "criteria_met": screening.outcomes["presumed_victim"].extra["criteria_met"],
                "manual_review": screening.outcomes["presumed_victim"].extra["manual_review"],
                "policy": screener.policy.name,
                "catalogue_version": screener.catalogue.version,
            },
        )
