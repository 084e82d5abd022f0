"""Casework rules: how long the daily deadline run and the return guard take per case.

Reproduce: `.venv/bin/python bench/casework_bench.py --cases 20000`

Builds synthetic case timelines (referral, RG, recovery period, permits, follow-ups) and times
(1) the deadline engine over every case, as `tiphub casework alerts` does each night, and
(2) the return guard (`Workflow.attempt` of `return.plan`) on case snapshots. The peer is the
plain-Python floor: iterating the same events without evaluating any rule.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import UTC, datetime, timedelta

from tiphub.workflow import (
    Actor,
    CaseFacts,
    Event,
    Request,
    ReturnPlan,
    RiskAssessment,
    RiskResult,
    Role,
    Track,
    Workflow,
    evaluate,
    initial_states,
    load_profile,
)
from tiphub.workflow.clock import FrozenClock

START = datetime(2027, 1, 4, 9, tzinfo=UTC)


def timelines(n: int, rng: random.Random) -> list[list[Event]]:
    cases = []
    for i in range(n):
        at = START + timedelta(days=rng.randrange(365))
        events = [Event("identification.presumed_victim", at), Event("identification.referred", at)]
        if rng.random() < 0.7:
            rg = at + timedelta(days=rng.randrange(1, 10))
            events += [
                Event("identification.rg_decided", rg),
                Event("recovery_period.started", rg),
                Event("recovery_period.ends", rg + timedelta(days=30)),
            ]
        for k in range(rng.randrange(3)):
            sent = at + timedelta(days=rng.randrange(20))
            events.append(Event("referral.sent", sent, f"{i}-{k}"))
            if rng.random() < 0.8:
                events.append(Event("referral.responded", sent + timedelta(days=1), f"{i}-{k}"))
        if rng.random() < 0.3:
            events.append(Event("permit.expires", at + timedelta(days=200), f"p{i}"))
        if rng.random() < 0.2:
            back = at + timedelta(days=60)
            events += [Event("followup.due", back + timedelta(days=30 * m), f"{i}-{m}")
                       for m in (1, 3, 6, 12)]  # fmt: skip
        cases.append(events)
    return cases


def snapshots(n: int, rng: random.Random) -> list[CaseFacts]:
    facts = []
    for i in range(n):
        assessment = RiskAssessment(
            START, START + timedelta(days=rng.choice([-1, 90])),
            rng.choice(list(RiskResult)), frozenset({"re_trafficking", "refoulement"}),
        )  # fmt: skip
        states = initial_states()
        states[Track.IDENTIFICATION] = rng.choice(["referred", "rg_positive", "cg_positive"])
        states[Track.RETURN] = "cleared"
        facts.append(
            CaseFacts(
                str(i),
                "POL",
                states,
                is_child=rng.random() < 0.2,
                risk_assessments=(assessment,),
                return_plan=ReturnPlan(True, True, True, True),
            )
        )
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    profile = load_profile()
    cases = timelines(args.cases, rng)
    now = START + timedelta(days=400)

    rows = []
    wall, cpu = time.perf_counter(), time.process_time()
    tasks = sum(len(evaluate(events, profile, now)) for events in cases)
    rows.append(("deadline engine", time.perf_counter() - wall, time.process_time() - cpu, tasks))

    wall, cpu = time.perf_counter(), time.process_time()
    touched = sum(1 for events in cases for e in events if e.at <= now)
    rows.append(("peer: iterate events only", time.perf_counter() - wall,
                 time.process_time() - cpu, touched))  # fmt: skip

    workflow = Workflow(profile, FrozenClock(START))
    actor = Actor("u", "POL", frozenset({Role.RETURN_COORDINATOR}))
    facts = snapshots(args.cases, rng)
    wall, cpu = time.perf_counter(), time.process_time()
    allowed = sum(
        workflow.attempt(f, Request(Track.RETURN, "plan", actor, START)).allowed for f in facts
    )
    rows.append(("return guard (plan)", time.perf_counter() - wall, time.process_time() - cpu,
                 allowed))  # fmt: skip

    print(f"cases: {args.cases}, seed {args.seed}")
    print("| step | wall | CPU | per case (CPU) | count |")
    print("|---|---|---|---|---|")
    for name, w, c, count in rows:
        print(f"| {name} | {w:.2f} s | {c:.2f} s | {1e6 * c / args.cases:.0f} µs | {count} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
