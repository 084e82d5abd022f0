"""Roles as data: each role is a set of permissions, a scope and a field profile.

The definitions live in `data/roles.yaml` (or the file named by the `TIPHUB_ROLES_FILE` setting), so
that a deployment can read, review and adapt its access model without reading code. Loading checks
the file strictly: an unknown permission, scope or profile is a configuration error, not a silent
denial that nobody notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DEFAULT_ROLES_FILE = Path(__file__).with_name("data") / "roles.yaml"

SCOPES = ("own", "agency", "national")

#: Every action the policy knows. A view asks `policy.can(user, ACTION, obj)` with one of these.
ACTIONS = frozenset(
    {
        "record.list",
        "record.view",
        "record.search",
        "record.export",
        "submission.view",
        "submission.create",
        "stats.view",
        "audit.view",
        "agency.view",
        "user.manage",
        # NRM casework (tiphub.web.casework; the workflow roles decide each transition)
        "case.list",
        "case.view",
        "case.create",
        "case.edit",
        "case.transition",
        "referral.view",
        "referral.send",
        "referral.respond",
        "consent.override",
        "indicators.view",
        "indicators.export",
        "indicators.manage",
        "screening.use",
        "estimation.run",
        "linkage.run",
        "linkage.submit",
        "linkage.consent",
    }
)

#: Protection levels of docs/contracts.md section 1.
LEVELS = frozenset({"L-ID", "L-SC", "L-QI", "L-OP"})


class RoleConfigError(ValueError):
    """The roles file is malformed; the message names the role and the problem."""


@dataclass(frozen=True)
class Role:
    """One role: what it may do (permissions), where (scope), and which fields it sees."""

    code: str
    label: str
    scope: str
    field_profile: str
    levels: frozenset[str]
    permissions: frozenset[str]
    two_factor: bool
    #: the NRM workflow roles this role acts as (tiphub.workflow.Role values), e.g. case_worker.
    casework_roles: frozenset[str] = frozenset()

    @property
    def agency_bound(self) -> bool:
        """True when the role's users belong to one agency (scope own or agency)."""
        return self.scope in {"own", "agency"}

    @property
    def record_level(self) -> bool:
        """True when the role may see individual victim records at all."""
        return "record.view" in self.permissions or "record.list" in self.permissions

    @property
    def sees_identities(self) -> bool:
        """True when the role's field profile reveals direct identifiers (L-ID)."""
        return "L-ID" in self.levels and self.record_level


def _parse(data: object, source: Path) -> dict[str, Role]:
    if not isinstance(data, dict) or not isinstance(data.get("roles"), dict):
        raise RoleConfigError(f"{source}: expected mappings 'field_profiles' and 'roles'")
    profiles_raw = data.get("field_profiles") or {}
    profiles: dict[str, frozenset[str]] = {}
    for name, levels in profiles_raw.items():
        bad_levels = set(levels or ()) - LEVELS
        if bad_levels:
            raise RoleConfigError(f"{source}: field profile {name!r}: unknown levels {bad_levels}")
        profiles[str(name)] = frozenset(levels or ())
    roles: dict[str, Role] = {}
    for code, spec in data["roles"].items():
        where = f"{source}: role {code!r}"
        if not isinstance(spec, dict):
            raise RoleConfigError(f"{where}: expected a mapping")
        scope = spec.get("scope")
        if scope not in SCOPES:
            raise RoleConfigError(f"{where}: scope must be one of {SCOPES}, not {scope!r}")
        profile = spec.get("field_profile")
        if profile not in profiles:
            raise RoleConfigError(f"{where}: unknown field_profile {profile!r}")
        permissions = frozenset(spec.get("permissions") or ())
        unknown = permissions - ACTIONS
        if unknown:
            raise RoleConfigError(f"{where}: unknown permissions {sorted(unknown)}")
        casework_roles = frozenset(str(r) for r in spec.get("casework_roles") or ())
        unknown_casework = casework_roles - _workflow_role_names()
        if unknown_casework:
            raise RoleConfigError(f"{where}: unknown casework_roles {sorted(unknown_casework)}")
        roles[str(code)] = Role(
            code=str(code),
            label=str(spec.get("label") or code),
            scope=scope,
            field_profile=profile,
            levels=profiles[profile],
            permissions=permissions,
            two_factor=bool(spec.get("two_factor", True)),
            casework_roles=casework_roles,
        )
    return roles


def _workflow_role_names() -> frozenset[str]:
    from tiphub.workflow.roles import Role as WorkflowRole

    return frozenset(r.value for r in WorkflowRole) - {"system"}


@cache
def load_roles(path: Path = DEFAULT_ROLES_FILE) -> dict[str, Role]:
    """Read and check a roles file (cached: roles change with a deployment, not at run time)."""
    with path.open(encoding="utf-8") as handle:
        return _parse(yaml.safe_load(handle), path)


def roles() -> dict[str, Role]:
    """The roles in force: `settings.TIPHUB_ROLES_FILE` when set, else the packaged file."""
    from django.conf import settings

    configured = getattr(settings, "TIPHUB_ROLES_FILE", None)
    return load_roles(Path(configured) if configured else DEFAULT_ROLES_FILE)


def get_role(code: str) -> Role | None:
    """The role called `code`, or None (an unknown role has no permission at all)."""
    return roles().get(code)
