"""The e-mails accounts sends (confirmation, password reset, "someone tried to register"),
written in the recipient's language and queued through the mail seam (`mail.send`, delivered
after commit, with the footer of kind "account").

In development with log-only mail (`make run`) nothing leaves the machine, so the mail seam
prints every delivered message, link included, to the console (`mail.development_console`):
that is how a developer follows a confirmation or reset link. Never outside development.
"""

from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from marketplace import mail

log = logging.getLogger(__name__)

SUBJECTS = {
    "confirm": _l("TemuModal: confirm your e-mail address"),
    "reset": _l("TemuModal: set a new password"),
    "taken": _l("TemuModal: someone tried to register with your address"),
    "member_invite": _l("TemuModal: an invitation to join your colleagues"),
}
BODIES = {
    "confirm": _l(
        "Welcome to TemuModal, %(name)s. Open this link to confirm your e-mail address and log"
        " in (it works once, for %(hours)s hours):\n\n%(link)s\n\nIf you did not register, you"
        " can ignore this message: the account stays unconfirmed."
    ),
    "reset": _l(
        "Someone asked to set a new password for your TemuModal account. Open this link to"
        " choose one (it works once, for %(hours)s hour(s)):\n\n%(link)s\n\nIf it was not you,"
        " ignore this message: your password stays as it is."
    ),
    "taken": _l(
        "Someone tried to create a new TemuModal account with this e-mail address, which"
        " already has an account. If it was you, log in with your password:\n\n%(login)s\n\n"
        "Forgot it? Set a new one here:\n\n%(reset)s\n\nIf it was not you, you can ignore this"
        " message: nothing was changed."
    ),
    "member_invite": _l(
        "%(inviter)s invites you to join %(organisation)s on TemuModal. Open this link to"
        " accept (it works once, for %(days)s days). If you have no account yet, you create"
        " one there:\n\n%(link)s\n\nIf you do not know %(inviter)s, ignore this message."
    ),
}


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, from PUBLIC_BASE_URL like every mail's footer
    (`mail.external_url`), whether sent from a request or by a worker."""
    return mail.external_url(endpoint, **values)


def queue(kind: str, *, to: str, locale: str, params: dict) -> None:
    """Queue mail `kind` to `to` in `locale`, sent after the commit (dropped on rollback)."""
    locale = mail.recipient_locale(locale)
    with force_locale(locale):
        subject = str(SUBJECTS[kind])
        body = str(BODIES[kind]) % params
    mail.send(to, subject, body, kind="account", locale=locale)


development_console = mail.development_console
