"""The facilitator's edits of a draft schedule: move a pitch or meeting, swap two. Each edit is
checked by `validate_schedule` against the draft as it was: refused when it adds a hard
conflict, done with its new soft warnings otherwise. Services flush, never commit."""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.events import schedules
from marketplace.events.models import PitchEvent, Schedule, ScheduleItem
from marketplace.events.scheduling import Assignment, PanelProblem, validate_schedule
from marketplace.events.scheduling import Conflict as ScheduleConflict
from marketplace.events.scheduling.rules import free_slots
from marketplace.extensions import db


def _item(draft: Schedule, item_id: int) -> ScheduleItem:
    for item in draft.items:
        if item.id == item_id:
            return item
    raise NotFound(_l("This pitch or meeting is not in the schedule."))


def _panel_present(
    event: PitchEvent, draft: Schedule, problem: PanelProblem, slot: int, room: int
) -> list[int]:
    investors = {p.id: p for p in problem.investors}
    return sorted(
        i
        for i, r in schedules.seating(draft).items()
        if r == room and i in investors and slot in free_slots(problem, investors[i])
    )


def _key(conflict: ScheduleConflict) -> tuple:
    return (conflict.code, conflict.slot, conflict.enterprise_ids, conflict.investor_ids)


def _apply(
    actor: User, event: PitchEvent, draft: Schedule, moves: list[tuple[ScheduleItem, int, int]]
) -> list[str]:
    """Move items to (slot, room) if that adds no hard conflict; returns the soft warnings."""
    problem = schedules.build_problem(event, time_limit_s=1.0)
    slots = {s.index for s in problem.slots}
    seats = schedules.seating(draft)
    before = validate_schedule(problem, schedules.assignments(draft), seating=seats)
    planned = {item.id: (slot, room) for item, slot, room in moves}
    proposal = []
    for item in draft.items:
        slot, room = planned.get(item.id, (item.slot, item.room))
        if slot not in slots:
            raise ValidationError(_l("Choose one of the options offered."), field="slot")
        investors = tuple(item.investor_ids)
        if isinstance(problem, PanelProblem):
            investors = tuple(_panel_present(event, draft, problem, slot, room))
        proposal.append(Assignment(slot, room, item.enterprise_id, investors))
    after = validate_schedule(problem, proposal, seating=seats)
    new = _new_hard(before, after)
    if new:
        raise Conflict(
            _l(
                "Not changed: %(problems)s.",
                problems="; ".join(sorted({schedules.conflict_text(c) for c in new})),
            )
        )
    # Park the moved rows first: the (schedule, slot, room) UNIQUE constraint must hold after
    # every single UPDATE, and a swap passes through a state where two rows share a cell.
    for n, (item, _slot, _room) in enumerate(moves):
        item.slot, item.room = -1 - n, -1
    db.session.flush()
    for item, a in zip(draft.items, proposal, strict=True):
        item.slot, item.room, item.investor_ids = a.slot, a.room, list(a.investor_ids)
    audit.on_event(
        "schedule.edited", event.id, by=actor.id, items=[item.id for item, _s, _r in moves]
    )
    db.session.flush()
    old_soft = Counter(_key(c) for c in before if c.severity == "soft")
    return sorted(
        {
            schedules.conflict_text(c)
            for c in after
            if c.severity == "soft" and old_soft[_key(c)] == 0
        }
    )


def _new_hard(before: list[ScheduleConflict], after: list[ScheduleConflict]):
    remaining = Counter(_key(c) for c in before if c.severity == "hard")
    new = []
    for c in after:
        if c.severity != "hard":
            continue
        if remaining[_key(c)] > 0:
            remaining[_key(c)] -= 1
        else:
            new.append(c)
    return new


def move_item(*, actor: User, event: PitchEvent, item_id: int, slot: int, room: int) -> list[str]:
    """Move a pitch or meeting of the draft to another slot and room or table. In panel mode
    the panel present is recomputed for the new place. Returns the soft warnings the move
    causes (shown, not refused). Raises PermissionDenied, NotFound, ValidationError (unknown
    slot), Conflict (a hard rule would break: listed in the message). Side effects: the item;
    audit `schedule.edited`."""
    draft = schedules.editable_draft(actor, event)
    return _apply(actor, event, draft, [(_item(draft, item_id), slot, room)])


def swap_items(*, actor: User, event: PitchEvent, first_id: int, second_id: int) -> list[str]:
    """Swap the places (slot and room or table) of two pitches or meetings; as `move_item`."""
    draft = schedules.editable_draft(actor, event)
    first, second = _item(draft, first_id), _item(draft, second_id)
    if first.id == second.id:
        raise ValidationError(_l("Choose two different pitches or meetings."))
    return _apply(
        actor, event, draft, [(first, second.slot, second.room), (second, first.slot, first.room)]
    )
