"""Benchmark: records list and detail latency with 100,000 records, and 50 concurrent users.

    .venv/bin/python bench/web_bench.py --postgres postgres://tiphub:tiphub-ci@127.0.0.1:5432/tiphub_bench_web

The database named by --postgres is emptied and filled once (a synthetic country imported
agency by agency through `tiphub import`, so records are encrypted, indexed and audited as in
production); `--reuse` keeps an already filled database. Then `tiphub serve` (gunicorn) runs on
loopback and the script, as an agency supervisor (identifying field profile: every detail read
decrypts and appends an audit event):

1. times requests one at a time: the records list (random pages, record-id search, exact-name
   search through the blind index, the API list) and the record detail (page and API);
2. runs 50 concurrent users (50 accounts in 5 agencies, one session each) for a fixed number of
   list/detail requests each, and counts errors.

Prints a Markdown table for bench/RESULTS.md. The load generator runs on the same machine as
the server and the database (2 cores): the figures include its own CPU use.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "web"
TIPHUB = [sys.executable, "-m", "tiphub"]
PASSWORD = "bench password for web users 1"  # noqa: S105 (throwaway bench accounts)


def environment(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIPHUB_", "DJANGO_"))}
    env.update(
        TIPHUB_DATABASE_URL=url,
        TIPHUB_VAR_DIR=str(WORK / "var"),
        TIPHUB_KEY_FILE=str(WORK / "var" / "keys" / "field.key"),
        TIPHUB_LOG_LEVEL="WARNING",
        TIPHUB_SESSION_ABSOLUTE_SECONDS="86400",
        TIPHUB_SESSION_IDLE_SECONDS="86400",
    )
    return env


def reset_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    key = WORK / "var" / "keys" / "field.key"
    if key.exists():
        key.unlink()


def load(url: str, records: int) -> None:
    """Synthetic country -> one `tiphub import` per agency file, until `records` are stored."""
    env = environment(url)
    subprocess.run([*TIPHUB, "migrate"], env=env, check=True)
    country = WORK / f"country-{records}"
    if not (country / "country.json").exists():
        victims = int(records * 1.25) + 1000
        subprocess.run(
            [*TIPHUB, "synth", "--out", str(country), "--victims", str(victims), "--seed", "11"],
            env=env,
            check=True,
        )
    meta = json.loads((country / "country.json").read_text())
    for agency in meta["agencies"]:
        started = time.perf_counter()
        subprocess.run(
            [*TIPHUB, "import", str(country / agency["file"]), "--agency", agency["code"]],
            env=env,
            check=True,
        )
        print(f"imported {agency['code']} in {time.perf_counter() - started:.0f} s", flush=True)


def stored_records(url: str) -> dict[str, Any]:
    """Agencies with their record count, and the total (read straight from the database)."""
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT a.code, count(r.id) FROM registry_agency a "
            "LEFT JOIN registry_victimrecord r ON r.agency_id = a.id "
            "GROUP BY a.code ORDER BY 2 DESC"
        ).fetchall()
    return {"agencies": [(code, int(n)) for code, n in rows], "total": sum(n for _c, n in rows)}


def create_users(url: str, agencies: list[str], per_agency: int) -> list[tuple[str, str]]:
    """Supervisors (identifying profile) in each agency, made through the ORM in a child."""
    script = f"""
import json, sys
from tiphub.web.bootstrap import setup_django
setup_django()
from django.contrib.auth import get_user_model
from tiphub.web.accounts.models import Account
from tiphub.web.registry.models import Agency
User = get_user_model()
out = []
for code in {agencies!r}:
    agency = Agency.objects.get(code=code)
    for i in range({per_agency}):
        name = f"bench-{{code.lower()}}-{{i}}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = User.objects.create_user(username=name, password={PASSWORD!r})
            Account.objects.create(user=user, agency=agency, role="supervisor")
        out.append((name, code))
print(json.dumps(out))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environment(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return [tuple(pair) for pair in json.loads(done.stdout.strip().splitlines()[-1])]


def record_ids(url: str, agency: str, sample: int) -> list[tuple[int, str]]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT r.id, r.record_id FROM registry_victimrecord r JOIN registry_agency a "
            "ON a.id = r.agency_id WHERE a.code = %s ORDER BY random() LIMIT %s",
            (agency, sample),
        ).fetchall()
    return [(int(pk), str(rid)) for pk, rid in rows]


IN_PROCESS = """
import json, random, sys, time
from tiphub.web.bootstrap import setup_django
setup_django()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
settings.ALLOWED_HOSTS = ["*"]
username, pks, pages, n = json.loads(sys.argv[1])
client = Client()
client.force_login(get_user_model().objects.get(username=username))
rng = random.Random(2)
kinds = {
    "list page (random page)": lambda: client.get("/records/", {"page": rng.randint(1, pages)}),
    "detail page (decrypt + audit)": lambda: client.get(f"/records/{rng.choice(pks)}/"),
}
out = {}
for name, call in kinds.items():
    call()
    wall, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        assert call().status_code == 200
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    out[name] = {"wall": wall, "cpu": cpu}
print(json.dumps(out))
"""


def in_process(
    url: str, username: str, sample: list[tuple[int, str]], pages: int, n: int
) -> dict[str, dict[str, list[float]]]:
    """The same requests through Django's test client in one process: no HTTP, no gunicorn;
    the CPU column is the server's own work per request, which other jobs on the machine
    hardly change."""
    argument = json.dumps([username, [pk for pk, _rid in sample], pages, n])
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, argument],
        env=environment(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "/accounts/login/" in response.url:
        raise RuntimeError(f"login failed for {username}")
    return session


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(session: requests.Session, url: str, **params: Any) -> tuple[float, int]:
    started = time.perf_counter()
    response = session.get(url, params=params or None, timeout=120)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, response.status_code


def sequential(
    base: str, session: requests.Session, sample: list[tuple[int, str]], pages: int, n: int
) -> dict[str, list[float]]:
    """Latency (ms) per request kind, one request at a time."""
    results: dict[str, list[float]] = {}
    rng = random.Random(1)
    kinds = {
        "list page (random page)": lambda: timed(
            session, f"{base}/records/", page=rng.randint(1, pages)
        ),
        "list first page": lambda: timed(session, f"{base}/records/"),
        "list: search by record id": lambda: timed(
            session, f"{base}/records/", record_id=rng.choice(sample)[1]
        ),
        "list: exact-name search (blind index)": lambda: timed(
            session, f"{base}/records/", name="Maria Garcia"
        ),
        "API list (random page)": lambda: timed(
            session, f"{base}/api/v1/records/", page=rng.randint(1, pages)
        ),
        "detail page (decrypt + audit)": lambda: timed(
            session, f"{base}/records/{rng.choice(sample)[0]}/"
        ),
        "API detail (decrypt + audit)": lambda: timed(
            session, f"{base}/api/v1/records/{rng.choice(sample)[0]}/"
        ),
    }
    for name, call in kinds.items():
        call()  # warm
        latencies = []
        for _ in range(n):
            elapsed, status = call()
            if status != 200:
                raise RuntimeError(f"{name}: HTTP {status}")
            latencies.append(elapsed)
        results[name] = latencies
    return results


def concurrent(
    base: str,
    users: list[tuple[str, str]],
    samples: dict[str, list[tuple[int, str]]],
    pages: dict[str, int],
    requests_each: int,
) -> dict[str, Any]:
    """Each user: log in, then `requests_each` requests, half list pages and half details."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))

    def user_loop(name: str, agency: str, seed: int) -> None:
        rng = random.Random(seed)
        try:
            session = login(base, name)
        except Exception as exc:  # counted as an error
            with lock:
                errors.append(f"{name}: login: {exc}")
            barrier.wait()
            return
        barrier.wait()
        for i in range(requests_each):
            try:
                if i % 2:
                    url, params = f"{base}/records/{rng.choice(samples[agency])[0]}/", {}
                else:
                    url, params = f"{base}/records/", {"page": rng.randint(1, pages[agency])}
                elapsed, status = timed(session, url, **params)
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors.append(f"{name}: {url}: HTTP {status}")
            except Exception as exc:  # counted as an error
                with lock:
                    errors.append(f"{name}: {exc}")

    threads = [
        threading.Thread(target=user_loop, args=(name, agency, i))
        for i, (name, agency) in enumerate(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="PostgreSQL URL of a database to use")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per kind")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=40, help="requests per concurrent user")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    if not args.reuse or stored_records(args.postgres)["total"] < args.records:
        reset_database(args.postgres)
        load(args.postgres, args.records)
    subprocess.run([*TIPHUB, "migrate"], env=environment(args.postgres), check=True)
    stored = stored_records(args.postgres)
    print(f"stored: {stored}", flush=True)
    codes = [code for code, _n in stored["agencies"]]
    per_agency = max(1, args.users // len(codes))
    users = create_users(args.postgres, codes, per_agency)[: args.users]
    counts = dict(stored["agencies"])
    pages = {code: max(1, (counts[code] + 49) // 50) for code in codes}
    samples = {code: record_ids(args.postgres, code, 500) for code in codes}

    env = environment(args.postgres)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (WORK / "server.log").open("wb")
    server = subprocess.Popen(
        [*TIPHUB, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stderr=server_log,
    )
    try:
        for _ in range(400):
            try:
                requests.get(f"{base}/accounts/login/", timeout=2)
                break
            except requests.RequestException:  # not listening yet, or still starting up
                if server.poll() is not None:
                    raise SystemExit(f"tiphub serve stopped: see {WORK / 'server.log'}") from None
                time.sleep(0.3)
        biggest = codes[0]
        supervisor = next(name for name, code in users if code == biggest)
        session = login(base, supervisor)
        seq = sequential(base, session, samples[biggest], pages[biggest], args.requests)
        conc = concurrent(base, users, samples, pages, args.per_user)
    finally:
        server.terminate()
        server.wait(timeout=60)
        server_log.close()
    local = in_process(args.postgres, supervisor, samples[codes[0]], pages[codes[0]], args.requests)

    print()
    print(
        f"records: {stored['total']:,} in {len(codes)} agencies; the supervisor's agency "
        f"{codes[0]} holds {counts[codes[0]]:,} ({pages[codes[0]]:,} list pages of 50)"
    )
    print()
    print("| request (one at a time) | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for name, values in seq.items():
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | "
            f"{percentile(values, 95):.1f} | {max(values):.1f} |"
        )
    print()
    print("| in-process, no HTTP (Django test client) | n | p50 ms | p95 ms | CPU p50 ms |")
    print("|---|---|---|---|---|")
    for name, figures in local.items():
        print(
            f"| {name} | {len(figures['wall'])} | {statistics.median(figures['wall']):.1f} | "
            f"{percentile(figures['wall'], 95):.1f} | {statistics.median(figures['cpu']):.1f} |"
        )
    lat = conc["latencies"]
    print()
    print(
        f"| {args.users} concurrent users ({args.per_user} requests each, half list pages, "
        "half record details) | value |"
    )
    print("|---|---|")
    print(f"| requests | {len(lat)} |")
    print(f"| errors | {len(conc['errors'])} |")
    print(f"| wall time | {conc['wall']:.1f} s |")
    print(f"| throughput | {len(lat) / conc['wall']:.0f} requests/s |")
    print(
        f"| latency p50 / p95 / max | {statistics.median(lat):.0f} / "
        f"{percentile(lat, 95):.0f} / {max(lat):.0f} ms |"
    )
    for line in conc["errors"][:10]:
        print(f"error: {line}")


if __name__ == "__main__":
    main()
