"""The casework roles of the NRM specification (casework-workflow.md section 2).

A role here is what a person may *do* in the workflow (which transitions). What records they may
*see* (own / agency / national scope, field profile) is the web app's access policy; the two meet
when the web layer passes the actor's roles to the workflow.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FIRST_RESPONDER = "first_responder"
    CASE_WORKER = "case_worker"
    SUPERVISOR = "supervisor"
    COMPETENT_AUTHORITY = "competent_authority"
    CHILD_PROTECTION_OFFICER = "child_protection_officer"
    GUARDIAN = "guardian"
    BID_PANEL_MEMBER = "bid_panel_member"
    ASYLUM_OFFICER = "asylum_officer"
    IMMIGRATION_OFFICER = "immigration_officer"
    RETURN_COORDINATOR = "return_coordinator"
    LEGAL_REPRESENTATIVE = "legal_representative"
    STATISTICIAN = "statistician"
    DPO = "dpo"
    ADMIN = "admin"
    #: the system itself: automatic transitions (a birthday, a positive RG opening protection).
    SYSTEM = "system"


#: roles that never act on a case (aggregates, audit, configuration only).
NON_CASE_ROLES = frozenset({Role.STATISTICIAN, Role.DPO, Role.ADMIN})


def parse_roles(values: object, *, where: str) -> frozenset[Role]:
    """Roles from a list of names, with an error that says where an unknown name was found."""
    if not isinstance(values, list | tuple | set | frozenset):
        raise ValueError(f"{where}: expected a list of role names")
    roles = set()
    for value in values:
        try:
            roles.add(Role(str(value)))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"{where}: unknown role {value!r} (known: {known})") from None
    return frozenset(roles)
