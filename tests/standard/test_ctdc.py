"""CTDC 2024 export and import: codebook order, NULL/1 flags, the Appendix II merges."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tiphub.standard import IntakeRecord, derive, load_intake
from tiphub.standard.ctdc import CTDC_COLUMNS, load_ctdc, to_ctdc

from .conftest import TODAY, WriteCsv

CODEBOOK_ORDER = [
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
    "traffickMonths", "meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex",
    "meansFalsePromises", "meansDrugsAlcohol", "meansDenyBasicNeeds", "meansExcessiveWorkHours",
    "meansWithholdDocs", "isForcedLabour", "isSexualExploit", "isOtherExploit",
    "typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork",
    "typeOfLabourHospitality", "typeOfSexProstitution", "typeOfSexPornography",
    "recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
    "recruiterRelationOther",
]  # fmt: skip


def record(**fields: object) -> IntakeRecord:
    base: dict[str, object] = {
        "identification_date": dt.date(2022, 3, 1), "age": None, "gender": None,
        "citizenship": None, "country_of_exploitation": None, "exploitation_types": [],
        "labour_sectors": [], "sexual_exploitation_types": [], "means_of_control": [],
        "recruiter_relationship": None, "exploitation_months": None,
    }  # fmt: skip
    base.update(fields)
    return IntakeRecord("r", {}, base, derive(base))


def one_row(**fields: object) -> pd.Series:
    return to_ctdc([record(**fields)]).iloc[0]


def set_flags(row: pd.Series) -> set[str]:
    return {name for name in CODEBOOK_ORDER if name[0] in "mitr" and pd.notna(row[name])}


def test_27_variables_in_codebook_order() -> None:
    assert list(CTDC_COLUMNS) == CODEBOOK_ORDER
    assert list(to_ctdc([]).columns) == CODEBOOK_ORDER


@pytest.mark.parametrize(
    ("means", "flags"),
    [
        (["DebtBondage"], {"meansDebtBondageEarnings"}),
        (["TakesEarnings", "DebtBondage"], {"meansDebtBondageEarnings"}),
        (["PhysicalThreats"], {"meansThreats"}),
        (["ThreatsLawEnforcement"], {"meansThreats"}),
        (["UsesChildren"], {"meansThreats"}),
        (["PsychologicalAbuse", "SexualAbuse"], {"meansAbusePsyPhySex"}),
        (["PhysicalAbuse"], {"meansAbusePsyPhySex"}),
        (["RestrictsMovement"], {"meansDenyBasicNeeds"}),
        (["RestrictsFinancialAccess", "WithholdsNecessities"], {"meansDenyBasicNeeds"}),
        (["RestrictsMedicalCare"], {"meansDenyBasicNeeds"}),
        (["FalsePromises"], {"meansFalsePromises"}),
        (["PsychoactiveSubstance"], {"meansDrugsAlcohol"}),
        (["ExcessiveWorkingHours"], {"meansExcessiveWorkHours"}),
        (["WithholdsDocuments"], {"meansWithholdDocs"}),
        (["Other"], set()),
    ],
)
def test_fine_grained_means_merge_into_codebook_appendix_ii_flags(
    means: list[str], flags: set[str]
) -> None:
    assert set_flags(one_row(means_of_control=means)) == flags


def test_flags_are_one_or_null_never_zero() -> None:
    row = one_row(means_of_control=["DebtBondage"])
    assert row["meansDebtBondageEarnings"] == 1
    assert pd.isna(row["meansThreats"])
    assert (to_ctdc([record()]).iloc[0, 6:].isna()).all()


@pytest.mark.parametrize(
    ("forms", "sectors", "sexual", "flags"),
    [
        (["SexualExploitation"], [], [], {"isSexualExploit"}),
        (["ForcedLabour"], [], [], {"isForcedLabour"}),
        (["Servitude"], [], [], {"isForcedLabour"}),
        (["ForcedBegging"], [], [], {"isOtherExploit"}),
        (["OrganRemoval"], [], [], {"isOtherExploit"}),  # CTDC 2024 has no organ flag
        ([], ["Agriculture", "Manufacturing"], [], {"isForcedLabour", "typeOfLabourAgriculture"}),
        ([], ["DomesticWork"], [], {"isForcedLabour", "typeOfLabourDomesticWork"}),
        ([], [], ["Pornography"], {"isSexualExploit", "typeOfSexPornography"}),
        ([], [], ["RemoteInteractiveServices"], {"isSexualExploit"}),
    ],
)
def test_forms_sectors_and_sexual_types(
    forms: list[str], sectors: list[str], sexual: list[str], flags: set[str]
) -> None:
    row = one_row(
        exploitation_types=forms, labour_sectors=sectors, sexual_exploitation_types=sexual
    )
    assert set_flags(row) == flags


@pytest.mark.parametrize(
    ("relationship", "flag"),
    [("IntimatePartner", "recruiterRelationIntimatePartner"), ("Family", "recruiterRelationFamily"),
     ("Friend", "recruiterRelationFriend"), ("Acquaintance", "recruiterRelationOther"),
     ("Stranger", "recruiterRelationOther"), ("Other", "recruiterRelationOther")],
)  # fmt: skip
def test_recruiter_relationship(relationship: str, flag: str) -> None:
    assert set_flags(one_row(recruiter_relationship=relationship)) == {flag}


def test_unknown_recruiter_sets_no_flag() -> None:
    assert set_flags(one_row(recruiter_relationship="Unknown")) == set()


@pytest.mark.parametrize(
    ("gender", "expected"),
    [("Feminine", "Woman"), ("Masculine", "Man"),
     ("TransgenderFeminine", "Trans/Transgender/NonConforming"),
     ("NonConforming", "Trans/Transgender/NonConforming"), ("NonSpecifiedUnknown", None),
     (None, None)],
)  # fmt: skip
def test_gender(gender: str | None, expected: str | None) -> None:
    value = one_row(gender=gender)["gender"]
    assert (None if pd.isna(value) else value) == expected


@pytest.mark.parametrize(
    ("age", "band"), [(0, "0--8"), (8, "0--8"), (9, "9--17"), (17, "9--17"), (18, "18--20"),
                      (29, "27--29"), (38, "30--38"), (47, "39--47"), (48, "48+"), (90, "48+")]
)  # fmt: skip
def test_age_bands(age: int, band: str) -> None:
    assert one_row(age=age)["ageBroad"] == band


@pytest.mark.parametrize(
    ("months", "band"), [(0, "0--12 (0-1 yr)"), (12, "0--12 (0-1 yr)"), (13, "13--24 (1-2 yrs)"),
                         (24, "13--24 (1-2 yrs)"), (25, "25+ (2+ yrs)")]
)  # fmt: skip
def test_duration_bands(months: int, band: str) -> None:
    assert one_row(exploitation_months=months)["traffickMonths"] == band


def test_year_countries_and_kosovo_counted_with_serbia() -> None:
    row = one_row(citizenship="UKR", country_of_exploitation="XKX")
    assert row["yearOfRegistration"] == 2022
    assert (row["citizenship"], row["CountryOfExploitation"]) == ("UKR", "SRB")


def test_mappings_of_fields_are_accepted_as_rows() -> None:
    """The registry can export from stored fields (lists or ;-joined text) without records."""
    frame = to_ctdc([{"identification_date": dt.date(2021, 1, 1), "gender": "Masculine",
                      "means_of_control": "DebtBondage;WithholdsDocuments"}])  # fmt: skip
    row = frame.iloc[0]
    assert (row["yearOfRegistration"], row["gender"]) == (2021, "Man")
    assert set_flags(row) == {"meansDebtBondageEarnings", "meansWithholdDocs"}


def test_export_import_export_round_trips(write_csv: WriteCsv, tmp_path: Path) -> None:
    header = ("record_id", "identification_date", "gender", "age", "citizenship",
              "country_of_exploitation", "exploitation_types", "labour_sectors",
              "sexual_exploitation_types", "means_of_control", "recruiter_relationship",
              "exploitation_months")  # fmt: skip
    rows = [
        ("a", "2021-05-01", "F", "16", "ROU", "DEU", "SexualExploitation", "", "Prostitution",
         "DebtBondage;TakesEarnings;PhysicalAbuse", "IntimatePartner", "30"),
        ("b", "2023-01-09", "M", "40", "VNM", "ROU", "ForcedLabour;ForcedBegging", "Construction",
         "", "ThreatsLawEnforcement;WithholdsDocuments;RestrictsMovement", "Stranger", "3"),
        ("c", "2020-12-31", "", "", "", "", "OrganRemoval", "", "", "", "", ""),
    ]  # fmt: skip
    batch = load_intake(write_csv([header, *rows]), today=TODAY)
    assert batch.ok, batch.report.errors
    exported = to_ctdc(batch.records)
    path = tmp_path / "ctdc.csv"
    exported.to_csv(path, index=False)
    imported = load_ctdc(path, today=TODAY)
    assert imported.ok, imported.report.errors
    assert [r.record_id for r in imported.records] == ["ctdc-2", "ctdc-3", "ctdc-4"]
    assert all(r.identifying == {} for r in imported.records)
    pd.testing.assert_frame_equal(to_ctdc(imported.records), exported)
    first = imported.records[0].fields
    assert first["means_of_control"] == ["CtdcDebtBondageEarnings", "CtdcAbusePsyPhySex"]
    assert first["identification_date"] == dt.date(2021, 1, 1)
    assert first["age"] == 9  # the band's lower bound: the band survives, the age does not
    assert imported.records[0].derived["is_child"] is True


def test_csv_cells_are_empty_for_null(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    to_ctdc([record(means_of_control=["FalsePromises"])]).to_csv(path, index=False)
    line = path.read_text().splitlines()[1]
    assert line == "2022,,,,,," + ",,,1,,,,," + ",,," + ",,,," + ",," + ",,,"


def test_import_accepts_sector_of_names_and_csv_variants(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("yearOfRegistration", "gender", "ageBroad", "citizenship", "sectorOfLabourAgriculture",
          "sectorOfSexProstitution", "meansThreats", "recruiterRelationFamily"),
         ("2019", "Woman", "09--17", "NULL", "1", "", "1.0", "1"),
         ("2020.0", "Man", "48+", "PHL", "", "0", "NULL", "")],
        delimiter=";",
    )  # fmt: skip
    batch = load_ctdc(path, today=TODAY)
    assert batch.ok, batch.report.errors
    first, second = batch.records
    assert first.fields["labour_sectors"] == ["Agriculture"]
    assert first.fields["means_of_control"] == ["CtdcThreats"]
    assert first.fields["recruiter_relationship"] == "Family"
    assert first.fields["citizenship"] is None
    assert first.derived["age_band"] == "9--17"
    assert second.fields["citizenship"] == "PHL"
    assert second.derived["year"] == 2020
    assert second.fields["sexual_exploitation_types"] == []


def test_import_errors_name_row_column_and_value(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("yearOfRegistration", "gender", "meansThreats", "isForcedLabor"),
         ("2019", "Womn", "2", ""), ("", "Man", "", "")]
    )  # fmt: skip
    report = load_ctdc(path, today=TODAY).report
    found = {(e.row, e.column, e.value) for e in report.errors}
    assert found == {
        (1, "isForcedLabor", None), (2, "gender", "Womn"), (2, "meansThreats", "2"),
        (3, "yearOfRegistration", None),
    }  # fmt: skip
