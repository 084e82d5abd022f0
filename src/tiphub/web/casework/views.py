"""Casework pages: my tasks and alerts, cases, case view (tracks and timeline), child view,
referral inbox, and the forms behind them. Thin views: the policy and `services` decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiphub import workflow as wf
from tiphub.web.accounts import policy
from tiphub.web.casework import access, forms, record_views, services
from tiphub.web.casework.services import CaseworkError, Decision
from tiphub.web.registry.models import Agency

#: transitions that carry a legal decision: (decision kind, outcome)
DECISIONS = {
    "rg_positive": ("RG", "positive"),
    "rg_negative": ("RG", "negative"),
    "cg_positive": ("CG", "positive"),
    "cg_negative": ("CG", "negative"),
    "reconsidered_rg_positive": ("reconsideration", "positive"),
    "reconsidered_cg_positive": ("reconsideration", "positive"),
    "upheld_rg_negative": ("reconsideration", "negative"),
    "upheld_cg_negative": ("reconsideration", "negative"),
}
#: tracks shown on the case page, with the view section that reveals each.
TRACKS = ("identification", "support", "child", "immigration", "return")


def tasks(request: HttpRequest) -> HttpResponse:
    """My tasks (deadlines of the jurisdiction profile) and alerts, most urgent first."""
    policy.require(request.user, "case.list")
    context = {
        "tasks": access.tasks_for(request.user),
        "alerts": access.alerts_for(request.user),
    }
    return render(request, "casework/tasks.html", context)


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "case.view")
    alert = get_object_or_404(access.alerts_for(request.user), pk=pk)
    alert.acknowledged_by = request.user  # type: ignore[assignment]
    alert.acknowledged_at = services.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return HttpResponseRedirect(reverse("casework:tasks"))


def case_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "case.list")
    cases = access.visible_cases(request.user).order_by("-created_at")[:200]
    context = {"cases": cases, "can_create": policy.can(request.user, "case.create")}
    return render(request, "casework/cases.html", context)


def case_new(request: HttpRequest) -> HttpResponse:
    """Screening at first contact: one indicator opens presumed-victim status at once."""
    policy.require(request.user, "case.create")
    form = forms.ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        indicators = tuple(data["indicators"])
        screening = services.ScreeningOutcome(
            presumed_victim=bool(indicators),
            indicators=indicators,
            urgent_needs=tuple(data["urgent_needs"]),
        )
        case = services.open_case(
            request.user,
            profile_fields=form.profile_fields(),
            identity=form.identity(),
            narrative=data["narrative"],
            screening=screening,
        )
        messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
        return HttpResponseRedirect(reverse("casework:case", args=[case.pk]))
    return render(request, "casework/case_new.html", {"form": form})


def _probe(track: str, name: str, actor: wf.Actor) -> wf.Request:
    """A request as the form will send it: the reason and decision the user is about to enter
    count as given, so the page lists only what else stands in the way."""
    decision = None
    if name in DECISIONS:
        kind, outcome = DECISIONS[name]
        decision = wf.DecisionRecord(kind, outcome, "to be entered", "to be entered")
    return wf.Request(
        wf.Track(track), name, actor, services.now(), reason="to be entered", decision=decision
    )


def _track_panels(request: HttpRequest, view: access.CaseView) -> list[dict[str, Any]]:
    can_act = policy.can(request.user, "case.transition")
    actor = services.actor_of(request.user) if can_act else None
    facts = services.facts_of(view.case)
    engine = services.workflow()
    panels = []
    for track in TRACKS:
        if not view.shows(track):
            continue
        panel: dict[str, Any] = {"track": track, "state": view.case.state(track), "moves": []}
        if actor is not None and actor.roles:
            for move in engine.machine(wf.Track(track)).from_state(view.case.state(track)):
                reasons = engine.reasons(facts, _probe(track, move.name, actor))
                if reasons and reasons[0].startswith(f"'{move.name}' is done by"):
                    continue  # not this user's transition: not shown
                panel["moves"].append(
                    {"name": move.name, "reasons": reasons, "decision": move.name in DECISIONS}
                )
        panels.append(panel)
    return panels


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: tracks with the transitions this user may make, timeline, records."""
    policy.require(request.user, "case.view")
    view = access.open_case(request.user, pk, via="page")
    case = view.case
    context: dict[str, Any] = {
        "view": view,
        "case": case,
        "panels": _track_panels(request, view),
        "removal_block": services.workflow().removal_block(services.facts_of(case))
        if view.shows("removal_block")
        else None,
        "transitions": case.transitions.all() if view.shows("timeline") else (),
        "consents": case.consents.all() if view.shows("consents") else (),
        "services": case.services.all() if view.shows("support") else (),
        "referrals": case.referrals.select_related("to_agency") if view.owner else (),
        "recovery": case.recovery_periods.all() if view.shows("identification") else (),
        "permits": case.permits.all() if view.shows("immigration") else (),
        "followups": case.followups.all() if view.shows("return") else (),
        "risk_assessments": case.risk_assessments.all() if view.shows("return") else (),
        "tasks": case.tasks.filter(open=True),
        "transition_form": forms.TransitionForm(),
        "consent_form": forms.ConsentForm(),
        "can_refer": view.owner and policy.can(request.user, "referral.send"),
        "can_edit": policy.can(request.user, "case.edit"),
        "record_links": record_views.record_links(request.user, view),
    }
    template = "casework/_tracks.html" if request.htmx else "casework/case_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Make one transition; a refusal is shown with its reasons (and audited)."""
    view = access.open_case(request.user, pk, via="transition")
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete."))
        return HttpResponseRedirect(reverse("casework:case", args=[pk]))
    data = form.cleaned_data
    decision = None
    if data["name"] in DECISIONS:
        kind, outcome = DECISIONS[data["name"]]
        decision = Decision(
            kind=kind,
            outcome=outcome,
            standard_applied=data["standard_applied"],
            reasons=data["reason"],
            authority=data["authority"],
            evidence=tuple(e.strip() for e in data["evidence"].split(",") if e.strip()),
            notified_via=data["notified_via"],
            notified_at=services.now() if data["notified_via"] else None,
        )
    try:
        services.apply_transition(
            request.user,
            view.case,
            data["track"],
            data["name"],
            decision=decision,
            reason=data["reason"],
            person_requested=data["person_requested"],
            solution=data["solution"],
        )
    except CaseworkError as error:
        messages.error(request, _("Refused: %(why)s") % {"why": "; ".join(error.reasons)})
    except (KeyError, ValueError):
        messages.error(request, _("Unknown transition."))
    else:
        messages.success(request, _("Done: %(name)s.") % {"name": data["name"]})
    return HttpResponseRedirect(reverse("casework:case", args=[pk]))


@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    view = access.open_case(request.user, pk, via="consent")
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.record_consent(
            request.user, view.case, data["scope"], given_by=data["given_by"],
            refused=data["refused"],
        )  # fmt: skip
        messages.success(request, _("Consent recorded."))
    return HttpResponseRedirect(reverse("casework:case", args=[pk]))


def refer(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "referral.send")
    view = access.open_case(request.user, pk, via="refer")
    if not view.owner or not policy.can(request.user, "referral.send"):
        policy.audit_denial(request.user, "referral.send", view.case)
        raise PermissionDenied("referral.send")
    form = forms.ReferralForm(request.POST or None)
    agencies = Agency.objects.exclude(pk=view.case.agency_id).filter(active=True)
    form.fields["to_agency"].choices = [(a.code, f"{a.code} · {a.name}") for a in agencies]  # type: ignore[attr-defined]
    purposes = sorted(access.view_profiles()["purposes"])
    form.fields["purpose"].choices = [(p, p.replace("_", " ")) for p in purposes if p != "transfer"]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.refer(
                request.user,
                view.case,
                agencies.get(code=data["to_agency"]),
                data["purpose"],
                kind=data["kind"],
                consent_override=data["consent_override"],
                reason=data["reason"],
            )
        except CaseworkError as error:
            form.add_error(None, "; ".join(error.reasons))
        else:
            messages.success(request, _("Referral %(id)s sent.") % {"id": referral.pk})
            return HttpResponseRedirect(reverse("casework:case", args=[pk]))
    return render(request, "casework/refer.html", {"form": form, "case": view.case})


def referral_inbox(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "referral.view")
    agency_id = policy.agency_id_of(request.user)
    referrals = access.referral_inbox(request.user)
    context = {
        "incoming": [r for r in referrals if r.to_agency_id == agency_id],
        "outgoing": [r for r in referrals if r.from_agency_id == agency_id],
    }
    return render(request, "casework/referrals.html", context)


@require_POST
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(access.referral_inbox(request.user), pk=pk)
    form = forms.ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond(
                request.user,
                referral,
                form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
            )
        except CaseworkError as error:
            messages.error(request, _("Refused: %(why)s") % {"why": "; ".join(error.reasons)})
        else:
            messages.success(request, _("Referral %(id)s: %(status)s.") % {
                "id": referral.pk, "status": referral.status})  # fmt: skip
    return HttpResponseRedirect(reverse("casework:referrals"))


def child_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The child track: guardian, best-interests records, tracing requests."""
    policy.require(request.user, "case.view")
    if not access.role_may_see(request.user, "child"):
        policy.audit_denial(request.user, "case.view", purpose="child view")
        raise PermissionDenied("case.view")
    view = access.open_case(request.user, pk, via="child")
    if not view.shows("child") or not view.case.is_child:
        raise PermissionDenied("case.view")
    case = view.case
    context = {
        "view": view,
        "case": case,
        "panels": [p for p in _track_panels(request, view) if p["track"] == "child"],
        "guardians": case.guardians.all(),
        "best_interests": case.best_interests.all(),
        "tracing": case.tracing_requests.all(),
        "transition_form": forms.TransitionForm(),
        "tasks": case.tasks.filter(open=True, rule_id__in=["T7", "T8", "T8R", "T14A"]),
        "record_links": record_views.record_links(request.user, view, section="child"),
    }
    return render(request, "casework/child.html", context)
