"""Key rotation for casework ciphertexts (registered with `tiphub.web.registry.keys`).

`tiphub keys rotate` / `reencrypt` call this next to the registry's re-encryptor, so a rotation
re-seals every casework ciphertext (identities, narratives, decision reasons, guardians, BIA/BID
texts, sought relatives) under the new key, a batch per transaction; a row is readable under its
old key until then, and the old key is retired only when no casework row uses it any more.
Rows are written through the base manager: re-sealing the reasons of an append-only transition
changes its ciphertext, never its content.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q

from tiphub.web.casework import models as m
from tiphub.web.casework.sealing import seal, unseal
from tiphub.web.registry import keys

SEALED: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (m.Case, ("identity", "sensitive")),
    (m.TrackTransition, ("reasons",)),
    (m.GuardianAppointment, ("guardian",)),
    (m.BestInterests, ("text",)),
    (m.TracingRequest, ("sought", "assessment")),
    (m.TracingMessage, ("body",)),
)


def _sealed(model: type[models.Model], columns: tuple[str, ...]) -> models.QuerySet[models.Model]:
    has_ciphertext = Q()
    for column in columns:
        has_ciphertext |= Q(**{f"{column}_ct__isnull": False})
    return model._base_manager.filter(has_ciphertext)


def stale(active_key_id: int) -> int:
    return sum(_sealed(model, cols).exclude(key_id=active_key_id).count() for model, cols in SEALED)


def key_ids_in_use() -> set[int]:
    used: set[int] = set()
    for model, columns in SEALED:
        used |= set(_sealed(model, columns).values_list("key_id", flat=True).distinct())
    return used


def reencrypt_batch(active_key_id: int, limit: int) -> int:
    """Re-seal up to `limit` rows not under `active_key_id`; returns how many were done."""
    if keys.keyring().active_id != active_key_id:
        raise RuntimeError("the key file changed during re-encryption; run it again")
    done = 0
    with transaction.atomic():
        for model, columns in SEALED:
            rows = list(
                _sealed(model, columns)
                .select_for_update()
                .exclude(key_id=active_key_id)
                .order_by("pk")[: limit - done]
            )
            for row in rows:
                values = {}
                for column in columns:
                    if getattr(row, f"{column}_ct") is None:
                        continue
                    seal(row, column, unseal(row, column))
                    values[f"{column}_ct"] = getattr(row, f"{column}_ct")
                model._base_manager.filter(pk=row.pk).update(key_id=active_key_id, **values)
            done += len(rows)
            if done >= limit:
                break
    return done


REENCRYPTOR = keys.Reencryptor(
    name="casework",
    stale=stale,
    run=reencrypt_batch,
    key_ids_in_use=key_ids_in_use,
)
