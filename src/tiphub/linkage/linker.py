"""Link records into persons with Splink: train without labels, predict, cluster.

    data = read_encodings(["POL.parquet", "NGO.parquet"])
    result = link(data, LinkConfig(threshold=0.9))
    result.clusters        # agency, record_id, person_id
    result.histories()     # capture histories for `tiphub estimate`

The model is Fellegi-Sunter as Splink fits it: u probabilities from random pairs, the prior
from records sharing the strictest token, m probabilities by expectation maximisation on records
with the same rare full name or the same date of birth, then within blocks of each token (a
block's own fields are left out of its session). No labels are used. Besides the identifying
fields the model compares the statistical context (year, region, country and forms of
exploitation). Records are clustered into persons from the pairs whose match probability
reaches the threshold (tiphub.linkage.clustering: connected components, loose ones re-clustered
by average linkage), within an agency (duplicates) and across agencies alike.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tiphub.linkage.clustering import CLUSTER_METHODS, ClusterMethod, cluster
from tiphub.linkage.engines import Engine, make_engine
from tiphub.linkage.histories import capture_histories
from tiphub.linkage.model import (
    blocking_rules,
    comparisons,
    context_comparisons,
    field_columns,
    same_value_rule,
    superseding_field,
    swap_partner,
    training_rule,
)
from tiphub.linkage.prepare import EncodedInput, LSHConfig, engine_table
from tiphub.linkage.settings import EncoderSettings

log = logging.getLogger(__name__)


class LinkError(ValueError):
    """The records cannot be linked as asked (too few, no shared field...)."""


@dataclass(frozen=True)
class LinkConfig:
    """How to link. `threshold` is the match probability from which two records are the same
    person; `u_max_pairs` / `em_max_pairs` bound the training work on large inputs."""

    threshold: float = 0.5
    engine: str = "duckdb"
    threads: int = 2
    memory_limit: str | None = None
    lsh: LSHConfig = field(default_factory=LSHConfig)
    u_max_pairs: float = 1e6
    em_max_pairs: float | None = 2e5
    prior_recall: float = 0.8
    em_iterations: int = 25
    #: Compare the statistical context too (year of identification, region, country and forms
    #: of exploitation) where the inputs carry it.
    context: bool = True
    #: "average": components, with any component whose records are not all linked to each
    #: other re-clustered by average linkage (no chaining through one weak link);
    #: "components": plain connected components (tiphub.linkage.clustering).
    clustering: ClusterMethod = "average"
    #: Mean match probability two groups of a loose component need to stay one person
    #: ("average" clustering; None: `threshold`).
    average_threshold: float | None = None
    #: Train EM also on records with the same rare full name and on records with the same
    #: date of birth (`TRAINING_BLOCKS`).
    train_on_equal: bool = True
    #: The year of birth says nothing for pairs that both have a date of birth.
    supersede_year: bool = True
    seed: int = 42
    keep_pairs_above: float = 0.01

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be a probability strictly between 0 and 1")
        if self.clustering not in CLUSTER_METHODS:
            raise ValueError(f"clustering must be one of {', '.join(CLUSTER_METHODS)}")


@dataclass
class LinkResult:
    """Clusters and what is needed to judge them."""

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    weight_histogram: pd.DataFrame
    threshold: float
    model: dict[str, Any]
    timings: dict[str, float]
    n_candidate_pairs: int
    agencies: list[str]

    def histories(self, strata: list[str] | None = None, stats: pd.DataFrame | None = None):  # type: ignore[no-untyped-def]
        """Capture histories (contracts.md section 3) of the clusters."""
        return capture_histories(self.clusters, self.agencies, strata=strata, stats=stats)

    def cluster_sizes(self) -> pd.Series:
        return self.clusters.groupby("person_id").size().value_counts().sort_index()


def _settings(
    data: EncodedInput,
    present: list[str],
    context: list[str],
    plaintext: bool,
    n_bands: int,
    config: LinkConfig,
) -> Any:
    from splink import SettingsCreator

    n_keys = len(data.settings.blocking_keys)
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=[
            *comparisons(
                data.settings, present, plaintext=plaintext, supersede=config.supersede_year
            ),
            *context_comparisons(context),
        ],
        blocking_rules_to_generate_predictions=blocking_rules(n_keys, n_bands),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=config.em_iterations,
        em_convergence=0.0005,
    )


def _key_fields(settings: EncoderSettings, parts: tuple[str, ...]) -> set[str]:
    """Fields a token fixes entirely: every input column of the field is a whole part. A part
    such as `date_of_birth.year`, or one of the two names of a full-name filter, fixes only part
    of its field, whose m can still be learnt (slightly biased, like Splink's substring blocks)."""
    whole = {p for p in parts if "." not in p}
    return {spec.name for spec in settings.fields if set(spec.inputs) <= whole}


def _touched_fields(settings: EncoderSettings, parts: tuple[str, ...]) -> set[str]:
    """Fields a token draws on at all."""
    columns = {p.partition(".")[0] for p in parts}
    if columns & {"date_of_birth", "birth_year"}:  # the year of birth is drawn from the date
        columns |= {"date_of_birth", "birth_year"}
    return {spec.name for spec in settings.fields if set(spec.inputs) & columns}


def link(
    data: EncodedInput,
    config: LinkConfig | None = None,
    *,
    plaintext: pd.DataFrame | None = None,
    engine: Engine | None = None,
) -> LinkResult:
    """Link the records of `data` (encoded, or plaintext when `plaintext` holds the values)."""
    from splink import Linker

    config = config or LinkConfig()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    table, present = engine_table(data, config.lsh, plaintext)
    if table.num_rows < 2:
        raise LinkError("at least two records are needed to link")
    if not present:
        raise LinkError("no identifying field has a value in any record")
    timings["prepare"] = time.perf_counter() - started
    is_plain = plaintext is not None
    context = [c for c in table.column_names if c.startswith("ctx_")] if config.context else []
    n_bands = sum(c.startswith("lsh_") for c in table.column_names)
    owns_engine = engine is None
    engine = engine or make_engine(
        config.engine, threads=config.threads, memory_limit=config.memory_limit
    )
    try:
        step = time.perf_counter()
        db_api, source = engine.load(table)
        linker = Linker(
            db_api.register(source),
            _settings(data, present, context, is_plain, n_bands, config),
            log_level=logging.WARNING,
        )
        timings["load"] = time.perf_counter() - step

        step = time.perf_counter()
        _train(linker, data, present, is_plain, config)
        timings["train"] = time.perf_counter() - step

        step = time.perf_counter()
        predictions = linker.inference.predict(threshold_match_probability=config.keep_pairs_above)
        pairs = engine.to_pandas(
            predictions, ["uid_l", "uid_r", "match_weight", "match_probability"]
        )
        timings["predict"] = time.perf_counter() - step

        model = linker.misc.save_model_to_json()
    finally:
        if owns_engine:
            engine.close()
    step = time.perf_counter()
    clusters = cluster(
        pairs, table.num_rows, config.threshold, config.clustering, config.average_threshold
    )
    timings["cluster"] = time.perf_counter() - step
    histogram = _weight_histogram(pairs["match_weight"].to_numpy(dtype=float))
    timings["total"] = time.perf_counter() - started
    return LinkResult(
        clusters=_label_clusters(clusters, data),
        pairs=pairs,
        weight_histogram=histogram,
        threshold=config.threshold,
        model=model,
        timings=timings,
        n_candidate_pairs=len(pairs),
        agencies=data.agencies,
    )


def _train(
    linker: Any,
    data: EncodedInput,
    present: list[str],
    plain: bool,
    config: LinkConfig,
) -> None:
    from splink import block_on

    settings = data.settings
    keys = settings.blocking_keys
    if not keys:
        raise LinkError("the encoder settings define no blocking key to train on")
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("bk_0")], recall=config.prior_recall
        )
    except Exception as error:  # Splink raises a bare Exception when nothing matches
        log.warning("prior not estimated from deterministic rules: %s", type(error).__name__)
    # No pair shares the strictest token (tiny or duplicate-free inputs): Splink then sets the
    # prior to 0, whose log is undefined. Assume instead about one match per record.
    if not linker._settings_obj._probability_two_random_records_match > 0:
        linker._settings_obj._probability_two_random_records_match = min(
            1.0 / max(data.table.num_rows - 1, 1), 0.5
        )
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    covered = (
        _train_on_equal_fields(linker, settings, present, plain, config)
        if config.train_on_equal
        else set()
    )
    # First pass: a token fixes every field it draws on, even in part (unbiased m estimates).
    # Second pass, for fields no session could train: a part such as `date_of_birth.year` no
    # longer counts as fixing its field (slightly biased, like Splink's substring blocks), and
    # every other comparison is held out of that session so that it is not estimated twice.
    for loose in (False, True):
        for index, parts in enumerate(keys):
            whole = _key_fields(settings, parts)
            touched = _touched_fields(settings, parts)
            fixed = {f for f in (whole if loose else touched) if f in present}
            active = {
                f
                for f in present
                if f not in fixed and swap_partner(settings, f, present) not in fixed
            }
            if loose:
                active -= covered
                # a comparison that also reads its swap partner needs the partner active too
                active = {f for f in active if swap_partner(settings, f, present) not in whole}
                partners = {swap_partner(settings, f, present) for f in active}
                active |= {p for p in partners if p is not None and p not in whole}
                fixed = set(present) - active
            if not active or active <= covered:
                continue
            if _em_session(linker, settings, index, sorted(fixed), plain, config):
                covered |= active


#: Training blocks: records with the same full name, and records with the same date of birth.
#: Only rare full names (shared by at most this many records) make a block: two people who
#: share a common name are often of the same sex and citizenship too, so EM would take such
#: pairs of namesakes for matches and learn that dates of birth often disagree. Dates of birth
#: are not tied to the other fields, so every shared date may train.
TRAINING_BLOCKS: tuple[tuple[str, int | None], ...] = (("name", 4), ("date", None))


def _train_on_equal_fields(
    linker: Any, settings: EncoderSettings, present: list[str], plain: bool, config: LinkConfig
) -> set[str]:
    """EM on the pairs that share the full name (training every other field), then on those
    that share the date of birth (training the names): each field is learnt in a block that
    does not select on it, so its m probabilities span all its levels, "nothing alike"
    included. Equal filters are something the hub sees anyway, so no extra token is needed.
    Returns the fields trained."""
    covered: set[str] = set()
    for kind, max_count in TRAINING_BLOCKS:
        fixed = {s.name for s in settings.fields if s.kind == kind and s.name in present}
        if not fixed:
            continue
        # a field that says nothing when these are present (the year of birth beside the date)
        fixed |= {
            f for f in present if superseding_field(settings, settings.field(f), present) in fixed
        }
        fixed |= {p for f in fixed if (p := swap_partner(settings, f, present)) is not None}
        active = set(present) - fixed
        if not active:
            continue
        rule = same_value_rule(kind, max_count)
        if _em_session(linker, settings, rule, sorted(fixed), plain, config, label=kind):
            covered |= active
    return covered


def _em_session(
    linker: Any,
    settings: EncoderSettings,
    rule: int | str,
    fixed: list[str],
    plain: bool,
    config: LinkConfig,
    label: str | None = None,
) -> bool:
    """One EM session on a blocking key (its index) or an SQL rule; `fixed` fields are held
    out (named in the rule so that Splink deactivates their comparisons)."""
    columns = [
        field_columns(settings.field(name), plaintext=plain, balanced=settings.balanced)[0]
        for name in fixed
    ]
    condition = f"l.bk_{rule} = r.bk_{rule}" if isinstance(rule, int) else rule
    sql = training_rule(condition, columns)
    # Splink 5's EM session narrows the linker's own comparison list to the active ones and
    # restores it only when the session completes; when it fails (e.g. a block without pairs)
    # the linker would be left without those comparisons. Keep a copy and put it back.
    saved = linker._settings_obj.core_model_settings.copy()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            sql, max_pairs=config.em_max_pairs
        )
    except Exception as error:  # too few pairs in the block: another key may train it
        log.warning("EM on %s skipped: %s %s", label or f"key {rule}", type(error).__name__, error)
        linker._settings_obj.core_model_settings = saved
        return False
    return True


def _weight_histogram(weights: np.ndarray, width: float = 1.0) -> pd.DataFrame:
    weights = weights[np.isfinite(weights)]
    if not len(weights):
        return pd.DataFrame({"weight_from": [], "weight_to": [], "pairs": []})
    low, high = np.floor(weights.min()), np.ceil(weights.max()) + width
    edges = np.arange(low, high + width / 2, width)
    counts, edges = np.histogram(weights, bins=edges)
    return pd.DataFrame({"weight_from": edges[:-1], "weight_to": edges[1:], "pairs": counts})


def _label_clusters(clusters: pd.DataFrame, data: EncodedInput) -> pd.DataFrame:
    """agency, record_id, person_id: persons numbered by their first record (agency order)."""
    table = data.table
    frame = pd.DataFrame(
        {
            "uid": np.arange(table.num_rows, dtype=np.int64),
            "agency": table.column("agency").to_pylist(),
            "record_id": table.column("record_id").to_pylist(),
        }
    )
    frame = frame.merge(clusters, on="uid", how="left", validate="one_to_one")
    frame = frame.sort_values(["agency", "record_id"], kind="stable")
    order = pd.unique(frame["cluster_id"])
    number = pd.Series(np.arange(1, len(order) + 1), index=order)
    width = max(6, len(str(len(order))))
    frame["person_id"] = [f"P{n:0{width}d}" for n in number.loc[frame["cluster_id"]].to_numpy()]
    return frame[["agency", "record_id", "person_id"]].reset_index(drop=True)
