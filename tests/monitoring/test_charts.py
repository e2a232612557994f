"""The server-drawn SVG charts: text in CSS px at every width, long labels wrapped then cut."""

from __future__ import annotations

import re

from marketplace.monitoring import charts


def test_the_chart_text_keeps_its_size_and_the_bars_stretch():
    svg = str(charts.bars([("Terdaftar", 86, "86"), ("Bankable", 23, "23")], title="Corong"))
    # No viewBox: nothing scales the 14 px text down on a phone; only the bars are percentages.
    assert "viewBox" not in svg and 'font-size="14"' in svg
    assert 'width="100.0%"' in svg and 'width="26.7%"' in svg


def test_a_long_label_wraps_on_two_lines_and_the_rest_is_cut_with_its_whole_text_kept():
    label = "Kota Administrasi Jakarta Timur " * 4
    svg = str(charts.bars([(label.strip(), 3, "< 5"), ("<b>", None, "*")], title="t"))
    lines = re.findall(r'<text x="0" y="\d+">(?:<title>[^<]*</title>)?([^<]*)</text>', svg)
    assert len(lines) == 3  # two for the long label, one for the next
    assert lines[1].endswith("…") and f"<title>{label.strip()}</title>" in svg
    assert all(charts._width(line) <= charts.LINE_PX for line in lines)
    assert "&lt;b&gt;" in svg and "<b>" not in svg  # labels are escaped


def test_a_first_word_too_wide_beside_a_long_figure_starts_under_it():
    lines = charts._lines("Pembiayaan yang dimobilisasi", first=60, rest=charts.LINE_PX)
    assert lines == ["", "Pembiayaan yang dimobilisasi"]
