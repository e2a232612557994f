"""Deterministic tests of the scheduler: hard rules, unplaced reasons, progress, warm start."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from marketplace.events.scheduling import (
    Assignment,
    MeetingProblem,
    PanelProblem,
    Participant,
    Room,
    Slot,
    build_schedule,
    greedy_plan,
    plan_quality,
    validate_schedule,
)

pytestmark = pytest.mark.database_free

START = datetime(2026, 8, 21, 9)


def slots(n: int) -> list[Slot]:
    return [
        Slot(k, START + timedelta(minutes=20 * k), START + timedelta(minutes=20 * k + 20))
        for k in range(n)
    ]


def enterprise(n: int, available=None, blocked=frozenset(), facilitator=None) -> Participant:
    return Participant(n, "enterprise", available, frozenset(blocked), facilitator)


def investor(n: int, available=None, blocked=frozenset()) -> Participant:
    return Participant(n, "investor", available, frozenset(blocked))


def hard_codes(problem, result) -> list[str]:
    conflicts = validate_schedule(problem, result.assignments, seating=result.seating)
    return [c.code for c in conflicts if c.severity == "hard"]


def reasons(result) -> dict[int, str]:
    return {u.participant_id: u.reason for u in result.unplaced if u.kind == "enterprise"}


def test_every_enterprise_pitches_once_and_nobody_is_in_two_places():
    problem = PanelProblem(
        slots=slots(3),
        rooms=[Room(1, 2), Room(2, 2)],
        enterprises=[enterprise(n) for n in range(1, 7)],
        investors=[investor(n) for n in range(1, 5)],
        panel_assignment={1: 1, 2: 1, 3: 2, 4: 2},
        score={(e, i): (e * 13 + i * 7) % 100 for e in range(1, 7) for i in range(1, 5)},
    )
    result = build_schedule(problem)
    assert sorted(a.enterprise_id for a in result.assignments) == [1, 2, 3, 4, 5, 6]
    assert hard_codes(problem, result) == []
    assert result.status == "optimal" and result.gap_pct == 0
    assert result.objective >= result.greedy_objective


def test_fixed_panel_that_declined_an_enterprise_sends_it_to_the_other_room():
    problem = PanelProblem(
        slots=slots(2),
        rooms=[Room(1, 1), Room(2, 1)],
        enterprises=[enterprise(1)],
        investors=[investor(1), investor(2)],
        panel_assignment={1: 1, 2: 2},
        score={(1, 1): 100, (1, 2): 10},
        no_thanks=frozenset({(1, 1)}),
    )
    result = build_schedule(problem)
    assert [(a.room, a.investor_ids) for a in result.assignments] == [(2, (2,))]


def test_enterprise_declined_by_every_panel_is_unplaced_with_only_no_thanks():
    problem = PanelProblem(
        slots=slots(2),
        rooms=[Room(1, 1)],
        enterprises=[enterprise(1), enterprise(2)],
        investors=[investor(1)],
        panel_assignment={1: 1},
        no_thanks=frozenset({(1, 1)}),
    )
    result = build_schedule(problem)
    assert reasons(result) == {1: "only_no_thanks"}


def test_solver_seated_investor_who_declined_an_enterprise_never_hears_its_pitch():
    # Seating investor 1 would earn 100 from enterprise 2, but enterprise 1 (declined by the
    # investor) can only pitch in the same room: placing both comes first.
    problem = PanelProblem(
        slots=slots(2),
        rooms=[Room(1, 1)],
        enterprises=[enterprise(1), enterprise(2)],
        investors=[investor(1)],
        score={(2, 1): 100},
        no_thanks=frozenset({(1, 1)}),
        min_panel_size=0,
    )
    result = build_schedule(problem)
    assert hard_codes(problem, result) == []
    assert result.placed == 2
    assert all(a.investor_ids == () for a in result.assignments)


def test_pitch_never_goes_to_a_room_whose_panel_is_too_small():
    # One investor for two rooms: only one of two simultaneous pitches can have a panel.
    problem = PanelProblem(
        slots=slots(1),
        rooms=[Room(1, 1), Room(2, 1)],
        enterprises=[enterprise(1), enterprise(2)],
        investors=[investor(1)],
        score={(1, 1): 30, (2, 1): 60},
    )
    result = build_schedule(problem)
    assert hard_codes(problem, result) == []
    assert [a.enterprise_id for a in result.assignments] == [2]
    assert reasons(result) == {1: "capacity"}
    assert result.status == "optimal"


def test_unavailable_and_blocked_slots_are_never_used():
    problem = PanelProblem(
        slots=slots(4),
        rooms=[Room(1, 1)],
        enterprises=[
            enterprise(1, frozenset({0, 1}), blocked={0}),
            enterprise(2, frozenset({1, 3})),
        ],
        investors=[investor(1, blocked={3})],
        panel_assignment={1: 1},
        score={(1, 1): 50, (2, 1): 50},
    )
    result = build_schedule(problem)
    # Enterprise 1 can only pitch in slot 1; enterprise 2 then has slot 3, where the panel is away.
    assert [(a.slot, a.enterprise_id) for a in result.assignments] == [(1, 1)]
    assert reasons(result) == {2: "capacity"}


@pytest.mark.parametrize(
    ("enterprise_", "panel_assignment", "min_panel", "reason"),
    [
        (enterprise(1, frozenset()), {1: 1}, 1, "no_available_slot"),
        (enterprise(1, frozenset({0}), blocked={0}), {1: 1}, 1, "no_available_slot"),
        (enterprise(1, frozenset({2})), {1: 1}, 1, "no_panel_available"),
        (enterprise(1), {1: 1}, 2, "no_panel_available"),
    ],
)
def test_enterprise_that_cannot_pitch_even_alone_gets_a_specific_reason(
    enterprise_, panel_assignment, min_panel, reason
):
    problem = PanelProblem(
        slots=slots(3),
        rooms=[Room(1, 2)],
        enterprises=[enterprise_],
        investors=[investor(1, frozenset({0, 1}))],
        panel_assignment=panel_assignment,
        min_panel_size=min_panel,
    )
    assert reasons(build_schedule(problem)) == {1: reason}


def test_full_event_reports_capacity_and_places_the_best_enterprises():
    problem = PanelProblem(
        slots=slots(2),
        rooms=[Room(1, 1)],
        enterprises=[enterprise(n) for n in (1, 2, 3)],
        investors=[investor(1)],
        panel_assignment={1: 1},
        score={(1, 1): 10, (2, 1): 90, (3, 1): 80},
    )
    result = build_schedule(problem)
    assert sorted(a.enterprise_id for a in result.assignments) == [2, 3]
    assert reasons(result) == {1: "capacity"}
    assert result.status == "optimal"


def test_solver_seats_each_investor_in_one_room_within_capacity_and_honours_must_meet():
    problem = PanelProblem(
        slots=slots(2),
        rooms=[Room(1, 1), Room(2, 1)],
        enterprises=[enterprise(1), enterprise(2)],
        investors=[investor(1), investor(2), investor(3)],
        score={(1, 1): 90, (2, 1): 90, (1, 3): 5},
        must_meet=frozenset({(1, 3)}),
    )
    result = build_schedule(problem, gap_limit_pct=0)
    assert hard_codes(problem, result) == []
    assert len(result.seating) == 2 and set(result.seating.values()) == {1, 2}
    heard_by = {a.enterprise_id: a.investor_ids for a in result.assignments}
    assert 3 in heard_by[1]  # 5 + the must-meet bonus beats the 90 of investor 1
    assert [u.reason for u in result.unplaced if u.kind == "investor"] == ["capacity"]


def test_meetings_respect_tables_no_thanks_and_the_minimum_for_everyone():
    problem = MeetingProblem(
        slots=slots(3),
        tables=2,
        enterprises=[enterprise(n) for n in (1, 2, 3)],
        investors=[investor(n) for n in (1, 2, 3)],
        # Enterprise 3 scores low with everyone; fairness still gives it two meetings.
        score={(e, i): 0 if e == 3 else 100 for e in (1, 2, 3) for i in (1, 2, 3)},
        investor_prefs={(1, 1): "no"},
        enterprise_prefs={(2, 3): "no"},
        min_meetings_per_enterprise=2,
    )
    result = build_schedule(problem, gap_limit_pct=0)
    assert hard_codes(problem, result) == []
    pairs = {(a.enterprise_id, a.investor_ids[0]) for a in result.assignments}
    assert (1, 1) not in pairs and (2, 3) not in pairs
    assert all(sum(1 for a in result.assignments if a.slot == t) <= 2 for t in range(3))
    assert result.placed == 3 and result.unplaced == []


def test_meeting_caps_differ_for_enterprises_and_investors():
    problem = MeetingProblem(
        slots=slots(4),
        tables=4,
        enterprises=[enterprise(1), enterprise(2)],
        investors=[investor(1), investor(2), investor(3)],
        score={(e, i): 50 for e in (1, 2) for i in (1, 2, 3)},
        min_meetings_per_enterprise=1,
        max_meetings_per_enterprise=2,
        max_meetings_per_investor=1,
    )
    result = build_schedule(problem)
    per_enterprise = [sum(a.enterprise_id == e for a in result.assignments) for e in (1, 2)]
    per_investor = [sum(a.investor_ids == (i,) for a in result.assignments) for i in (1, 2, 3)]
    assert max(per_enterprise) <= 2 and max(per_investor) == 1 and len(result.assignments) == 3


@pytest.mark.parametrize(
    ("enterprise_", "investor_prefs", "reason"),
    [
        (enterprise(1, frozenset()), {}, "no_available_slot"),
        (enterprise(1), {(1, 1): "no", (1, 2): "no"}, "only_no_thanks"),
        (enterprise(1, frozenset({2})), {}, "no_common_slot"),
        (enterprise(1, frozenset({0, 2})), {}, "too_few_common_slots"),
    ],
)
def test_enterprise_that_cannot_meet_enough_partners_gets_a_specific_reason(
    enterprise_, investor_prefs, reason
):
    problem = MeetingProblem(
        slots=slots(3),
        tables=2,
        enterprises=[enterprise_],
        investors=[investor(1, frozenset({0, 1})), investor(2, frozenset({0, 1}))],
        investor_prefs=investor_prefs,
        min_meetings_per_enterprise=2,
    )
    assert reasons(build_schedule(problem)) == {1: reason}


PANEL = PanelProblem(
    slots=slots(2),
    rooms=[Room(1, 1), Room(2, 1)],
    enterprises=[enterprise(1, facilitator=7), enterprise(2, frozenset({0}), facilitator=7)],
    investors=[investor(1), investor(2, frozenset({1}))],
    panel_assignment={1: 1, 2: 2},
    no_thanks=frozenset({(2, 1)}),
)
MEETINGS = MeetingProblem(
    slots=slots(2),
    tables=1,
    enterprises=[enterprise(1), enterprise(2, frozenset({0}))],
    investors=[investor(1), investor(2)],
    investor_prefs={(2, 2): "no"},
    max_meetings_per_enterprise=1,
    min_meetings_per_enterprise=1,
)


@pytest.mark.parametrize(
    ("problem", "assignments", "code"),
    [
        (PANEL, [Assignment(5, 1, 1, (1,))], "unknown_slot"),
        (PANEL, [Assignment(0, 9, 1, ())], "unknown_room"),
        (PANEL, [Assignment(1, 1, 2, (1,))], "unavailable"),
        (PANEL, [Assignment(0, 1, 2, (1,))], "no_thanks"),
        (PANEL, [Assignment(0, 1, 1, (1,)), Assignment(0, 2, 1, ())], "double_booked"),
        (PANEL, [Assignment(0, 1, 1, (1,)), Assignment(1, 1, 1, (1,))], "repeat"),
        (PANEL, [Assignment(1, 1, 1, ())], "wrong_panel"),
        (PANEL, [Assignment(1, 2, 1, (1, 2))], "room_change"),
        (PANEL, [Assignment(0, 2, 1, ())], "panel_too_small"),
        (MEETINGS, [Assignment(0, 1, 1, (1,)), Assignment(0, 1, 2, (2,))], "room_double_booked"),
        (MEETINGS, [Assignment(0, 2, 1, (1,))], "unknown_room"),
        (MEETINGS, [Assignment(0, 1, 2, (2,))], "no_thanks"),
        (MEETINGS, [Assignment(0, 1, 1, (1,)), Assignment(1, 1, 1, (2,))], "too_many_meetings"),
        (MEETINGS, [Assignment(0, 1, 1, (1,)), Assignment(0, 2, 2, (1,))], "double_booked"),
        (MEETINGS, [Assignment(0, 1, 1, (1, 2))], "wrong_panel"),
    ],
)
def test_validate_schedule_refuses_each_broken_hard_rule(problem, assignments, code):
    conflicts = validate_schedule(problem, assignments)
    assert code in {c.code for c in conflicts if c.severity == "hard"}


def test_validate_schedule_accepts_a_correct_plan_and_only_warns_about_a_busy_facilitator():
    problem = dataclasses.replace(PANEL, min_panel_size=0)
    assignments = [Assignment(0, 1, 1, (1,)), Assignment(0, 2, 2, ())]
    conflicts = validate_schedule(problem, assignments)
    assert [(c.code, c.severity, c.enterprise_ids) for c in conflicts] == [
        ("facilitator_overlap", "soft", (1, 2))
    ]


def test_build_schedule_reports_progress_from_zero_to_one():
    seen: list[float] = []
    build_schedule(MEETINGS, on_progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)


def test_a_valid_warm_start_is_kept_when_nothing_better_exists():
    problem = PanelProblem(
        slots=slots(3),
        rooms=[Room(1, 1)],
        enterprises=[enterprise(1), enterprise(2)],
        investors=[investor(1)],
        panel_assignment={1: 1},
        score={(1, 1): 50, (2, 1): 50},
        # The facilitator moved both pitches later; rebuilding must not undo that.
        warm_start=(Assignment(1, 1, 2, (1,)), Assignment(2, 1, 1, (1,))),
    )
    greedy, _ = greedy_plan(problem)
    assert greedy != sorted(problem.warm_start)
    result = build_schedule(problem)
    assert result.assignments == list(problem.warm_start)
    assert plan_quality(problem, result.assignments) == 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"panel_assignment": {1: 1, 2: 1}},  # two fixed panellists in a room for one
        {"panel_assignment": {1: 9}},
        {"score": {(1, 1): 101}},
        {"time_limit_s": 0},
    ],
)
def test_inconsistent_panel_problem_is_refused(kwargs):
    base = {
        "slots": slots(1),
        "rooms": [Room(1, 1)],
        "enterprises": [enterprise(1)],
        "investors": [investor(1), investor(2)],
    }
    with pytest.raises(ValueError):
        PanelProblem(**(base | kwargs))
