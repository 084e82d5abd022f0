"""What the linkage and estimation pages store.

Linkage (agency encodings -> persons):
- `LinkageRound`: one collection of the agencies' encodings (e.g. "2024 annual"), opened by the
  national statistician; the agencies' data officers upload into it.
- `EncodingFile`: one agency's encoded Parquet file (from `tiphub encode`) in a round: keyed
  Bloom filters and statistical fields only, never a name. A new upload replaces the agency's
  previous one in the same round.
- `LinkageConsent`: whether an agency consents to plaintext linkage of its registry records
  (identities decrypted on the server for the link, never shown to anyone).
- `LinkageRun`: one run of `tiphub.linkage.link` (the service that `tiphub link` calls too):
  parameters, counts, diagnostics pictures and the capture histories of the persons found.
- `PersonLink`: the record -> person map of a run (`person_id` per agency record), which makes
  `registry.services.statistical_frame()` count persons rather than records.

Estimation (capture histories -> the hidden figure):
- `EstimateRun`: one multiple systems estimate (`tiphub.estimation.run.estimate`, shared with
  `tiphub estimate`): its parameters, the `--json` object, the summary, the sensitivity plot,
  who ran it and when, and the fingerprint of the data it was made from.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def author_fields(actor: Any, user_field: str = "created_by") -> dict[str, Any]:
    """The user field and `actor_label` for a user, or a label (`cli:alice`) / None (system)."""
    if isinstance(actor, str) or actor is None:
        return {user_field: None, "actor_label": actor or "system"}
    return {user_field: actor, "actor_label": actor.get_username()}


class Authored(models.Model):
    """Who made it (a user, or a command-line label such as `cli:alice`) and when."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        abstract = True
        ordering = ("-created_at", "-pk")

    @property
    def author(self) -> str:
        return self.created_by.get_username() if self.created_by else self.actor_label


# --- linkage ------------------------------------------------------------------------------------


class LinkageRound(Authored):
    """A collection of the agencies' encodings for one linkage (see the module docs)."""

    name = models.CharField(max_length=120)
    closed_at = models.DateTimeField(null=True, blank=True)
    key_fingerprint = models.CharField(
        max_length=64, blank=True, default="", help_text=_("Fingerprint of the agencies' key.")
    )

    class Meta(Authored.Meta):
        verbose_name = _("linkage round")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class EncodingFile(models.Model):
    """One agency's encoded file in a round (Parquet bytes as uploaded)."""

    round = models.ForeignKey(LinkageRound, on_delete=models.CASCADE, related_name="files")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    records = models.PositiveIntegerField()
    key_fingerprint = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ("agency__code",)
        constraints = (
            models.UniqueConstraint(fields=("round", "agency"), name="one_encoding_per_agency"),
        )
        verbose_name = _("encoding file")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.file_name}"


class LinkageConsent(models.Model):
    """An agency's consent to have its registry records linked on identities (plaintext)."""

    agency = models.OneToOneField(
        "registry.Agency", on_delete=models.CASCADE, related_name="linkage_consent"
    )
    plaintext = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        verbose_name = _("linkage consent")

    def __str__(self) -> str:
        return f"{self.agency_id}: {'plaintext' if self.plaintext else 'encodings only'}"


class LinkageMode(models.TextChoices):
    ENCODED = "encoded", _("encoded (keyed Bloom filters)")
    PLAINTEXT = "plaintext", _("plaintext (identities, consenting agencies)")


class LinkageRun(Authored):
    """One linkage: its parameters, what it found, and how to judge it."""

    round = models.ForeignKey(
        LinkageRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    mode = models.CharField(max_length=16, choices=LinkageMode.choices)
    threshold = models.FloatField()
    engine = models.CharField(max_length=16, default="duckdb")
    parameters = models.JSONField(default=dict)
    data_fingerprint = models.CharField(max_length=64)
    records = models.PositiveIntegerField()
    persons = models.PositiveIntegerField()
    candidate_pairs = models.PositiveBigIntegerField()
    agencies = models.JSONField(default=dict, help_text=_("agency code -> records linked"))
    cluster_sizes = models.JSONField(default=dict, help_text=_("records per person -> persons"))
    timings = models.JSONField(default=dict)
    model = models.JSONField(default=dict, help_text=_("The trained Splink model."))
    strata = models.JSONField(default=list, help_text=_("Stratum columns of the histories."))
    histories = models.JSONField(default=list, help_text=_("Capture-history rows with strata."))
    weights_png = models.BinaryField(default=b"")
    sizes_png = models.BinaryField(default=b"")

    class Meta(Authored.Meta):
        verbose_name = _("linkage run")

    def __str__(self) -> str:
        return f"linkage run {self.pk} ({self.records} records -> {self.persons} persons)"

    @property
    def lists(self) -> list[str]:
        return sorted(self.agencies)


class PersonLink(models.Model):
    """One agency record's person in a run (`registry_record` when the registry holds it)."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="links")
    agency = models.CharField(max_length=32)
    record_id = models.CharField(max_length=200)
    registry_record = models.ForeignKey(
        "registry.VictimRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person_id = models.CharField(max_length=32)

    class Meta:
        indexes = (models.Index(fields=("run", "registry_record"), name="personlink_run_record"),)
        constraints = (
            models.UniqueConstraint(
                fields=("run", "agency", "record_id"), name="one_person_per_record"
            ),
        )

    def __str__(self) -> str:
        return f"{self.agency}/{self.record_id} -> {self.person_id}"


# --- estimation ---------------------------------------------------------------------------------


class EstimateSource(models.TextChoices):
    UPLOAD = "upload", _("uploaded capture histories")
    LINKAGE = "linkage", _("capture histories of a linkage run")


class EstimateRun(Authored):
    """One multiple systems estimate (see the module docs). `result` is the `--json` object."""

    source = models.CharField(max_length=16, choices=EstimateSource.choices)
    file_name = models.CharField(max_length=200)
    linkage_run = models.ForeignKey(
        LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="estimates"
    )
    data_fingerprint = models.CharField(max_length=64, help_text=_("sha256 of the histories."))
    parameters = models.JSONField(default=dict)
    population_file = models.CharField(max_length=200, blank=True, default="")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The year the estimate is for (indicators).")
    )
    observed = models.PositiveIntegerField()
    total = models.FloatField()
    ci_low = models.FloatField()
    ci_high = models.FloatField(null=True, blank=True, help_text=_("Null: beyond the search."))
    ci_level = models.FloatField()
    ci_method = models.CharField(max_length=16)
    model_terms = models.CharField(max_length=500)
    result = models.JSONField(default=dict)
    summary = models.TextField()
    sensitivity_svg = models.TextField(blank=True, default="")
    estimate_set = models.ForeignKey(
        "monitoring.EstimateSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The indicator input made from this estimate, when used for indicators."),
    )

    class Meta(Authored.Meta):
        verbose_name = _("estimate")

    def __str__(self) -> str:
        return f"estimate {self.pk}: {self.total:,.0f}"

    @property
    def by(self) -> list[str]:
        by: Any = self.parameters.get("by") or []
        return [str(b) for b in by]
