"""Who may see and change pitch decks, documents and the data room.

The rule, in one place:

* Anyone who may see a PUBLISHED profile sees the deck's summary and the first
  PUBLIC_PAGES pages of the current version (small and large previews).
* The full deck, its original PDF and the documents: the owner, the facilitators of the
  programmes the enterprise is enrolled in, and investors of a VERIFIED organisation whose
  access request the enterprise has accepted and not revoked (published profiles only).
* Admins see which documents exist and the state of requests (metadata), never the files:
  QUALITY.md allows field access only with consent, and an operator has no consent.
* Owner or facilitator accept, decline and revoke requests; verified investors ask.

Every predicate denies when anything inside it fails, like `profiles.permissions`.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from marketplace.extensions import db
from marketplace.permissions import deny_on_error, is_admin, is_confirmed
from marketplace.pitches.models import AccessRequest, DeckPage, Document
from marketplace.profiles.models import Enterprise
from marketplace.profiles.permissions import (
    can_edit_enterprise,
    can_view_enterprise,
    is_verified_investor,
)

# Pages of the current deck shown to everyone who may see the published profile.
PUBLIC_PAGES = 2


@deny_on_error
def can_manage_deck(user, enterprise: Enterprise) -> bool:
    """Upload decks and documents, decide access requests: the owner and their facilitator."""
    return can_edit_enterprise(user, enterprise)


@deny_on_error
def has_data_room_access(user, enterprise: Enterprise) -> bool:
    """A verified investor whose organisation's request is accepted (and not revoked)."""
    if not (enterprise.is_published and is_verified_investor(user)):
        return False
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(AccessRequest.enterprise_id == enterprise.id)
                .where(AccessRequest.organisation_id == user.organisation_id)
                .where(AccessRequest.status == "accepted")
            )
        )
    )


@deny_on_error
def can_view_full_deck(user, enterprise: Enterprise) -> bool:
    """Every page of every version, and the original PDF."""
    return can_manage_deck(user, enterprise) or has_data_room_access(user, enterprise)


@deny_on_error
def can_view_deck_summary(user, enterprise: Enterprise) -> bool:
    """The deck page itself (which pages it then shows depends on the predicates below)."""
    return can_view_enterprise(user, enterprise)


@deny_on_error
def is_public_page(page: DeckPage) -> bool:
    """One of the first pages of the current deck of a published profile."""
    version = page.version
    return (
        version.deck.enterprise.is_published
        and version.is_current
        and version.state == "ready"
        and page.index < PUBLIC_PAGES
    )


@deny_on_error
def can_view_deck_page(user, page: DeckPage) -> bool:
    enterprise = page.version.deck.enterprise
    return can_view_full_deck(user, enterprise) or (
        is_public_page(page) and can_view_enterprise(user, enterprise)
    )


@deny_on_error
def can_view_documents(user, enterprise: Enterprise) -> bool:
    """Open and download the files in the data room."""
    return can_manage_deck(user, enterprise) or has_data_room_access(user, enterprise)


@deny_on_error
def can_view_document(user, document: Document) -> bool:
    return can_view_documents(user, document.enterprise)


@deny_on_error
def can_see_data_room(user, enterprise: Enterprise) -> bool:
    """The data-room page: document names and request states, without opening any file."""
    if not can_view_enterprise(user, enterprise):
        return False
    return (
        can_view_documents(user, enterprise)
        or is_admin(user)
        or can_request_access(user, enterprise)
    )


@deny_on_error
def can_request_access(user, enterprise: Enterprise) -> bool:
    """Investors of a verified organisation may ask a published enterprise to let them in."""
    return enterprise.is_published and is_verified_investor(user) and is_confirmed(user)


@deny_on_error
def can_decide_access(user, enterprise: Enterprise) -> bool:
    return can_manage_deck(user, enterprise)


@deny_on_error
def can_view_activity(user, enterprise: Enterprise) -> bool:
    """Who looked at what and when: the people who decide who may look."""
    return can_manage_deck(user, enterprise)
