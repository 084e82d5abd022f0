"""The writers: SDMX read back against the SDG structure, DHIS2 round trip, GLOTIP, report."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tiphub.exchange.dhis2 import DHIS2FormatError, read_dhis2, write_dhis2
from tiphub.exchange.glotip import read_glotip, write_glotip
from tiphub.exchange.publication import Publication
from tiphub.exchange.report import render_html, write_report
from tiphub.exchange.sdmx import (
    SDMXValidationError,
    read_sdmx_csv,
    validate_observations,
    write_sdmx_csv,
)


@pytest.mark.parametrize("version", [1, 2])
def test_sdmx_reads_back_with_pysdmx_against_the_sdg_structure(
    publication: Publication, tmp_path: Path, version: int
) -> None:
    out = tmp_path / f"sdg_v{version}.csv"
    n = write_sdmx_csv(publication, out, ref_area="900", version=version)
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("DATAFLOW," if version == 1 else "STRUCTURE,STRUCTURE_ID,ACTION,")
    data = read_sdmx_csv(out)
    assert len(data) == n > 0
    assert set(data["SERIES"]) <= {
        "VC_HTF_DETV",
        "VC_HTF_DETVSX",
        "VC_HTF_DETVFL",
        "VC_HTF_DETVOG",
        "VC_HTF_DETVOP",
    }
    total = data[(data["SERIES"] == "VC_HTF_DETV") & (data["SEX"] == "_T") & (data["AGE"] == "_T")]
    expected = publication.value("VC_HTF_DETV", 2024)
    assert expected is not None
    assert float(total["OBS_VALUE"].iloc[0]) == expected["value"]
    values = pd.to_numeric(data["OBS_VALUE"])
    assert not ((values >= 1) & (values < 5)).any()
    assert "12.0" not in out.read_text(encoding="utf-8")  # integers, not floats


def test_sdmx_validation_rejects_unknown_codes(publication: Publication, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    write_sdmx_csv(publication, out, ref_area="900", version=2)
    data = read_sdmx_csv(out)
    data.loc[0, "SEX"] = "X"
    with pytest.raises(SDMXValidationError, match="SEX: codes not in CL_SEX"):
        validate_observations(data)
    with pytest.raises(ValueError, match="REF_AREA"):
        write_sdmx_csv(publication, out, ref_area="ZZ", version=2)


def test_dhis2_round_trip(publication: Publication, tmp_path: Path) -> None:
    out = tmp_path / "dvs.json"
    n = write_dhis2(publication, out, org_unit="XTP")
    back = read_dhis2(out)
    assert len(back) == n
    published = publication.values_for(2024).dropna(subset=["value"])
    merged = published.merge(back, on=["indicator", "year", "disaggregation"], suffixes=("", "_in"))
    assert len(merged) == len(published)
    assert (merged["value"].astype(float) - merged["value_in"]).abs().max() < 1e-3
    counts = back[back["indicator"].str.startswith("VC_HTF")]["value"]
    assert not ((counts >= 1) & (counts < 5)).any()


def test_dhis2_import_names_the_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"dataValues": [{"dataElement": "A", "period": "2024", "value": "many"}]})
    )
    with pytest.raises(DHIS2FormatError, match=r"dataValues\[0\]: value must be a number"):
        read_dhis2(path)


def test_glotip_workbook_has_the_unodc_layout(publication: Publication, tmp_path: Path) -> None:
    out = tmp_path / "glotip.xlsx"
    write_glotip(publication, out)
    data = read_glotip(out)
    assert list(data.columns)[:5] == ["Iso3_code", "Country", "Region", "Subregion", "Indicator"]
    assert {"Total", "by form of exploitation", "by citizenship"} <= set(data["Dimension"])
    values = pd.to_numeric(data["VALUE"], errors="coerce").dropna()
    assert not ((values >= 1) & (values < 5)).any()
    hidden = data[data["VALUE"].isna()]
    assert set(hidden["txtVALUE"]) <= {"<5", "x"}


def test_report_html_and_pdf_render(publication: Publication, tmp_path: Path) -> None:
    html = render_html(publication)
    assert "SDG indicator 16.2.2" in html
    assert "data:image/svg+xml;base64," in html
    assert "Estimated total" in html or "estimated total" in html
    out = tmp_path / "report.pdf"
    write_report(publication, out)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    from weasyprint import HTML

    pages = HTML(string=html).render().pages
    assert len(pages) >= 3  # tiles, series, charts, targets, plan, methods
    with pytest.raises(ValueError, match=r"\.pdf or \.html"):
        write_report(publication, tmp_path / "report.docx")
