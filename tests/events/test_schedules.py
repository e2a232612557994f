"""Building schedules as a job, the report, edits checked by the rules, publishing as versions
and notifying only the people a change affects."""

from __future__ import annotations

import pytest

from marketplace import mail
from marketplace.errors import Conflict
from marketplace.events import agendas, jobs, registrations, schedule_edits, schedules, services
from marketplace.events.models import ScheduleRun
from marketplace.events.scheduling import CONFLICTS, MeetingProblem, PanelProblem
from tests.events.conftest import event_data, free_slot


def _build(db, day):
    run = schedules.start_build(actor=day.facilitator, event=day.event)
    db.session.commit()  # the job runs after this commit
    db.session.expire_all()
    return db.session.get(ScheduleRun, run.id), schedules.draft_of(day.event)


def test_the_problem_carries_availability_preferences_scores_and_rooms(db, open_event):
    event, investor = open_event.event, open_event.investors[0]
    first, second = open_event.enterprises[0], open_event.enterprises[1]
    registrations.answer_invitation(
        actor=open_event.owners[0],
        invitation=event.invitations[0],
        attending=True,
        available_slots=[1, 2],
    )
    registrations.set_preferences(
        actor=investor, event=event, side="investor", values={first.id: "must", second.id: "no"}
    )
    problem = schedules.build_problem(event)
    assert isinstance(problem, PanelProblem)
    assert [r.capacity_investors for r in problem.rooms] == [2, 2]
    mine = next(e for e in problem.enterprises if e.id == first.id)
    assert mine.available == frozenset({1, 2})
    assert mine.facilitator_id == open_event.facilitator.id
    assert (second.id, investor.id) in problem.no_thanks
    assert (first.id, investor.id) in problem.must_meet
    # The mandate wants food enterprises, which every fixture enterprise is.
    assert problem.score[(first.id, investor.id)] > 0


def test_a_meetings_event_becomes_a_meeting_problem_with_both_sides_preferences(db, open_event):
    event = open_event.event
    services.save_event(
        actor=open_event.facilitator,
        event=event,
        data=event_data(mode="meetings", tables=3, min_meetings=2, max_meetings_enterprise=3),
    )
    investor = open_event.investors[0]
    enterprise = open_event.enterprises[0]
    registrations.set_preferences(
        actor=open_event.owners[0],
        event=event,
        side="enterprise",
        enterprise=enterprise,
        values={investor.id: "no"},
    )
    problem = schedules.build_problem(event)
    assert isinstance(problem, MeetingProblem)
    assert (problem.tables, problem.min_meetings_per_enterprise) == (3, 2)
    assert problem.preference(enterprise.id, investor.id) == "no"


def test_build_places_every_confirmed_enterprise_and_reports_optimality(db, open_event):
    run, draft = _build(db, open_event)
    assert run.status == "done" and run.progress == 1.0
    assert run.solver_status in ("optimal", "feasible")
    assert run.placed == 3 and run.unplaced == []
    assert run.bound >= run.objective > 0 and run.gap_pct is not None
    assert sorted(i.enterprise_id for i in draft.items) == sorted(
        e.id for e in open_event.enterprises
    )
    assert not [c for c in schedules.check(open_event.event, draft) if c.severity == "hard"]


def test_an_enterprise_that_cannot_come_is_reported_with_the_reason(db, open_event):
    event = open_event.event
    # Both investors are available only in slot 0; the enterprise only in slot 4.
    for registration in event.registrations:
        registration.available_slots = [0]
    registrations.answer_invitation(
        actor=open_event.owners[2],
        invitation=event.invitations[2],
        attending=True,
        available_slots=[4],
    )
    run, _draft = _build(db, open_event)
    assert {
        "kind": "enterprise",
        "id": open_event.enterprises[2].id,
        "reason": "no_panel_available",
    } in run.unplaced


def test_a_second_build_is_refused_while_one_is_queued(db, app, open_event):
    app.config["TASKS_MODE"] = "collect"
    schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()
    with pytest.raises(Conflict):
        schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    from marketplace import tasks

    tasks.clear_collected()


def test_in_a_background_thread_the_request_returns_before_the_schedule_is_built(
    db, app, login, client, open_event
):
    app.config["EVENTS_BUILD_IN_THREAD"] = True
    login(open_event.facilitator)
    response = client.post(f"/events/{open_event.event.id}/schedule/build")
    assert response.status_code == 302 and "/schedule/runs/" in response.headers["Location"]
    jobs.wait_for_builds()
    progress = client.get(response.headers["Location"])
    assert progress.status_code == 200 and "Refresh" not in progress.headers
    db.session.expire_all()
    assert schedules.latest_run(open_event.event).status == "done"


def test_a_failed_build_is_marked_failed_with_its_reason(db, app, open_event):
    app.config["TASKS_RAISE"] = False
    event = open_event.event
    event.rooms[0].capacity_investors = 0
    for registration in event.registrations:  # two investors fixed to a room seating none
        registration.room_id = event.rooms[0].id
    run, _draft = _build(db, open_event)
    assert run.status == "failed" and run.error


def _draft_cells(draft):
    return {i.enterprise_id: (i.slot, i.room) for i in draft.items}


def test_moving_a_pitch_into_an_occupied_room_is_refused(db, open_event):
    _run, draft = _build(db, open_event)
    first, second = draft.items[0], draft.items[1]
    with pytest.raises(Conflict, match=str(CONFLICTS["room_double_booked"])):
        schedule_edits.move_item(
            actor=open_event.facilitator,
            event=open_event.event,
            item_id=first.id,
            slot=second.slot,
            room=second.room,
        )


def test_moving_a_pitch_to_a_time_the_enterprise_is_away_is_refused(db, open_event):
    _run, draft = _build(db, open_event)
    item = draft.items[0]
    invitation = registrations.invitation_for(open_event.event, item.enterprise_id)
    invitation.available_slots = [item.slot]
    away_slot = next(
        s.index
        for s in services.event_slots(open_event.event)
        if s.index != item.slot and all(i.slot != s.index for i in draft.items)
    )
    with pytest.raises(Conflict, match=str(CONFLICTS["unavailable"])):
        schedule_edits.move_item(
            actor=open_event.facilitator,
            event=open_event.event,
            item_id=item.id,
            slot=away_slot,
            room=item.room,
        )


def test_a_move_to_a_free_cell_is_made_and_the_panel_recomputed(db, open_event):
    _run, draft = _build(db, open_event)
    item = draft.items[0]
    slot = free_slot(open_event.event, draft, item.room)
    room = item.room
    warnings = schedule_edits.move_item(
        actor=open_event.facilitator, event=open_event.event, item_id=item.id, slot=slot, room=room
    )
    db.session.commit()
    assert (item.slot, item.room) == (slot, room) and warnings == []
    seated = sorted(i for i, r in schedules.seating(draft).items() if r == room)
    assert item.investor_ids == seated


def test_a_swap_exchanges_two_places(db, open_event):
    _run, draft = _build(db, open_event)
    first, second = draft.items[0], draft.items[1]
    before = _draft_cells(draft)
    schedule_edits.swap_items(
        actor=open_event.facilitator, event=open_event.event, first_id=first.id, second_id=second.id
    )
    db.session.commit()
    after = _draft_cells(draft)
    assert after[first.enterprise_id] == before[second.enterprise_id]
    assert after[second.enterprise_id] == before[first.enterprise_id]


def test_a_move_that_puts_one_pendamping_in_two_places_is_warned_not_refused(db, open_event):
    rooms = open_event.event.rooms
    for registration, room in zip(open_event.event.registrations, rooms, strict=True):
        registration.room_id = room.id  # one investor fixed in each room: both panels sit
    _run, draft = _build(db, open_event)
    # Every fixture enterprise has the same pendamping. Three pitches in two rooms leave some
    # slot with one free room: moving another pitch there puts the pendamping in two places.
    by_slot = {}
    for item in draft.items:
        by_slot.setdefault(item.slot, []).append(item)
    slot, [alone] = next((t, items) for t, items in by_slot.items() if len(items) == 1)
    free_room = next(r.id for r in rooms if r.id != alone.room)
    mover = next(i for i in draft.items if i.slot != slot)
    warnings = schedule_edits.move_item(
        actor=open_event.facilitator,
        event=open_event.event,
        item_id=mover.id,
        slot=slot,
        room=free_room,
    )
    assert str(CONFLICTS["facilitator_overlap"]) in warnings
    assert (mover.slot, mover.room) == (slot, free_room)


def test_first_publication_notifies_everyone_with_their_own_agenda(db, open_event):
    _build(db, open_event)
    mail.outbox.clear()
    version = schedules.publish(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()
    recipients = sorted(m.to for m in mail.outbox)
    expected = sorted(
        [o.email for o in open_event.owners] + [i.email for i in open_event.investors]
    )
    assert version == 1 and recipients == expected
    owner_mail = next(m for m in mail.outbox if m.to == open_event.owners[0].email)
    assert "Keripik Bu Sri" in owner_mail.body and "WITA" in owner_mail.body
    assert "Batik Pak Joko" not in owner_mail.body  # only its own agenda
    investor_mail = next(m for m in mail.outbox if m.to == open_event.investors[0].email)
    assert investor_mail.subject.startswith("Your schedule")  # investors chose English


def test_a_change_after_publishing_is_a_new_version_told_only_to_those_affected(db, open_event):
    event = open_event.event
    _run, draft = _build(db, open_event)
    schedules.publish(actor=open_event.facilitator, event=event)
    db.session.commit()
    with pytest.raises(Conflict):
        schedules.start_build(actor=open_event.facilitator, event=event)  # locked
    mail.outbox.clear()
    moved = draft.items[0]
    schedule_edits.move_item(
        actor=open_event.facilitator,
        event=event,
        item_id=moved.id,
        slot=free_slot(event, draft, moved.room),
        room=moved.room,
    )
    version = schedules.publish(actor=open_event.facilitator, event=event)
    db.session.commit()
    moved_owner = next(
        o
        for o, e in zip(open_event.owners, open_event.enterprises, strict=True)
        if e.id == moved.enterprise_id
    )
    panel = set(moved.investor_ids)
    expected = {moved_owner.email} | {i.email for i in open_event.investors if i.id in panel}
    assert version == 2 and {m.to for m in mail.outbox} == expected
    assert schedules.published_of(event, 1) is not None  # the old version is kept as it was
    with pytest.raises(Conflict):
        schedules.publish(actor=open_event.facilitator, event=event)  # nothing changed


def test_agenda_lists_a_persons_entries_in_time_order(db, open_event):
    _run, draft = _build(db, open_event)
    schedules.publish(actor=open_event.facilitator, event=open_event.event)
    published = schedules.published_of(open_event.event)
    investor = open_event.investors[0]
    entries = agendas.agenda(open_event.event, published, investor_id=investor.id)
    assert entries == sorted(entries, key=lambda e: e.slot.index)
    assert all(investor.id in e.investor_ids for e in entries)
    assert {e.enterprise_id for e in entries} <= {e.id for e in open_event.enterprises}


def _left_running(db, day, *, silent_for_s: float) -> ScheduleRun:
    """A run a worker started and then died on: "running", last sign of life `silent_for_s` ago."""
    import datetime as dt

    from marketplace.models import utcnow

    run = ScheduleRun(
        event_id=day.event.id,
        requested_by_id=day.facilitator.id,
        status="running",
        progress=0.4,
        progress_at=utcnow() - dt.timedelta(seconds=silent_for_s),
        unplaced=[],
    )
    db.session.add(run)
    db.session.commit()
    return run


def test_the_sweep_fails_a_build_whose_worker_died_and_the_facilitator_can_build_again(
    db, app, login, client, open_event
):
    from marketplace.jobs.sweep import sweep

    budget = app.config["EVENT_SCHEDULE_TIME_LIMIT_S"] + app.config["EVENT_SCHEDULE_STALL_GRACE_S"]
    run = _left_running(db, open_event, silent_for_s=budget + 5)
    with pytest.raises(Conflict):  # while it looks alive, a new build is refused
        schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    db.session.rollback()

    assert sweep(grace_s=0)["stalled"] == 1
    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.status == "failed" and run.error == schedules.STALLED_ERROR and run.finished_at
    assert sweep(grace_s=0)["stalled"] == 0  # once

    login(open_event.facilitator)
    page = client.get(f"/events/{open_event.event.id}/schedule/runs/{run.id}")
    assert page.status_code == 200
    assert "susun jadwal lagi" in page.get_data(as_text=True)  # the reason, in Indonesian

    again, draft = _build(db, open_event)
    assert again.status == "done" and draft.items


def test_the_sweep_leaves_a_build_that_shows_signs_of_life(db, app, open_event):
    from marketplace.jobs.sweep import sweep

    budget = app.config["EVENT_SCHEDULE_TIME_LIMIT_S"] + app.config["EVENT_SCHEDULE_STALL_GRACE_S"]
    run = _left_running(db, open_event, silent_for_s=budget - 30)
    assert sweep(grace_s=0)["stalled"] == 0
    db.session.expire_all()
    assert db.session.get(ScheduleRun, run.id).status == "running"


def test_a_build_job_given_up_after_its_worker_was_killed_marks_the_run_failed(db, open_event):
    from marketplace import tasks

    run = _left_running(db, open_event, silent_for_s=1)
    tasks.give_up("events.build_schedule", run_id=run.id)
    db.session.expire_all()
    assert db.session.get(ScheduleRun, run.id).status == "failed"


def test_a_build_records_its_last_sign_of_life(db, open_event):
    run, _draft = _build(db, open_event)
    assert run.status == "done" and run.progress_at is not None


def test_flask_jobs_sweep_says_how_many_stalled_builds_it_failed(db, app, runner, open_event):
    budget = app.config["EVENT_SCHEDULE_TIME_LIMIT_S"] + app.config["EVENT_SCHEDULE_STALL_GRACE_S"]
    _left_running(db, open_event, silent_for_s=budget + 60)
    result = runner.invoke(args=["jobs", "sweep", "--grace", "0"])
    assert result.exit_code == 0
    assert "stalled schedule builds marked failed 1" in result.output
