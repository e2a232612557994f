"""How payments plugs into events, which never imports it: an event that sells tickets refuses
the free register button (seats are taken through orders). Imported once by create_app."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.events import registrations
from marketplace.events.models import PitchEvent
from marketplace.payments import tickets


def refuse_free_registration(event: PitchEvent):
    if tickets.sells_tickets(event):
        return _l("This event sells tickets: choose one on the tickets page.")
    return None


registrations.register_registration_refusal(refuse_free_registration)
