"""Small-cell suppression: the one rule the dashboard, the exports and the public page share.

Pure: counts in, a pattern out; no database, no labels.

A disaggregation is a partition of the enterprises an indicator counts (women-led: yes, no,
not stated), shown beside its total. A cell of 1–4 enterprises is suppressed (shown as "< 5":
primary suppression). The total is published elsewhere (the funnel, the indicator's overall
value), so a single suppressed cell could be recovered by subtraction; secondary suppression
hides further cells (shown as "*", known only to hold 5 or more) until no suppressed cell's value
can be pinned down from the total, the cells shown and what the marks say ("< 5" is 1–4,
"*" is 5 or more, a 0 is shown as 0). `feasible_range` is that attacker's arithmetic; the tests
run it against every pattern. When no pattern protects the small cells (every other cell is 0)
the whole disaggregation is withheld.

For sums (rupiah, jobs) the pattern is computed on the count of enterprises behind each cell and
applied to the sums, so a sum is never shown for fewer than 5 enterprises.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

THRESHOLD = 5

SHOWN = "shown"
SMALL = "small"  # primary: 1..THRESHOLD-1, shown as "< 5"
HIDDEN = "hidden"  # secondary: >= THRESHOLD, shown as "*"


@dataclass(frozen=True)
class Pattern:
    """How each cell of one disaggregation is shown. `withheld`: nothing of it is shown."""

    marks: dict[Hashable, str]
    withheld: bool = False

    def shows(self, key: Hashable) -> bool:
        return not self.withheld and self.marks.get(key, SHOWN) == SHOWN

    def mark(self, key: Hashable) -> str:
        return "withheld" if self.withheld else self.marks.get(key, SHOWN)


def suppress(counts: Mapping[Hashable, int]) -> Pattern:
    """The suppression pattern for a partition `counts` whose total sum(counts) is published."""
    marks = {key: (SMALL if 0 < n < THRESHOLD else SHOWN) for key, n in counts.items()}
    if all(mark == SHOWN for mark in marks.values()):
        return Pattern(marks)
    while True:
        if all(_width(counts, marks, key) > 0 for key, m in marks.items() if m != SHOWN):
            return Pattern(marks)
        candidates = [k for k, m in marks.items() if m == SHOWN and counts[k] > 0]
        if not candidates:
            return Pattern({key: SMALL for key in counts}, withheld=True)
        # The smallest cell hides the most with the least lost; ties by key order.
        extra = min(candidates, key=lambda k: (counts[k], str(k)))
        marks[extra] = HIDDEN


def _width(counts: Mapping[Hashable, int], marks: dict, key: Hashable) -> int:
    low, high = feasible_range(
        {k: (counts[k] if m == SHOWN else None) for k, m in marks.items()},
        marks,
        total=sum(counts.values()),
        key=key,
    )
    return high - low


def feasible_range(
    shown: Mapping[Hashable, int | None], marks: Mapping[Hashable, str], *, total: int, key
) -> tuple[int, int]:
    """What someone who sees the table can tell of cell `key`: its lowest and highest possible
    value given the total, the values shown and the marks (SMALL 1–4, HIDDEN ≥ 5)."""

    def bounds(k) -> tuple[int, int]:
        if marks[k] == SHOWN:
            return shown[k], shown[k]
        if marks[k] == SMALL:
            return 1, THRESHOLD - 1
        return THRESHOLD, total

    rest = total - sum(v for k, v in shown.items() if marks[k] == SHOWN)
    others = [bounds(k) for k in marks if k != key and marks[k] != SHOWN]
    low, high = bounds(key)
    return (
        max(low, rest - sum(h for _, h in others)),
        min(high, rest - sum(lo for lo, _ in others)),
    )


def display(value, mark: str) -> str | int:
    """A cell as a table shows it: the value, "< 5", "*" or "–"."""
    if mark == SHOWN:
        return value
    if mark == SMALL:
        return f"< {THRESHOLD}"
    if mark == HIDDEN:
        return "*"
    return "–"


def total_mark(n: int) -> str:
    """A total on its own (the public page): shown, or "< 5" under the threshold."""
    return SMALL if 0 < n < THRESHOLD else SHOWN
