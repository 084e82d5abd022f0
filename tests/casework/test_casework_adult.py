"""Worked case through the web app: adult labour exploitation, referral to the competent
authority, RG and CG decisions, statistics, audit and encryption at rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from casework_support import (
    CANARY_FAMILY,
    CANARY_GIVEN,
    CANARY_NARRATIVE,
    LABOUR_PROFILE,
    SCREENED,
    decision,
)
from django.core.exceptions import PermissionDenied

from tiphub.web.audit.models import AuditEvent
from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework.services import CaseworkError
from tiphub.workflow import ConsentScope, FrozenClock


def _open(people: dict[str, Any]) -> m.Case:
    return services.open_case(
        people["police"],
        profile_fields=dict(LABOUR_PROFILE),
        identity={"given_name": CANARY_GIVEN, "family_name": CANARY_FAMILY},
        narrative=CANARY_NARRATIVE,
        screening=SCREENED,
    )


def test_adult_labour_case_from_screening_to_conclusive_grounds(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    police, authority = people["police"], people["authority"]
    case = _open(people)
    # the screening's presumed-victim outcome opened presumed-victim status and basic services
    assert case.identification_state == "presumed_victim"
    assert sorted(case.services.values_list("service_type", flat=True)) == sorted(
        services.BASIC_SERVICES
    )

    # no consent, no referral: refused with the reason, and the refusal is audited
    with pytest.raises(CaseworkError) as refused:
        services.refer(police, case, agencies["ATU"], "nrm_decision")
    assert refused.value.reasons == ("no valid consent covers share_with_agency:ATU, refer_to_nrm",)
    assert AuditEvent.objects.filter(action="case.transition", outcome="rejected").exists()
    assert not case.referrals.exists()

    services.record_consent(police, case, ConsentScope.REFER_TO_NRM)
    services.record_consent(police, case, ConsentScope.share_with("ATU"))
    referral = services.refer(police, case, agencies["ATU"], "nrm_decision")
    case.refresh_from_db()
    assert referral.status == "sent"
    assert case.identification_state == "referred"

    # the competent authority sees the case through the referral and accepts it
    assert access.visible_cases(authority).filter(pk=case.pk).exists()
    services.respond(authority, referral, "accept")

    # RG: a decision with reasons and standard; starts the recovery period (30 days)
    clock.advance(days=2)
    services.apply_transition(authority, case, "identification", "rg_positive", decision=decision())
    case.refresh_from_db()
    assert case.identification_state == "rg_positive"
    period = case.recovery_periods.get()
    assert period.min_end - period.start == timedelta(days=30)

    # CG before the recovery period ends is refused, with the date
    clock.advance(days=10)
    with pytest.raises(CaseworkError) as early:
        services.apply_transition(
            authority, case, "identification", "cg_positive", decision=decision("CG")
        )
    assert "ends on 2027-04-02" in early.value.reasons[0]
    clock.advance(days=21)
    services.apply_transition(
        authority, case, "identification", "cg_positive", decision=decision("CG")
    )
    case.refresh_from_db()
    assert case.identification_state == "cg_positive"

    # decisions are append-only records with who, standard, reasons (sealed), evidence
    rg, cg = case.transitions.filter(decision_kind__in=["RG", "CG"]).order_by("at")
    assert (rg.decision_kind, rg.outcome, rg.actor_id) == ("RG", "positive", authority.pk)
    assert rg.evidence == ["screening", "inspection-report-17"]
    assert rg.reasons_ct is not None
    assert cg.standard_applied == "balance of probabilities"
    with pytest.raises(m.AppendOnlyError):
        rg.save()
    with pytest.raises(m.AppendOnlyError):
        case.transitions.all().delete()
    assert AuditEvent.objects.filter(action="case.decision", object_id=str(case.pk)).count() == 2

    # the case counts in the registry's statistics, as an actual victim, without identity
    from tiphub.web.registry.services import statistical_frame

    frame = statistical_frame()
    row = frame[frame["agency"] == "POL"].iloc[0]
    assert row["trafficking_status"] == "ActualVictimOfTrafficking"
    assert (row["sex"], row["age_group"], bool(row["form_labour"])) == ("M", "Y_GE18", True)
    assert not {"given_name", "family_name", "narrative"} & set(frame.columns)


def test_identities_are_encrypted_at_rest(clock: FrozenClock, people: dict[str, Any]) -> None:
    from django.db import connection

    case = _open(people)
    with connection.cursor() as cursor:
        query = "SELECT identity_ct, sensitive_ct FROM casework_case WHERE id = %s"
        cursor.execute(query, [case.pk])
        stored = b"".join(bytes(v) for v in cursor.fetchone())
    for canary in (CANARY_GIVEN, CANARY_FAMILY, "Ozzelbrand farm"):
        assert canary.encode() not in stored
        assert canary.lower().encode() not in stored
    view = access.open_case(people["police"], case.pk)
    assert view.identity["given_name"] == CANARY_GIVEN
    assert view.narrative == CANARY_NARRATIVE
    read = AuditEvent.objects.filter(action="record.read", object_id=str(case.pk)).last()
    assert read is not None
    assert set(read.fields) == {"given_name", "family_name", "narrative"}
    # audit details never carry the values
    for event in AuditEvent.objects.all():
        text = str(event.details) + str(event.fields) + event.purpose
        assert CANARY_GIVEN not in text
        assert "Ozzelbrand" not in text


def test_other_agencies_see_nothing(clock: FrozenClock, people: dict[str, Any]) -> None:
    from django.http import Http404

    case = _open(people)
    assert not access.visible_cases(people["stranger"]).exists()
    with pytest.raises(Http404):
        access.open_case(people["stranger"], case.pk)
    denied = AuditEvent.objects.filter(action="access.denied", object_id=str(case.pk))
    assert denied.exists()
    with pytest.raises(PermissionDenied):
        services.apply_transition(people["stranger"], case, "support", "assess_needs")


def test_wrong_role_is_refused_with_the_reason(clock: FrozenClock, people: dict[str, Any]) -> None:
    case = _open(people)
    with pytest.raises(CaseworkError) as error:
        services.apply_transition(people["police_boss"], case, "support", "assess_needs")
    assert error.value.reasons == ("'assess_needs' is done by: case_worker",)


def test_opening_a_case_cannot_set_its_states(clock: FrozenClock, people: dict[str, Any]) -> None:
    with pytest.raises(CaseworkError, match="unknown case fields"):
        services.open_case(people["police"], profile_fields={"identification_state": "cg_positive"})
    with pytest.raises(PermissionDenied):
        services.open_case(people["authority"], profile_fields={})  # no case.create
