"""Family tracing and reunification: search, potential match, verification, reunification.

The tracing track (`tiphub.workflow`, per `TracingRequest`) is `open -> searching ->
potential_match -> verified -> reunification_assessed -> reunified | not_in_best_interests |
closed`; every command here checks the access policy, asks the workflow (guards: consent to
tracing and a safe risk check before any search, cross-border consent and a data-sharing
agreement abroad, a second user to verify, a recommending assessment and, for a child, a BID
before reunification) and records the transition through `services.apply_transition`.

**Searching** (`search`) scores the sought person with `tiphub.linkage.search` (transliteration-
and typo-tolerant names in both orders, partial dates) against:

- the identities of NRM cases of every agency (the national referral mechanism is one system),
  except the requesting case and anyone who refused or withdrew consent to tracing;
- the registry's victim records of the agencies the policy lets the user's agency search
  (`access.tracing_registry_agencies`: its own, or every agency with
  `TIPHUB_TRACING_REGISTRY_SCOPE = "national"`); their reads are audited by the registry;
- the persons reported by the counterpart abroad in this request's incoming messages;

and the person of the requesting case against what other tracing requests seek (a family
elsewhere may be looking for this child). Only keys, scores, likelihood and which fields agreed
are stored on the request (`matches`), never a name. What a user is shown of a candidate is
decided when it is shown (`shown_matches`), by the access policy: a record the user may see
anyway is named by its reference, with the comparison; any other is "a possible match held by
agency X; request contact through a referral", and agency X's case gets an alert (no identity
either way). Every search is audited as `record.search` with counts only.

**Cross-border** requests travel as structured messages (`TracingMessage`; format
`tiphub.tracing-message` version 1): an outgoing message needs consent to tracing and to
cross-border sharing and the data-sharing agreement on file; an incoming one must name the same
agreement. Each is sealed at rest; a download of an outgoing message is audited as
`record.export`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tiphub import workflow as wf
from tiphub.linkage import search as linkage_search
from tiphub.web.accounts import policy
from tiphub.web.audit.services import record_event
from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework.sealing import seal, unseal
from tiphub.web.casework.services import CaseworkError, command
from tiphub.workflow import ConsentScope
from tiphub.workflow.guards import cross_border_blockers, tracing_blockers

MESSAGE_FORMAT = "tiphub.tracing-message"
MESSAGE_VERSION = 1
SOUGHT_FIELDS = ("relation", "given_name", "family_name", "date_of_birth", "birth_year",
                 "sex", "last_known_location")  # fmt: skip
#: states from which a request may still search (and send its search abroad).
SEARCHABLE = frozenset({"searching", "potential_match"})
#: bands of a withheld candidate that alert the agency holding it.
ALERTING = frozenset({"likely", "possible"})


# --- the matcher ------------------------------------------------------------------------------


class Matcher(Protocol):
    """Scores one sought person against candidates: `(key, identity)` pairs in, the candidates
    that may be the person out, best first, as dicts with `key`, `score` (probability),
    `likelihood` ("likely" | "possible" | "weak") and `fields` (which fields agreed, how)."""

    def rank(
        self, sought: Mapping[str, Any], candidates: Iterable[tuple[str, Mapping[str, Any]]]
    ) -> list[dict[str, Any]]: ...


@dataclass
class LinkageMatcher:
    """`tiphub.linkage.search`: Fellegi-Sunter weights on transliteration- and typo-tolerant
    name levels (both orders), partial and estimated dates of birth, sex and citizenship."""

    min_probability: float = 0.1
    limit: int = 25
    weights: linkage_search.Weights | None = None

    def rank(
        self, sought: Mapping[str, Any], candidates: Iterable[tuple[str, Mapping[str, Any]]]
    ) -> list[dict[str, Any]]:
        found = linkage_search.rank(
            sought, candidates, weights=self.weights,
            min_probability=self.min_probability, limit=self.limit,
        )  # fmt: skip
        return [match.to_dict() for match in found]


# --- candidates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    key: str  # "case:<pk>", "record:<pk>", "message:<pk>:<n>", "seeking:<tracing pk>"
    source: str  # case | record | message | seeking
    agency: str
    identity: Mapping[str, Any]


def _birth_year(age: int | None, on: date | None) -> str:
    return str(on.year - age) if age is not None and on is not None else ""


def case_identity(case: m.Case) -> dict[str, Any]:
    """A case's person as the matcher reads it (sealed names and date, clear profile)."""
    identity = unseal(case, "identity")
    return {
        "given_name": identity.get("given_name", ""),
        "family_name": identity.get("family_name", ""),
        "date_of_birth": identity.get("date_of_birth", ""),
        "birth_year": _birth_year(case.age, case.first_contact_date),
        "gender": case.gender,
        "citizenship": case.citizenship,
    }


def _refused_tracing(case: m.Case) -> bool:
    """The person refused consent to tracing, or withdrew it (the latest record decides)."""
    latest = case.consents.filter(scope=ConsentScope.TRACING).order_by("-valid_from", "-pk").first()
    return latest is not None and (latest.refused or latest.withdrawn_at is not None)


def _case_candidates(tracing: m.TracingRequest) -> Iterator[Candidate]:
    cases = (
        m.Case.objects.exclude(pk=tracing.case_id)
        .exclude(identity_ct__isnull=True)
        .select_related("agency")
        .prefetch_related("consents")
    )
    for case in cases:
        if not _refused_tracing(case):
            yield Candidate(f"case:{case.pk}", "case", case.agency.code, case_identity(case))


def _record_candidates(user: Any) -> Iterator[Candidate]:
    from tiphub.web.registry.services import read_identities

    codes = access.tracing_registry_agencies(user)
    if not codes:
        return
    for record in read_identities(user, codes, purpose="family tracing"):
        identity = record.identity
        if not (identity.get("given_name") or identity.get("family_name")):
            continue
        clear = record.clear
        year = _birth_year(clear.get("age"), clear.get("identification_date"))
        yield Candidate(
            f"record:{record.pk}", "record", record.agency,
            {**identity, "birth_year": year, "gender": clear.get("gender", ""),
             "citizenship": clear.get("citizenship", "")},
        )  # fmt: skip


def _message_candidates(tracing: m.TracingRequest) -> Iterator[Candidate]:
    for message in tracing.messages.filter(direction="incoming"):
        body = message_body(message)
        for number, person in enumerate(body.get("persons", [])):
            yield Candidate(
                f"message:{message.pk}:{number}", "message", message.counterpart_agency, person
            )


def _seeking_candidates(tracing: m.TracingRequest) -> Iterator[Candidate]:
    """Other requests' sought persons, to compare with this case's person."""
    others = (
        m.TracingRequest.objects.exclude(case_id=tracing.case_id)
        .exclude(sought_ct__isnull=True)
        .exclude(state__in=wf.MACHINES[wf.Track.TRACING].terminal)
        .select_related("case__agency")
    )
    for other in others:
        yield Candidate(f"seeking:{other.pk}", "seeking", other.case.agency.code,
                        unseal(other, "sought"))  # fmt: skip


# --- searching -------------------------------------------------------------------------------


def _facts(tracing: m.TracingRequest) -> wf.TracingFacts:
    return services._tracing_facts(tracing)


def search_blockers(tracing: m.TracingRequest) -> list[str]:
    """Why the matcher may not run for this request now (consent, risk check, borders)."""
    if tracing.state not in SEARCHABLE | {"open"}:
        return [f"a request in state '{tracing.state}' does not search"]
    facts = services.facts_of(tracing.case)
    return tracing_blockers(facts, _facts(tracing), services.now())


@command
def search(user: Any, tracing: m.TracingRequest, *, matcher: Matcher | None = None) -> list[Any]:
    """Start searching (the `search` transition, from `open`) and run the matcher; in
    `searching` or `potential_match`, run it again. Returns the stored matches."""
    if tracing.state == "open":
        services.apply_transition(user, tracing.case, "tracing", "search", tracing=tracing)
        tracing.refresh_from_db()
    return find_matches(user, tracing, matcher=matcher)


def find_matches(
    user: Any, tracing: m.TracingRequest, *, matcher: Matcher | None = None
) -> list[dict[str, Any]]:
    """Score every candidate the policy lets this search reach and store the leads."""
    case = tracing.case
    services._require(user, "case.edit", case, shared_ok=True)
    services._require_section(user, case, "tracing")
    blocked = search_blockers(tracing)
    if blocked:
        raise CaseworkError("the search may not run", blocked, (case, "tracing", "search", ()))
    matcher = matcher or LinkageMatcher()
    sought = unseal(tracing, "sought")
    outward = [*_case_candidates(tracing), *_record_candidates(user),
               *_message_candidates(tracing)]  # fmt: skip
    inward = list(_seeking_candidates(tracing))
    found = _ranked(matcher, sought, outward)
    if case.identity_ct is not None and inward:
        found += _ranked(matcher, case_identity(case), inward)
    found.sort(key=lambda match: -float(match["score"]))
    at = services.now()
    with transaction.atomic():
        m.TracingRequest.objects.filter(pk=tracing.pk).update(
            matches=found, searched_at=at, searched_by=user
        )
        tracing.matches, tracing.searched_at, tracing.searched_by = found, at, user
        counts: dict[str, int] = {}
        for candidate in [*outward, *inward]:
            counts[candidate.source] = counts.get(candidate.source, 0) + 1
        withheld = [match for match in found if not _sees(user, match)]
        record_event(
            user, "record.search", case, purpose="family tracing",
            details={"tracing": tracing.pk, "candidates": len(found), "withheld": len(withheld),
                     "searched": counts},
        )  # fmt: skip
        _alert_holders(tracing, withheld, at)
    return found


def _ranked(
    matcher: Matcher, sought: Mapping[str, Any], candidates: Sequence[Candidate]
) -> list[dict[str, Any]]:
    by_key = {c.key: c for c in candidates}
    ranked = matcher.rank(sought, ((c.key, c.identity) for c in candidates))
    return [
        {**match, "source": by_key[match["key"]].source, "agency": by_key[match["key"]].agency}
        for match in ranked
    ]


def _alert_holders(tracing: m.TracingRequest, withheld: list[dict[str, Any]], at: Any) -> None:
    """Tell the agency holding a withheld likely or possible candidate (its case, no identity)
    that a tracing request may concern its person, so that the two agencies can talk."""
    agency = tracing.case.agency.code
    for match in withheld:
        if match["likelihood"] not in ALERTING:
            continue
        source, _, pk = match["key"].partition(":")
        if source == "case":
            target = m.Case.objects.filter(pk=pk).first()
            message = (
                f"Family tracing: a tracing request at agency {agency} (request {tracing.pk}) "
                f"may concern the person of this case ({match['likelihood']} match). Agree with "
                f"{agency} on contact through a referral; nothing of this case was disclosed."
            )
        elif source == "seeking":
            other = m.TracingRequest.objects.filter(pk=pk).select_related("case").first()
            target = other.case if other else None
            message = (
                f"Family tracing: a person at agency {agency} may be the one your tracing request "
                f"{pk} seeks ({match['likelihood']} match). Ask {agency} for contact through a "
                "referral."
            )
        else:
            continue
        if (
            target is None
            or target.alerts.filter(message=message, acknowledged_at__isnull=True).exists()
        ):
            continue
        m.Alert.objects.create(
            case=target, message=message[:500], severity="high", created_at=at,
            roles=["case_worker", "child_protection_officer", "supervisor"],
        )  # fmt: skip


# --- what a user is shown of the candidates ----------------------------------------------------


@dataclass
class ShownMatch:
    """One candidate as one user may see it: named with its comparison, or withheld."""

    index: int
    key: str
    source: str
    agency: str
    score: float
    likelihood: str
    visible: bool
    label: str = ""
    url: str = ""
    fields: list[dict[str, Any]] = field(default_factory=list)
    swapped_names: bool = False
    proposed: bool = False

    @property
    def agreed(self) -> list[str]:
        return [f["field"] for f in self.fields if f.get("weight", 0) > 0]

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "candidate": self.index, "source": self.source, "agency": self.agency,
            "score": self.score, "likelihood": self.likelihood, "visible": self.visible,
            "proposed": self.proposed,
        }  # fmt: skip
        if self.visible:
            body.update(label=self.label, url=self.url, fields=self.fields,
                        swapped_names=self.swapped_names)  # fmt: skip
        else:
            body["message"] = self.label
        return body


def _sees(user: Any, match: Mapping[str, Any]) -> bool:
    """Whether the policy lets `user` see the candidate's identity anyway."""
    source, _, rest = str(match.get("key", "")).partition(":")
    if source == "message":
        return True  # the counterpart's own answer on this request
    if source == "case":
        case = m.Case.objects.filter(pk=rest).select_related("agency").first()
        return case is not None and "identity" in access.sections_for(user, case)
    if source == "record":
        return (
            policy.sees_identities(user) and policy.visible_records(user).filter(pk=rest).exists()
        )
    if source == "seeking":
        other = m.TracingRequest.objects.filter(pk=rest).select_related("case").first()
        return other is not None and "identity" in access.sections_for(user, other.case)
    return False


def _withheld_label(match: Mapping[str, Any]) -> str:
    agency = match.get("agency", "?")
    if match.get("source") == "seeking":
        return (
            f"A tracing request held by agency {agency} may be looking for this person; "
            f"request contact through a referral to {agency}."
        )
    return f"A possible match held by agency {agency}; request contact through a referral."


def _visible_label(match: Mapping[str, Any]) -> tuple[str, str]:
    source, _, rest = str(match["key"]).partition(":")
    if source == "case":
        case = m.Case.objects.get(pk=rest)
        return f"case {case.reference} ({match['agency']})", reverse(
            "casework:case", args=[case.pk]
        )
    if source == "record":
        from tiphub.web.registry.models import VictimRecord

        record = VictimRecord.objects.get(pk=rest)
        return f"registry record {record.record_id} ({match['agency']})", reverse(
            "record", args=[record.pk]
        )
    if source == "seeking":
        other = m.TracingRequest.objects.select_related("case").get(pk=rest)
        return (
            f"tracing request {other.pk} of case {other.case.reference} seeks this person",
            reverse("casework:tracing-request", args=[other.case_id, other.pk]),
        )
    message_pk, _, number = rest.partition(":")
    message = m.TracingMessage.objects.get(pk=message_pk)
    return (
        f"person {int(number) + 1} of the message from {message.counterpart_agency} "
        f"({message.counterpart_country})",
        "",
    )


def shown_matches(user: Any, tracing: m.TracingRequest) -> list[ShownMatch]:
    proposed = (tracing.proposed_match or {}).get("key")
    shown = []
    for index, match in enumerate(tracing.matches or []):
        if "key" not in match or "score" not in match:
            continue  # written before this matcher (no key): run the search again
        visible = _sees(user, match)
        item = ShownMatch(
            index, match["key"], match.get("source", ""), match.get("agency", ""),
            float(match["score"]), match.get("likelihood", "weak"), visible,
            proposed=match["key"] == proposed,
        )  # fmt: skip
        if visible:
            item.label, item.url = _visible_label(match)
            item.fields = list(match.get("fields", []))
            item.swapped_names = bool(match.get("swapped_names"))
            if item.url and item.source == "record" and not policy.can(user, "record.view"):
                item.url = ""
        else:
            item.label = _withheld_label(match)
        shown.append(item)
    return shown


# --- the track's other commands ---------------------------------------------------------------


def _transition(user: Any, tracing: m.TracingRequest, name: str, reason: str = "") -> None:
    services.apply_transition(user, tracing.case, "tracing", name, tracing=tracing, reason=reason)
    tracing.refresh_from_db()


@command
def record_risk_check(user: Any, tracing: m.TracingRequest, *, family_contact_safe: bool) -> None:
    """The risk check: could contacting the family endanger the person (the family may have
    been involved in the trafficking)? A search runs only while it says contact is safe."""
    case = tracing.case
    services._require(user, "case.edit", case, shared_ok=True)
    services._require_section(user, case, "tracing")
    if tracing.state in wf.MACHINES[wf.Track.TRACING].terminal:
        raise CaseworkError(f"the request is {tracing.state}")
    tracing.family_contact_safe = family_contact_safe
    tracing.risk_checked_by, tracing.risk_checked_at = user, services.now()
    tracing.save(update_fields=["family_contact_safe", "risk_checked_by", "risk_checked_at"])
    services._changed(user, case, ["tracing"], "tracing", tracing=tracing.pk,
                      family_contact_safe=family_contact_safe)  # fmt: skip


@command
def propose_match(user: Any, tracing: m.TracingRequest, candidate: int) -> dict[str, Any]:
    """Record the search's candidate number `candidate` as the potential match."""
    matches = tracing.matches or []
    if not 0 <= candidate < len(matches):
        raise CaseworkError("no such candidate in the last search")
    chosen = dict(matches[candidate])
    _transition(user, tracing, "propose_match")
    tracing.proposed_match = chosen
    tracing.save(update_fields=["proposed_match"])
    return chosen


@command
def reject_match(user: Any, tracing: m.TracingRequest, *, reason: str) -> None:
    """The proposed match is not the relative: back to searching (the reason is sealed)."""
    _transition(user, tracing, "reject_match", reason)
    tracing.proposed_match = {}
    tracing.save(update_fields=["proposed_match"])


@command
def verify_match(user: Any, tracing: m.TracingRequest, *, method: str) -> None:
    """A second user (not the one who proposed it) verifies the family relationship."""
    if method not in dict(m.TracingRequest.VERIFICATION_METHODS):
        raise CaseworkError("name how the relationship was verified")
    _transition(user, tracing, "verify")
    tracing.verified_by, tracing.verified_at = user, services.now()
    tracing.verification_method = method
    tracing.save(update_fields=["verified_by", "verified_at", "verification_method"])


@command
def assess_reunification(
    user: Any,
    tracing: m.TracingRequest,
    *,
    both_sides_willing: bool,
    reunification_safe: bool,
    childs_views: str = "",
    summary: str = "",
) -> None:
    """The reunification assessment: both sides' willingness, safety, the child's views."""
    case = tracing.case
    if case.is_child and not childs_views.strip():
        raise CaseworkError("the child's views are required for a reunification assessment")
    tracing.reunification_assessed = True
    tracing.both_sides_willing = both_sides_willing
    tracing.reunification_safe = reunification_safe
    tracing.childs_views_recorded = bool(childs_views.strip())
    tracing.assessed_by, tracing.assessed_at = user, services.now()
    seal(tracing, "assessment", {"childs_views": childs_views, "summary": summary})
    tracing.save()
    _transition(user, tracing, "assess_reunification")


@command
def decide(user: Any, tracing: m.TracingRequest, name: str, *, reason: str = "") -> None:
    """`reunify`, `not_in_best_interests` or `close` (the last two with a reason)."""
    if name not in {"reunify", "not_in_best_interests", "close"}:
        raise CaseworkError(f"unknown tracing decision {name!r}")
    _transition(user, tracing, name, reason)


def transitions(user: Any, tracing: m.TracingRequest) -> dict[str, list[str]]:
    """Each transition from the request's state, with every reason it is refused now (guards
    included: a page shows why reunification is blocked before anyone tries)."""
    engine = services.workflow()
    facts = services.facts_of(tracing.case)
    actor = services.actor_of(user)
    tracing_facts = _facts(tracing)
    machine = engine.machine(wf.Track.TRACING)
    return {
        move.name: engine.reasons(
            facts,
            wf.Request(
                wf.Track.TRACING,
                move.name,
                actor,
                services.now(),
                tracing=tracing_facts,
                reason="(to be given)",
            ),
        )
        for move in machine.from_state(tracing.state)
    }


# --- cross-border messages ----------------------------------------------------------------------


class MessageError(CaseworkError):
    """An incoming message that cannot be taken (the reasons name the field, never a value)."""


def message_body(message: m.TracingMessage) -> dict[str, Any]:
    raw = unseal(message, "body").get("json")
    return json.loads(raw) if raw else {}


def _seal_body(message: m.TracingMessage, body: Mapping[str, Any]) -> None:
    seal(message, "body", {"json": json.dumps(body, sort_keys=True)})
    message.save(update_fields=["body_ct", "key_id"])


def _person(data: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(data[k]) for k in SOUGHT_FIELDS if data.get(k) not in (None, "")}


@command
def send_message(
    user: Any,
    tracing: m.TracingRequest,
    *,
    counterpart_agency: str = "",
    kind: str = "request",
    in_reply_to: str = "",
) -> m.TracingMessage:
    """An outgoing message to the counterpart abroad: the sought person and the child's
    identity, under the data-sharing agreement, only with consent to tracing and to sharing
    across borders, a safe risk check, and while the request searches."""
    case = tracing.case
    services._require(user, "case.edit", case, shared_ok=True)
    services._require_section(user, case, "tracing")
    problems = []
    if not tracing.cross_border:
        problems.append("the request is not a cross-border request")
    if tracing.state not in SEARCHABLE:
        problems.append(f"messages are sent while searching (the request is {tracing.state})")
    facts = services.facts_of(case)
    problems += [p for p in tracing_blockers(facts, _facts(tracing), services.now())
                 if p not in problems]  # fmt: skip
    agency = (counterpart_agency or tracing.counterpart_agency).strip()
    if not agency:
        problems.append("name the counterpart agency")
    if not tracing.counterpart_country:
        problems.append("name the counterpart country")
    if problems:
        raise CaseworkError(
            "the message may not be sent", problems, (case, "tracing", "send_message", ())
        )
    at = services.now()
    own = policy.account_of(user)
    identity = unseal(case, "identity")
    body: dict[str, Any] = {
        "format": MESSAGE_FORMAT,
        "version": MESSAGE_VERSION,
        "message_id": f"{uuid.uuid4()}",
        "kind": kind,
        "in_reply_to": in_reply_to,
        "sent_at": at.isoformat(),
        "from": {"country": getattr(settings, "TIPHUB_COUNTRY", ""),
                 "agency": own.agency.code if own and own.agency else ""},
        "to": {"country": tracing.counterpart_country, "agency": agency},
        "data_sharing_agreement": tracing.data_sharing_agreement,
        "consent": {"tracing": True, "cross_border": True},
        "reference": f"tracing-{tracing.pk}",
        "child": {**_person(identity), "sex": case.gender, "age": case.age,
                  "citizenship": case.citizenship},
        "persons": [_person(unseal(tracing, "sought"))],
    }  # fmt: skip
    message = m.TracingMessage.objects.create(
        tracing=tracing, direction="outgoing", kind=kind, message_id=body["message_id"],
        in_reply_to=in_reply_to, counterpart_country=tracing.counterpart_country,
        counterpart_agency=agency[:200], data_sharing_agreement=tracing.data_sharing_agreement,
        persons=len(body["persons"]), created_by=user, created_at=at,
    )  # fmt: skip
    _seal_body(message, body)
    if not tracing.counterpart_agency:
        tracing.counterpart_agency = agency[:200]
        tracing.save(update_fields=["counterpart_agency"])
    record_event(
        user, "record.export", case, purpose="cross-border tracing",
        fields=sorted({*body["child"], *(k for p in body["persons"] for k in p)}),
        details={"tracing": tracing.pk, "message": message.pk, "to": tracing.counterpart_country,
                 "agreement": tracing.data_sharing_agreement},
    )  # fmt: skip
    return message


def _text(value: Any, name: str, problems: list[str], *, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            problems.append(f"{name}: required")
        return ""
    if not isinstance(value, str | int):
        problems.append(f"{name}: must be text")
        return ""
    return str(value).strip()


def parse_message(document: Any) -> dict[str, Any]:
    """Check an incoming message's structure; `MessageError` lists every problem by field."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise MessageError("not a tracing message", ["the message must be a JSON object"])
    if document.get("format") != MESSAGE_FORMAT:
        problems.append(f"format: must be {MESSAGE_FORMAT!r}")
    if document.get("version") != MESSAGE_VERSION:
        problems.append(f"version: must be {MESSAGE_VERSION}")
    if document.get("kind") not in {"request", "response"}:
        problems.append("kind: must be 'request' or 'response'")
    message_id = _text(document.get("message_id"), "message_id", problems)
    given_sender = document.get("from")
    sender: dict[str, Any] = given_sender if isinstance(given_sender, dict) else {}
    if not sender:
        problems.append("from: must name the sending country and agency")
    country = _text(sender.get("country"), "from.country", problems).upper()
    agency = _text(sender.get("agency"), "from.agency", problems)
    agreement = _text(document.get("data_sharing_agreement"), "data_sharing_agreement", problems)
    persons = document.get("persons")
    cleaned: list[dict[str, str]] = []
    if not isinstance(persons, list) or not persons:
        problems.append("persons: a non-empty list of persons is required")
    else:
        for number, person in enumerate(persons, start=1):
            if not isinstance(person, dict):
                problems.append(f"persons[{number}]: must be an object")
                continue
            unknown = sorted(set(person) - set(SOUGHT_FIELDS))
            if unknown:
                problems.append(f"persons[{number}]: unknown fields {', '.join(unknown)}")
            if not (person.get("given_name") or person.get("family_name")):
                problems.append(f"persons[{number}]: a given or family name is required")
            cleaned.append(_person(person))
    if len(country) != 3 and "from.country: required" not in problems:
        problems.append("from.country: an ISO 3166 alpha-3 code")
    if problems:
        raise MessageError("the message cannot be taken", problems)
    return {
        "message_id": message_id[:64], "kind": document["kind"],
        "in_reply_to": _text(document.get("in_reply_to"), "in_reply_to", [], required=False),
        "country": country, "agency": agency, "agreement": agreement, "persons": cleaned,
    }  # fmt: skip


@command
def receive_message(user: Any, tracing: m.TracingRequest, document: Any) -> m.TracingMessage:
    """An incoming message from the counterpart abroad (a response to our request, or its own
    request), under the same data-sharing agreement. Its persons join the next search."""
    case = tracing.case
    services._require(user, "case.edit", case, shared_ok=True)
    services._require_section(user, case, "tracing")
    parsed = parse_message(document)
    problems = []
    if not tracing.cross_border:
        problems.append("the request is not a cross-border request")
    facts = services.facts_of(case)
    problems += cross_border_blockers(facts, _facts(tracing), services.now())
    if parsed["agreement"] != tracing.data_sharing_agreement:
        problems.append("the message names another data-sharing agreement than this request")
    if tracing.counterpart_country and parsed["country"] != tracing.counterpart_country:
        problems.append("the message comes from another country than this request's counterpart")
    if m.TracingMessage.objects.filter(message_id=parsed["message_id"]).exists():
        problems.append("this message was already recorded")
    if problems:
        raise CaseworkError("the message cannot be taken", problems)
    message = m.TracingMessage.objects.create(
        tracing=tracing, direction="incoming", kind=parsed["kind"],
        message_id=parsed["message_id"], in_reply_to=parsed["in_reply_to"][:64],
        counterpart_country=parsed["country"], counterpart_agency=parsed["agency"][:200],
        data_sharing_agreement=parsed["agreement"], persons=len(parsed["persons"]),
        created_by=user, created_at=services.now(),
    )  # fmt: skip
    _seal_body(message, {"persons": parsed["persons"]})
    record_event(
        user, "record.create", case, purpose="cross-border tracing",
        fields=sorted({k for p in parsed["persons"] for k in p}),
        details={"tracing": tracing.pk, "message": message.pk, "from": parsed["country"]},
    )  # fmt: skip
    return message


def message_document(user: Any, message: m.TracingMessage) -> dict[str, Any]:
    """The outgoing message as sent (for the agreed channel); the download is audited."""
    case = message.tracing.case
    services._require(user, "case.edit", case, shared_ok=True)
    services._require_section(user, case, "tracing")
    if message.direction != "outgoing":
        raise CaseworkError("only an outgoing message is downloaded")
    body = message_body(message)
    record_event(
        user,
        "record.export",
        case,
        purpose="cross-border tracing",
        details={"tracing": message.tracing_id, "message": message.pk, "download": True},
    )
    return body
