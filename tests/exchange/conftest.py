"""One publication of the synthetic frame shared by the exchange tests."""

from importlib import resources
from pathlib import Path

import pytest

from tiphub.disclosure.suppression import Policy
from tiphub.exchange.publication import Publication, build
from tiphub.indicators.frame import normalise_frame
from tiphub.indicators.inputs import Estimate, read_population
from tiphub.indicators.registry import load_registry
from tiphub.indicators.synthetic import synthetic_frame


@pytest.fixture(scope="session")
def publication() -> Publication:
    pop = read_population(
        Path(str(resources.files("tiphub.indicators") / "data" / "synthetic_population.csv"))
    )
    est = Estimate(2024, 1200, 2400, 3600, 2900, 4700, 0.95, "profile likelihood", "A+B+C")
    return build(
        normalise_frame(synthetic_frame(3000)),
        year=2024,
        registry=load_registry(),
        population=pop,
        estimates=[est],
        policy=Policy(min_cell=5),
    )
