"""Shared fixtures of the linkage tests: the labelled data and a fixed key (reproducible runs)."""

from pathlib import Path

import pandas as pd
import pytest

from tiphub.linkage.datasets import febrl4

DATA = Path(__file__).resolve().parents[1] / "data" / "linkage"
#: A fixed test key, so that results do not vary from run to run (never use it for real data).
TEST_KEY = bytes(range(32))
OTHER_KEY = bytes(range(100, 132))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def febrl() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    return febrl4(DATA)


@pytest.fixture
def people() -> pd.DataFrame:
    """A handful of records in the linkage CSV shape, with a duplicate and a typo."""
    return pd.DataFrame(
        {
            "record_id": ["1", "2", "3", "4"],
            "given_name": ["María José", "Ahmed", "Olena", "maria jose"],
            "family_name": ["García-López", "Hassan", "Shevchenko", "GARCIA LOPEZ"],
            "date_of_birth": ["1990-04-12", "12/07/1985", "", "1990-04-12"],
            "sex": ["F", "M", "F", "female"],
            "citizenship": ["COL", "EGY", "UKR", "COL"],
            "year": ["2024", "2024", "2025", "2025"],
            "age_band": ["30--38", "39--47", "_U", "30--38"],
        }
    )
