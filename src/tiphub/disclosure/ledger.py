"""The privacy-budget ledger: a persistent record of every differentially private release.

One JSON file holds, per dataset (a name plus the data version), the releases made and the
epsilon spent. A release that would take a dataset past its lifetime cap, or a single release
above the per-release cap, is refused *by code* before any noise is drawn (privacy-requirements
B2.1-B2.3: ε <= 4 per release, Σε <= 10 per dataset version, basic composition).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_LIFETIME_CAP = 10.0
DEFAULT_RELEASE_CAP = 4.0


class BudgetExceeded(RuntimeError):  # noqa: N818 (reads as the event it reports)
    """The release would spend more privacy budget than the ledger allows."""


@dataclass(frozen=True)
class Charge:
    dataset: str
    release: str
    epsilon: float
    delta: float
    mechanism: str
    purpose: str
    approver: str


class PrivacyLedger:
    """A JSON ledger file, locked while it is read and rewritten (atomic replace)."""

    def __init__(
        self,
        path: Path,
        lifetime_cap: float = DEFAULT_LIFETIME_CAP,
        release_cap: float = DEFAULT_RELEASE_CAP,
    ) -> None:
        self.path = path
        self.lifetime_cap = lifetime_cap
        self.release_cap = release_cap

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_suffix(self.path.suffix + ".lock")
        with open(lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                data: dict[str, Any] = {"version": 1, "datasets": {}}
                if self.path.exists():
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                yield data
                tmp = self.path.with_suffix(self.path.suffix + ".tmp")
                tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
                os.replace(tmp, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def spent(self, dataset: str) -> float:
        if not self.path.exists():
            return 0.0
        data = json.loads(self.path.read_text(encoding="utf-8"))
        entries = data.get("datasets", {}).get(dataset, {}).get("releases", [])
        return float(sum(e["epsilon"] for e in entries))

    def charge(self, charge: Charge) -> dict[str, Any]:
        """Record the release, or raise `BudgetExceeded` and record nothing."""
        if charge.epsilon <= 0:
            raise ValueError("epsilon must be positive")
        if charge.epsilon > self.release_cap + 1e-12:
            raise BudgetExceeded(
                f"a release may spend at most ε = {self.release_cap:g}; asked for "
                f"{charge.epsilon:g}"
            )
        with self._locked() as data:
            ds = data["datasets"].setdefault(
                charge.dataset, {"lifetime_cap": self.lifetime_cap, "releases": []}
            )
            cap = float(ds.get("lifetime_cap", self.lifetime_cap))
            spent = float(sum(e["epsilon"] for e in ds["releases"]))
            if spent + charge.epsilon > cap + 1e-12:
                raise BudgetExceeded(
                    f"dataset {charge.dataset!r} has spent ε = {spent:g} of its cap {cap:g}; "
                    f"this release (ε = {charge.epsilon:g}) is refused"
                )
            entry = {
                "release": charge.release,
                "epsilon": charge.epsilon,
                "delta": charge.delta,
                "mechanism": charge.mechanism,
                "purpose": charge.purpose,
                "approver": charge.approver,
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            ds["releases"].append(entry)
            return {
                **entry,
                "dataset": charge.dataset,
                "spent_after": spent + charge.epsilon,
                "lifetime_cap": cap,
            }
