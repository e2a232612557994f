"""Shared rules for uploaded files: limits, content sniffing, refusals and safe names.

Files are judged by their bytes, never by their name or the browser's content type. This module
only looks at the leading bytes; the real parser open (Pillow for photos, pypdf and pypdfium2 for
decks) happens in `marketplace.profiles.images` and `marketplace.pitches.decks`, inside a child
process started by `marketplace.sandbox`.

Policy decisions, in one place so that reviewers can find them:

* Images must carry their magic number at offset 0. A PDF must carry `%PDF-` within the first
  1024 bytes (the PDF specification allows leading junk there, and real generators use it).
* Polyglots: a file whose first 1024 bytes contain `<html`, `<script`, `<svg`, `<?xml`,
  `<!doctype html`, `<body` or `<iframe` (any case) is refused as `hidden_markup`, even when it is
  otherwise a valid image or PDF, because a browser or a careless viewer may run it as a page.
* Data appended after a valid image (for example a ZIP after a JPEG) is accepted: photos are
  re-encoded from their pixels, so the payload never reaches storage.
* GIF and HEIC are refused with their own message: GIF because animations do not survive
  re-encoding, HEIC because Pillow cannot read it without an extra codec.
* Pillow's `DecompressionBombWarning` is turned into an error for the whole process when this
  module is imported (the QUALITY bar asks for it); callers also compare the header size with
  `UploadLimits.max_pixels` before any pixel is decoded.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext
from PIL import Image

# Process-wide on purpose: a warning that is only logged would let a 150-megapixel image be
# decoded. `filterwarnings` de-duplicates identical entries, so importing twice is harmless.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

IMAGE_KINDS = ("jpeg", "png", "webp")
DECK_KINDS = ("pdf", *IMAGE_KINDS)
MIME_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
KIND_BY_MIME = {mime: kind for kind, mime in MIME_TYPES.items()}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "pdf": "pdf"}


def suffix_for(kind: str) -> str:
    """The suffix of a stored file of this kind ("jpeg" -> ".jpg")."""
    return "." + EXTENSIONS[kind]


# How far into the file we look for `%PDF-` and for markup (PDF 2.0, section 7.5.2 tolerance).
LEADING_WINDOW = 1024
_MARKUP_MARKERS = (b"<html", b"<script", b"<svg", b"<?xml", b"<!doctype html", b"<body", b"<iframe")


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may weigh; the Flask app builds it from its configuration."""

    max_bytes: int = 25 * 1024 * 1024
    max_pages: int = 60
    max_pixels: int = 40_000_000
    max_images_per_deck: int = 30
    # Extracted deck text kept for search; beyond this the rest is dropped, not refused.
    max_text_chars: int = 200_000


@contextmanager
def unreadable_on_failure() -> Iterator[None]:
    """Run a third-party parser: any failure inside becomes `UploadRejected("unreadable")`
    (with the exception's type as the reason); our own refusals pass through unchanged."""
    try:
        yield
    except UploadRejected:
        raise
    except Exception as error:
        raise UploadRejected("unreadable", reason=type(error).__name__) from error


def configured_limits() -> UploadLimits:
    """The upload limits in force, from the app's configuration."""
    config = current_app.config
    return UploadLimits(
        max_bytes=config["UPLOAD_MAX_BYTES"],
        max_pages=config["UPLOAD_MAX_PAGES"],
        max_pixels=config["UPLOAD_MAX_PIXELS"],
    )


class UploadRejected(Exception):
    """An upload refused for a reason the user can act on.

    `code` is a stable identifier (for logs, tests and templates); `params` fill the message
    that `rejection_message` returns.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"UploadRejected({self.code!r}, **{self.params!r})"


def rejection_message(error: UploadRejected) -> str:
    """The translated sentence telling the user what went wrong and what to do.

    Pure apart from reading the current locale; raises nothing (an unknown code gets a generic
    message, so a new refusal never turns into a server error).
    """
    p = error.params
    code = error.code
    if code == "empty":
        return gettext("The file is empty. Choose the file again and upload it.")
    if code == "too_large":
        return gettext(
            "The file is larger than %(limit_mb)s MB. Make it smaller (save the photo at a "
            "lower resolution, or export the PDF with compressed images) and upload again.",
            limit_mb=max(1, p.get("max_bytes", 0) // (1024 * 1024)),
        )
    if code == "not_allowed_type":
        detected = p.get("detected")
        if detected == "heic":
            return gettext(
                "This is an HEIC photo (the iPhone format), which is not accepted. Set the "
                "camera to “Most Compatible” or export the photo as JPEG, then upload again."
            )
        if detected == "gif":
            return gettext("GIF images are not accepted. Save it as PNG or JPEG and upload again.")
        if tuple(p.get("allowed", ())) == IMAGE_KINDS:
            return gettext("This type of file is not accepted. Upload a JPEG, PNG or WebP photo.")
        return gettext(
            "This type of file is not accepted. Upload a PDF, or JPEG, PNG or WebP photos."
        )
    if code == "hidden_markup":
        return gettext(
            "This file contains web page code (HTML, SVG or XML) and cannot be accepted. Save "
            "or export it again from the app that made it and upload the new copy."
        )
    if code == "truncated":
        return gettext("The file is incomplete; the upload may have been cut off. Upload it again.")
    if code == "too_many_pixels":
        return gettext(
            "The image is too large (%(megapixels)s megapixels). Resize it to at most "
            "%(max_megapixels)s megapixels and upload again.",
            megapixels=max(1, round(p.get("pixels", 0) / 1_000_000)),
            max_megapixels=max(1, p.get("max_pixels", 0) // 1_000_000),
        )
    if code == "too_many_pages":
        return gettext(
            "The PDF has %(pages)s pages; at most %(max_pages)s are allowed. Shorten the deck "
            "and upload again.",
            pages=p.get("pages", "?"),
            max_pages=p.get("max_pages", "?"),
        )
    if code == "too_many_images":
        return gettext(
            "A deck can have at most %(max_images)s photos and you sent %(count)s. Choose fewer "
            "photos and upload again.",
            max_images=p.get("max_images", "?"),
            count=p.get("count", "?"),
        )
    if code == "encrypted":
        return gettext(
            "This PDF is password-protected. Save it without a password and upload again."
        )
    if code.startswith("parser_") and p.get("subject") == "photo":
        return gettext(
            "This photo could not be processed. Open it on your device, save it again as JPEG "
            "(or take a screenshot of it) and upload the new copy."
        )
    if code.startswith("parser_") and p.get("subject") == "document":
        return gettext(
            "This file could not be processed. Export the document again as PDF, or upload a "
            "photo of it instead."
        )
    if code == "parser_crashed":
        return gettext(
            "This file made our converter stop with an error. Export the deck again as PDF "
            "(“Save as PDF” or “Print to PDF”), or upload photos of the pages instead."
        )
    if code == "parser_timeout":
        return gettext(
            "This file took too long to read. Export the deck again as PDF with smaller "
            "images, or upload photos of the pages instead."
        )
    if code == "parser_memory":
        return gettext(
            "This file needs too much memory to read. Export the deck again as PDF with "
            "smaller images, or upload photos of the pages instead."
        )
    if code == "active_content":
        return gettext(
            "This PDF contains an attached file or a command that starts a program, which is "
            "not allowed. Export the deck again as a plain PDF (“Save as PDF” or “Print to "
            "PDF”) and upload it."
        )
    if code == "processing_error":
        return gettext(
            "We could not prepare this deck because of a fault on our side, even after "
            "trying again. Upload it again later, or contact us if this happens again."
        )
    return gettext(
        "The file could not be read; it may be damaged. Open it on your device, save it again "
        "and upload the new copy."
    )


def check_size(data: bytes, *, limits: UploadLimits) -> None:
    """Refuse empty and oversized uploads before any parsing.

    Raises UploadRejected('empty') or UploadRejected('too_large', size=, max_bytes=).
    """
    if not data:
        raise UploadRejected("empty")
    if len(data) > limits.max_bytes:
        raise UploadRejected("too_large", size=len(data), max_bytes=limits.max_bytes)


def detect_kind(data: bytes) -> str:
    """Name what the leading bytes say this file is, without judging it.

    Returns one of 'jpeg', 'png', 'webp', 'pdf' (acceptable kinds) or 'gif', 'heic', 'zip',
    'archive', 'executable', 'html', 'svg', 'xml', 'script', 'unknown'. Pure; raises nothing.
    """
    head = data[:LEADING_WINDOW]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return "heic"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        # DOCX, XLSX, PPTX, ODT and JAR are all ZIP containers.
        return "zip"
    if head.startswith(
        (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\xd0\xcf\x11\xe0")
    ):
        # RAR, 7-Zip, gzip, bzip2, xz and the old OLE2 Office format.
        return "archive"
    if head.startswith((b"\x7fELF", b"MZ", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        return "executable"
    if head.startswith(b"#!"):
        return "script"
    # Only now: a ZIP or an executable may carry `%PDF-` in its first kilobyte too.
    if b"%PDF-" in head:
        return "pdf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in lowered:
        return "svg"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if any(marker in lowered for marker in _MARKUP_MARKERS):
        return "html"
    return "unknown"


def sniff(data: bytes, *, allowed: tuple[str, ...], limits: UploadLimits) -> str:
    """Check size, type and polyglot markup; return the accepted kind ('jpeg', 'pdf', …).

    Only the leading bytes are inspected: callers must still open the file with a real parser.
    Raises UploadRejected with code 'empty', 'too_large', 'not_allowed_type' (params
    `detected`, `allowed`) or 'hidden_markup'.
    """
    check_size(data, limits=limits)
    kind = detect_kind(data)
    if kind not in allowed:
        raise UploadRejected("not_allowed_type", detected=kind, allowed=allowed)
    lowered = data[:LEADING_WINDOW].lower()
    if any(marker in lowered for marker in _MARKUP_MARKERS):
        raise UploadRejected("hidden_markup", detected=kind)
    return kind


_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, *, extension: str | None = None, max_length: int = 100) -> str:
    """An ASCII file name safe for a Content-Disposition header and any file system.

    Drops directory parts, control and bidirectional characters, transliterates accents,
    replaces everything but letters, digits, '.', '-' and '_' with '_', avoids Windows device
    names and leading dots, and keeps the extension (or puts `extension`, e.g. the one matching
    the sniffed type, in its place). Never longer than `max_length`; never empty. Pure.
    """
    # Both separators: a name typed on Windows arrives with backslashes.
    base = name.replace("\x00", "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf"))
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if extension is not None:
        ext = extension
    ext = _UNSAFE_CHARS.sub("", ext).lower()[:10]
    stem = _UNSAFE_CHARS.sub("_", stem).strip("._ -")
    if not stem:
        stem = "file"
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    suffix = f".{ext}" if ext else ""
    return stem[: max(1, max_length - len(suffix))] + suffix
