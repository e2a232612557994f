"""Notifications: a row for each active recipient, an e-mail in their own language queued in
the same transaction, a list newest first, and "mark all as read"."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.mail.models import OutboundMail
from marketplace.notifications import kinds, services
from marketplace.notifications.models import Notification

PARAMS = {"organisation": "Dana Tumbuh", "enterprise": "Kopi Sri"}


def _mails(db):
    return db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()


def test_notify_writes_one_row_and_one_mail_per_recipient_in_their_language(db, make):
    sri, jane = make.owner(locale="id"), make.investor(locale="en")
    notices = services.notify(
        users=[sri, jane, sri], kind="meeting_requested", params=PARAMS, link="/meetings/7"
    )
    db.session.commit()

    assert sorted(n.user_id for n in notices) == sorted([sri.id, jane.id])  # sri once
    mails = {m.recipient: m for m in _mails(db)}
    assert set(mails) == {sri.email, jane.email}
    assert mails[sri.email].locale == "id" and mails[jane.email].locale == "en"
    assert mails[jane.email].subject == "TemuModal: a meeting request"
    assert mails[sri.email].subject != mails[jane.email].subject
    assert "Dana Tumbuh asks Kopi Sri for a meeting." in mails[jane.email].text
    assert "/meetings/7" in mails[jane.email].text
    assert mails[jane.email].kind == "meeting"  # the footer's reason: the kind's first word


def test_an_inactive_user_gets_neither_a_notification_nor_a_mail(db, make):
    gone = make.owner(active=False)
    assert services.notify(users=[gone], kind="programme_left", params={}, link="/") == []
    db.session.commit()
    assert db.session.scalars(select(Notification)).all() == [] and _mails(db) == []


def test_a_kind_without_a_mail_reason_is_mailed_as_a_notice(db, make):
    owner = make.owner()
    services.notify(
        users=[owner], kind="judge_invited", params={"organisation": "A", "event": "B"}, link="/"
    )
    db.session.commit()
    assert [m.kind for m in _mails(db)] == ["notice"]


def test_an_unknown_kind_is_refused(db, make):
    with pytest.raises(KeyError):
        services.notify(users=[make.owner()], kind="no_such_kind", params={}, link="/")


def test_every_kind_has_a_text_and_a_mail_subject():
    assert kinds.KINDS == set(kinds.MAIL_SUBJECTS)


def test_the_text_shows_the_time_in_the_readers_language(db, make):
    owner = make.owner()
    [notice] = services.notify(
        users=[owner],
        kind="meeting_accepted",
        params={**PARAMS, "time": dt.datetime(2030, 5, 6, 9, 30, tzinfo=dt.UTC).isoformat()},
        link="/meetings/7",
    )
    with force_locale("en"):
        english = services.text_of(notice)
    with force_locale("id"):
        indonesian = services.text_of(notice)
    assert "Kopi Sri" in english and "2030" in english and english != indonesian


def test_latest_for_lists_only_the_users_own_newest_first_and_mark_all_read_counts(db, make):
    owner, other = make.owner(), make.owner()
    for kind in ("programme_accepted", "programme_declined", "programme_left"):
        services.notify(
            users=[owner], kind=kind, params={"enterprise": "E", "cohort": "C"}, link="/"
        )
    services.notify(
        users=[other], kind="programme_left", params={"enterprise": "E", "cohort": "C"}, link="/"
    )
    db.session.commit()

    latest = services.latest_for(owner)
    assert [n.kind for n in latest] == [
        "programme_left",
        "programme_declined",
        "programme_accepted",
    ]
    assert [n.kind for n in services.latest_for(owner, limit=1)] == ["programme_left"]

    assert services.mark_all_read(user=owner) == 3
    assert services.mark_all_read(user=owner) == 0  # nothing left unread
    db.session.commit()
    assert all(n.read_at is not None for n in services.latest_for(owner))
    assert [n.read_at for n in services.latest_for(other)] == [None]
