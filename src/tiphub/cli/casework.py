"""NRM casework commands: the daily deadline run and the jurisdiction profile check.

tiphub casework alerts [--user NAME] [--as-of YYYY-MM-DD] [--json]   the daily run
tiphub casework profile [PATH]                                       check a profile
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import console, err_console, fail, usage_error

casework_app = typer.Typer(
    help="NRM casework: deadlines, alerts and the jurisdiction profile.", no_args_is_help=True
)
app.add_typer(casework_app, name="casework")


@casework_app.command("profile")
def profile_check(
    path: Annotated[
        Path | None,
        typer.Argument(help="A jurisdiction profile (YAML); default: the embedded one."),
    ] = None,
) -> None:
    """Check a jurisdiction profile against the legal minimums and print its timers."""
    from tiphub.workflow import ProfileError, load_profile

    try:
        profile = load_profile(path)
    except ProfileError as exc:
        fail(str(exc))
    console.print(
        f"[bold]{profile.name}[/] ({profile.id}): recovery period {profile.recovery_period_days} "
        f"days, BID quorum {profile.bid_panel_quorum}, risk assessment valid "
        f"{profile.risk_assessment_validity_days} days",
        highlight=False,
    )
    for rule in profile.rules:
        console.print(
            f"  {rule.id:5} {rule.offset} {rule.unit.value:13} {rule.title}", highlight=False
        )


@casework_app.command("alerts")
def alerts(
    user: Annotated[
        str | None, typer.Option("--user", help="Only this user's tasks and alerts.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate deadlines as of this date (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine output on stdout.")] = False,
) -> None:
    """The daily run: age-outs, deadline tasks of every case, then the open tasks and alerts."""
    from tiphub.cli.registry import django_session

    clock = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            usage_error(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)")
        from tiphub.workflow import FrozenClock

        clock = FrozenClock(datetime.combine(day, time(6, 0), tzinfo=UTC))
    with django_session():
        from django.contrib.auth import get_user_model

        from tiphub.web.casework import access, services
        from tiphub.web.casework import models as m

        if clock is not None:
            services.set_clock(clock)
        swept = services.sweep()
        if user is not None:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                fail(f"no user {user!r}")
            tasks = list(access.tasks_for(account))
            open_alerts = list(access.alerts_for(account))
        else:
            tasks = list(m.Task.objects.filter(open=True).select_related("case"))
            open_alerts = list(
                m.Alert.objects.filter(acknowledged_at__isnull=True).select_related("case")
            )
        rows = [_task_row(t) for t in tasks if t.is_alert]
        alert_rows = [_alert_row(a) for a in open_alerts]
    if as_json:
        print(json.dumps({"cases": swept, "alerts": alert_rows, "tasks": rows}, default=str))
        return
    err_console.print(f"{swept} case(s) checked; {len(rows)} deadline alert(s); "
                      f"{len(alert_rows)} open alert(s)")  # fmt: skip
    for row in alert_rows:
        console.print(
            f"[red]{row['severity']:7}[/] {row['case']}  {row['message']}", highlight=False
        )
    for row in rows:
        colour = "red" if row["status"] == "overdue" else "yellow"
        console.print(
            f"[{colour}]{row['status']:8}[/] {row['due']}  {row['case']}  {row['rule']} "
            f"{row['title']}  → {', '.join(row['roles'])}",
            highlight=False,
        )


def _task_row(task: Any) -> dict[str, Any]:
    return {
        "case": task.case.reference,
        "rule": task.rule_id,
        "title": task.title,
        "status": task.status,
        "due": task.due_at.date().isoformat(),
        "severity": task.severity,
        "roles": task.roles,
    }


def _alert_row(alert: Any) -> dict[str, Any]:
    return {"case": alert.case.reference, "message": alert.message, "severity": alert.severity}
