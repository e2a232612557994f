"""Search results' excerpts: a text HTML-escaped with the words that match the query in
``<mark>``, whole (a card's title) or cut around the first match (a snippet)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markupsafe import Markup

from marketplace.matching.analysis import WORD_RE, word_matches


def mark(text: str | None, terms: frozenset[str]) -> Markup:
    """The whole of `text`, HTML-escaped, its words matching `terms` in ``<mark>`` (a card's
    title); no side effects."""
    if not text:
        return Markup("")
    return _marked(text, [m for m in WORD_RE.finditer(text) if word_matches(m.group(), terms)])


def _marked(
    text: str,
    hits: Sequence[re.Match[str]],
    start: int = 0,
    end: int | None = None,
    *,
    before: str = "",
    after: str = "",
) -> Markup:
    end = len(text) if end is None else end
    parts = [html.escape(before)]
    cursor = start
    for hit in hits:
        if hit.start() < start or hit.end() > end:
            continue
        parts.append(html.escape(text[cursor : hit.start()]))
        parts.append(f"<mark>{html.escape(hit.group())}</mark>")
        cursor = hit.end()
    parts.append(html.escape(text[cursor:end]))
    parts.append(html.escape(after))
    return Markup("".join(parts))  # noqa: S704 - every piece above is escaped


def snippet(texts: Sequence[str | None], terms: frozenset[str], *, width: int = 160) -> Markup:
    """An HTML-safe excerpt of the first text mentioning `terms` (prefix terms included),
    matches in ``<mark>``.

    Falls back to the start of the first non-empty text when no word matches; returns an empty
    Markup when all texts are empty. No side effects.
    """
    candidates = [text for text in texts if text]
    if not candidates:
        return Markup("")
    for text in candidates:
        hits = [m for m in WORD_RE.finditer(text) if word_matches(m.group(), terms)]
        if hits:
            break
    else:
        text, hits = candidates[0], []
    start = 0
    if hits and hits[0].start() > width // 3:
        # Start a little before the first hit, at a word boundary, so it is not cut.
        start = text.rfind(" ", 0, hits[0].start() - width // 4) + 1
    if len(text) - start <= width:
        end = len(text)
    else:
        end = max(text.rfind(" ", start, start + width), start + width // 2)
    before, after = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return _marked(text, hits, start, end, before=before, after=after)
