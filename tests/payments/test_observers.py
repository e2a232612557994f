"""Observer tickets (issue 11: "investor and observer tickets"): any confirmed account buys an
observer place; the paid order is the seat, with no event registration. Against the FAKE
Stripe transport; no live Stripe call is made. Also: everyone concerned hears of a
cancellation in the app, and seats reserved unpaid before tickets show on the orders page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace import mail
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import permissions as event_permissions
from marketplace.events import reminders
from marketplace.events import services as event_services
from marketplace.events.models import EventRegistration
from marketplace.models import utcnow
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification
from marketplace.payments import cancellation, services, tickets
from marketplace.payments.models import TicketOrder
from tests.payments.conftest import PRICE

OBSERVER_PRICE = 75_000


@pytest.fixture
def gallery(db, shop):
    """Two observer places at 75.000 on the shop's event (10 seats: 5 + 3 + 2)."""
    ticket = tickets.save_ticket_type(
        actor=shop.facilitator,
        event=shop.event,
        data=tickets.TicketTypeData(
            name="Pengamat", price=OBSERVER_PRICE, capacity=2, kind="observer"
        ),
    )
    db.session.commit()
    return ticket


def _pay(db, fake_stripe, user, ticket, *, now=None):
    order = services.hold_ticket(actor=user, ticket_type=ticket, now=now)
    db.session.commit()
    if order.amount:
        services.open_checkout(
            order=order, success_url="http://x/ok", cancel_url="http://x/no", locale="id", now=now
        )
        db.session.commit()
        fake_stripe.pay(order.stripe_session_id)
        services.check_order(order=order, now=now)
        db.session.commit()
    db.session.refresh(order)
    return order


def test_an_enterprise_owner_buys_an_observer_place_with_a_receipt_and_no_registration(
    db, make, shop, gallery, fake_stripe
):
    owner = make.owner()
    db.session.commit()

    order = _pay(db, fake_stripe, owner, gallery)

    assert order.status == "paid" and order.receipt_number.startswith("KW/")
    assert order.amount == OBSERVER_PRICE and order.registration_id is None
    assert db.session.scalar(select(func.count(EventRegistration.id))) == 0
    receipts = [m for m in mail.outbox if m.to == owner.email and "KW/" in m.subject]
    assert len(receipts) == 1
    seats = tickets.seats_left(gallery, now=utcnow())
    assert seats.type_left == 1 and seats.event_left == 9  # the observer's place is a seat
    with pytest.raises(Conflict):  # one place per person
        services.hold_ticket(actor=owner, ticket_type=gallery)


def test_who_may_buy_an_observer_place(db, make, shop, gallery):
    other_facilitator = make.facilitator()
    unverified_investor = make.investor(verified=False)
    unconfirmed = make.owner(email_confirmed_at=None)
    db.session.commit()

    assert tickets.can_buy(other_facilitator, gallery)
    assert tickets.can_buy(unverified_investor, gallery)
    assert tickets.can_buy(shop.investors[0], gallery)
    assert not tickets.can_buy(unverified_investor, shop.seat)  # investor seats stay theirs
    assert not tickets.can_buy(unconfirmed, gallery)
    assert not event_permissions.can_view_event(unconfirmed, shop.event)
    assert event_permissions.can_view_event(other_facilitator, shop.event)
    assert not tickets.can_buy(shop.facilitator, gallery)  # the organisers run the day
    with pytest.raises(PermissionDenied):
        services.hold_ticket(actor=unconfirmed, ticket_type=gallery)


def test_an_investor_with_a_seat_at_the_tables_cannot_also_observe(db, shop, gallery, fake_stripe):
    _pay(db, fake_stripe, shop.investors[0], shop.seat)

    with pytest.raises(Conflict):
        services.hold_ticket(actor=shop.investors[0], ticket_type=gallery)


def test_observer_places_are_held_and_freed_like_any_seat(db, make, shop, gallery, fake_stripe):
    buyers = [make.owner() for _ in range(3)]
    db.session.commit()
    now = utcnow()
    services.hold_ticket(actor=buyers[0], ticket_type=gallery, now=now)
    services.hold_ticket(actor=buyers[1], ticket_type=gallery, now=now)
    db.session.commit()

    with pytest.raises(Conflict):
        services.hold_ticket(actor=buyers[2], ticket_type=gallery, now=now)
    db.session.rollback()
    later = now + dt.timedelta(minutes=tickets.hold_minutes(shop.event) + 1)
    order = services.hold_ticket(actor=buyers[2], ticket_type=gallery, now=later)

    assert order.status == "pending"


def test_an_observer_price_under_stripes_minimum_is_refused(db, shop):
    with pytest.raises(ValidationError) as refused:
        tickets.save_ticket_type(
            actor=shop.facilitator,
            event=shop.event,
            data=tickets.TicketTypeData(name="Murah", price=1, capacity=1, kind="observer"),
        )
    assert refused.value.field == "price"


def test_an_observer_sees_lists_and_is_reminded_of_the_event(db, make, shop, gallery, fake_stripe):
    owner = make.owner()
    db.session.commit()
    assert event_permissions.can_view_event(owner, shop.event)
    assert shop.event in event_services.events_for(owner)

    order = _pay(db, fake_stripe, owner, gallery)

    reminded = {r.user.id: r.path for r in reminders.recipients(shop.event)}
    assert reminded[owner.id] == f"/orders/{order.id}"


def test_without_observer_places_an_owner_does_not_see_the_event(db, make, shop):
    owner = make.owner()
    db.session.commit()

    assert not event_permissions.can_view_event(owner, shop.event)
    assert shop.event not in event_services.events_for(owner)


def test_cancelling_tells_every_ticket_holder_in_the_app_and_mails_each_once(
    db, make, shop, gallery, fake_stripe
):
    investor = _pay(db, fake_stripe, shop.investors[0], shop.seat).user
    free = _pay(db, fake_stripe, shop.investors[1], shop.free).user
    owner = make.owner()
    reader = make.owner()  # reads notifications in the app only
    db.session.commit()
    observer = _pay(db, fake_stripe, owner, gallery).user
    app_only = _pay(db, fake_stripe, reader, gallery).user
    notifications.save_settings(user=app_only, choices={"event_cancelled": "app"})
    db.session.commit()
    mail.outbox.clear()

    cancellation.cancel_event(actor=shop.facilitator, event=shop.event, reason="Banjir")
    db.session.commit()

    holders = {investor.id, free.id, observer.id, app_only.id}
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "event_cancelled")
        )
    )
    assert told == holders
    for user in (investor, free, observer, app_only):
        assert len([m for m in mail.outbox if m.to == user.email and "Banjir" in m.body]) == 1
    assert event_permissions.can_view_event(observer, shop.event)  # the link still opens
    assert db.session.get(TicketOrder, _order_id(db, observer)).status == "refunded"


def test_cancelling_tells_the_judges_too(db, make, shop):
    from marketplace.events.models import EventJudge

    judge = make.investor()
    db.session.add(EventJudge(event=shop.event, user=judge))
    db.session.commit()

    cancellation.cancel_event(actor=shop.facilitator, event=shop.event, reason="Banjir")
    db.session.commit()

    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "event_cancelled")
    ).all()
    assert told.count(judge.id) == 1


def _order_id(db, user):
    return db.session.scalar(select(TicketOrder.id).where(TicketOrder.user_id == user.id))


# --- over HTTP ---------------------------------------------------------------------------------
def test_the_organiser_adds_an_observer_ticket_on_the_tickets_page(client, db, login, shop):
    login(shop.facilitator)

    response = client.post(
        f"/events/{shop.event.id}/tickets/manage",
        data={
            "type-name": "Pengamat",
            "type-kind": "observer",
            "type-price": "0",
            "type-capacity": "2",
        },
    )

    assert response.status_code == 302
    page = client.get(f"/events/{shop.event.id}/tickets/manage").get_data(as_text=True)
    assert "Pengamat" in page
    assert [t.kind for t in tickets.ticket_types(shop.event) if t.name == "Pengamat"] == [
        "observer"
    ]


def test_an_owner_takes_a_free_observer_place_and_shows_in_the_attendee_list(
    client, db, login, make, shop
):
    free_gallery = tickets.save_ticket_type(
        actor=shop.facilitator,
        event=shop.event,
        data=tickets.TicketTypeData(name="Galeri", price=0, capacity=2, kind="observer"),
    )
    owner = make.owner(name="Ibu Pengamat")
    db.session.commit()
    login(owner)
    assert client.get(f"/events/{shop.event.id}").status_code == 200
    page = client.get(f"/events/{shop.event.id}/tickets").get_data(as_text=True)
    assert "Galeri" in page and "Ambil kursi gratis" in page

    response = client.post(f"/events/{shop.event.id}/tickets/{free_gallery.id}/buy")

    assert response.status_code == 302
    order_id = _order_id(db, owner)
    assert response.headers["Location"].endswith(f"/orders/{order_id}")
    assert client.get(f"/orders/{order_id}").status_code == 200
    assert client.post(f"/events/{shop.event.id}/tickets/{shop.seat.id}/buy").status_code == 403
    login(shop.facilitator)
    attendees = client.get(f"/events/{shop.event.id}/orders").get_data(as_text=True)
    assert "Ibu Pengamat" in attendees and "Pengamat</td>" in attendees


def test_the_orders_page_shows_a_seat_reserved_unpaid_before_tickets(
    client, db, login, shop, fake_stripe
):
    investor = shop.investors[0]
    legacy = EventRegistration(
        event_id=shop.event.id,
        user_id=investor.id,
        organisation_id=investor.organisation_id,
        status="registered",
        payment_state="pending",
        price=PRICE,
    )
    db.session.add(legacy)
    db.session.commit()
    login(investor)

    response = client.get("/orders")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert shop.event.title in page and "Terdaftar sebelum ada tiket, belum dibayar" in page
    assert "250.000" in page


def test_the_orders_page_lists_only_ones_own_orders(client, db, login, shop, fake_stripe):
    mine = _pay(db, fake_stripe, shop.investors[0], shop.free)
    theirs = _pay(db, fake_stripe, shop.investors[1], shop.free)
    login(shop.investors[0])

    page = client.get("/orders").get_data(as_text=True)

    assert mine.reference in page and theirs.reference not in page


def test_the_orders_page_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/orders")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
