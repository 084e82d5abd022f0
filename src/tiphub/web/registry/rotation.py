"""Key rotation: re-encrypt victim records under the active key, a batch per transaction.

Registered with `tiphub.web.registry.keys` in the app's `ready()`, so `tiphub keys rotate` finds
it. Each batch decrypts rows stored under an older key, seals them again (new ciphertexts, index
tokens and fingerprint) and writes them in one transaction: an interrupted rotation leaves every
row readable (old rows under the old key, which stays in the ring) and `tiphub keys reencrypt`
finishes the job.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from tiphub.web.registry import intake, keys, protection
from tiphub.web.registry.models import VictimRecord


def stale(active_key_id: int) -> int:
    return VictimRecord.objects.exclude(key_id=active_key_id).count()


def key_ids_in_use() -> set[int]:
    return set(
        VictimRecord.objects.values("key_id")
        .annotate(n=Count("pk"))
        .values_list("key_id", flat=True)
    )


def reencrypt_batch(active_key_id: int, limit: int) -> int:
    """Re-encrypt up to `limit` rows not under `active_key_id`; returns how many were done."""
    ring = keys.keyring()
    if ring.active_id != active_key_id:
        raise RuntimeError("the key file changed during re-encryption; run it again")
    cipher = keys.field_cipher()
    indexer = keys.blind_indexer()
    with transaction.atomic():
        rows = list(
            VictimRecord.objects.select_for_update()
            .exclude(key_id=active_key_id)
            .order_by("pk")
            .only(
                "pk", "agency_id", "record_id", *intake.CLEAR_COLUMNS, *protection.SEALED_COLUMNS
            )[:limit]
        )
        if not rows:
            return 0
        items = []
        for row in rows:
            identity, sensitive = protection.open_identity(
                cipher,
                agency_pk=row.agency_id,
                record_id=row.record_id,
                identity_ct=row.identity_ct,
                sensitive_ct=row.sensitive_ct,
            )
            items.append((row.agency_id, row.record_id, {**identity, **sensitive}))
        sealed = protection.seal_many(cipher, indexer, items)
        for row, seal, (_, _, identifying) in zip(rows, sealed, items, strict=True):
            clear = {name: getattr(row, name) for name in intake.CLEAR_COLUMNS}
            row.key_id = seal.key_id
            row.identity_ct = seal.identity_ct
            row.sensitive_ct = seal.sensitive_ct
            row.bi_full_name = seal.bi_full_name
            row.bi_family_name = seal.bi_family_name
            row.bi_date_of_birth = seal.bi_date_of_birth
            row.bi_document = seal.bi_document
            row.fingerprint = protection.fingerprint(ring, seal.key_id, clear, identifying)
        VictimRecord.objects.bulk_update(rows, protection.SEALED_COLUMNS, batch_size=250)
    return len(rows)


REENCRYPTOR = keys.Reencryptor(
    name="registry.victimrecord",
    stale=stale,
    run=reencrypt_batch,
    key_ids_in_use=key_ids_in_use,
)
