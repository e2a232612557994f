"""An outside tester's findings on the privacy pages (deletion form, consent history, the data
copy's README, answers shown in the reader's language)."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.extensions import db as _db
from marketplace.privacy import erasure
from tests.factories import PASSWORD


def test_no_tick_and_a_wrong_password_are_both_reported_at_once(app, make, client, login):
    owner = make.owner()
    login(owner)
    response = client.post("/privacy/delete", data={"password": "wrong"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Centang kotak untuk mengonfirmasi." in page
    assert "Kata sandi salah." in page
    assert ".:" not in page
    _db.session.expire_all()
    assert _db.session.get(User, owner.id).active
    assert erasure.pending_for_user(owner) is None
    # The right password without the tick: only the tick is asked for.
    page = client.post("/privacy/delete", data={"password": PASSWORD}).get_data(as_text=True)
    assert "Centang kotak untuk mengonfirmasi." in page
    assert "Kata sandi salah." not in page
