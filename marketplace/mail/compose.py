"""Composing an e-mail: the footer in the recipient's language, the HTML alternative, and the
`EmailMessage` with its headers. No I/O: `marketplace.mail` stores what this returns."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Why someone receives each kind of mail; the footer says it in their language.
REASONS = {
    "account": _l(
        "You receive this e-mail because it concerns the TemuModal account of this address,"
        " or because someone entered this address on TemuModal."
    ),
    "meeting": _l(
        "You receive this e-mail because you or your enterprise take part in a meeting request"
        " on TemuModal."
    ),
    "programme": _l(
        "You receive this e-mail because you or your enterprise take part in a programme on"
        " TemuModal."
    ),
    "notice": _l(
        "You receive this e-mail because something on TemuModal concerns you or your enterprise."
    ),
    "event": _l(
        "You receive this e-mail because you or your enterprise take part in a pitch event on"
        " TemuModal."
    ),
}
SIGNATURE = "-- "  # the standard signature separator: mail readers grey out what follows
URL_RE = re.compile(r"https?://[^\s<>\"']+")


def public_url(path: str = "") -> str:
    """An absolute link for an e-mail: PUBLIC_BASE_URL + `path` ("/orders/3"). Every link in
    every mail is built here, body and footer alike, so a mail sent from a request and one sent
    by a worker point at the same public address (never the request's own host)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def external_url(endpoint: str, **values) -> str:
    """`public_url` of a route: `external_url("erasure.cancel", token=...)`."""
    with current_app.test_request_context():
        return public_url(url_for(endpoint, **values))


def footer(kind: str, locale: str) -> str:
    """Why the recipient got this mail and how to get fewer, in `locale`: every mail links the
    notification settings page; account mails (which no setting stops) say so, and whom to
    write to when MAIL_CONTACT is set. Raises KeyError for an unknown kind."""
    base = public_url()
    contact = current_app.config.get("MAIL_CONTACT")
    with force_locale(locale):
        lines = [str(REASONS[kind])]
        if kind != "account":
            lines.append(_("All your notifications: %(url)s", url=base + "/notifications"))
            lines.append(
                _(
                    "Choose which notifications reach you by e-mail, at once or in a daily"
                    " digest: %(url)s",
                    url=base + "/notifications/settings",
                )
            )
        elif contact:
            lines.append(
                _(
                    "E-mails about your account, like this one, are always sent. Choose which"
                    " other notifications reach you by e-mail: %(url)s. For anything else,"
                    " write to %(contact)s.",
                    url=base + "/notifications/settings",
                    contact=contact,
                )
            )
        else:
            lines.append(
                _(
                    "E-mails about your account, like this one, are always sent. Choose which"
                    " other notifications reach you by e-mail: %(url)s",
                    url=base + "/notifications/settings",
                )
            )
    return "\n".join(lines)


def text_part(body: str, footer_text: str) -> str:
    return f"{body.rstrip()}\n\n{SIGNATURE}\n{footer_text}\n"


def _paragraphs(text: str) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(block, quote=True)
        linked = URL_RE.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        out.append(linked.replace("\n", "<br>\n"))
    return out


def html_part(*, subject: str, body: str, footer_text: str, locale: str) -> str:
    """A plain HTML version of the text: escaped paragraphs, links made clickable."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in _paragraphs(body))
    foot = "\n".join(
        f'<p style="color:#555;font-size:small">{p}</p>' for p in _paragraphs(footer_text)
    )
    return (
        f'<!doctype html>\n<html lang="{html.escape(locale)}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n"
        '<body style="font-family:sans-serif;line-height:1.5;max-width:40em">\n'
        f"{paragraphs}\n<hr>\n{foot}\n</body>\n</html>\n"
    )


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def email_message(mail, *, sender: str, reply_to: str | None = None) -> EmailMessage:
    """The `EmailMessage` for a stored mail row: text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(_aware(mail.created_at))
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    # After the parts: making the message multipart moves Content-* headers into the first part.
    message["Content-Language"] = mail.locale
    return message


def _aware(value):
    from marketplace.models import as_utc

    return as_utc(value)
