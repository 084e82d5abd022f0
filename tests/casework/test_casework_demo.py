"""`tiphub demo`'s casework scenario: cases at different stages, a referral from the police to
the NGO shelter that the shelter's demo account sees, a child with a guardian; made once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def demo_cast(agencies: dict[str, Any], tmp_path: Path) -> list[tuple[str, str, str, str]]:
    from tiphub.cli.demo import demo_accounts
    from tiphub.web.registry.models import Agency, AgencyKind

    Agency.objects.create(code="NGO", name="NGO shelter", kind=AgencyKind.NGO)
    return demo_accounts(tmp_path, "POL")


def test_demo_scenario_is_made_once_with_a_referral_between_agencies(
    demo_cast: list[tuple[str, str, str, str]],
) -> None:
    from django.contrib.auth import get_user_model

    from tiphub.web.casework import access
    from tiphub.web.casework import models as m
    from tiphub.web.casework.demo import run_scenario
    from tiphub.web.registry.models import VictimRecord

    accounts = {name: (role, agency) for name, _password, role, agency in demo_cast}
    assert accounts["demo-ngo-caseworker"] == ("caseworker", "NGO")
    assert accounts["demo-guardian"] == ("guardian", "POL")
    lines: list[str] = []
    cases = run_scenario(say=lines.append)
    assert len(cases) == 4
    returned, sheltered, child, screened = cases
    assert (returned.identification_state, returned.return_state) == ("cg_positive", "follow_up")
    assert returned.followups.filter(done_at__isnull=False).count() == 1
    missed = returned.tasks.get(rule_id="T13", status="overdue")  # the second visit is late
    assert missed.open
    assert (sheltered.identification_state, sheltered.immigration_state) == (
        "rg_positive", "not_applicable",
    )  # fmt: skip
    assert (child.child_state, child.guardians.get().authority) == (
        "bia_done", "Family court (demo)",
    )  # fmt: skip
    assert screened.identification_state == "presumed_victim"
    assert screened.tasks.filter(rule_id="T6").exists()  # emergency services within 24 hours

    # the shelter's demo caseworker finds the police's referral in the inbox, scoped
    users = get_user_model().objects
    ngo = users.get(username="demo-ngo-caseworker")
    referral = access.referral_inbox(ngo).get()
    assert (referral.from_agency.code, referral.purpose, referral.status) == (
        "POL", "shelter", "sent",
    )  # fmt: skip
    view = access.open_case(ngo, sheltered.pk)
    assert view.shows("support")
    assert not view.shows("narrative")
    # every case feeds the statistics (no identity in the registry's row)
    assert VictimRecord.objects.filter(case_id__startswith="NRM-").count() == 4
    # the demo guardian reaches the child's case only
    assert list(access.visible_cases(users.get(username="demo-guardian"))) == [child]

    # again: nothing new (idempotent like the rest of the demo)
    assert run_scenario(say=lines.append) == []
    assert m.Case.objects.count() == 4
    assert "casework scenario already in place" in lines
