"""Opening, searching and listing victim records through the policy: one path for pages and API.

`open_record` is the only way a page or API view reads one record: it narrows by scope before the
lookup (another agency's record is "not found", and the attempt is audited as `access.denied`),
checks the action, decrypts identifying fields only for profiles that reveal them (through the
registry's `get_record`, which audits the read), audits every other read itself, and masks the
result by field profile. `search_records` finds records by the registry's blind index (exact
name, date of birth or document number) and audits the search without its terms;
`prepare_search` turns typed terms into a search that holds no identifying value (so a page can
keep it in the session and paginate without putting an identity in a web address).
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

from tiphub.web.accounts import policy
from tiphub.web.accounts.fields import level_of, protected_fields
from tiphub.web.registry.intake import CLEAR_COLUMNS

if TYPE_CHECKING:
    from tiphub.web.registry.services import RevealedRecord

#: Clear (non-encrypted) columns of a stored record, in the order pages show them.
CLEAR_FIELDS = ("record_id", *CLEAR_COLUMNS)

#: What a row of a records list shows (page and API): ids and statistics, never an identity.
LIST_FIELDS = (
    "record_id",
    "year",
    "sex",
    "age_group",
    "trafficking_status",
    "form_sexual",
    "form_labour",
    "form_organ",
    "form_other",
    "updated_at",
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
    hidden = policy.hidden_fields(user, list(protected_fields()))
    return OpenedRecord(record=record, fields=visible, hidden=hidden)


def _identity_values(revealed: RevealedRecord) -> dict[str, Any]:
    """The decrypted identifying values of the registry's `RevealedRecord`, in dictionary order."""
    source = {**revealed.identity, **revealed.sensitive}
    return {name: source[name] for name in protected_fields() if name in source}


def page_of_records(
    records: QuerySet[Any], number: Any, size: int, *, strict: bool = False
) -> Page[Any]:
    """One page of a records list, ordered by agency and the agency's record id.

    Two steps, so that a deep page stays fast on a large agency: the page's keys come from the
    (agency, record_id) unique index alone (an index-only scan, whatever the offset), then only
    those rows are read. `strict` raises `InvalidPage` for a page that does not exist (the API's
    404) instead of falling back to the nearest one (the pages').
    """
    keys = records.order_by("agency_id", "record_id").values_list("agency_id", "record_id")
    paginator = Paginator(keys, size)
    page = paginator.page(number) if strict else paginator.get_page(number)
    wanted: dict[int, list[str]] = {}
    for agency_id, record_id in page.object_list:
        wanted.setdefault(agency_id, []).append(record_id)
    match = Q(pk__in=[])
    for agency_id, record_ids in wanted.items():
        match |= Q(agency_id=agency_id, record_id__in=record_ids)
    rows = (
        records.filter(match)
        .select_related("agency")
        .only("pk", "agency__code", *LIST_FIELDS)
        .order_by("agency_id", "record_id")
    )
    page.object_list = list(rows)
    return page


#: Request parameters that would carry an identity (the dictionary's L-ID and L-SC fields, and
#: the full `name` of a search). They are never accepted in a web address (privacy-requirements
#: A6.6: addresses end up in browser history, proxies and access logs): identity searches are
#: POSTed, and a query string holding one of these names is refused with a 400.
IDENTITY_PARAMETERS = frozenset({"name", *protected_fields()})


def identity_parameters(query: Any) -> list[str]:
    """The identity parameters present in a query string (a QueryDict or mapping), sorted."""
    return sorted(IDENTITY_PARAMETERS.intersection(query))


@dataclass
class SearchTerms:
    """What a user may search by: clear filters (the agency's own id, the year of
    identification, the agency) and identifiers (exact, through the blind index)."""

    record_id: str = ""
    name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    document_number: str = ""
    year: int | None = None
    agency: str = ""

    @property
    def identifying(self) -> bool:
        return bool(self.name or self.family_name or self.date_of_birth or self.document_number)

    @property
    def empty(self) -> bool:
        return not self.used()

    def used(self) -> list[str]:
        """Which kinds of term were used (for the audit event: never the terms themselves)."""
        return [k for k in SEARCH_KINDS if getattr(self, k) not in ("", None)]


SEARCH_KINDS = (
    "record_id",
    "name",
    "family_name",
    "date_of_birth",
    "document_number",
    "year",
    "agency",
)


@dataclass(frozen=True)
class PreparedSearch:
    """A search ready to run that holds no identifying value, so it may be kept in a session.

    Identifiers are replaced by the registry's blind-index filter (keyed HMAC tokens: the same
    values the records table already holds, useless without the key file); the clear filters
    are kept as they are. `used` names the kinds of term, for the audit log.
    """

    record_id: str = ""
    year: int | None = None
    agency: str = ""
    identity: dict[str, Any] | None = None
    used: tuple[str, ...] = ()

    @property
    def identifying(self) -> bool:
        return self.identity is not None

    @property
    def empty(self) -> bool:
        return not self.used

    def to_data(self) -> dict[str, Any]:
        """JSON-ready form (for a session)."""
        return {
            "record_id": self.record_id,
            "year": self.year,
            "agency": self.agency,
            "identity": self.identity,
            "used": list(self.used),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PreparedSearch:
        return cls(
            record_id=str(data.get("record_id") or ""),
            year=data.get("year"),
            agency=str(data.get("agency") or ""),
            identity=data.get("identity"),
            used=tuple(data.get("used") or ()),
        )


def _q_to_data(q: Q) -> dict[str, Any]:
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_q_to_data(child))
        else:
            lookup, value = child  # type: ignore[misc]
            children.append([lookup, value])
    return {"connector": q.connector, "negated": q.negated, "children": children}


def _q_from_data(data: dict[str, Any]) -> Q:
    children = [
        _q_from_data(child) if isinstance(child, dict) else (child[0], child[1])
        for child in data["children"]
    ]
    return Q(*children, _connector=data["connector"], _negated=bool(data["negated"]))


def prepare_search(terms: SearchTerms) -> PreparedSearch:
    """Turn typed terms into a `PreparedSearch`: the identifiers become blind-index tokens."""
    identity = None
    if terms.identifying:
        from tiphub.web.registry.services import blind_index_filter

        identity = _q_to_data(
            blind_index_filter(
                full_name=terms.name or None,
                family_name=terms.family_name or None,
                date_of_birth=terms.date_of_birth,
                document_number=terms.document_number or None,
            )
        )
    return PreparedSearch(
        record_id=terms.record_id.strip(),
        year=terms.year,
        agency=terms.agency.strip(),
        identity=identity,
        used=tuple(terms.used()),
    )


def search_records(
    user: Any, search: SearchTerms | PreparedSearch, *, via: str, page: int | None = None
) -> Any:
    """Records in the user's scope matching the search (identifiers exact, by blind index).

    Every search with a term is audited as `record.search` with the kinds of term used (and
    the page shown, when given), never the terms. An identity search by a role without
    `record.search` finds nothing and is audited as a denial.
    """
    if isinstance(search, SearchTerms):
        search = prepare_search(search)
    records = policy.visible_records(user)
    if search.empty:
        return records
    if search.identifying and not policy.can(user, "record.search"):
        policy.audit_denial(user, "record.search")
        return records.none()
    if search.record_id:
        records = records.filter(record_id=search.record_id)
    if search.year is not None:
        records = records.filter(year=search.year)
    if search.agency:
        records = records.filter(agency__code=search.agency)
    if search.identity is not None:
        records = records.filter(_q_from_data(search.identity))
    details: dict[str, Any] = {"via": via, "terms": list(search.used)}
    if page is not None:
        details["page"] = page
    _audit(user, "record.search", details=details)
    return records


def export_records(user: Any, out: TextIO | Any, *, via: str) -> int:
    """Write the user's records (the fields their profile allows, never an identity) as CSV.

    Every exported record gets its own `record.export` event, plus one summary event with the
    count; all share an export id, so a leaked file can be traced to its export.
    """
    from tiphub.web.audit.services import EventSpec, record_event, record_events
    from tiphub.web.registry.services import RECORD_TYPE

    policy.require(user, "record.export", purpose=via)
    export_id = uuid.uuid4().hex
    columns = [name for name in ("id", "agency", *CLEAR_FIELDS) if policy.mask(user, {name: 1})]
    writer = csv.writer(out)
    writer.writerow(columns)
    events: list[EventSpec] = []
    records = policy.visible_records(user).select_related("agency")
    for record in records.order_by("agency_id", "record_id").iterator(chunk_size=2000):
        values = clear_values(record)
        writer.writerow(["" if values[name] is None else values[name] for name in columns])
        events.append(
            EventSpec(
                actor=user,
                action="record.export",
                object_type=RECORD_TYPE,
                object_id=str(record.pk),
                agency=record.agency.code,
                fields=tuple(columns),
                purpose=via,
                details={"export": export_id},
            )
        )
    record_events(events)
    account = policy.account_of(user)
    record_event(
        user,
        "record.export",
        agency=account.agency if account is not None else None,
        fields=columns,
        purpose=via,
        details={"export": export_id, "format": "csv", "count": len(events)},
    )
    return len(events)
