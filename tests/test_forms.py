"""The shared unit of work around service calls (`marketplace.forms.Attempt`): what every view
relies on when a service succeeds or refuses."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from marketplace import money
from marketplace.accounts.models import Organisation
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db as _db
from marketplace.forms import (
    ActionForm,
    Attempt,
    DayField,
    MomentField,
    MoneyField,
    MonthOfYearField,
    WholeNumberField,
    field_values,
    form_status,
    pressed,
    submitted,
    whole_number_range,
)


class NameForm(ActionForm):
    name = StringField()


def organisations() -> list[str]:
    _db.session.expire_all()
    return [o.name for o in _db.session.query(Organisation).order_by(Organisation.name)]


def add_organisation(name: str) -> None:
    _db.session.add(Organisation(name=name, kind="investor"))
    _db.session.flush()


def test_a_successful_block_is_committed_and_its_message_flashed(app, db):
    with app.test_request_context("/", method="POST"):
        with Attempt(success="Tersimpan.") as outcome:
            add_organisation("Dana Lestari")
        assert outcome.ok and outcome.error is None
        assert get_flashed_messages(with_categories=True) == [("success", "Tersimpan.")]
        _db.session.rollback()  # nothing left to undo: it was committed
    assert organisations() == ["Dana Lestari"]


def test_a_refusal_rolls_back_and_lands_on_its_field(app, db):
    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})
        with Attempt(form=form, success="Tersimpan.") as outcome:
            add_organisation("Setengah Jadi")
            raise ValidationError("Nama sudah dipakai.", field="name")
        assert not outcome.ok and str(outcome.error) == "Nama sudah dipakai."
        assert form.name.errors == ["Nama sudah dipakai."]
        assert get_flashed_messages() == []
    assert organisations() == []


def test_a_refusal_without_a_form_is_flashed_as_an_error(app, db):
    with app.test_request_context("/", method="POST"):
        with Attempt(success="Tersimpan.") as outcome:
            raise ValidationError("Tidak bisa.")
        assert not outcome.ok
        assert get_flashed_messages(with_categories=True) == [("error", "Tidak bisa.")]


def test_any_other_exception_passes_through(app, db):
    with app.test_request_context("/", method="POST"), pytest.raises(ZeroDivisionError):
        with Attempt():
            _ = 1 / 0


@pytest.mark.parametrize("error", [NotFound, PermissionDenied])
def test_an_access_error_rolls_back_and_reaches_the_error_page(app, db, error):
    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})
        with pytest.raises(error), Attempt(form=form, success="Tersimpan."):
            add_organisation("Setengah Jadi")
            raise error("Tidak ada.")
        assert not form.name.errors and get_flashed_messages() == []
    assert organisations() == []


# --- submitted / pressed: the two view rhythms built on Attempt --------------------------------
def _post(app, data=None):
    return app.test_request_context("/", method="POST", data=data or {})


def test_submitted_commits_flashes_and_redirects_where_the_result_says(app, db):
    with _post(app, {"name": "Dana Lestari"}):
        form = NameForm(meta={"csrf": False})
        done = submitted(
            form,
            lambda: add_organisation(form.name.data) or form.name.data,
            success="Tersimpan.",
            then=lambda name: f"/organisations/{name}",
        )
        assert done.status_code == 302 and done.location == "/organisations/Dana Lestari"
        assert get_flashed_messages(with_categories=True) == [("success", "Tersimpan.")]
    assert organisations() == ["Dana Lestari"]


def test_submitted_leaves_a_refused_form_with_its_error_to_the_page(app, db):
    with _post(app, {"name": "Setengah Jadi"}):
        form = NameForm(meta={"csrf": False})

        def refuse():
            add_organisation(form.name.data)
            raise ValidationError("Nama sudah dipakai.", field="name")

        assert submitted(form, refuse, success="Tersimpan.", then="/elsewhere") is None
        assert form.name.errors == ["Nama sudah dipakai."]
        assert form_status(form) == 422
        assert get_flashed_messages() == []
    assert organisations() == []


def test_submitted_runs_nothing_for_a_get(app, db):
    with app.test_request_context("/"):
        ran = []
        assert submitted(NameForm(meta={"csrf": False}), lambda: ran.append(1), then="/") is None
        assert ran == []


def test_field_values_gives_a_money_field_its_rupiah(app):
    class AskForm(ActionForm):
        name = StringField()
        ask = MoneyField()

    with _post(app, {"name": "Warung Bu Sri", "ask": "50 jt"}):
        form = AskForm(meta={"csrf": False})
        assert field_values(form, "name", "ask") == {"name": "Warung Bu Sri", "ask": 50_000_000}


def test_pressed_flashes_in_its_category_and_goes_back_either_way(app, db):
    with _post(app):
        done = pressed(
            lambda: add_organisation("Dana Lestari"), success="Dihapus.", category="info", then="/x"
        )
        assert done.location == "/x"
        assert get_flashed_messages(with_categories=True) == [("info", "Dihapus.")]
    with _post(app):

        def refuse():
            raise ValidationError("Tidak bisa.")

        assert pressed(refuse, success="Dihapus.", then="/x").location == "/x"
        assert get_flashed_messages(with_categories=True) == [("error", "Tidak bisa.")]
    assert organisations() == ["Dana Lestari"]


def test_pressed_may_name_what_the_service_returned(app, db):
    with _post(app):
        pressed(lambda: 3, success=lambda n: f"Terkirim ke {n}.", then="/x")
        assert get_flashed_messages(with_categories=True) == [("success", "Terkirim ke 3.")]


def test_pressed_with_confirm_changes_nothing_until_the_box_is_ticked(app, db):
    with _post(app):
        pressed(lambda: add_organisation("Dana Lestari"), then="/x", confirm=True)
        assert [c for c, _m in get_flashed_messages(with_categories=True)] == ["error"]
    with _post(app, {"confirm": "y"}):
        pressed(lambda: add_organisation("Dana Lestari"), then="/x", confirm=True)
    assert organisations() == ["Dana Lestari"]


class TypedForm(FlaskForm):
    on = DayField(validators=[DataRequired("Give the date.")])
    month = MonthOfYearField(validators=[Optional()])
    employees = WholeNumberField(validators=[Optional(), whole_number_range(0, 1_000_000)])
    opens = MomentField(validators=[Optional()])


def _errors(app, locale: str, **typed) -> dict[str, list[str]]:
    data = {"on": "2026-03-31", "month": "2026-03", "employees": "3", "opens": "", **typed}
    with app.test_request_context("/", method="POST"), force_locale(locale):
        form = TypedForm(formdata=MultiDict(data), meta={"csrf": False})
        form.validate()
        return {name: [str(e) for e in field.errors] for name, field in form._fields.items()}


@pytest.mark.parametrize(
    ("locale", "typed", "field", "message"),
    [
        # A day or a month that does not exist is named, never reported as missing.
        (
            "id",
            {"on": "2026-02-31"},
            "on",
            "Tanggal 2026-02-31 tidak ada: tulis tahun-bulan-tanggal",
        ),
        (
            "en",
            {"on": "2026-02-31"},
            "on",
            "There is no date 2026-02-31: write it as year-month-day",
        ),
        # Another way of writing a date is not guessed at (is 03/04 March or April?).
        ("id", {"on": "31/12/2030"}, "on", "Tulis tanggal sebagai tahun-bulan-tanggal, misalnya"),
        ("en", {"on": "31/12/2030"}, "on", "(not 31/12/2030)"),
        ("id", {"month": "03/2026"}, "month", "Tulis bulan sebagai tahun-bulan, misalnya 2026-03"),
        ("id", {"on": ""}, "on", "Give the date."),  # left empty: the required check's words
        ("id", {"month": "2026-13"}, "month", "Bulan 2026-13 tidak ada: tulis tahun-bulan"),
        ("en", {"month": "2026-13"}, "month", "There is no month 2026-13: write it as year-month"),
        # A whole number out of range names both ends, written as the language writes numbers.
        ("id", {"employees": "1" * 40}, "employees", "dari 0 sampai 1.000.000."),
        ("en", {"employees": "1" * 40}, "employees", "from 0 to 1,000,000."),
        ("id", {"employees": "-1"}, "employees", "dari 0 sampai 1.000.000."),
        ("en", {"employees": "1.5"}, "employees", "Enter a whole number, without a decimal point."),
        # A date and time: what the input sends, or typed with a space and 09.30.
        (
            "id",
            {"opens": "2026-02-31T10:00"},
            "opens",
            "Tanggal dan waktu 2026-02-31T10:00 tidak ada",
        ),
        (
            "en",
            {"opens": "2026-12-10 25.00"},
            "opens",
            "There is no date and time 2026-12-10 25.00",
        ),
        (
            "id",
            {"opens": "besok pagi"},
            "opens",
            "Tulis tanggal dan waktu sebagai tahun-bulan-tanggal",
        ),
    ],
)
def test_typed_dates_months_and_numbers_get_one_error_that_says_what_is_wrong(
    app, locale, typed, field, message
):
    errors = _errors(app, locale, **typed)
    assert len(errors[field]) == 1 and message in errors[field][0]
    assert all(not errors[other] for other in errors if other != field)


def test_a_long_text_in_a_date_is_not_echoed_whole(app):
    [message] = _errors(app, "en", on="9" * 500)["on"]
    assert "9" * 20 in message and "9" * 21 not in message


@pytest.mark.parametrize("typed", ["2026-12-10T10:00", "2026-12-10 10:00", "2026-12-10 10.00"])
def test_a_date_and_time_is_read_as_the_input_sends_it_or_as_people_type_it(app, typed):
    with app.test_request_context("/", method="POST"):
        form = TypedForm(
            formdata=MultiDict({"on": "2026-03-31", "month": "2026-03", "opens": typed}),
            meta={"csrf": False},
        )
        assert form.validate(), form.errors
        assert form.opens.data.isoformat() == "2026-12-10T10:00:00"


def test_what_was_typed_stays_visible_where_a_browser_would_empty_the_input(app):
    # A date input cannot hold "2026-02-31": the browser would show it empty. Shown as a text
    # box, the typed value stays beside its error; a readable one keeps its date input.
    with app.test_request_context("/", method="POST"):
        form = TypedForm(
            formdata=MultiDict({"on": "2026-02-31", "month": "2026-03", "opens": ""}),
            meta={"csrf": False},
        )
        form.validate()
        assert 'type="text"' in form.on() and 'value="2026-02-31"' in form.on()
        assert 'type="month"' in form.month()


def test_a_time_typed_the_indonesian_way_is_shown_back_as_the_input_writes_it(app):
    # The form failed on another field: the moment read from "2026-12-10 10.00" comes back as
    # a datetime-local input can show it, not as typed (the browser would show it empty).
    with app.test_request_context("/", method="POST"):
        form = TypedForm(
            formdata=MultiDict({"on": "2026-3-5", "month": "2026-13", "opens": "2026-12-10 10.00"}),
            meta={"csrf": False},
        )
        assert not form.validate()
        assert (
            'value="2026-12-10T10:00"' in form.opens() and 'type="datetime-local"' in form.opens()
        )
        assert 'value="2026-03-05"' in form.on() and 'type="date"' in form.on()


def test_a_year_before_1000_is_shown_back_with_four_digits(app):
    # "0001-01-01" is read (a rule, not the field, refuses it); written back as "1-01-01" a
    # date input would show it empty next to the rule's error.
    with app.test_request_context("/", method="POST"):
        form = TypedForm(
            formdata=MultiDict(
                {"on": "0001-01-01", "month": "0099-03", "opens": "0012-12-10T10:00"}
            ),
            meta={"csrf": False},
        )
        assert form.validate(), form.errors
        assert 'value="0001-01-01"' in form.on() and 'value="0099-03"' in form.month()
        assert 'value="0012-12-10T10:00"' in form.opens()


@pytest.mark.parametrize(
    ("locale", "most"),
    [
        ("id", "paling banyak Rp1.000.000.000.000.000)."),
        ("en", "at most Rp1,000,000,000,000,000)."),
    ],
)
def test_an_amount_too_large_says_the_most_in_the_users_number_format(app, locale, most):
    with app.test_request_context(), force_locale(locale):
        said = str(money.MESSAGE_TOO_LARGE)
    assert said.endswith(most)
    assert said.startswith("Jumlah itu terlalu besar" if locale == "id" else "That amount is too")


def test_the_english_hint_never_suggests_m_which_english_reads_as_million(app):
    with app.test_request_context(), force_locale("en"):
        assert " M" not in str(money.MESSAGE_UNREADABLE)
    with app.test_request_context(), force_locale("id"):
        assert "1,5 M (miliar)" in str(money.MESSAGE_UNREADABLE)
