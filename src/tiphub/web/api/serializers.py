"""Serializers: what the API shows of each object (records masked by field profile elsewhere)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tiphub.web.accounts.access import LIST_FIELDS, SearchTerms
from tiphub.web.registry.models import Agency, Submission, VictimRecord


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ("id", "code", "name", "kind", "active")


class RecordSummarySerializer(serializers.ModelSerializer[VictimRecord]):
    """A row of the records list: ids and statistical fields, never an identifying one."""

    agency = serializers.CharField(source="agency.code", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:record-detail")

    class Meta:
        model = VictimRecord
        fields = ("id", "url", "agency", *LIST_FIELDS)


class RecordSearchSerializer(serializers.Serializer[dict[str, Any]]):
    """The body of `POST /api/v1/records/search/`: at least one term; all given must match."""

    name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Full name, exact."
    )
    family_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Family name, exact."
    )
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="Date of birth (YYYY-MM-DD)."
    )
    document_number = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Document number, exact."
    )
    record_id = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Agency record id."
    )
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=1_000_000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        terms = ("name", "family_name", "date_of_birth", "document_number", "record_id")
        if not any(attrs.get(name) for name in terms):
            raise serializers.ValidationError(
                "Give at least one of name, family_name, date_of_birth, document_number, record_id."
            )
        return attrs

    def terms(self) -> SearchTerms:
        data = self.validated_data
        return SearchTerms(
            record_id=(data.get("record_id") or "").strip(),
            name=(data.get("name") or "").strip(),
            family_name=(data.get("family_name") or "").strip(),
            date_of_birth=data.get("date_of_birth"),
            document_number=(data.get("document_number") or "").strip(),
        )


class RecordSearchResultSerializer(serializers.Serializer[dict[str, Any]]):
    """One page of a search: POST the same body with `page` = `next_page` for the next."""

    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next_page = serializers.IntegerField(allow_null=True)
    previous_page = serializers.IntegerField(allow_null=True)
    results = RecordSummarySerializer(many=True)


class RecordDetailSerializer(serializers.Serializer[dict[str, Any]]):
    """One record as the caller's field profile allows: absent fields are withheld, and named.

    Identifying fields (given_name, family_name, other_names, date_of_birth, phone, email,
    address, document_number, narrative) appear only for identifying profiles.
    """

    id = serializers.IntegerField()
    agency = serializers.CharField()
    values = serializers.DictField(
        child=serializers.JSONField(), help_text="The fields your role may see, by name."
    )
    withheld = serializers.ListField(
        child=serializers.CharField(), help_text="Fields your role may not see."
    )


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    agency = serializers.CharField(source="agency.code", read_only=True)

    class Meta:
        model = Submission
        fields: tuple[str, ...] = (
            "id",
            "agency",
            "file_name",
            "status",
            "created_at",
            "finished_at",
            "actor_label",
            "rows_total",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "error_count",
        )


class SubmissionDetailSerializer(SubmissionSerializer):
    report = serializers.JSONField(read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = (*SubmissionSerializer.Meta.fields, "report")


class UploadSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField(help_text="An intake file (CSV or XLSX) for your agency.")


class CellSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    display = serializers.CharField()


class StatisticsSerializer(serializers.Serializer[dict[str, Any]]):
    scope = serializers.CharField()
    min_cell = serializers.IntegerField(allow_null=True)
    total = CellSerializer()
    breakdowns = serializers.DictField(child=CellSerializer(many=True))


class AuditEventSerializer(serializers.Serializer[Any]):
    seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_label")
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    agency = serializers.CharField()
    outcome = serializers.CharField()
    revealed_fields = serializers.ListField(child=serializers.CharField(), source="fields")
    purpose = serializers.CharField()
    details = serializers.JSONField()
    hash = serializers.CharField()


class MeSerializer(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    agency = serializers.CharField(allow_null=True)
    scope = serializers.CharField(allow_null=True)
    field_profile = serializers.CharField(allow_null=True)
    permissions = serializers.ListField(child=serializers.CharField())
