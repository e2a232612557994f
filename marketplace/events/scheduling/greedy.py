"""Deterministic greedy plans: the solver's starting point and its fallback.

Both place the most constrained enterprises first (fewest possible slots), which is what a
facilitator with a spreadsheet does, and then take the best-quality free option.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from marketplace.events.scheduling.problems import Assignment, MeetingProblem, PanelProblem
from marketplace.events.scheduling.rules import assign_tables, free_slots


def greedy_panel(problem: PanelProblem) -> tuple[list[Assignment], dict[int, int]]:
    """A panel plan and its seating. Investors not fixed to a room are spread round-robin over
    the rooms with free seats. No side effects."""
    seating = {i: r for i, r in problem.panel_assignment.items() if r is not None}
    seats_left = Counter({room.id: room.capacity_investors for room in problem.rooms})
    seats_left.subtract(seating.values())
    order = {room.id: n for n, room in enumerate(problem.rooms)}
    for investor in problem.investors:
        if investor.id not in seating:
            open_rooms = [r for r in order if seats_left[r] > 0]
            if open_rooms:
                room = max(open_rooms, key=lambda r: (seats_left[r], -order[r]))
                seating[investor.id] = room
                seats_left[room] -= 1
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    panel = {
        (room.id, t): tuple(
            sorted(i for i, r in seating.items() if r == room.id and t in free_i[i])
        )
        for room in problem.rooms
        for t in sorted(s.index for s in problem.slots)
    }
    options = {}
    for e in problem.enterprises:
        mine = free_slots(problem, e)
        options[e.id] = [
            (cell, ids)
            for cell, ids in panel.items()
            if cell[1] in mine
            and len(ids) >= problem.min_panel_size
            and not any((e.id, i) in problem.no_thanks for i in ids)
        ]
    taken: set[tuple[int, int]] = set()
    plan = []
    for e_id in sorted(options, key=lambda e: (len(options[e]), e)):
        free = [(cell, ids) for cell, ids in options[e_id] if cell not in taken]
        if free:
            (room, t), ids = max(
                free,
                key=lambda o: (
                    sum(problem.weight(e_id, i) for i in o[1]),
                    -o[0][1],
                    -order[o[0][0]],
                ),
            )
            taken.add((room, t))
            plan.append(Assignment(t, room, e_id, ids))
    return sorted(plan), seating


def greedy_meetings(
    problem: MeetingProblem, booked: Iterable[tuple[int, int, int]] = ()
) -> list[Assignment]:
    """A meetings plan: the `booked` (slot, enterprise, investor) meetings that still fit, then
    rounds giving each enterprise one more meeting up to the minimum, then the best remaining
    pairs by weight. No side effects."""
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    options: dict[int, list[tuple[int, int, int]]] = {}
    for e in problem.enterprises:
        mine = free_slots(problem, e)
        options[e.id] = sorted(
            (-problem.weight(e.id, i), t, i)
            for i in free_i
            if problem.preference(e.id, i) != "no"
            for t in mine & free_i[i]
        )
    busy: set[tuple[str, int, int]] = set()
    met: set[tuple[int, int]] = set()
    count: Counter = Counter()
    per_slot: Counter = Counter()
    chosen: list[tuple[int, int, int]] = []

    def fits(e: int, i: int, t: int) -> bool:
        return (
            ("e", e, t) not in busy
            and ("i", i, t) not in busy
            and (e, i) not in met
            and per_slot[t] < problem.tables
            and count[("e", e)] < problem.cap("enterprise")
            and count[("i", i)] < problem.cap("investor")
        )

    def book(e: int, i: int, t: int) -> None:
        busy.update({("e", e, t), ("i", i, t)})
        met.add((e, i))
        count.update([("e", e), ("i", i)])
        per_slot[t] += 1
        chosen.append((t, e, i))

    possible = {(t, e, i) for e in options for _, t, i in options[e]}
    for t, e, i in booked:
        if (t, e, i) in possible and fits(e, i, t):
            book(e, i, t)
    by_need = sorted(options, key=lambda e: (len(options[e]), e))
    for round_ in range(problem.min_meetings_per_enterprise):
        for e in by_need:
            if count[("e", e)] <= round_:
                pick = next(((i, t) for _, t, i in options[e] if fits(e, i, t)), None)
                if pick:
                    book(e, *pick)
    everything = sorted((w, t, e, i) for e in options for w, t, i in options[e])
    for _, t, e, i in everything:
        if fits(e, i, t):
            book(e, i, t)
    return assign_tables(chosen)
