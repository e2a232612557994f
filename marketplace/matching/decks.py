"""The deck text that search and matching may read, and the page a search result previews."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.extensions import db


def deck_texts(
    *, session: Session, enterprise_ids: Iterable[int], full: bool = False
) -> dict[int, str]:
    """The current deck's text per enterprise ('' when none). Reads only.

    By default only the pages every visitor of the profile may see (the first
    `pitches.permissions.PUBLIC_PAGES`): that is what the search index and the match cards
    hold, so a search never answers from pages behind the data room. `full` gives every page's
    text, for a viewer who may read the whole deck. Pages processed before per-page text was
    kept contribute nothing. Falls back to no deck text when the pitches module has no deck
    tables (yet).
    """
    ids = list(enterprise_ids)
    try:
        from marketplace.pitches.models import Deck, DeckPage, DeckVersion
        from marketplace.pitches.permissions import PUBLIC_PAGES
    except ImportError:  # decks are another module's work; search works without them
        return {}
    current = (Deck.enterprise_id.in_(ids), DeckVersion.is_current.is_(True))
    if full:
        rows = session.execute(
            select(Deck.enterprise_id, DeckVersion.text)
            .join(DeckVersion, DeckVersion.deck_id == Deck.id)
            .where(*current)
        ).all()
        return {enterprise_id: deck_text or "" for enterprise_id, deck_text in rows}
    pages = session.execute(
        select(Deck.enterprise_id, DeckPage.text)
        .join(DeckVersion, DeckVersion.deck_id == Deck.id)
        .join(DeckPage, DeckPage.version_id == DeckVersion.id)
        .where(*current, DeckVersion.state == "ready", DeckPage.index < PUBLIC_PAGES)
        .order_by(Deck.enterprise_id, DeckPage.index)
    ).all()
    texts: dict[int, list[str]] = {}
    for enterprise_id, page_text in pages:
        texts.setdefault(enterprise_id, []).append(page_text or "")
    return {eid: "\n".join(t for t in parts if t) for eid, parts in texts.items()}


def first_deck_pages(enterprise_ids: Iterable[int]) -> dict[int, int]:
    """The id of page 1 of each enterprise's current, ready deck (a public page). Reads only."""
    ids = list(enterprise_ids)
    try:
        from marketplace.pitches.models import Deck, DeckPage, DeckVersion
    except ImportError:
        return {}
    rows = db.session.execute(
        select(Deck.enterprise_id, DeckPage.id)
        .join(DeckVersion, DeckVersion.deck_id == Deck.id)
        .join(DeckPage, DeckPage.version_id == DeckVersion.id)
        .where(
            Deck.enterprise_id.in_(ids),
            DeckVersion.is_current.is_(True),
            DeckVersion.state == "ready",
            DeckPage.index == 0,
        )
    ).all()
    return dict(rows)
