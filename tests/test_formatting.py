"""Numbers and moments in the user's language and zone."""

import datetime as dt

from marketplace import formatting


def test_a_decimal_uses_the_comma_in_indonesian_and_the_point_in_english():
    assert formatting.number(8.5, locale="id") == "8,5"
    assert formatting.number(8.5, locale="en") == "8.5"
    assert formatting.number(-0.456, 2, locale="id") == "-0,46"
    assert formatting.number(1234.5, locale="id") == "1.234,5"
    assert formatting.number(None) == ""


def test_a_csv_moment_is_in_wib_and_names_its_zone():
    moment = dt.datetime(2026, 8, 21, 17, 30, tzinfo=dt.UTC)
    assert formatting.csv_datetime(moment) == "2026-08-22 00:30 WIB"
    assert formatting.csv_datetime(moment, "Asia/Makassar") == "2026-08-22 01:30 WITA"
    assert formatting.local_date(moment) == dt.date(2026, 8, 22)  # already the next day in WIB
    assert formatting.csv_datetime(None) == ""


def test_a_csv_export_keeps_its_header_and_defuses_every_cell():
    text = formatting.csv_text(["Name", "Amount"], [("=HYPERLINK(1)", 5), (None, -3)])
    assert text.splitlines() == ["Name,Amount", "'=HYPERLINK(1),5", ",-3"]
