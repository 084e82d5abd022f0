"""Opening, searching and listing victim records through the policy: one path for pages and API.

`open_record` is the only way a page or API view reads one record: it narrows by scope before the
lookup (another agency's record is "not found", and the attempt is audited as `access.denied`),
checks the action, decrypts identifying fields only for profiles that reveal them (through the
registry's `get_record`, which audits the read), audits every other read itself, and masks the
result by field profile. `search_records` finds records by the registry's blind index (exact
name, date of birth or document number) and audits the search without its terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn

from django.http import Http404

from tiphub.web.accounts import policy
from tiphub.web.accounts.fields import level_of

#: Clear (non-encrypted) columns of a stored record, in the order pages show them.
CLEAR_FIELDS = (
    "record_id",
    "case_id",
    "identification_date",
    "age",
    "gender",
    "citizenship",
    "country_of_exploitation",
    "region",
    "document_type",
    "trafficking_status",
    "status_decision_org",
    "exploitation_types",
    "labour_sectors",
    "sexual_exploitation_types",
    "means_of_control",
    "recruitment_methods",
    "recruiter_relationship",
    "exploitation_months",
    "year",
    "age_years",
    "is_child",
    "sex",
    "age_group",
    "age_band",
    "form_sexual",
    "form_labour",
    "form_organ",
    "form_other",
)

#: Identifying columns (ciphertext at rest), decrypted only for the identifying profile.
PROTECTED_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "document_number",
    "narrative",
)


@dataclass
class OpenedRecord:
    """A record as one user may see it: the fields they are entitled to, and what is withheld."""

    record: Any
    fields: dict[str, Any]
    hidden: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return int(self.record.pk)


def clear_values(record: Any) -> dict[str, Any]:
    """The non-identifying columns of a stored record (no decryption)."""
    data = {"id": record.pk, "agency": record.agency.code}
    data.update({name: getattr(record, name) for name in CLEAR_FIELDS})
    return data


def _audit(user: Any, action: str, obj: Any = None, **kwargs: Any) -> None:
    from tiphub.web.audit.services import record_event

    record_event(user, action, obj, **kwargs)


def deny_missing(user: Any, pk: Any, action: str, *, via: str) -> NoReturn:
    """Audit an attempt on a record outside the user's reach, then answer 'not found'."""
    from tiphub.web.registry.models import VictimRecord

    target = VictimRecord.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if target is not None:
        _audit(
            user,
            "access.denied",
            target,
            outcome="denied",
            details={"action": action, "via": via},
        )
    raise Http404("No such record.")


def open_record(user: Any, pk: Any, *, via: str, purpose: str = "") -> OpenedRecord:
    """Read one record for `user` (audited; raises Http404 outside their scope)."""
    if not str(pk).isdigit():
        raise Http404("No such record.")
    record = policy.visible_records(user).select_related("agency").filter(pk=pk).first()
    if record is None or not policy.can(user, "record.view", record):
        deny_missing(user, pk, "record.view", via=via)
    assert record is not None
    data = clear_values(record)
    if policy.sees_identities(user):
        from tiphub.web.registry.services import get_record

        revealed = get_record(user, record.pk, purpose=purpose or via)
        data.update(_identity_values(revealed))
    else:
        shown = [name for name in data if level_of(name) in policy.visible_levels(user)]
        _audit(
            user, "record.read", record, fields=shown, purpose=purpose or via, details={"via": via}
        )
    visible = policy.mask(user, data)
    hidden = [name for name in PROTECTED_FIELDS if name not in visible]
    return OpenedRecord(record=record, fields=visible, hidden=hidden)


def _identity_values(revealed: Any) -> dict[str, Any]:
    """The identifying values out of whatever the registry's `get_record` returns."""
    if isinstance(revealed, dict):
        source: dict[str, Any] = revealed
    else:
        source = {
            name: getattr(revealed, name) for name in PROTECTED_FIELDS if hasattr(revealed, name)
        }
        for attr in ("identity", "sensitive"):
            extra = getattr(revealed, attr, None)
            if isinstance(extra, dict):
                source.update(extra)
    return {name: source.get(name) for name in PROTECTED_FIELDS if name in source}


@dataclass
class SearchTerms:
    """What a user may search by: the agency's own ids (clear) and identifiers (blind index)."""

    record_id: str = ""
    name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    document_number: str = ""

    @property
    def identifying(self) -> bool:
        return bool(self.name or self.family_name or self.date_of_birth or self.document_number)

    @property
    def empty(self) -> bool:
        return not (self.record_id or self.identifying)

    def used(self) -> list[str]:
        """Which kinds of term were used (for the audit event: never the terms themselves)."""
        return [
            k
            for k in ("record_id", "name", "family_name", "date_of_birth", "document_number")
            if getattr(self, k)
        ]


def search_records(user: Any, terms: SearchTerms, *, via: str) -> Any:
    """Records in the user's scope matching the terms (exact, through the blind index)."""
    records = policy.visible_records(user)
    if terms.empty:
        return records
    if terms.identifying and not policy.can(user, "record.search"):
        policy.audit_denial(user, "record.search")
        return records.none()
    if terms.record_id:
        records = records.filter(record_id=terms.record_id.strip())
    if terms.identifying:
        from tiphub.web.registry.services import blind_index_filter

        records = records.filter(
            blind_index_filter(
                full_name=terms.name or None,
                family_name=terms.family_name or None,
                date_of_birth=terms.date_of_birth,
                document_number=terms.document_number or None,
            )
        )
    _audit(user, "record.search", details={"via": via, "terms": terms.used()})
    return records
