"""Deck and document files as services see them: every parse, render and decode of the upload
runs in a `marketplace.sandbox` child, never in the web worker or the job runner.

Each public function writes the upload to a private temporary directory, runs the matching pure
function of `marketplace.pitches.decks` in one child per file set (all pages of a deck in the
same child: one start-up per deck, with the per-page limit enforced inside), and reads back the
child's small answer and the preview files it wrote. The child's targets are module constants
so that tests can point them at a child that crashes, hangs or allocates on purpose.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from marketplace import sandbox, uploads
from marketplace.pitches import decks
from marketplace.profiles import images

VALIDATE_TARGET = "marketplace.pitches.isolated:validate_in_child"
PROCESS_TARGET = "marketplace.pitches.isolated:process_in_child"
DOCUMENT_TARGET = "marketplace.pitches.isolated:document_in_child"


def _write_inputs(directory: str, files: list[bytes]) -> list[str]:
    paths = []
    for number, data in enumerate(files):
        path = Path(directory, f"upload-{number}")
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def validate_deck_files(files: list[bytes], *, limits: uploads.UploadLimits) -> tuple[str, int]:
    """`decks.check_deck_files` in a sandbox child: (source_kind, page_count).

    Raises UploadRejected (the sandbox's ParserCrashed, ParserTimedOut and ParserOutOfMemory
    included). Side effects: a temporary directory, removed before returning.
    """
    if not files:
        raise uploads.UploadRejected("empty")
    with tempfile.TemporaryDirectory(prefix="temumodal-deck-") as directory:
        paths = _write_inputs(directory, files)
        kind, page_count = sandbox.run(VALIDATE_TARGET, paths, limits)
    return kind, page_count


def validate_in_child(paths: list[str], limits: uploads.UploadLimits) -> list[Any]:
    """Child side of `validate_deck_files`."""
    kind, page_count = decks.check_deck_files(
        [Path(path).read_bytes() for path in paths], limits=limits
    )
    return [kind, page_count]


def process_deck_upload(files: list[bytes], *, limits: uploads.UploadLimits) -> decks.DeckResult:
    """`decks.process_deck_upload` in a sandbox child: text and previews of every page.

    Raises UploadRejected as `validate_deck_files` does. Side effects: a temporary directory,
    removed before returning.
    """
    if not files:
        raise uploads.UploadRejected("empty")
    with tempfile.TemporaryDirectory(prefix="temumodal-deck-") as directory:
        paths = _write_inputs(directory, files)
        out = Path(directory, "previews")
        out.mkdir()
        answer = sandbox.run(PROCESS_TARGET, paths, str(out), limits)
        previews = [
            ((out / f"{index}-small").read_bytes(), (out / f"{index}-large").read_bytes())
            for index in range(len(answer["preview_sizes"]))
        ]
    return decks.DeckResult(
        page_count=answer["page_count"],
        text=answer["text"],
        previews=previews,
        source_kind=answer["source_kind"],
        preview_mime=answer["preview_mime"],
        has_javascript=answer["has_javascript"],
        text_truncated=answer["text_truncated"],
        preview_sizes=[(tuple(small), tuple(large)) for small, large in answer["preview_sizes"]],
    )


def process_in_child(paths: list[str], out: str, limits: uploads.UploadLimits) -> dict[str, Any]:
    """Child side of `process_deck_upload`: previews go to files in `out`."""
    result = decks.process_deck_upload([Path(path).read_bytes() for path in paths], limits=limits)
    for index, (small, large) in enumerate(result.previews):
        Path(out, f"{index}-small").write_bytes(small)
        Path(out, f"{index}-large").write_bytes(large)
    return {
        "page_count": result.page_count,
        "text": result.text,
        "source_kind": result.source_kind,
        "preview_mime": result.preview_mime,
        "has_javascript": result.has_javascript,
        "text_truncated": result.text_truncated,
        "preview_sizes": [[list(small), list(large)] for small, large in result.preview_sizes],
    }


def prepare_document(
    data: bytes, *, limits: uploads.UploadLimits, image_side: int
) -> tuple[bytes, str, str]:
    """A data-room document checked in a sandbox child: (bytes to store, mime, extension).

    A PDF is inspected like a deck and refused when it carries JavaScript (the original is what
    gets downloaded); it is stored as sent. A photo is re-encoded upright as WebP without
    metadata, its longest side at most `image_side`. Raises UploadRejected (sandbox errors
    included). Side effects: a temporary directory, removed before returning.
    """
    uploads.sniff(data, allowed=uploads.DECK_KINDS, limits=limits)  # leading bytes only
    with tempfile.TemporaryDirectory(prefix="temumodal-document-") as directory:
        source, out = Path(directory, "upload"), Path(directory, "rendition")
        source.write_bytes(data)
        try:
            kind = sandbox.run(DOCUMENT_TARGET, str(source), str(out), limits, image_side)
        except sandbox.ParserFailed as error:
            error.params["subject"] = "document"
            raise
        if kind == "pdf":
            return data, "application/pdf", "pdf"
        return out.read_bytes(), "image/webp", "webp"


def document_in_child(source: str, out: str, limits: uploads.UploadLimits, image_side: int) -> str:
    """Child side of `prepare_document`: returns 'pdf', or 'image' after writing `out`."""
    data = Path(source).read_bytes()
    if uploads.sniff(data, allowed=uploads.DECK_KINDS, limits=limits) == "pdf":
        if decks.inspect_pdf(data, limits=limits).has_javascript:
            raise uploads.UploadRejected("active_content", reason="javascript")
        return "pdf"
    _kind, image = images.load_image(data, limits=limits, box=image_side)
    try:
        rendition = images.encode(image)
    except Exception as error:
        raise uploads.UploadRejected("unreadable", reason=type(error).__name__) from error
    Path(out).write_bytes(rendition.data)
    return "image"
