"""Casework records (casework-workflow.md section 1).

A `Case` carries the current state of each track; `TrackTransition` rows are the append-only
history those states are a projection of (every transition, and for legal decisions the standard
applied, reasons, evidence and notification). Identifying values (names, contact, narrative,
free-text reasons, sought relatives) are stored only as AES-GCM ciphertext (`*_ct` columns,
through `tiphub.web.casework.sealing`); statistical fields stay in clear for the registry's
indicators. Write only through `tiphub.web.casework.services`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class AppendOnlyError(Exception):
    """A decision or transition record cannot be changed or deleted once written."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("transition records are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("transition records are append-only")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    RESTRICTED = "restricted", _("restricted")


class Case(models.Model):
    """One person's NRM case: tracks, owner, statistical profile and sealed identity."""

    reference = models.CharField(max_length=32, unique=True)
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, related_name="cases", help_text=_("Owner")
    )
    owner = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_cases"
    )
    sensitivity = models.CharField(
        max_length=12, choices=Sensitivity.choices, default=Sensitivity.HIGH
    )

    identification_state = models.CharField(max_length=32, default="contact")
    support_state = models.CharField(max_length=32, default="open")
    child_state = models.CharField(max_length=32, default="not_applicable")
    immigration_state = models.CharField(max_length=32, default="not_applicable")
    return_state = models.CharField(max_length=32, default="not_considered")

    # L-QI / L-OP: the statistical profile (feeds the registry; never an identity).
    first_contact_date = models.DateField()
    region = models.CharField(max_length=64, blank=True, default="")
    gender = models.CharField(max_length=32, blank=True, default="")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    presumed_child = models.BooleanField(default=False)
    unaccompanied = models.BooleanField(default=False)
    citizenship = models.CharField(max_length=3, blank=True, default="")
    country_of_exploitation = models.CharField(max_length=3, blank=True, default="")
    exploitation_types = models.TextField(blank=True, default="")
    labour_sectors = models.TextField(blank=True, default="")
    languages = models.CharField(max_length=100, blank=True, default="")
    interpreter_needed = models.BooleanField(default=False)
    screening_indicators = models.JSONField(default=list, blank=True)
    urgent_needs = models.JSONField(default=list, blank=True)

    person_requests_return = models.BooleanField(default=False)
    follow_up_consent_recorded = models.BooleanField(default=False)
    at_risk = models.BooleanField(default=False)
    plan_assessed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closure_reason = models.CharField(max_length=64, blank=True, default="")

    # L-ID (names, date of birth, contact) and L-SC (narrative): ciphertext only.
    key_id = models.PositiveIntegerField(default=0)
    identity_ct = models.BinaryField(null=True, blank=True, editable=False)
    sensitive_ct = models.BinaryField(null=True, blank=True, editable=False)

    registry_record = models.OneToOneField(
        "registry.VictimRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nrm_case",
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(fields=["agency", "identification_state"], name="case_agency_ident"),
            models.Index(fields=["owner"], name="case_owner"),
        )

    def __str__(self) -> str:
        return self.reference  # never an identifying value

    @property
    def is_child(self) -> bool:
        return self.presumed_child or (self.age is not None and self.age < 18)

    def state(self, track: str) -> str:
        return str(getattr(self, f"{track}_state"))


class TrackTransition(models.Model):
    """One transition of one track (append-only): who, when, from, to, and for decisions why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    track = models.CharField(max_length=20)
    transition = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True, default="")  # referral/tracing id
    from_state = models.CharField(max_length=32)
    to_state = models.CharField(max_length=32)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    actor_agency = models.CharField(max_length=32, blank=True, default="")
    actor_roles = models.JSONField(default=list)
    at = models.DateTimeField()
    person_requested = models.BooleanField(default=False)
    consent_override = models.BooleanField(default=False)
    # legal decisions (RG, CG, reconsideration, BID): typed fields
    decision_kind = models.CharField(max_length=20, blank=True, default="")
    outcome = models.CharField(max_length=20, blank=True, default="")
    standard_applied = models.CharField(max_length=300, blank=True, default="")
    authority = models.CharField(max_length=200, blank=True, default="")
    evidence = models.JSONField(default=list, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_via = models.CharField(max_length=40, blank=True, default="")
    effects = models.JSONField(default=list, blank=True)
    key_id = models.PositiveIntegerField(default=0)
    reasons_ct = models.BinaryField(null=True, blank=True, editable=False)  # free text: L-SC

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.case_id} {self.track}.{self.transition}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("transition records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("transition records are append-only")


class Consent(models.Model):
    """Consent per purpose (first-class, checked on every disclosure; spec section 1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=64)
    given_by = models.CharField(max_length=12, default="person")  # person | guardian
    refused = models.BooleanField(default=False)
    method = models.CharField(max_length=12, default="written")  # oral | written
    interpreter_used = models.BooleanField(default=False)
    childs_views_recorded = models.BooleanField(default=False)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"consent {self.pk} {self.scope}"


class Referral(models.Model):
    """A referral (shared scoped view) or transfer (ownership change) to another agency."""

    KINDS = (("referral", _("referral")), ("transfer", _("transfer")))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=10, choices=KINDS, default="referral")
    from_agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=40)
    view_profile = models.CharField(max_length=40)
    status = models.CharField(max_length=12, default="draft")
    consent_override = models.BooleanField(default=False)
    sent_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=["to_agency", "status"], name="referral_inbox"),)

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class Assignment(models.Model):
    """Direct assignment within the owner agency (Primero's 'assign'): no accept step."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"assignment {self.pk}"


class Service(models.Model):
    """A service offered or given (accommodation, medical, MHPSS, legal, interpretation...)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(max_length=40)
    provider = models.ForeignKey(
        "registry.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, default="requested")

    def __str__(self) -> str:
        return f"service {self.pk} {self.service_type}"


class RecoveryPeriod(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recovery_periods")
    start = models.DateTimeField()
    min_end = models.DateTimeField()
    extended_to = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=200, blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"recovery period {self.pk}"


class GuardianAppointment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guardians")
    requested_at = models.DateTimeField()
    appointed_at = models.DateTimeField(null=True, blank=True)
    authority = models.CharField(max_length=200, blank=True, default="")
    is_organisation = models.BooleanField(default=False)
    named_person = models.BooleanField(default=False)
    conflict_checked = models.BooleanField(default=False)
    conflict_found = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=64, blank=True, default="")
    key_id = models.PositiveIntegerField(default=0)
    guardian_ct = models.BinaryField(null=True, blank=True, editable=False)  # name(s): L-ID

    def __str__(self) -> str:
        return f"guardian appointment {self.pk}"


class BestInterests(models.Model):
    """A BIA (caseworker) or BID (panel: members, quorum, dissent, review date)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests")
    kind = models.CharField(max_length=3)  # BIA | BID
    form_variant = models.CharField(max_length=16, default="short")
    childs_views_recorded = models.BooleanField(default=False)
    options_considered = models.JSONField(default=list, blank=True)
    solutions_in_best_interests = models.JSONField(default=list, blank=True)
    panel_members = models.JSONField(default=list, blank=True)  # user ids and roles only
    guardian_consulted = models.BooleanField(default=False)
    confidentiality_undertakings = models.BooleanField(default=False)
    review_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField()
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    key_id = models.PositiveIntegerField(default=0)
    # child's views summary, recommendation, reasons, dissent: L-SC free text
    text_ct = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("decided_at", "pk")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class TracingRequest(models.Model):
    """A family tracing request: who is sought (sealed), the safety check, the search's
    candidates (ids, scores, likelihood, which fields agreed; never an identity), the proposed
    match, its verification by a second user, and the reunification assessment."""

    VERIFICATION_METHODS = (
        ("documents", _("documents")),
        ("interview", _("interviews of both sides")),
        ("documents_and_interview", _("documents and interviews")),
        ("other", _("other")),
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tracing_requests")
    state = models.CharField(max_length=32, default="open")
    cross_border = models.BooleanField(default=False)
    counterpart_country = models.CharField(max_length=3, blank=True, default="")
    counterpart_agency = models.CharField(max_length=200, blank=True, default="")
    data_sharing_agreement = models.CharField(max_length=64, blank=True, default="")
    family_contact_safe = models.BooleanField(null=True, blank=True)
    risk_checked_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    risk_checked_at = models.DateTimeField(null=True, blank=True)
    match_proposed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # [{"key": "case:12", "agency": "POL", "score": 0.97, "likelihood": "likely", "fields": [..]}]
    matches = models.JSONField(default=list, blank=True)
    searched_at = models.DateTimeField(null=True, blank=True)
    searched_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_match = models.JSONField(default=dict, blank=True)  # one entry of `matches`
    verified_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(
        max_length=32, choices=VERIFICATION_METHODS, blank=True, default=""
    )
    reunification_assessed = models.BooleanField(default=False)
    both_sides_willing = models.BooleanField(null=True, blank=True)
    reunification_safe = models.BooleanField(null=True, blank=True)
    childs_views_recorded = models.BooleanField(default=False)
    assessed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    key_id = models.PositiveIntegerField(default=0)
    sought_ct = models.BinaryField(null=True, blank=True, editable=False)  # sought persons: L-ID
    # the reunification assessment's summary and the child's views: L-SC free text
    assessment_ct = models.BinaryField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"tracing request {self.pk}"

    @property
    def reunification_recommended(self) -> bool:
        return bool(self.reunification_assessed and self.both_sides_willing
                    and self.reunification_safe)  # fmt: skip


class TracingMessage(models.Model):
    """A structured cross-border tracing message (outgoing to, or incoming from, a counterpart
    agency abroad under a data-sharing agreement). The persons it carries are sealed."""

    DIRECTIONS = (("outgoing", _("outgoing")), ("incoming", _("incoming")))
    KINDS = (("request", _("tracing request")), ("response", _("response")))
    tracing = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=DIRECTIONS)
    kind = models.CharField(max_length=8, choices=KINDS, default="request")
    message_id = models.CharField(max_length=64, unique=True)
    in_reply_to = models.CharField(max_length=64, blank=True, default="")
    counterpart_country = models.CharField(max_length=3)
    counterpart_agency = models.CharField(max_length=200)
    data_sharing_agreement = models.CharField(max_length=64)
    persons = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    key_id = models.PositiveIntegerField(default=0)
    body_ct = models.BinaryField(null=True, blank=True, editable=False)  # the message: L-ID

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"tracing message {self.pk} ({self.direction})"


class ResidencePermit(models.Model):
    TYPES = (
        ("recovery_period", _("recovery period")),
        ("personal_situation", _("personal situation")),
        ("cooperation", _("cooperation with proceedings")),
        ("asylum", _("asylum")),
        ("other", _("other")),
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="permits")
    permit_type = models.CharField(max_length=24, choices=TYPES)
    status = models.CharField(max_length=12, default="applied")
    applied_at = models.DateTimeField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(default=0)
    issuing_authority = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"permit {self.pk}"


class ReturnRiskAssessment(models.Model):
    RESULTS = (("safe", _("safe")), ("conditional", _("conditional")), ("unsafe", _("unsafe")))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    destination = models.CharField(max_length=3)
    risks = models.JSONField(default=dict)  # {"re_trafficking": "low", "refoulement": "none"}
    result = models.CharField(max_length=12, choices=RESULTS)
    mitigation = models.CharField(max_length=300, blank=True, default="")
    assessor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    assessed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    receiving_agency_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ("assessed_at", "pk")

    def __str__(self) -> str:
        return f"risk assessment {self.pk}"


class ReturnPlan(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="return_plan")
    voluntary = models.BooleanField(default=False)
    planned_date = models.DateField(null=True, blank=True)
    escort = models.BooleanField(default=False)
    receiving_agency = models.CharField(max_length=200, blank=True, default="")
    receiving_agency_confirmed = models.BooleanField(default=False)
    reintegration_plan = models.BooleanField(default=False)
    cross_border_consent = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"return plan {self.pk}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    number = models.PositiveSmallIntegerField()
    scheduled_for = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=16, blank=True, default="")
    wellbeing = models.PositiveSmallIntegerField(null=True, blank=True)
    re_trafficking_indicator = models.BooleanField(default=False)
    needs = models.CharField(max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("scheduled_for", "pk")

    def __str__(self) -> str:
        return f"follow-up {self.pk}"


class Task(models.Model):
    """A deadline task or alert computed by the workflow's deadline engine (rule T1..T16)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    rule_id = models.CharField(max_length=8)
    key = models.CharField(max_length=64, blank=True, default="")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12)
    severity = models.CharField(max_length=8)
    roles = models.JSONField(default=list)
    basis = models.CharField(max_length=300, blank=True, default="")
    open = models.BooleanField(default=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("due_at", "pk")
        constraints = (
            models.UniqueConstraint(fields=["case", "rule_id", "key"], name="task_unique_rule"),
        )
        indexes = (models.Index(fields=["open", "due_at"], name="task_open_due"),)

    def __str__(self) -> str:
        return f"task {self.rule_id} case {self.case_id}"

    @property
    def is_alert(self) -> bool:
        return self.status in {"due_soon", "warning", "overdue"}


class Alert(models.Model):
    """An event-driven alert (re-trafficking at follow-up, blocked return attempt)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    message = models.CharField(max_length=500)  # rule text, never an identity
    severity = models.CharField(max_length=8, default="urgent")
    roles = models.JSONField(default=list)
    created_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"alert {self.pk}"
