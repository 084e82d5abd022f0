"""The demo's spine after the import: encode -> link -> estimate (`tiphub demo` calls it).

Each agency's file is encoded with the demo's linkage key as the agency would (`tiphub encode`),
the encodings are uploaded to a linkage round and linked through the web app's service (which
calls `tiphub.linkage.run`, like `tiphub link`), and the hidden figure is estimated from the run's
capture histories, by year, through the estimation page's service (which calls
`tiphub.estimation.run`, like `tiphub estimate`); that estimate is handed to the indicators.
Every step is skipped when its result is already there, so running the demo twice changes
nothing. The demo key is made for the synthetic country only; a real key belongs to the
agencies and never reaches the hub.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tiphub.cli.common import err_console, fail, progress

DEMO_ROUND = "Demo round (synthetic country)"
KEY_FILE = "demo-linkage.key"
INTERVALS = {"wald": "Wald", "profile": "profile-likelihood", "bootstrap": "BCa bootstrap"}


def _say(message: str) -> None:
    err_console.print(message, highlight=False)


def encode_agencies(out_dir: Path, metadata: dict[str, Any]) -> dict[str, Path]:
    """Encode each agency's file with the demo key (kept when already encoded with it)."""
    from tiphub.linkage.encoder import Encoder, write_encodings
    from tiphub.linkage.inputs import read_identities
    from tiphub.linkage.keys import read_key_file, write_key_file

    key_path = out_dir / KEY_FILE
    key = read_key_file(key_path) if key_path.exists() else write_key_file(key_path)
    folder = out_dir / "encoded"
    folder.mkdir(exist_ok=True)
    encoded = {}
    with progress() as bar:
        task = bar.add_task("encoding the agencies' identities", total=len(metadata["agencies"]))
        for agency in metadata["agencies"]:
            code, source = agency["code"], out_dir / agency["file"]
            target = folder / f"{code}.parquet"
            if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
                table = Encoder(key).encode(read_identities(source), agency=code)
                write_encodings(table, str(target))
            encoded[code] = target
            bar.advance(task)
    _say(f"encoded {len(encoded)} agencies' identities (keyed Bloom filters, no name) in {folder}")
    return encoded


def link_demo(actor: str, encoded: dict[str, Path]) -> Any:
    """Upload the encodings to the demo round and link it, unless a run of these files exists."""
    from tiphub.web.analysis import linking
    from tiphub.web.analysis.models import LinkageRound
    from tiphub.web.registry.models import Agency

    round_ = LinkageRound.objects.filter(name=DEMO_ROUND).first()
    if round_ is None:
        round_ = linking.open_round(actor, DEMO_ROUND)
    kept = {f.agency.code: f.sha256 for f in round_.files.select_related("agency")}
    for code, path in encoded.items():
        data = path.read_bytes()
        if kept.get(code) != hashlib.sha256(data).hexdigest():
            try:
                linking.upload_encoding(
                    actor, round_, Agency.objects.get(code=code), data, path.name
                )
            except linking.LinkageServiceError as error:
                fail(f"the demo encodings of {code} were refused: {error}")
    fingerprint = linking.round_fingerprint(round_)
    run = round_.runs.filter(data_fingerprint=fingerprint).first()
    if run is not None:
        _say(
            f"linkage run {run.pk} is up to date: {run.records:,} records → {run.persons:,} persons"
        )
        return run
    with progress() as bar:
        bar.add_task(f"linking {sum(f.records for f in round_.files.all()):,} records", total=None)
        try:
            run = linking.run_round(actor, round_)
        except linking.LinkageServiceError as error:
            fail(f"the demo linkage failed: {error}")
    _say(
        f"linkage run {run.pk}: {run.records:,} records from {len(run.agencies)} agencies → "
        f"{run.persons:,} unique persons ({run.candidate_pairs:,} candidate pairs scored)"
    )
    return run


#: The demo's interval: the BCa bootstrap over the whole stepwise selection, seeded so that a
#: second run gives the same figure. The Wald interval of the selected model ignores that another
#: model could have been selected and is too narrow (bench/RESULTS.md, end to end).
DEMO_REPS = 1000
DEMO_BOOTSTRAP_SEED = 1


def estimate_demo(actor: str, run: Any) -> Any:
    """Estimate the hidden figure from the run's histories by year (each year its own model),
    and hand the estimate to the indicators, unless that was done for this run already."""
    from tiphub.web.analysis import estimates
    from tiphub.web.analysis.models import EstimateRun

    kept = EstimateRun.objects.filter(linkage_run=run).first()
    if kept is None:
        by = ("year",) if "year" in run.strata else ()
        with progress() as bar:
            bar.add_task("estimating the hidden figure (multiple systems estimation)", total=None)
            try:
                kept = estimates.run_estimate(
                    actor,
                    estimates.EstimateParameters(
                        by=by, ci="bootstrap", reps=DEMO_REPS, seed=DEMO_BOOTSTRAP_SEED
                    ),
                    linkage_run=run,
                    jobs=None,  # the command line may use every core (a web worker may not)
                )
            except estimates.EstimationError as error:
                fail(f"the demo estimate failed: {error}")
        high = "open" if kept.ci_high is None else f"{kept.ci_high:,.0f}"
        interval = INTERVALS.get(kept.ci_method, kept.ci_method)
        _say(
            f"estimate {kept.pk}: {kept.observed:,} persons identified, estimated total "
            f"{kept.total:,.0f} ({kept.ci_level:.0%} {interval} interval "
            f"{kept.ci_low:,.0f} to {high}; model {kept.model_terms}; each year estimated "
            "separately for the indicators)"
        )
    else:
        _say(f"estimate {kept.pk} of linkage run {run.pk} is up to date")
    if not estimates.in_use(kept):
        try:
            estimates.use_for_indicators(kept, actor)
        except estimates.EstimationError as error:
            _say(f"[yellow]the indicators cannot use the estimate:[/] {error}")
    return kept


def demo_analysis(out_dir: Path, metadata: dict[str, Any]) -> None:
    """`tiphub demo`: encode, link and estimate (each step only when needed)."""
    from tiphub.cli.registry import cli_actor

    actor = cli_actor()
    encoded = encode_agencies(out_dir, metadata)
    run = link_demo(actor, encoded)
    kept = estimate_demo(actor, run)
    truth, seen = metadata.get("N"), metadata.get("observed")
    if truth and seen:
        covered = kept.ci_low <= truth <= (kept.ci_high or float("inf"))
        _say(
            f"(the synthetic country's truth, known only because it is synthetic: {truth:,} "
            f"victims, {seen:,} of them identified by some agency; the pooled interval "
            f"{'covers' if covered else 'misses'} the true total: see docs/estimation.md on "
            "heterogeneity and the sensitivity plot)"
        )
