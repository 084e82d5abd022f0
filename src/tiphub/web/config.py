"""Deployment settings read from the environment, in one place and without Django.

The CLI needs the same paths as the Django settings (where `var/` is, which key file, which
database) before Django is set up, so they are computed here and imported by both.
"""

import os
from pathlib import Path


def var_dir() -> Path:
    """Where local state lives (SQLite file, demo secrets, keys): `TIPHUB_VAR_DIR` or `./var`."""
    return Path(os.environ.get("TIPHUB_VAR_DIR", "var")).resolve()


def database_url() -> str:
    """`TIPHUB_DATABASE_URL`, by default a SQLite file under `var/`."""
    default = f"sqlite:///{var_dir() / 'tiphub.sqlite3'}"
    return os.environ.get("TIPHUB_DATABASE_URL", default)


def key_file() -> Path:
    """The field-encryption key file, kept outside the database (`TIPHUB_KEY_FILE`)."""
    return Path(os.environ.get("TIPHUB_KEY_FILE", var_dir() / "keys" / "field.key")).resolve()


def production() -> bool:
    """True when `TIPHUB_PRODUCTION=1`: secure cookies, HSTS, strict CSP, enforced 2FA."""
    return os.environ.get("TIPHUB_PRODUCTION", "").strip().lower() in {"1", "true", "yes"}
