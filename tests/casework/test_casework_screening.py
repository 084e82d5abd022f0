"""The screening engine's presumed-victim outcome opens a case (tiphub.screening on main)."""

from __future__ import annotations

from typing import Any

from tiphub.screening import screen
from tiphub.web.casework import services
from tiphub.workflow import FrozenClock

ADULT_TRAFFICKED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def test_presumed_victim_outcome_opens_presumed_victim_status(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    result = screen({"age": 31, "set": "adults_labour", "indicators": ADULT_TRAFFICKED})
    assert result.verdict("presumed_victim") == "yes"
    case = services.open_case_from_screening(
        people["police"], result, profile_fields={"gender": "Feminine"}
    )
    assert case.identification_state == "presumed_victim"
    assert (case.age, case.gender) == (31, "Feminine")
    assert case.screening_indicators == ADULT_TRAFFICKED
    assert case.services.filter(service_type="accommodation").exists()


def test_weak_screening_opens_the_case_at_contact(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    result = screen({"age": 34, "set": "adults_labour", "indicators": ["AL-EX-02"]})
    assert result.verdict("presumed_victim") != "yes"
    case = services.open_case_from_screening(people["police"], result)
    assert case.identification_state == "contact"
    assert case.registry_record is None  # not counted before presumed-victim status
