"""The Splink model: declarative comparisons and blocking rules for encodings and plaintext.

Both modes share one shape (one comparison per field, the same blocking rules), so the difference
between a plaintext and an encoded link is only how similarity is measured: Jaro-Winkler and
Levenshtein on the plain values, the Dice coefficient on the Bloom filters. The SQL here uses only
`bit_count`, `&`, arithmetic and comparisons, which DuckDB and Spark SQL both understand, so the
same settings (and a trained model's JSON) run on either engine.

In the engine table a field's filter is stored as `<field>_w0..w{n-1}` (64-bit words) and its
population count `<field>_n` (NULL when the value is missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from splink import block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from tiphub.linkage.settings import EncoderSettings, FieldSpec

#: Dice thresholds of the comparison levels, by field kind, strongest first. 1.0 is "the same
#: value" (equal filters); the others were set from the Dice of typical one- and two-edit pairs
#: of names at the default filter density, not tuned on labels.
DICE_LEVELS: dict[str, tuple[float, ...]] = {
    "name": (1.0, 0.85, 0.7, 0.55),
    "text": (1.0, 0.85, 0.7),
    "date": (1.0, 0.85, 0.7),
    "code": (1.0,),
    "year": (1.0, 0.7, 0.5, 0.35),
}
JARO_LEVELS: dict[str, tuple[float, ...]] = {"name": (0.92, 0.85, 0.7), "text": (0.9, 0.75)}
LEVENSHTEIN_LEVELS: tuple[int, ...] = (1, 2)


def words(spec: FieldSpec, balanced: bool = False) -> int:
    return (spec.bits * (2 if balanced else 1)) // 64


def dice_sql(name: str, n_words: int) -> str:
    """Dice coefficient of the `name` filters of the two records, in portable SQL."""
    return cross_dice_sql(name, name, n_words)


def cross_dice_sql(left: str, right: str, n_words: int) -> str:
    """Dice of the `left` filter of record l and the `right` filter of record r."""
    shared = " + ".join(
        f"CAST(bit_count({left}_w{i}_l & {right}_w{i}_r) AS INTEGER)" for i in range(n_words)
    )
    return f"(2.0 * ({shared}) / ({left}_n_l + {right}_n_r))"


def _variant(field: str, offset: int) -> str:
    return field if offset == 0 else f"{field}_s{offset}"


def _any(conditions: list[str]) -> str:
    return conditions[0] if len(conditions) == 1 else "(" + " OR ".join(conditions) + ")"


#: Dice from which two swapped names count as the same names (both directions must reach it).
SWAP_DICE = 0.85


def _both_present(column: str) -> str:
    return f"({column}_l IS NOT NULL AND {column}_r IS NOT NULL)"


def dice_comparison(
    spec: FieldSpec,
    n_words: int,
    swap_with: str | None = None,
    variants: int = 1,
    superseded_by: str | None = None,
) -> ComparisonCreator:
    """Comparison levels on the Dice coefficient of one field's filters. With `swap_with`, a
    level for names recorded in each other's field (given <-> family) comes after the two
    strongest levels. A salted field has `variants` filters (year buckets); two records agree
    at a level when any one of them does. With `superseded_by` (the year of birth, by the date
    of birth it is drawn from), the comparison says nothing when both records have that field:
    the date has already counted the year, and counting it twice would overstate the evidence
    of two people born on the same day (Fellegi-Sunter assumes the fields independent)."""
    name = spec.name
    names = [_variant(name, o) for o in range(variants)]
    missing = f"{name}_n_l IS NULL OR {name}_n_r IS NULL"
    if superseded_by:
        missing += f" OR {_both_present(f'{superseded_by}_n')}"
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.CustomLevel(missing).configure(is_null_level=True)
    ]
    for position, threshold in enumerate(DICE_LEVELS[spec.kind]):
        if threshold >= 1.0:
            same = [
                "(" + " AND ".join(f"{v}_w{i}_l = {v}_w{i}_r" for i in range(n_words)) + ")"
                for v in names
            ]
            levels.append(cll.CustomLevel(_any(same), label_for_charts="same filter"))
        else:
            close = [f"{dice_sql(v, n_words)} >= {threshold}" for v in names]
            levels.append(cll.CustomLevel(_any(close), label_for_charts=f"Dice >= {threshold}"))
        if swap_with and position == 1:
            swapped = [
                f"{cross_dice_sql(_variant(name, o), _variant(swap_with, o), n_words)} >= "
                f"{SWAP_DICE} AND "
                f"{cross_dice_sql(_variant(swap_with, o), _variant(name, o), n_words)} >= "
                f"{SWAP_DICE}"
                for o in range(variants)
            ]
            levels.append(
                cll.CustomLevel(
                    _any([f"({c})" for c in swapped]), label_for_charts=f"swapped with {swap_with}"
                )
            )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(
        comparison_levels=levels,
        output_column_name=name,
        comparison_description=f"Dice of the {name} Bloom filters",
    )


def plaintext_comparison(
    spec: FieldSpec, swap_with: str | None = None, superseded_by: str | None = None
) -> ComparisonCreator:
    """Typo-tolerant comparison of one normalised plaintext field (`superseded_by`: as in
    `dice_comparison`)."""
    if spec.kind == "code":
        return cl.ExactMatch(spec.name)
    if spec.kind == "year":
        gap = f"ABS(CAST({spec.name}_l AS INTEGER) - CAST({spec.name}_r AS INTEGER))"
        missing = f"{spec.name}_l IS NULL OR {spec.name}_r IS NULL"
        if superseded_by:
            missing += f" OR {_both_present(superseded_by)}"
        return cl.CustomComparison(
            comparison_levels=[
                cll.CustomLevel(missing).configure(is_null_level=True),
                cll.ExactMatchLevel(spec.name),
                *(
                    cll.CustomLevel(f"{gap} <= {d}", label_for_charts=f"<= {d} years")
                    for d in (1, 2, 3)
                ),
                cll.ElseLevel(),
            ],
            output_column_name=spec.name,
            comparison_description="years of birth apart",
        )
    if spec.kind == "date":
        return cl.LevenshteinAtThresholds(spec.name, list(LEVENSHTEIN_LEVELS))
    if swap_with is None:
        return cl.JaroWinklerAtThresholds(spec.name, list(JARO_LEVELS[spec.kind]))
    thresholds = JARO_LEVELS[spec.kind]
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(spec.name),
        cll.ExactMatchLevel(spec.name),
        cll.JaroWinklerLevel(spec.name, thresholds[0]),
        cll.ColumnsReversedLevel(spec.name, swap_with, symmetrical=True),
        *(cll.JaroWinklerLevel(spec.name, t) for t in thresholds[1:]),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        comparison_levels=levels,
        output_column_name=spec.name,
        comparison_description=f"Jaro-Winkler of {spec.name}, or swapped with {swap_with}",
    )


#: Fields whose values are often recorded in each other's place.
SWAPPABLE = {"given_name": "family_name"}


def swap_partner(settings: EncoderSettings, name: str, present: Sequence[str]) -> str | None:
    """The field that `name`'s comparison also reads for its swapped-names level, if any."""
    swap = SWAPPABLE.get(name)
    if swap is None or swap not in present or name not in present:
        return None
    spec, partner = settings.field(name), settings.field(swap)
    alike = partner.kind == spec.kind and partner.bits == spec.bits
    return swap if alike and settings.variants(spec) == settings.variants(partner) else None


def comparisons(
    settings: EncoderSettings, present: Sequence[str], *, plaintext: bool, supersede: bool = True
) -> list[ComparisonCreator | dict[str, Any]]:
    """One comparison per encoded field that has at least one value in the data (with
    `supersede`, the year of birth counts only where a date of birth is missing)."""
    out: list[ComparisonCreator | dict[str, Any]] = []
    for spec in settings.fields:
        if spec.name not in present:
            continue
        swap = swap_partner(settings, spec.name, present)
        source = superseding_field(settings, spec, present) if supersede else None
        if plaintext:
            out.append(plaintext_comparison(spec, swap, source))
        else:
            out.append(
                dice_comparison(
                    spec, words(spec, settings.balanced), swap, settings.variants(spec), source
                )
            )
    return out


#: Context compared on three levels (same, near, else): column -> (near SQL, label, description).
NEAR_CONTEXT = {
    "ctx_year": ("ABS(ctx_year_l - ctx_year_r) <= 1", "a year apart", "year of identification"),
    "ctx_forms": ("(ctx_forms_l & ctx_forms_r) <> 0", "a form in common", "forms of exploitation"),
}


def context_comparisons(columns: Sequence[str]) -> list[ComparisonCreator]:
    """Comparisons of the statistical context (`ctx_*` columns of the engine table, see
    `prepare.context_columns`): year of identification, region, country of exploitation and
    forms of exploitation. Each is weak alone; EM learns how far each agrees for the same
    person in these data (and a context the agencies record differently gets no weight)."""
    out: list[ComparisonCreator] = []
    for name in ("ctx_year", "ctx_region", "ctx_country", "ctx_forms"):
        if name not in columns:
            continue
        if name not in NEAR_CONTEXT:
            out.append(cl.ExactMatch(name))
            continue
        near, label, description = NEAR_CONTEXT[name]
        out.append(
            cl.CustomComparison(
                comparison_levels=[
                    cll.NullLevel(name),
                    cll.ExactMatchLevel(name),
                    cll.CustomLevel(near, label_for_charts=label),
                    cll.ElseLevel(),
                ],
                output_column_name=name,
                comparison_description=description,
            )
        )
    return out


#: The field a year of birth is drawn from when it is known (encoder.birth_year).
YEAR_SOURCE = "date_of_birth"


def superseding_field(
    settings: EncoderSettings, spec: FieldSpec, present: Sequence[str]
) -> str | None:
    """For the year of birth: the date of birth, when the data have it (the year then counts
    only for pairs where a date is missing on one side, i.e. estimated from an age)."""
    if spec.kind != "year" or YEAR_SOURCE not in present:
        return None
    return YEAR_SOURCE if settings.field(YEAR_SOURCE).kind == "date" else None


def field_columns(spec: FieldSpec, *, plaintext: bool, balanced: bool = False) -> list[str]:
    """Engine columns a comparison on `spec` reads (used to deactivate it in EM sessions)."""
    if plaintext:
        return [spec.name]
    return [f"{spec.name}_n"] + [f"{spec.name}_w{i}" for i in range(words(spec, balanced))]


def same_value_rule(kind: str, max_count: int | None = None) -> str:
    """Pairs with equal values in every field of `kind` (`same_<kind>` of the engine table),
    optionally only values that at most `max_count` records share (rare values)."""
    rule = f"l.same_{kind} = r.same_{kind}"
    return rule + (f" AND l.same_{kind}_count <= {int(max_count)}" if max_count else "")


def blocking_rules(n_keys: int, n_bands: int) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate pairs share a keyed token or an LSH band of their filters."""
    rules: list[BlockingRuleCreator | dict[str, Any]] = [block_on(f"bk_{i}") for i in range(n_keys)]
    rules += [block_on(f"lsh_{j}") for j in range(n_bands)]
    return rules


def training_rule(condition: str, fixed_columns: Sequence[str]) -> str:
    """An EM blocking rule on `condition` (SQL on l./r.) that names the columns it fixes.

    Splink deactivates, in an EM session, the comparisons whose columns appear in the blocking
    rule (their m cannot be estimated from pairs selected for agreeing on them). A keyed token
    or an equal-filter group hides which fields it combines, so the rule names them in a
    tautology that changes no pair.
    """
    mention = " AND ".join(f"(l.{c} IS NULL OR l.{c} IS NOT NULL)" for c in fixed_columns)
    return condition + (f" AND {mention}" if mention else "")
