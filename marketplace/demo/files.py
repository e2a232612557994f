"""The demo's generated files: pitch decks and data-room documents drawn with Pillow.

Small on purpose (a few pages at screen size, flat colours) so that seeding stays fast; nothing
is downloaded. Pure functions from text to PDF bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

PAGE = (960, 540)  # a 16:9 slide
DOCUMENT_PAGE = (595, 842)  # A4 at 72 dpi
INK = (33, 37, 41)
PALETTE = ((14, 116, 144), (190, 75, 36), (67, 122, 34), (109, 40, 217), (161, 98, 7))


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _pdf(pages: Sequence[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=list(pages[1:]), resolution=72.0)
    return buffer.getvalue()


def deck_pdf(title: str, slides: Sequence[tuple[str, str]], *, colour: int = 0) -> bytes:
    """A pitch deck: a title slide, then one slide per (heading, body). Returns PDF bytes."""
    accent = PALETTE[colour % len(PALETTE)]
    pages = []
    cover = Image.new("RGB", PAGE, accent)
    draw = ImageDraw.Draw(cover)
    y = 180
    for line in _wrap(draw, title, _font(54), PAGE[0] - 120):
        draw.text((60, y), line, fill="white", font=_font(54))
        y += 64
    draw.text((60, PAGE[1] - 70), "TemuModal · demo", fill="white", font=_font(22))
    pages.append(cover)
    for number, (heading, body) in enumerate(slides, start=2):
        page = Image.new("RGB", PAGE, "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((0, 0, PAGE[0], 90), fill=accent)
        draw.text((50, 24), heading, fill="white", font=_font(38))
        y = 130
        for line in _wrap(draw, body, _font(28), PAGE[0] - 100):
            draw.text((50, y), line, fill=INK, font=_font(28))
            y += 40
        draw.text((PAGE[0] - 60, PAGE[1] - 45), str(number), fill=accent, font=_font(22))
        pages.append(page)
    return _pdf(pages)


def document_pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page document (a financial summary, a business plan) as PDF bytes."""
    page = Image.new("RGB", DOCUMENT_PAGE, "white")
    draw = ImageDraw.Draw(page)
    y = 50
    for line in _wrap(draw, title, _font(24), DOCUMENT_PAGE[0] - 100):
        draw.text((50, y), line, fill=INK, font=_font(24))
        y += 32
    draw.line((50, y + 6, DOCUMENT_PAGE[0] - 50, y + 6), fill=PALETTE[0], width=2)
    y += 24
    for text in lines:
        for line in _wrap(draw, text, _font(15), DOCUMENT_PAGE[0] - 100):
            draw.text((50, y), line, fill=INK, font=_font(15))
            y += 21
        y += 6
    return _pdf([page])
