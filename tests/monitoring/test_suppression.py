"""No suppressed cell can be recovered: for any partition, someone who sees the published total,
the cells shown and the marks cannot pin down a cell under 5.

The attacker here does not use `suppression.feasible_range` (the code under test): it
enumerates every assignment of values to the hidden cells that agrees with what is published
and checks that each small cell takes more than one value across them."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.monitoring import suppression as sup

counts_strategy = st.dictionaries(
    st.sampled_from("abcdef"), st.integers(min_value=0, max_value=12), min_size=1, max_size=6
)


def _possible_values(counts, pattern):
    """For each hidden cell, every value it can take in an assignment consistent with the
    published table (total, shown cells, "< 5" = 1..4, "*" = 5 or more)."""
    total = sum(counts.values())
    hidden = [k for k in counts if pattern.mark(k) != sup.SHOWN]
    rest = total - sum(counts[k] for k in counts if pattern.mark(k) == sup.SHOWN)
    ranges = [
        range(1, sup.THRESHOLD) if pattern.mark(k) == sup.SMALL else range(sup.THRESHOLD, rest + 1)
        for k in hidden
    ]
    seen = {k: set() for k in hidden}
    for values in itertools.product(*ranges):
        if sum(values) == rest:
            for k, v in zip(hidden, values, strict=True):
                seen[k].add(v)
    return seen


@settings(max_examples=400, deadline=None)
@given(counts_strategy)
def test_no_small_cell_can_be_recovered_from_the_total(counts):
    pattern = sup.suppress(counts)
    if pattern.withheld:
        return  # nothing of the breakdown is published beyond the total
    for key, n in counts.items():
        if 0 < n < sup.THRESHOLD:
            assert pattern.mark(key) == sup.SMALL
    possible = _possible_values(counts, pattern)
    for key, values in possible.items():
        assert counts[key] in values  # the truth is among the possibilities …
        assert len(values) > 1, (counts, pattern.marks)  # … and is not the only one


@settings(max_examples=200, deadline=None)
@given(counts_strategy)
def test_shown_cells_are_exact_and_nothing_large_is_called_small(counts):
    pattern = sup.suppress(counts)
    for key, n in counts.items():
        mark = pattern.mark(key)
        if mark == sup.SHOWN:
            assert sup.display(n, mark) == n
            assert n == 0 or n >= sup.THRESHOLD
        elif mark == sup.HIDDEN:
            assert n >= sup.THRESHOLD


def test_a_single_small_cell_beside_zeros_withholds_the_breakdown():
    assert sup.suppress({"yes": 3, "no": 0}).withheld


# The public page's "financed, by route": one enterprise may use several routes, so the cells
# add up to at least the number financed (shown in the funnel), not to it; each is at most it.
enterprises_routes = st.lists(
    st.sets(st.sampled_from("abcd"), min_size=1, max_size=3), min_size=0, max_size=14
)


@settings(max_examples=300, deadline=None)
@given(enterprises_routes)
def test_no_small_route_can_be_recovered_from_the_number_financed(enterprises):
    counts = {route: sum(route in used for used in enterprises) for route in "abcd"}
    financed = len(enterprises)
    pattern = sup.suppress(counts)
    if pattern.withheld:
        return
    hidden = [k for k in counts if pattern.mark(k) != sup.SHOWN]
    shown = sum(counts[k] for k in counts if pattern.mark(k) == sup.SHOWN)
    ranges = [
        range(1, sup.THRESHOLD)
        if pattern.mark(k) == sup.SMALL
        else range(sup.THRESHOLD, max(financed, sup.THRESHOLD) + 1)
        for k in hidden
    ]
    seen = {k: set() for k in hidden}
    for values in itertools.product(*ranges):
        # What a reader knows: every cell ≤ financed ≤ the sum of the cells.
        if max(values, default=0) <= financed <= shown + sum(values):
            for k, v in zip(hidden, values, strict=True):
                seen[k].add(v)
    for key in hidden:
        if pattern.mark(key) == sup.SMALL:
            assert counts[key] in seen[key]
            assert len(seen[key]) > 1, (counts, financed, pattern.marks)
