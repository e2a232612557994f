"""Every user-facing string is in the Indonesian catalogue, translated, placeholders intact."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}
METHODS = [("marketplace/**.py", "python"), ("templates/**.html", "jinja2")]


def _extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def _catalogue():
    with open(ROOT / "translations" / "id" / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def test_every_string_in_code_and_templates_is_translated_to_indonesian():
    catalogue = _catalogue()
    missing = sorted(
        m
        for m in _extracted()
        if catalogue.get(m) is None
        or not catalogue.get(m).string
        or (isinstance(catalogue.get(m).string, tuple) and not all(catalogue.get(m).string))
    )
    assert not missing, f"{len(missing)} strings lack an Indonesian translation: {missing[:20]}"


def test_translations_keep_every_placeholder():
    for message in _catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, message.id


def test_pages_switch_language(client):
    page = client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/login"})
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="id"' in page and 'lang="en"' in english
    assert "Log in" in english


def test_templates_follow_force_locale_inside_a_request(app):
    # Notices and mails are rendered in the recipient's language in the middle of someone
    # else's request: the template catalogue is cached per request, but per locale.
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Add to shortlist') }}"
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = "en"
        assert render_template_string(template) == "Add to shortlist"
        with force_locale("id"):
            assert render_template_string(template) == "Tambahkan ke daftar pendek"
        assert render_template_string(template) == "Add to shortlist"


def test_wtforms_built_in_messages_appear_in_indonesian(client, db, login, make):
    # Issue 13: WTForms ships no Indonesian catalogue, so "Not a valid choice." showed in English.
    from sqlalchemy import select

    from marketplace.notifications.models import NotificationSetting

    investor = make.investor(locale="id")
    db.session.commit()
    login(investor)

    response = client.post("/notifications/settings", data={"data_room_accepted": "pigeon"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pilihan tidak valid: pilih salah satu dari daftar." in page
    assert "Not a valid choice" not in page
    assert db.session.scalars(select(NotificationSetting)).all() == []


def test_wtforms_built_in_messages_stay_english_for_english_readers(client, db, login, make):
    investor = make.investor(locale="en")
    db.session.commit()
    login(investor)
    response = client.post("/notifications/settings", data={"data_room_accepted": "pigeon"})
    assert "Not a valid choice." in response.get_data(as_text=True)


def test_every_wtforms_built_in_message_has_an_indonesian_translation():
    from wtforms.i18n import messages_path

    with open(Path(messages_path()) / "wtforms.pot", "rb") as f:
        built_in = [m.id for m in read_po(f) if m.id]
    catalogue = _catalogue()
    untranslated = [m for m in built_in if catalogue.get(m) is None or not catalogue.get(m).string]
    assert not untranslated, untranslated
