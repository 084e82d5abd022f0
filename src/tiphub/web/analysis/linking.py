"""The linkage pages' service: rounds of agency encodings, runs, and the record -> person map.

- Agencies' data officers upload the Parquet files that `tiphub encode` made at the agency
  (`upload_encoding`): keyed Bloom filters and statistical fields only. Each file is checked on
  arrival (a tiphub encoding, of this agency's records, under the round's key).
- The national statistician links a round (`run_round`) or, for agencies that consented, the
  registry's records on their identities (`run_plaintext`: decrypted on the server through the
  registry service, every read audited with the purpose "linkage", nothing shown to anyone).
- Both go through `tiphub.linkage.run` (the service `tiphub link` calls); the run is kept with
  its parameters, counts, diagnostics pictures, capture histories (stratified by year, sex and
  age group where the inputs carry them) and the record -> person map (`PersonLink`), which the
  registry's statistical frame then carries as `person_id`.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from tiphub.web.analysis.models import (
    EncodingFile,
    LinkageConsent,
    LinkageMode,
    LinkageRound,
    LinkageRun,
    PersonLink,
    author_fields,
)

if TYPE_CHECKING:
    import pandas as pd

    from tiphub.linkage.run import LinkRun
    from tiphub.web.registry.models import Agency

#: Stratum columns kept with a run's capture histories (those the inputs carry).
HISTORY_STRATA = ("year", "sex", "age_group")
PURPOSE = "linkage"
MAX_ENCODING_BYTES = 200 * 1024 * 1024
_LINK_BATCH = 5000


class LinkageServiceError(ValueError):
    """A file, a round or a request the linkage stage refuses; the message says why."""


def _audit(actor: Any, action: str, obj: Any = None, **details: Any) -> None:
    from tiphub.web.audit.services import record_event

    agency = details.pop("agency", None)
    record_event(actor, action, obj, agency=agency, details=details)


# --- rounds and encodings -----------------------------------------------------------------------


def open_round(actor: Any, name: str) -> LinkageRound:
    """A new round that agencies upload their encodings into."""
    name = name.strip()
    if not name:
        raise LinkageServiceError("a round needs a name, e.g. '2024 annual'")
    with transaction.atomic():
        round_ = LinkageRound.objects.create(name=name[:120], **author_fields(actor))
        _audit(actor, "linkage.round", round_, round=round_.pk)
    return round_


def open_rounds() -> Any:
    return LinkageRound.objects.filter(closed_at__isnull=True)


def _check_encodings(folder: Path, paths: Sequence[Path]) -> Any:
    """Read encodings with the linkage reader; its messages name the uploaded file, not the
    temporary folder."""
    from tiphub.linkage.prepare import InputError, read_encodings

    try:
        return read_encodings([str(p) for p in paths])
    except (InputError, ValueError, KeyError) as error:
        raise LinkageServiceError(str(error).replace(f"{folder}/", "")) from None


def upload_encoding(
    actor: Any, round_: LinkageRound, agency: Agency, data: bytes, file_name: str
) -> EncodingFile:
    """Check and keep one agency's encoded file in an open round (replacing its earlier one).

    The file must be a tiphub encoding of this agency's records only, made with the same key
    and settings as the files already in the round."""
    if not round_.is_open:
        raise LinkageServiceError(f"round {round_.name!r} is closed")
    if len(data) > MAX_ENCODING_BYTES:
        raise LinkageServiceError(f"{file_name}: larger than {MAX_ENCODING_BYTES >> 20} MB")
    name = Path(file_name or "encodings.parquet").name
    others = list(round_.files.exclude(agency=agency).select_related("agency"))
    with tempfile.TemporaryDirectory(prefix="tiphub-encodings-") as tmp:
        folder = Path(tmp)
        path = folder / name
        path.write_bytes(data)
        encoded = _check_encodings(folder, [path])
        found = sorted(set(encoded.agencies))
        if found != [agency.code]:
            raise LinkageServiceError(
                f"{name}: holds records of agency {', '.join(found)}, not {agency.code}; encode "
                f"with --agency {agency.code}"
            )
        if others:  # same key and settings as the round's other files (read with this one)
            paths = [path]
            for other in others:
                other_path = folder / f"{other.agency.code}-{Path(other.file_name).name}"
                other_path.write_bytes(bytes(other.content))
                paths.append(other_path)
            _check_encodings(folder, paths)
    records = encoded.table.num_rows
    with transaction.atomic():
        EncodingFile.objects.filter(round=round_, agency=agency).delete()
        kept = EncodingFile.objects.create(
            round=round_,
            agency=agency,
            file_name=name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            records=records,
            key_fingerprint=encoded.key_fingerprint,
            **author_fields(actor, "uploaded_by"),
        )
        if not round_.key_fingerprint:
            round_.key_fingerprint = encoded.key_fingerprint
            round_.save(update_fields=["key_fingerprint"])
        _audit(
            actor,
            "linkage.upload",
            kept,
            agency=agency,
            round=round_.pk,
            records=records,
            sha256=kept.sha256,
        )
    return kept


def run_round(
    actor: Any, round_: LinkageRound, *, threshold: float = 0.5, engine: str = "duckdb"
) -> LinkageRun:
    """Link the round's encodings (`tiphub.linkage.run.link_encoded_files`, as `tiphub link`)
    and keep the run."""
    from tiphub.linkage.run import LinkServiceError, link_encoded_files

    _check_engine(engine)
    files = list(round_.files.select_related("agency"))
    if not files:
        raise LinkageServiceError(f"round {round_.name!r} has no encodings yet")
    with tempfile.TemporaryDirectory(prefix="tiphub-link-") as tmp:
        folder = Path(tmp)
        paths = []
        for kept in files:
            path = folder / f"{kept.agency.code}.parquet"
            path.write_bytes(bytes(kept.content))
            paths.append(path)
        try:
            run = link_encoded_files(paths, threshold=threshold, engine=engine)
        except LinkServiceError as error:
            raise LinkageServiceError(str(error).replace(f"{folder}/", "")) from None
    key = round_.key_fingerprint
    return _keep(actor, run, round_, round_fingerprint(round_), key)


def round_fingerprint(round_: LinkageRound) -> str:
    """sha256 over the round's files (agency and sha256 of each): a run's data fingerprint."""
    files = round_.files.select_related("agency").only("agency__code", "sha256")
    lines = sorted(f"{f.agency.code}:{f.sha256}" for f in files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _check_engine(engine: str) -> None:
    if engine != "duckdb":
        raise LinkageServiceError("the web app links with DuckDB; use `tiphub link --engine spark`")


# --- plaintext linkage of consenting agencies ---------------------------------------------------


def consent_of(agency: Agency) -> bool:
    consent = LinkageConsent.objects.filter(agency=agency).first()
    return bool(consent and consent.plaintext)


def set_consent(actor: Any, agency: Agency, plaintext: bool) -> LinkageConsent:
    """Record an agency's consent (or its withdrawal) to plaintext linkage of its records."""
    with transaction.atomic():
        consent, _ = LinkageConsent.objects.update_or_create(
            agency=agency,
            defaults={
                "plaintext": plaintext,
                "changed_at": timezone.now(),
                **author_fields(actor, "changed_by"),
            },
        )
        _audit(actor, "linkage.consent", consent, agency=agency, plaintext=plaintext)
    return consent


def consenting_agencies() -> list[Agency]:
    from tiphub.web.registry.models import Agency

    return list(
        Agency.objects.filter(linkage_consent__plaintext=True, active=True).order_by("code")
    )


def identity_frames(actor: Any, agency_codes: Iterable[str]) -> tuple[dict[str, pd.DataFrame], str]:
    """The registry records of `agency_codes` as the linker's identity frames (decrypted through
    the registry service; each read audited with the purpose "linkage"), and a fingerprint of
    what was read."""
    import pandas as pd

    from tiphub.linkage.settings import STATISTICAL_COLUMNS
    from tiphub.web.registry.models import VictimRecord
    from tiphub.web.registry.services import read_identities

    codes = sorted(set(agency_codes))
    rows: dict[str, list[dict[str, str]]] = {code: [] for code in codes}
    for record in read_identities(actor, codes, purpose=PURPOSE):
        row = {
            "record_id": record.record_id,
            "given_name": record.identity.get("given_name", ""),
            "family_name": record.identity.get("family_name", ""),
            "date_of_birth": record.identity.get("date_of_birth", ""),
        }
        for column in (*STATISTICAL_COLUMNS, "age_years"):
            value = record.clear.get(column)
            row[column] = "" if value is None else str(value)
        rows[record.agency].append(row)
    fingerprints = VictimRecord.objects.filter(agency__code__in=codes).order_by("pk")
    digest = hashlib.sha256()
    for code, record_id, fingerprint in fingerprints.values_list(
        "agency__code", "record_id", "fingerprint"
    ):
        digest.update(f"{code}:{record_id}:{fingerprint}\n".encode())
    frames = {code: pd.DataFrame(found) for code, found in rows.items() if found}
    return frames, digest.hexdigest()


def run_plaintext(
    actor: Any, agency_codes: Sequence[str], *, threshold: float = 0.5, engine: str = "duckdb"
) -> LinkageRun:
    """Link the registry records of consenting agencies on their identities, on the server."""
    from tiphub.linkage.run import LinkServiceError, link_identities

    codes = sorted(set(agency_codes))
    if not codes:
        raise LinkageServiceError("choose at least one agency")
    allowed = {a.code for a in consenting_agencies()}
    refused = [code for code in codes if code not in allowed]
    if refused:
        raise LinkageServiceError(
            f"agency {', '.join(refused)} has not consented to plaintext linkage: link its "
            "encodings instead"
        )
    _check_engine(engine)
    frames, fingerprint = identity_frames(actor, codes)
    if not frames:
        raise LinkageServiceError("the registry holds no records of these agencies")
    try:
        run = link_identities(frames, threshold=threshold, engine=engine)
    except LinkServiceError as error:
        raise LinkageServiceError(str(error)) from None
    finally:
        frames.clear()  # the identities leave memory with the frames
    return _keep(actor, run, None, fingerprint, "")


# --- keeping a run ------------------------------------------------------------------------------


def _keep(
    actor: Any, run: LinkRun, round_: LinkageRound | None, fingerprint: str, key: str
) -> LinkageRun:
    """Store the run: summary, pictures, stratified histories and the record -> person map.

    The files come from `tiphub.linkage.run.write_outputs` (what `tiphub link` writes), made in
    a temporary folder and read back."""
    import pandas as pd

    from tiphub.estimation.run import json_safe
    from tiphub.linkage.run import write_outputs
    from tiphub.web.registry.models import VictimRecord

    strata = [column for column in HISTORY_STRATA if column in run.stats.columns]
    with tempfile.TemporaryDirectory(prefix="tiphub-run-") as tmp:
        folder = Path(tmp)
        summary = write_outputs(
            run, out=folder / "run.csv", histories=folder / "histories.csv", strata=strata
        )
        weights_png, sizes_png = (Path(p).read_bytes() for p in summary["pictures"])
        histories = pd.read_csv(folder / "histories.csv", dtype=str, keep_default_na=False)
    rows = [
        {k: (int(v) if k in summary["agencies"] or k == "count" else v) for k, v in row.items()}
        for row in histories.to_dict("records")
    ]
    clusters = run.result.clusters
    sizes = run.result.cluster_sizes()
    with transaction.atomic():
        kept = LinkageRun.objects.create(
            round=round_,
            mode=LinkageMode(run.mode),
            threshold=float(summary["threshold"]),
            engine=run.engine,
            parameters={
                "threshold": float(summary["threshold"]),
                "engine": run.engine,
                "mode": run.mode,
                "key_fingerprint": key,
                "strata": strata,
            },
            data_fingerprint=fingerprint,
            records=summary["records"],
            persons=summary["persons"],
            candidate_pairs=int(summary["candidate_pairs"]),
            agencies=summary["agencies"],
            cluster_sizes={str(k): int(v) for k, v in sizes.items()},
            timings=summary["seconds"],
            model=json_safe(run.result.model),  # jsonb has no NaN or infinity
            strata=strata,
            histories=rows,
            weights_png=weights_png,
            sizes_png=sizes_png,
            **author_fields(actor),
        )
        pks: dict[tuple[str, str], int] = {}
        for code in summary["agencies"]:
            found = VictimRecord.objects.filter(agency__code=code).values_list("record_id", "pk")
            pks.update({(code, record_id): pk for record_id, pk in found})
        links = [
            PersonLink(
                run=kept,
                agency=str(agency),
                record_id=str(record_id),
                registry_record_id=pks.get((str(agency), str(record_id))),
                person_id=str(person),
            )
            for agency, record_id, person in clusters[
                ["agency", "record_id", "person_id"]
            ].itertuples(index=False, name=None)
        ]
        PersonLink.objects.bulk_create(links, batch_size=_LINK_BATCH)
        _audit(
            actor,
            "linkage.run",
            kept,
            mode=run.mode,
            round=round_.pk if round_ else None,
            threshold=str(summary["threshold"]),  # audit details hold no floats
            records=summary["records"],
            persons=summary["persons"],
            agencies=sorted(summary["agencies"]),
            in_registry=sum(1 for link in links if link.registry_record_id is not None),
        )
    return kept


def registry_coverage(run: LinkageRun) -> tuple[int, int]:
    """(records of the run found in the registry, records of the run)."""
    links = PersonLink.objects.filter(run=run)
    return links.filter(registry_record__isnull=False).count(), links.count()
