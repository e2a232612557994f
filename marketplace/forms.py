"""Form widgets and helpers every domain shares: money inputs, checkbox lists, the empty action
form, and how a domain error lands on a form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    MonthField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace import editing, formatting, money, regions
from marketplace.errors import DomainError, NotFound, PermissionDenied, Problems
from marketplace.extensions import db

Result = TypeVar("Result")


class MoneyField(StringField):
    """Rupiah as people type them (`50.000.000`, `Rp 50 jt`, `1,5 M`, `50,000,000` …), read by
    :func:`marketplace.money.parse_rupiah` in the user's locale; `amount` holds whole rupiah or
    None. Negative only where `allow_negative`; anything unreadable is a field error."""

    def __init__(self, *args, allow_negative: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_negative = allow_negative
        self.amount: int | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.amount = None
        try:
            self.amount = money.parse_rupiah(self.data, allow_negative=self.allow_negative)
        except money.MoneyError as error:
            raise ValueError(str(error.message)) from error

    def process_data(self, value):
        self.amount = value
        self.data = money.input_value(value)


class _Typed:
    """A field whose typed text is read before validation. Left empty, it holds no value and no
    error (Optional or a required check decides). Text it cannot read is one error in the user's
    words, and the validators after it do not run: a range's message about the missing number,
    or a required check's "give the date" (which clears the errors before it), would hide what
    is wrong."""

    def unreadable(self, typed: str) -> str:
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) and not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.unreadable(str(valuelist[0]))) from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()

    def __call__(self, **kwargs):
        # A browser empties a date, month or number input holding text it cannot read: shown
        # again as a text box, what was typed stays in front of the user beside its error.
        if self.process_errors:
            kwargs["type"] = "text"
        return super().__call__(**kwargs)


class WholeNumberField(_Typed, IntegerField):
    """A whole number: "1.5" or "dua" is one error ("enter a whole number"), not that error
    and then the range's error about the missing number as well."""

    def unreadable(self, typed: str) -> str:
        return str(_l("Enter a whole number, without a decimal point."))


def whole_number_range(least: int, most: int) -> NumberRange:
    """A whole number's range, its message naming both ends as the user's language writes
    numbers ("dari 0 sampai 1.000.000" / "from 0 to 1,000,000")."""
    message = _l(
        "Enter a whole number from %(min)s to %(max)s.",
        min=LazyString(formatting.number, least, 0),
        max=LazyString(formatting.number, most, 0),
    )
    return NumberRange(min=least, max=most, message=message)


def optional_whole_number(label, *, least: int = 0, most: int, default: int | None = None):
    """A whole-number field that may be left empty, within `least`..`most` (both named in its
    message)."""
    return WholeNumberField(
        label, default=default, validators=[Optional(), whole_number_range(least, most)]
    )


# What a datetime-local input sends, then what people type in a plain text box: a space for
# the T, and the time written 09.30 as Indonesian writes it.
MOMENT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H.%M")


class _Calendar(_Typed):
    """A date, month or moment. Text written the way the input writes one (`written`) but
    naming no real day is `missing`; any other text is `misspelt`, told the format and never
    read by guessing which number is the day. Both messages name what was typed."""

    written: re.Pattern[str]
    missing: Any
    misspelt: Any

    def unreadable(self, typed: str) -> str:
        message = self.missing if self.written.match(typed) else self.misspelt
        return str(message) % {"value": typed[:20]}

    def _value(self):
        # Read fine, it is shown as the input writes it: a date-and-time typed "2026-12-10
        # 10.00" (or a date "2026-3-5") would leave the browser's input empty.
        if self.data is not None and not self.process_errors:
            # %Y writes year 1 as "1": the input wants four digits ("0001-01-01").
            return self.data.strftime(self.format[0].replace("%Y", f"{self.data.year:04d}"))
        return super()._value()


class DayField(_Calendar, DateField):
    """A date as a date input sends it (2026-03-31; an old phone shows a plain text box)."""

    written = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")
    missing = _l("There is no date %(value)s: write it as year-month-day, for example 2026-03-31.")
    misspelt = _l("Write the date as year-month-day, for example 2026-03-31 (not %(value)s).")


class MomentField(_Calendar, DateTimeLocalField):
    """A date and time (2026-03-31T09:30 from a datetime-local input; typed, also
    2026-03-31 09.30)."""

    written = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}[:.]\d{2}\s*$")
    missing = _l(
        "There is no date and time %(value)s: check the day and the hour, for example"
        " 2026-03-31 09.30."
    )
    misspelt = _l(
        "Write the date and time as year-month-day hour.minute, for example"
        " 2026-03-31 09.30 (not %(value)s)."
    )

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", list(MOMENT_FORMATS))
        super().__init__(label, validators, **kwargs)


class MonthOfYearField(_Calendar, MonthField):
    """A month as a month input sends it (2026-03)."""

    written = re.compile(r"^\s*\d{4}-\d{1,2}\s*$")
    missing = _l("There is no month %(value)s: write it as year-month, for example 2026-03.")
    misspelt = _l("Write the month as year-month, for example 2026-03 (not %(value)s).")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VersionedForm(FlaskForm):
    """A form over a record several people edit (see :mod:`marketplace.editing`): it carries
    the record's version and a fingerprint of the values it showed."""

    version = HiddenField()
    opened = HiddenField()

    def open_at(self, row, values) -> None:
        """Remember `row`'s current version and `values` (call when showing the form, and
        again after a conflict so that the next save, made knowingly, goes through). A form
        that will create the row (`row` None) is opened at version 0: a row someone else
        created meanwhile is a conflict too."""
        self.version.data = row.version if row is not None else 0
        self.opened.data = editing.fingerprint(values) if row is not None else ""

    def expected(self) -> dict:
        """`version` and `opened` as the services take them."""
        try:
            version = int(self.version.data) if self.version.data not in (None, "") else None
        except (TypeError, ValueError):
            version = None
        return {"version": version, "opened": self.opened.data or None}


class ActionForm(FlaskForm):
    """An empty form: a button that POSTs with a CSRF token."""


class ConfirmForm(FlaskForm):
    """A destructive action's form: nothing happens unless its box is ticked (the
    `confirm_button` macro), so it asks for confirmation without JavaScript."""

    confirm = BooleanField(validators=[DataRequired()])


def confirmed() -> bool:
    """True when the request's ConfirmForm is submitted with its box ticked; otherwise flash
    that nothing was changed and return False."""
    if ConfirmForm().validate_on_submit():
        return True
    flash(str(_l("Nothing was changed: tick the box next to the button to confirm.")), "error")
    return False


def form_error(form, error: DomainError) -> None:
    """Show a domain error next to its field, or at the top of the form; each of several
    (:class:`ValidationErrors`) next to its own field."""
    for name in getattr(error, "changed", None) or []:
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [
                *field.errors,
                str(_l("Changed by someone else since you opened the form.")),
            ]
    for one in getattr(error, "errors", None) or [error]:
        field = getattr(form, one.field, None) if one.field else None
        if field is not None and hasattr(field, "errors"):
            message = str(one.message)
            if message not in field.errors:
                field.errors = [*field.errors, message]
        else:
            form.form_errors.append(str(one.message))


def add_problems(form, problems) -> None:
    """Put the rule errors of `problems` (a :class:`marketplace.errors.Problems`) on the fields
    that do not already carry an error from the form's own validators, so one submit shows
    every error."""
    for one in problems.errors:
        field = getattr(form, one.field, None) if one.field else None
        if field is None or not field.errors:
            form_error(form, one)


def form_status(*forms) -> int:
    """422 when any of the forms carries an error (so tests and clients see it), else 200."""
    return 422 if any(f.errors or getattr(f, "form_errors", None) for f in forms) else 200


class Attempt:
    """The request's one unit of work around service calls, the same in every view.

    ::

        with Attempt(form=form, success=_("Saved.")) as outcome:
            services.update_profile(actor=current_user, ...)
        if outcome.ok:
            return redirect(...)
        return render_template(..., form=form), form_status(form)

    When the block finishes, the session is committed and `success` (if any) is flashed (as
    `category`: "success", or "info" for an undoing such as a removal). When
    it raises a :class:`DomainError`, the session is rolled back and the error is shown next to
    its field of `form` (or at the top of the form), or flashed when there is no form; the
    error is swallowed and `outcome.ok` is False (`outcome.error` holds it). An access error
    (:class:`NotFound`, :class:`PermissionDenied`) is nothing the user can correct on the form:
    the session is rolled back and it passes through to the error handler (a 404 or 403 page,
    as for an id that does not exist). Any other exception passes through (the 500 handler
    rolls back).
    """

    def __init__(self, *, form=None, success: str | None = None, category: str = "success") -> None:
        self.form = form
        self.success = success
        self.category = category
        self.ok = False
        self.error: DomainError | None = None

    def __enter__(self) -> Attempt:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                db.session.commit()
            except StaleDataError:
                exc_type, exc = editing.EditConflict, editing.EditConflict([])
            else:
                self.ok = True
                if self.success:
                    flash(str(self.success), self.category)
                return False
        if issubclass(exc_type, StaleDataError):
            # Someone else's save reached a versioned row between this request's read and
            # its write (marketplace.editing): refused like any other edit conflict.
            exc_type, exc = editing.EditConflict, editing.EditConflict([])
        if not issubclass(exc_type, DomainError):
            return False
        db.session.rollback()
        if issubclass(exc_type, NotFound | PermissionDenied):
            return False
        self.error = exc
        if self.form is not None:
            form_error(self.form, exc)
        else:
            flash(str(exc.message), "error")
        return True


def submitted(
    form,
    action: Callable[[], Result],
    *,
    then: str | Callable[[Result], str],
    success: str | None = None,
    problems: Callable[[], Problems] | None = None,
):
    """The POST half of a form view, the same in every view: when `form` is sent and valid,
    run `action()` in an :class:`Attempt` (commit and flash `success`; or roll back and show
    the domain error on the form) and redirect to `then` (a URL, or a function of what
    `action` returned). None when the form is not sent, not valid or refused: the caller
    shows its page again with the form and its errors.

    `problems`, when given, returns the service's rule errors for what the form read; on a
    form that fails its own checks they are added to the fields it found fine, so one submit
    shows every error (a future date beside an unreadable amount, not in a second round).

    ::

        form = forms.GroupForm()
        done = submitted(
            form,
            lambda: groups.create_group(actor=current_user, **field_values(form, "name")),
            then=lambda group: url_for("programmes.group", group_id=group.id),
        )
        return done or (render_template(..., form=form), form_status(form))

    (The parentheses matter: without them a redirect would go out as a 200.)
    """
    if not form.validate_on_submit():
        if problems is not None and form.is_submitted():
            add_problems(form, problems())
        return None
    with Attempt(form=form, success=success) as outcome:
        result = action()
    if not outcome.ok:
        return None
    return redirect(then(result) if callable(then) else then)


def pressed(
    action: Callable[[], Result],
    *,
    then: str,
    success: str | Callable[[Result], str] | None = None,
    category: str = "success",
    confirm: bool = False,
):
    """The POST of a button (an :class:`ActionForm`; with `confirm`, a :class:`ConfirmForm`
    whose box must be ticked, see :func:`confirmed`): run `action()` in an :class:`Attempt`
    (commit and flash `success` as `category`, a text or a function of what `action`
    returned; or roll back and flash the domain error) and go back to `then` either way."""
    if confirmed() if confirm else ActionForm().validate_on_submit():
        said = None if callable(success) else success
        with Attempt(success=said, category=category) as outcome:
            result = action()
        if outcome.ok and callable(success):
            flash(str(success(result)), category)
    return redirect(then)


def field_values(form, *names: str) -> dict[str, Any]:
    """The named fields' values, as a service's keyword arguments of the same names: a money
    field gives its whole rupiah (`amount`), every other field its `data`."""
    return {
        name: field.amount if isinstance(field, MoneyField) else field.data
        for name in names
        for field in [getattr(form, name)]
    }


def mark_pages_with_errors(sender, template, context, **extra) -> None:
    """`before_render_template` receiver: sets `page_has_errors` when a form in the page's
    context carries an error (a form of its own, or one in a dict or list of forms, such as a
    rename form per row), or the view passed errors it lists by hand (`extra_errors`,
    `revenue_errors`, `amount_errors`: any non-empty `*_errors`), so base.html starts the
    title with "Error:" and a screen reader hears at once that the submit failed."""
    if "page_has_errors" in context:
        return
    context["page_has_errors"] = any(
        _carries_errors(value) or (name.endswith("_errors") and bool(value))
        for name, value in context.items()
    )


def _carries_errors(value) -> bool:
    if isinstance(value, FlaskForm):
        return bool(value.errors)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return any(isinstance(one, FlaskForm) and bool(one.errors) for one in value)
    return False


def province_choices(blank: bool = True) -> list[tuple[str, Any]]:
    """Indonesia's provinces for a select, "— choose —" first unless `blank` is False."""
    items = [(p.code, p.name) for p in regions.provinces().values()]
    return ([("", _l("— choose —"))] if blank else []) + items


def regency_choices() -> list[tuple[str, Any]]:
    """Every kabupaten/kota for a select, by code, "— choose —" first."""
    return [("", _l("— choose —"))] + [
        (r.code, r.name) for r in sorted(regions.regencies().values(), key=lambda r: r.code)
    ]
