"""`tiphub serve`: the web app under gunicorn (plain HTTP on loopback by default).

Static files are collected first and served by WhiteNoise, so no other web server is needed for a
demo or a field office; in production a TLS proxy sits in front (see docs/deployment notes).
Gunicorn's access log stays off: URLs may carry search terms.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import err_console, fail


def prepare_to_serve() -> None:
    """Collect static files and check that the database and the key file are ready."""
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from tiphub.web.registry import keys

    call_command("collectstatic", interactive=False, verbosity=0)
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        fail("the database is not up to date: run `tiphub migrate` first")
    keys.keyring()  # a missing or wrong key file stops here, not at the first record opened
    connections.close_all()  # gunicorn forks: no connection may cross into the workers


def run_gunicorn(host: str, port: int, workers: int, extra: dict[str, Any] | None = None) -> None:
    """Run gunicorn in this process with tiphub's WSGI application (blocks until stopped)."""
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "timeout": 300,  # large uploads are validated and imported within the request
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        **(extra or {}),
    }

    class TiphubServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from tiphub.web.wsgi import application

            return application

    TiphubServer().run()


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 2,
    production: Annotated[
        bool,
        typer.Option(
            "--production",
            help="Secure cookies, HSTS, strict CSP, HTTPS redirect and enforced two-factor, "
            "for use behind a TLS proxy (same as TIPHUB_PRODUCTION=1).",
        ),
    ] = False,
) -> None:
    """Serve the web app with gunicorn (collects static files first)."""
    if production:
        # Read by tiphub.web.settings when Django starts (below), and by gunicorn's workers.
        os.environ["TIPHUB_PRODUCTION"] = "1"
    from tiphub.cli.registry import django_session

    with django_session():
        prepare_to_serve()
    err_console.print(f"serving tiphub on http://{host}:{port}/ (Ctrl-C to stop)", highlight=False)
    run_gunicorn(host, port, workers)
