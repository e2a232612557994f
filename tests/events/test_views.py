"""The pages of pitching events: one happy path per route, form mistakes answered with 422 and
nothing typed lost, and the buttons a role must not see."""

from __future__ import annotations

import datetime as dt
import html
import re

from marketplace import mail, tasks
from marketplace.events import judging, outcomes, schedules
from marketplace.events.models import EventInvitation, EventPreference, PitchEvent, Review
from tests.events.conftest import make_judge


def _form(**values):
    base = {
        "title": "Hari Pitching Damping UMKM",
        "mode": "panel",
        "starts_on": "2026-08-21",
        "timezone": "Asia/Makassar",
        "day_start": "09.00",
        "day_end": "12.00",
        "slot_minutes": "30",
        "breaks": "",
        "block_friday_prayer": "y",
        "rooms": "2",
        "panel_size": "2",
        "min_panel_size": "1",
        "tables": "0",
        "min_meetings": "1",
        "capacity": "10",
    }
    base.update(values)
    return base


def test_a_facilitator_creates_an_event_and_is_sent_to_invite(db, client, login, pitch_day):
    login(pitch_day.facilitator)
    response = client.post("/events/new", data=_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/invitations")
    event = db.session.query(PitchEvent).one()
    assert (event.timezone, len(event.rooms)) == ("Asia/Makassar", 2)


def test_the_event_form_has_no_price_seats_are_sold_through_tickets(db, client, login, pitch_day):
    login(pitch_day.facilitator)
    page = client.get("/events/new").get_data(as_text=True)
    assert 'name="capacity"' in page and "ticket_price" not in page


def test_a_wrong_time_is_shown_next_to_its_field_and_the_form_keeps_the_input(
    db, client, login, pitch_day
):
    login(pitch_day.facilitator)
    response = client.post("/events/new", data=_form(day_start="jam 9", venue="Balai Desa"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="day_start-error"' in page and 'value="Balai Desa"' in page
    assert db.session.query(PitchEvent).count() == 0


def test_one_submit_shows_every_error_of_the_event_form(db, client, login, pitch_day):
    # A date the form cannot read, and rules only the service knows: all at once, each on its
    # field, not one round after another.
    login(pitch_day.facilitator)
    response = client.post(
        "/events/new",
        data=_form(
            starts_on="2026-02-31",
            day_start="25.00",
            day_end="7",
            breaks="abc",
            online_url="javascript:alert(1)",
            mode="meetings",
            tables="0",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("starts_on", "day_start", "day_end", "breaks", "online_url", "tables"):
        assert f'id="{field}-error"' in page, field
    assert db.session.query(PitchEvent).count() == 0


def test_a_date_and_time_pasted_into_the_day_start_is_kept_and_explained(
    db, client, login, pitch_day
):
    # The field used to carry maxlength=5, so the browser cut "2026-12-10 10.00" to "2026-".
    login(pitch_day.facilitator)
    page = client.get("/events/new").get_data(as_text=True)
    assert 'maxlength="5"' not in page
    response = client.post("/events/new", data=_form(day_start="2026-12-10 10.00"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Tulis waktu sebagai jam dan menit, mis. 09.30." in page
    assert 'value="2026-12-10 10.00"' in page


def test_the_cohort_is_invited_from_the_invitations_page(db, client, login, pitch_day):
    login(pitch_day.facilitator)
    client.post("/events/new", data=_form())
    event = db.session.query(PitchEvent).one()
    response = client.post(
        f"/events/{event.id}/invitations", data={"cohort-cohort_id": str(pitch_day.cohort.id)}
    )
    assert response.status_code == 302
    assert db.session.query(EventInvitation).count() == 3
    found = client.get(f"/events/{event.id}/invitations?q=Batik").get_data(as_text=True)
    assert "Batik Pak Joko" in found


def test_an_owner_confirms_attendance_with_times(db, client, login, open_event):
    enterprise = open_event.enterprises[0]
    login(open_event.owners[0])
    url = f"/events/{open_event.event.id}/enterprises/{enterprise.id}/attendance"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"attending": "yes", "available": ["0", "2"]})
    assert response.status_code == 302
    db.session.expire_all()
    invitation = db.session.query(EventInvitation).filter_by(enterprise_id=enterprise.id).one()
    assert invitation.available_slots == [0, 2]


def test_confirming_without_any_time_is_a_422(db, client, login, open_event):
    enterprise = open_event.enterprises[0]
    login(open_event.owners[0])
    url = f"/events/{open_event.event.id}/enterprises/{enterprise.id}/attendance"
    response = client.post(url, data={"attending": "yes"})
    assert response.status_code == 422


def test_an_investor_registers_and_then_sees_the_availability_form(
    db, client, login, make, open_event
):
    investor = make.investor()
    login(investor)
    detail = client.get(f"/events/{open_event.event.id}").get_data(as_text=True)
    assert f"/events/{open_event.event.id}/register" in detail
    response = client.post(f"/events/{open_event.event.id}/register")
    assert response.headers["Location"].endswith("/availability")
    assert client.get(response.headers["Location"]).status_code == 200


def test_an_investor_marks_must_meet_and_no_thanks(db, client, login, open_event):
    investor = open_event.investors[0]
    first, second = open_event.enterprises[0].id, open_event.enterprises[1].id
    login(investor)
    response = client.post(
        f"/events/{open_event.event.id}/preferences",
        data={f"pref-{first}": "must", f"pref-{second}": "no"},
    )
    assert response.status_code == 302
    values = {(p.enterprise_id, p.value) for p in db.session.query(EventPreference)}
    assert values == {(first, "must"), (second, "no")}


def test_build_shows_progress_then_the_report(db, app, client, login, open_event):
    app.config["TASKS_MODE"] = "collect"
    login(open_event.facilitator)
    response = client.post(f"/events/{open_event.event.id}/schedule/build")
    progress_url = response.headers["Location"]
    waiting = client.get(progress_url)
    assert waiting.headers["Refresh"] == "2" and "<progress" in waiting.get_data(as_text=True)
    tasks.run_collected()
    done = client.get(progress_url)
    assert "Refresh" not in done.headers
    page = client.get(f"/events/{open_event.event.id}/schedule").get_data(as_text=True)
    assert 'id="solver-status"' in page and "Keripik Bu Sri" in page
    # Figures in the language of the page: a decimal comma in Indonesian.
    run = schedules.latest_run(open_event.event)
    run.solve_s, run.gap_pct = 0.055, 2.5
    db.session.commit()
    page = client.get(f"/events/{open_event.event.id}/schedule").get_data(as_text=True)
    assert "0,06 detik" in page and "2,5 %" in page


def test_a_refused_move_says_why_and_changes_nothing(db, client, login, open_event):
    schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()
    draft = schedules.draft_of(open_event.event)
    first, second = draft.items[0], draft.items[1]
    before = (first.slot, first.room)
    login(open_event.facilitator)
    response = client.post(
        f"/events/{open_event.event.id}/schedule/move",
        data={"item_id": first.id, "slot": second.slot, "room": second.room},
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in page
    db.session.expire_all()
    assert (first.slot, first.room) == before


def test_publish_then_owner_agenda_print_and_ics_link(db, client, login, open_event):
    schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()
    login(open_event.facilitator)
    client.post(f"/events/{open_event.event.id}/schedule/publish")
    assert "Keripik Bu Sri" in client.get(f"/events/{open_event.event.id}/schedule/print").get_data(
        as_text=True
    )
    login(open_event.owners[0])
    enterprise = open_event.enterprises[0]
    page = client.get(f"/events/{open_event.event.id}/enterprises/{enterprise.id}/agenda")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "WITA" in text and 'id="ics-link"' in text
    assert "Batik Pak Joko" not in text  # another enterprise's pitch is not on this agenda


def test_a_judge_scores_on_the_phone_form_and_a_missing_score_is_a_422(
    db, client, login, open_event
):
    event = open_event.event
    judging.use_standard_sheet(actor=open_event.facilitator, event=event)
    judge = open_event.investors[0]
    make_judge(open_event.facilitator, event, judge)
    db.session.commit()
    enterprise = open_event.enterprises[0]
    login(judge)
    url = f"/events/{event.id}/judging/{enterprise.id}"
    criteria = [c.id for c in event.criteria]
    partial = {f"c{c}": "7" for c in criteria[:-1]} | {"comment": "Produk kuat"}
    response = client.post(url, data=partial)
    assert response.status_code == 422 and "Produk kuat" in response.get_data(as_text=True)
    response = client.post(url, data={f"c{c}": "7" for c in criteria})
    assert response.status_code == 302 and db.session.query(Review).count() == 1


def test_a_judge_sees_a_conflict_instead_of_the_form(db, client, login, make, open_event):
    event = open_event.event
    judging.use_standard_sheet(actor=open_event.facilitator, event=event)
    colleague = make.facilitator(organisation=open_event.facilitator.organisation)
    make_judge(open_event.facilitator, event, colleague)
    db.session.commit()
    login(colleague)
    queue = client.get(f"/events/{event.id}/judging").get_data(as_text=True)
    assert f"/events/{event.id}/judging/{open_event.enterprises[0].id}" not in queue
    response = client.post(
        f"/events/{event.id}/judging/{open_event.enterprises[0].id}",
        data={f"c{c.id}": "9" for c in event.criteria},
    )
    assert response.status_code == 422 and db.session.query(Review).count() == 0


def test_feedback_is_sent_and_readable_only_by_its_enterprise(db, client, login, open_event):
    event = open_event.event
    judging.use_standard_sheet(actor=open_event.facilitator, event=event)
    judge = open_event.investors[0]
    make_judge(open_event.facilitator, event, judge)
    for enterprise, comment in zip(open_event.enterprises[:2], ("Bagus", "RAHASIA"), strict=True):
        judging.save_review(
            actor=judge,
            event=event,
            enterprise=enterprise,
            scores={c.id: 6 for c in event.criteria},
            comment=comment,
        )
    db.session.commit()
    login(open_event.facilitator)
    mail.outbox.clear()
    assert client.post(f"/events/{event.id}/feedback").status_code == 302
    assert len(mail.outbox) == 2
    login(open_event.owners[0])
    own = client.get(f"/events/{event.id}/enterprises/{open_event.enterprises[0].id}/feedback")
    assert "Bagus" in own.get_data(as_text=True) and "RAHASIA" not in own.get_data(as_text=True)
    assert '<td class="num">6,0</td>' in own.get_data(as_text=True)  # 6,0 in Indonesian
    other = client.get(f"/events/{event.id}/enterprises/{open_event.enterprises[1].id}/feedback")
    assert other.status_code == 403


def _record_outcome(client, open_event, **changes):
    """The investor's outcome form for the first enterprise, sent with `changes`."""
    data = {
        "enterprise_id": open_event.enterprises[0].id,
        "track": "investment",
        "status": "due_diligence",
        "on": dt.date.today().isoformat(),
        "amount": "75 jt",
    }
    return client.post(f"/events/{open_event.event.id}/outcomes", data={**data, **changes})


def test_outcomes_are_recorded_and_shown_on_the_enterprise_page(db, client, login, open_event):
    investor, enterprise = open_event.investors[0], open_event.enterprises[0]
    login(investor)
    response = _record_outcome(client, open_event)
    assert response.status_code == 302
    amount = re.compile(r"Rp75[.,]000[.,]000")  # the investor reads English: Rp75,000,000
    page = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert amount.search(page)
    summary = client.get(f"/events/{open_event.event.id}/summary").get_data(as_text=True)
    assert amount.search(summary)
    # The event's pages list several enterprises' outcomes: each row names its enterprise.
    named = f'<td class="lead">{html.escape(enterprise.name)}</td>'
    assert named in summary
    outcomes_page = client.get(f"/events/{open_event.event.id}/outcomes").get_data(as_text=True)
    assert named in outcomes_page
    client.post("/logout")
    assert not amount.search(client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True))


def test_a_status_from_the_wrong_ladder_is_a_422(db, client, login, open_event):
    login(open_event.investors[0])
    response = _record_outcome(client, open_event, track="kur", status="funded", amount="")
    assert response.status_code == 422


def test_a_date_that_does_not_exist_is_named_and_what_was_typed_kept(db, client, login, open_event):
    # 31 February: a browser without a date picker sends what was typed. The error names it
    # (a required check's "give the date" used to replace it), and the amount typed stays.
    login(open_event.investors[0])
    response = _record_outcome(client, open_event, on="2026-02-31")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "There is no date 2026-02-31: write it as year-month-day" in page
    assert "Give the date." not in page
    assert 'value="75 jt"' in page


def test_the_outcome_date_starts_at_today_where_the_event_is(
    db, client, login, open_event, monkeypatch
):
    # 18:30 UTC is already the next day in Jakarta (01:30 WIB): the form offers that day.
    from marketplace.events.views import outcomes as outcome_views

    late_evening = dt.datetime(2026, 12, 6, 18, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(outcome_views, "utcnow", lambda: late_evening)
    open_event.event.timezone = "Asia/Jakarta"
    db.session.commit()
    login(open_event.investors[0])
    page = client.get(f"/events/{open_event.event.id}/outcomes").get_data(as_text=True)
    assert 'value="2026-12-07"' in page


def test_an_outcome_dated_before_2000_is_refused_as_a_slip(db, client, login, open_event):
    login(open_event.investors[0])
    response = _record_outcome(client, open_event, on="0001-01-01")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'id="on-error"' in page and "Give a date from the year 2000 onwards." in page
    assert _record_outcome(client, open_event, on="2000-01-01").status_code == 302


def test_one_submit_shows_every_error_of_the_outcome_form(db, client, login, open_event):
    # An unreadable amount used to hide the future date until a second submit.
    login(open_event.investors[0])
    future = dt.date.today() + dt.timedelta(days=10)
    response = _record_outcome(client, open_event, on=future.isoformat(), amount="banyak")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'id="amount-error"' in page and 'value="banyak"' in page
    assert 'id="on-error"' in page and "The date cannot be in the future." in page


def test_the_organiser_controls_are_hidden_from_investors(db, client, login, open_event):
    login(open_event.investors[0])
    page = client.get(f"/events/{open_event.event.id}").get_data(as_text=True)
    assert "/schedule/build" not in page and "/invitations" not in page


def test_the_event_summary_counts_what_happened(db, open_event):
    enterprise = open_event.enterprises[0]
    outcomes.record_outcome(
        actor=open_event.facilitator,
        enterprise=enterprise,
        track="kur",
        status="disbursed",
        on=dt.date(2026, 9, 1),
        amount=50_000_000,
        lender_name="BRI Unit Panakkukang",
        event=open_event.event,
    )
    summary = outcomes.summary(open_event.event)
    assert (summary.invited, summary.confirmed, summary.investors) == (3, 3, 2)
    assert summary.disbursed_amount == 50_000_000 and summary.by_status == {"disbursed": 1}
