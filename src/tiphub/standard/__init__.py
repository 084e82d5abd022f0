"""tiphub.standard: the data standard every stage relies on (pure Python, no Django import).

- the intake field dictionary and code lists, as data files (`data/`);
- reading and validating agency files (`load_intake`), with reports that name file, row, column,
  value and reason and never echo identifying values;
- the derived statistical fields (`derive`, `statistical_row`) shared by all stages;
- CTDC 2024 export and import (`to_ctdc`, `load_ctdc`);
- the synthetic country (`tiphub.standard.synth`).
"""

from tiphub.standard.codelists import Code, CodeList, code_list, code_list_names
from tiphub.standard.ctdc import CTDC_COLUMNS, load_ctdc, to_ctdc
from tiphub.standard.derive import DERIVED_FIELDS, STATISTICAL_COLUMNS, derive
from tiphub.standard.dictionary import FieldDictionary, FieldSpec, FieldType, Level, intake_fields
from tiphub.standard.reading import DEFAULT_MAX_ROWS, SUPPORTED_SUFFIXES
from tiphub.standard.records import IntakeBatch, IntakeRecord, statistical_row
from tiphub.standard.report import DEFAULT_MAX_ERRORS, ValidationIssue, ValidationReport
from tiphub.standard.validation import load_intake

__all__ = [
    "CTDC_COLUMNS",
    "DEFAULT_MAX_ERRORS",
    "DEFAULT_MAX_ROWS",
    "DERIVED_FIELDS",
    "STATISTICAL_COLUMNS",
    "SUPPORTED_SUFFIXES",
    "Code",
    "CodeList",
    "FieldDictionary",
    "FieldSpec",
    "FieldType",
    "IntakeBatch",
    "IntakeRecord",
    "Level",
    "ValidationIssue",
    "ValidationReport",
    "code_list",
    "code_list_names",
    "derive",
    "intake_fields",
    "load_ctdc",
    "load_intake",
    "statistical_row",
    "to_ctdc",
]
