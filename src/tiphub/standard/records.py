"""The validated, normalised form of an intake file: records and the batch that holds them.

An `IntakeRecord` keeps identifying values (`identifying`) apart from statistical ones (`fields`,
`derived`) so that the registry can encrypt the first and index the second, and so that nothing
downstream has to know which column is which.
"""

from dataclasses import dataclass, field
from typing import Any

from tiphub.standard.derive import STATISTICAL_COLUMNS
from tiphub.standard.report import ValidationReport


@dataclass(slots=True)
class IntakeRecord:
    """One valid row of an intake file.

    - `record_id`: the agency's own id (unique within the file).
    - `identifying`: non-empty L-ID / L-SC values, normalised text (trimmed, NFC; dates ISO).
    - `fields`: every other column (L-QI / L-OP) normalised: canonical codes, lists for
      multi-valued columns (empty list when blank), `datetime.date`, `int`; None when blank.
    - `derived`: the derived statistical fields (year, age_years, is_child, sex, age_group,
      age_band, form_sexual, form_labour, form_organ, form_other).
    - `row`: the spreadsheet row it came from (for messages about it later).
    """

    record_id: str
    identifying: dict[str, str]
    fields: dict[str, object]
    derived: dict[str, object]
    row: int = 0


@dataclass
class IntakeBatch:
    """The outcome of reading one file: its report, and its records when (and only when) valid."""

    report: ValidationReport
    records: list[IntakeRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report.ok


def statistical_row(record: IntakeRecord) -> dict[str, Any]:
    """The non-identifying columns of the statistical frame (contracts.md section 2).

    Without `record_pk` and `agency`, which the registry adds. `exploitation_types` is `;`-joined
    so the frame stays flat; codes are canonical; unknowns are None (or `_U` for sex/age group).
    """
    values = {**record.fields, **record.derived}
    row: dict[str, Any] = {}
    for column in STATISTICAL_COLUMNS:
        value = values.get(column)
        if column == "exploitation_types":
            value = ";".join(value) if isinstance(value, list) else (value or "")
        row[column] = value
    return row
