"""What a screening import keeps: which screening made which presumed-victim record.

No identifying data: the indicator ids, the facts (true / false / unknown), the verdicts and the
versions of the catalogue and policy that produced them, so that every presumed-victim record
created from a field form can be explained later.
"""

from django.db import models


class ScreeningOutcome(models.Model):
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, related_name="screenings"
    )
    record = models.ForeignKey(
        "registry.VictimRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenings",
    )
    submission = models.ForeignKey(
        "registry.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenings",
    )
    instance_id = models.CharField(max_length=100)
    set_key = models.CharField(max_length=32, blank=True, default="")
    indicators = models.JSONField(default=list, blank=True)
    unknown = models.JSONField(default=list, blank=True)
    context = models.JSONField(default=dict, blank=True)
    verdicts = models.JSONField(default=dict, blank=True)
    criteria_met = models.JSONField(default=list, blank=True)
    manual_review = models.BooleanField(default=False)
    policy = models.CharField(max_length=64)
    catalogue_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("agency", "instance_id"), name="screening_instance_once"
            ),
        )
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"screening {self.instance_id} ({self.agency_id})"
