"""The events' notifications: invited to pitch, schedule published or changed (only those
affected), feedback sent, attendance withdrawn after publishing, invited to judge. Each reaches
exactly the people concerned and links to a page they may open; the dashboards count what
waits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.events import (
    judge_invitations,
    judging,
    registrations,
    schedule_edits,
    schedules,
    services,
)
from marketplace.events.models import ScheduleRun
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification
from tests.events.conftest import event_data, free_slot, make_judge


def _ahead() -> dt.date:
    """A Friday a few weeks ahead: the dashboards show only events still to come."""
    day = dt.date.today() + dt.timedelta(days=21)
    return day + dt.timedelta(days=(4 - day.weekday()) % 7)


def notices(db, kind: str) -> dict[int, Notification]:
    return {
        n.user_id: n
        for n in db.session.scalars(select(Notification).where(Notification.kind == kind))
    }


def opens(client, login, user, notice) -> int:
    login(user)
    return client.get(notice.link).status_code


def _publish(db, day):
    run = schedules.start_build(actor=day.facilitator, event=day.event)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ScheduleRun, run.id).status == "done"
    schedules.publish(actor=day.facilitator, event=day.event)
    db.session.commit()
    return schedules.draft_of(day.event)


def test_an_invitation_to_pitch_reaches_each_invited_enterprises_owner(
    client, db, login, make, pitch_day
):
    outsider = make.user("owner")
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(starts_on=_ahead()))
    registrations.invite_enterprises(
        actor=pitch_day.facilitator, event=event, enterprises=pitch_day.enterprises[:2]
    )
    db.session.commit()
    got = notices(db, "event_invited")
    assert set(got) == {pitch_day.owners[0].id, pitch_day.owners[1].id}
    assert outsider.id not in got and pitch_day.facilitator.id not in got
    assert "Keripik Bu Sri" in notifications.text_of(got[pitch_day.owners[0].id])
    assert opens(client, login, pitch_day.owners[0], got[pitch_day.owners[0].id]) == 200
    # The owner's dashboard says the invitation waits for an answer.
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/events/{event.id}/enterprises/{pitch_day.enterprises[0].id}/attendance"' in (
        page
    )


def test_the_first_publication_tells_every_participant_with_a_link_to_their_agenda(
    client, db, login, open_event
):
    _publish(db, open_event)
    got = notices(db, "schedule_published")
    people = open_event.owners + open_event.investors
    assert set(got) == {p.id for p in people}
    assert open_event.facilitator.id not in got
    for person in (open_event.owners[0], open_event.investors[0]):
        assert opens(client, login, person, got[person.id]) == 200


def test_a_changed_schedule_tells_only_those_whose_agenda_changed(db, open_event):
    event = open_event.event
    draft = _publish(db, open_event)
    moved = draft.items[0]
    schedule_edits.move_item(
        actor=open_event.facilitator,
        event=event,
        item_id=moved.id,
        slot=free_slot(event, draft, moved.room),
        room=moved.room,
    )
    schedules.publish(actor=open_event.facilitator, event=event)
    db.session.commit()
    got = notices(db, "schedule_changed")
    moved_owner = next(
        o
        for o, e in zip(open_event.owners, open_event.enterprises, strict=True)
        if e.id == moved.enterprise_id
    )
    assert set(got) == {moved_owner.id} | set(moved.investor_ids)
    assert got[moved_owner.id].params["version"] == 2


def test_withdrawing_after_publication_tells_the_organisers_and_before_it_nobody(
    client, db, login, make, open_event
):
    colleague = make.user(
        "facilitator", organisation=open_event.facilitator.organisation, locale="en"
    )
    other_facilitator = make.facilitator()
    open_event.event.starts_on = open_event.event.ends_on = _ahead()
    db.session.commit()
    first, second = open_event.event.invitations[0], open_event.event.invitations[1]
    registrations.answer_invitation(
        actor=open_event.owners[0], invitation=first, attending=False, available_slots=None
    )
    db.session.commit()
    assert notices(db, "attendance_withdrawn") == {}  # not published yet: nothing to redo

    registrations.answer_invitation(
        actor=open_event.owners[0], invitation=first, attending=True, available_slots=None
    )
    db.session.commit()
    _publish(db, open_event)
    registrations.answer_invitation(
        actor=open_event.owners[1], invitation=second, attending=False, available_slots=None
    )
    db.session.commit()
    got = notices(db, "attendance_withdrawn")
    assert set(got) == {open_event.facilitator.id, colleague.id}
    assert other_facilitator.id not in got
    assert "Batik Pak Joko" in notifications.text_of(got[colleague.id])
    assert opens(client, login, colleague, got[colleague.id]) == 200
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 enterprise withdrew after the schedule was published" in page


def test_feedback_reaches_the_scored_enterprises_owners_only(client, db, login, make, open_event):
    event = open_event.event
    judging.use_standard_sheet(actor=open_event.facilitator, event=event)
    judge = open_event.investors[0]
    make_judge(open_event.facilitator, event, judge)
    scores = {c.id: 8 for c in event.criteria}
    judging.save_review(
        actor=judge, event=event, enterprise=open_event.enterprises[0], scores=scores, comment=None
    )
    db.session.commit()
    judging.send_feedback(actor=open_event.facilitator, event=event)
    db.session.commit()
    got = notices(db, "feedback_sent")
    assert set(got) == {open_event.owners[0].id}
    invitation = registrations.invitation_for(event, open_event.enterprises[0].id)
    assert invitation.feedback_sent_at is not None
    assert opens(client, login, open_event.owners[0], got[open_event.owners[0].id]) == 200


def test_an_invitation_to_judge_links_to_the_page_where_it_is_answered(
    client, db, login, open_event
):
    judge = open_event.investors[1]
    judge_invitations.invite_judge(
        actor=open_event.facilitator, event=open_event.event, email=judge.email
    )
    db.session.commit()
    got = notices(db, "judge_invited")
    assert set(got) == {judge.id}
    assert opens(client, login, judge, got[judge.id]) == 200
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 invitation to judge to answer" in page


def test_a_judges_dashboard_counts_the_pitches_left_to_score(client, db, login, make, open_event):
    event = open_event.event
    judging.use_standard_sheet(actor=open_event.facilitator, event=event)
    judge = open_event.investors[0]
    make_judge(open_event.facilitator, event, judge)
    scores = {c.id: 7 for c in event.criteria}
    judging.save_review(
        actor=judge, event=event, enterprise=open_event.enterprises[0], scores=scores, comment=None
    )
    db.session.commit()
    login(judge)
    page = client.get("/dashboard").get_data(as_text=True)
    assert f"{event.title}: 2 pitches to score" in page
    assert f'href="/events/{event.id}/judging"' in page
