"""Benchmark of the pitching-event scheduler on two realistic, deterministic events.

    python bench/schedule.py            # 3 runs per mode, 10 s limit, medians
    python bench/schedule.py --quick    # 1 run per mode, 10 s limit (well under a minute)

Panel mode: 200 enterprises, 10 rooms with fixed panels of 3 investors (30 investors), 30 slots of
15 minutes on a Friday (08:00-11:30 and 13:00-17:00: the Friday-prayer break is not a slot).
Meetings mode: 60 enterprises x 20 investors x 12 slots of 20 minutes at 20 tables, each
enterprise wanting 3 meetings, at most 6 per person, ~10% no-thanks and ~10% must-meet pairs.
Most people are there all day; some only in the morning or the afternoon; a few have one slot
blocked. Match scores 0..100 follow sectors: an investor scores its own sectors high.
Bar (QUALITY.md): everyone placeable placed, no hard conflict, gap <= 1 %, <= 10 s.
The last line printed is one flat JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from marketplace.events.scheduling import (  # noqa: E402
    MeetingProblem,
    PanelProblem,
    Participant,
    Room,
    ScheduleResult,
    Slot,
    build_schedule,
    unplaceable_reasons,
    validate_schedule,
)

SECTORS = 10


def friday_slots(count: int, minutes: int, *, start_hour: int = 8) -> list[Slot]:
    """`count` slots from start_hour on Friday 21 August 2026, skipping 11:30-13:00."""
    slots, at = [], datetime(2026, 8, 21, start_hour)
    while len(slots) < count:
        end = at + timedelta(minutes=minutes)
        if end <= at.replace(hour=11, minute=30) or at >= at.replace(hour=13, minute=0):
            slots.append(Slot(len(slots), at, end))
            at = end
        else:
            at = at.replace(hour=13, minute=0)
    return slots


def availability(rng: random.Random, slots: list[Slot]) -> tuple[frozenset[int] | None, frozenset]:
    """Realistic availability: 70 % all day, 15 % morning only, 15 % afternoon only; 10 % also
    block one slot (another appointment)."""
    roll = rng.random()
    if roll < 0.70:
        available = None
    elif roll < 0.85:
        available = frozenset(s.index for s in slots if s.start.hour < 12)
    else:
        available = frozenset(s.index for s in slots if s.start.hour >= 12)
    blocked = frozenset({rng.choice(slots).index}) if rng.random() < 0.10 else frozenset()
    return available, blocked


def people(rng: random.Random, slots: list[Slot], kind: str, count: int) -> list[Participant]:
    """`count` participants; enterprises get one of 8 facilitators."""
    result = []
    for n in range(count):
        available, blocked = availability(rng, slots)
        facilitator = rng.randrange(8) if kind == "enterprise" else None
        result.append(Participant(n + 1, kind, available, blocked, facilitator))  # type: ignore[arg-type]
    return result


def scores(rng: random.Random, enterprises, investors) -> dict[tuple[int, int], int]:
    """Sector-structured scores: high when the enterprise's sector is one of the investor's."""
    sector = {e.id: rng.randrange(SECTORS) for e in enterprises}
    mandate = {i.id: set(rng.sample(range(SECTORS), 3)) for i in investors}
    return {
        (e.id, i.id): min(
            100, max(0, (65 if sector[e.id] in mandate[i.id] else 20) + rng.randint(-20, 35))
        )
        for e in enterprises
        for i in investors
    }


def panel_instance(time_limit_s: float) -> PanelProblem:
    """200 enterprises, 10 rooms x 3 fixed panellists, 30 slots."""
    rng = random.Random(2026)
    slots = friday_slots(30, 15)
    enterprises = people(rng, slots, "enterprise", 200)
    investors = people(rng, slots, "investor", 30)
    score = scores(rng, enterprises, investors)
    pairs = sorted(score)
    no_thanks = frozenset(rng.sample(pairs, len(pairs) // 50))  # conflicts of interest, ~2 %
    must = frozenset(p for p in rng.sample(pairs, len(pairs) // 50) if p not in no_thanks)
    return PanelProblem(
        slots=slots,
        rooms=[Room(r + 1, 3) for r in range(10)],
        enterprises=enterprises,
        investors=investors,
        panel_assignment={i.id: (i.id - 1) % 10 + 1 for i in investors},
        score=score,
        no_thanks=no_thanks,
        must_meet=must,
        min_panel_size=2,
        time_limit_s=time_limit_s,
    )


def meetings_instance(time_limit_s: float) -> MeetingProblem:
    """60 enterprises x 20 investors x 12 slots of 20 minutes, 20 tables."""
    rng = random.Random(17)
    slots = friday_slots(12, 20, start_hour=9)
    enterprises = people(rng, slots, "enterprise", 60)
    investors = people(rng, slots, "investor", 20)
    score = scores(rng, enterprises, investors)
    enterprise_prefs, investor_prefs = {}, {}
    for pair in sorted(score):
        roll = rng.random()
        side = enterprise_prefs if rng.random() < 0.5 else investor_prefs
        if roll < 0.10:
            side[pair] = "no"
        elif roll < 0.20:
            side[pair] = "must"
    return MeetingProblem(
        slots=slots,
        tables=20,
        enterprises=enterprises,
        investors=investors,
        score=score,
        enterprise_prefs=enterprise_prefs,
        investor_prefs=investor_prefs,
        min_meetings_per_enterprise=3,
        max_meetings_per_enterprise=6,
        time_limit_s=time_limit_s,
    )


def run(problem, repeats: int) -> tuple[list[ScheduleResult], int, int]:
    """Solve `repeats` times; also count hard conflicts and enterprises placeable alone."""
    results = [build_schedule(problem) for _ in range(repeats)]
    hard = sum(
        c.severity == "hard"
        for r in results
        for c in validate_schedule(problem, r.assignments, seating=r.seating)
    )
    placeable = len(problem.enterprises) - len(unplaceable_reasons(problem))
    return results, hard, placeable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per mode")
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    figures: dict[str, float | int | str] = {}
    print(
        f"{'mode':<9}{'run':>4}{'status':>12}{'solve s':>9}{'objective':>11}{'bound':>8}"
        f"{'gap %':>7}{'placed':>8}{'unplaced':>9}{'greedy obj':>11}{'greedy placed':>14}"
    )
    for mode, problem in (
        ("panel", panel_instance(args.time_limit)),
        ("meetings", meetings_instance(args.time_limit)),
    ):
        results, hard, placeable = run(problem, repeats)
        for n, r in enumerate(results, 1):
            unplaced = sum(u.kind == "enterprise" for u in r.unplaced)
            print(
                f"{mode:<9}{n:>4}{r.status:>12}{r.solve_s:>9.2f}{r.objective:>11}{r.bound:>8}"
                f"{r.gap_pct:>7.2f}{r.placed:>8}{unplaced:>9}{r.greedy_objective:>11}"
                f"{r.greedy_placed:>14}"
            )
        figures |= {
            f"{mode}_solve_s": round(statistics.median(r.solve_s for r in results), 2),
            f"{mode}_gap_pct": round(statistics.median(r.gap_pct for r in results), 3),
            f"{mode}_unplaced": max(
                sum(u.kind == "enterprise" for u in r.unplaced) for r in results
            ),
            f"{mode}_objective": int(statistics.median(r.objective for r in results)),
            f"{mode}_bound": int(statistics.median(r.bound for r in results)),
            f"{mode}_greedy_objective": results[0].greedy_objective,
            f"{mode}_placeable": placeable,
            f"{mode}_hard_conflicts": hard,
            f"{mode}_status": results[len(results) // 2].status,
        }
    print(f"(medians of {repeats} run(s); placeable = enterprises that fit when alone)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
