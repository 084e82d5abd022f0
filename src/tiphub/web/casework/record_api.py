"""REST endpoints of a case's records under /api/v1/cases/<id>/ (same policy, same commands as
the pages in `record_views`): GET lists the records your view of the case shows (no identity,
no free text), POST records one; 201 with the record, 409 with the workflow's reasons when a
guard refuses (nothing stored), 404 for a case out of reach, 403 for a section you do not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tiphub.web.accounts import policy
from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework.api import opened_case
from tiphub.web.casework.record_forms import FOLLOW_UP_MODES, RISKS
from tiphub.web.casework.record_views import PAGES, may_open
from tiphub.web.casework.services import CaseworkError

# --- what GET shows (statistical and procedural fields only) ---------------------------------


class GuardianSerializer(serializers.ModelSerializer[m.GuardianAppointment]):
    class Meta:
        model = m.GuardianAppointment
        fields = (
            "id", "requested_at", "appointed_at", "authority", "is_organisation", "named_person",
            "conflict_checked", "conflict_found", "ended_at",
        )  # fmt: skip


class BestInterestsSerializer(serializers.ModelSerializer[m.BestInterests]):
    panel_size = serializers.SerializerMethodField()

    class Meta:
        model = m.BestInterests
        fields = (
            "id", "kind", "decided_at", "childs_views_recorded", "options_considered",
            "solutions_in_best_interests", "panel_size", "guardian_consulted", "review_date",
        )  # fmt: skip

    def get_panel_size(self, record: m.BestInterests) -> int:
        return len(record.panel_members)


class RiskAssessmentSerializer(serializers.ModelSerializer[m.ReturnRiskAssessment]):
    class Meta:
        model = m.ReturnRiskAssessment
        fields = (
            "id", "destination", "risks", "result", "mitigation", "assessed_at", "expires_at",
            "receiving_agency_confirmed",
        )  # fmt: skip


class ReturnPlanSerializer(serializers.ModelSerializer[m.ReturnPlan]):
    class Meta:
        model = m.ReturnPlan
        fields = (
            "voluntary", "planned_date", "escort", "receiving_agency",
            "receiving_agency_confirmed", "reintegration_plan", "cross_border_consent",
        )  # fmt: skip


class PermitSerializer(serializers.ModelSerializer[m.ResidencePermit]):
    class Meta:
        model = m.ResidencePermit
        fields = (
            "id", "permit_type", "status", "applied_at", "valid_from", "valid_until", "renewals",
            "issuing_authority",
        )  # fmt: skip


class FollowUpSerializer(serializers.ModelSerializer[m.FollowUp]):
    class Meta:
        model = m.FollowUp
        fields = (
            "id", "number", "scheduled_for", "done_at", "mode", "wellbeing",
            "re_trafficking_indicator",
        )  # fmt: skip


class TracingSerializer(serializers.ModelSerializer[m.TracingRequest]):
    candidates = serializers.SerializerMethodField()

    class Meta:
        model = m.TracingRequest
        fields = (
            "id", "state", "cross_border", "counterpart_country", "counterpart_agency",
            "data_sharing_agreement", "family_contact_safe", "candidates", "searched_at",
            "match_proposed_by", "verified_by", "verified_at", "verification_method",
            "reunification_assessed", "both_sides_willing", "reunification_safe",
            "childs_views_recorded", "created_at",
        )  # fmt: skip

    def get_candidates(self, tracing: m.TracingRequest) -> int:
        return len(tracing.matches or [])


class TracingMessageSerializer(serializers.ModelSerializer[m.TracingMessage]):
    class Meta:
        model = m.TracingMessage
        fields = (
            "id", "direction", "kind", "message_id", "in_reply_to", "counterpart_country",
            "counterpart_agency", "data_sharing_agreement", "persons", "created_at",
        )  # fmt: skip


# --- what POST takes -----------------------------------------------------------------------


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


class GuardianRequest(serializers.Serializer[Any]):
    is_organisation = serializers.BooleanField(default=False)
    person = _text(max_length=150)
    organisation = _text(max_length=150)
    authority = _text(max_length=200)
    conflict_checked = serializers.BooleanField(default=False)
    conflict_found = serializers.BooleanField(default=False)


class PanelMember(serializers.Serializer[Any]):
    user = serializers.IntegerField(required=False)
    role = serializers.CharField(max_length=80)


class BestInterestsRequest(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=("BIA", "BID"))
    childs_views = serializers.CharField(help_text="Required: what the child said.")
    recommendation = _text()
    options_considered = serializers.ListField(child=serializers.CharField(), default=list)
    panel_members = PanelMember(many=True, required=False, default=list)
    guardian_consulted = serializers.BooleanField(default=False)
    solutions_in_best_interests = serializers.ListField(child=serializers.CharField(), default=list)
    dissent = _text()
    review_date = serializers.DateField(required=False, allow_null=True, default=None)


class RiskRequest(serializers.Serializer[Any]):
    destination = serializers.CharField(min_length=3, max_length=3)
    risks = serializers.DictField(
        child=serializers.ChoiceField(choices=("none", "low", "medium", "high")),
        help_text=f"Ratings of {', '.join(name for name, _l in RISKS)}.",
    )
    result = serializers.ChoiceField(choices=("safe", "conditional", "unsafe"))
    mitigation = _text(max_length=300)
    receiving_agency_confirmed = serializers.BooleanField(default=False)
    then = serializers.ChoiceField(choices=("", "clear", "block"), default="")
    reason = _text()


class ReturnPlanRequest(serializers.Serializer[Any]):
    voluntary = serializers.BooleanField(default=False)
    planned_date = serializers.DateField(required=False, allow_null=True, default=None)
    escort = serializers.BooleanField(default=False)
    receiving_agency = _text(max_length=200)
    receiving_agency_confirmed = serializers.BooleanField(default=False)
    reintegration_plan = serializers.BooleanField(default=False)
    cross_border_consent = serializers.BooleanField(default=False)
    plan_now = serializers.BooleanField(default=False)
    person_requested = serializers.BooleanField(default=False)


class PermitRequest(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=("apply", "grant", "refuse", "renew"))
    permit = serializers.IntegerField(required=False, help_text="The permit (grant/refuse/renew).")
    permit_type = serializers.ChoiceField(
        choices=[code for code, _l in m.ResidencePermit.TYPES], required=False
    )
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    issuing_authority = _text(max_length=200)
    reason = _text()


class FollowUpRequest(serializers.Serializer[Any]):
    followup = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=[code for code, _l in FOLLOW_UP_MODES])
    wellbeing = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, default=None
    )
    re_trafficking_indicator = serializers.BooleanField()
    needs = _text(max_length=200)


class SoughtPerson(serializers.Serializer[Any]):
    relation = serializers.CharField(max_length=60)
    given_name = _text(max_length=100)
    family_name = _text(max_length=100)
    date_of_birth = _text(max_length=10, help_text="As far as known: YYYY-MM-DD, YYYY-MM, YYYY.")
    birth_year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    sex = serializers.ChoiceField(choices=("", "F", "M"), required=False, default="")
    last_known_location = _text(max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from tiphub.linkage.search import birth_date

        if not (attrs.get("given_name") or attrs.get("family_name")):
            raise serializers.ValidationError("a given or a family name is needed to search")
        dob = attrs.get("date_of_birth", "")
        if dob and (birth_date(dob) is None or birth_date(dob).estimated):  # type: ignore[union-attr]
            raise serializers.ValidationError({"date_of_birth": "YYYY-MM-DD, YYYY-MM or YYYY"})
        return attrs


class TracingRequestIn(serializers.Serializer[Any]):
    sought = SoughtPerson()
    cross_border = serializers.BooleanField(default=False)
    counterpart_country = _text(max_length=3)
    counterpart_agency = _text(max_length=200)
    data_sharing_agreement = _text(max_length=64)
    family_contact_safe = serializers.BooleanField(required=False, allow_null=True, default=None)


TRACING_ACTIONS = (
    "risk_check", "search", "propose_match", "reject_match", "verify", "assess_reunification",
    "reunify", "not_in_best_interests", "close",
)  # fmt: skip


class TracingActionIn(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=TRACING_ACTIONS)
    candidate = serializers.IntegerField(
        required=False, min_value=0, help_text="propose_match: the number of the candidate."
    )
    family_contact_safe = serializers.BooleanField(required=False, help_text="risk_check")
    method = serializers.ChoiceField(
        choices=[c for c, _l in m.TracingRequest.VERIFICATION_METHODS], required=False,
        help_text="verify: how the relationship was verified.",
    )  # fmt: skip
    both_sides_willing = serializers.BooleanField(default=False)
    reunification_safe = serializers.BooleanField(default=False)
    childs_views = _text()
    summary = _text()
    reason = _text()


class TracingMessageIn(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(choices=("outgoing", "incoming"))
    counterpart_agency = _text(max_length=200, help_text="outgoing: the agency abroad.")
    document = serializers.JSONField(
        required=False, help_text="incoming: the counterpart's message (tiphub.tracing-message)."
    )


# --- the views ---------------------------------------------------------------------------------


def _case_for(request: Request, pk: int, page: str) -> access.CaseView:
    """The case (404 out of reach); 403 unless the user's view shows the page's section and,
    to record, their role allows the page's action."""
    view = opened_case(request, pk)
    spec = PAGES[page]
    shown = view.shows(spec.section) and (view.case.is_child or not spec.child_only)
    if not shown or (request.method != "GET" and not may_open(request.user, view, spec)):
        policy.audit_denial(request.user, spec.action, view.case, purpose=f"api {page}")
        raise PermissionDenied(spec.action)
    return view


def _record(command: Callable[[], Any], serializer: type[serializers.Serializer[Any]]) -> Response:
    try:
        record = command()
    except CaseworkError as error:
        return Response({"refused": list(error.reasons)}, status=status.HTTP_409_CONFLICT)
    return Response(serializer(record).data, status=status.HTTP_201_CREATED)


def _valid(serializer: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    given = serializer(data=request.data)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


class CaseGuardian(APIView):
    """GET the guardian appointments (with the T7 timer); POST appoint the requested guardian."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["guardian"].action}

    @extend_schema(
        responses=inline_serializer(
            "GuardianState",
            {
                "child_state": serializers.CharField(),
                "appointments": GuardianSerializer(many=True),
                "due_at": serializers.DateTimeField(allow_null=True),
                "timer_status": serializers.CharField(allow_null=True),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "guardian").case
        timer = case.tasks.filter(open=True, rule_id="T7").first()
        return Response(
            {
                "child_state": case.child_state,
                "appointments": GuardianSerializer(case.guardians.all(), many=True).data,
                "due_at": timer.due_at if timer else None,
                "timer_status": timer.status if timer else None,
            }
        )

    @extend_schema(request=GuardianRequest, responses={201: GuardianSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "guardian").case
        data = _valid(GuardianRequest, request)
        names = {"person": data.pop("person"), "organisation": data.pop("organisation")}
        return _record(
            lambda: services.appoint_guardian(
                request.user, case, guardian=names, named_person=bool(names["person"].strip()),
                **data,
            ),
            GuardianSerializer,
        )  # fmt: skip


class CaseBestInterests(APIView):
    """GET the BIAs and BIDs; POST a BIA (caseworker) or a BID (panel)."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["bia"].action}

    @extend_schema(responses=BestInterestsSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "bia").case
        return Response(BestInterestsSerializer(case.best_interests.all(), many=True).data)

    @extend_schema(request=BestInterestsRequest, responses={201: BestInterestsSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "bia").case
        data = _valid(BestInterestsRequest, request)
        kind = data.pop("kind")
        data["panel_members"] = [dict(member) for member in data["panel_members"]]
        data["childs_views_recorded"] = bool(data["childs_views"].strip())
        return _record(
            lambda: services.record_best_interests(request.user, case, kind, **data),
            BestInterestsSerializer,
        )


class CaseRiskAssessments(APIView):
    """GET the return risk assessments; POST one (and clear or block the return on it)."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["risk"].action}

    @extend_schema(responses=RiskAssessmentSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "risk").case
        assessments = case.risk_assessments.order_by("-assessed_at")
        return Response(RiskAssessmentSerializer(assessments, many=True).data)

    @extend_schema(request=RiskRequest, responses={201: RiskAssessmentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "risk").case
        data = _valid(RiskRequest, request)
        data["destination"] = data["destination"].upper()
        return _record(
            lambda: services.assess_return_risk(request.user, case, **data),
            RiskAssessmentSerializer,
        )


class CaseReturnPlan(APIView):
    """GET the return plan and what blocks a return now; POST the plan (`plan_now` plans it)."""

    policy_action: ClassVar[dict[str, str]] = {
        "GET": "case.view",
        "POST": PAGES["return_plan"].action,
    }

    @extend_schema(
        responses=inline_serializer(
            "ReturnPlanState",
            {
                "return_state": serializers.CharField(),
                "plan": ReturnPlanSerializer(allow_null=True),
                "blocked_by": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "return_plan").case
        plan = m.ReturnPlan.objects.filter(case=case).first()
        return Response(
            {
                "return_state": case.return_state,
                "plan": ReturnPlanSerializer(plan).data if plan else None,
                "blocked_by": services.workflow().removal_block(services.facts_of(case)),
            }
        )

    @extend_schema(request=ReturnPlanRequest, responses={201: ReturnPlanSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "return_plan").case
        data = _valid(ReturnPlanRequest, request)
        return _record(
            lambda: services.plan_return(request.user, case, **data), ReturnPlanSerializer
        )


class CasePermits(APIView):
    """GET the residence permits; POST `apply` (caseworker, legal representative), `grant` /
    `refuse` (immigration or asylum officer), `renew` (immigration officer)."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["permits"].action}

    @extend_schema(
        responses=inline_serializer(
            "PermitState",
            {"immigration_state": serializers.CharField(), "permits": PermitSerializer(many=True)},
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "permits").case
        return Response(
            {
                "immigration_state": case.immigration_state,
                "permits": PermitSerializer(case.permits.order_by("-applied_at"), many=True).data,
            }
        )

    @extend_schema(request=PermitRequest, responses={201: PermitSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "permits").case
        data = _valid(PermitRequest, request)
        user, action = request.user, data["action"]
        if action == "apply":
            if "permit_type" not in data:
                raise serializers.ValidationError({"permit_type": "required to apply"})
            return _record(
                lambda: services.apply_for_permit(
                    user, case, permit_type=data["permit_type"],
                    issuing_authority=data["issuing_authority"], reason=data["reason"],
                ),
                PermitSerializer,
            )  # fmt: skip
        permit = case.permits.filter(pk=data.get("permit") or 0).first()
        if permit is None:
            raise serializers.ValidationError({"permit": "no such permit on this case"})
        if action == "renew":
            if data["valid_until"] is None:
                raise serializers.ValidationError({"valid_until": "required to renew"})
            return _record(
                lambda: services.renew_permit(
                    user, case, permit, valid_until=data["valid_until"], reason=data["reason"]
                ),
                PermitSerializer,
            )
        return _record(
            lambda: services.decide_permit(
                user, case, permit, granted=action == "grant", valid_from=data["valid_from"],
                valid_until=data["valid_until"], issuing_authority=data["issuing_authority"],
                reason=data["reason"],
            ),
            PermitSerializer,
        )  # fmt: skip


class CaseFollowUps(APIView):
    """GET the follow-up schedule; POST a visit (a re-trafficking indicator reopens the case)."""

    policy_action: ClassVar[dict[str, str]] = {
        "GET": "case.view",
        "POST": PAGES["follow_up"].action,
    }

    @extend_schema(responses=FollowUpSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "follow_up").case
        return Response(FollowUpSerializer(case.followups.all(), many=True).data)

    @extend_schema(request=FollowUpRequest, responses={201: FollowUpSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "follow_up").case
        data = _valid(FollowUpRequest, request)
        visit = case.followups.filter(pk=data.pop("followup")).first()
        if visit is None:
            raise serializers.ValidationError({"followup": "no such follow-up on this case"})

        def record() -> m.FollowUp:
            services.record_follow_up(request.user, case, visit, **data)
            visit.refresh_from_db()
            return visit

        return _record(record, FollowUpSerializer)


class CaseTracing(APIView):
    """GET the tracing requests (states, candidates count; never who is sought); POST open one."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["tracing"].action}

    @extend_schema(responses=TracingSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "tracing").case
        return Response(TracingSerializer(case.tracing_requests.all(), many=True).data)

    @extend_schema(request=TracingRequestIn, responses={201: TracingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, "tracing").case
        data = _valid(TracingRequestIn, request)
        data["sought"] = {k: str(v) for k, v in dict(data["sought"]).items()}
        data["counterpart_country"] = data["counterpart_country"].upper()
        return _record(lambda: services.open_tracing(request.user, case, **data), TracingSerializer)


def _tracing_for(request: Request, pk: int, tracing_pk: int) -> m.TracingRequest:
    case = _case_for(request, pk, "tracing").case
    item = case.tracing_requests.filter(pk=tracing_pk).first()
    if item is None:
        raise NotFound("No such tracing request.")
    return item


class TracingDetail(APIView):
    """GET one tracing request: state, candidates (another agency's only as "a possible match
    held by agency X"), each move with its refusal reasons now; POST one action (409 with the
    workflow's reasons when refused)."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["tracing"].action}

    def _body(self, request: Request, item: m.TracingRequest) -> dict[str, Any]:
        from tiphub.web.casework import tracing as tr

        shown = tr.shown_matches(request.user, item)
        return {
            **TracingSerializer(item).data,
            "matches": [s.to_dict() for s in shown],
            "proposed_match": next((s.index for s in shown if s.proposed), None),
            "moves": tr.transitions(request.user, item)
            if policy.can(request.user, "case.transition")
            else {},
            "messages": TracingMessageSerializer(item.messages.all(), many=True).data,
        }

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int, tracing_pk: int) -> Response:
        return Response(self._body(request, _tracing_for(request, pk, tracing_pk)))

    @extend_schema(request=TracingActionIn, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int, tracing_pk: int) -> Response:
        from tiphub.web.casework import tracing as tr

        item = _tracing_for(request, pk, tracing_pk)
        if not may_open(request.user, _case_for(request, pk, "tracing"), PAGES["tracing"]):
            raise PermissionDenied(PAGES["tracing"].action)
        data = _valid(TracingActionIn, request)
        user, action = request.user, data["action"]
        required = {"propose_match": "candidate", "risk_check": "family_contact_safe",
                    "verify": "method"}  # fmt: skip
        if action in required and required[action] not in data:
            raise serializers.ValidationError({required[action]: f"required to {action}"})
        commands: dict[str, Callable[[], Any]] = {
            "risk_check": lambda: tr.record_risk_check(
                user, item, family_contact_safe=data["family_contact_safe"]),
            "search": lambda: tr.search(user, item),
            "propose_match": lambda: tr.propose_match(user, item, data["candidate"]),
            "reject_match": lambda: tr.reject_match(user, item, reason=data["reason"]),
            "verify": lambda: tr.verify_match(user, item, method=data["method"]),
            "assess_reunification": lambda: tr.assess_reunification(
                user, item, both_sides_willing=data["both_sides_willing"],
                reunification_safe=data["reunification_safe"],
                childs_views=data["childs_views"], summary=data["summary"]),
            "reunify": lambda: tr.decide(user, item, "reunify"),
            "not_in_best_interests": lambda: tr.decide(
                user, item, "not_in_best_interests", reason=data["reason"]),
            "close": lambda: tr.decide(user, item, "close", reason=data["reason"]),
        }  # fmt: skip
        try:
            commands[action]()
        except CaseworkError as error:
            return Response({"refused": list(error.reasons)}, status=status.HTTP_409_CONFLICT)
        item.refresh_from_db()
        return Response(self._body(request, item))


class TracingMessages(APIView):
    """GET the request's cross-border messages; POST `{"direction": "outgoing",
    "counterpart_agency"}` to prepare one (its JSON in `document`, audited as an export) or
    `{"direction": "incoming", "document": {...}}` to record the counterpart's."""

    policy_action: ClassVar[dict[str, str]] = {"GET": "case.view", "POST": PAGES["tracing"].action}

    @extend_schema(responses=TracingMessageSerializer(many=True))
    def get(self, request: Request, pk: int, tracing_pk: int) -> Response:
        item = _tracing_for(request, pk, tracing_pk)
        return Response(TracingMessageSerializer(item.messages.all(), many=True).data)

    @extend_schema(request=TracingMessageIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int, tracing_pk: int) -> Response:
        from tiphub.web.casework import tracing as tr

        item = _tracing_for(request, pk, tracing_pk)
        if not may_open(request.user, _case_for(request, pk, "tracing"), PAGES["tracing"]):
            raise PermissionDenied(PAGES["tracing"].action)
        data = _valid(TracingMessageIn, request)
        try:
            if data["direction"] == "outgoing":
                message = tr.send_message(
                    request.user, item, counterpart_agency=data["counterpart_agency"]
                )
                body = {**TracingMessageSerializer(message).data,
                        "document": tr.message_document(request.user, message)}  # fmt: skip
            else:
                if "document" not in data:
                    raise serializers.ValidationError({"document": "required for incoming"})
                message = tr.receive_message(request.user, item, data["document"])
                body = TracingMessageSerializer(message).data
        except CaseworkError as error:
            return Response({"refused": list(error.reasons)}, status=status.HTTP_409_CONFLICT)
        return Response(body, status=status.HTTP_201_CREATED)
