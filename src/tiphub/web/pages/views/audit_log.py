"""The audit log for the data-protection officer: filterable, paginated, no case content.

Reading the log is itself audited (`audit.read`, privacy-requirements A5.3), and so is checking
its hash chain from the page (`audit.verify`), which calls the same service function as
`tiphub audit verify` (`tiphub.web.audit.services.verify_chain`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiphub.web.accounts import policy

FILTERS = ("action", "actor", "agency", "outcome", "object_id", "since", "until")


def _day(value: str, end: bool) -> datetime | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def filtered_events(params: dict[str, str]) -> QuerySet[Any]:
    """Audit events matching the filters (shared by the page and the API)."""
    from tiphub.web.audit.models import AuditEvent

    events = AuditEvent.objects.all().order_by("-seq")
    if action := params.get("action"):
        events = (
            events.filter(action__startswith=action[:-1])
            if action.endswith("*")
            else events.filter(action=action)
        )
    if actor := params.get("actor"):
        events = events.filter(actor_label=actor)
    if agency := params.get("agency"):
        events = events.filter(agency=agency)
    if outcome := params.get("outcome"):
        events = events.filter(outcome=outcome)
    if object_id := params.get("object_id"):
        events = events.filter(object_id=object_id)
    if (since := params.get("since")) and (start := _day(since, end=False)):
        events = events.filter(created_at__gte=start)
    if (until := params.get("until")) and (stop := _day(until, end=True)):
        events = events.filter(created_at__lte=stop)
    return events


def audit_log(request: HttpRequest) -> HttpResponse:
    """Every event, newest first; reading the log is itself an audit event (A5.3)."""
    policy.require(request.user, "audit.view")
    params = {name: request.GET.get(name, "").strip()[:64] for name in FILTERS}
    events = filtered_events(params)
    page: Page[Any] = Paginator(events, 100).get_page(request.GET.get("page"))
    from tiphub.web.audit.services import record_event

    record_event(
        request.user,
        "audit.read",
        details={"filters": sorted(k for k, v in params.items() if v), "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pages/audit_log.html",
        {"page": page, "params": params, "query": query.urlencode()},
    )


@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Check the whole hash chain (as `tiphub audit verify` does) and say what was found.

    The check is audited as `audit.verify` (outcome ok or failed, the events checked, the head
    or the first bad event), written after the check, so the next check covers it too.
    """
    from tiphub.web.audit.services import record_event, verify_chain

    policy.require(request.user, "audit.view")
    report = verify_chain()
    details: dict[str, Any] = {
        "via": "page",
        "events": report.events,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
    }
    if report.ok:
        messages.success(
            request,
            _(
                "Audit chain intact: %(events)s events checked; head %(seq)s %(hash)s. Record "
                "this hash somewhere outside tiphub: a later check that no longer reaches it "
                "shows that newer events were cut off."
            )
            % {"events": report.events, "seq": report.head_seq, "hash": report.head_hash},
        )
    else:
        details.update(bad_seq=report.bad_seq, bad_id=report.bad_pk)
        messages.error(
            request,
            _(
                "Audit chain broken at event %(seq)s (id %(id)s): %(reason)s. The %(events)s "
                "events before it are intact."
            )
            % {
                "seq": report.bad_seq,
                "id": report.bad_pk,
                "reason": report.reason,
                "events": report.events,
            },
        )
    record_event(
        request.user, "audit.verify", outcome="ok" if report.ok else "failed", details=details
    )
    response = HttpResponseRedirect(reverse("pages:audit"))
    response.status_code = 303
    return response
