"""Charts drawn on the server as inline SVG: no JavaScript, a few KB, the same numbers as the
table beneath each one. A suppressed value draws no bar and prints its mark ("< 5", "*").

Readable on a 390 px phone: the SVG has no viewBox, so a unit is a CSS pixel and the text keeps
its size at every width (a viewBox scaled to the screen shrank 12-unit labels to 11 px and less
on a phone). Only the bars stretch: their lengths are percentages of the chart's width. Each
item is its label, wrapped on two lines at most and then clipped, with its figure at the right
end of the first line, above a track as wide as the chart.
"""

from __future__ import annotations

from markupsafe import Markup, escape

FONT = 14  # px on screen, at every width
LINE = 18  # px from one text line to the next
BAR = 12
GAP = 12  # between one item's bar and the next item's label
# SVG text does not wrap: labels are cut into lines by an estimate of their width that fits the
# narrowest chart expected, 290 px (a 360 px phone, less the page's and the card's padding).
LINE_PX = 290
MAX_LINES = 2
# Character widths in em of DejaVu Sans, the widest of the usual sans-serif fonts (Debian's
# Chromium draws system-ui with it): a label that fits with it fits with Roboto or SF too.
_EM = {
    **dict.fromkeys("ijl.,:;'!|·", 0.3),
    **dict.fromkeys(" ()[]frt/-I", 0.4),
    **dict.fromkeys("mwMW%", 0.98),
    **dict.fromkeys("0123456789", 0.64),
}
BOLD = 1.1


def bars(
    items: list[tuple[str, int | None, str]], *, title: str, target: list | None = None
) -> Markup:
    """Horizontal bars, each under its label: `items` are (label, value or None when
    suppressed, figure to print beside the label). `target`, when given, holds one value per
    item drawn as a red tick."""
    values = [value for _label, value, _text in items if value is not None]
    if target:
        values += [t for t in target if t is not None]
    top = max(values, default=0) or 1
    if target:
        top *= 1.02  # a tick at the largest value stays whole inside the chart
    parts, y = [], 0
    for index, (label, value, text) in enumerate(items):
        lines = _lines(label, first=LINE_PX - BOLD * _width(text) - FONT, rest=LINE_PX)
        # The whole label as the text's tooltip where it had to be cut short.
        full = "" if " ".join(lines).strip() == label else f"<title>{escape(label)}</title>"
        for number, line in enumerate(lines):
            if line:
                parts.append(
                    f'<text x="0" y="{y + FONT + number * LINE}">{full}{escape(line)}</text>'
                )
                full = ""
        parts.append(
            f'<text x="100%" y="{y + FONT}" text-anchor="end" font-weight="bold">'
            f"{escape(text)}</text>"
        )
        bar_y = y + len(lines) * LINE + 4
        parts.append(f'<rect y="{bar_y}" width="100%" height="{BAR}" fill="#e3e8e2"/>')
        if value:
            share = max(0.5, round(100 * value / top, 1))
            parts.append(f'<rect y="{bar_y}" width="{share}%" height="{BAR}" fill="#2f6f4f"/>')
        if target and target[index] is not None:
            x = round(100 * target[index] / top, 1)
            parts.append(
                f'<line x1="{x}%" x2="{x}%" y1="{bar_y - 3}" y2="{bar_y + BAR + 3}"'
                ' stroke="#b3261e" stroke-width="2"/>'
            )
        y = bar_y + BAR + GAP
    head = (
        f'<svg class="chart" role="img" width="100%" height="{max(y - GAP + 4, 1)}"'
        f' font-size="{FONT}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704 - every text above is escaped


def _width(text: str) -> float:
    """The estimated width of `text` at FONT px."""
    return FONT * sum(_EM.get(c, 0.72 if c.isupper() else 0.62) for c in text)


def _lines(label: str, *, first: float, rest: float) -> list[str]:
    """`label` cut at spaces into MAX_LINES lines at most, the first of `first` px (beside the
    figure) and the others of `rest` px; below an empty first line when even the first word does
    not fit beside the figure. A word wider than a line is cut; what does not fit in the last
    line ends in "…"."""
    words = label.split()
    lines: list[str] = []
    if words and _width(words[0]) > first:
        lines, first = [""], rest
    most = len(lines) + MAX_LINES
    while words and len(lines) < most:
        size = first if not lines else rest
        line = words.pop(0)
        if _width(line) > size:
            cut = _fit(line, size - _width("-"))
            words.insert(0, line[cut:])
            line = line[:cut] + "-"
        while words and _width(f"{line} {words[0]}") <= size:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        lines[-1] = lines[-1][: _fit(lines[-1], rest - _width("…"))].rstrip() + "…"
    return lines or [""]


def _fit(text: str, size: float) -> int:
    """How many of `text`'s first characters fit in `size` px (one at least)."""
    count = len(text)
    while count > 1 and _width(text[:count]) > size:
        count -= 1
    return count
