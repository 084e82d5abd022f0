"""Referral recipients see only their scoped view; transfer moves ownership; consent override
is permissioned and audited; revoking ends access."""

from __future__ import annotations

from typing import Any

import pytest
from casework_support import CANARY_GIVEN, CANARY_NARRATIVE, LABOUR_PROFILE, SCREENED
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tiphub.web.audit.models import AuditEvent
from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework.services import CaseworkError
from tiphub.workflow import ConsentScope, FrozenClock


@pytest.fixture
def case(clock: FrozenClock, people: dict[str, Any]) -> m.Case:
    return services.open_case(
        people["police"],
        profile_fields=dict(LABOUR_PROFILE),
        identity={"given_name": CANARY_GIVEN},
        narrative=CANARY_NARRATIVE,
        screening=SCREENED,
    )


def test_shelter_sees_needs_not_the_narrative(
    case: m.Case, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    police, shelter = people["police"], people["shelter"]
    with pytest.raises(Http404):
        access.open_case(shelter, case.pk)
    services.record_consent(police, case, ConsentScope.share_with("SHE"))
    referral = services.refer(police, case, agencies["SHE"], "shelter")
    assert referral in list(access.referral_inbox(shelter))

    view = access.open_case(shelter, case.pk)
    assert not view.owner
    assert view.sections == frozenset({"identity", "profile", "support"})
    assert view.identity == {"given_name": CANARY_GIVEN}
    assert view.narrative == ""  # never decrypted for this view
    read = AuditEvent.objects.filter(action="record.read", object_id=str(case.pk)).last()
    assert read is not None
    assert read.fields == ["given_name"]

    # the shelter can answer and record services, but not decide on identification
    services.respond(shelter, referral, "accept")
    services.start_service(shelter, case, "accommodation")
    with pytest.raises(PermissionDenied):  # identification is not in the shelter's view
        services.apply_transition(shelter, case, "identification", "refer")
    assert AuditEvent.objects.filter(
        action="access.denied", object_id=str(case.pk), purpose="track identification not in view"
    ).exists()
    # the recipient cannot refer the case onwards
    with pytest.raises(PermissionDenied):
        services.refer(shelter, case, agencies["CPS"], "shelter")

    # revoking ends the shared view
    services.respond(police, referral, "revoke")
    with pytest.raises(Http404):
        access.open_case(shelter, case.pk)
    assert not access.visible_cases(shelter).exists()


def test_immigration_officer_sees_the_removal_block_only(
    case: m.Case, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    police = people["police"]
    services.record_consent(police, case, ConsentScope.share_with("IMM"))
    services.refer(police, case, agencies["IMM"], "immigration")
    view = access.open_case(people["immigration"], case.pk)
    assert view.sections == frozenset({"profile", "immigration", "removal_block"})
    assert view.identity == {}


def test_rejection_needs_a_reason_and_only_the_recipient_answers(
    case: m.Case, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    police = people["police"]
    services.record_consent(police, case, ConsentScope.share_with("SHE"))
    referral = services.refer(police, case, agencies["SHE"], "shelter")
    with pytest.raises(CaseworkError, match="a reason must be recorded"):
        services.respond(people["shelter"], referral, "reject")
    with pytest.raises(PermissionDenied):
        services.respond(people["stranger"], referral, "accept")
    services.respond(people["shelter"], referral, "reject", reason="no bed for men")
    referral.refresh_from_db()
    assert referral.status == "rejected"
    assert not access.visible_cases(people["shelter"]).exists()


def test_consent_override_is_permissioned_and_audited(
    case: m.Case, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    with pytest.raises(CaseworkError, match="your role may not override consent"):
        services.refer(
            people["police"], case, agencies["SHE"], "shelter", consent_override=True,
            reason="imminent danger",
        )  # fmt: skip
    assert not case.referrals.exists()
    boss = people["police_boss"]
    with pytest.raises(CaseworkError, match="needs a reason"):
        services.refer(boss, case, agencies["SHE"], "shelter", consent_override=True)
    referral = services.refer(
        boss, case, agencies["SHE"], "shelter", consent_override=True,
        reason="imminent danger to life: vital interest",
    )  # fmt: skip
    assert referral.consent_override
    event = AuditEvent.objects.get(action="consent.override")
    assert event.actor_id == boss.pk
    row = case.transitions.get(track="referral", transition="send")
    assert row.consent_override
    assert row.reasons_ct is not None


def test_transfer_moves_ownership_on_acceptance(
    case: m.Case, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    police, shelter = people["police"], people["shelter"]
    services.record_consent(police, case, ConsentScope.share_with("SHE"))
    transfer = services.refer(police, case, agencies["SHE"], "shelter", kind="transfer")
    case.refresh_from_db()
    assert case.agency.code == "POL"
    services.respond(shelter, transfer, "accept")
    case.refresh_from_db()
    assert (case.agency.code, case.owner) == ("SHE", shelter)
    assert access.open_case(shelter, case.pk).owner
    # the former owner no longer reaches it (no referral from the new owner)
    with pytest.raises(Http404):
        access.open_case(police, case.pk)
    with pytest.raises(PermissionDenied):  # the former owner no longer acts on the case
        services.respond(police, transfer, "revoke")
