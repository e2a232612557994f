"""The structural checks of a PDF deck before PDFium sees it: a complete file, no encryption,
no active content, no decompression bomb (see `marketplace.pitches.decks` for the decisions)."""

from __future__ import annotations

import io
import re
import zlib

from pypdf import PdfReader
from pypdf.filters import ASCII85Decode, ASCIIHexDecode
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from marketplace import uploads

# A 60-page deck has a few thousand objects; far more is a parser stress test, not a deck.
MAX_PDF_OBJECTS = 200_000
# Inflated size of non-image streams (page content, fonts, forms). A dense slide's content is
# well under 1 MB and a full embedded CJK font about 20 MB; bombs are thousands of times that.
MAX_STREAM_BYTES = 64 * 1024 * 1024
MAX_TOTAL_STREAM_BYTES = 256 * 1024 * 1024

_ACTIVE_BYTES = re.compile(rb"/(?:Launch|EmbeddedFiles?|JavaScript|JS)(?![A-Za-z0-9])")


def check_pdf_frame(data: bytes, limits: uploads.UploadLimits) -> None:
    uploads.sniff(data, allowed=("pdf",), limits=limits)
    if b"%%EOF" not in data[-1024:]:
        raise uploads.UploadRejected("truncated")


def open_reader(data: bytes) -> PdfReader:
    with uploads.unreadable_on_failure():
        reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise uploads.UploadRejected("encrypted")
    return reader


def _object_ids(reader: PdfReader) -> list[IndirectObject]:
    ids = [
        IndirectObject(idnum, generation, reader)
        for generation, entries in reader.xref.items()
        for idnum in entries
    ]
    ids += [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]
    return ids


def _filters(stream: DictionaryObject) -> list[str]:
    value = stream.get("/Filter")
    if isinstance(value, ArrayObject):
        return [str(item) for item in value]
    return [str(value)] if value is not None else []


def _count_inflated(raw: bytes, budget: int) -> int:
    """Bytes a Flate stream inflates to, stopping once past `budget`; constant memory."""
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    while pending and total <= budget:
        try:
            total += len(inflater.decompress(pending, 1 << 20))
        except zlib.error:
            # Damaged data: PDFium stops there too, so what inflated so far is the cost.
            break
        pending = inflater.unconsumed_tail
        if inflater.eof:
            break
    return total


def _count_run_length(raw: bytes, budget: int) -> int:
    total = position = 0
    while position < len(raw) and total <= budget:
        length = raw[position]
        if length == 128:
            break
        if length < 128:
            total += length + 1
            position += length + 2
        else:
            total += 257 - length
            position += 2
    return total


def _decoded_size(stream: DictionaryObject, budget: int) -> int:
    """How many bytes PDFium would inflate this non-image stream to, up to `budget` (+1 step).

    PDFium inflates content streams whole, without a limit: a 1 MB stream of zeros becomes
    1 GB in memory and seconds of CPU. Only expanding filters are measured; decoding stops as
    soon as the budget is spent, so a bomb costs little to find.
    """
    data: bytes = getattr(stream, "_data", b"")
    for name in _filters(stream):
        if name in ("/ASCIIHexDecode", "/AHx"):
            data = ASCIIHexDecode.decode(data)
        elif name in ("/ASCII85Decode", "/A85"):
            data = ASCII85Decode.decode(data)
        elif name in ("/FlateDecode", "/Fl"):
            return _count_inflated(data, budget)
        elif name in ("/RunLengthDecode", "/RL"):
            return _count_run_length(data, budget)
        elif name in ("/LZWDecode", "/LZW"):
            # No bounded LZW decoder here, and no current tool writes LZW (a 1990s format).
            raise uploads.UploadRejected("unreadable", reason="lzw")
        else:
            break
    return len(data)


def _direct_dicts(root: DictionaryObject | ArrayObject) -> list[DictionaryObject]:
    """The dictionaries inside one object, nested ones included (an /OpenAction is often a
    direct dictionary inside the catalog). Indirect references are not followed: every
    indirect object is visited on its own."""
    found: list[DictionaryObject] = []
    stack: list[object] = [root]
    while stack and len(found) < 10_000:
        node = stack.pop()
        if isinstance(node, DictionaryObject):
            found.append(node)
            stack.extend(value for value in node.values() if not isinstance(value, IndirectObject))
        elif isinstance(node, ArrayObject):
            stack.extend(value for value in node if not isinstance(value, IndirectObject))
    return found


def _resolved(node: DictionaryObject, key: str) -> object:
    """`node[key]` with an indirect reference followed (`.get()` does not follow it), or None."""
    value = node.get(key)
    for _hop in range(8):  # a reference to a reference …; a cycle ends here
        if not isinstance(value, IndirectObject):
            return value
        try:
            value = value.get_object()
        except Exception:
            return None
    return None


def _active_flags(node: DictionaryObject) -> tuple[bool, bool]:
    """(runs JavaScript, launches a program or carries a file) for one dictionary."""
    action = node.get("/S")
    has_js = "/JS" in node or action == NameObject("/JavaScript") or "/JavaScript" in node
    dangerous = (
        action in (NameObject("/Launch"), NameObject("/GoToE"))
        or node.get("/Type") == NameObject("/EmbeddedFile")
        or node.get("/Subtype") == NameObject("/FileAttachment")
        or "/EF" in node
        or "/EmbeddedFiles" in node
    )
    return has_js, dangerous


def scan_objects(reader: PdfReader, data: bytes, limits: uploads.UploadLimits) -> tuple[bool, bool]:
    """(has_javascript, has_launch_or_embedded_file) from every object in the file.

    Walks all objects, referenced or not, because a viewer that repairs a damaged file may
    find objects a strict reader would not. Names are compared after pypdf decoded #xx escapes;
    a raw byte scan also covers objects pypdf could not parse. Also refuses decompression
    bombs: an image over `limits.max_pixels` ('too_many_pixels'), or other streams inflating
    past MAX_STREAM_BYTES each or MAX_TOTAL_STREAM_BYTES together ('unreadable').
    """
    raw = {match.group(0) for match in _ACTIVE_BYTES.finditer(data)}
    has_js = bool(raw & {b"/JS", b"/JavaScript"})
    dangerous = bool(raw & {b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles"})
    ids = _object_ids(reader)
    if len(ids) > MAX_PDF_OBJECTS:
        raise uploads.UploadRejected("unreadable", reason="too_many_objects")
    inflated_total = 0
    for ref in ids:
        try:
            obj = reader.get_object(ref)
        except Exception:
            # An object pypdf cannot parse was still byte-scanned above; skip it.
            obj = None
        if not isinstance(obj, DictionaryObject | ArrayObject):
            continue
        for node in _direct_dicts(obj):
            js, launch = _active_flags(node)
            has_js, dangerous = has_js or js, dangerous or launch
        if not isinstance(obj, StreamObject):
            continue
        if _resolved(obj, "/Subtype") == NameObject("/Image"):
            # PDFium sizes its image buffers from these numbers, following references.
            width, height = _resolved(obj, "/Width"), _resolved(obj, "/Height")
            if isinstance(width, int | float) and isinstance(height, int | float):
                pixels = abs(int(width) * int(height))
                if pixels > limits.max_pixels:
                    raise uploads.UploadRejected(
                        "too_many_pixels", pixels=pixels, max_pixels=limits.max_pixels
                    )
            continue
        size = _decoded_size(obj, MAX_STREAM_BYTES)
        inflated_total += size
        if size > MAX_STREAM_BYTES or inflated_total > MAX_TOTAL_STREAM_BYTES:
            raise uploads.UploadRejected("unreadable", reason="decompression_bomb")
    return has_js, dangerous
