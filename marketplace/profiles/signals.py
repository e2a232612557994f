"""What profiles' pages ask the packages above them, without importing them.

Profiles sits below programmes, pitches, matching and events. Where a profiles page shows
something of theirs (a facilitator's programmes on the dashboard, the attestation buttons on
the readiness page), the view sends a signal here and that package answers: each receiver
returns a dict of extra template context (see programmes/hooks.py). Receivers only read.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

# sender: the logged-in User. Programmes add the owner's invitations (with `consent_form`) or
# the facilitator's `programmes`; pitches add the owner's `has_deck`.
dashboard_shown = _signals.signal("dashboard-shown")

# sender: the logged-in User; `enterprise=` the Enterprise assessed. Programmes add
# `attest_form` and `can_attest`.
readiness_shown = _signals.signal("readiness-shown")

# sender: the current user (perhaps anonymous); `enterprise=` the Enterprise shown on its
# profile page. Pitches add `has_deck`; matching adds `shortlisted` (None: not an investor).
profile_shown = _signals.signal("profile-shown")


def extra_context(signal, sender, **kwargs) -> dict:
    """Every receiver's answer to `signal`, merged into one template context."""
    context: dict = {}
    for _receiver, answer in signal.send(sender, **kwargs):
        context.update(answer or {})
    return context


@dataclass(frozen=True)
class Waiting:
    """One line of the dashboard's "waiting for you": a count and where to act on it."""

    label: str  # in the reader's language, the count in it ("2 data-room requests")
    count: int
    url: str


# sender: the logged-in User. Each package answers with a list of `Waiting` for that user's
# role: programmes (invitations), pitches (data-room requests), matching (meetings), events
# (invitations, judging, withdrawals).
waiting_shown = _signals.signal("dashboard-waiting")


def waiting_for(user) -> list[Waiting]:
    """Every receiver's `Waiting` lines for `user`, those with something waiting."""
    lines: list[Waiting] = []
    for _receiver, answer in waiting_shown.send(user):
        lines.extend(w for w in answer or () if w.count > 0)
    return lines


# sender: the acting User (the owner, or their facilitator on the owner's behalf);
# `enterprise=`, `purpose=` (consents.PURPOSES), `granted=` (bool), perhaps `basis=`. Sent by
# `consents.announce` in the caller's transaction, and by `consents.announce_defaults` (sender
# None, basis "default") when an enterprise is created; privacy records the history.
consent_changed = _signals.signal("consent-changed")
