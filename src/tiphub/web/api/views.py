"""API views. Each declares `policy_action`; querysets come from the policy's scoped helpers."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tiphub.web.accounts import access, policy
from tiphub.web.api import serializers as s
from tiphub.web.pages.statistics import record_counts
from tiphub.web.pages.views.audit_log import FILTERS as AUDIT_FILTERS
from tiphub.web.pages.views.audit_log import filtered_events
from tiphub.web.pages.views.submissions import UploadForm, import_upload
from tiphub.web.registry.models import Submission

_SEARCH_PARAMS = [
    OpenApiParameter("record_id", str, description="The agency's own record id (exact)."),
    OpenApiParameter("name", str, description="Full name, exact (keyed blind index)."),
    OpenApiParameter("family_name", str, description="Family name, exact (blind index)."),
    OpenApiParameter("date_of_birth", OpenApiTypes.DATE, description="Date of birth (exact)."),
    OpenApiParameter("document_number", str, description="Document number (exact)."),
]


def _search_terms(request: Request) -> access.SearchTerms:
    params = request.query_params
    dob = None
    if raw := params.get("date_of_birth", "").strip():
        try:
            dob = date.fromisoformat(raw)
        except ValueError:
            raise ValidationError({"date_of_birth": "Use YYYY-MM-DD."}) from None
    return access.SearchTerms(
        record_id=params.get("record_id", "").strip()[:100],
        name=params.get("name", "").strip()[:200],
        family_name=params.get("family_name", "").strip()[:200],
        date_of_birth=dob,
        document_number=params.get("document_number", "").strip()[:100],
    )


class RecordPagination(PageNumberPagination):
    """Page-number pagination of records through `access.page_of_records` (deep pages stay fast)."""

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        number = request.query_params.get(self.page_query_param) or 1
        try:
            self.page = access.page_of_records(
                queryset, number, self.get_page_size(request) or 50, strict=True
            )
        except InvalidPage as exc:
            raise NotFound(f"Invalid page: {exc}") from None
        return list(self.page)


@extend_schema(parameters=_SEARCH_PARAMS)
class RecordList(generics.ListAPIView[Any]):
    """Victim records in your scope, by agency and agency record id; no identifying field."""

    policy_action = "record.list"
    serializer_class = s.RecordSummarySerializer
    pagination_class = RecordPagination

    def get_queryset(self) -> Any:
        terms = _search_terms(self.request)
        return access.search_records(self.request.user, terms, via="api")


class RecordDetail(APIView):
    """One victim record, masked by your field profile; every read is audited."""

    policy_action = "record.view"

    @extend_schema(responses=s.RecordDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            opened = access.open_record(request.user, pk, via="api")
        except Http404:
            raise NotFound("No such record.") from None
        fields = {k: v for k, v in opened.fields.items() if k not in {"id", "agency"}}
        body = {
            "id": opened.pk,
            "agency": opened.record.agency.code,
            "values": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()},
            "withheld": opened.hidden,
        }
        return Response(body)


class RecordExport(APIView):
    """CSV of the statistical fields of every record in your scope (audited `record.export`)."""

    policy_action = "record.export"

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="records.csv"'
        access.export_records(request.user, response, via="api")
        return response


class SubmissionList(generics.ListCreateAPIView[Any]):
    """Your agency's submissions; POST a file (multipart `file`) to validate and import it."""

    policy_action: ClassVar[dict[str, str]] = {
        "GET": "submission.view",
        "POST": "submission.create",
    }
    serializer_class = s.SubmissionSerializer
    parser_classes = (MultiPartParser,)

    def get_queryset(self) -> Any:
        return policy.visible_submissions(self.request.user).select_related("agency")

    @extend_schema(
        request=s.UploadSerializer,
        responses={201: s.SubmissionDetailSerializer, 422: s.SubmissionDetailSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = UploadForm(files=request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        account = policy.account_of(request.user)
        if account is None or account.agency is None:
            raise ValidationError({"agency": "Your account has no agency."})
        result = import_upload(form.cleaned_data["file"], account.agency.code, request.user)
        submission: Submission = getattr(result, "submission", result)
        ok = submission.status == "succeeded"
        return Response(
            s.SubmissionDetailSerializer(submission).data,
            status=status.HTTP_201_CREATED if ok else status.HTTP_422_UNPROCESSABLE_ENTITY,
        )


class SubmissionDetail(generics.RetrieveAPIView[Any]):
    """One submission with its validation report (issues name row, column and reason)."""

    policy_action = "submission.view"
    serializer_class = s.SubmissionDetailSerializer

    def get_queryset(self) -> Any:
        return policy.visible_submissions(self.request.user).select_related("agency")


class AgencyList(generics.ListAPIView[Any]):
    """The agencies that submit records."""

    policy_action = "agency.view"
    serializer_class = s.AgencySerializer

    def get_queryset(self) -> Any:
        from tiphub.web.registry.models import Agency

        return Agency.objects.order_by("code")


class Statistics(APIView):
    """Record counts by agency, year, sex, age group and form (minimum-cell rule applied)."""

    policy_action = "stats.view"

    @extend_schema(responses=s.StatisticsSerializer)
    def get(self, request: Request) -> Response:
        counts = record_counts(request.user)
        return Response(
            {
                "scope": counts["scope"],
                "min_cell": counts["min_cell"],
                "total": counts["total"].as_dict(),
                "breakdowns": {
                    key: [cell.as_dict() for cell in cells]
                    for key, cells in counts["breakdowns"].items()
                },
            }
        )


@extend_schema(parameters=[OpenApiParameter(name, str) for name in AUDIT_FILTERS])
class AuditEventList(generics.ListAPIView[Any]):
    """Audit events, newest first (data-protection officer); no case content."""

    policy_action = "audit.view"
    serializer_class = s.AuditEventSerializer

    def get_queryset(self) -> Any:
        params = {n: self.request.query_params.get(n, "").strip()[:64] for n in AUDIT_FILTERS}
        return filtered_events(params)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from tiphub.web.audit.services import record_event

        response = super().list(request, *args, **kwargs)
        record_event(request.user, "audit.read", details={"via": "api"})
        return response


class Me(APIView):
    """Who you are: role, agency, scope, field profile and permissions."""

    policy_action = "agency.view"

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        role = policy.role_of(request.user)
        account = policy.account_of(request.user)
        return Response(
            {
                "username": request.user.get_username(),
                "role": role.code if role else None,
                "agency": account.agency.code if account and account.agency else None,
                "scope": role.scope if role else None,
                "field_profile": role.field_profile if role else None,
                "permissions": sorted(role.permissions) if role else [],
            }
        )
