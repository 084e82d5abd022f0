"""A synthetic statistical frame (contracts.md section 2) for tests, benchmarks and demos.

Until the registry supplies the frame, this is how the indicator commands are exercised end to
end. The distributions are plausible, not real: about 70 % adults, 60 % female, forms
overlapping, a few records with unknown sex or age, rare organ-removal cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CITIZENSHIPS = ["XTP", "UKR", "NGA", "VNM", "ROU", "BGR", "CHN", "BRA", "SYR", "AFG"]
CITIZENSHIP_P = [0.45, 0.15, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.02]


def synthetic_frame(
    n: int, years: tuple[int, ...] = (2022, 2023, 2024), seed: int = 7
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    year = rng.choice(np.array(years), n)
    sex = rng.choice(np.array(["F", "M", "_O", "_U"]), n, p=[0.6, 0.37, 0.005, 0.025])
    age = rng.choice(np.array(["Y0T17", "Y_GE18", "_U"]), n, p=[0.27, 0.7, 0.03])
    sexual = rng.random(n) < np.where(sex == "F", 0.55, 0.12)
    labour = rng.random(n) < np.where(sexual, 0.15, 0.8)
    organ = rng.random(n) < 0.004
    other = rng.random(n) < 0.08
    status = rng.choice(
        np.array(
            ["PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"]
        ),
        n,
        p=[0.45, 0.5, 0.05],
    )
    return pd.DataFrame(
        {
            "record_pk": np.arange(1, n + 1),
            "agency": rng.choice(np.array(["POL", "NGO", "LAB", "SOC"]), n),
            "year": year,
            "sex": sex,
            "age_group": age,
            "age_band": "",
            "is_child": age == "Y0T17",
            "citizenship": rng.choice(np.array(CITIZENSHIPS), n, p=CITIZENSHIP_P),
            "country_of_exploitation": "XTP",
            "region": rng.choice(np.array([f"R{i}" for i in range(1, 9)]), n),
            "trafficking_status": status,
            "exploitation_types": "",
            "form_sexual": sexual,
            "form_labour": labour,
            "form_organ": organ,
            "form_other": other,
        }
    )
