"""Forms of the tickets pages: what the organiser sets, what a buyer types, refunds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace.forms import MomentField, MoneyField, WholeNumberField, whole_number_range
from marketplace.payments.models import TICKET_KINDS
from marketplace.payments.tickets import TicketTypeData


def _utc(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC) if value else None


class TicketTypeForm(FlaskForm):
    name = StringField(
        _l("Name (e.g. investor seat, observer)"), validators=[DataRequired(), Length(max=80)]
    )
    kind = SelectField(
        _l("Who it is for"),
        choices=list(TICKET_KINDS.items()),
        default="investor",
    )
    price = MoneyField(_l("Price, Rp (0: free)"), validators=[InputRequired()])
    capacity = WholeNumberField(
        _l("Seats of this ticket"), validators=[InputRequired(), whole_number_range(1, 10_000)]
    )
    sale_starts_at = MomentField(_l("Sale opens (blank: now)"), validators=[Optional()])
    sale_ends_at = MomentField(
        _l("Sale closes (blank: when registration closes)"), validators=[Optional()]
    )

    def data_for(self, zone: str) -> TicketTypeData:
        return TicketTypeData(
            name=self.name.data or "",
            price=self.price.amount or 0,
            capacity=self.capacity.data or 0,
            kind=self.kind.data or "investor",
            sale_starts_at=_utc(self.sale_starts_at.data, zone),
            sale_ends_at=_utc(self.sale_ends_at.data, zone),
        )


class DiscountCodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    percent_off = WholeNumberField(
        _l("Discount, % (100: free ticket)"),
        validators=[InputRequired(), whole_number_range(1, 100)],
    )
    max_uses = WholeNumberField(
        _l("How many times it can be used"),
        validators=[InputRequired(), whole_number_range(1, 10_000)],
    )


class HoldTimeForm(FlaskForm):
    hold_minutes = WholeNumberField(
        _l("Minutes a seat is held while the buyer pays"), validators=[InputRequired()]
    )


class BuyForm(FlaskForm):
    code = StringField(_l("Discount code (optional)"), validators=[Optional(), Length(max=40)])


class RefundForm(FlaskForm):
    amount = MoneyField(_l("Amount to refund, Rp"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason (the buyer sees it)"), validators=[DataRequired(), Length(max=300)]
    )


class CancelEventForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the event cancelled? (everyone concerned reads it)"),
        validators=[DataRequired(), Length(max=300)],
    )
