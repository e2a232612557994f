"""Form widgets and helpers every domain shares: money inputs, checkbox lists, the empty action
form, and how a domain error lands on a form."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace import editing, money
from marketplace.errors import DomainError, NotFound, PermissionDenied
from marketplace.extensions import db


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


class WholeNumberField(IntegerField):
    """A whole number: "1.5" or "dua" is one error ("enter a whole number"), not that error
    and then the range's error about the missing number as well."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) and not valuelist[0].strip():
            # Left empty: no number, no error here (Optional or a required check decides).
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a whole number, without a decimal point."))) from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


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

    When the block finishes, the session is committed and `success` (if any) is flashed. When
    it raises a :class:`DomainError`, the session is rolled back and the error is shown next to
    its field of `form` (or at the top of the form), or flashed when there is no form; the
    error is swallowed and `outcome.ok` is False (`outcome.error` holds it). An access error
    (:class:`NotFound`, :class:`PermissionDenied`) is nothing the user can correct on the form:
    the session is rolled back and it passes through to the error handler (a 404 or 403 page,
    as for an id that does not exist). Any other exception passes through (the 500 handler
    rolls back).
    """

    def __init__(self, *, form=None, success: str | None = None) -> None:
        self.form = form
        self.success = success
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
                    flash(str(self.success), "success")
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
