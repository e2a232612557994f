"""The rules of a schedule, checked independently of how it was built.

`validate_schedule` is the referee: the tests hold the solver to it, and the editing page uses it
to refuse hard conflicts and warn about soft ones. `unplaceable_reasons` says, per enterprise,
why it could not be placed even if it were alone in the event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from marketplace.events.scheduling.problems import (
    Assignment,
    Conflict,
    MeetingProblem,
    PanelProblem,
    Participant,
    Problem,
)


def free_slots(problem: Problem, person: Participant) -> frozenset[int]:
    """The event slots `person` can attend: available (all when None) minus blocked."""
    indices = frozenset(s.index for s in problem.slots)
    available = indices if person.available is None else indices & person.available
    return available - person.blocked


def plan_quality(problem: Problem, assignments: Iterable[Assignment]) -> int:
    """Total match quality: the pair weight of every (enterprise, investor present) pair."""
    return sum(problem.weight(a.enterprise_id, i) for a in assignments for i in a.investor_ids)


def panel_seating(problem: PanelProblem, assignments: Iterable[Assignment]) -> dict[int, int]:
    """Each investor's room: the fixed panel_assignment, else the room they first appear in."""
    seating = {i: r for i, r in problem.panel_assignment.items() if r is not None}
    for a in sorted(assignments):
        for investor_id in a.investor_ids:
            seating.setdefault(investor_id, a.room)
    return seating


def validate_schedule(
    problem: Problem,
    assignments: Sequence[Assignment],
    *,
    seating: Mapping[int, int] | None = None,
) -> list[Conflict]:
    """Every broken rule of `assignments`, hard ones first. No side effects, raises nothing.

    `seating` (panel mode) is the room of each investor; investors missing from it are seated where
    the fixed panel_assignment or the assignments put them.
    """
    conflicts: list[Conflict] = []
    slot_ids = {s.index for s in problem.slots}
    enterprises = {p.id: p for p in problem.enterprises}
    investors = {p.id: p for p in problem.investors}
    free_e = {p.id: free_slots(problem, p) for p in problem.enterprises}
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    known: list[Assignment] = []
    for a in assignments:
        if a.slot not in slot_ids:
            conflicts.append(Conflict("unknown_slot", "hard", a.slot, (a.enterprise_id,)))
        elif a.enterprise_id not in enterprises or any(i not in investors for i in a.investor_ids):
            conflicts.append(
                Conflict("unknown_participant", "hard", a.slot, (a.enterprise_id,), a.investor_ids)
            )
        else:
            known.append(a)
    for a in known:
        away = tuple(i for i in a.investor_ids if a.slot not in free_i[i])
        if a.slot not in free_e[a.enterprise_id] or away:
            ent = () if a.slot in free_e[a.enterprise_id] else (a.enterprise_id,)
            conflicts.append(Conflict("unavailable", "hard", a.slot, ent, away))
        declined = tuple(i for i in a.investor_ids if _declined(problem, a.enterprise_id, i))
        if declined:
            conflicts.append(Conflict("no_thanks", "hard", a.slot, (a.enterprise_id,), declined))
    for (slot, _room), n in Counter((a.slot, a.room) for a in known).items():
        if n > 1:
            conflicts.append(Conflict("room_double_booked", "hard", slot))
    for (slot, e), n in Counter((a.slot, a.enterprise_id) for a in known).items():
        if n > 1:
            conflicts.append(Conflict("double_booked", "hard", slot, (e,)))
    investor_slots = Counter((a.slot, i) for a in known for i in a.investor_ids)
    for (slot, i), n in investor_slots.items():
        if n > 1:
            conflicts.append(Conflict("double_booked", "hard", slot, (), (i,)))
    if isinstance(problem, PanelProblem):
        conflicts += _panel_rules(problem, known, seating, free_i)
    else:
        conflicts += _meeting_rules(problem, known)
    conflicts += _facilitator_overlaps(known, enterprises)
    return sorted(conflicts, key=lambda c: (c.severity != "hard", c.code, c.slot or 0))


def _declined(problem: Problem, enterprise_id: int, investor_id: int) -> bool:
    if isinstance(problem, PanelProblem):
        return (enterprise_id, investor_id) in problem.no_thanks
    return problem.preference(enterprise_id, investor_id) == "no"


def _panel_rules(
    problem: PanelProblem,
    known: list[Assignment],
    seating: Mapping[int, int] | None,
    free_i: dict[int, frozenset[int]],
) -> list[Conflict]:
    conflicts = []
    rooms = {r.id: r for r in problem.rooms}
    seats = panel_seating(problem, known) | dict(seating or {})
    for investor_id, room_id in problem.panel_assignment.items():
        if room_id is not None and seats[investor_id] != room_id:
            conflicts.append(Conflict("room_change", "hard", None, (), (investor_id,)))
    for a in known:
        moved = tuple(i for i in a.investor_ids if seats[i] != a.room)
        if moved:
            conflicts.append(Conflict("room_change", "hard", a.slot, (), moved))
    for room_id, n in Counter(seats.values()).items():
        if room_id not in rooms or n > rooms[room_id].capacity_investors:
            conflicts.append(Conflict("panel_too_large", "hard", None))
    pitches = Counter(a.enterprise_id for a in known)
    for a in known:
        if a.room not in rooms:
            conflicts.append(Conflict("unknown_room", "hard", a.slot, (a.enterprise_id,)))
            continue
        present = {
            i for i, r in seats.items() if r == a.room and a.slot in free_i.get(i, frozenset())
        }
        if set(a.investor_ids) != present or len(a.investor_ids) != len(present):
            conflicts.append(Conflict("wrong_panel", "hard", a.slot, (a.enterprise_id,)))
        if len(present) < problem.min_panel_size:
            conflicts.append(Conflict("panel_too_small", "hard", a.slot, (a.enterprise_id,)))
        if pitches[a.enterprise_id] > 1:
            conflicts.append(Conflict("repeat", "hard", a.slot, (a.enterprise_id,)))
    for e in problem.enterprises:
        if e.id not in pitches:
            conflicts.append(Conflict("not_placed", "soft", None, (e.id,)))
    return conflicts


def _meeting_rules(problem: MeetingProblem, known: list[Assignment]) -> list[Conflict]:
    conflicts = []
    for a in known:
        if len(a.investor_ids) != 1:
            conflicts.append(Conflict("wrong_panel", "hard", a.slot, (a.enterprise_id,)))
        if not 1 <= a.room <= problem.tables:
            conflicts.append(Conflict("unknown_room", "hard", a.slot, (a.enterprise_id,)))
    pairs = Counter((a.enterprise_id, i) for a in known for i in a.investor_ids)
    for (e, i), n in pairs.items():
        if n > 1:
            conflicts.append(Conflict("repeat", "hard", None, (e,), (i,)))
    per_enterprise = Counter(a.enterprise_id for a in known)
    per_investor = Counter(i for a in known for i in a.investor_ids)
    for e, n in per_enterprise.items():
        if n > problem.cap("enterprise"):
            conflicts.append(Conflict("too_many_meetings", "hard", None, (e,)))
    for i, n in per_investor.items():
        if n > problem.cap("investor"):
            conflicts.append(Conflict("too_many_meetings", "hard", None, (), (i,)))
    for e in problem.enterprises:
        if per_enterprise[e.id] < problem.min_meetings_per_enterprise:
            conflicts.append(Conflict("below_min_meetings", "soft", None, (e.id,)))
    return conflicts


def _facilitator_overlaps(
    known: list[Assignment], enterprises: Mapping[int, Participant]
) -> list[Conflict]:
    # A pendamping often accompanies several enterprises; two of them at once is awkward, not
    # impossible (a colleague can step in), so it is only a warning.
    by_slot: dict[tuple[int, int], set[int]] = defaultdict(set)
    for a in known:
        facilitator = enterprises[a.enterprise_id].facilitator_id
        if facilitator is not None:
            by_slot[(a.slot, facilitator)].add(a.enterprise_id)
    return [
        Conflict("facilitator_overlap", "soft", slot, tuple(sorted(ids)))
        for (slot, _), ids in sorted(by_slot.items())
        if len(ids) > 1
    ]


def max_bipartite_matching(edges: Mapping[int, Iterable[int]]) -> int:
    """Size of a maximum matching between the keys of `edges` and the values they list (Kuhn)."""
    match: dict[int, int] = {}

    def augment(left: int, seen: set[int]) -> bool:
        for right in edges[left]:
            if right not in seen:
                seen.add(right)
                if right not in match or augment(match[right], seen):
                    match[right] = left
                    return True
        return False

    return sum(1 for left in edges if augment(left, set()))


def unplaceable_reasons(problem: Problem) -> dict[int, str]:
    """Enterprise id -> UNPLACED_REASONS code for every enterprise that cannot be placed even as
    the only enterprise at the event. The others can, so leaving them out is a matter of
    capacity. No side effects."""
    if isinstance(problem, PanelProblem):
        return {
            e.id: reason
            for e in problem.enterprises
            if (reason := _panel_alone(problem, e)) is not None
        }
    return {
        e.id: reason
        for e in problem.enterprises
        if (reason := _meeting_alone(problem, e)) is not None
    }


def panel_cells(
    problem: PanelProblem, enterprise: Participant, *, respect_no_thanks: bool = True
) -> list[tuple[int, int]]:
    """The (room, slot) cells where `enterprise` could pitch if it were alone: it is free, no
    fixed panellist present declined it, and enough investors can be present."""
    fixed = {i: r for i, r in problem.panel_assignment.items() if r is not None}
    investors = {p.id: free_slots(problem, p) for p in problem.investors}
    floating = [i for i in investors if i not in fixed]
    cells = []
    for room in problem.rooms:
        seats_left = room.capacity_investors - sum(1 for r in fixed.values() if r == room.id)
        for t in sorted(free_slots(problem, enterprise)):
            present = [i for i, r in fixed.items() if r == room.id and t in investors[i]]
            declined = respect_no_thanks and any(
                (enterprise.id, i) in problem.no_thanks for i in present
            )
            helpers = [
                i
                for i in floating
                if t in investors[i]
                and not (respect_no_thanks and (enterprise.id, i) in problem.no_thanks)
            ]
            if not declined and len(present) + min(len(helpers), seats_left) >= (
                problem.min_panel_size
            ):
                cells.append((room.id, t))
    return cells


def _panel_alone(problem: PanelProblem, enterprise: Participant) -> str | None:
    if panel_cells(problem, enterprise):
        return None
    if not free_slots(problem, enterprise):
        return "no_available_slot"
    if not panel_cells(problem, enterprise, respect_no_thanks=False):
        return "no_panel_available"
    return "only_no_thanks"


def _meeting_alone(problem: MeetingProblem, enterprise: Participant) -> str | None:
    need = problem.min_meetings_per_enterprise
    if need == 0:
        return None
    mine = free_slots(problem, enterprise)
    if not mine:
        return "no_available_slot"
    if problem.tables == 0:
        return "capacity"

    def reachable(respect_no_thanks: bool) -> int:
        edges = {
            i.id: sorted(mine & free_slots(problem, i))
            for i in problem.investors
            if problem.cap("investor") > 0
            and not (respect_no_thanks and problem.preference(enterprise.id, i.id) == "no")
        }
        return min(max_bipartite_matching(edges), problem.cap("enterprise"))

    if reachable(True) >= need:
        return None
    everyone = reachable(False)
    if everyone >= need:
        return "only_no_thanks"
    return "no_common_slot" if everyone == 0 else "too_few_common_slots"


def assign_tables(meetings: Iterable[tuple[int, int, int]]) -> list[Assignment]:
    """Turn (slot, enterprise, investor) meetings into Assignments with table numbers from 1.

    An investor keeps the table they had before whenever it is free, so they rarely move.
    """
    home: dict[int, int] = {}
    result = []
    by_slot: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for slot, e, i in meetings:
        by_slot[slot].append((i, e))
    for slot in sorted(by_slot):
        pairs = sorted(by_slot[slot])
        used = {home[i] for i, _ in pairs if i in home}
        taken: set[int] = set()
        for i, e in pairs:
            table = home.get(i)
            if table is None or table in taken:
                table = next(n for n in range(1, len(pairs) + len(used) + 2) if n not in used)
                used.add(table)
            taken.add(table)
            home[i] = table
            result.append(Assignment(slot, table, e, (i,)))
    return sorted(result)
