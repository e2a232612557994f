"""The pitching-event scheduler: pure functions from a problem to a timetable, no database.

`build_schedule(problem)` places every enterprise that can be placed first (fairness), then
maximises total match quality, with OR-Tools CP-SAT started from a deterministic greedy plan and
stopped at `problem.time_limit_s`. It reports whether the result is proven optimal and how far
it can be from the proven bound. `validate_schedule` checks any timetable (the solver's or a
facilitator's edit) against every hard rule and lists the soft warnings.

Two modes:
- panel pitching (`PanelProblem`): each enterprise pitches once in a (room, slot) to the panel
  sitting there; an investor sits in one room all day (fixed by the facilitator or seated by the
  solver) and hears the pitches in the slots they are available;
- 1:1 meetings (`MeetingProblem`): pairs meet at tables; fairness means reaching
  `min_meetings_per_enterprise`.

Long solves: pass `on_progress(fraction, message)` and run the build in a background job; the
callback is called from a solver thread.
"""

from __future__ import annotations

import time
from collections import Counter

from flask_babel import lazy_gettext as _l

from marketplace.events.scheduling.flow import pair_meetings, place_pitches
from marketplace.events.scheduling.greedy import greedy_meetings, greedy_panel
from marketplace.events.scheduling.problems import (
    CONFLICTS,
    PREFERENCES,
    STATUSES,
    UNPLACED_REASONS,
    Assignment,
    Conflict,
    MeetingProblem,
    PanelProblem,
    Participant,
    Problem,
    Room,
    ScheduleResult,
    Slot,
    Unplaced,
)
from marketplace.events.scheduling.rules import (
    free_slots,
    panel_seating,
    plan_quality,
    unplaceable_reasons,
    validate_schedule,
)
from marketplace.events.scheduling.solver import (
    Outcome,
    Plan,
    ProgressFn,
    build_meeting_model,
    build_panel_model,
    run_phases,
)

__all__ = [
    "CONFLICTS",
    "PREFERENCES",
    "STATUSES",
    "UNPLACED_REASONS",
    "Assignment",
    "Conflict",
    "MeetingProblem",
    "PanelProblem",
    "Participant",
    "Room",
    "ScheduleResult",
    "Slot",
    "Unplaced",
    "build_schedule",
    "greedy_plan",
    "placed_count",
    "plan_quality",
    "unplaceable_reasons",
    "validate_schedule",
]


# Enterprises x floating investors x rooms above which the joint seating model takes longer to
# build (about 5 s for 200 x 30 x 10) than a facilitator should wait; measured, see bench/.
JOINT_SEATING_LIMIT = 20_000


def seating_fixed(problem: PanelProblem) -> dict[int, int]:
    """The investors the facilitator fixed to a room."""
    return {i: r for i, r in problem.panel_assignment.items() if r is not None}


def greedy_plan(problem: Problem) -> tuple[list[Assignment], dict[int, int]]:
    """The deterministic greedy plan and its panel seating ({} in meetings mode). No side
    effects, raises nothing."""
    if isinstance(problem, PanelProblem):
        return greedy_panel(problem)
    return greedy_meetings(problem), {}


def placed_count(problem: Problem, assignments: list[Assignment]) -> int:
    """Enterprises placed: with a pitch (panel mode) or with at least the minimum number of
    meetings (meetings mode)."""
    counts = Counter(a.enterprise_id for a in assignments)
    if isinstance(problem, PanelProblem):
        return len(counts)
    need = problem.min_meetings_per_enterprise
    return sum(1 for e in problem.enterprises if counts[e.id] >= need)


def build_schedule(
    problem: Problem,
    *,
    on_progress: ProgressFn | None = None,
    num_workers: int = 2,
    seed: int = 0,
    gap_limit_pct: float = 0.1,
) -> ScheduleResult:
    """Build the timetable of `problem` within `problem.time_limit_s` (plus model-building
    overhead of well under a second for the benchmark sizes), stopping early once the plan is
    within `gap_limit_pct` of the proven bound (0 to insist on proven optimality).

    Side effects: calls `on_progress(fraction, message)` (message a lazy translated string) from
    this thread and from solver threads. Raises nothing for a consistent problem: when time runs
    out it returns the best plan found, at worst the greedy one, with status 'greedy_only'.
    """
    started = time.perf_counter()
    deadline = started + problem.time_limit_s
    report = on_progress or (lambda fraction, message: None)
    report(0.0, _l("Building a first plan"))
    reasons = unplaceable_reasons(problem)
    placeable = {e.id for e in problem.enterprises} - set(reasons)
    greedy = greedy_plan(problem)
    start = _best_start(problem, greedy)
    report(0.1, _l("First plan places %(n)s enterprises", n=placed_count(problem, start[0])))
    if isinstance(problem, PanelProblem):
        if len(seating_fixed(problem)) == len(problem.investors):
            # Fixed panels: min-cost flow is exact, nothing is left for CP-SAT to prove.
            seating = dict(greedy[1])
            exact = (place_pitches(problem, seating), seating)
            start = start if _rank(problem, start) >= _rank(problem, exact) else exact
            outcome = Outcome({}, placed_count(problem, start[0]), True, "optimal", None, False)
            return _result(problem, started, reasons, greedy, start, outcome, report)
        flowed = (place_pitches(problem, greedy[1]), greedy[1])
        start = max(start, flowed, key=lambda plan: _rank(problem, plan))
        floating = len(problem.investors) - len(seating_fixed(problem))
        if len(problem.enterprises) * floating * len(problem.rooms) > JOINT_SEATING_LIMIT:
            # Too big to build the joint seating model within seconds: keep the round-robin
            # seating, placed exactly; the gap is then against the simple bound.
            outcome = Outcome(
                {}, placed_count(problem, start[0]), False, "greedy_only", None, False
            )
            if outcome.placed >= len(placeable):
                outcome.placed_proven = True
            return _result(problem, started, reasons, greedy, start, outcome, report)
        built = build_panel_model(problem)
    else:
        budget = min(2.0, 0.2 * problem.time_limit_s)
        flowed = (pair_meetings(problem, time_limit_s=budget), {})
        start = max(start, flowed, key=lambda plan: _rank(problem, plan))
        built = build_meeting_model(problem, placeable)
    outcome = run_phases(
        built,
        start,
        placeable=len(placeable),
        deadline=deadline,
        report=report,
        num_workers=num_workers,
        seed=seed,
        gap_limit_pct=gap_limit_pct,
    )
    plan = built.decode(outcome.values.__getitem__) if outcome.improved else start
    if _rank(problem, start) > _rank(problem, plan):
        # CP-SAT may stop on a solution worse than its hint; never return less than we had.
        plan, outcome.status = start, "feasible" if outcome.bound is not None else "greedy_only"
    return _result(problem, started, reasons, greedy, plan, outcome, report)


def _rank(problem: Problem, plan: Plan) -> tuple[int, int]:
    return placed_count(problem, plan[0]), plan_quality(problem, plan[0])


def _result(
    problem: Problem,
    started: float,
    reasons: dict[int, str],
    greedy: Plan,
    plan: Plan,
    outcome: Outcome,
    report: ProgressFn,
) -> ScheduleResult:
    assignments, seating = plan
    objective = plan_quality(problem, assignments)
    bound = objective if outcome.status == "optimal" else _bound(problem, outcome.bound, objective)
    placed_ids = {a.enterprise_id for a in assignments}
    if isinstance(problem, MeetingProblem):
        counts = Counter(a.enterprise_id for a in assignments)
        need = problem.min_meetings_per_enterprise
        placed_ids = {e.id for e in problem.enterprises if counts[e.id] >= need}
    fallback = "capacity" if outcome.placed_proven else "not_placed_in_time"
    unplaced = [
        Unplaced("enterprise", e.id, reasons.get(e.id, fallback))
        for e in problem.enterprises
        if e.id not in placed_ids
    ]
    if isinstance(problem, PanelProblem):
        unplaced += _unseated(problem, seating)
    report(1.0, _l("Schedule ready"))
    return ScheduleResult(
        mode="panel" if isinstance(problem, PanelProblem) else "meetings",
        assignments=assignments,
        unplaced=unplaced,
        objective=objective,
        bound=bound,
        gap_pct=round(100.0 * (bound - objective) / bound, 3) if bound > 0 else 0.0,
        status=outcome.status,  # type: ignore[arg-type]
        solve_s=round(time.perf_counter() - started, 3),
        greedy_objective=plan_quality(problem, greedy[0]),
        greedy_placed=placed_count(problem, greedy[0]),
        placed=len(placed_ids),
        seating=seating,
        warnings=[
            c
            for c in validate_schedule(problem, assignments, seating=seating)
            if c.severity == "soft"
        ],
    )


def _best_start(problem: Problem, greedy: Plan) -> Plan:
    # A facilitator's earlier plan wins over the greedy one when it is valid and no worse, so
    # rebuilding after a small edit keeps most of what they saw.
    if not problem.warm_start:
        return greedy
    warm = list(problem.warm_start)
    seating = panel_seating(problem, warm) if isinstance(problem, PanelProblem) else {}
    conflicts = validate_schedule(problem, warm, seating=seating)
    if any(c.severity == "hard" for c in conflicts):
        return greedy
    return (warm, seating) if _rank(problem, (warm, seating)) >= _rank(problem, greedy) else greedy


def _bound(problem: Problem, solver_bound: float | None, objective: int) -> int:
    """The solver's proven bound, or (when it proved none) a simple one: each enterprise hears
    at most its best `seats` investors, where seats is the largest panel or meeting count."""
    if solver_bound is not None:
        return max(objective, int(solver_bound + 1e-6))
    if isinstance(problem, PanelProblem):
        seats = max((r.capacity_investors for r in problem.rooms), default=0)
        declined = problem.no_thanks
    else:
        seats = problem.cap("enterprise")
        declined = {
            (e.id, i.id)
            for e in problem.enterprises
            for i in problem.investors
            if problem.preference(e.id, i.id) == "no"
        }
    total = 0
    for e in problem.enterprises:
        weights = sorted(
            (problem.weight(e.id, i.id) for i in problem.investors if (e.id, i.id) not in declined),
            reverse=True,
        )
        total += sum(weights[:seats])
    return max(objective, total)


def _unseated(problem: PanelProblem, seating: dict[int, int]) -> list[Unplaced]:
    seats = sum(r.capacity_investors for r in problem.rooms)
    full = len(seating) >= seats
    return [
        Unplaced(
            "investor",
            i.id,
            "no_available_slot"
            if not free_slots(problem, i)
            else ("capacity" if full else "not_needed"),
        )
        for i in problem.investors
        if i.id not in seating
    ]
