"""How pitches plug into the profile page below it (profiles/signals.py). Imported once by
create_app."""

from __future__ import annotations

from marketplace.pitches import services
from marketplace.profiles import signals as profile_signals


@profile_signals.profile_shown.connect
def profile_context(user, *, enterprise, **_extra) -> dict:
    """Whether the enterprise has a deck investors can look at (a current version)."""
    deck = services.deck_of(enterprise)
    return {"has_deck": deck is not None and deck.current is not None}
