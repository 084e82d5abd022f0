"""Fixtures for the workflow tests: a frozen clock and the default profile's workflow."""

import pytest
from workflow_builders import START

from tiphub.workflow import FrozenClock, Workflow, load_profile


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def workflow(clock: FrozenClock) -> Workflow:
    return Workflow(load_profile(), clock)
