"""The shared unit of work around service calls (`marketplace.forms.Attempt`): what every view
relies on when a service succeeds or refuses."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from wtforms import StringField

from marketplace.accounts.models import Organisation
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db as _db
from marketplace.forms import ActionForm, Attempt


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
