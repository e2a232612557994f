"""Pitch decks: validate a PDF or a set of phone photos, extract text, render page previews.

Nothing here touches the database or the file system; callers store what is returned.

Decisions a reviewer should know:

* PDFs are parsed twice on purpose: pypdf for structure (encryption, page count, active
  content) and text, pypdfium2 (Chrome's PDFium) for rendering. A file either library cannot
  open is refused as 'unreadable'; any failure inside them becomes an UploadRejected.
* Active content: PDFium runs JavaScript only inside a form-fill environment, and we never call
  `init_forms()`, and render with `may_draw_forms=False`, so no script ever runs here. A deck with
  JavaScript is therefore accepted and flagged (`has_javascript`), so that a later view can serve
  the rendered previews instead of the original. A deck with a /Launch action or an embedded file
  is refused ('active_content'): those attack whoever downloads the original, and a pitch deck
  has no honest use for them.
* Encryption: any encrypted PDF is refused ('encrypted'), even one that opens with an empty
  password. "Owner password only" files open without asking, but a file with a user password
  and an empty owner password opens too (the empty string *is* its owner password), and the
  decryption code is attack surface we gain nothing from: a deck has no reason to be encrypted.
* Isolation: these functions parse hostile files with C libraries and are meant to run in a
  `marketplace.sandbox` child (see `marketplace.pitches.isolated`, which is what services call),
  one file per process. PDFium is not thread-safe, not even across documents, so they must not
  be called from several threads of one process; the child process makes a lock pointless, and
  without one, renders of different files never queue behind a slow one. Each page's text
  extraction and render runs under `sandbox.page_time_limit()`.
* Decompression bombs: PDFium inflates page content without a limit, so every non-image stream
  is measured (bounded, in constant memory) before PDFium sees the file, and images are
  checked against the pixel limit by their declared size.
* A PDF must end with `%%EOF` in its last 1024 bytes; otherwise it was cut off ('truncated'),
  even if a lenient parser could recover part of it.

The structural checks (frame, encryption, active content, decompression bombs) are in
`marketplace.pitches.pdf_scan`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader

from marketplace import sandbox, uploads
from marketplace.pitches.pdf_scan import check_pdf_frame, open_reader, scan_objects
from marketplace.profiles import images

SMALL_PREVIEW_WIDTH = 320
LARGE_PREVIEW_WIDTH = 1200
# Pages taller than this many widths (posters, receipts) are scaled to fit the height instead.
MAX_ASPECT = 2.0
SMALL_PREVIEW_MAX_BYTES = 15_000
# libwebp effort for large previews: half the time of the default for ~5 % more bytes, which
# keeps a 20-page deck under the 1.5 s bar (bench/deck.py).
LARGE_PREVIEW_METHOD = 2

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class PdfInfo:
    """What pypdf learned about a deck: pages, text per page and whether it holds scripts."""

    page_count: int
    text_by_page: list[str]
    has_javascript: bool
    text_truncated: bool = False


@dataclass(frozen=True)
class DeckResult:
    """A processed deck: page count, searchable text and (small, large) previews per page."""

    page_count: int
    text: str
    previews: list[tuple[bytes, bytes]]
    source_kind: str
    preview_mime: str = "image/webp"
    has_javascript: bool = False
    text_truncated: bool = False
    preview_sizes: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    # The text of each page ('' for a page without any): `text` is these joined, without
    # the empty ones, so it cannot tell which page said what.
    page_texts: list[str] = field(default_factory=list)


def _clean_text(text: str) -> str:
    # PostgreSQL text refuses NUL and lone surrogates; search wants single spaces.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL_CHARS.sub(" ", text)
    return " ".join(text.split())


def _pdfium_page_text(data: bytes, index: int) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[index]
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
            page.close()
    finally:
        pdf.close()


def _extract_text(
    reader: PdfReader, data: bytes, page_count: int, limits: uploads.UploadLimits
) -> tuple[list[str], bool]:
    texts: list[str] = []
    budget = limits.max_text_chars
    truncated = False
    for index in range(page_count):
        if budget <= 0:
            texts.append("")
            truncated = True
            continue
        with sandbox.page_time_limit():
            try:
                text = reader.pages[index].extract_text()
            except Exception:
                # pypdf trips on some fonts and content streams that PDFium reads fine.
                try:
                    text = _pdfium_page_text(data, index)
                except Exception:
                    text = ""
        text = _clean_text(text)
        if len(text) > budget:
            text, truncated = text[:budget], True
        budget -= len(text)
        texts.append(text)
    return texts, truncated


def inspect_pdf(data: bytes, *, limits: uploads.UploadLimits) -> PdfInfo:
    """Validate a PDF deck's structure and extract its text, without rendering anything.

    Checks, in order: size, type by content and polyglot markup, a complete file (`%%EOF`),
    a readable structure, encryption, the page count (declared and real) against
    `limits.max_pages`, and active content. Text per page is whitespace-normalised and capped
    at `limits.max_text_chars` in total. Pure (no I/O). Raises UploadRejected with code 'empty',
    'too_large', 'not_allowed_type', 'hidden_markup', 'truncated', 'unreadable', 'encrypted',
    'too_many_pages' or 'active_content'; never another exception.
    """
    check_pdf_frame(data, limits)
    reader = open_reader(data)
    with uploads.unreadable_on_failure():
        declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        declared = int(declared) if isinstance(declared, int) else 0
        if declared > limits.max_pages:
            # Refuse on the declared count before walking a page tree that may be huge.
            raise uploads.UploadRejected(
                "too_many_pages", pages=declared, max_pages=limits.max_pages
            )
        page_count = len(reader.pages)
        if page_count > limits.max_pages:
            raise uploads.UploadRejected(
                "too_many_pages", pages=page_count, max_pages=limits.max_pages
            )
        if page_count == 0:
            raise uploads.UploadRejected("unreadable", reason="no_pages")
        has_js, dangerous = scan_objects(reader, data, limits)
        if dangerous:
            raise uploads.UploadRejected("active_content")
        texts, truncated = _extract_text(reader, data, page_count, limits)
    return PdfInfo(
        page_count=page_count,
        text_by_page=texts,
        has_javascript=has_js,
        text_truncated=truncated,
    )


def _render_pil(pdf: pdfium.PdfDocument, index: int, width: int) -> Image.Image:
    """Render one page to an RGB image `width` wide (less for very tall pages)."""
    page = pdf[index]
    try:
        page_width, page_height = page.get_size()
        if not (math.isfinite(page_width) and math.isfinite(page_height)):
            raise uploads.UploadRejected("unreadable", reason="page_size")
        if page_width <= 0 or page_height <= 0:
            raise uploads.UploadRejected("unreadable", reason="page_size")
        scale = min(width / page_width, width * MAX_ASPECT / page_height)
        # No form environment and no form drawing: PDFium cannot run the deck's JavaScript.
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            image = bitmap.to_pil()
            # Pillow stores RGB in 4 bytes per pixel, so an RGB image never shares PDFium's
            # 3-byte BGR buffer; any other mode may, and must be copied before close().
            if image.mode != "RGB":
                image = image.convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()
    # /Rotate may swap the sides; keep the promised bounds whatever the page says.
    return images.fit(image, max_width=width, max_height=round(width * MAX_ASPECT))


def _open_pdfium(data: bytes) -> pdfium.PdfDocument:
    with uploads.unreadable_on_failure():
        return pdfium.PdfDocument(data)


def render_page(data: bytes, page_index: int, *, width: int, max_bytes: int | None = None) -> bytes:
    """A WebP preview of one page of an already accepted PDF, `width` pixels wide.

    Pages taller than MAX_ASPECT × their width are scaled to fit that height. With `max_bytes`
    the quality (then the size) is lowered until the preview fits. Never runs the PDF's scripts.
    Raises UploadRejected('unreadable')
    for a PDF PDFium cannot render, ValueError for a page_index outside the document.
    """
    if uploads.detect_kind(data) != "pdf":
        raise uploads.UploadRejected("unreadable", reason="not_pdf")
    pdf = _open_pdfium(data)
    try:
        if not 0 <= page_index < len(pdf):
            raise ValueError(f"page_index {page_index} outside 0..{len(pdf) - 1}")
        with uploads.unreadable_on_failure(), sandbox.page_time_limit():
            image = _render_pil(pdf, page_index, width)
    finally:
        pdf.close()
    return images.encode(image, max_bytes=max_bytes).data


def process_deck_pdf(data: bytes, *, limits: uploads.UploadLimits) -> DeckResult:
    """Validate a PDF deck end to end: structure, text, and a (small, large) preview per page.

    Small previews are SMALL_PREVIEW_WIDTH px wide and at most SMALL_PREVIEW_MAX_BYTES; large
    ones LARGE_PREVIEW_WIDTH px wide; both WebP. Each page is rendered once, at the large
    size, and the small preview is scaled from it. Pure (no I/O); one file per process (see
    the module's notes).
    Raises UploadRejected (codes as in `inspect_pdf`); never another exception.
    """
    info = inspect_pdf(data, limits=limits)
    rendered: list[Image.Image] = []
    pdf = _open_pdfium(data)
    try:
        with uploads.unreadable_on_failure():
            page_count = len(pdf)
            # Parsers can disagree on a damaged file; the rendered count is what users see.
            if page_count > limits.max_pages:
                raise uploads.UploadRejected(
                    "too_many_pages", pages=page_count, max_pages=limits.max_pages
                )
            if page_count == 0:
                raise uploads.UploadRejected("unreadable", reason="no_pages")
            for index in range(page_count):
                with sandbox.page_time_limit():
                    rendered.append(_render_pil(pdf, index, LARGE_PREVIEW_WIDTH))
    finally:
        pdf.close()
    previews, sizes = _encode_previews(rendered)
    texts = (info.text_by_page + [""] * page_count)[:page_count]
    return DeckResult(
        page_count=page_count,
        text="\n".join(text for text in texts if text),
        previews=previews,
        source_kind="pdf",
        has_javascript=info.has_javascript,
        text_truncated=info.text_truncated,
        preview_sizes=sizes,
        page_texts=texts,
    )


def _encode_previews(
    pages: list[Image.Image],
) -> tuple[list[tuple[bytes, bytes]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    previews: list[tuple[bytes, bytes]] = []
    sizes: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for page in pages:
        large = images.encode(page, method=LARGE_PREVIEW_METHOD)
        small_image = images.fit(
            page,
            max_width=SMALL_PREVIEW_WIDTH,
            max_height=round(SMALL_PREVIEW_WIDTH * MAX_ASPECT),
        )
        small = images.encode(small_image, max_bytes=SMALL_PREVIEW_MAX_BYTES)
        previews.append((small.data, large.data))
        sizes.append(((small.width, small.height), (large.width, large.height)))
    return previews, sizes


def process_deck_images(images_data: list[bytes], *, limits: uploads.UploadLimits) -> DeckResult:
    """Turn an ordered set of photos (a paper pitch shot on a phone) into a deck.

    Each photo is validated and re-encoded like a product photo (upright, no metadata); the
    deck's pages are the photos in the order given. Previews: small at most
    SMALL_PREVIEW_WIDTH px wide and SMALL_PREVIEW_MAX_BYTES, large at most LARGE_PREVIEW_WIDTH
    wide. No text is extracted (no OCR). Pure (no I/O). Raises UploadRejected: 'empty' for no
    photos, 'too_many_images', or a photo's own refusal with its 1-based `page` added.
    """
    if not images_data:
        raise uploads.UploadRejected("empty")
    if len(images_data) > limits.max_images_per_deck:
        raise uploads.UploadRejected(
            "too_many_images", count=len(images_data), max_images=limits.max_images_per_deck
        )
    pages: list[Image.Image] = []
    for number, data in enumerate(images_data, start=1):
        try:
            with sandbox.page_time_limit():
                _kind, image = images.load_image(
                    data, limits=limits, box=round(LARGE_PREVIEW_WIDTH * MAX_ASPECT)
                )
        except uploads.UploadRejected as error:
            error.params["page"] = number
            raise
        pages.append(
            images.fit(
                image,
                max_width=LARGE_PREVIEW_WIDTH,
                max_height=round(LARGE_PREVIEW_WIDTH * MAX_ASPECT),
            )
        )
    with uploads.unreadable_on_failure():  # encoding raises no UploadRejected of its own
        previews, sizes = _encode_previews(pages)
    return DeckResult(
        page_count=len(pages),
        text="",
        previews=previews,
        source_kind="images",
        preview_sizes=sizes,
    )


def process_deck_upload(files: list[bytes], *, limits: uploads.UploadLimits) -> DeckResult:
    """One PDF, or one or more photos: dispatch on content, not on names.

    Raises UploadRejected: 'empty' for no files, 'not_allowed_type' for a PDF among several
    files, and whatever `process_deck_pdf` / `process_deck_images` raise.
    """
    if not files:
        raise uploads.UploadRejected("empty")
    if len(files) == 1 and uploads.detect_kind(files[0]) == "pdf":
        return process_deck_pdf(files[0], limits=limits)
    for data in files:
        uploads.sniff(data, allowed=uploads.DECK_KINDS, limits=limits)
        if uploads.detect_kind(data) == "pdf":
            raise uploads.UploadRejected(
                "not_allowed_type", detected="pdf", allowed=uploads.IMAGE_KINDS
            )
    return process_deck_images(files, limits=limits)


def check_deck_files(files: list[bytes], *, limits: uploads.UploadLimits) -> tuple[str, int]:
    """The fast checks an upload gets before it is accepted: (source_kind, page_count).

    A single PDF is inspected by pypdf (type, size, complete file, structure, encryption,
    page count, active content); photos are sniffed and decoded at thumbnail scale (type,
    size, pixel limit, truncation). Nothing is rendered here. Pure. Raises UploadRejected.
    """
    if not files:
        raise uploads.UploadRejected("empty")
    if len(files) == 1 and uploads.detect_kind(files[0]) == "pdf":
        info = inspect_pdf(files[0], limits=limits)
        return "pdf", info.page_count
    if len(files) > limits.max_images_per_deck:
        raise uploads.UploadRejected(
            "too_many_images", count=len(files), max_images=limits.max_images_per_deck
        )
    for number, data in enumerate(files, start=1):
        try:
            kind = uploads.sniff(data, allowed=uploads.DECK_KINDS, limits=limits)
            if kind == "pdf":
                # One PDF is a deck; a PDF among photos is a mistake worth its own message.
                raise uploads.UploadRejected(
                    "not_allowed_type", detected="pdf", allowed=uploads.IMAGE_KINDS
                )
            with sandbox.page_time_limit():
                images.load_image(data, limits=limits, box=SMALL_PREVIEW_WIDTH)
        except uploads.UploadRejected as error:
            error.params.setdefault("page", number)
            raise
    return "images", len(files)
