"""The registry's columns follow the data dictionary's protection levels (privacy A1.1, A2.1)."""

from tiphub.standard.dictionary import Level, intake_fields
from tiphub.web.registry import intake, protection
from tiphub.web.registry.models import VictimRecord
from tiphub.web.registry.services import FRAME_COLUMNS


def _columns() -> set[str]:
    return {f.name for f in VictimRecord._meta.get_fields() if getattr(f, "concrete", False)}


def test_every_dictionary_field_has_a_place_by_its_level() -> None:
    columns = _columns()
    for spec in intake_fields():
        if spec.level in (Level.IDENTIFIER, Level.SPECIAL):
            assert spec.name not in columns, f"{spec.name} ({spec.level}) is stored in clear"
            in_sensitive = spec.name in protection.SENSITIVE_FIELDS
            assert in_sensitive == (spec.level is Level.SPECIAL), spec.name
        else:
            assert spec.name in columns, f"{spec.name} ({spec.level}) has no registry column"
            assert spec.name == "record_id" or spec.name in intake.FIELD_COLUMNS, spec.name


def test_derived_and_frame_columns_are_stored_in_clear() -> None:
    from tiphub.standard import DERIVED_FIELDS

    columns = _columns()
    assert set(DERIVED_FIELDS) == set(intake.DERIVED_COLUMNS)
    assert set(DERIVED_FIELDS) <= columns
    identifying = {s.name for s in intake_fields() if s.identifying}
    assert not identifying & set(FRAME_COLUMNS)


def test_no_unkeyed_hash_or_plain_identifier_column() -> None:
    """Only ciphertext (binary), keyed tokens and clear statistical columns exist."""
    names = _columns()
    suspicious = {n for n in names if any(w in n for w in ("name", "birth", "phone", "email"))}
    assert suspicious == {"bi_full_name", "bi_family_name", "bi_date_of_birth"}
