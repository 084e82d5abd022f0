"""Commands of the linkage stage: keygen, encode, link.

    tiphub keygen --out KEY
    tiphub encode FILE --key-file KEY --agency CODE --out OUT.parquet
    tiphub link OUT1.parquet OUT2.parquet ... --out clusters.csv [--histories H.csv]
                [--engine duckdb|spark] [--threshold P]
    tiphub link --plaintext FILE1 FILE2 ... --out clusters.csv

Heavy libraries are imported inside the commands so that `tiphub --help` stays fast. Messages
name files, rows and columns, never an identifying value or the key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from tiphub.cli.app import app
from tiphub.cli.common import err_console, fail, progress, usage_error

_AGENCY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


@app.command()
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Where to write the new key (mode 0600).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing key file.")] = False,
) -> None:
    """Make a new linkage key for the agencies (keep it away from the hub)."""
    from tiphub.linkage.keys import KeyFileError, fingerprint, write_key_file

    try:
        key = write_key_file(out, overwrite=force)
    except KeyFileError as error:
        usage_error(str(error))
    err_console.print(
        f"wrote a new linkage key to {out} (fingerprint {fingerprint(key)}); share it only "
        "with the agencies that encode, never with the hub"
    )


def _load_settings(path: Path | None):  # type: ignore[no-untyped-def]
    from tiphub.linkage.settings import DEFAULT_SETTINGS, EncoderSettings

    if path is None:
        return DEFAULT_SETTINGS
    try:
        return EncoderSettings.from_json(path.read_text(encoding="utf-8"))
    except OSError:
        usage_error(f"{path}: cannot read the settings file")
    except (ValueError, KeyError, TypeError) as error:
        fail(f"{path}: not valid encoder settings ({error})")


def _read_identities(path: Path):  # type: ignore[no-untyped-def]
    from tiphub.linkage.inputs import InputFileError, read_identities

    try:
        return read_identities(path)
    except InputFileError as error:
        fail(str(error))
    except ValueError as error:  # the intake reader's validation errors name file/row/field
        fail(f"{path}: {error}")


@app.command()
def encode(
    file: Annotated[Path, typer.Argument(help="Intake-format file or linkage CSV.")],
    key_file: Annotated[Path, typer.Option("--key-file", help="Key from `tiphub keygen`.")],
    agency: Annotated[str, typer.Option("--agency", help="Code of the agency (e.g. POL).")],
    out: Annotated[Path, typer.Option("--out", help="Encoded Parquet file to write.")],
    settings_file: Annotated[
        Path | None, typer.Option("--settings", help="Encoder settings JSON (default built in).")
    ] = None,
) -> None:
    """Encode an agency's identities into keyed Bloom filters (run it at the agency)."""
    from tiphub.linkage.encoder import EncodeError, Encoder, write_encodings
    from tiphub.linkage.keys import KeyFileError, read_key_file

    if not _AGENCY.match(agency):
        usage_error("--agency must be a short code of letters, digits, '_', '-' or '.'")
    try:
        key = read_key_file(key_file)
    except KeyFileError as error:
        usage_error(str(error))
    settings = _load_settings(settings_file)
    frame = _read_identities(file)
    with progress() as bar:
        task = bar.add_task(f"encoding {len(frame)} records", total=len(frame))
        try:
            table = Encoder(key, settings).encode(frame, agency=agency)
        except EncodeError as error:
            where = f", row {error.row + 2}" if error.row is not None else ""
            column = f", column {error.column}" if error.column else ""
            fail(f"{file}{where}{column}: {error}")
        bar.update(task, completed=len(frame))
    write_encodings(table, str(out))
    filled = [
        spec.name
        for spec in settings.fields
        if table.column(f"{spec.name}_bf").null_count < table.num_rows
    ]
    err_console.print(
        f"encoded {table.num_rows} records of {agency} into {out} "
        f"(filters: {', '.join(filled) or 'none'})"
    )


def _agency_from_path(path: Path) -> str:
    code = path.stem
    if not _AGENCY.match(code):
        usage_error(f"{path}: the file name must be the agency code (e.g. POL.csv)")
    return code


@app.command()
def link(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Encoded Parquet files (or, with --plaintext, identity files named CODE.csv)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="clusters.csv: agency, record_id, person_id.")],
    histories: Annotated[
        Path | None, typer.Option("--histories", help="Also write the capture-history table.")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark.")] = "duckdb",
    threshold: Annotated[
        float, typer.Option("--threshold", help="Match probability to join two records.")
    ] = 0.5,
    plaintext: Annotated[
        bool, typer.Option("--plaintext", help="Link identities, not encodings.")
    ] = False,
    clustering: Annotated[
        str,
        typer.Option(
            "--clustering",
            help="average (default: split components held together by weak links) or "
            "components (every pair at the threshold joins its records).",
        ),
    ] = "average",
    strata: Annotated[
        str | None,
        typer.Option("--strata", help="Stratify the histories, e.g. 'sex' or 'sex,year'."),
    ] = None,
    diagnostics: Annotated[
        Path | None,
        typer.Option("--diagnostics", help="Directory for the pictures (default: beside --out)."),
    ] = None,
    model_out: Annotated[
        Path | None, typer.Option("--model-out", help="Save the trained Splink model (JSON).")
    ] = None,
    settings_file: Annotated[
        Path | None, typer.Option("--settings", help="Encoder settings JSON for --plaintext.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Summary as JSON on stdout.")] = False,
) -> None:
    """Link records into persons across (and within) agencies; write clusters and histories."""
    from tiphub.linkage.clustering import CLUSTER_METHODS
    from tiphub.linkage.engines import ENGINES
    from tiphub.linkage.run import (
        LinkServiceError,
        link_encoded_files,
        link_identities,
        write_outputs,
    )

    if engine not in ENGINES:
        usage_error(f"--engine must be one of {', '.join(ENGINES)}")
    if clustering not in CLUSTER_METHODS:
        usage_error(f"--clustering must be one of {', '.join(CLUSTER_METHODS)}")
    if not 0.0 < threshold < 1.0:
        usage_error("--threshold must be a probability strictly between 0 and 1")
    for path in files:
        if not path.is_file():
            usage_error(f"{path}: no such file")
    strata_list = [s.strip() for s in strata.split(",")] if strata else []
    with progress() as bar:
        bar.add_task(f"linking {len(files)} files with {engine}", total=None)
        try:
            if plaintext:
                settings = _load_settings(settings_file)
                frames = {}
                for path in files:
                    code = _agency_from_path(path)
                    if code in frames:
                        usage_error(f"agency {code} is given twice")
                    frames[code] = _read_identities(path)
                run = link_identities(
                    frames,
                    threshold=threshold,
                    engine=engine,
                    settings=settings,
                    clustering=clustering,
                )
            else:
                run = link_encoded_files(
                    files, threshold=threshold, engine=engine, clustering=clustering
                )
        except LinkServiceError as error:
            fail(str(error))
    try:
        summary = write_outputs(
            run,
            out=out,
            histories=histories,
            strata=strata_list,
            pictures=diagnostics,
            model_out=model_out,
        )
    except LinkServiceError as error:
        usage_error(f"--strata: {error}")
    if as_json:
        typer.echo(json.dumps(summary, indent=1))
    err_console.print(
        f"linked {summary['records']} records into {summary['persons']} persons "
        f"({summary['candidate_pairs']} candidate pairs, {summary['seconds']['total']:.1f} s); "
        f"wrote {out}" + (f" and {histories}" if histories else "")
    )
