"""Pitch decks: PDFs and phone photos validated, text extracted, previews rendered safely."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PageObject

from marketplace import uploads
from marketplace.pitches import decks
from tests.uploads import corpus
from tests.uploads.measure import measure_refusal

pytestmark = pytest.mark.database_free

LIMITS = uploads.UploadLimits()
DECK_CASES = [case for case in corpus.CASES if case.target == "deck"]


@pytest.mark.parametrize("case", DECK_CASES, ids=lambda case: case.name)
def test_hostile_and_broken_decks_get_their_promised_outcome(case: corpus.Case) -> None:
    assert corpus.run(case) == case.expected


def test_corpus_has_at_least_40_hand_made_cases_with_unique_names() -> None:
    names = [case.name for case in corpus.CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


def _webp(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "WEBP"
    return image


def test_pdf_deck_gives_page_count_text_per_page_and_two_previews_per_page() -> None:
    result = decks.process_deck_pdf(corpus.pdf(), limits=LIMITS)

    assert result.page_count == 3
    assert result.source_kind == "pdf"
    assert result.text.split("\n") == [
        "Keripik Tempe Bu Sari",
        "Rencana penggunaan dana",
        "Tim kami",
    ]
    assert len(result.previews) == 3
    for small, large in result.previews:
        assert len(small) <= decks.SMALL_PREVIEW_MAX_BYTES
        assert _webp(small).width == decks.SMALL_PREVIEW_WIDTH
        assert _webp(large).width == decks.LARGE_PREVIEW_WIDTH


def _noisy_pdf() -> bytes:
    """One page covered by an image of pure noise: the worst case for preview size."""
    noise = Image.effect_noise((900, 600), 120).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    jpeg = buffer.getvalue()
    image = (
        b"<< /Type /XObject /Subtype /Image /Width 900 /Height 600 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
        % len(jpeg)
        + jpeg
        + b"\nendstream"
    )
    content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    data = corpus.build_pdf(["x"], extra_objects=(image, stream))
    return data.replace(b"/Contents 4 0 R", b"/Contents 7 0 R").replace(
        b"/Resources << /Font", b"/Resources << /XObject << /Im1 6 0 R >> /Font"
    )


def test_small_previews_stay_within_15_kb_even_for_a_page_of_noise() -> None:
    result = decks.process_deck_pdf(_noisy_pdf(), limits=LIMITS)

    small, large = result.previews[0]
    assert len(large) > decks.SMALL_PREVIEW_MAX_BYTES  # the page really is hard to compress
    assert len(small) <= decks.SMALL_PREVIEW_MAX_BYTES


def test_deck_with_javascript_is_accepted_flagged_and_rendered_without_forms(
    monkeypatch,
) -> None:
    # PDFium runs document JavaScript only inside a form environment: if anything tried to
    # create one, this test would fail.
    def refuse_forms(*args, **kwargs):
        raise AssertionError("init_forms() must never be called on an uploaded deck")

    monkeypatch.setattr(pdfium.PdfDocument, "init_forms", refuse_forms)
    data = corpus.build_pdf(
        ["Halo"], catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )

    result = decks.process_deck_pdf(data, limits=LIMITS)

    assert result.has_javascript is True
    assert result.page_count == 1 and len(result.previews) == 1


def test_deck_without_javascript_is_not_flagged() -> None:
    assert decks.inspect_pdf(corpus.pdf(), limits=LIMITS).has_javascript is False


def test_text_is_whitespace_normalised_stripped_of_control_characters_and_capped() -> None:
    data = corpus.build_pdf(["Omzet   naik\tRp45.000.000 \\000 per bulan", "Halaman dua"])

    info = decks.inspect_pdf(data, limits=uploads.UploadLimits(max_text_chars=30))

    assert info.text_by_page[0] == "Omzet naik Rp45.000.000 per bu"
    assert info.text_by_page[1] == ""
    assert info.text_truncated is True
    assert "\x00" not in "".join(info.text_by_page)


def test_text_falls_back_to_pdfium_when_pypdf_fails_on_a_page(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise KeyError("/Font")

    monkeypatch.setattr(PageObject, "extract_text", broken)

    info = decks.inspect_pdf(corpus.pdf(), limits=LIMITS)

    assert info.text_by_page == ["Keripik Tempe Bu Sari", "Rencana penggunaan dana", "Tim kami"]


def test_render_page_returns_a_webp_of_the_requested_width() -> None:
    preview = decks.render_page(corpus.pdf(), 2, width=480)

    assert _webp(preview).width == 480


def test_render_page_outside_the_document_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decks.render_page(corpus.pdf(), 3, width=320)


def _coloured_jpeg(colour: tuple[int, int, int], *, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (1600, 1200), colour)
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"lokasi-rahasia")
    return buffer.getvalue()


def test_deck_from_phone_photos_keeps_their_order_turns_them_upright_and_strips_them() -> None:
    photos = [
        _coloured_jpeg((255, 0, 0)),
        _coloured_jpeg((0, 255, 0), orientation=6),
        _coloured_jpeg((0, 0, 255)),
    ]

    result = decks.process_deck_upload(photos, limits=LIMITS)

    assert result.page_count == 3 and result.source_kind == "images"
    colours = []
    for small, large in result.previews:
        assert len(small) <= decks.SMALL_PREVIEW_MAX_BYTES
        assert b"lokasi-rahasia" not in small + large
        image = _webp(large)
        assert image.width <= decks.LARGE_PREVIEW_WIDTH
        colours.append(max(range(3), key=lambda channel: image.getpixel((10, 10))[channel]))
    assert colours == [0, 1, 2]
    assert _webp(result.previews[1][1]).height > _webp(result.previews[1][1]).width


def test_a_broken_photo_in_a_deck_is_refused_with_its_page_number() -> None:
    photos = [corpus.jpeg(), corpus.jpeg()[:300], corpus.jpeg()]

    with pytest.raises(uploads.UploadRejected) as caught:
        decks.process_deck_images(photos, limits=LIMITS)

    assert caught.value.code == "truncated"
    assert caught.value.params["page"] == 2


@pytest.mark.parametrize(
    ("name", "build", "code"),
    corpus.PDF_BOMBS,
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_pdf_bombs_are_refused_before_rendering(name, build, code, tmp_path) -> None:
    # Within 256 MB of extra memory; the time a refusal takes is measured by bench/uploads.py.
    figures = measure_refusal(build(), target="deck", tmp_path=tmp_path)

    assert figures["code"] == code
    assert figures["extra_mb"] < 256
