"""A corpus of broken and hostile uploads, built in code at test time (no binary fixtures).

Each `Case` names the door it knocks on (`photo`: product photo upload; `deck`: pitch deck
upload) and the outcome we promise: "accepted" or the UploadRejected code. Builders are lazy
and cached, so collecting the tests costs nothing and shared base files are made once.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

from marketplace import uploads
from marketplace.pitches import decks
from marketplace.profiles import images

ACCEPTED = "accepted"


@dataclass(frozen=True)
class Case:
    name: str
    target: str  # "photo" or "deck"
    build: Callable[[], bytes | list[bytes]]
    expected: str
    limits: uploads.UploadLimits = field(default_factory=uploads.UploadLimits)


def run(case: Case) -> str:
    """Feed the case to its door; return "accepted" or the refusal code.

    Any exception other than UploadRejected propagates, which is what the tests catch.
    """
    data = case.build()
    try:
        if case.target == "photo":
            assert isinstance(data, bytes)
            images.make_renditions(data, limits=case.limits)
        else:
            files = data if isinstance(data, list) else [data]
            decks.process_deck_upload(files, limits=case.limits)
    except uploads.UploadRejected as error:
        return error.code
    return ACCEPTED


# --- valid base files ------------------------------------------------------------------------


def _picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    image = Image.new("RGB", size, (30, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 2, size[1] // 3), fill=(220, 40, 40))
    draw.ellipse((size[0] // 3, size[1] // 3, size[0] - 2, size[1] - 2), fill=(250, 220, 60))
    return image.convert(mode)


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


@functools.cache
def jpeg() -> bytes:
    return _save(_picture(), "JPEG", quality=90)


@functools.cache
def png() -> bytes:
    return _save(_picture(mode="RGBA"), "PNG")


@functools.cache
def webp() -> bytes:
    return _save(_picture(), "WEBP", quality=80)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_header(width: int, height: int, *, extra_chunks: bytes = b"") -> bytes:
    """A PNG claiming width × height, with a tiny IDAT: cheap to make, huge to decode."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra_chunks
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_header(width: int, height: int) -> bytes:
    """A valid small JPEG whose SOF0 marker is rewritten to claim width × height."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def webp_with_header(width: int, height: int) -> bytes:
    """A lossless WebP whose VP8L header is rewritten to claim width × height (max 16384)."""
    data = bytearray(webp_lossless())
    at = data.index(b"VP8L") + 9  # chunk tag, 4-byte size, 0x2f signature byte
    bits = int.from_bytes(data[at : at + 4], "little")
    bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
    data[at : at + 4] = bits.to_bytes(4, "little")
    return bytes(data)


@functools.cache
def webp_lossless() -> bytes:
    return _save(_picture((8, 8)), "WEBP", lossless=True)


def build_pdf(
    texts: list[str],
    *,
    catalog_extra: bytes = b"",
    pages_count: int | None = None,
    extra_objects: tuple[bytes, ...] = (),
    prefix: bytes = b"",
) -> bytes:
    """A hand-written PDF with one Helvetica text line per page; `catalog_extra` goes into the
    catalog dictionary and `extra_objects` are numbered after the fixed ones (4 + 2·pages …)."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in texts:
        content = zlib.compress(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(len(objects))
    objects.extend(extra_objects)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids) if pages_count is None else pages_count,
    )
    out = io.BytesIO()
    out.write(prefix + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


@functools.cache
def pdf() -> bytes:
    return build_pdf(["Keripik Tempe Bu Sari", "Rencana penggunaan dana", "Tim kami"])


def _pypdf(mutate: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    mutate(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class EmptyPassword(str):
    """The empty password that pypdf's writer would otherwise replace with the user password
    (it treats a falsy owner password as missing). A user password with an *empty owner
    password* is what pypdf's own r5/r6-user-password.pdf samples have: they open with ''."""

    def __bool__(self) -> bool:
        return True


def pdf_encrypted(
    user_password: str,
    owner_password: str = "pemilik",  # noqa: S107 - a test file's password, not a secret
    algorithm: str = "AES-256",
) -> bytes:
    return _pypdf(
        lambda w: w.encrypt(
            user_password=user_password, owner_password=owner_password, algorithm=algorithm
        )
    )


def pdf_with_image_header(width: int, height: int, *, indirect: bool) -> bytes:
    """A one-page PDF holding an image XObject that claims width × height pixels (one byte of
    data); with `indirect`, /Width and /Height are references to number objects 7 and 8."""
    size = b"/Width 7 0 R /Height 8 0 R" if indirect else b"/Width %d /Height %d" % (width, height)
    image = (
        b"<< /Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x00\nendstream"
    )
    return build_pdf(["Foto produk"], extra_objects=(image, b"%d" % width, b"%d" % height))


def pdf_with_attachment() -> bytes:
    return _pypdf(lambda w: w.add_attachment("laporan.exe", b"MZ\x90\x00 payload"))


def pdf_with_names_javascript() -> bytes:
    return _pypdf(lambda w: w.add_js("app.alert('halo');"))


def pdf_with_blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        # Wide and low, so that rendering the accepted 60-page case stays cheap.
        writer.add_blank_page(width=720, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_bad_xref() -> bytes:
    # Every offset in the table points into the header: both parsers must rebuild the xref.
    data = pdf()
    table = data.index(b"xref\n")
    head, tail = data[:table], data[table:]
    lines = tail.split(b"\n")
    lines = [b"0000000003 00000 n " if line.endswith(b" n ") else line for line in lines]
    return head + b"\n".join(lines)


def pdf_with_content_bomb() -> bytes:
    bomb = zlib.compress(b" " * (80 * 1024 * 1024), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    data = build_pdf(["Halo"], extra_objects=(stream,))
    # Point the page's contents at the bomb (object 6).
    return data.replace(b"/Contents 4 0 R", b"/Contents 6 0 R")


def zip_bytes(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_like() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "word/document.xml": b"<?xml version='1.0'?><w:document/>",
        }
    )


def truncated(builder: Callable[[], bytes], fraction: float) -> Callable[[], bytes]:
    return lambda: builder()[: max(1, int(len(builder()) * fraction))]


def _limits(**overrides: int) -> uploads.UploadLimits:
    return uploads.UploadLimits(**overrides)


def _cases() -> list[Case]:
    cases = [
        # Empty and tiny.
        Case("zero_bytes_photo", "photo", lambda: b"", "empty"),
        Case("zero_bytes_deck", "deck", lambda: b"", "empty"),
        Case("one_byte", "deck", lambda: b"%", "not_allowed_type"),
        Case("plain_text", "deck", lambda: b"halo, ini bukan PDF\n", "not_allowed_type"),
        # Truncated files at several offsets.
        Case("pdf_cut_at_10_bytes", "deck", lambda: pdf()[:10], "truncated"),
        Case("pdf_cut_in_half", "deck", truncated(pdf, 0.5), "truncated"),
        Case("pdf_cut_before_eof_marker", "deck", lambda: pdf()[:-7], "truncated"),
        Case("jpeg_cut_after_header", "photo", lambda: jpeg()[:200], "truncated"),
        Case("jpeg_cut_in_half", "photo", truncated(jpeg, 0.5), "truncated"),
        Case("jpeg_cut_at_3_bytes", "photo", lambda: jpeg()[:3], "unreadable"),
        Case("png_cut_in_header", "photo", lambda: png()[:20], "truncated"),
        Case("png_cut_in_half", "photo", truncated(png, 0.5), "truncated"),
        Case("png_cut_at_90_percent", "photo", truncated(png, 0.9), "truncated"),
        # Every pixel is there, only the end marker is missing: nothing is lost by accepting.
        Case("png_missing_only_iend", "photo", lambda: png()[:-12], ACCEPTED),
        Case("webp_cut_in_header", "photo", lambda: webp()[:16], "unreadable"),
        Case("webp_cut_in_half", "photo", truncated(webp, 0.5), "unreadable"),
        Case("webp_cut_near_end", "photo", lambda: webp()[:-10], "unreadable"),
        # Broken structure.
        Case("pdf_with_bad_xref_is_repaired", "deck", pdf_with_bad_xref, ACCEPTED),
        Case("pdf_without_pages", "deck", lambda: build_pdf([]), "unreadable"),
        Case(
            "pdf_page_tree_loop",
            "deck",
            lambda: build_pdf(["x"]).replace(b"/Kids [5 0 R]", b"/Kids [2 0 R]"),
            "unreadable",
        ),
        Case(
            "png_with_bad_crc",
            "photo",
            lambda: png()[:29] + b"\x00\x00\x00\x00" + png()[33:],
            "unreadable",
        ),
        # Not our types, whatever the name says.
        Case(
            "html_named_pdf",
            "deck",
            lambda: b"<!DOCTYPE html><html><body>x</body></html>",
            "not_allowed_type",
        ),
        Case(
            "svg", "photo", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not_allowed_type"
        ),
        Case(
            "svg_with_script",
            "photo",
            lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(document.cookie)</script></svg>",
            "not_allowed_type",
        ),
        Case("xml", "deck", lambda: b'<?xml version="1.0"?><deck/>', "not_allowed_type"),
        Case("shell_script", "deck", lambda: b"#!/bin/sh\nrm -rf /\n", "not_allowed_type"),
        Case(
            "elf_executable",
            "deck",
            lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
            "not_allowed_type",
        ),
        Case(
            "windows_executable", "photo", lambda: b"MZ\x90\x00" + b"\x00" * 64, "not_allowed_type"
        ),
        Case("zip_archive", "deck", lambda: zip_bytes({"deck.pdf": pdf()}), "not_allowed_type"),
        Case("docx_like_zip", "deck", docx_like, "not_allowed_type"),
        Case(
            "gzip_archive", "deck", lambda: b"\x1f\x8b\x08\x00" + b"\x00" * 16, "not_allowed_type"
        ),
        Case("gif", "photo", lambda: _save(_picture(), "GIF"), "not_allowed_type"),
        Case(
            "heic",
            "photo",
            lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
            "not_allowed_type",
        ),
        Case("pdf_as_product_photo", "photo", pdf, "not_allowed_type"),
        Case(
            "pdf_after_1024_bytes_of_junk", "deck", lambda: b" " * 1100 + pdf(), "not_allowed_type"
        ),
        Case("pdf_among_deck_photos", "deck", lambda: [jpeg(), pdf()], "not_allowed_type"),
        # Bombs and limits.
        Case(
            "png_50000_square_header",
            "photo",
            lambda: png_with_header(50_000, 50_000),
            "too_many_pixels",
        ),
        Case(
            "pdf_image_of_144_megapixels",
            "deck",
            lambda: pdf_with_image_header(12_000, 12_000, indirect=False),
            "too_many_pixels",
        ),
        Case(
            "pdf_image_of_144_megapixels_sized_by_references",
            "deck",
            lambda: pdf_with_image_header(12_000, 12_000, indirect=True),
            "too_many_pixels",
        ),
        Case(
            "pdf_small_image_sized_by_references",
            "deck",
            lambda: pdf_with_image_header(64, 48, indirect=True),
            ACCEPTED,
        ),
        Case(
            "png_just_over_pixel_limit",
            "photo",
            lambda: png_with_header(8000, 5001),
            "too_many_pixels",
        ),
        Case(
            "jpeg_65000_square_header",
            "photo",
            lambda: jpeg_with_header(65_000, 65_000),
            "too_many_pixels",
        ),
        Case(
            "webp_16384_square_header",
            "photo",
            lambda: webp_with_header(16_384, 16_384),
            "too_many_pixels",
        ),
        Case(
            "png_ztxt_bomb",
            "photo",
            lambda: png_with_header(
                8,
                8,
                extra_chunks=png_chunk(
                    b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * (64 << 20), 9)
                ),
            ),
            "unreadable",
        ),
        Case("pdf_content_stream_bomb", "deck", pdf_with_content_bomb, "unreadable"),
        Case("pdf_1001_pages", "deck", lambda: pdf_with_blank_pages(1001), "too_many_pages"),
        Case("pdf_61_pages", "deck", lambda: pdf_with_blank_pages(61), "too_many_pages"),
        Case("pdf_60_pages", "deck", lambda: pdf_with_blank_pages(60), ACCEPTED),
        Case(
            "pdf_claiming_100000_pages",
            "deck",
            lambda: build_pdf(["x"], pages_count=100_000),
            "too_many_pages",
        ),
        Case("deck_of_31_photos", "deck", lambda: [jpeg()] * 31, "too_many_images"),
        Case(
            "size_limit_plus_one_byte", "deck", pdf, "too_large", _limits(max_bytes=len(pdf()) - 1)
        ),
        Case("size_limit_exactly", "deck", pdf, ACCEPTED, _limits(max_bytes=len(pdf()))),
        # Passwords and active content.
        Case("pdf_with_user_password", "deck", lambda: pdf_encrypted("rahasia"), "encrypted"),
        # Any encryption is refused: an empty owner password opens a file whose user password
        # we do not know (pypdf's r5/r6-user-password.pdf), and "restrict editing" files are
        # encrypted too.
        Case("pdf_with_owner_password_only", "deck", lambda: pdf_encrypted(""), "encrypted"),
        *(
            Case(
                f"pdf_with_user_password_and_empty_owner_password_{algorithm}",
                "deck",
                lambda algorithm=algorithm: pdf_encrypted("x", EmptyPassword(), algorithm),
                "encrypted",
            )
            for algorithm in ("AES-256", "AES-256-R5", "AES-128", "RC4-128", "RC4-40")
        ),
        Case(
            "pdf_with_javascript_open_action",
            "deck",
            lambda: build_pdf(
                ["x"], catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
            ),
            ACCEPTED,
        ),
        Case("pdf_with_javascript_name_tree", "deck", pdf_with_names_javascript, ACCEPTED),
        Case(
            "pdf_with_launch_action",
            "deck",
            lambda: build_pdf(["x"], catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
            "active_content",
        ),
        Case(
            "pdf_with_hex_escaped_launch",
            "deck",
            lambda: build_pdf(["x"], catalog_extra=b"/OpenAction << /S /L#61unch /F (calc.exe) >>"),
            "active_content",
        ),
        Case("pdf_with_embedded_file", "deck", pdf_with_attachment, "active_content"),
        # Polyglots.
        Case(
            "html_then_pdf",
            "deck",
            lambda: build_pdf(["x"], prefix=b"<html><script>alert(1)</script></html>\n"),
            "hidden_markup",
        ),
        Case(
            "pdf_with_script_in_first_kilobyte",
            "deck",
            lambda: build_pdf(["<script>alert(1)</script>"]).replace(
                b"%PDF-1.7\n", b"%PDF-1.7\n%<script>\n", 1
            ),
            "hidden_markup",
        ),
        Case(
            "jpeg_with_script_comment",
            "photo",
            lambda: _save(_picture(), "JPEG", comment=b"<script>alert(1)</script>"),
            "hidden_markup",
        ),
        Case(
            "jpeg_with_appended_zip", "photo", lambda: jpeg() + zip_bytes({"x.sh": b"id"}), ACCEPTED
        ),
        # Valid files of every accepted kind, for contrast.
        Case("valid_jpeg", "photo", jpeg, ACCEPTED),
        Case("valid_png_with_alpha", "photo", png, ACCEPTED),
        Case("valid_webp", "photo", webp, ACCEPTED),
        Case("valid_cmyk_jpeg", "photo", lambda: _save(_picture(mode="CMYK"), "JPEG"), ACCEPTED),
        Case(
            "valid_16_bit_png", "photo", lambda: _save(_picture().convert("I;16"), "PNG"), ACCEPTED
        ),
        Case("valid_pdf_deck", "deck", pdf, ACCEPTED),
        Case("valid_photo_deck", "deck", lambda: [jpeg(), png(), webp()], ACCEPTED),
    ]
    return cases


CASES = _cases()


# --- bombs: refused before they are decoded (tests/uploads, and bench/uploads.py times them) ---
_ZEROS = zlib.compress(b"\x00" * (16 << 20), 9)

# (name, build, code) for decks
PDF_BOMBS: list[tuple[str, Callable[[], bytes], str]] = [
    ("pdf_1001_pages", lambda: pdf_with_blank_pages(1001), "too_many_pages"),
    ("pdf_content_stream_bomb", lambda: pdf_with_content_bomb(), "unreadable"),
    (
        "pdf_image_declared_20000_square",
        lambda: build_pdf(
            ["x"],
            extra_objects=(
                b"<< /Type /XObject /Subtype /Image /Width 20000 /Height 20000 "
                b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
                b"/Length %d >>\nstream\n" % len(_ZEROS) + _ZEROS + b"\nendstream",
            ),
        ),
        "too_many_pixels",
    ),
]

# (name, build, limits, code) for product photos
IMAGE_BOMBS: list[tuple[str, Callable[[], bytes], dict[str, int], str]] = [
    ("png_50000_square", lambda: png_with_header(50_000, 50_000), {}, "too_many_pixels"),
    ("jpeg_65000_square", lambda: jpeg_with_header(65_000, 65_000), {}, "too_many_pixels"),
    ("webp_16384_square", lambda: webp_with_header(16_384, 16_384), {}, "too_many_pixels"),
    (
        # Our own limit switched off: Pillow's DecompressionBombWarning (over 89 megapixels)
        # must still refuse it, in a process without pytest's warning filters.
        "png_10000_square_past_pillow_warning",
        lambda: png_with_header(10_000, 10_000),
        {"max_pixels": 10**12},
        "too_many_pixels",
    ),
    (
        "png_ztxt_text_chunk_bomb",
        lambda: png_with_header(
            8,
            8,
            extra_chunks=png_chunk(
                b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * (64 << 20), 9)
            ),
        ),
        {},
        "unreadable",
    ),
]
