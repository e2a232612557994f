"""Product photos: validate by content, turn upright, strip metadata and make renditions.

Nothing here touches the database or the file system; callers store the returned bytes.

Why WebP: at the sizes we serve, WebP at quality 80 is 15–35 % smaller than JPEG at quality 82
(progressive, optimised) for the same look, which matters on a slow mobile connection, and every
browser our users have (Android Chrome, iOS 14+ Safari, desktop) shows it. It costs more CPU to
encode (tens of milliseconds per photo), paid once at upload.

Why the output holds no metadata: every rendition is re-encoded from a fresh image built from
pixel data only, so EXIF (GPS included), XMP, ICC profiles, comments and PNG text chunks of the
original never reach storage, nor does anything appended after the image data.

Isolation: `process_photo`, what services call, decodes in a `marketplace.sandbox` child (a
decoder bug in Pillow or libwebp then costs a child, not the web worker); the other functions are
pure and run wherever they are called, which is inside such a child for uploads.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from marketplace import sandbox, uploads

LARGE_SIDE = 1280
SMALL_SIDE = 320
WEBP_QUALITY = 80
# Pillow's plugin names for the kinds `uploads.sniff` accepts: only these decoders may run.
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_MIN_QUALITY = 35
# The child's entry point; a module constant so that tests can swap in a misbehaving one.
PHOTO_TARGET = "marketplace.profiles.images:photo_in_child"


@dataclass(frozen=True)
class Rendition:
    """One encoded image ready to store: its bytes, size in pixels and type."""

    data: bytes
    width: int
    height: int
    format: str
    mime: str


@dataclass(frozen=True)
class ProcessedImage:
    """A photo after processing: the kind it arrived as and its two renditions."""

    source_kind: str
    large: Rendition
    small: Rendition


def _pixel_params(width: int, height: int, limits: uploads.UploadLimits) -> dict[str, int]:
    return {
        "width": width,
        "height": height,
        "pixels": width * height,
        "max_pixels": limits.max_pixels,
    }


def _refuse_from_pillow(error: Exception, limits: uploads.UploadLimits) -> uploads.UploadRejected:
    """Map a Pillow failure on hostile or damaged input to a refusal the user can act on."""
    if isinstance(error, Image.DecompressionBombError | Image.DecompressionBombWarning):
        match = re.search(r"\((\d+) pixels\)", str(error))
        pixels = int(match.group(1)) if match else 0
        return uploads.UploadRejected(
            "too_many_pixels", pixels=pixels, max_pixels=limits.max_pixels
        )
    if isinstance(error, EOFError | struct.error) or "truncated" in str(error).lower():
        return uploads.UploadRejected("truncated")
    return uploads.UploadRejected("unreadable", reason=type(error).__name__)


def load_image(
    data: bytes,
    *,
    limits: uploads.UploadLimits,
    box: int = LARGE_SIDE,
    allowed: tuple[str, ...] = uploads.IMAGE_KINDS,
) -> tuple[str, Image.Image]:
    """Validate an uploaded image and decode it upright, in RGB, no larger than `box` pixels.

    Returns (kind, image): the sniffed kind ('jpeg', 'png' or 'webp') and a fresh RGB image
    whose longest side is at most `box`, EXIF orientation applied, alpha flattened on white.
    The header size is compared with `limits.max_pixels` before any pixel is decoded.
    Pure (no I/O). Raises UploadRejected ('empty', 'too_large', 'not_allowed_type',
    'hidden_markup', 'too_many_pixels', 'truncated', 'unreadable'); never another exception.
    """
    kind = uploads.sniff(data, allowed=allowed, limits=limits)
    try:
        image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]])
        width, height = image.size
        if width < 1 or height < 1 or width * height > limits.max_pixels:
            raise uploads.UploadRejected("too_many_pixels", **_pixel_params(width, height, limits))
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 12-megapixel phone photo then costs a
        # quarter of the memory and time. The box is square, so orientation does not matter.
        image.draft("RGB", (box, box))
        image.load()
        image = _shrink(image, box)
        image = _upright(image)
        return kind, _flatten_to_rgb(image)
    except uploads.UploadRejected:
        raise
    except Exception as error:
        # Hostile input reaches deep into the decoders; any failure there is a refusal of the
        # file, not a server error. zlib.error, ValueError (PNG text bombs), SyntaxError …
        raise _refuse_from_pillow(error, limits) from error


def _shrink(image: Image.Image, box: int) -> Image.Image:
    if max(image.size) <= box:
        return image
    scale = box / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    # reducing_gap: box-reduce first, then Lanczos; visually the same, several times faster.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        # A damaged EXIF block should not cost the owner their photo: keep it as stored.
        return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping everything to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def fit(image: Image.Image, *, max_width: int, max_height: int) -> Image.Image:
    """The image scaled down (never up) to fit in max_width × max_height. Pure."""
    scale = min(1.0, max_width / image.width, max_height / image.height)
    if scale >= 1.0:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # reducing_gap=1.5: box-reduce by 2 first for 1200 → 320; sharp enough for a thumbnail and
    # three times faster than a full Lanczos pass (20 previews per deck).
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.5)


def encode(
    image: Image.Image,
    *,
    quality: int = WEBP_QUALITY,
    max_bytes: int | None = None,
    method: int = 4,
) -> Rendition:
    """Encode an RGB image as WebP from its pixels alone (no metadata can be carried over).

    `method` is libwebp's effort (0–6): 4 is its default; 2 is twice as fast for about 5 %
    more bytes, which is what a 60-page deck needs. With `max_bytes`, lowers the quality step
    by step, then the size, until the result fits; the image never grows. Pure; raises
    nothing for RGB input.
    """
    # A copy with empty `info`: resize(), convert() and copy() carry `info` over, and some
    # encoders fall back to info['comment'] / info['icc_profile'] when saving. Encoders take
    # EXIF and XMP only from save() arguments, and we pass none.
    current = image.convert("RGB") if image.mode != "RGB" else image.copy()
    current.info = {}
    while True:
        for step_quality in range(quality, _MIN_QUALITY - 1, -10):
            buffer = io.BytesIO()
            current.save(buffer, "WEBP", quality=step_quality, method=method)
            data = buffer.getvalue()
            if max_bytes is None or len(data) <= max_bytes:
                return Rendition(data, current.width, current.height, "webp", "image/webp")
        if min(current.size) <= 16:
            return Rendition(data, current.width, current.height, "webp", "image/webp")
        current = current.resize(
            (max(1, round(current.width * 0.8)), max(1, round(current.height * 0.8))),
            Image.Resampling.LANCZOS,
        )


def renditions(
    image: Image.Image, *, small_max_bytes: int | None = None
) -> tuple[Rendition, Rendition]:
    """(large, small): longest side LARGE_SIDE and SMALL_SIDE px, WebP. Pure."""
    large = fit(image, max_width=LARGE_SIDE, max_height=LARGE_SIDE)
    small = fit(large, max_width=SMALL_SIDE, max_height=SMALL_SIDE)
    return encode(large), encode(small, max_bytes=small_max_bytes)


def process_photo(data: bytes, *, limits: uploads.UploadLimits) -> ProcessedImage:
    """`make_renditions` in a sandbox child: what services call for an uploaded photo.

    Raises UploadRejected (see `load_image` for the codes, plus the sandbox's ParserCrashed,
    ParserTimedOut and ParserOutOfMemory). Side effects: a temporary directory, removed before
    returning.
    """
    uploads.sniff(data, allowed=uploads.IMAGE_KINDS, limits=limits)  # leading bytes only
    with tempfile.TemporaryDirectory(prefix="temumodal-photo-") as directory:
        source = Path(directory, "upload")
        source.write_bytes(data)
        try:
            answer = sandbox.run(PHOTO_TARGET, str(source), directory, limits)
        except sandbox.ParserFailed as error:
            error.params["subject"] = "photo"
            raise
        large, small = (
            Rendition(Path(directory, name).read_bytes(), *answer[name])
            for name in ("large", "small")
        )
    return ProcessedImage(source_kind=answer["source_kind"], large=large, small=small)


def photo_in_child(source: str, directory: str, limits: uploads.UploadLimits) -> dict[str, Any]:
    """Child side of `process_photo`: the renditions go to files `large` and `small`."""
    processed = make_renditions(Path(source).read_bytes(), limits=limits)
    answer: dict[str, Any] = {"source_kind": processed.source_kind}
    for name, rendition in (("large", processed.large), ("small", processed.small)):
        Path(directory, name).write_bytes(rendition.data)
        answer[name] = [rendition.width, rendition.height, rendition.format, rendition.mime]
    return answer


def make_renditions(data: bytes, *, limits: uploads.UploadLimits) -> ProcessedImage:
    """Validate an uploaded product photo and make its large and small renditions.

    The photo is accepted by content only (JPEG, PNG or WebP), turned upright from its EXIF
    orientation, flattened on white, and re-encoded without any metadata. Pure: no I/O, no
    database. Raises UploadRejected (see `load_image` for the codes); never another exception.
    """
    kind, image = load_image(data, limits=limits, box=LARGE_SIDE)
    with uploads.unreadable_on_failure():  # encode() raises no UploadRejected of its own
        large, small = renditions(image)
    return ProcessedImage(source_kind=kind, large=large, small=small)
