"""Tickets pages: the organiser's ticket types, codes and orders; the buyer's choice, the
return page and the receipt; the admin's payments page; Stripe's webhook."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.errors import Conflict
from marketplace.events import permissions as event_permissions
from marketplace.events.views.common import event_for, event_or_404, managed_event
from marketplace.extensions import csrf, db
from marketplace.forms import Attempt, field_values, form_status, submitted
from marketplace.models import as_utc, utcnow
from marketplace.payments import (
    cancellation,
    forms,
    gateway,
    refunds,
    reports,
    services,
    tickets,
    webhooks,
)
from marketplace.payments import permissions as payment_permissions
from marketplace.payments.models import OrderRefund, TicketOrder, TicketType
from marketplace.permissions import is_admin
from marketplace.web import download, require_permission, visible_or_404

bp = Blueprint("payments", __name__)


def _order(order_id: int) -> TicketOrder:
    return visible_or_404(TicketOrder, order_id, payment_permissions.can_view_order)


# --- the organiser ---------------------------------------------------------------------------
@bp.route("/events/<int:event_id>/tickets/manage", methods=["GET", "POST"])
@login_required
def manage(event_id: int):
    event = managed_event(event_id)
    form = forms.TicketTypeForm(prefix="type")
    done = submitted(
        form,
        lambda: tickets.save_ticket_type(
            actor=current_user, event=event, data=form.data_for(event.timezone)
        ),
        success=_("Ticket saved."),
        then=url_for("payments.manage", event_id=event.id),
        problems=lambda: tickets.ticket_type_problems(event, form.data_for(event.timezone)),
    )
    return done or _manage_page(event, form=form)


@bp.post("/events/<int:event_id>/tickets/codes")
@login_required
def add_code(event_id: int):
    event = managed_event(event_id)
    code_form = forms.DiscountCodeForm(prefix="code")
    done = submitted(
        code_form,
        lambda: tickets.add_discount_code(
            actor=current_user,
            event=event,
            **field_values(code_form, "code", "percent_off", "max_uses"),
        ),
        success=_("Code added."),
        then=url_for("payments.manage", event_id=event.id),
        problems=lambda: tickets.discount_code_problems(
            event, **field_values(code_form, "code", "percent_off", "max_uses")
        ),
    )
    return done or _manage_page(event, code_form=code_form)


@bp.post("/events/<int:event_id>/tickets/hold")
@login_required
def set_hold(event_id: int):
    event = managed_event(event_id)
    hold_form = forms.HoldTimeForm(prefix="hold")
    done = submitted(
        hold_form,
        lambda: tickets.set_hold_minutes(
            actor=current_user, event=event, minutes=hold_form.hold_minutes.data
        ),
        success=_("Hold time saved."),
        then=url_for("payments.manage", event_id=event.id),
    )
    return done or _manage_page(event, hold_form=hold_form)


def _manage_page(event, *, form=None, code_form=None, hold_form=None):
    """The organiser's ticket page: the form just sent (with its data and errors) and the
    other two blank, the hold time filled in with the event's current one."""
    if form is None:
        form = forms.TicketTypeForm(prefix="type", formdata=None)
    if code_form is None:
        code_form = forms.DiscountCodeForm(prefix="code", formdata=None)
    if hold_form is None:
        hold_form = forms.HoldTimeForm(prefix="hold", formdata=None)
        hold_form.hold_minutes.data = tickets.hold_minutes(event)
    now = utcnow()
    types = tickets.ticket_types(event)
    codes = tickets.discount_codes(event)
    return render_template(
        "payments/manage.html",
        event=event,
        form=form,
        code_form=code_form,
        hold_form=hold_form,
        min_price=gateway.min_charge("IDR"),
        rows=[(t, tickets.seats_left(t, now=now)) for t in types],
        codes=[(c, tickets.code_uses(c, now=now)) for c in codes],
        stripe_ready=gateway.is_configured(),
    ), form_status(form, code_form, hold_form)


@bp.get("/events/<int:event_id>/orders")
@login_required
def event_orders(event_id: int):
    event = event_for(event_id, payment_permissions.can_see_event_orders)
    orders = reports.event_orders(event)
    return render_template(
        "payments/orders.html",
        event=event,
        orders=orders,
        attendees=reports.attendees(event),
        totals=reports.totals(orders),
        statuses={o.id: reports.display_status(o) for o in orders},
        manage=event_permissions.can_manage_event(current_user, event),
    )


@bp.get("/events/<int:event_id>/orders.csv")
@login_required
def orders_csv(event_id: int):
    event = event_for(event_id, payment_permissions.can_see_event_orders)
    body = reports.orders_csv(reports.event_orders(event))
    return download(body, mimetype="text/csv", filename=f"orders-event-{event.id}.csv")


@bp.route("/orders/<int:order_id>/refund", methods=["GET", "POST"])
@login_required
def refund(order_id: int):
    order = _order(order_id)
    require_permission(payment_permissions.can_refund, order)
    form = forms.RefundForm()
    if request.method == "GET":
        if order.status == "flagged":  # refunds are capped by what Stripe took: ask it now
            with Attempt():
                refunds.read_amount_taken(order=order)
        form.amount.process_data(refunds.refundable(order))
    done = submitted(
        form,
        lambda: refunds.request_refund(
            actor=current_user,
            order=order,
            amount=form.amount.amount or 0,
            reason=form.reason.data,
        ),
        success=_("The refund is on its way."),
        then=url_for("payments.order", order_id=order.id),
    )
    return done or (
        render_template("payments/refund.html", order=order, form=form),
        form_status(form),
    )


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_event(event_id: int):
    event = managed_event(event_id)
    form = forms.CancelEventForm()
    done = submitted(
        form,
        lambda: cancellation.cancel_event(actor=current_user, event=event, reason=form.reason.data),
        success=_("The event is cancelled; refunds are on their way."),
        then=url_for("payments.event_orders", event_id=event.id),
    )
    if done:
        return done
    paid = [o for o in reports.event_orders(event) if o.status == "paid" and o.amount > 0]
    return render_template(
        "payments/cancel_event.html", event=event, form=form, paid=paid
    ), form_status(form)


# --- the buyer ---------------------------------------------------------------------------------
@bp.get("/events/<int:event_id>/tickets")
@login_required
def tickets_page(event_id: int):
    event = event_or_404(event_id)
    now = utcnow()
    types = tickets.ticket_types(event)
    mine = db.session.scalars(
        select(TicketOrder)
        .where(TicketOrder.event_id == event.id, TicketOrder.user_id == current_user.id)
        .order_by(TicketOrder.id.desc())
    ).all()
    return render_template(
        "payments/tickets.html",
        event=event,
        rows=_ticket_rows(types, now),
        mine=mine,
        held=services.held_seat(user=current_user, event=event, now=now),
        form=forms.BuyForm(),
        hold_minutes=tickets.hold_minutes(event),
    )


def _ticket_rows(types, now):
    """(ticket type, seats, on sale, may the current user buy it) per type."""
    return [
        (t, tickets.seats_left(t, now=now), t.on_sale(now), tickets.can_buy(current_user, t))
        for t in types
    ]


@bp.post("/events/<int:event_id>/tickets/<int:ticket_type_id>/buy")
@login_required
def buy(event_id: int, ticket_type_id: int):
    event = event_or_404(event_id)
    ticket_type = visible_or_404(TicketType, ticket_type_id, event_id=event.id)
    require_permission(tickets.can_buy, ticket_type)
    form = forms.BuyForm()
    if not form.validate_on_submit():
        return redirect(url_for("payments.tickets_page", event_id=event.id))
    with Attempt(form=form) as outcome:
        order = services.hold_ticket(
            actor=current_user, ticket_type=ticket_type, code=form.code.data or ""
        )
    if not outcome.ok:
        return _buy_refused(event, form)
    if order.amount == 0:
        return redirect(url_for("payments.order", order_id=order.id))
    # The hold is committed; Stripe is asked with no lock held. When Stripe fails, the order is
    # marked failed and that is committed too, so the seat is free again at once.
    try:
        checkout_url = services.open_checkout(
            order=order,
            success_url=url_for("payments.order", order_id=order.id, _external=True)
            + "?from=stripe",
            cancel_url=url_for("payments.order", order_id=order.id, _external=True),
            locale=str(get_locale() or "id"),
        )
    except Conflict as error:
        db.session.commit()
        flash(str(error.message), "error")
        return redirect(url_for("payments.tickets_page", event_id=event.id))
    db.session.commit()
    return redirect(checkout_url, code=303)


def _buy_refused(event, form):
    return render_template(
        "payments/tickets.html",
        event=event,
        rows=_ticket_rows(tickets.ticket_types(event), utcnow()),
        mine=[],
        form=form,
        hold_minutes=tickets.hold_minutes(event),
    ), form_status(form)


@bp.get("/orders")
@login_required
def my_orders():
    orders = reports.orders_of(current_user)
    return render_template(
        "payments/my_orders.html",
        orders=orders,
        statuses={o.id: reports.display_status(o) for o in orders},
        unpaid_seats=reports.unpaid_seats_before_tickets(current_user),
        registrations=reports.registrations_without_order(current_user),
    )


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int):
    order = _order(order_id)
    if order.status in ("pending", "processing") and order.stripe_session_id:
        # Back from Stripe (or reloading): ask Stripe now instead of waiting for the webhook.
        try:
            services.check_order(order=order)
            db.session.commit()
        except Conflict:
            db.session.rollback()
    seconds_left = max(0, int((as_utc(order.hold_expires_at) - utcnow()).total_seconds()))
    return render_template(
        "payments/order.html",
        order=order,
        seconds_left=seconds_left,
        can_refund=payment_permissions.can_refund(current_user, order),
    )


@bp.get("/orders/<int:order_id>/receipt")
@login_required
def receipt(order_id: int):
    order = _order(order_id)
    if order.receipt_number is None:
        abort(404)
    return render_template("payments/receipt.html", order=order)


@bp.post("/orders/<int:order_id>/receipt/resend")
@login_required
def resend_receipt(order_id: int):
    order = _order(order_id)
    require_permission(is_admin)
    with Attempt(success=_("The receipt is sent again to %(email)s.", email=order.user.email)):
        services.resend_receipt(actor=current_user, order=order)
    return redirect(url_for("payments.order", order_id=order.id))


# --- the admin ---------------------------------------------------------------------------------
@bp.get("/admin/payments")
@login_required
def admin_payments():
    require_permission(is_admin)
    return render_template(
        "payments/admin.html",
        needing_action=reports.needing_action(),
        failures=reports.webhook_failures(),
        recent=reports.recent_orders(),
    )


@bp.post("/orders/<int:order_id>/check")
@login_required
def check(order_id: int):
    order = _order(order_id)
    require_permission(is_admin)
    with Attempt(success=_("Checked against Stripe.")):
        services.check_order(order=order)
    return redirect(url_for("payments.order", order_id=order.id))


@bp.post("/refunds/<int:refund_id>/retry")
@login_required
def retry_refund(refund_id: int):
    refund_row = db.session.get(OrderRefund, refund_id)
    if refund_row is None or not is_admin(current_user):
        abort(404)
    with Attempt(success=_("The refund is tried again.")):
        refunds.retry_refund(actor=current_user, refund=refund_row)
    return redirect(url_for("payments.admin_payments"))


# --- Stripe ------------------------------------------------------------------------------------
@bp.post("/payments/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    status, text = webhooks.handle(request.get_data(), request.headers.get("Stripe-Signature"))
    return Response(text, status=status, mimetype="text/plain")
