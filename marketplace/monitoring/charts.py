"""Charts drawn on the server as inline SVG: no JavaScript, a few KB, the same numbers as the
table beneath each one. A suppressed value draws no bar and prints its mark ("< 5", "*")."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 360
BAR = 14
ROW = 36  # a label line above each bar
TEXT_ROOM = 150  # room right of the longest bar for its figures


def bars(
    items: list[tuple[str, int | None, str]], *, title: str, target: list | None = None
) -> Markup:
    """Horizontal bars, each under its label: `items` are (label, value or None when
    suppressed, text to print after the bar). `target`, when given, holds one value per item
    drawn as a red tick."""
    values = [value for _label, value, _text in items if value is not None]
    if target:
        values += [t for t in target if t is not None]
    top = max(values, default=0) or 1
    span = WIDTH - TEXT_ROOM
    height = len(items) * ROW + 4
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, (label, value, text) in enumerate(items):
        y = index * ROW
        parts.append(f'<text x="0" y="{y + 12}" font-size="12">{escape(_clip(label))}</text>')
        length = 0 if value is None else max(1, round(span * value / top)) if value else 0
        if length:
            parts.append(
                f'<rect x="0" y="{y + 16}" width="{length}" height="{BAR}" fill="#2f6f4f"/>'
            )
        if target and target[index] is not None:
            x = round(span * target[index] / top)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{y + 14}" y2="{y + 16 + BAR + 2}" stroke="#b3261e"'
                ' stroke-width="2"/>'
            )
        parts.append(f'<text x="{length + 4}" y="{y + 27}" font-size="11">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label and text above is escaped


def _clip(label: str, size: int = 52) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
