"""Translations: English first, French and Spanish catalogues compiled and picked by the browser."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("language", "login", "field"),
    [
        ("en", "Log in", "User name"),
        ("fr", "Se connecter", "Nom d'utilisateur"),
        ("es", "Iniciar sesión", "Nombre de usuario"),
    ],
)
def test_login_page_speaks_the_browsers_language(
    db: Any, language: str, login: str, field: str
) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/accounts/login/").content.decode()
    assert f'<html lang="{language}">' in page
    assert login in page
    assert field in page


def test_language_can_be_chosen(db: Any) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Se connecter" in client.get("/accounts/login/").content.decode()


# --- the catalogues themselves ------------------------------------------------------------------

WEB = Path(__file__).resolve().parents[2] / "src" / "tiphub" / "web"
CATALOGUES = sorted(WEB.glob("**/locale/*/LC_MESSAGES/django.po"))
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    text = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text)


def _entries(path: Path) -> list[tuple[bool, str, str, list[str]]]:
    """(fuzzy, msgid, msgid_plural, msgstrs) of every active entry of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        key = ""
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key = line.split(" ", 1)[0]
                fields[key] = ""
            fields[key] += _unquote(line)
        if fields.get("msgid"):
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries.append((fuzzy, fields["msgid"], fields.get("msgid_plural", ""), strs))
    return entries


def test_every_catalogue_is_found() -> None:
    apps = {p.relative_to(WEB).parts[0] for p in CATALOGUES}
    assert apps >= {"locale", "monitoring", "casework", "screening"}
    assert {p.parts[-3] for p in CATALOGUES} == {"fr", "es"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_catalogue_is_complete_and_compiled(path: Path) -> None:
    """No empty or fuzzy entry, the same placeholders as the English, and the committed .mo
    gives every translation (run compilemessages after editing a .po)."""
    with path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    problems = []
    for fuzzy, msgid, plural, msgstrs in _entries(path):
        if fuzzy or not msgstrs or not all(msgstrs):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        wanted = set(_PLACEHOLDER.findall(msgid + plural))
        for text in msgstrs:
            if set(_PLACEHOLDER.findall(text)) - wanted:
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
        got = compiled.ngettext(msgid, plural, 1) if plural else compiled.gettext(msgid)
        if got != msgstrs[0]:
            problems.append(f"not compiled: {msgid!r}")
    assert not problems, "\n".join(problems)
