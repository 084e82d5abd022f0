"""Settings for the test suite: tiphub's settings with a private `var/` per test process.

pytest-django imports the settings before any conftest runs, so the environment that points
tests away from a developer's data (their `var/`, SQLite file, key file and secret key) is set
here, before the real settings are read, overriding whatever the developer has exported. Each
process (each pytest-xdist worker) gets its own temporary directory; `TIPHUB_DATABASE_URL` still
selects PostgreSQL when set (.ci/run).
"""

import os
import tempfile
from pathlib import Path

_private = Path(tempfile.mkdtemp(prefix="tiphub-test-"))
os.environ["TIPHUB_VAR_DIR"] = str(_private / "var")
os.environ["TIPHUB_KEY_FILE"] = str(_private / "keys" / "field.key")
(_private / "var" / "static").mkdir(parents=True)  # STATIC_ROOT, served by WhiteNoise

from tiphub.web.settings import *  # noqa: E402, F403
