"""Links in mails: one base for body and footer (PUBLIC_BASE_URL), and in development every
mail printed whole, links included, whoever sends it."""

from __future__ import annotations

import re

from marketplace import mail
from marketplace.extensions import db
from marketplace.privacy import deletion_requests
from tests.factories import PASSWORD


def _links(text: str) -> set[str]:
    return {m.rstrip(".,)") for m in re.findall(r"https?://[^\s<>\"']+", text)}


def test_a_mail_sent_from_a_request_links_body_and_footer_to_public_base_url(app, make):
    from marketplace.accounts import members

    app.config["PUBLIC_BASE_URL"] = "https://temumodal.example.id/"
    user = make.user("investor", organisation_admin=True)
    # A member invitation, sent from a request whose host is not the public one.
    with app.test_request_context(base_url="http://10.0.0.5:8000"):
        members.invite_member(actor=user, email="rekan@example.id", role="member")
        db.session.commit()
    [message] = [m for m in mail.outbox if m.to == "rekan@example.id"]
    links = _links(message.body)
    assert any("/join/" in link for link in links)
    assert any(link.endswith("/notifications/settings") for link in links)  # the footer
    assert all(link.startswith("https://temumodal.example.id/") for link in links), links


def test_the_link_function_builds_routes_on_public_base_url_inside_a_request(app):
    app.config["PUBLIC_BASE_URL"] = "https://temumodal.example.id"
    with app.test_request_context(base_url="http://internal:5000"):
        assert mail.external_url("accounts.login") == "https://temumodal.example.id/login"
        assert mail.public_url("/orders/3") == "https://temumodal.example.id/orders/3"


def test_in_development_the_deletion_cancel_mail_is_printed_with_its_link(app, make, capsys):
    app.config["ENV_NAME"] = "development"
    app.config["MAIL_LOG_ONLY"] = True
    owner = make.owner()
    deletion_requests.request_deletion(user=owner, password=PASSWORD)
    db.session.commit()
    printed = capsys.readouterr().out
    assert "(development: not sent)" in printed
    assert re.search(r"https?://\S+/privacy/delete/cancel/[\w-]+", printed)


def test_outside_development_nothing_is_printed(app, make, capsys):
    owner = make.owner()
    deletion_requests.request_deletion(user=owner, password=PASSWORD)
    db.session.commit()
    assert "(development: not sent)" not in capsys.readouterr().out
