"""SDMX-CSV (v1.0 and v2.0) for the IAEG-SDGs SDG structure, written with pysdmx.

One observation per published SDG 16.2.2 series cell (counts of detected victims by sex and
age). Suppressed cells are left out of the file (their absence is recorded in the release report);
the non-applicable dimensions take `_T`, as the SDG data structure requires.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from tiphub.exchange.publication import Publication
from tiphub.indicators.compute import parse_disaggregation

DSD_FILE = "sdg_dsd_1.4.xml"
SEX_CODES = {"F", "M", "_T"}
AGE_CODES = {"Y0T17", "Y_GE18", "_T"}
UNUSED_DIMENSIONS = (
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
)


def dsd_path() -> Path:
    return Path(str(resources.files("tiphub.exchange") / "data" / DSD_FILE))


@cache
def sdg_schema():  # type: ignore[no-untyped-def]
    """The pysdmx Schema of IAEG-SDGs:SDG(1.4) from the shipped structure file."""
    from pysdmx.io import read_sdmx

    message = read_sdmx(str(dsd_path()))
    return message.get_data_structure_definitions()[0].to_schema()


def observations(pub: Publication, ref_area: str, year: int | None = None) -> pd.DataFrame:
    """The SDMX observations (one row each, DSD column names) of the published SDG series."""
    year = pub.year if year is None else year
    series_of = {i.id: i.sdg_series for i in pub.registry.agreed() if i.sdg_series}
    v = pub.values_for(year)
    rows = []
    for rec in v.to_dict("records"):
        series = series_of.get(str(rec["indicator"]))
        if series is None or rec["kind"] != "count" or pd.isna(rec["value"]):
            continue
        dis = parse_disaggregation(str(rec["disaggregation"]))
        sex, age = dis.pop("sex", "_T"), dis.pop("age_group", "_T")
        if dis or sex not in SEX_CODES or age not in AGE_CODES:
            continue
        row = {
            "FREQ": "A",
            "REPORTING_TYPE": "N",
            "SERIES": series,
            "REF_AREA": ref_area,
            "SEX": sex,
            "AGE": age,
            **dict.fromkeys(UNUSED_DIMENSIONS, "_T"),
            "TIME_PERIOD": str(year),
            "OBS_VALUE": float(rec["value"]),
            "OBS_STATUS": "A",
            "UNIT_MULT": "0",
            "UNIT_MEASURE": "NUMBER",
            "NATURE": "C",
        }
        rows.append(row)
    return pd.DataFrame(rows)


def write_sdmx_csv(
    pub: Publication, out: Path, ref_area: str, version: int = 2, year: int | None = None
) -> int:
    """Write SDMX-CSV v1.0 or v2.0 for `year` (default: the reference year); returns the number
    of observations."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.pd import PandasDataset

    if version not in (1, 2):
        raise ValueError("SDMX-CSV version must be 1 or 2")
    schema = sdg_schema()
    known_areas = {c.id for c in schema.components["REF_AREA"].enumeration}
    if ref_area not in known_areas:
        raise ValueError(f"REF_AREA {ref_area!r} is not an M49 country code of the SDG structure")
    data = observations(pub, ref_area, year)
    dataset = PandasDataset(structure=schema, data=data)
    fmt = Format.DATA_SDMX_CSV_1_0_0 if version == 1 else Format.DATA_SDMX_CSV_2_0_0
    text = write_sdmx([dataset], fmt) or ""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_integers(text), encoding="utf-8")
    return len(data)


def _integers(text: str) -> str:
    """Counts as integers ("12", not "12.0"): pysdmx writes the Double measure as a float."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if "OBS_VALUE" in df.columns:
        df["OBS_VALUE"] = [v[:-2] if v.endswith(".0") else v for v in df["OBS_VALUE"]]
    return df.to_csv(index=False, lineterminator="\n")


class SDMXValidationError(ValueError):
    """A data file does not conform to the SDG structure."""


def read_sdmx_csv(path: Path) -> pd.DataFrame:
    """Read SDMX-CSV (v1 or v2) with pysdmx and check it against the SDG structure.

    Every dimension and mandatory attribute must be present and every coded value must be a code
    of the component's code list; OBS_VALUE must be numeric (the DSD's Double).
    """
    from pysdmx.io import read_sdmx

    message = read_sdmx(str(path))
    frames = [getattr(ds, "data") for ds in message.data or []]  # noqa: B009 (Dataset | PandasDataset)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    validate_observations(data)
    return data


def validate_observations(data: pd.DataFrame) -> None:
    schema = sdg_schema()
    for comp in schema.components:
        required = comp.role.name in ("DIMENSION", "MEASURE") or comp.required
        if comp.id not in data.columns:
            if required:
                raise SDMXValidationError(f"missing column {comp.id}")
            continue
        if comp.enumeration is not None:
            codes = {c.id for c in comp.enumeration}
            bad = sorted({str(v) for v in data[comp.id].dropna()} - codes)
            if bad:
                raise SDMXValidationError(f"{comp.id}: codes not in {comp.enumeration.id}: {bad}")
    values = pd.to_numeric(data["OBS_VALUE"], errors="coerce")
    if values.isna().any():
        raise SDMXValidationError("OBS_VALUE: not a number")
