"""Introduction requests (issue 13): who may ask and answer, one open request per pair, the
daily limit, and who is told."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace import mail
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.matching import introductions, shortlists
from marketplace.models import utcnow
from marketplace.notifications.models import Notification
from tests.matching.helpers import published


def _ask(actor, enterprise, organisation, **kwargs):
    return introductions.request_introduction(
        actor=actor,
        enterprise=enterprise,
        organisation=organisation,
        message=kwargs.pop("message", "Kami butuh modal kerja untuk oven baru."),
        **kwargs,
    )


def _notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def test_an_owner_asks_a_verified_investor_and_its_members_are_told(make):
    owner, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    colleague = make.investor(organisation=investor.organisation)
    bystander = make.investor()

    introduction = _ask(owner, enterprise, investor.organisation, instrument="kur")

    assert introduction.status == "pending" and introduction.instrument == "kur"
    assert len(_notices(investor, "introduction_request")) == 1
    assert len(_notices(colleague, "introduction_request")) == 1
    assert _notices(bystander, "introduction_request") == []
    assert _notices(owner, "introduction_request") == []


def test_a_consenting_facilitator_may_ask_and_one_without_consent_may_not(make):
    owner, enterprise = published(make)
    investor = make.investor()
    helper = make.facilitator()
    make.enrol(helper, enterprise)
    waiting = make.facilitator()
    make.enrol(waiting, enterprise, consent="pending")

    assert _ask(helper, enterprise, investor.organisation).requested_by_id == helper.id
    with pytest.raises(PermissionDenied):
        _ask(waiting, enterprise, make.investor().organisation)


@pytest.mark.parametrize("who", ["stranger", "investor", "unconfirmed_owner"])
def test_only_the_enterprise_side_with_a_confirmed_address_asks(make, who):
    owner, enterprise = published(make)
    target = make.investor().organisation
    actor = {
        "stranger": lambda: make.owner(),
        "investor": lambda: make.investor(),
        "unconfirmed_owner": lambda: owner,
    }[who]()
    if who == "unconfirmed_owner":
        owner.email_confirmed_at = None
    with pytest.raises(PermissionDenied):
        _ask(actor, enterprise, target)


def test_a_draft_profile_cannot_ask(make):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    with pytest.raises(PermissionDenied):
        _ask(owner, enterprise, make.investor().organisation)


def test_only_verified_investor_organisations_can_be_asked(make):
    owner, enterprise = published(make)
    with pytest.raises(NotFound):
        _ask(owner, enterprise, make.investor(verified=False).organisation)
    with pytest.raises(NotFound):
        _ask(owner, enterprise, make.facilitator().organisation)


def test_an_empty_message_or_an_unknown_instrument_is_refused(make):
    owner, enterprise = published(make)
    organisation = make.investor().organisation
    with pytest.raises(ValidationError) as empty:
        _ask(owner, enterprise, organisation, message="  ")
    assert empty.value.field == "message"
    with pytest.raises(ValidationError) as unknown:
        _ask(owner, enterprise, organisation, instrument="bitcoin")
    assert unknown.value.field == "instrument"


def test_one_open_request_per_enterprise_and_organisation(make):
    owner, enterprise = published(make)
    helper = make.facilitator()
    make.enrol(helper, enterprise)
    investor = make.investor()
    first = _ask(owner, enterprise, investor.organisation)

    with pytest.raises(Conflict):
        _ask(helper, enterprise, investor.organisation)

    introductions.answer_introduction(actor=investor, introduction=first, decision="decline")
    assert _ask(helper, enterprise, investor.organisation).status == "pending"


def test_an_enterprise_asks_at_most_five_organisations_a_day(make):
    owner, enterprise = published(make)
    now = utcnow()
    for _ in range(introductions.MAX_PER_DAY):
        _ask(owner, enterprise, make.investor().organisation, now=now)

    with pytest.raises(Conflict):
        _ask(owner, enterprise, make.investor().organisation, now=now)
    tomorrow = now + dt.timedelta(hours=25)
    assert _ask(owner, enterprise, make.investor().organisation, now=tomorrow)


def test_accepting_puts_the_enterprise_on_the_shortlist_and_tells_the_enterprise(make):
    owner, enterprise = published(make, name="Keripik Bu Sri")
    helper = make.facilitator()
    make.enrol(helper, enterprise)
    investor = make.investor()
    introduction = _ask(helper, enterprise, investor.organisation)

    introductions.answer_introduction(actor=investor, introduction=introduction, decision="accept")

    assert introduction.status == "accepted" and introduction.decided_by_id == investor.id
    assert shortlists.on_shortlist(investor.organisation_id, enterprise.id)
    assert len(_notices(owner, "introduction_answer")) == 1
    assert len(_notices(helper, "introduction_answer")) == 1
    assert _notices(investor, "introduction_answer") == []
    with pytest.raises(Conflict):
        introductions.answer_introduction(
            actor=investor, introduction=introduction, decision="decline"
        )


def test_declining_leaves_the_shortlist_alone(make):
    owner, enterprise = published(make)
    investor = make.investor()
    introduction = _ask(owner, enterprise, investor.organisation)
    introductions.answer_introduction(actor=investor, introduction=introduction, decision="decline")
    assert introduction.status == "declined"
    assert not shortlists.on_shortlist(investor.organisation_id, enterprise.id)
    assert len(_notices(owner, "introduction_answer")) == 1


def test_only_a_confirmed_member_of_the_verified_organisation_answers(make):
    owner, enterprise = published(make)
    investor = make.investor()
    introduction = _ask(owner, enterprise, investor.organisation)
    unconfirmed = make.investor(organisation=investor.organisation, email_confirmed_at=None)
    for actor in (make.investor(), owner, unconfirmed):
        with pytest.raises(PermissionDenied):
            introductions.answer_introduction(
                actor=actor, introduction=introduction, decision="accept"
            )
    assert introduction.status == "pending"


def test_the_answer_reads_in_each_language(app, make):
    from flask_babel import force_locale

    from marketplace.notifications import services as notification_services

    owner, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor(organisation=make.organisation("investor", name="Bank Desa"))
    introduction = _ask(owner, enterprise, investor.organisation)
    introductions.answer_introduction(actor=investor, introduction=introduction, decision="accept")
    (notice,) = _notices(owner, "introduction_answer")
    with app.test_request_context():
        with force_locale("en"):
            english = notification_services.text_of(notice)
        with force_locale("id"):
            indonesian = notification_services.text_of(notice)
    assert english == (
        "Bank Desa answered the introduction request of Keripik Bu Sri: accepted, your"
        " enterprise is on its shortlist."
    )
    assert indonesian.startswith("Bank Desa menjawab") and "diterima" in indonesian
    db.session.commit()  # the e-mails go after the commit
    assert any(m.to == owner.email for m in mail.outbox)
