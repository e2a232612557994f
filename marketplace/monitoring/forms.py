from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields import MonthField
from wtforms.validators import NumberRange, Optional

from marketplace import vocab
from marketplace.forms import MoneyField, WholeNumberField
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

    month = MonthField(_l("Month"), validators=[Optional()], default=dt.date.today)
    revenue = MoneyField(_l("Revenue this month (Rp)"))
    employees_women = WholeNumberField(_l("Employees: women"), validators=[Optional(), _PEOPLE])
    employees_men = WholeNumberField(_l("Employees: men"), validators=[Optional(), _PEOPLE])


def add_finance_fields(form_class):
    """One rupiah field per financing route (vocab.ROUTES): finance received this month."""
    for code, label in vocab.ROUTES.items():
        setattr(form_class, f"finance_{code}", MoneyField(label))
    return form_class


add_finance_fields(CheckInForm)


class OwnerAgeForm(FlaskForm):
    birth_year = WholeNumberField(_l("Owner's year of birth"), validators=[Optional()])
    counted = BooleanField(_l("Count the owner's age band in programme reports (totals only)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The input's min and max are the service's range (monitoring.services), this year's.
        earliest, latest = indicators.birth_year_range()
        self.birth_year.validators = [
            Optional(),
            NumberRange(min=earliest, max=latest, message=indicators.birth_year_message()),
        ]
        self.birth_year.flags.min, self.birth_year.flags.max = earliest, latest
