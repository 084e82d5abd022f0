"""Translations: English first, French and Spanish catalogues compiled and picked by the browser."""

from __future__ import annotations

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
