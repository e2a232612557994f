"""What programmes do when accounts announce a change (accounts/signals.py).

Imported once by create_app; accounts itself never imports this package.
"""

from __future__ import annotations

from marketplace.accounts import signals


@signals.organisation_verified.connect
def deliver_held_invitations(organisation, **_extra) -> None:
    """A programme organisation's invitations to owners waited for this verification."""
    if organisation.kind != "programme":
        return
    from marketplace.programmes import services

    services.deliver_held_invitations(organisation=organisation)
