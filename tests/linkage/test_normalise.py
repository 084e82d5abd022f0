import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiphub.linkage.normalise import (
    NormalisationError,
    normalise_code,
    normalise_date,
    normalise_name,
    normalise_series,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("José-María", "josemaria"),
        ("  O'Brien ", "obrien"),
        ("ÅSA", "asa"),
        ("Олена", "олена"),
        ("محمد", "محمد"),
        ("", ""),
    ],
)
def test_names_keep_letters_of_every_script_and_drop_accents_case_and_punctuation(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-04-12", "19900412"),
        ("1990-4-2", "19900402"),
        ("12/04/1990", "19900412"),
        ("19900412", "19900412"),
        ("1990-02-30", "19900230"),
        ("1990-04", "199004??"),
        ("1990", "1990????"),
        ("", ""),
    ],
)
def test_dates_become_yyyymmdd_with_unknown_parts_marked(raw, expected):
    assert normalise_date(raw) == expected


def test_a_value_that_is_not_a_date_is_refused_without_the_value_in_the_message():
    with pytest.raises(NormalisationError) as error:
        normalise_date("Maria 1990")
    assert "Maria" not in str(error.value)


def test_unknown_markers_of_codes_are_missing():
    assert normalise_code(" _U ") == ""
    assert normalise_code("Female") == "female"


def test_a_series_reports_the_first_bad_row():
    series = pd.Series(["1990-01-01", None, "bad", "bad"])
    with pytest.raises(NormalisationError) as error:
        normalise_series(series, "date")
    assert error.value.args[1] == 2


@given(st.text())
def test_name_normalisation_never_fails_and_is_idempotent(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert all(ch.isalpha() for ch in once)


@given(st.text(max_size=20))
def test_date_normalisation_gives_eight_characters_or_a_clean_error(text):
    message = ""
    try:
        value = normalise_date(text)
    except NormalisationError as error:
        value, message = None, str(error)
    if value is None:
        assert message.startswith("not a date")  # a fixed message: never the value
    else:
        assert value == "" or len(value) == 8
