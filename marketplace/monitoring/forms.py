from __future__ import annotations

import datetime as dt
import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from marketplace import money, vocab
from marketplace.forms import (
    MoneyField,
    MonthOfYearField,
    WholeNumberField,
    optional_whole_number,
    whole_number_range,
)
from marketplace.monitoring import indicators

COUNT_MESSAGE = _l("Write a whole number, for example 120.")
# A target or baseline counts enterprises or people: far above any programme, far below what
# the database's integer column holds (a larger figure answered 500).
COUNT_MAX = 1_000_000_000
# Digits, grouped by thousands the way the user's language writes them (1.200 in Indonesian,
# 1,200 in English) or by spaces; never a fraction or a letter O for a zero.
_COUNT = {
    "id": re.compile(r"^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+)$"),
    "en": re.compile(r"^(\d+|\d{1,3}(,\d{3})+|\d{1,3}( \d{3})+)$"),
}


def parse_count(text: str | None, *, locale: str | None = None, least: int = 0) -> int | None:
    """A whole count as people type it (`120`, `1.200`; `1,200` in English); None when blank.
    Raises ValueError with COUNT_MESSAGE for anything else (`12,5`, `1.2OO`), and one naming
    the range for a count over COUNT_MAX."""
    raw = " ".join((text or "").split())
    if not raw:
        return None
    locale = locale or str(get_locale() or "id")
    pattern = _COUNT["en" if locale.startswith("en") else "id"]
    if raw.startswith("-") and pattern.match(raw[1:].strip()):
        # A whole number, only below the range: say the range, not "write a whole number".
        raise ValueError(str(whole_number_range(least, COUNT_MAX).message))
    if not pattern.match(raw):
        raise ValueError(str(COUNT_MESSAGE))
    count = int(re.sub(r"\D", "", raw))
    if count > COUNT_MAX:
        raise ValueError(str(whole_number_range(least, COUNT_MAX).message))
    return count


class FigureField(StringField):
    """A target's figure: rupiah as people type them for a rupiah indicator, a whole count for
    the others. The unit is known only with the indicator, so the form reads it (`read`);
    `amount` holds the number or None."""

    def __init__(self, *args, least: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.amount: int | None = None
        self.least = least  # the smallest figure accepted, named in the range a message gives

    def process_data(self, value):
        self.amount = value
        self.data = money.input_value(value)

    def read(self, unit: str) -> bool:
        self.amount = None
        try:
            if unit == "rupiah":
                self.amount = money.parse_rupiah(self.data)
            else:
                self.amount = parse_count(self.data, least=self.least)
        except money.MoneyError as error:
            self.errors.append(str(error.message))
            return False
        except ValueError as error:
            self.errors.append(str(error))
            return False
        return True


class _Figures:
    """Reads a target form's figures in its indicator's unit once the form is validated."""

    def _unit(self) -> str:
        raise NotImplementedError

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        unit = self._unit()
        for figure in (self.target, self.baseline):
            figure.errors = list(figure.errors)
            ok = figure.read(unit) and ok
        return ok


class TargetForm(_Figures, FlaskForm):
    indicator = SelectField(_l("Indicator"), choices=[], validate_choice=False)
    period = StringField(_l("Period (2026 or 2026-Q3)"))
    target = FigureField(_l("Target"), least=1)
    baseline = FigureField(_l("Baseline (optional)"))
    donor_code = StringField(_l("Donor's code (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator.choices = [
            (code, str(spec.name)) for code, spec in indicators.INDICATORS.items()
        ]

    def _unit(self) -> str:
        spec = indicators.INDICATORS.get(self.indicator.data)
        return spec.unit if spec else "rupiah"


class TargetEditForm(_Figures, FlaskForm):
    """A target's figures and donor's code, corrected (its indicator and period stay)."""

    target = FigureField(_l("Target"), least=1)
    baseline = FigureField(_l("Baseline (optional)"))
    donor_code = StringField(_l("Donor's code (optional)"))

    def __init__(self, *args, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def _unit(self) -> str:
        return self.unit


class CheckInForm(FlaskForm):
    """A month's figures, on a phone: rupiah as people type them (MoneyField)."""

    month = MonthOfYearField(_l("Month"), validators=[Optional()])
    revenue = MoneyField(_l("Revenue this month (Rp)"))
    employees_women = optional_whole_number(_l("Employees: women"), most=100_000)
    employees_men = optional_whole_number(_l("Employees: men"), most=100_000)


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
    birth_year = WholeNumberField(_l("Owner's year of birth"), validators=[Optional()])
    counted = BooleanField(_l("Count the owner's age band in programme reports (totals only)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The input's min and max are the service's range (monitoring.check_ins), this year's.
        earliest, latest = indicators.birth_year_range()
        self.birth_year.validators = [
            Optional(),
            NumberRange(min=earliest, max=latest, message=indicators.birth_year_message()),
        ]
        self.birth_year.flags.min, self.birth_year.flags.max = earliest, latest
