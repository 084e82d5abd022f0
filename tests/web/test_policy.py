"""The policy module alone: roles file checks, scopes (incl. `own`), masking, minimum cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tiphub.web.accounts import policy
from tiphub.web.accounts.roles import DEFAULT_ROLES_FILE, RoleConfigError, load_roles
from tiphub.web.pages.statistics import suppress

from .support import OTHER, OWN


def test_packaged_roles_load_and_keep_their_promises() -> None:
    roles = load_roles(DEFAULT_ROLES_FILE)
    assert set(roles) == {
        "caseworker",
        "data_officer",
        "supervisor",
        "statistician",
        "dpo",
        "admin",
        # NRM casework roles (docs/casework.md)
        "first_responder",
        "competent_authority",
        "child_protection_officer",
        "bid_panel_member",
        "immigration_officer",
        "return_coordinator",
        "guardian",
        "asylum_officer",
        "legal_representative",
    }
    # casework roles act on cases, never on the registry's records, and hold workflow roles
    for role in (
        "first_responder", "competent_authority", "immigration_officer", "guardian",
        "asylum_officer", "legal_representative",
    ):  # fmt: skip
        assert not roles[role].record_level
        assert roles[role].casework_roles
    assert "L-ID" not in roles["immigration_officer"].levels  # never the identity
    assert not roles["statistician"].record_level  # aggregates only
    assert not roles["statistician"].sees_identities
    for role in ("dpo", "admin"):
        assert not roles[role].levels  # no case content
        assert not roles[role].record_level
    assert not roles["data_officer"].sees_identities
    assert roles["caseworker"].sees_identities


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("roles: {r: {scope: planet, field_profile: none}}\nfield_profiles: {none: []}", "scope"),
        (
            "roles: {r: {scope: own, field_profile: secret}}\nfield_profiles: {none: []}",
            "field_profile",
        ),
        (
            "roles: {r: {scope: own, field_profile: none, permissions: [record.eat]}}\n"
            "field_profiles: {none: []}",
            "record.eat",
        ),
        ("field_profiles: {x: [L-XX]}\nroles: {}", "unknown levels"),
        ("just text", "expected"),
    ],
)
def test_a_malformed_roles_file_is_an_error(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(body)
    with pytest.raises(RoleConfigError, match=message):
        load_roles(path)


def test_unclassified_fields_are_hidden_from_all_and_known_ones_follow_the_profile(
    role_users: dict[str, Any],
) -> None:
    data = {"record_id": "A", "sex": "F", "given_name": "X", "narrative": "Y", "brand_new": "Z"}
    assert policy.mask(role_users["caseworker"], data) == {
        "record_id": "A",
        "sex": "F",
        "given_name": "X",
        "narrative": "Y",
    }
    assert policy.mask(role_users["data_officer"], data) == {"record_id": "A", "sex": "F"}
    assert policy.mask(role_users["statistician"], data) == {}
    assert policy.mask(role_users["dpo"], data) == {}
    assert policy.mask(None, data) == {}


def test_own_scope_reaches_only_the_users_uploads(
    settings: Any,
    tmp_path: Path,
    stored: dict[str, Any],
    role_users: dict[str, Any],
    make_user: Any,
) -> None:
    roles_file = tmp_path / "roles.yaml"
    roles_file.write_text(
        DEFAULT_ROLES_FILE.read_text()
        + "\n  field_worker:\n    label: Field worker\n    scope: own\n"
        "    field_profile: identifying\n    two_factor: true\n"
        "    permissions: [record.list, record.view, submission.view]\n"
    )
    settings.TIPHUB_ROLES_FILE = str(roles_file)
    # The data officer uploaded POL's submission in the fixtures; make them a field worker.
    officer = role_users["data_officer"]
    officer.account.role = "field_worker"
    officer.account.save()
    officer.__dict__.pop("_tiphub_account", None)
    mine = set(policy.visible_records(officer).values_list("record_id", flat=True))
    assert mine == {r.record_id for r in stored[OWN]["records"]}
    stranger = make_user("field_worker", OWN, name="fw2")
    assert not policy.visible_records(stranger).exists()
    assert not policy.can(stranger, "record.view", stored[OWN]["records"][0])
    assert policy.can(officer, "record.view", stored[OWN]["records"][0])
    assert not policy.can(officer, "record.view", stored[OTHER]["records"][0])


def test_minimum_cell_rule_with_secondary_suppression() -> None:
    rows = [("a", "A", 40), ("b", "B", 3), ("c", "C", 25), ("d", "D", 0)]
    cells = {c.key: c for c in suppress(rows, 11)}
    assert cells["b"].count is None
    assert cells["b"].display == "<11"
    assert cells["c"].count is None  # the next smallest, or B = total - A - C
    assert cells["a"].count == 40
    assert cells["d"].count == 0  # zeros are not suppressed here
    two = {c.key: c.count for c in suppress([("a", "A", 5), ("b", "B", 7), ("c", "C", 30)], 11)}
    assert two == {"a": None, "b": None, "c": 30}
