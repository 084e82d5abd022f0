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
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from tiphub.web.accounts import access, policy
from tiphub.web.api import serializers as s
from tiphub.web.api.parsers import MultiPartParser
from tiphub.web.pages.statistics import record_counts
from tiphub.web.pages.views.audit_log import FILTERS as AUDIT_FILTERS
from tiphub.web.pages.views.audit_log import filtered_events
from tiphub.web.pages.views.submissions import UploadForm, import_upload
from tiphub.web.registry.models import Submission

_FILTER_PARAMS = [
    OpenApiParameter("record_id", str, description="The agency's own record id (exact)."),
    OpenApiParameter("year", int, description="Year of identification."),
    OpenApiParameter("agency", str, description="Agency code (within your scope)."),
]
_NO_IDENTITY_IN_ADDRESS = (
    "Identity terms (name, family_name, date_of_birth, document_number, ...) are refused in the "
    "query string with a 400: POST them to /api/v1/records/search/."
)


def _filters(request: Request) -> access.SearchTerms:
    """The non-identifying filters of the records list (identity terms never get this far:
    `tiphub.web.request_checks` refuses them in any query string)."""
    params = request.query_params
    year = None
    if raw := params.get("year", "").strip():
        if not raw.isdigit() or not 1900 <= int(raw) <= 2100:
            raise ValidationError({"year": "A year between 1900 and 2100."})
        year = int(raw)
    return access.SearchTerms(
        record_id=params.get("record_id", "").strip()[:100],
        year=year,
        agency=params.get("agency", "").strip()[:32],
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


@extend_schema(parameters=_FILTER_PARAMS, description=_NO_IDENTITY_IN_ADDRESS)
class RecordList(generics.ListAPIView[Any]):
    """Victim records in your scope, by agency and agency record id; no identifying field."""

    policy_action = "record.list"
    serializer_class = s.RecordSummarySerializer
    pagination_class = RecordPagination

    def get_queryset(self) -> Any:
        page = self.request.query_params.get("page", "1")
        return access.search_records(
            self.request.user,
            _filters(self.request),
            via="api",
            page=int(page) if page.isdigit() else None,
        )


class RecordSearch(APIView):
    """Search records by identifiers (exact, through the keyed blind index), in the body.

    Names, dates of birth and document numbers travel only in the body of this POST, never in
    an address. The answer is one page of the list's rows (no identifying field); ask for
    another with `page`. Audited as `record.search` with the kinds of term used, never the terms.
    """

    policy_action = "record.list"

    @extend_schema(request=s.RecordSearchSerializer, responses=s.RecordSearchResultSerializer)
    def post(self, request: Request) -> Response:
        form = s.RecordSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        terms = form.terms()
        if terms.identifying:
            policy.require(request.user, "record.search", purpose="api")
        number = form.validated_data["page"]
        records = access.search_records(request.user, terms, via="api", page=number)
        size = api_settings.PAGE_SIZE or 50
        try:
            page = access.page_of_records(records, number, size, strict=True)
        except InvalidPage as exc:
            raise NotFound(f"Invalid page: {exc}") from None
        rows = s.RecordSummarySerializer(
            list(page.object_list), many=True, context={"request": request}
        )
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "num_pages": page.paginator.num_pages,
                "next_page": page.next_page_number() if page.has_next() else None,
                "previous_page": page.previous_page_number() if page.has_previous() else None,
                "results": rows.data,
            }
        )


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

    def _params(self) -> dict[str, str]:
        return {n: self.request.query_params.get(n, "").strip()[:64] for n in AUDIT_FILTERS}

    def get_queryset(self) -> Any:
        return filtered_events(self._params())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The events; reading them is itself audited (`audit.read`, A5.3), with the filters
        used (names only) and the page, as the page does."""
        from tiphub.web.audit.services import record_event

        response = super().list(request, *args, **kwargs)
        shown = getattr(self.paginator, "page", None)
        page = shown.number if shown is not None else 1
        used = sorted(name for name, value in self._params().items() if value)
        record_event(
            request.user, "audit.read", details={"via": "api", "filters": used, "page": page}
        )
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
