from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields import MonthField
from wtforms.validators import NumberRange, Optional

from marketplace import vocab
from marketplace.forms import MoneyField
from marketplace.monitoring import indicators

_PEOPLE = NumberRange(
    min=0,
    max=100_000,
    message=_l("Enter a whole number from %(min)s to %(max)s.", min=0, max=100_000),
)


class TargetForm(FlaskForm):
    indicator = SelectField(_l("Indicator"), choices=[], validate_choice=False)
    period = StringField(_l("Period (2026 or 2026-Q3)"))
    target = MoneyField(_l("Target"))
    baseline = MoneyField(_l("Baseline (optional)"))
    donor_code = StringField(_l("Donor's code (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator.choices = [
            (code, str(spec.name)) for code, spec in indicators.INDICATORS.items()
        ]


class CheckInForm(FlaskForm):
    """A month's figures, on a phone: rupiah as people type them (MoneyField)."""

    month = MonthField(_l("Month"), validators=[Optional()])
    revenue = MoneyField(_l("Revenue this month (Rp)"))
    employees_women = IntegerField(_l("Employees: women"), validators=[Optional(), _PEOPLE])
    employees_men = IntegerField(_l("Employees: men"), validators=[Optional(), _PEOPLE])


def add_finance_fields(form_class):
    """One rupiah field per financing route (vocab.ROUTES): finance received this month."""
    for code, label in vocab.ROUTES.items():
        setattr(form_class, f"finance_{code}", MoneyField(label))
    return form_class


add_finance_fields(CheckInForm)


def check_in_form(month: dt.date, saved=None) -> CheckInForm:
    """The check-in form for `month`, showing the figures `saved` for it (a CheckIn) if any."""
    data: dict = {"month": month}
    if saved is not None:
        data.update(
            revenue=saved.revenue,
            employees_women=saved.employees_women,
            employees_men=saved.employees_men,
        )
        for received in saved.finance:
            data[f"finance_{received.route}"] = received.amount
    return CheckInForm(formdata=None, data=data)


class OwnerAgeForm(FlaskForm):
    birth_year = IntegerField(
        _l("Owner's year of birth"),
        validators=[
            Optional(),
            NumberRange(
                min=1900,
                max=2100,
                message=_l("Give the owner's year of birth, for example 1985."),
            ),
        ],
    )
    counted = BooleanField(_l("Count the owner's age band in programme reports (totals only)"))
