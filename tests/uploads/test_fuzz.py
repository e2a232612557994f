"""Fuzzed mutations of valid files: every one is either accepted or refused, never a crash."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace import uploads
from marketplace.pitches import decks
from marketplace.profiles import images
from tests.uploads import corpus

pytestmark = pytest.mark.database_free

LIMITS = uploads.UploadLimits()
# No example database: it would write into the shared source tree.
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

_operation = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(min_value=0), st.just(0)),
    st.tuples(st.just("insert"), st.integers(min_value=0), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.integers(min_value=0), st.integers(1, 64)),
)


def mutate(data: bytes, operations: list[tuple[str, int, object]]) -> bytes:
    """Apply byte flips, truncations, insertions and deletions at positions modulo the size."""
    buffer = bytearray(data)
    for name, position, argument in operations:
        if not buffer:
            break
        at = position % len(buffer)
        if name == "flip":
            buffer[at] ^= argument  # type: ignore[operator]
        elif name == "truncate":
            del buffer[at:]
        elif name == "insert":
            buffer[at:at] = argument  # type: ignore[assignment]
        else:
            del buffer[at : at + argument]  # type: ignore[operator]
    return bytes(buffer)


def _survives(process: Callable[[bytes], object], data: bytes) -> None:
    try:
        process(data)
    except uploads.UploadRejected as error:
        # Every refusal must also produce its message without failing.
        assert uploads.rejection_message(error)


@pytest.mark.parametrize(
    "seed", [corpus.jpeg, corpus.png, corpus.webp], ids=["jpeg", "png", "webp"]
)
@FUZZ
@given(operations=st.lists(_operation, min_size=1, max_size=4))
def test_mutated_photos_are_accepted_or_refused_never_crash(seed, operations) -> None:
    _survives(lambda data: images.make_renditions(data, limits=LIMITS), mutate(seed(), operations))


@settings(FUZZ, max_examples=150)
@given(operations=st.lists(_operation, min_size=1, max_size=4))
def test_mutated_pdfs_are_accepted_or_refused_never_crash(operations) -> None:
    _survives(
        lambda data: decks.process_deck_pdf(data, limits=LIMITS), mutate(corpus.pdf(), operations)
    )


@settings(FUZZ, max_examples=150)
@given(
    position=st.integers(min_value=0),
    operations=st.lists(
        st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(1, 255)), max_size=6
    ),
)
def test_pdfs_with_their_body_mutated_but_their_end_intact_never_crash(
    position, operations
) -> None:
    # Keep %PDF- and %%EOF so the mutations reach pypdf and PDFium, not just the frame checks.
    data = corpus.pdf()
    head, body, tail = data[:16], data[16:-40], data[-40:]
    _survives(
        lambda candidate: decks.process_deck_pdf(candidate, limits=LIMITS),
        head + mutate(body, operations) + tail,
    )


@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_through_every_door_are_refused_or_accepted_never_crash(data) -> None:
    _survives(lambda candidate: images.make_renditions(candidate, limits=LIMITS), data)
    _survives(lambda candidate: decks.process_deck_upload([candidate], limits=LIMITS), data)
