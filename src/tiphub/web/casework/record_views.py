"""Pages of a case's records: guardian appointment, BIA, BID, return risk assessment, return
plan, residence permits, follow-up visits and tracing requests.

Each page opens the case through the policy (404 for another agency's case, audited), shows only
to a role whose view of the case includes the record's section, states before anything is typed
what stands in the way (the track's state, who may act), and sends the form to the service
command that makes the record and its transition in one transaction. A refusal comes back with
the workflow's reasons, the form keeps what was typed, and nothing is stored. With htmx the form
swaps in place; without script it is an ordinary post and redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiphub.web.accounts import policy
from tiphub.web.audit.services import record_event
from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework import record_forms as rf
from tiphub.web.casework.sealing import unseal
from tiphub.web.casework.services import CaseworkError


@dataclass
class FormBlock:
    """One form on a record page: its id (also the form prefix), title, what blocks it."""

    id: str
    title: str
    form: forms.Form
    submit: str
    blocked: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordPage:
    """Who opens a record page: a permission, a section of the case view, children only."""

    title: Any
    action: str
    section: str
    child_only: bool = False


PAGES = {
    "guardian": RecordPage(gettext_lazy("Guardian"), "case.edit", "child", True),
    "bia": RecordPage(gettext_lazy("Best-interests assessment"), "case.transition", "child", True),
    "bid": RecordPage(
        gettext_lazy("Best-interests determination"), "case.transition", "child", True
    ),
    "tracing": RecordPage(gettext_lazy("Family tracing"), "case.edit", "child"),
    "risk": RecordPage(gettext_lazy("Return risk assessment"), "case.edit", "return"),
    "return_plan": RecordPage(gettext_lazy("Return plan"), "case.edit", "return"),
    "follow_up": RecordPage(gettext_lazy("Follow-up after return"), "case.edit", "return"),
    "permits": RecordPage(gettext_lazy("Residence permits"), "case.view", "immigration"),
}


def may_open(user: Any, view: access.CaseView, page: RecordPage) -> bool:
    return (
        policy.can(user, page.action)
        and view.shows(page.section)
        and (view.case.is_child or not page.child_only)
    )


def record_links(
    user: Any, view: access.CaseView, section: str | None = None
) -> list[tuple[str, Any]]:
    """(url, title) of the record pages (of one section) this user may open for this case."""
    return [
        (reverse(f"casework:{name}", args=[view.case.pk]), page.title)
        for name, page in PAGES.items()
        if may_open(user, view, page) and section in (None, page.section)
    ]


def open_for(request: HttpRequest, pk: int, name: str) -> access.CaseView:
    """The case, if the user's role allows the page's action and their view shows its section
    (another agency's case is 404, the rest 403; both audited)."""
    page = PAGES[name]
    policy.require(request.user, page.action)
    view = access.open_case(request.user, pk, via=f"{name} page")
    if not may_open(request.user, view, page):
        policy.audit_denial(request.user, page.action, view.case, purpose=f"{name} page")
        raise PermissionDenied(page.action)
    return view


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def _submit(
    request: HttpRequest,
    case: m.Case,
    page: str,
    block: FormBlock,
    command: Callable[..., object],
    message: str,
) -> HttpResponse | None:
    """Send a valid form's fields to its command (`command(**form.command_kwargs())`): the
    redirect when done; None when the form is unsent, invalid or refused (reasons on the block)."""
    form: Any = block.form
    if not (form.is_bound and form.is_valid()):
        return None
    if not _attempt(block, lambda: command(**form.command_kwargs())):
        return None
    return _done(request, _page_url(page, case), message)


def _attempt(block: FormBlock, command: Callable[[], object]) -> bool:
    """Run the command; a refusal lands on the block with the workflow's reasons."""
    try:
        command()
    except CaseworkError as error:
        block.refused = list(error.reasons)
        return False
    return True


def _render(
    request: HttpRequest,
    view: access.CaseView,
    *,
    title: str,
    intro: str,
    records: str,
    blocks: list[FormBlock],
    **extra: Any,
) -> HttpResponse:
    context = {
        "view": view,
        "case": view.case,
        "title": title,
        "intro": intro,
        "records_template": records,
        "blocks": blocks,
        "path": request.path,
        **extra,
    }
    template = (
        "casework/_record.html" if getattr(request, "htmx", False) else "casework/record.html"
    )
    return render(request, template, context)


def _post(request: HttpRequest, block_id: str) -> Any:
    """The POST data when it was sent by `block_id`'s form, else None (an unbound form)."""
    if request.method == "POST" and request.POST.get("form") == block_id:
        return request.POST
    return None


def _timers(case: m.Case, *rules: str) -> list[m.Task]:
    return list(case.tasks.filter(open=True, rule_id__in=rules))


def _page_url(name: str, case: m.Case) -> str:
    return reverse(f"casework:{name}", args=[case.pk])


# --- guardian ---------------------------------------------------------------------------------


def guardian_names(user: Any, view: access.CaseView) -> dict[int, dict[str, str]]:
    """Guardians' names (sealed) for a user whose view shows identities; the read is audited."""
    if not view.shows("identity"):
        return {}
    names = {g.pk: unseal(g, "guardian") for g in view.case.guardians.all()}
    if any(names.values()):
        record_event(user, "record.read", view.case, fields=["guardian"], purpose="guardian")
    return names


def guardian(request: HttpRequest, pk: int) -> HttpResponse:
    """Appoint the guardian requested for a child, with the appointment timer (rule T7)."""
    view = open_for(request, pk, "guardian")
    case = view.case
    block = FormBlock(
        "guardian",
        _("Appoint the guardian"),
        rf.GuardianForm(_post(request, "guardian"), prefix="guardian"),
        _("Record the appointment"),
        blocked=services.preconditions(request.user, case, "child", "appoint_guardian"),
    )
    command = partial(services.appoint_guardian, request.user, case)
    done = _submit(request, case, "guardian", block, command, _("Guardian appointed."))
    if done is not None:
        return done
    names = guardian_names(request.user, view)
    rows = [(g, names.get(g.pk, {})) for g in case.guardians.order_by("requested_at")]
    return _render(
        request, view, title=PAGES["guardian"].title,
        intro=_(
            "An unaccompanied or separated child gets a guardian without delay (CETS 197 art. "
            "10(4)): the appointing authority, a conflict-of-interest check, and for an "
            "organisation the natural person who acts, are recorded."
        ),
        records="casework/records/_guardian.html", blocks=[block], guardians=rows,
        timers=_timers(case, "T7"),
    )  # fmt: skip


# --- best interests (BIA, BID) -----------------------------------------------------------------


def _solutions() -> list[tuple[str, str]]:
    return rf.solution_choices(services.profile().bid_required_for)


def _panel(case: m.Case, user: Any) -> list[tuple[str, str]]:
    """Users of the owner agency (and the recorder) who sit on BID panels."""
    from tiphub.web.accounts.models import Account

    accounts = Account.objects.filter(role="bid_panel_member").select_related("user")
    accounts = accounts.filter(agency_id__in={case.agency_id, policy.agency_id_of(user)})
    return [(str(a.user_id), a.user.get_username()) for a in accounts.order_by("user__username")]


def best_interests(request: HttpRequest, pk: int) -> HttpResponse:
    """A best-interests assessment (BIA) with the child's views."""
    return _best_interests(request, pk, "BIA")


def determination(request: HttpRequest, pk: int) -> HttpResponse:
    """A best-interests determination (BID) by the panel: members, quorum, dissent, review."""
    return _best_interests(request, pk, "BID")


def _best_interests(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    view = open_for(request, pk, kind.lower())
    case = view.case
    data = _post(request, kind.lower())
    form: rf.BestInterestsForm
    if kind == "BIA":
        form = rf.BestInterestsForm(data, solutions=_solutions(), prefix="bia")
        transition, title = "assess_best_interests", _("Best-interests assessment (BIA)")
        intro = _(
            "The caseworker assesses the child's best interests within 7 days of identification "
            "(rule T8). The child's views are required; for an unaccompanied child the guardian "
            "is appointed first."
        )
    else:
        form = rf.DeterminationForm(
            data, solutions=_solutions(), panel=_panel(case, request.user), prefix="bid"
        )
        transition, title = "decide_bid", _("Best-interests determination (BID)")
        intro = _(
            "A panel decides before any return, cross-border transfer or reunification, or other "
            "decision with a fundamental impact on the child: quorum %(quorum)d members, the "
            "guardian present or consulted, the child's views, dissent recorded, a review date."
        ) % {"quorum": services.profile().bid_panel_quorum}
    block = FormBlock(
        kind.lower(), title, form, _("Record the %(kind)s") % {"kind": kind},
        blocked=services.preconditions(request.user, case, "child", transition),
    )  # fmt: skip
    command = partial(services.record_best_interests, request.user, case, kind)
    message = _("%(kind)s recorded.") % {"kind": kind}
    done = _submit(request, case, kind.lower(), block, command, message)
    if done is not None:
        return done
    return _render(
        request, view, title=title, intro=intro, records="casework/records/_best_interests.html",
        blocks=[block], best_interests=case.best_interests.filter(kind=kind),
        timers=_timers(case, "T8", "T8R"),
    )  # fmt: skip


# --- return: risk assessment, plan ---------------------------------------------------------------


def risk_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A return risk assessment (destination, risks, result, expiry) and clear / block."""
    view = open_for(request, pk, "risk")
    case = view.case
    block = FormBlock(
        "risk",
        _("New risk assessment"),
        rf.RiskAssessmentForm(_post(request, "risk"), prefix="risk"),
        _("Record the assessment"),
    )
    command = partial(services.assess_return_risk, request.user, case)
    done = _submit(request, case, "risk", block, command, _("Risk assessment recorded."))
    if done is not None:
        return done
    return _render(
        request, view, title=PAGES["risk"].title,
        intro=_(
            "No return without a current assessment (valid %(days)d days) that covers the risks "
            "of re-trafficking and refoulement and finds return safe, or conditional with "
            "mitigation."
        ) % {"days": services.profile().risk_assessment_validity_days},
        records="casework/records/_risk.html", blocks=[block],
        assessments=case.risk_assessments.order_by("-assessed_at"),
        timers=_timers(case, "T12"),
    )  # fmt: skip


def return_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The return plan (voluntary, receiving agency, reintegration, consent) and planning."""
    view = open_for(request, pk, "return_plan")
    case = view.case
    plan = m.ReturnPlan.objects.filter(case=case).first()
    initial = {n: getattr(plan, n) for n in rf.ReturnPlanForm.PLAN_FIELDS} if plan else None
    block = FormBlock(
        "plan",
        _("Return plan"),
        rf.ReturnPlanForm(_post(request, "plan"), initial=initial, prefix="plan"),
        _("Save the plan"),
    )
    command = partial(services.plan_return, request.user, case)
    done = _submit(request, case, "return_plan", block, command, _("Return plan saved."))
    if done is not None:
        return done
    blockers = services.workflow().removal_block(services.facts_of(case))
    return _render(
        request, view, title=PAGES["return_plan"].title,
        intro=_(
            "Planning a return checks every return guard again: the recovery period, "
            "identification, asylum, the risk assessment, a child's BID, and consent to share "
            "data with the receiving agency."
        ),
        records="casework/records/_return_plan.html", blocks=[block], plan=plan,
        blockers=blockers,
    )  # fmt: skip


# --- residence permits ------------------------------------------------------------------------


def permits(request: HttpRequest, pk: int) -> HttpResponse:
    """Residence permits: applications, decisions (grant, refuse), renewals, expiry."""
    view = open_for(request, pk, "permits")
    case, user = view.case, request.user
    rows = list(case.permits.order_by("-applied_at", "-pk"))
    pending = [
        (p.pk, f"#{p.pk} {p.get_permit_type_display()}") for p in rows if p.status == "applied"
    ]
    granted = [
        (p.pk, f"#{p.pk} {p.get_permit_type_display()} ({p.valid_until})")
        for p in rows
        if p.status == "granted"
    ]
    blocks: list[FormBlock] = []
    if policy.can(user, "case.edit"):
        blocks.append(FormBlock(
            "apply", _("Apply for a permit"),
            rf.PermitApplicationForm(_post(request, "apply"), prefix="apply"), _("Apply"),
        ))  # fmt: skip
    if policy.can(user, "case.transition") and pending:
        blocks.append(FormBlock(
            "decide", _("Decide an application"),
            rf.PermitDecisionForm(_post(request, "decide"), permits=pending, prefix="decide"),
            _("Record the decision"),
        ))  # fmt: skip
    if policy.can(user, "case.transition") and granted:
        blocks.append(FormBlock(
            "renew", _("Renew a permit"),
            rf.PermitRenewalForm(_post(request, "renew"), permits=granted, prefix="renew"),
            _("Renew"),
        ))  # fmt: skip
    for block in blocks:
        if block.form.is_bound and block.form.is_valid():
            command = _permit_command(block.id, user, case, dict(block.form.cleaned_data))
            if _attempt(block, command):
                return _done(request, _page_url("permits", case), _("Permit recorded."))
    return _render(
        request, view, title=PAGES["permits"].title,
        intro=_(
            "A permit on the person's situation never depends on cooperation with the "
            "authorities (CETS 197 art. 14). Expiry reminders come 60 and 14 days before "
            "(rule T11)."
        ),
        records="casework/records/_permits.html", blocks=blocks, permits=rows,
        timers=_timers(case, "T11"),
    )  # fmt: skip


def _permit_command(
    form: str, user: Any, case: m.Case, data: dict[str, Any]
) -> Callable[[], object]:
    if form == "apply":
        return lambda: services.apply_for_permit(user, case, **data)
    permit = case.permits.get(pk=data.pop("permit"))
    if form == "decide":
        return lambda: services.decide_permit(user, case, permit, **data)
    return lambda: services.renew_permit(user, case, permit, **data)


# --- follow-up visits -----------------------------------------------------------------------


def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow-up visits after return: outcome, wellbeing, re-trafficking indicator."""
    view = open_for(request, pk, "follow_up")
    case = view.case
    visits = list(case.followups.all())
    open_visits = [
        (f.pk, f"#{f.number} {f.scheduled_for:%Y-%m-%d}") for f in visits if f.done_at is None
    ]
    blocks = []
    if open_visits:
        block = FormBlock(
            "followup",
            _("Record a follow-up visit"),
            rf.FollowUpForm(_post(request, "followup"), visits=open_visits, prefix="followup"),
            _("Record the visit"),
        )
        blocks.append(block)
        if block.form.is_bound and block.form.is_valid():
            form: Any = block.form
            visit = case.followups.get(pk=form.cleaned_data["followup"])
            if _attempt(
                block,
                lambda: services.record_follow_up(
                    request.user, case, visit, **form.command_kwargs()
                ),
            ):
                case.refresh_from_db()
                message = _("Follow-up recorded.")
                if case.support_state == "reopened":
                    message = _("Follow-up recorded: the case is reopened and flagged at risk.")
                elif form.cleaned_data["re_trafficking_indicator"]:
                    message = _("Follow-up recorded: the case is flagged at risk (urgent alert).")
                return _done(request, _page_url("follow_up", case), message)
    return _render(
        request, view, title=PAGES["follow_up"].title,
        intro=_(
            "Visits are scheduled at reintegration (1, 3, 6 and 12 months; a child also 18 and "
            "24). A missed visit alerts after 7 days; any re-trafficking indicator reopens the "
            "case with an urgent alert."
        ),
        records="casework/records/_follow_up.html", blocks=blocks, visits=visits,
        timers=_timers(case, "T13"),
    )  # fmt: skip


# --- tracing ----------------------------------------------------------------------------------


def tracing(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's tracing requests, and a form to open one (who is sought is kept encrypted)."""
    view = open_for(request, pk, "tracing")
    case = view.case
    block = FormBlock(
        "tracing",
        _("Open a tracing request"),
        rf.TracingForm(_post(request, "tracing"), prefix="tracing"),
        _("Open the request"),
    )
    form: Any = block.form
    opened: list[m.TracingRequest] = []
    if (
        form.is_bound
        and form.is_valid()
        and _attempt(
            block,
            lambda: opened.append(
                services.open_tracing(request.user, case, **form.command_kwargs())
            ),
        )
    ):
        url = reverse("casework:tracing-request", args=[case.pk, opened[0].pk])
        return _done(request, url, _("Tracing request opened."))
    return _render(
        request, view, title=PAGES["tracing"].title,
        intro=_(
            "Searching starts only with consent to tracing and a risk check that contacting the "
            "family is safe; across borders also with cross-border consent and a data-sharing "
            "agreement. A second user verifies a match."
        ),
        records="casework/records/_tracing.html", blocks=[block],
        requests=case.tracing_requests.order_by("-created_at"),
    )  # fmt: skip


#: the tracing request page's forms: (id, title, submit label, states it is offered in).
_TRACING_FORMS: dict[str, tuple[Any, Any, frozenset[str]]] = {
    "risk": (gettext_lazy("Risk check"), gettext_lazy("Record the risk check"),
             frozenset({"open", "searching", "potential_match", "verified",
                        "reunification_assessed"})),
    "search": (gettext_lazy("Search for the family"), gettext_lazy("Search now"),
               frozenset({"open", "searching", "potential_match"})),
    "propose": (gettext_lazy("Record a potential match"), gettext_lazy("Record the match"),
                frozenset({"searching"})),
    "verify": (gettext_lazy("Verify the relationship (a second user)"),
               gettext_lazy("Verify"), frozenset({"potential_match"})),
    "reject": (gettext_lazy("Not the relative: search again"), gettext_lazy("Reject the match"),
               frozenset({"potential_match"})),
    "assess": (gettext_lazy("Reunification assessment"), gettext_lazy("Record the assessment"),
               frozenset({"verified"})),
    "reunify": (gettext_lazy("Reunify"), gettext_lazy("Record the reunification"),
                frozenset({"reunification_assessed"})),
    "not_in_bi": (gettext_lazy("Reunification is not in the best interests"),
                  gettext_lazy("Record the decision"), frozenset({"reunification_assessed"})),
    "send": (gettext_lazy("Send the search abroad (structured message)"),
             gettext_lazy("Prepare the message"), frozenset({"searching", "potential_match"})),
    "receive": (gettext_lazy("Record a message from the counterpart abroad"),
                gettext_lazy("Record the message"),
                frozenset({"searching", "potential_match", "verified"})),
    "close": (gettext_lazy("Close the request"), gettext_lazy("Close"),
              frozenset({"open", "searching", "potential_match", "verified",
                         "reunification_assessed"})),
}  # fmt: skip
#: the transition whose refusal reasons a form shows before anything is typed.
_TRACING_MOVES = {
    "search": "search",
    "propose": "propose_match",
    "verify": "verify",
    "reject": "reject_match",
    "assess": "assess_reunification",
    "reunify": "reunify",
    "not_in_bi": "not_in_best_interests",
    "close": "close",
}


def _tracing_form(name: str, data: Any, shown: list[Any]) -> forms.Form:
    prefix = f"t{name}"
    if name == "risk":
        return rf.TracingRiskCheckForm(data, prefix=prefix)
    if name == "propose":
        choices = [(s.index, f"#{s.index + 1} {s.likelihood} ({s.score:.0%}) {s.label}")
                   for s in shown]  # fmt: skip
        return rf.ProposeMatchForm(data, candidates=choices, prefix=prefix)
    if name == "verify":
        return rf.VerifyMatchForm(data, prefix=prefix)
    if name in {"reject", "not_in_bi", "close"}:
        return rf.ReasonForm(data, prefix=prefix)
    if name == "assess":
        return rf.ReunificationAssessmentForm(data, prefix=prefix)
    if name == "send":
        return rf.SendMessageForm(data, prefix=prefix)
    if name == "receive":
        return rf.ReceiveMessageForm(data, prefix=prefix)
    return rf.NoFieldsForm(data, prefix=prefix)


def _tracing_command(name: str, user: Any, item: m.TracingRequest) -> Callable[..., object]:
    from tiphub.web.casework import tracing as tr

    commands: dict[str, Callable[..., object]] = {
        "risk": partial(tr.record_risk_check, user, item),
        "search": partial(tr.search, user, item),
        "propose": partial(tr.propose_match, user, item),
        "verify": partial(tr.verify_match, user, item),
        "reject": partial(tr.reject_match, user, item),
        "assess": partial(tr.assess_reunification, user, item),
        "reunify": partial(tr.decide, user, item, "reunify"),
        "not_in_bi": partial(tr.decide, user, item, "not_in_best_interests"),
        "close": partial(tr.decide, user, item, "close"),
        "send": partial(tr.send_message, user, item),
        "receive": partial(tr.receive_message, user, item),
    }
    return commands[name]


_TRACING_DONE = {
    "risk": gettext_lazy("Risk check recorded."),
    "search": gettext_lazy("Search done."),
    "propose": gettext_lazy("Potential match recorded: a second user verifies it."),
    "verify": gettext_lazy("Relationship verified."),
    "reject": gettext_lazy("Match rejected: searching again."),
    "assess": gettext_lazy("Reunification assessment recorded."),
    "reunify": gettext_lazy("Reunification recorded."),
    "not_in_bi": gettext_lazy("Decision recorded."),
    "close": gettext_lazy("Tracing request closed."),
    "send": gettext_lazy("Message prepared: download it and send it through the agreed channel."),
    "receive": gettext_lazy("Message recorded: its persons join the next search."),
}


def tracing_request(request: HttpRequest, pk: int, tracing_pk: int) -> HttpResponse:
    """One tracing request: its state, what blocks each move and why, the candidates (named
    only where the policy lets this user see them), the moves, and cross-border messages."""
    from tiphub.web.casework import tracing as tr

    view = open_for(request, pk, "tracing")
    case = view.case
    item = case.tracing_requests.filter(pk=tracing_pk).first()
    if item is None:
        raise Http404
    user = request.user
    shown = tr.shown_matches(user, item)
    moves = tr.transitions(user, item)
    blocks = []
    for name, (title, submit, states) in _TRACING_FORMS.items():
        if item.state not in states:
            continue
        if name in {"send", "receive"} and not item.cross_border:
            continue
        if name == "propose" and not shown:
            continue
        blocked = moves.get(_TRACING_MOVES.get(name, ""), [])
        if name == "search" and item.state != "open":
            blocked = tr.search_blockers(item)
        blocks.append(FormBlock(name, str(title), _tracing_form(name, _post(request, name), shown),
                                str(submit), blocked=blocked))  # fmt: skip
    for block in blocks:
        form: Any = block.form
        if form.is_bound and form.is_valid():
            command = partial(_tracing_command(block.id, user, item), **form.command_kwargs())
            if _attempt(block, command):
                url = reverse("casework:tracing-request", args=[case.pk, item.pk])
                return _done(request, url, str(_TRACING_DONE[block.id]))
            break
    sought = unseal(item, "sought") if view.shows("identity") else {}
    if sought:
        record_event(user, "record.read", case, fields=sorted(sought), purpose="family tracing",
                     details={"tracing": item.pk})  # fmt: skip
    return _render(
        request, view,
        title=_("Tracing request %(id)s") % {"id": item.pk},
        intro=_(
            "Candidates held by other agencies are never named here: each is a possible match "
            "held by that agency, to contact through a referral (that agency is alerted). "
            "Candidates you may see anyway are named, with the fields that agreed."
        ),
        records="casework/records/_tracing_request.html", blocks=blocks, item=item,
        sought=sought, shown=shown, moves=moves, messages_list=item.messages.all(),
    )  # fmt: skip


def tracing_message(
    request: HttpRequest, pk: int, tracing_pk: int, message_pk: int
) -> HttpResponse:
    """Download an outgoing cross-border message (JSON) to send through the agreed channel."""
    import json

    from tiphub.web.casework import tracing as tr

    view = open_for(request, pk, "tracing")
    message = m.TracingMessage.objects.filter(
        pk=message_pk, tracing_id=tracing_pk, tracing__case=view.case, direction="outgoing"
    ).first()
    if message is None:
        raise Http404
    body = tr.message_document(request.user, message)
    response = HttpResponse(json.dumps(body, indent=1, ensure_ascii=False),
                            content_type="application/json")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="tracing-message-{message.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
