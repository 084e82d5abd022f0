"""Code lists: data files that load, match forgiving input and map to other standards."""

import pytest

from tiphub.standard import code_list, code_list_names, intake_fields
from tiphub.standard.build_countries import country_rows, render_csv
from tiphub.standard.codelists import _data_dir, match_key
from tiphub.standard.ctdc import ctdc_variables


def test_every_code_list_loads_with_labels_in_three_languages() -> None:
    for name in code_list_names():
        codes = code_list(name)
        assert len(codes) > 0, name
        assert codes.source, f"{name} must say where its codes come from"
        for code in codes:
            assert code.label("en")
            if name != "country":
                assert set(code.labels) >= {"en", "fr", "es"}, (name, code.code)


def test_every_coded_field_names_an_existing_code_list() -> None:
    for spec in intake_fields():
        if spec.code_list_name:
            assert spec.code_list_name in code_list_names()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("F", "Feminine"),
        ("female", "Feminine"),
        ("Woman", "Feminine"),
        (" FÉMININ ", "Feminine"),
        ("m", "Masculine"),
        ("Trans/Transgender/NonConforming", "NonConforming"),
        ("unknown", "NonSpecifiedUnknown"),
    ],
)
def test_gender_accepts_codes_labels_and_synonyms_in_any_case(typed: str, expected: str) -> None:
    assert code_list("gender").normalise(typed) == expected


def test_unknown_value_gets_nearest_suggestion() -> None:
    assert code_list("gender").normalise("Femle") is None
    assert code_list("gender").suggest("Femle")[0] == "Feminine"
    assert "ROU" in code_list("country").suggest("Rumania")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ROU", "ROU"), ("ro", "ROU"), ("Romania", "ROU"), ("Vietnam", "VNM"), ("Viet Nam", "VNM"),
     ("NA", "NAM"), ("moldova", "MDA"), ("XK", "XKX"), ("Kosovo", "XKX"), ("UK", "GBR")],
)  # fmt: skip
def test_countries_accept_alpha3_alpha2_and_english_names(typed: str, expected: str) -> None:
    assert code_list("country").normalise(typed) == expected


def test_country_list_carries_m49_numbers_and_notes_kosovo() -> None:
    countries = code_list("country")
    assert countries.get("ROU").maps["m49"] == "642"
    assert countries.get("VNM").maps["alpha2"] == "VN"
    kosovo = countries.get("XKX")
    assert kosovo.maps["m49"] == ""
    assert "not ISO 3166-1" in kosovo.maps["note"]
    assert len(countries) == 250  # 249 ISO 3166-1 countries + Kosovo


def test_shipped_country_csv_is_what_the_generator_produces() -> None:
    shipped = _data_dir().joinpath("countries.csv").read_text(encoding="utf-8")
    assert shipped == render_csv(country_rows()), "run python -m tiphub.standard.build_countries"


def test_sdmx_code_lists_hold_the_un_codes() -> None:
    assert code_list("sdmx_sex").code_values == ["F", "M", "_O", "_U", "_T"]
    assert code_list("sdmx_age").code_values == ["Y0T17", "Y_GE18", "_U", "_T"]
    assert code_list("ctdc_age_band").code_values == [
        "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"
    ]  # fmt: skip


def test_every_gender_maps_to_an_sdmx_sex_code() -> None:
    sexes = set(code_list("sdmx_sex").code_values)
    for code in code_list("gender"):
        assert code.maps["sdmx_sex"] in sexes


def test_every_ctdc_flag_is_fed_by_a_code_and_read_back_to_one() -> None:
    """Export needs a code mapping to each flag; import needs the flag name to name a code."""
    for variable in ctdc_variables():
        if variable.kind != "flag" or variable.source_field == "exploitation_types":
            continue
        codes = intake_fields()[variable.source_field].codes
        assert variable.name in codes.mapping("ctdc_flag").values(), variable.name
        back = codes.normalise(variable.name)
        assert back is not None, variable.name
        assert codes.get(back).maps["ctdc_flag"] == variable.name
        for alias in variable.aliases:
            if alias.startswith("sectorOf"):
                assert codes.normalise(alias) == back


def test_match_key_ignores_case_accents_and_spacing() -> None:
    assert match_key("  Nguyễn   Văn ") == "nguyen van"
