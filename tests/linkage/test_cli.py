"""The linkage commands as a user runs them: keygen -> encode at each agency -> link at the hub."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from tiphub.cli import app
from tiphub.linkage.datasets import fake_1000
from tiphub.linkage.keys import read_key_file

runner = CliRunner()

INTAKE = """\
record_id,identification_date,given_name,family_name,date_of_birth,gender,citizenship,\
exploitation_types
P1,2024-03-01,María,García,1990-04-12,F,COL,SexualExploitation
P2,2024-05-10,Ahmed,Hassan,1985-07-12,M,EGY,ForcedLabour
"""


@pytest.fixture
def agencies(tmp_path, data_dir):
    """fake_1000 split between two agencies (POL.csv, NGO.csv) in the linkage CSV shape."""
    frame = fake_1000(data_dir)[["record_id", "given_name", "family_name", "date_of_birth"]]
    frame.iloc[::2].to_csv(tmp_path / "POL.csv", index=False)
    frame.iloc[1::2].to_csv(tmp_path / "NGO.csv", index=False)
    return tmp_path


def _run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def _encode_with_new_key(folder, agency: str):
    """keygen, then encode `folder/<agency>.csv` into `folder/<agency>.parquet`."""
    assert _run("keygen", "--out", folder / "k").exit_code == 0
    return _run(
        "encode", folder / f"{agency}.csv", "--key-file", folder / "k", "--agency", agency,
        "--out", folder / f"{agency}.parquet",
    )  # fmt: skip


def test_keygen_writes_a_key_and_refuses_to_overwrite_it(tmp_path):
    key = tmp_path / "agencies.key"
    first = _run("keygen", "--out", key)
    assert first.exit_code == 0, first.output
    assert len(read_key_file(key)) == 32
    again = _run("keygen", "--out", key)
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.output


@pytest.mark.slow
def test_keygen_encode_link_writes_clusters_histories_and_pictures(agencies):
    key = agencies / "k.key"
    assert _run("keygen", "--out", key).exit_code == 0
    for code in ("POL", "NGO"):
        done = _run(
            "encode", agencies / f"{code}.csv", "--key-file", key, "--agency", code,
            "--out", agencies / f"{code}.parquet",
        )  # fmt: skip
        assert done.exit_code == 0, done.output
    out = agencies / "hub" / "clusters.csv"
    linked = _run(
        "link", agencies / "POL.parquet", agencies / "NGO.parquet", "--out", out,
        "--histories", agencies / "hub" / "histories.csv", "--threshold", "0.5", "--json",
    )  # fmt: skip
    assert linked.exit_code == 0, linked.output
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns) == ["agency", "record_id", "person_id"]
    assert len(clusters) == 1000
    histories = pd.read_csv(agencies / "hub" / "histories.csv")
    assert list(histories.columns) == ["NGO", "POL", "count"]
    assert histories["count"].sum() == clusters["person_id"].nunique() < 1000
    summary = json.loads(linked.stdout[linked.stdout.index("{") :])
    assert summary["persons"] == clusters["person_id"].nunique()
    for picture in summary["pictures"]:
        with open(picture, "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    secret = read_key_file(key).hex()
    for path in agencies.rglob("*"):
        if path.is_file() and path.name != "k.key":
            assert secret.encode() not in path.read_bytes()
    assert secret not in linked.output


@pytest.mark.slow
def test_plaintext_link_names_agencies_after_their_files(agencies):
    out = agencies / "plain.csv"
    linked = _run("link", "--plaintext", agencies / "POL.csv", agencies / "NGO.csv", "--out", out)
    assert linked.exit_code == 0, linked.output
    clusters = pd.read_csv(out, dtype=str)
    assert set(clusters["agency"]) == {"POL", "NGO"}
    assert clusters["person_id"].nunique() < 1000
    # plain connected components never make more persons than average linkage splits them into
    joined = agencies / "joined.csv"
    files = (agencies / "POL.csv", agencies / "NGO.csv")
    linked = _run("link", "--plaintext", *files, "--out", joined, "--clustering", "components")
    assert linked.exit_code == 0, linked.output
    assert pd.read_csv(joined)["person_id"].nunique() <= clusters["person_id"].nunique()


def test_encode_reads_the_intake_format_and_keeps_its_statistics(tmp_path):
    (tmp_path / "intake.csv").write_text(INTAKE, encoding="utf-8")
    assert _run("keygen", "--out", tmp_path / "k").exit_code == 0
    done = _run(
        "encode", tmp_path / "intake.csv", "--key-file", tmp_path / "k", "--agency", "SHELTER",
        "--out", tmp_path / "s.parquet",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    table = pd.read_parquet(tmp_path / "s.parquet")
    assert table["sex"].tolist() == ["F", "M"]
    assert table["age_band"].tolist() == ["30--38", "30--38"]
    assert table["exploitation_types"].tolist() == ["SexualExploitation", "ForcedLabour"]
    assert not {"given_name", "family_name", "date_of_birth"} & set(table.columns)
    raw = (tmp_path / "s.parquet").read_bytes()
    assert b"Hassan" not in raw


def test_a_bad_date_is_reported_by_row_and_column_without_the_value(tmp_path):
    (tmp_path / "A.csv").write_text(
        "record_id,given_name,family_name,date_of_birth\n1,Ana,Silva,1990-01-01\n2,Rui,Costa,Tuesday\n"
    )
    done = _encode_with_new_key(tmp_path, "A")
    assert done.exit_code == 1
    message = " ".join(done.output.split())  # rich wraps long lines
    assert "row 3, column date_of_birth" in message
    assert "Tuesday" not in done.output
    assert not (tmp_path / "A.parquet").exists()


def test_an_unknown_column_is_an_error_not_silently_dropped(tmp_path):
    (tmp_path / "A.csv").write_text("record_id,given_name,familyname\n1,Ana,Silva\n")
    done = _encode_with_new_key(tmp_path, "A")
    assert done.exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "oracle"], "--engine"),
        (["--threshold", "1.5"], "--threshold"),
        (["--clustering", "single"], "--clustering"),
    ],
)
def test_link_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "x.parquet").write_bytes(b"")
    done = _run("link", tmp_path / "x.parquet", "--out", tmp_path / "c.csv", *args)
    assert done.exit_code == 2
    assert message in done.output


def test_link_refuses_a_file_that_is_not_an_encoding(tmp_path):
    (tmp_path / "x.parquet").write_bytes(b"not parquet")
    done = _run("link", tmp_path / "x.parquet", "--out", tmp_path / "c.csv")
    assert done.exit_code == 1
    assert "not a readable Parquet" in done.output.replace("\n", "")
