"""Family tracing matches across agencies without showing another agency's identity."""

from __future__ import annotations

from typing import Any

from casework_support import SCREENED

from tiphub.web.audit.models import AuditEvent
from tiphub.web.casework import services, tracing
from tiphub.workflow import ConsentScope, FrozenClock


def test_sought_mother_found_among_other_cases(clock: FrozenClock, people: dict[str, Any]) -> None:
    child = services.open_case(
        people["cpo"], profile_fields={"age": 12, "presumed_child": True, "unaccompanied": True},
        identity={"given_name": "Amina"}, screening=SCREENED,
    )  # fmt: skip
    # the mother was identified by the police as a victim herself, in another agency
    mother = services.open_case(
        people["police"], profile_fields={"age": 38, "gender": "Feminine"},
        identity={"given_name": "Fatima", "family_name": "Okonkwo-Bello",
                  "date_of_birth": "1989-04-02"},
        screening=SCREENED,
    )  # fmt: skip
    services.open_case(
        people["police"], profile_fields={"age": 40},
        identity={"given_name": "Peter", "family_name": "Smith"}, screening=SCREENED,
    )  # fmt: skip
    request = services.open_tracing(
        people["cpo"], child,
        sought={"given_name": "Fatima", "family_name": "Okonkwo Bello", "birth_year": "1989"},
        family_contact_safe=True,
    )  # fmt: skip
    services.record_consent(people["cpo"], child, ConsentScope.TRACING, given_by="guardian")
    services.apply_transition(people["cpo"], child, "tracing", "search", tracing=request)
    request.refresh_from_db()

    found = tracing.find_matches(people["cpo"], request)
    assert found == [{"candidate": f"case:{mother.pk}", "score": 1.0, "likelihood": "likely"}]
    request.refresh_from_db()
    assert request.matches == found
    services.apply_transition(people["cpo"], child, "tracing", "propose_match", tracing=request)
    request.refresh_from_db()
    assert request.state == "potential_match"
    search = AuditEvent.objects.get(action="record.search", purpose="family tracing")
    assert search.details == {"tracing": request.pk, "candidates": 1}
    assert "Fatima" not in str(search.details)


def test_interim_matcher_scores() -> None:
    matcher = tracing.NameDateMatcher()
    same = {"given_name": "José", "family_name": "Núñez", "date_of_birth": "1980-01-01"}
    assert matcher.score(same, {"given_name": "Nunez", "family_name": "jose",
                                "birth_year": "1980"}) == 1.0  # fmt: skip
    typo = matcher.score(same, {"given_name": "Jose", "family_name": "Nunes", "birth_year": "1981"})
    assert 0.75 < typo < 1.0
    far = matcher.score(same, {"given_name": "Jose", "family_name": "Nunez", "birth_year": "1960"})
    assert far < 0.5
    assert matcher.score(same, {}) == 0.0
