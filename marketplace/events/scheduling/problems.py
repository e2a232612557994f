"""Input and output types of the pitching-event scheduler: plain frozen data, no database.

Ids are the database ids of enterprises and investors; the two kinds are separate namespaces, so
an enterprise and an investor may share a number. Slots are referred to by `Slot.index`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple

from flask_babel import lazy_gettext as _l

PREFERENCES = {
    "must": _l("Must meet"),
    "meet": _l("Happy to meet"),
    "no": _l("No thanks"),
}

# Why an enterprise (or a panel investor) is not in the schedule. The first four are properties of
# the person's own constraints; `capacity` means they fit alone but not together with everyone
# else; `not_placed_in_time` means the time limit ran out before the solver proved it.
UNPLACED_REASONS = {
    "no_available_slot": _l("Not available in any slot of the event"),
    "no_panel_available": _l("No panel sits while this enterprise is available"),
    "only_no_thanks": _l("Every possible panel or partner said no thanks"),
    "no_common_slot": _l("No partner is available at the same time"),
    "too_few_common_slots": _l("Too few partners are available at the same time"),
    "capacity": _l("The event is too full to place everyone"),
    "not_placed_in_time": _l("Not placed before the time limit"),
    "not_needed": _l("No panel needs this investor: every pitch they could hear declined them"),
}

STATUSES = {
    "optimal": _l("Best possible schedule"),
    "feasible": _l("Good schedule, not proven best"),
    "greedy_only": _l("Quick schedule only (the time limit ran out)"),
}

Mode = Literal["panel", "meetings"]
Status = Literal["optimal", "feasible", "greedy_only"]


@dataclass(frozen=True)
class Slot:
    """One time slot of the event; breaks (Friday prayer, lunch) are simply not slots."""

    index: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Room:
    """A room where one panel sits; `capacity_investors` is the most investors on its panel."""

    id: int
    capacity_investors: int


@dataclass(frozen=True)
class Participant:
    """An enterprise or an investor with the slots they can attend.

    `available` None means the whole event. `blocked` removes slots from it (a person's own
    commitment), so a form can keep "here 09:00-15:00" and "busy at 11:00" apart.
    """

    id: int
    kind: Literal["enterprise", "investor"]
    available: frozenset[int] | None = None
    blocked: frozenset[int] = frozenset()
    facilitator_id: int | None = None


class Assignment(NamedTuple):
    """One pitch (panel mode: `room` is a room id, `investor_ids` the panel present) or one
    meeting (meetings mode: `room` is a table number from 1, `investor_ids` has one id)."""

    slot: int
    room: int
    enterprise_id: int
    investor_ids: tuple[int, ...]


class Unplaced(NamedTuple):
    """A participant left out of the schedule and the `UNPLACED_REASONS` code saying why."""

    kind: Literal["enterprise", "investor"]
    participant_id: int
    reason: str


class Conflict(NamedTuple):
    """A broken rule in a schedule. `severity` 'hard' must be refused, 'soft' only warned."""

    code: str
    severity: Literal["hard", "soft"]
    slot: int | None
    enterprise_ids: tuple[int, ...] = ()
    investor_ids: tuple[int, ...] = ()


CONFLICTS = {
    "unknown_slot": _l("There is no such slot"),
    "unknown_room": _l("There is no such room or table"),
    "unknown_participant": _l("This participant is not part of the event"),
    "unavailable": _l("Someone is scheduled when they are not available"),
    "double_booked": _l("Someone is in two places at once"),
    "room_double_booked": _l("Two pitches or meetings share a room or table"),
    "repeat": _l("The same enterprise pitches or meets the same investor twice"),
    "panel_too_large": _l("The panel has more investors than the room seats"),
    "panel_too_small": _l("Too few investors are present on the panel"),
    "wrong_panel": _l("The investors listed are not the panel sitting in the room"),
    "room_change": _l("An investor changes panel during the event"),
    "no_thanks": _l("A pair that said no thanks is scheduled together"),
    "too_many_meetings": _l("Someone has more meetings than allowed"),
    "facilitator_overlap": _l("A facilitator accompanies two enterprises at the same time"),
    "below_min_meetings": _l("An enterprise has fewer meetings than the minimum"),
    "not_placed": _l("An enterprise has no pitch"),
}


@dataclass(frozen=True, kw_only=True)
class _SchedulingProblem:
    """What both kinds of problem hold and check the same way: the slots, the two sides, the
    match quality of each pair 0..100, what a 'must' adds, how long the solver may search and
    the earlier plan to start from."""

    slots: Sequence[Slot]
    enterprises: Sequence[Participant]
    investors: Sequence[Participant]
    score: Mapping[tuple[int, int], int] = field(default_factory=dict)
    must_bonus: int = 200
    time_limit_s: float = 10.0
    warm_start: Sequence[Assignment] = ()

    def __post_init__(self) -> None:
        if len({s.index for s in self.slots}) != len(self.slots):
            raise ValueError("slot indices must be unique")
        for people, kind in ((self.enterprises, "enterprise"), (self.investors, "investor")):
            if len({p.id for p in people}) != len(people):
                raise ValueError(f"{kind} ids must be unique")
            if any(p.kind != kind for p in people):
                raise ValueError(f"every {kind} must have kind={kind!r}")
        if any(not 0 <= v <= 100 for v in self.score.values()):
            raise ValueError("match scores must be between 0 and 100")
        if self.must_bonus < 0 or self.time_limit_s <= 0:
            raise ValueError("must_bonus must be >= 0 and time_limit_s > 0")


@dataclass(frozen=True, kw_only=True)
class PanelProblem(_SchedulingProblem):
    """Panel pitching: each enterprise pitches once, in one room and slot, to the panel present.

    `panel_assignment` maps an investor to a fixed room; an investor missing from it (or mapped to
    None) is seated by the solver. Either way an investor sits in one room for the whole event,
    as judges do, and hears every pitch there in the slots they are available. `score[(e, i)]`
    is the match quality 0..100; a pair in `must_meet` earns `must_bonus` more when i hears e.
    An investor in `no_thanks` with an enterprise is never present at its pitch.
    `warm_start` is an earlier plan (the facilitator's edited one) to start the search from.
    Raises ValueError when the data contradict themselves (duplicate ids, unknown rooms, a fixed
    panel larger than its room, scores outside 0..100).
    """

    rooms: Sequence[Room]
    panel_assignment: Mapping[int, int | None] = field(default_factory=dict)
    no_thanks: frozenset[tuple[int, int]] = frozenset()
    must_meet: frozenset[tuple[int, int]] = frozenset()
    min_panel_size: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        rooms = {r.id: r for r in self.rooms}
        if len(rooms) != len(self.rooms) or any(r.capacity_investors < 0 for r in self.rooms):
            raise ValueError("room ids must be unique and capacities >= 0")
        if self.min_panel_size < 0:
            raise ValueError("min_panel_size must be >= 0")
        investor_ids = {i.id for i in self.investors}
        for investor_id, room_id in self.panel_assignment.items():
            if investor_id not in investor_ids or (room_id is not None and room_id not in rooms):
                raise ValueError(
                    f"panel_assignment names an unknown investor or room: {investor_id}"
                )
        for room in self.rooms:
            seated = sum(1 for r in self.panel_assignment.values() if r == room.id)
            if seated > room.capacity_investors:
                raise ValueError(f"room {room.id} seats {room.capacity_investors}, not {seated}")

    def weight(self, enterprise_id: int, investor_id: int) -> int:
        """The quality earned when `investor_id` hears `enterprise_id` pitch."""
        bonus = self.must_bonus if (enterprise_id, investor_id) in self.must_meet else 0
        return self.score.get((enterprise_id, investor_id), 0) + bonus


@dataclass(frozen=True, kw_only=True)
class MeetingProblem(_SchedulingProblem):
    """1:1 meetings: investor-enterprise pairs meet at one of `tables` tables in a slot.

    Preferences are keyed (enterprise_id, investor_id) on both sides: 'no' from either side
    forbids the pair, 'must' from either side adds `must_bonus` to its `score`. Pairs without a
    preference may still meet (meetings fill free slots). Fairness first: every enterprise gets
    `min_meetings_per_enterprise` meetings when the event can hold them. A pair meets at most once.
    Caps are per side because stamina differs: an investor often sits at a table all day while an
    enterprise wants a few good meetings (None: one per slot).
    Raises ValueError on inconsistent data (see PanelProblem) or a maximum below the minimum.
    """

    tables: int
    enterprise_prefs: Mapping[tuple[int, int], str] = field(default_factory=dict)
    investor_prefs: Mapping[tuple[int, int], str] = field(default_factory=dict)
    min_meetings_per_enterprise: int = 1
    max_meetings_per_enterprise: int | None = None
    max_meetings_per_investor: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.tables < 0 or self.min_meetings_per_enterprise < 0:
            raise ValueError("tables and min_meetings_per_enterprise must be >= 0")
        cap = self.max_meetings_per_enterprise
        if cap is not None and cap < self.min_meetings_per_enterprise:
            raise ValueError("max_meetings_per_enterprise is below min_meetings_per_enterprise")
        if (self.max_meetings_per_investor or 0) < 0:
            raise ValueError("max_meetings_per_investor must be >= 0")
        for prefs in (self.enterprise_prefs, self.investor_prefs):
            if any(v not in PREFERENCES for v in prefs.values()):
                raise ValueError(f"preferences must be one of {sorted(PREFERENCES)}")

    def preference(self, enterprise_id: int, investor_id: int) -> str:
        """The pair's combined preference: 'no' if either side declined, else 'must' if either
        side insisted, else 'meet'."""
        pair = (enterprise_id, investor_id)
        both = {self.enterprise_prefs.get(pair), self.investor_prefs.get(pair)}
        if "no" in both:
            return "no"
        return "must" if "must" in both else "meet"

    def weight(self, enterprise_id: int, investor_id: int) -> int:
        """The quality earned when the pair meets."""
        pair = (enterprise_id, investor_id)
        bonus = self.must_bonus if self.preference(*pair) == "must" else 0
        return self.score.get(pair, 0) + bonus

    def cap(self, kind: str) -> int:
        """Meetings one enterprise or investor (`kind`) may have: the maximum, or one per slot."""
        cap = (
            self.max_meetings_per_enterprise
            if kind == "enterprise"
            else self.max_meetings_per_investor
        )
        return len(self.slots) if cap is None else min(cap, len(self.slots))


Problem = PanelProblem | MeetingProblem


@dataclass
class ScheduleResult:
    """What the scheduler returns.

    `objective` is the total match quality of `assignments` (plan_quality), `bound` the solver's
    proven upper bound on it given the number placed, `gap_pct` = 100 * (bound - objective) / bound.
    `seating` is every panel investor's room (panel mode). `warnings` are soft conflicts.
    """

    mode: Mode
    assignments: list[Assignment]
    unplaced: list[Unplaced]
    objective: int
    bound: int
    gap_pct: float
    status: Status
    solve_s: float
    greedy_objective: int
    greedy_placed: int
    placed: int
    seating: dict[int, int] = field(default_factory=dict)
    warnings: list[Conflict] = field(default_factory=list)
