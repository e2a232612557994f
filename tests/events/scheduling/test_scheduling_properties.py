"""Property tests of the scheduler on random events; brute force referees the tiny ones."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.events.scheduling import (
    MeetingProblem,
    PanelProblem,
    Participant,
    Room,
    Slot,
    build_schedule,
    validate_schedule,
)
from marketplace.events.scheduling import solver as solver_module

pytestmark = pytest.mark.database_free

# database=None: no .hypothesis folder in the working tree; failures print their example.
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
START = datetime(2026, 8, 21, 9)


def slots(n: int) -> list[Slot]:
    return [
        Slot(k, START + timedelta(minutes=20 * k), START + timedelta(minutes=20 * k + 20))
        for k in range(n)
    ]


@st.composite
def people(draw, kind: str, count: int, n_slots: int) -> list[Participant]:
    subsets = st.frozensets(st.integers(0, n_slots - 1))
    result = []
    for n in range(1, count + 1):
        available = draw(st.one_of(st.none(), subsets))
        blocked = draw(st.frozensets(st.integers(0, n_slots - 1), max_size=1))
        facilitator = draw(st.sampled_from([None, 1, 2])) if kind == "enterprise" else None
        result.append(Participant(n, kind, available, blocked, facilitator))
    return result


@st.composite
def panel_problems(draw, max_e: int, max_i: int, max_slots: int, max_rooms: int) -> PanelProblem:
    n_slots = draw(st.integers(1, max_slots))
    enterprises = draw(people("enterprise", draw(st.integers(1, max_e)), n_slots))
    investors = draw(people("investor", draw(st.integers(1, max_i)), n_slots))
    rooms = [
        Room(r, draw(st.integers(1, 3))) for r in range(1, draw(st.integers(1, max_rooms)) + 1)
    ]
    pairs = [(e.id, i.id) for e in enterprises for i in investors]
    assignment = {}
    for i in investors:
        room = draw(st.sampled_from([None, *[r.id for r in rooms]]))
        if (
            room is not None
            and sum(v == room for v in assignment.values()) < rooms[room - 1].capacity_investors
        ):
            assignment[i.id] = room
    return PanelProblem(
        slots=slots(n_slots),
        rooms=rooms,
        enterprises=enterprises,
        investors=investors,
        panel_assignment=assignment,
        score={p: draw(st.integers(0, 100)) for p in pairs},
        no_thanks=draw(st.frozensets(st.sampled_from(pairs), max_size=3)),
        must_meet=draw(st.frozensets(st.sampled_from(pairs), max_size=2)),
        min_panel_size=draw(st.integers(0, 2)),
        time_limit_s=10,
    )


@st.composite
def meeting_problems(draw, max_e: int, max_i: int, max_slots: int) -> MeetingProblem:
    n_slots = draw(st.integers(1, max_slots))
    enterprises = draw(people("enterprise", draw(st.integers(1, max_e)), n_slots))
    investors = draw(people("investor", draw(st.integers(1, max_i)), n_slots))
    pairs = [(e.id, i.id) for e in enterprises for i in investors]
    prefs = st.dictionaries(
        st.sampled_from(pairs), st.sampled_from(["must", "meet", "no"]), max_size=4
    )
    minimum = draw(st.integers(0, 2))
    return MeetingProblem(
        slots=slots(n_slots),
        tables=draw(st.integers(1, 3)),
        enterprises=enterprises,
        investors=investors,
        score={p: draw(st.integers(0, 100)) for p in pairs},
        enterprise_prefs=draw(prefs),
        investor_prefs=draw(prefs),
        min_meetings_per_enterprise=minimum,
        max_meetings_per_enterprise=draw(st.sampled_from([None, minimum, minimum + 1])),
        max_meetings_per_investor=draw(st.sampled_from([None, 1, 2])),
        time_limit_s=10,
    )


def free(problem, person) -> set[int]:
    everything = {s.index for s in problem.slots}
    available = everything if person.available is None else everything & person.available
    return available - person.blocked


def brute_force_panel(problem: PanelProblem) -> tuple[int, int]:
    """(most enterprises placed, best quality among those) by trying every seating and plan."""
    rooms = {r.id: r.capacity_investors for r in problem.rooms}
    fixed = {i: r for i, r in problem.panel_assignment.items() if r is not None}
    floating = [i.id for i in problem.investors if i.id not in fixed]
    investor_free = {i.id: free(problem, i) for i in problem.investors}
    best = (0, 0)
    for choice in itertools.product([None, *rooms], repeat=len(floating)):
        seating = fixed | {i: r for i, r in zip(floating, choice, strict=True) if r is not None}
        if any(sum(1 for r in seating.values() if r == room) > cap for room, cap in rooms.items()):
            continue
        options = []
        for e in problem.enterprises:
            mine = []
            for room, t in itertools.product(rooms, free(problem, e)):
                panel = [i for i, r in seating.items() if r == room and t in investor_free[i]]
                if len(panel) >= problem.min_panel_size and not any(
                    (e.id, i) in problem.no_thanks for i in panel
                ):
                    mine.append(((room, t), sum(problem.weight(e.id, i) for i in panel)))
            options.append(mine)

        def search(
            k: int, used: frozenset, placed: int, quality: int, options=options
        ) -> tuple[int, int]:
            if k == len(options):
                return placed, quality
            result = search(k + 1, used, placed, quality, options)
            for cell, q in options[k]:
                if cell not in used:
                    deeper = search(k + 1, used | {cell}, placed + 1, quality + q, options)
                    result = max(result, deeper)
            return result

        best = max(best, search(0, frozenset(), 0, 0))
    return best


def brute_force_meetings(problem: MeetingProblem) -> tuple[int, int]:
    """(most enterprises reaching the minimum, best quality among those) over every timetable."""
    investor_free = {i.id: free(problem, i) for i in problem.investors}
    enterprise_free = {e.id: free(problem, e) for e in problem.enterprises}
    cap_e, cap_i = problem.cap("enterprise"), problem.cap("investor")
    per_slot = []
    for s in problem.slots:
        pairs = [
            (e, i)
            for e in enterprise_free
            for i in investor_free
            if s.index in enterprise_free[e] & investor_free[i] and problem.preference(e, i) != "no"
        ]
        matchings = []
        for size in range(min(problem.tables, len(pairs)) + 1):
            for combo in itertools.combinations(pairs, size):
                es, is_ = [e for e, _ in combo], [i for _, i in combo]
                if len(set(es)) == len(es) and len(set(is_)) == len(is_):
                    matchings.append(combo)
        per_slot.append(matchings)
    best = (0, 0)

    def search(k: int, met: frozenset) -> None:
        nonlocal best
        if k == len(per_slot):
            counts = {e: sum(1 for e2, _ in met if e2 == e) for e in enterprise_free}
            placed = sum(1 for n in counts.values() if n >= problem.min_meetings_per_enterprise)
            best = max(best, (placed, sum(problem.weight(e, i) for e, i in met)))
            return
        for combo in per_slot[k]:
            new = met | set(combo)
            if len(new) < len(met) + len(combo):
                continue  # a pair meeting twice
            if any(sum(1 for e2, _ in new if e2 == e) > cap_e for e, _ in combo):
                continue
            if any(sum(1 for _, i2 in new if i2 == i) > cap_i for _, i in combo):
                continue
            search(k + 1, new)

    search(0, frozenset())
    return best


def hard(problem, result) -> list:
    conflicts = validate_schedule(problem, result.assignments, seating=result.seating)
    return [c for c in conflicts if c.severity == "hard"]


@SETTINGS
@given(panel_problems(max_e=4, max_i=3, max_slots=3, max_rooms=2))
def test_panel_schedule_of_a_tiny_event_is_as_good_as_brute_force(problem):
    result = build_schedule(problem, gap_limit_pct=0, seed=1)
    assert hard(problem, result) == []
    assert (result.placed, result.objective) == brute_force_panel(problem)
    assert result.status == "optimal"


@SETTINGS
@given(meeting_problems(max_e=3, max_i=3, max_slots=3))
def test_meetings_schedule_of_a_tiny_event_is_as_good_as_brute_force(problem):
    result = build_schedule(problem, gap_limit_pct=0, seed=1)
    assert hard(problem, result) == []
    assert (result.placed, result.objective) == brute_force_meetings(problem)
    assert result.status == "optimal"


@settings(
    max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(panel_problems(max_e=25, max_i=8, max_slots=8, max_rooms=4))
def test_panel_schedule_of_a_random_event_breaks_no_hard_rule(problem):
    result = build_schedule(problem)
    assert hard(problem, result) == []
    placed = {a.enterprise_id for a in result.assignments}
    assert placed.isdisjoint(u.participant_id for u in result.unplaced if u.kind == "enterprise")
    assert len(placed) + sum(u.kind == "enterprise" for u in result.unplaced) == len(
        problem.enterprises
    )


@settings(
    max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(meeting_problems(max_e=15, max_i=8, max_slots=6))
def test_meetings_schedule_of_a_random_event_breaks_no_hard_rule(problem):
    result = build_schedule(problem)
    assert hard(problem, result) == []
    assert result.objective <= result.bound


def test_build_schedule_honours_the_time_limit_on_a_large_event(monkeypatch):
    everyone = slots(12)
    enterprises = [Participant(n, "enterprise", frozenset(range(n % 3, 12))) for n in range(1, 81)]
    investors = [Participant(n, "investor") for n in range(1, 26)]
    problem = MeetingProblem(
        slots=everyone,
        tables=25,
        enterprises=enterprises,
        investors=investors,
        score={(e.id, i.id): (e.id * 37 + i.id * 11) % 101 for e in enterprises for i in investors},
        min_meetings_per_enterprise=3,
        time_limit_s=1.0,
    )
    budgets: list[float] = []

    class RecordingSolver(solver_module.cp_model.CpSolver):
        def solve(self, *args, **kwargs):
            budgets.append(self.parameters.max_time_in_seconds)
            return super().solve(*args, **kwargs)

    monkeypatch.setattr(solver_module.cp_model, "CpSolver", RecordingSolver)
    result = build_schedule(problem, gap_limit_pct=0)

    # Every CP-SAT call gets only what is left of the event's limit (wall time itself is
    # measured in bench/schedule.py, not asserted here).
    assert budgets and all(0 < budget <= problem.time_limit_s for budget in budgets)
    assert sum(budgets) <= problem.time_limit_s
    assert hard(problem, result) == []
    assert result.placed == 80
