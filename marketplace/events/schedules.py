"""Schedules of pitching events: from the database to the scheduler's problem, build runs with
progress, and publishing as versions (the facilitator's edits of a draft are in
`schedule_edits`; what a schedule says to each person is in `agendas`).

Services flush, never commit (the build job commits its own short transactions). Ids given to
the scheduler: enterprises by `Enterprise.id`, investors by their user id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from marketplace import audit, formatting, tasks
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.events import codes, notices, permissions, registrations, services
from marketplace.events.models import (
    EventInvitation,
    EventRegistration,
    PitchEvent,
    Schedule,
    ScheduleItem,
    ScheduleRun,
)
from marketplace.events.scheduling import (
    CONFLICTS,
    Assignment,
    MeetingProblem,
    PanelProblem,
    Participant,
    Room,
    validate_schedule,
)
from marketplace.events.scheduling import Conflict as ScheduleConflict
from marketplace.extensions import db
from marketplace.matching import cards, decks, scoring
from marketplace.models import utcnow
from marketplace.profiles.models import Mandate
from marketplace.programmes import consent
from marketplace.programmes.models import Enrolment

Problem = PanelProblem | MeetingProblem


# --- match quality ----------------------------------------------------------------------------
def match_scores(
    invitations: list[EventInvitation], registrations: list[EventRegistration]
) -> dict[tuple[int, int], int]:
    """{(enterprise id, investor user id): 0..100}: the score `/matches` gives the pair, from the
    same cards and specs (`matching.cards`); a pair a hard rule excludes, or an investor without
    a mandate, scores 0. No side effects."""
    org_ids = {r.organisation_id for r in registrations}
    mandates = {
        m.organisation_id: cards.mandate_spec(m)
        for m in db.session.scalars(select(Mandate).where(Mandate.organisation_id.in_(org_ids)))
    }
    texts = decks.deck_texts(
        session=db.session(), enterprise_ids=[i.enterprise_id for i in invitations]
    )
    enterprise_cards = [
        cards.enterprise_card(i.enterprise, deck_text=texts.get(i.enterprise_id, ""))
        for i in invitations
    ]
    result: dict[tuple[int, int], int] = {}
    for registration in registrations:
        spec = mandates.get(registration.organisation_id)
        if spec is None:
            continue
        for card in enterprise_cards:
            value = scoring.score(card, spec).score
            if value:
                result[(card.id, registration.user_id)] = int(value)
    return result


# --- the problem ------------------------------------------------------------------------------
def _facilitators(event: PitchEvent, enterprise_ids: list[int]) -> dict[int, int]:
    # The pendamping who accompanies each enterprise: one of the organiser's own programmes
    # first, else any programme's.
    rows = db.session.execute(
        consent.consented_enrolments()
        .where(Enrolment.enterprise_id.in_(enterprise_ids), Enrolment.facilitator_id.isnot(None))
        .order_by(Enrolment.id)
    ).all()
    chosen: dict[int, int] = {}
    for row in rows:
        if row.organisation_id == event.organisation_id or row.enterprise_id not in chosen:
            chosen[row.enterprise_id] = row.facilitator_id
    return chosen


def _availability(slots: list[int] | None) -> frozenset[int] | None:
    return None if slots is None else frozenset(slots)


def build_problem(
    event: PitchEvent, *, time_limit_s: float = 10.0, warm_start: list[Assignment] | None = None
) -> Problem:
    """The scheduler's problem for the event as it stands: confirmed enterprises, registered
    investors, their availability, preferences, match scores, rooms or tables.

    Raises ValidationError when the data contradict the scheduler's rules (for example more
    investors fixed to a room than it seats). No side effects.
    """
    slots = services.event_slots(event)
    invitations = registrations.confirmed_invitations(event)
    seated = registrations.live_registrations(event)
    facilitators = _facilitators(event, [i.enterprise_id for i in invitations])
    enterprises = [
        Participant(
            i.enterprise_id,
            "enterprise",
            _availability(i.available_slots),
            facilitator_id=facilitators.get(i.enterprise_id),
        )
        for i in invitations
    ]
    investors = [
        Participant(r.user_id, "investor", _availability(r.available_slots)) for r in seated
    ]
    people = {(e.id, i.id) for e in enterprises for i in investors}
    by_enterprise = {
        k: v for k, v in registrations.preferences(event, side="enterprise").items() if k in people
    }
    by_investor = {
        k: v for k, v in registrations.preferences(event, side="investor").items() if k in people
    }
    score = match_scores(invitations, seated)
    try:
        if event.mode == "panel":
            both = (by_enterprise, by_investor)
            return PanelProblem(
                slots=slots,
                rooms=[Room(r.id, r.capacity_investors) for r in event.rooms],
                enterprises=enterprises,
                investors=investors,
                panel_assignment={r.user_id: r.room_id for r in seated if r.room_id},
                score=score,
                no_thanks=frozenset(p for prefs in both for p, v in prefs.items() if v == "no"),
                must_meet=frozenset(p for prefs in both for p, v in prefs.items() if v == "must"),
                min_panel_size=event.min_panel_size,
                time_limit_s=time_limit_s,
                warm_start=tuple(warm_start or ()),
            )
        return MeetingProblem(
            slots=slots,
            tables=event.tables,
            enterprises=enterprises,
            investors=investors,
            score=score,
            enterprise_prefs=by_enterprise,
            investor_prefs=by_investor,
            min_meetings_per_enterprise=event.min_meetings,
            max_meetings_per_enterprise=event.max_meetings_enterprise,
            max_meetings_per_investor=event.max_meetings_investor,
            time_limit_s=time_limit_s,
            warm_start=tuple(warm_start or ()),
        )
    except ValueError as error:
        raise ValidationError(
            _l("The event's settings contradict each other: %(detail)s", detail=str(error))
        ) from error


# --- build runs -------------------------------------------------------------------------------
def start_build(*, actor: User, event: PitchEvent) -> ScheduleRun:
    """Ask for a schedule to be built in the background. Returns the run whose progress the
    page shows. Raises PermissionDenied, Conflict (published and locked; a build already
    running; nobody confirmed). Side effects: a `schedule_runs` row; after commit the job
    `events.build_schedule`; audit `schedule.build_requested`."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    if event.status == "published":
        raise Conflict(
            _l(
                "The schedule is published and locked: move or swap pitches instead "
                "of building it again."
            )
        )
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    busy = db.session.scalar(
        select(ScheduleRun.id).where(
            ScheduleRun.event_id == event.id, ScheduleRun.status.in_(("queued", "running"))
        )
    )
    if busy is not None:
        raise Conflict(_l("A schedule is being built already: wait for it to finish."))
    if not registrations.confirmed_invitations(event):
        raise Conflict(_l("No enterprise has confirmed yet: there is nobody to schedule."))
    run = ScheduleRun(
        event_id=event.id, requested_by_id=actor.id, status="queued", progress=0.0, unplaced=[]
    )
    db.session.add(run)
    db.session.flush()
    audit.on_event("schedule.build_requested", event.id, by=actor.id, run=run.id)
    tasks.enqueue("events.build_schedule", run_id=run.id)
    return run


STALLED_ERROR = codes.RUN_STOPPED


def fail_stalled_runs(*, session: Session, now: dt.datetime, budget_s: float) -> list[int]:
    """Mark failed the runs left "running" by a process that died: no sign of life (start or
    progress) for longer than `budget_s` (the build's time limit plus a grace). The facilitator
    sees why on the progress page and may build again; a late progress write of a live build
    cannot bring such a run back (it only touches running runs). Returns the runs' ids. Side
    effects: the rows, on `session`, flushed."""
    cutoff = now - dt.timedelta(seconds=budget_s)
    stalled = list(
        session.scalars(
            select(ScheduleRun.id).where(
                ScheduleRun.status == "running",
                func.coalesce(ScheduleRun.progress_at, ScheduleRun.created_at) < cutoff,
            )
        )
    )
    if stalled:
        session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id.in_(stalled), ScheduleRun.status == "running")
            .values(status="failed", error=STALLED_ERROR, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        session.flush()
    return stalled


def _items(placed: Iterable[Assignment | ScheduleItem]) -> list[ScheduleItem]:
    """New schedule rows for placed pitches (a solver's assignments or another schedule's
    items: both carry slot, room, enterprise_id and investor_ids)."""
    return [
        ScheduleItem(
            slot=p.slot,
            room=p.room,
            enterprise_id=p.enterprise_id,
            investor_ids=list(p.investor_ids),
        )
        for p in placed
    ]


def store_result(*, event: PitchEvent, run: ScheduleRun, result) -> Schedule:
    """Replace the event's draft (version 0) with the scheduler's `result` and copy its report
    onto the run. Side effects: rows in event_schedules/schedule_items; flushes."""
    db.session.execute(delete(Schedule).where(Schedule.event_id == event.id, Schedule.version == 0))
    draft = Schedule(
        event_id=event.id,
        version=0,
        run_id=run.id,
        seating={str(k): v for k, v in result.seating.items()},
    )
    draft.items = _items(result.assignments)
    db.session.add(draft)
    run.status = "done"
    run.progress = 1.0
    run.finished_at = utcnow()
    run.solver_status = result.status
    run.objective = result.objective
    run.bound = result.bound
    run.gap_pct = result.gap_pct
    run.solve_s = result.solve_s
    run.greedy_objective = result.greedy_objective
    run.placed = result.placed
    run.unplaced = [
        {"kind": u.kind, "id": u.participant_id, "reason": u.reason} for u in result.unplaced
    ]
    db.session.flush()
    return draft


def latest_run(event: PitchEvent) -> ScheduleRun | None:
    return db.session.scalar(
        select(ScheduleRun)
        .where(ScheduleRun.event_id == event.id)
        .order_by(ScheduleRun.id.desc())
        .limit(1)
    )


# --- reading schedules ------------------------------------------------------------------------
def draft_of(event: PitchEvent) -> Schedule | None:
    return db.session.scalar(
        select(Schedule).where(Schedule.event_id == event.id, Schedule.version == 0)
    )


def published_of(event: PitchEvent, version: int | None = None) -> Schedule | None:
    """The published schedule `version` (default: the latest), or None."""
    version = event.published_version if version is None else version
    if not version:
        return None
    return db.session.scalar(
        select(Schedule).where(Schedule.event_id == event.id, Schedule.version == version)
    )


def assignments(schedule: Schedule) -> list[Assignment]:
    return sorted(
        Assignment(i.slot, i.room, i.enterprise_id, tuple(sorted(i.investor_ids)))
        for i in schedule.items
    )


def seating(schedule: Schedule) -> dict[int, int]:
    return {int(k): v for k, v in (schedule.seating or {}).items()}


def check(event: PitchEvent, schedule: Schedule) -> list[ScheduleConflict]:
    """Every broken rule of the schedule against the event as it stands now."""
    problem = build_problem(event, time_limit_s=1.0)
    return validate_schedule(problem, assignments(schedule), seating=seating(schedule))


def conflict_text(conflict: ScheduleConflict) -> str:
    return str(CONFLICTS.get(conflict.code, conflict.code))


@dataclass(frozen=True)
class ConflictGroup:
    """One broken rule and every place it is broken: who and when, one line each."""

    severity: str
    text: str
    cases: list[str]


def grouped_conflicts(event: PitchEvent, conflicts: list[ScheduleConflict]) -> list[ConflictGroup]:
    """The conflicts of :func:`check` grouped by rule (rules to fix first), each case naming
    the enterprises and investors concerned and the time, in the event's zone. An enterprise
    that withdrew is named as having withdrawn. No side effects."""
    slots = {s.index: s for s in services.event_slots(event)}
    enterprises = {i.enterprise_id: i for i in event.invitations}
    investors = {r.user_id: r.organisation.name for r in event.registrations}
    zone = formatting.ZONE_ABBREVIATIONS.get(event.timezone, event.timezone)
    groups: dict[tuple[str, str], list[str]] = {}
    for conflict in conflicts:
        who = []
        for enterprise_id in conflict.enterprise_ids:
            invitation = enterprises.get(enterprise_id)
            if invitation is None:
                continue
            name = invitation.enterprise.name
            who.append(
                str(_l("%(name)s (withdrew)", name=name))
                if invitation.status == "declined"
                else name
            )
        who += [investors[i] for i in conflict.investor_ids if i in investors]
        slot = slots.get(conflict.slot) if conflict.slot is not None else None
        when = (
            f"{formatting.date(slot.start.date())} {slot.start:%H.%M}–{slot.end:%H.%M} {zone}"
            if slot is not None
            else ""
        )
        case = " · ".join(part for part in (", ".join(who), when) if part)
        cases = groups.setdefault((conflict.severity, conflict.code), [])
        if case and case not in cases:
            cases.append(case)
    order = sorted(groups, key=lambda key: (key[0] != "hard", key[1]))
    return [
        ConflictGroup(
            severity=severity,
            text=str(CONFLICTS.get(code, code)),
            cases=groups[(severity, code)],
        )
        for severity, code in order
    ]


def editable_draft(actor: User, event: PitchEvent) -> Schedule:
    """The event's draft schedule, for one who may manage the event (publish, edit)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    draft = draft_of(event)
    if draft is None:
        raise NotFound(_l("There is no schedule to edit yet: build one first."))
    return draft


# --- publishing -------------------------------------------------------------------------------
def person_keys(schedule: Schedule | None) -> dict[tuple[str, int], tuple]:
    """What each person's agenda holds, to find who a new version affects."""
    keys: dict[tuple[str, int], list] = {}
    for item in schedule.items if schedule else []:
        keys.setdefault(("enterprise", item.enterprise_id), []).append(
            (item.slot, item.room, tuple(sorted(item.investor_ids)))
        )
        for investor in item.investor_ids:
            keys.setdefault(("investor", investor), []).append(
                (item.slot, item.room, item.enterprise_id)
            )
    return {k: tuple(sorted(v)) for k, v in keys.items()}


def publish(*, actor: User, event: PitchEvent) -> int:
    """Publish the draft as the next version and lock the schedule against rebuilding.

    The first publication notifies every confirmed enterprise and registered investor; a later
    one notifies only the people whose own agenda changed. Returns the new version. Raises
    PermissionDenied, NotFound (no draft), Conflict (hard conflicts in the draft, or nothing
    changed since the last version). Side effects: a frozen copy in event_schedules; the event's
    status and version; notifications and their e-mails (each person's agenda); audit
    `schedule.published`."""
    draft = editable_draft(actor, event)
    hard = [c for c in check(event, draft) if c.severity == "hard"]
    if hard:
        raise Conflict(
            _l(
                "The schedule cannot be published: %(problems)s.",
                problems="; ".join(sorted({conflict_text(c) for c in hard})),
            )
        )
    previous = published_of(event)
    old, new = person_keys(previous), person_keys(draft)
    if previous is not None:
        affected = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        if not affected and seating(previous) == seating(draft):
            raise Conflict(_l("Nothing changed since the last published version."))
    else:
        affected = set(new)
        affected |= {
            ("enterprise", i.enterprise_id) for i in registrations.confirmed_invitations(event)
        }
        affected |= {("investor", r.user_id) for r in registrations.live_registrations(event)}
    version = event.published_version + 1
    frozen = Schedule(
        event_id=event.id,
        version=version,
        run_id=draft.run_id,
        seating=dict(draft.seating or {}),
        published_at=utcnow(),
    )
    frozen.items = _items(draft.items)
    db.session.add(frozen)
    event.published_version = version
    event.status = "published"
    audit.on_event(
        "schedule.published", event.id, by=actor.id, version=version, notified=len(affected)
    )
    db.session.flush()
    notices.notify_schedule(
        event,
        version,
        enterprise_ids=[i for kind, i in affected if kind == "enterprise"],
        investor_ids=[i for kind, i in affected if kind == "investor"],
    )
    return version
