"""The audit log: append-only, hash-chained events (privacy-requirements A5).

Each event stores its position in the chain (`seq`), the hash of the event before it
(`prev_hash`) and its own hash: SHA-256 over the canonical JSON of all its fields and `prev_hash`
(see `tiphub.web.audit.chain`). Editing, deleting or inserting an event anywhere breaks the chain
at that point, which `tiphub audit verify` reports.

Events are never updated or deleted: the model and its queryset refuse it, and database triggers
(installed by migration 0002 on SQLite and PostgreSQL) refuse it for any SQL client too. Write
events only with `tiphub.web.audit.services.record_event`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AppendOnlyError("audit events are append-only: they cannot be changed or deleted")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """A queryset that cannot update or delete."""

    def update(self, **kwargs: Any) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        _refuse()


class AuditEvent(models.Model):
    """Who did what to which object, when, why, and with what outcome; never a data value."""

    seq = models.BigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField(max_length=150, blank=True, default="", editable=False)
    action = models.CharField(max_length=40, editable=False)
    object_type = models.CharField(max_length=60, blank=True, default="", editable=False)
    object_id = models.CharField(max_length=64, blank=True, default="", editable=False)
    agency = models.CharField(max_length=32, blank=True, default="", editable=False)
    outcome = models.CharField(max_length=16, default="ok", editable=False)
    fields = models.JSONField(default=list, blank=True, editable=False)
    purpose = models.CharField(max_length=200, blank=True, default="", editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("seq",)
        indexes = (
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
            models.Index(fields=["agency", "created_at"], name="audit_agency_time"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
        )

    def __str__(self) -> str:
        return f"audit {self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse()
