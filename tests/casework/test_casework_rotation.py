"""`tiphub keys rotate` re-seals casework ciphertexts too (identities, decision reasons...)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from casework_support import CANARY_GIVEN, CANARY_NARRATIVE, LABOUR_PROFILE, SCREENED

from tiphub.web.casework import access, rotation, services
from tiphub.web.casework.sealing import unseal
from tiphub.web.crypto import create_keyring
from tiphub.web.registry import keys
from tiphub.workflow import FrozenClock


@pytest.fixture
def own_key_file(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A key file of this test's own, so rotating it touches no other test."""
    path = tmp_path / "field.key"
    create_keyring(path)
    settings.FIELD_KEY_FILE = str(path)
    keys.forget()
    yield path
    keys.forget()


def test_rotation_reseals_every_casework_ciphertext(
    own_key_file: Path, clock: FrozenClock, people: dict[str, Any]
) -> None:
    case = services.open_case(
        people["police"], profile_fields=dict(LABOUR_PROFILE),
        identity={"given_name": CANARY_GIVEN}, narrative=CANARY_NARRATIVE, screening=SCREENED,
    )  # fmt: skip
    caseworker_reason = "needs assessed with interpreter"
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account

    worker = get_user_model().objects.create_user(username="pol-cw", password="x" * 20)
    Account.objects.create(user=worker, role="caseworker", agency=case.agency)
    services.apply_transition(worker, case, "support", "assess_needs", reason=caseworker_reason)
    assert rotation.key_ids_in_use() == {1}

    keys.keyring().rotated().save()
    keys.forget()
    active = keys.keyring().active_id
    assert active == 2
    assert rotation.stale(active) == 2  # the case and the transition with reasons
    assert rotation.reencrypt_batch(active, 1) == 1  # batches respect the limit
    assert rotation.reencrypt_batch(active, 100) == 1
    assert rotation.reencrypt_batch(active, 100) == 0
    assert rotation.key_ids_in_use() == {2}

    view = access.open_case(people["police"], case.pk)
    assert (view.identity["given_name"], view.narrative) == (CANARY_GIVEN, CANARY_NARRATIVE)
    row = case.transitions.get(transition="assess_needs")
    assert row.key_id == 2
    assert unseal(row, "reasons") == {"reasons": caseworker_reason}
    assert rotation.REENCRYPTOR in keys.reencryptors()
