"""Casework REST endpoints under /api/v1/ (same policy and services as the pages)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework.services import CaseworkError, Decision
from tiphub.web.casework.views import DECISIONS, TRACKS, _probe
from tiphub.workflow import Track


class CaseSummarySerializer(serializers.ModelSerializer[m.Case]):
    agency = serializers.CharField(source="agency.code")
    is_child = serializers.BooleanField()

    class Meta:
        model = m.Case
        fields = (
            "id", "reference", "agency", "is_child", "identification_state", "support_state",
            "child_state", "immigration_state", "return_state", "created_at",
        )  # fmt: skip


class TaskSerializer(serializers.ModelSerializer[m.Task]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = m.Task
        fields = (
            "id",
            "case",
            "rule_id",
            "title",
            "due_at",
            "status",
            "severity",
            "roles",
            "basis",
        )


class AlertSerializer(serializers.ModelSerializer[m.Alert]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = m.Alert
        fields = ("id", "case", "message", "severity", "created_at")


class ReferralSerializer(serializers.ModelSerializer[m.Referral]):
    case = serializers.CharField(source="case.reference")
    case_id = serializers.IntegerField(source="case.pk")
    from_agency = serializers.CharField(source="from_agency.code")
    to_agency = serializers.CharField(source="to_agency.code")

    class Meta:
        model = m.Referral
        fields = (
            "id", "case", "case_id", "kind", "from_agency", "to_agency", "purpose",
            "view_profile", "status", "sent_at", "responded_at",
        )  # fmt: skip


class TransitionRequestSerializer(serializers.Serializer[Any]):
    track = serializers.ChoiceField(choices=TRACKS)
    name = serializers.CharField(max_length=40)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    person_requested = serializers.BooleanField(required=False, default=False)
    solution = serializers.CharField(required=False, allow_blank=True, default="")
    standard_applied = serializers.CharField(required=False, allow_blank=True, default="")
    authority = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class ResponseRequestSerializer(serializers.Serializer[Any]):
    name = serializers.ChoiceField(choices=("accept", "reject", "done", "revoke"))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CaseList(APIView):
    """Cases in your reach (own agency, and shared with it by a live referral); no identity."""

    policy_action = "case.list"

    @extend_schema(responses=CaseSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        cases = access.visible_cases(request.user).order_by("-created_at")[:500]
        return Response(CaseSummarySerializer(cases, many=True).data)


def _case_body(view: access.CaseView) -> dict[str, Any]:
    case = view.case
    body: dict[str, Any] = {
        "id": case.pk,
        "reference": case.reference,
        "agency": case.agency.code,
        "owner": view.owner,
        "sections": sorted(view.sections),
        "tracks": {t: case.state(t) for t in TRACKS if view.shows(t)},
    }
    if view.shows("identity"):
        body["identity"] = view.identity
    if view.shows("narrative"):
        body["narrative"] = view.narrative
    if view.shows("profile"):
        body["profile"] = {
            "gender": case.gender, "age": case.age, "is_child": case.is_child,
            "citizenship": case.citizenship, "exploitation_types": case.exploitation_types,
        }  # fmt: skip
    if view.shows("removal_block"):
        body["removal_block"] = services.workflow().removal_block(services.facts_of(case))
    if view.shows("timeline"):
        body["timeline"] = [
            {"at": t.at, "track": t.track, "transition": t.transition, "from": t.from_state,
             "to": t.to_state, "decision": t.decision_kind, "outcome": t.outcome,
             "actor": t.actor_label}
            for t in case.transitions.all()
        ]  # fmt: skip
    return body


def opened_case(request: Request, pk: int) -> access.CaseView:
    """The case through the user's view profile (audited), or 404 (audited as a denial)."""
    try:
        return access.open_case(request.user, pk, via="api")
    except Http404:
        raise NotFound("No such case.") from None


class CaseDetail(APIView):
    """One case through your view profile; every read is audited."""

    policy_action = "case.view"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        view = opened_case(request, pk)
        return Response(_case_body(view))


class CaseTransition(APIView):
    """GET: the transitions you may make now (each with the reasons it is refused, if it is).
    POST: make one; 409 with the reasons when the workflow refuses it."""

    policy_action = "case.transition"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        view = opened_case(request, pk)
        actor = services.actor_of(request.user)
        facts = services.facts_of(view.case)
        engine = services.workflow()
        body = {
            track: {
                move.name: engine.reasons(facts, _probe(track, move.name, actor))
                for move in engine.machine(Track(track)).from_state(view.case.state(track))
            }
            for track in TRACKS
            if view.shows(track)
        }
        return Response(body)

    @extend_schema(request=TransitionRequestSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        view = opened_case(request, pk)
        given = TransitionRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        decision = None
        if data["name"] in DECISIONS:
            kind, outcome = DECISIONS[data["name"]]
            decision = Decision(kind, outcome, data["standard_applied"], data["reason"],
                                data["authority"], tuple(data["evidence"]))  # fmt: skip
        try:
            services.apply_transition(
                request.user, view.case, data["track"], data["name"], decision=decision,
                reason=data["reason"], person_requested=data["person_requested"],
                solution=data["solution"],
            )  # fmt: skip
        except CaseworkError as error:
            return Response({"refused": list(error.reasons)}, status=status.HTTP_409_CONFLICT)
        except KeyError as error:
            return Response({"error": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        view.case.refresh_from_db()
        return Response({"tracks": {t: view.case.state(t) for t in TRACKS}})


class MyTasks(APIView):
    """Your open deadline tasks and unacknowledged alerts."""

    policy_action = "case.list"

    @extend_schema(
        responses=inline_serializer(
            "MyTasks",
            {"tasks": TaskSerializer(many=True), "alerts": AlertSerializer(many=True)},
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "tasks": TaskSerializer(access.tasks_for(request.user), many=True).data,
                "alerts": AlertSerializer(access.alerts_for(request.user), many=True).data,
            }
        )


class ReferralList(APIView):
    """Referrals to and from your agency."""

    policy_action = "referral.view"

    @extend_schema(responses=ReferralSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ReferralSerializer(access.referral_inbox(request.user), many=True).data)


class ReferralDetail(APIView):
    """GET one referral; POST to answer it: accept / reject / done (recipient), revoke (sender)."""

    policy_action = "referral.view"

    @extend_schema(responses=ReferralSerializer)
    def get(self, request: Request, pk: int) -> Response:
        referral = access.referral_inbox(request.user).filter(pk=pk).first()
        if referral is None:
            raise NotFound("No such referral.")
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=ResponseRequestSerializer, responses=ReferralSerializer)
    def post(self, request: Request, pk: int) -> Response:
        referral = access.referral_inbox(request.user).filter(pk=pk).first()
        if referral is None:
            raise NotFound("No such referral.")
        given = ResponseRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            services.respond(
                request.user, referral, given.validated_data["name"],
                reason=given.validated_data["reason"],
            )  # fmt: skip
        except CaseworkError as error:
            return Response({"refused": list(error.reasons)}, status=status.HTTP_409_CONFLICT)
        return Response(ReferralSerializer(referral).data)
