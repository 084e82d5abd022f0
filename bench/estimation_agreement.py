"""Agreement of tiphub.estimation with R on the 14 reference datasets, per dataset.

Reads tests/data/mse/reference_r.json (bench/mse_reference.R: SparseMSE 2.0.1, R 4.2.2) and
prints, per dataset, the largest relative difference over everything compared: the population
estimate, every coefficient, the deviance and the AIC of the main-effects model, of the stepwise
model at 8 thresholds (0 ... 1) and of the AIC-selected (BHS) model; whether the selected terms
and all checkident codes match; and the largest relative difference of the profile limits.

    .venv/bin/python bench/estimation_agreement.py
"""

from __future__ import annotations

import json
from pathlib import Path

from tiphub.estimation import CaptureTable, check_model, fit_model, stepwise
from tiphub.estimation.intervals import profile
from tiphub.estimation.model import ModelFit
from tiphub.estimation.selection import aic_forward

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mse"


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else abs(a)


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]


def worst(fit: ModelFit, ref: dict) -> float:
    values = [rel(fit.total, ref["total"]), rel(fit.aic, ref["aic"])]
    if ref["deviance"] > 1e-9:
        values.append(rel(fit.deviance, ref["deviance"]))
    if "coefficients" in ref:
        coefficients = fit.coefficients()
        values += [rel(coefficients[k], v) for k, v in ref["coefficients"].items()]
    return max(values)


def main() -> None:
    reference = json.loads((DATA / "reference_r.json").read_text())
    print(f"reference: {reference['about']}")
    print(f"{'dataset':<18}{'max rel diff':>14}{'terms':>8}{'codes':>8}{'profile':>10}")
    for name, ref in reference["datasets"].items():
        table = CaptureTable.from_csv(DATA / f"{name}.csv")
        diffs = [worst(fit_model(table), ref["main"])]
        terms_ok = True
        for threshold, step in ref["stepwise"].items():
            fit = stepwise(table, float(threshold)).fit
            terms_ok &= sorted(fit.terms) == sorted(as_list(step["terms"]))
            diffs.append(worst(fit, step))
        bhs = aic_forward(table).fit
        terms_ok &= sorted(bhs.terms) == sorted(as_list(ref["aic_bhs"]["terms"]))
        diffs.append(worst(bhs, ref["aic_bhs"]))
        codes = 0
        for key, code in ref["checkident"].items():
            pairs = table.design.pairs
            if key == "main_effects":
                model: tuple = ()
            elif key == "all_pairs":
                model = pairs
            elif key.startswith("only "):
                model = table.parse_terms([key.removeprefix("only ")])
            else:
                out = table.parse_terms([key.removeprefix("all but ")])[0]
                model = tuple(p for p in pairs if p != out)
            codes += check_model(table, model).code == code
        limits = []
        for key, fit in (("main", fit_model(table)), ("stepwise_0.02", stepwise(table).fit)):
            interval, expected = profile(fit), ref["profile"][key]
            limits.append(rel(interval.low, expected["low"]))
            if expected["high"] is not None and interval.high is not None:
                limits.append(rel(interval.high, expected["high"]))
        print(
            f"{name:<18}{max(diffs):>14.1e}{'same' if terms_ok else 'DIFF':>8}"
            f"{codes:>4}/{len(ref['checkident']):<3}{max(limits):>10.1e}"
        )


if __name__ == "__main__":
    main()
