"""The deck text that search and matching may read, and the page a search result previews."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class ResultDecks:
    """What a page of search results shows of the enterprises' current decks."""

    previews: dict[int, int] = field(default_factory=dict)  # enterprise id -> page 1's id
    public: dict[int, str] = field(default_factory=dict)  # as deck_texts()
    full: dict[int, str] = field(default_factory=dict)  # as deck_texts(full=True)


def result_decks(enterprise_ids: Iterable[int]) -> ResultDecks:
    """The id of page 1 of each current, ready deck (a public page), :func:`deck_texts` and
    ``deck_texts(full=True)`` of `enterprise_ids` at once: one query for the current decks,
    and one for their public pages only when some deck is ready (most results have no deck:
    one query then). Reads only."""
    ids = list(enterprise_ids)
    if not ids:
        return ResultDecks()
    try:
        from marketplace.pitches.models import Deck, DeckPage, DeckVersion
        from marketplace.pitches.permissions import PUBLIC_PAGES
    except ImportError:
        return ResultDecks()
    versions = db.session.execute(
        select(Deck.enterprise_id, DeckVersion.id, DeckVersion.state, DeckVersion.text)
        .join(DeckVersion, DeckVersion.deck_id == Deck.id)
        .where(Deck.enterprise_id.in_(ids), DeckVersion.is_current.is_(True))
    ).all()
    full = {enterprise_id: deck_text or "" for enterprise_id, _, _, deck_text in versions}
    ready = {version_id: eid for eid, version_id, state, _ in versions if state == "ready"}
    if not ready:
        return ResultDecks(full=full)
    pages = db.session.execute(
        select(DeckPage.version_id, DeckPage.index, DeckPage.id, DeckPage.text)
        .where(DeckPage.version_id.in_(list(ready)), DeckPage.index < PUBLIC_PAGES)
        .order_by(DeckPage.version_id, DeckPage.index)
    ).all()
    previews: dict[int, int] = {}
    texts: dict[int, list[str]] = {}
    for version_id, index, page_id, page_text in pages:
        enterprise_id = ready[version_id]
        if index == 0:
            previews[enterprise_id] = page_id
        texts.setdefault(enterprise_id, []).append(page_text or "")
    public = {eid: "\n".join(t for t in parts if t) for eid, parts in texts.items()}
    return ResultDecks(previews=previews, public=public, full=full)
