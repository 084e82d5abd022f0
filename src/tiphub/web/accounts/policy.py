"""The one access policy: every page, API view, search and export asks this module.

Three questions, always in this order:

1. May this user do this action at all? (`can(user, action)`: the role's permissions)
2. On this object? (`can(user, action, obj)`: the role's scope: own, agency or national)
3. Which fields may they see? (`visible_levels(user)`, `mask(user, data)`: the field profile)

Everything not granted is denied. Querysets are narrowed *before* any lookup by id
(`visible_records`, `visible_submissions`), so a record of another agency is simply not found:
there is no code path that fetches first and checks later. Denials are audited (`require`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied

from tiphub.web.accounts.roles import Role, get_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from tiphub.web.accounts.models import Account

    UserLike = AbstractBaseUser | AnonymousUser

_MISSING = object()


def account_of(user: UserLike | None) -> Account | None:
    """The user's account row (cached on the user object for the request), or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = user.__dict__.get("_tiphub_account", _MISSING)
    if cached is not _MISSING:
        return cast("Account | None", cached)
    from tiphub.web.accounts.models import Account

    account = Account.objects.select_related("agency").filter(user_id=user.pk).first()
    user.__dict__["_tiphub_account"] = account  # per-request cache: the user object is
    return account


def role_of(user: UserLike | None) -> Role | None:
    """The user's role, or None (no account, unknown role code, inactive user: no rights)."""
    account = account_of(user)
    if account is None:
        return None
    role = get_role(account.role)
    if role is None:
        return None
    if role.agency_bound and account.agency_id is None:
        return None  # an agency role without an agency reaches nothing
    return role


def agency_id_of(user: UserLike | None) -> int | None:
    """The id of the user's agency (None for national roles or no account)."""
    account = account_of(user)
    return account.agency_id if account else None


def _object_agency_id(obj: Any) -> int | None:
    from tiphub.web.registry.models import Agency

    if isinstance(obj, Agency):
        return obj.pk
    return getattr(obj, "agency_id", None)


def _owned_by(user: UserLike, obj: Any) -> bool:
    """Scope `own`: the user uploaded the submission, or the record came in one they uploaded."""
    from tiphub.web.registry.models import Submission, VictimRecord

    if isinstance(obj, Submission):
        return getattr(obj, "uploaded_by_id", None) == user.pk
    if isinstance(obj, VictimRecord):
        return visible_records(user).filter(pk=obj.pk).exists()
    return False


def in_scope(user: UserLike, role: Role, obj: Any) -> bool:
    """True when `obj` (an agency, record or submission) lies within the role's scope."""
    if role.scope == "national":
        return True
    agency_id = _object_agency_id(obj)
    if agency_id is None or agency_id != agency_id_of(user):
        return False
    if role.scope == "own":
        return _owned_by(user, obj)
    return True


def can(user: UserLike | None, action: str, obj: Any = None) -> bool:
    """May `user` do `action` (on `obj`, when given)? Unknown actions are denied."""
    role = role_of(user)
    if role is None or action not in role.permissions:
        return False
    if obj is None:
        return True
    assert user is not None
    return in_scope(user, role, obj)


def require(user: UserLike | None, action: str, obj: Any = None, *, purpose: str = "") -> None:
    """Raise PermissionDenied (and audit `access.denied`) unless `can(user, action, obj)`."""
    if can(user, action, obj):
        return
    audit_denial(user, action, obj, purpose=purpose)
    raise PermissionDenied(action)


def audit_denial(user: UserLike | None, action: str, obj: Any = None, *, purpose: str = "") -> None:
    """Write an `access.denied` event naming the action and the object id (never its content)."""
    from tiphub.web.audit.services import record_event

    actor = user if user is not None and user.is_authenticated else None
    record_event(
        actor,
        "access.denied",
        obj if obj is not None and getattr(obj, "pk", None) is not None else None,
        outcome="denied",
        purpose=purpose,
        details={"action": action},
    )


# --- querysets narrowed by scope ----------------------------------------------------------------


def _scoped(
    user: UserLike | None, objects: QuerySet[Any], allowed: Callable[[Role], bool], own: str
) -> QuerySet[Any]:
    """`objects` narrowed to the user's scope; none at all unless `allowed(role)`.

    own: the lookup that names the uploading user, for the `own` scope.
    """
    role = role_of(user)
    if role is None or not allowed(role):
        return objects.none()
    if role.scope == "national":
        return objects
    agency_id = agency_id_of(user)
    if agency_id is None:
        return objects.none()
    objects = objects.filter(agency_id=agency_id)
    if role.scope == "own":
        assert user is not None
        objects = objects.filter(**{own: user.pk})
    return objects


def visible_records(user: UserLike | None) -> QuerySet[Any]:
    """The victim records this user may list or open: an empty queryset when none."""
    from tiphub.web.registry.models import VictimRecord

    return _scoped(
        user,
        VictimRecord.objects.all(),
        lambda role: role.record_level,
        own="submission__uploaded_by_id",
    )


def visible_submissions(user: UserLike | None) -> QuerySet[Any]:
    """The submissions (uploads) this user may see."""
    from tiphub.web.registry.models import Submission

    return _scoped(
        user,
        Submission.objects.all(),
        lambda role: "submission.view" in role.permissions,
        own="uploaded_by_id",
    )


def statistics_records(user: UserLike | None) -> QuerySet[Any]:
    """The records that feed this user's aggregate statistics (dashboard, API statistics).

    National roles with `stats.view` count every agency (through the minimum-cell rule, see
    `needs_min_cell`); agency roles count their own agency (or their own uploads).
    """
    from tiphub.web.registry.models import VictimRecord

    role = role_of(user)
    if role is None or "stats.view" not in role.permissions:
        return VictimRecord.objects.none()
    if role.scope == "national":
        return VictimRecord.objects.all()
    return visible_records(user) if role.record_level else VictimRecord.objects.none()


def needs_min_cell(user: UserLike | None) -> bool:
    """True for roles that see only aggregates: their counts go through the minimum-cell rule."""
    role = role_of(user)
    return role is None or not role.record_level


def min_cell() -> int:
    """The smallest count shown to aggregate-only roles (privacy-requirements B1.1: T = 11)."""
    return int(getattr(settings, "TIPHUB_MIN_CELL", 11))


# --- field profiles ---------------------------------------------------------------------------


def visible_levels(user: UserLike | None) -> frozenset[str]:
    """The protection levels (L-ID, L-SC, L-QI, L-OP) this user's field profile reveals."""
    role = role_of(user)
    return role.levels if role is not None and role.record_level else frozenset()


def sees_identities(user: UserLike | None) -> bool:
    """True when the user's profile reveals direct identifiers (their reads are `record.read`)."""
    return "L-ID" in visible_levels(user)


def mask(user: UserLike | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the fields whose protection level the user's profile allows.

    A field the dictionary does not know has no level any profile includes: a new column is
    hidden from everyone until someone classifies it, never shown by accident.
    """
    from tiphub.web.accounts.fields import level_of

    allowed = visible_levels(user)
    return {name: value for name, value in data.items() if level_of(name) in allowed}


def hidden_fields(user: UserLike | None, names: list[str]) -> list[str]:
    """The names among `names` that the user's profile hides (shown as 'restricted' on pages)."""
    from tiphub.web.accounts.fields import level_of

    allowed = visible_levels(user)
    return [name for name in names if level_of(name) not in allowed]
