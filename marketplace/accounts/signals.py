"""What accounts tells the rest of the app, without importing any business domain.

Accounts sits below every business package (profiles, programmes, pitches, matching, events):
they import accounts, never the other way round. Where something in a business domain must
happen when an account changes, accounts sends a signal here and that domain subscribes
(see marketplace/profiles/hooks.py). Receivers run inside the sender's transaction: they
flush, never commit, and an exception in one rolls the whole change back.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the new User (flushed, with its organisation). Owners' enterprises subscribe to
# create the draft profile.
user_registered = _signals.signal("user-registered")

# sender: the Organisation an admin has just verified. Programmes subscribe to deliver the
# invitations that waited for the verification.
organisation_verified = _signals.signal("organisation-verified")
