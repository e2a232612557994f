"""Spelling suggestions for search: the typed words the index does not know, and the closest word
it does know for each ("Did you mean keripik?"). Words go through the same pipeline as the index
(`matching.analysis`)."""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.matching.analysis import EXACT_PREFIX, analyze, fold, place_words, synonym_table


def vocabulary_of(index_terms: Iterable[str]) -> frozenset[str]:
    """The words among index terms that a typo may be corrected to: exact forms without their
    prefix and stems, letters only, SHORT_TYPO_LENGTH or more of them."""
    words = set()
    for term in index_terms:
        word = term[len(EXACT_PREFIX) :] if term.startswith(EXACT_PREFIX) else term
        if len(word) >= SHORT_TYPO_LENGTH and word.isalpha():
            words.add(word)
    return frozenset(words)


# A word of TYPO_MIN_LENGTH letters or more may be two edits from what was meant; a shorter
# one of SHORT_TYPO_LENGTH letters one edit (btik → batik); anything shorter is kept as typed.
TYPO_MIN_LENGTH = 5
SHORT_TYPO_LENGTH = 4


def unknown_words(text: str | None, vocabulary: frozenset[str]) -> list[str]:
    """The typed words of `text` (SHORT_TYPO_LENGTH letters or more) that the index does not
    know: neither the word nor its stem is in `vocabulary`, and it is no synonym, English word
    or region name (those find profiles through other words). No side effects."""
    if not text:
        return []
    table = synonym_table()
    found = []
    for token in text.split():
        word = fold(token)
        terms = analyze(word)
        if (
            len(word) >= SHORT_TYPO_LENGTH
            and word.isalpha()
            and terms
            and word not in vocabulary
            and not set(terms) & vocabulary
            and terms not in table
            and word not in place_words()
        ):
            found.append(token)
    return found


def suggest(text: str | None, vocabulary: frozenset[str]) -> str | None:
    """`text` with each word the index does not know (:func:`unknown_words`) replaced by the
    closest word it does know (two letters off at most, one for a word of four letters), or
    None when nothing changes.

    Operators and short words are kept as typed. No side effects.
    """
    unknown = set(unknown_words(text, vocabulary))
    if not unknown:
        return None
    changed = False
    out = []
    for token in text.split():
        if token in unknown:
            close = _closest(fold(token), vocabulary)
            if close is not None:
                out.append(close)
                changed = True
                continue
        out.append(token)
    return " ".join(out) if changed else None


def _closest(word: str, vocabulary: frozenset[str]) -> str | None:
    # Candidates of about the same length sharing the first letter (slips rarely hit it),
    # then the smallest edit distance; only when none is close, a slip in the first letter
    # (ieripik → keripik) for words of TYPO_MIN_LENGTH letters or more.
    limit = 2 if len(word) >= TYPO_MIN_LENGTH else 1
    best = _nearest(word, (k for k in vocabulary if k[0] == word[0]), limit)
    if best is None and len(word) >= TYPO_MIN_LENGTH:
        best = _nearest(word, _first_letter_slips(word, vocabulary), limit)
    return best


def _first_letter_slips(word: str, vocabulary: frozenset[str]) -> Iterable[str]:
    # Known words starting with another letter that could be `word` with its first letter
    # changed (ieripik), dropped (eripik) or added (xkeripik), and one more edit: the letters
    # after the first line up, or else the last three do. Cheap slices before any distance.
    heads = (word[1:3], word[2:4])
    tail = word[-3:]
    for known in vocabulary:
        if known[0] != word[0] and (
            known[1:3] in heads or known[2:4] == word[1:3] or known.endswith(tail)
        ):
            yield known


def _nearest(word: str, candidates: Iterable[str], limit: int) -> str | None:
    best: tuple[int, str] | None = None
    for known in candidates:
        if abs(len(known) - len(word)) > limit:
            continue
        distance = _edit_distance(word, known, limit=limit)
        if distance <= limit and (best is None or (distance, known) < best):
            best = (distance, known)
    return best[1] if best else None


def _edit_distance(a: str, b: str, *, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), cut at limit+1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
