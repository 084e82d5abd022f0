"""Does a model's maximum likelihood estimate exist, and is it identifiable?

Codes as SparseMSE's `checkident`: 0 both fine, 1 the (extended) MLE does not exist, 2 the model
is not identifiable, 3 both.

* Identifiability: the design matrix over the fitted cells must have full column rank (R: `qr()`).
* Existence (Fienberg and Rinaldo 2012): the MLE is finite iff there is no direction c in
  parameter space with X c = 0 on every cell with a positive count and X c <= 0, not all 0, on
  the zero cells: moving along such a c raises the likelihood for ever while driving those zero
  cells' fitted values to 0. SparseMSE decides the same question with the dual linear program
  max s subject to A y = t, y >= s (lpSolve); we solve the direction form with scipy's HiGHS,
  which also names the cells that would have to be fitted as zero. Both are exact conditions.
  When the cells with positive counts already have a design of full column rank no such direction
  can exist and no linear program is needed (the common case, and the fast path for the
  bootstrap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

LP_TOLERANCE = 1e-7

CODE_MEANING = {
    0: "the maximum likelihood estimate exists and is identifiable",
    1: "the maximum likelihood estimate does not exist",
    2: "the model is not identifiable",
    3: "the maximum likelihood estimate does not exist and the model is not identifiable",
}


@dataclass(frozen=True)
class Existence:
    """Outcome of the existence and identifiability checks, in numbers and in words."""

    code: int
    message: str
    rank_deficiency: int = 0
    zero_cells: tuple[str, ...] = ()  # patterns the model would have to fit as 0, e.g. "{b, c}"

    @property
    def ok(self) -> bool:
        return self.code == 0

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


def check_design(
    xmat: np.ndarray,
    y: np.ndarray,
    *,
    cell_labels: Callable[[], Sequence[str]] | None = None,
    model_label: str = "this model",
    count_triples: int | None = None,
) -> Existence:
    """Run the rank check and the existence check on design `xmat` (cells x parameters).

    `cell_labels` names the cells; it is called only when the MLE does not exist.
    """
    n_params = xmat.shape[1]
    positive = y > 0
    exists = True
    deficiency = 0
    zero_cells: tuple[str, ...] = ()
    if np.linalg.matrix_rank(xmat[positive]) < n_params:
        # Only now can the model fail: the rank over all cells, then the linear program.
        deficiency = n_params - int(np.linalg.matrix_rank(xmat))
        direction = _recession_direction(xmat, positive)
        if direction is not None:
            exists = False
            labels = cell_labels() if cell_labels else [f"cell {i + 1}" for i in range(len(y))]
            zero_cells = tuple(labels[int(i)] for i in np.flatnonzero(direction > LP_TOLERANCE))
    code = (0 if exists else 1) + (2 if deficiency > 0 else 0)
    return Existence(
        code=code,
        message=_message(code, model_label, deficiency, n_params, zero_cells, count_triples),
        rank_deficiency=deficiency,
        zero_cells=zero_cells,
    )


def _recession_direction(xmat: np.ndarray, positive: np.ndarray) -> np.ndarray | None:
    """Largest d = -X c >= 0 (capped at 1) with d = 0 on positive cells; None if d must be 0."""
    zero = ~positive
    n_params = xmat.shape[1]
    x_zero = xmat[zero]
    if not x_zero.shape[0]:
        return None
    # variables: c (free). maximise sum(-x_zero c) subject to X_pos c = 0, 0 <= -x_zero c <= 1.
    objective = x_zero.sum(axis=0)  # minimise sum(x_zero c)
    result = linprog(
        objective,
        A_ub=np.vstack([x_zero, -x_zero]),
        b_ub=np.concatenate([np.zeros(len(x_zero)), np.ones(len(x_zero))]),
        A_eq=xmat[positive] if positive.any() else None,
        b_eq=np.zeros(int(positive.sum())) if positive.any() else None,
        bounds=[(None, None)] * n_params,
        method="highs",
    )
    if result.status != 0 or -result.fun <= LP_TOLERANCE:
        return None
    d = np.zeros(len(positive))
    d[zero] = -(x_zero @ result.x)
    return d


def _message(
    code: int,
    model: str,
    deficiency: int,
    n_params: int,
    zero_cells: tuple[str, ...],
    count_triples: int | None,
) -> str:
    if code == 0:
        return f"{CODE_MEANING[0]} for {model}"
    parts = []
    if code & 1:
        cells = ", ".join(zero_cells[:8]) + (" ..." if len(zero_cells) > 8 else "")
        parts.append(
            f"the maximum likelihood estimate does not exist for {model}: the observed counts "
            "lie on the boundary of what the model can fit (Fienberg-Rinaldo linear program), "
            f"so the fit would have to put exactly 0 people in pattern(s) {cells} and some "
            "parameters would be infinite; drop a two-list term involving these lists"
        )
    if code & 2:
        why = "; no three lists overlap pairwise (count_triples = 0)" if count_triples == 0 else ""
        parts.append(
            f"{model} is not identifiable: its design matrix has rank {n_params - deficiency} "
            f"for {n_params} parameters, so different parameter values give the same fitted "
            f"counts and the dark figure is not determined{why}; use fewer two-list terms"
        )
    return "; and ".join(parts)
