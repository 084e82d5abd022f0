"""The linkage pages and their service (`tiphub.web.analysis.linking`).

A small synthetic country: each agency's file is imported into the registry and encoded at the
agency with the agencies' key; data officers upload their encodings to a round; the statistician
links the round through `tiphub.linkage.run` (what `tiphub link` calls). The run keeps its counts,
pictures, histories and the record -> person map, which the statistical frame then carries. Also
the plaintext mode for consenting agencies (every identity read audited for "linkage"), and the
files the service refuses.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tiphub.web.analysis import linking
from tiphub.web.analysis.linking import LinkageServiceError

from .support import PASSWORD, client_for

VICTIMS = 300


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A synthetic country with 3 agencies, each file encoded with one key (and one file with
    another key, for the refusal)."""
    from tiphub.linkage.encoder import Encoder, write_encodings
    from tiphub.linkage.inputs import read_identities
    from tiphub.linkage.keys import generate_key
    from tiphub.standard.synth import SynthConfig, generate_country, write_country

    folder = tmp_path_factory.mktemp("country")
    synthetic = generate_country(SynthConfig(victims=VICTIMS, agencies=3, seed=4))
    write_country(synthetic, folder)
    metadata = json.loads((folder / "country.json").read_text())
    key, other_key = generate_key(), generate_key()
    encoded: dict[str, Path] = {}
    for agency in metadata["agencies"]:
        code = agency["code"]
        frame = read_identities(folder / agency["file"])
        encoded[code] = folder / f"{code}.parquet"
        write_encodings(Encoder(key).encode(frame, agency=code), str(encoded[code]))
    first = metadata["agencies"][0]["code"]
    stranger = folder / "other-key.parquet"
    frame = read_identities(folder / metadata["agencies"][0]["file"])
    write_encodings(Encoder(other_key).encode(frame, agency=first), str(stranger))
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    return {
        "folder": folder,
        "agencies": metadata["agencies"],
        "encoded": encoded,
        "other_key": stranger,
        "truth": truth,
    }


@pytest.fixture
def registry(db: Any, country: dict[str, Any]) -> dict[str, Any]:
    """The country's agencies and records in the registry; one data officer per agency."""
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account
    from tiphub.web.registry.models import Agency
    from tiphub.web.registry.services import import_file

    officers = {}
    for agency in country["agencies"]:
        result = import_file(
            country["folder"] / agency["file"],
            agency["code"],
            "cli:test",
            create_agency=True,
            agency_name=agency["name"],
            agency_kind=agency["kind"],
        )
        assert result.ok
        user = get_user_model().objects.create_user(
            username=f"officer-{agency['code'].lower()}", password=PASSWORD
        )
        Account.objects.create(
            user=user, role="data_officer", agency=Agency.objects.get(code=agency["code"])
        )
        officers[agency["code"]] = user
    return {"officers": officers, "agencies": {a.code: a for a in Agency.objects.all()}}


@pytest.fixture
def statistician(db: Any) -> Any:
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account

    user = get_user_model().objects.create_user(username="stat", password=PASSWORD)
    Account.objects.create(user=user, role="statistician")
    return user


def _upload_all(statistician: Any, country: dict[str, Any], registry: dict[str, Any]) -> Any:
    round_ = linking.open_round(statistician, "2024 annual")
    for code, path in country["encoded"].items():
        linking.upload_encoding(
            registry["officers"][code],
            round_,
            registry["agencies"][code],
            path.read_bytes(),
            path.name,
        )
    return round_


def test_a_round_links_into_persons_that_the_statistics_count(
    country: dict[str, Any], registry: dict[str, Any], statistician: Any
) -> None:
    from tiphub.web.audit.models import AuditEvent
    from tiphub.web.registry.services import statistical_frame

    round_ = _upload_all(statistician, country, registry)
    run = linking.run_round(statistician, round_, threshold=0.5)

    truth = country["truth"]
    assert run.records == len(truth)
    # Linkage quality is the linkage stage's business; here: persons close to the truth.
    assert abs(run.persons - truth["person_id"].nunique()) <= 0.05 * run.records
    assert run.agencies == truth.groupby("agency").size().to_dict()
    assert run.strata == ["year", "sex", "age_group"]
    assert sum(r["count"] for r in run.histories) == run.persons
    assert run.weights_png[:8] == b"\x89PNG\r\n\x1a\n"
    assert run.sizes_png[:8] == b"\x89PNG\r\n\x1a\n"
    assert sum(int(n) for n in run.cluster_sizes.values()) == run.persons
    assert run.links.filter(registry_record__isnull=True).count() == 0  # all in the registry
    assert AuditEvent.objects.filter(action="linkage.run", object_id=str(run.pk)).exists()
    assert AuditEvent.objects.filter(action="linkage.upload").count() == 3

    frame = statistical_frame()
    assert frame["person_id"].notna().all()
    assert frame["person_id"].nunique() == run.persons

    # The estimation page reads the run's histories, by any of its strata.
    from tiphub.web.analysis.estimates import (
        EstimateParameters,
        linkage_histories_csv,
        run_estimate,
    )

    pooled = pd.read_csv(io.BytesIO(linkage_histories_csv(run)))
    assert list(pooled.columns) == [*sorted(run.agencies), "count"]
    assert pooled["count"].sum() == run.persons
    kept = run_estimate(statistician, EstimateParameters(by=("sex",)), linkage_run=run)
    assert kept.observed == run.persons
    assert kept.total > run.persons


def test_files_the_round_refuses(
    country: dict[str, Any], registry: dict[str, Any], statistician: Any
) -> None:
    from tiphub.web.analysis.models import EncodingFile

    round_ = linking.open_round(statistician, "test round")
    codes = [a["code"] for a in country["agencies"]]
    pol, ngo = codes[0], codes[1]
    officer = registry["officers"][pol]
    with pytest.raises(LinkageServiceError, match=f"holds records of agency {ngo}, not {pol}"):
        linking.upload_encoding(
            officer,
            round_,
            registry["agencies"][pol],
            country["encoded"][ngo].read_bytes(),
            "ngo.parquet",
        )
    with pytest.raises(LinkageServiceError, match="not a"):
        linking.upload_encoding(
            officer, round_, registry["agencies"][pol], b"not parquet", "names.csv"
        )
    linking.upload_encoding(
        registry["officers"][ngo],
        round_,
        registry["agencies"][ngo],
        country["encoded"][ngo].read_bytes(),
        "ngo.parquet",
    )
    with pytest.raises(LinkageServiceError, match="another key") as caught:
        linking.upload_encoding(
            officer,
            round_,
            registry["agencies"][pol],
            country["other_key"].read_bytes(),
            "pol.parquet",
        )
    assert "tiphub-encodings" not in str(caught.value)  # names the files, not a temp folder
    assert EncodingFile.objects.filter(round=round_).count() == 1


def test_plaintext_linkage_needs_consent_and_audits_every_read(
    country: dict[str, Any], registry: dict[str, Any], statistician: Any
) -> None:
    from tiphub.web.audit.models import AuditEvent
    from tiphub.web.registry.models import VictimRecord

    codes = sorted(registry["agencies"])
    with pytest.raises(LinkageServiceError, match="has not consented"):
        linking.run_plaintext(statistician, codes)
    assert not AuditEvent.objects.filter(purpose="linkage").exists()
    for code in codes:
        linking.set_consent("cli:test", registry["agencies"][code], True)
    run = linking.run_plaintext(statistician, codes)
    assert run.mode == "plaintext"
    assert run.records == VictimRecord.objects.count()
    reads = AuditEvent.objects.filter(action="record.read", purpose="linkage", actor=statistician)
    assert reads.count() == VictimRecord.objects.count()
    stored = json.dumps([run.histories, run.model, run.parameters, run.agencies])
    # No identity is kept with the run.
    given = pd.read_csv(country["folder"] / f"{codes[0]}.csv", dtype=str)["given_name"].dropna()
    assert not [n for n in given.head(50) if f'"{n}"' in stored]


def test_the_pages_by_role(
    country: dict[str, Any], registry: dict[str, Any], statistician: Any
) -> None:
    code = country["agencies"][0]["code"]
    officer = client_for(registry["officers"][code])
    boss = client_for(statistician)
    assert boss.post("/linkage/rounds/new/", {"name": "2024"}).status_code == 302
    round_ = linking.open_rounds().get()
    page = officer.get("/linkage/").content.decode()
    assert "waiting for your encodings" in page
    with country["encoded"][code].open("rb") as handle:
        response = officer.post(f"/linkage/rounds/{round_.pk}/upload/", {"file": handle})
    assert response.status_code == 302
    assert "your encodings received" in officer.get("/linkage/").content.decode()
    assert (
        officer.post(f"/linkage/rounds/{round_.pk}/run/", {"threshold": "0.5"}).status_code == 403
    )
    # The statistician sees the round's files; the officer only the agency's own.
    for other in country["agencies"][1:]:
        linking.upload_encoding(
            registry["officers"][other["code"]],
            round_,
            registry["agencies"][other["code"]],
            country["encoded"][other["code"]].read_bytes(),
            f"{other['code']}.parquet",
        )
    officer_round = officer.get(f"/linkage/rounds/{round_.pk}/").content.decode()
    assert country["agencies"][1]["code"] + "</th>" not in officer_round
    response = boss.post(f"/linkage/rounds/{round_.pk}/run/", {"threshold": "0.5"})
    assert response.status_code == 302
    run_page = boss.get(response["Location"]).content.decode()
    assert "Unique persons" in run_page
    run_pk = int(response["Location"].rstrip("/").split("/")[-1])
    assert boss.get(f"/linkage/runs/{run_pk}/match-weights.png")["Content-Type"] == "image/png"
    csv_text = boss.get(f"/linkage/runs/{run_pk}/histories.csv").content.decode()
    assert csv_text.startswith("year,sex,age_group,")
    assert officer.get(f"/linkage/runs/{run_pk}/").status_code == 403


def test_consent_and_plaintext_linkage_through_the_pages(
    country: dict[str, Any], registry: dict[str, Any], statistician: Any
) -> None:
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account
    from tiphub.web.analysis.models import LinkageRun

    boss = client_for(statistician)
    codes = sorted(registry["agencies"])
    assert "No agency has consented" in boss.get("/linkage/").content.decode()
    for code in codes:  # each agency's supervisor consents for their own agency only
        user = get_user_model().objects.create_user(username=f"sup-{code}", password=PASSWORD)
        Account.objects.create(user=user, role="supervisor", agency=registry["agencies"][code])
        supervisor = client_for(user)
        assert "encodings only" in supervisor.get("/linkage/").content.decode()
        assert supervisor.post("/linkage/consent/", {"plaintext": "on"}).status_code == 302
        assert linking.consent_of(registry["agencies"][code])
    assert (
        client_for(registry["officers"][codes[0]])
        .post("/linkage/consent/", {"plaintext": ""})
        .status_code
        == 403
    )  # a data officer cannot withdraw it
    assert boss.post("/linkage/consent/", {"plaintext": ""}).status_code == 403
    response = boss.post("/linkage/plaintext/", {"agencies": codes, "threshold": "0.5"})
    assert response.status_code == 302
    run = LinkageRun.objects.get()
    assert run.mode == "plaintext"
    assert response["Location"] == f"/linkage/runs/{run.pk}/"
    refused = boss.post("/linkage/plaintext/", {"agencies": ["XYZ"], "threshold": "0.5"})
    assert refused.status_code == 400
