"""Charts drawn on the server as inline SVG: no JavaScript, a few KB, the same numbers as the
table beneath each one. A suppressed value draws no bar and prints its mark ("< 5", "*")."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 360
BAR = 18
GAP = 8
LABEL = 130


def bars(
    items: list[tuple[str, int | None, str]], *, title: str, target: list | None = None
) -> Markup:
    """Horizontal bars: `items` are (label, value or None when suppressed, text to print).
    `target`, when given, holds one value per item drawn as a tick (targets against actuals)."""
    values = [v for v, *_ in ((i[1],) for i in items) if v is not None]
    if target:
        values += [t for t in target if t is not None]
    top = max(values, default=0) or 1
    span = WIDTH - LABEL - 60
    height = len(items) * (BAR + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, (label, value, text) in enumerate(items):
        y = GAP + index * (BAR + GAP)
        parts.append(f'<text x="0" y="{y + BAR - 5}" font-size="11">{escape(_clip(label))}</text>')
        length = 0 if value is None else round(span * value / top)
        if length:
            parts.append(
                f'<rect x="{LABEL}" y="{y}" width="{length}" height="{BAR}" fill="#2f6f4f"/>'
            )
        if target and target[index] is not None:
            x = LABEL + round(span * target[index] / top)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{y - 2}" y2="{y + BAR + 2}" stroke="#b3261e"'
                ' stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{LABEL + length + 4}" y="{y + BAR - 5}" font-size="11">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label and text above is escaped


def _clip(label: str, size: int = 22) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
