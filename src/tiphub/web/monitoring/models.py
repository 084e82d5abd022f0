"""What the indicator pages store: the statistician's inputs and the computed releases.

- `PopulationTable`: a population table (year, sex, age_group, population) for the per-100,000
  rates; the newest one is used.
- `EstimateSet`: the output of `tiphub estimate --json` (until the estimation pages store
  estimates themselves); the newest active one is used.
- `Release`: one run of the publication pipeline (`tiphub.exchange.publication.build`) over the
  registry, after disclosure control. It holds only protected figures (the true counts never
  leave `build()`), so pages and downloads read it freely; every page and download shows the
  latest release until the statistician computes the next one. Publishing is a deliberate act:
  a release is audited once over all its tables, and fewer releases leave less to compare.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    """An input file the statistician (or `tiphub indicators inputs`) provided, checked."""

    file_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        abstract = True
        ordering = ("-uploaded_at", "-pk")


class PopulationTable(Upload):
    """Resident population by year, sex and age group (`rows`: list of objects)."""

    rows = models.JSONField(default=list)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()

    class Meta(Upload.Meta):
        verbose_name = _("population table")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.first_year}-{self.last_year})"


class EstimateSet(Upload):
    """Multiple-systems estimates as `tiphub estimate --json` prints them (`estimates`)."""

    estimates = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta(Upload.Meta):
        verbose_name = _("estimate")

    def __str__(self) -> str:
        return self.file_name


class Release(models.Model):
    """One computed, disclosure-controlled set of indicator values (see the module docs)."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")
    reference_year = models.PositiveSmallIntegerField()
    years = models.JSONField(default=list)
    min_cell = models.PositiveSmallIntegerField()
    registry_version = models.CharField(max_length=40)
    records = models.PositiveIntegerField(help_text=_("Rows of the statistical frame used."))
    data_fingerprint = models.CharField(max_length=200)
    unduplicated = models.BooleanField(default=False)
    population = models.ForeignKey(
        PopulationTable, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    estimate_set = models.ForeignKey(
        EstimateSet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The release itself (protected figures only), enough to rebuild its `Publication`:
    cells = models.JSONField(default=list)
    values = models.JSONField(default=list)
    report = models.JSONField(default=dict)
    estimates = models.JSONField(default=list)
    population_rows = models.JSONField(default=list)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("indicator release")

    def __str__(self) -> str:
        return f"release {self.pk} ({self.reference_year}, T={self.min_cell})"
