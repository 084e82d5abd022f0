"""The registry: agencies, their victim records and the submissions that wrote them.

A `VictimRecord` keeps the statistical and operational fields of docs/contracts.md section 1 in
clear columns (indexed, so that statistics and dashboards query them directly) and the identifying
fields only as ciphertext: the L-ID fields (names, date of birth, contact, documents) together in
`identity_ct`, the L-SC fields (the narrative) in `sensitive_ct`, each bound to its row by the
associated data (see `tiphub.web.registry.protection`). Blind-index tokens (`bi_*`) allow exact
search by name, date of birth or document number without storing any of them.

Write and read records only through `tiphub.web.registry.services`: it validates, encrypts,
audits and keeps imports all-or-nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    """HTCDS 2.0 `org_Type` (organisation category), plus `Other`."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Corporate business")
    OTHER = "Other", _("Other")


agency_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
    _("An agency code is 1-32 letters, digits, '-' or '_', starting with a letter or digit."),
)


class Agency(models.Model):
    """An organisation that submits victim records (police, NGO shelter, labour inspectorate...).

    The code is the agency's short, stable name: it appears in file names, capture histories
    (one column per agency) and the CLI (`--agency CODE`).
    """

    code = models.CharField(max_length=32, unique=True, validators=[agency_code_validator])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.code


class SubmissionStatus(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("stored")
    REJECTED = "rejected", _("rejected (invalid file)")
    FAILED = "failed", _("failed (nothing stored)")


class Submission(models.Model):
    """One file an agency submitted, whatever became of it.

    `report` is the validation report with every identifying value removed (issues name file, row,
    column and reason). A rejected or failed submission stored nothing but is kept for the history.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="submissions")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=16, default="intake")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RUNNING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=["agency", "-created_at"], name="submission_agency_time"),)

    def __str__(self) -> str:
        return f"submission {self.pk} ({self.agency_id}, {self.status})"


class VictimRecord(models.Model):
    """One victim record as one agency knows it (the agency's `record_id` is unique per agency)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="records")
    record_id = models.CharField(max_length=100)
    case_id = models.CharField(max_length=100, blank=True, default="")
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="records", null=True, blank=True
    )

    # L-QI / L-OP: statistical and operational fields, in clear (contracts.md section 1).
    identification_date = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=32, blank=True, default="")
    citizenship = models.CharField(max_length=3, blank=True, default="")
    country_of_exploitation = models.CharField(max_length=3, blank=True, default="")
    region = models.CharField(max_length=64, blank=True, default="")
    document_type = models.CharField(max_length=32, blank=True, default="")
    trafficking_status = models.CharField(max_length=40, blank=True, default="")
    status_decision_org = models.CharField(max_length=40, blank=True, default="")
    exploitation_types = models.TextField(blank=True, default="")
    labour_sectors = models.TextField(blank=True, default="")
    sexual_exploitation_types = models.TextField(blank=True, default="")
    means_of_control = models.TextField(blank=True, default="")
    recruitment_methods = models.TextField(blank=True, default="")
    recruiter_relationship = models.CharField(max_length=32, blank=True, default="")
    exploitation_months = models.PositiveIntegerField(null=True, blank=True)

    # Derived statistical fields (computed by tiphub.standard).
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    is_child = models.BooleanField(null=True, blank=True)
    sex = models.CharField(max_length=2, blank=True, default="_U")
    age_group = models.CharField(max_length=8, blank=True, default="_U")
    age_band = models.CharField(max_length=8, blank=True, default="")
    form_sexual = models.BooleanField(default=False)
    form_labour = models.BooleanField(default=False)
    form_organ = models.BooleanField(default=False)
    form_other = models.BooleanField(default=False)

    # L-ID and L-SC: ciphertext only (AES-256-GCM, see tiphub.web.crypto.cipher).
    key_id = models.PositiveIntegerField(
        help_text="Key of the keyring that encrypted this row's ciphertexts and index tokens."
    )
    identity_ct = models.BinaryField(null=True, blank=True, editable=False)
    sensitive_ct = models.BinaryField(null=True, blank=True, editable=False)
    bi_full_name = models.CharField(max_length=32, blank=True, default="", editable=False)
    bi_family_name = models.CharField(max_length=32, blank=True, default="", editable=False)
    bi_date_of_birth = models.CharField(max_length=32, blank=True, default="", editable=False)
    bi_document = models.CharField(max_length=32, blank=True, default="", editable=False)
    fingerprint = models.CharField(
        max_length=64,
        editable=False,
        help_text="Keyed HMAC of the whole record (an unchanged re-import writes nothing).",
    )

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("agency_id", "record_id")
        constraints = (
            models.UniqueConstraint(
                fields=["agency", "record_id"], name="record_unique_per_agency"
            ),
        )
        indexes = (
            models.Index(fields=["agency", "year"], name="record_agency_year"),
            models.Index(fields=["year", "sex", "age_group"], name="record_year_sex_age"),
            models.Index(fields=["citizenship"], name="record_citizenship"),
            models.Index(fields=["country_of_exploitation"], name="record_country_expl"),
            models.Index(fields=["region"], name="record_region"),
            models.Index(fields=["trafficking_status"], name="record_status"),
            models.Index(fields=["key_id"], name="record_key"),
            models.Index(fields=["bi_full_name"], name="record_bi_full_name"),
            models.Index(fields=["bi_family_name"], name="record_bi_family_name"),
            models.Index(fields=["bi_date_of_birth"], name="record_bi_dob"),
            models.Index(fields=["bi_document"], name="record_bi_document"),
        )

    def __str__(self) -> str:
        # Never an identifying value: the internal id and the agency's own record id.
        return f"record {self.pk} ({self.agency_id}:{self.record_id})"


class KeyCheck(models.Model):
    """A public check value of each field-encryption key this database has used.

    Lets tiphub notice a wrong `TIPHUB_KEY_FILE` (another installation's key, a freshly generated
    one after the real file was lost) before it writes or reads anything with it.
    """

    key_id = models.PositiveIntegerField(unique=True)
    check_value = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key {self.key_id}"
