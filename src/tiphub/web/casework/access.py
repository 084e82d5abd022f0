"""Reading cases through the policy: which cases a user reaches and what of each they see.

A user reaches the cases of their own agency (role scope `agency`) and the cases another agency
has shared with theirs by a live referral (sent or accepted), through that referral's view
profile only (`data/view_profiles.yaml`): a shelter sees needs and services, never the account of
exploitation; an immigration officer sees the immigration track and the removal block. Identities
are decrypted only for identifying field profiles and only for sections that include them; every
opening of a case is audited (`record.read` with the fields revealed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.db.models import Q, QuerySet
from django.http import Http404

from tiphub.web.accounts import policy
from tiphub.web.audit.services import record_event
from tiphub.web.casework import models as m
from tiphub.web.casework.sealing import unseal

LIVE_REFERRAL = ("sent", "accepted")
#: the cases of children: a person under 18 or presumed to be one (CETS 197 art. 10(3)).
CHILD_CASES = Q(presumed_child=True) | Q(age__lt=18)


@cache
def view_profiles() -> dict[str, Any]:
    text = resources.files("tiphub.web.casework").joinpath("data", "view_profiles.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def children_only(role: Any) -> bool:
    """Roles that reach only children's cases (`children_only` in the view profiles)."""
    return role is not None and role.code in view_profiles().get("children_only", ())


def owns(user: Any, case: m.Case) -> bool:
    """The case belongs to the user's agency (or the user's role is national)."""
    role = policy.role_of(user)
    if role is None or (children_only(role) and not case.is_child):
        return False
    if role.scope == "national":
        return True
    return case.agency_id == policy.agency_id_of(user)


def shared_purposes(user: Any, case: m.Case) -> list[str]:
    """View profiles of live referrals of `case` to the user's agency."""
    agency_id = policy.agency_id_of(user)
    if agency_id is None or (children_only(policy.role_of(user)) and not case.is_child):
        return []
    return list(
        case.referrals.filter(to_agency_id=agency_id, status__in=LIVE_REFERRAL).values_list(
            "view_profile", flat=True
        )
    )


def visible_cases(user: Any) -> QuerySet[m.Case]:
    """Cases the user may list: own agency's, plus those shared by a live referral."""
    cases = m.Case.objects.select_related("agency")
    role = policy.role_of(user)
    if role is None or "case.list" not in role.permissions:
        return cases.none()
    if children_only(role):
        cases = cases.filter(CHILD_CASES)
    if role.scope == "national":
        return cases
    agency_id = policy.agency_id_of(user)
    if agency_id is None:
        return cases.none()
    shared = m.Referral.objects.filter(to_agency_id=agency_id, status__in=LIVE_REFERRAL)
    return cases.filter(Q(agency_id=agency_id) | Q(pk__in=shared.values("case_id"))).distinct()


def role_may_see(user: Any, section: str) -> bool:
    """Whether the user's role sees `section` of its own agency's cases at all."""
    role = policy.role_of(user)
    if role is None:
        return False
    profiles = view_profiles()
    return section in profiles["roles"].get(role.code, profiles["full"])


def sections_for(user: Any, case: m.Case) -> frozenset[str]:
    """The sections of `case` this user may see (empty: none at all)."""
    profiles = view_profiles()
    role = policy.role_of(user)
    if role is None:
        return frozenset()
    if owns(user, case):
        sections = set(profiles["roles"].get(role.code, profiles["full"]))
    else:
        sections = set()
        for purpose in shared_purposes(user, case):
            sections |= set(profiles["purposes"].get(purpose, ()))
    levels = role.levels  # the role's field profile (case roles need no record.* permission)
    if "L-ID" not in levels:
        sections.discard("identity")
    if "L-SC" not in levels:
        sections.discard("narrative")
    return frozenset(sections)


@dataclass
class CaseView:
    """One case as one user may see it."""

    case: m.Case
    sections: frozenset[str]
    owner: bool
    identity: dict[str, str] = field(default_factory=dict)
    narrative: str = ""

    def shows(self, section: str) -> bool:
        return section in self.sections


def open_case(user: Any, pk: int, *, purpose: str = "casework", via: str = "page") -> CaseView:
    """The case as `user` may see it; 404 when out of reach (and the attempt is audited)."""
    if not policy.can(user, "case.view"):
        policy.audit_denial(user, "case.view", purpose=via)
        raise Http404
    case = visible_cases(user).filter(pk=pk).first()
    if case is None:
        target = m.Case.objects.filter(pk=pk).first()
        policy.audit_denial(user, "case.view", target, purpose=via)
        raise Http404
    sections = sections_for(user, case)
    view = CaseView(case, sections, owns(user, case))
    revealed: list[str] = []
    if "identity" in sections:
        view.identity = unseal(case, "identity")
        revealed += sorted(view.identity)
    if "narrative" in sections:
        view.narrative = unseal(case, "sensitive").get("narrative", "")
        revealed += ["narrative"] if view.narrative else []
    record_event(
        user,
        "record.read",
        case,
        fields=revealed,
        purpose=purpose,
        details={"case": case.reference, "via": via, "sections": sorted(sections)},
    )
    return view


def tracing_registry_agencies(user: Any) -> list[str]:
    """The agencies whose registry records a tracing search by `user` compares (server-side;
    what the user is then shown of each is the policy's `visible_records`): the user's own
    agency, or every agency when the deployment sets `TIPHUB_TRACING_REGISTRY_SCOPE` to
    "national" (candidates of other agencies are then withheld, as for cases)."""
    from django.conf import settings

    from tiphub.web.registry.models import Agency

    account = policy.account_of(user)
    if account is None or account.agency is None or policy.role_of(user) is None:
        return []
    if getattr(settings, "TIPHUB_TRACING_REGISTRY_SCOPE", "agency") == "national":
        return list(Agency.objects.filter(active=True).values_list("code", flat=True))
    return [account.agency.code]


def referral_inbox(user: Any) -> QuerySet[m.Referral]:
    """Referrals sent to the user's agency (and those it sent), newest first."""
    if not policy.can(user, "referral.view"):
        return m.Referral.objects.none()
    agency_id = policy.agency_id_of(user)
    if agency_id is None:
        return m.Referral.objects.none()
    incoming = Q(to_agency_id=agency_id) & ~Q(status="draft")  # a draft is not sent yet
    return m.Referral.objects.select_related("case", "from_agency", "to_agency").filter(
        incoming | Q(from_agency_id=agency_id)
    )


def tasks_for(user: Any) -> QuerySet[m.Task]:
    """Open deadline tasks of the cases the user reaches, for the roles the user acts as
    (a rule names its target roles: the RG deadline is the competent authority's)."""
    role = policy.role_of(user)
    if role is None:
        return m.Task.objects.none()
    tasks = m.Task.objects.filter(open=True, case__in=visible_cases(user)).select_related("case")
    wanted = set(role.casework_roles)
    ids = [t.pk for t in tasks if wanted & set(t.roles)]
    return m.Task.objects.filter(pk__in=ids).select_related("case").order_by("due_at")


def alerts_for(user: Any) -> QuerySet[m.Alert]:
    role = policy.role_of(user)
    if role is None:
        return m.Alert.objects.none()
    alerts = m.Alert.objects.filter(
        acknowledged_at__isnull=True, case__in=visible_cases(user)
    ).select_related("case")
    wanted = set(role.casework_roles)
    ids = [a.pk for a in alerts if wanted & set(a.roles) or a.case.owner_id == user.pk]
    return m.Alert.objects.filter(pk__in=ids).select_related("case")
