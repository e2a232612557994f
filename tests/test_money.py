"""What people type into money fields, read by the one parser, in both languages."""

from __future__ import annotations

import pytest

from marketplace import formatting, money

pytestmark = pytest.mark.database_free

JT = 1_000_000
M = 1_000_000_000

# (typed, Indonesian UI, English UI): the same text read in each locale.
READ = [
    ("50000000", 50 * JT, 50 * JT),
    ("50.000.000", 50 * JT, 50 * JT),
    ("Rp50.000.000", 50 * JT, 50 * JT),
    ("Rp 50.000.000", 50 * JT, 50 * JT),
    ("Rp. 50.000.000", 50 * JT, 50 * JT),
    ("Rp 50.000.000,00", 50 * JT, 50 * JT),
    ("Rp 250.000.000,-", 250 * JT, 250 * JT),
    ("IDR 2 jt", 2 * JT, 2 * JT),
    ("5 juta rupiah", 5 * JT, 5 * JT),
    ("50 000 000", 50 * JT, 50 * JT),
    ("50jt", 50 * JT, 50 * JT),
    ("50 jt", 50 * JT, 50 * JT),
    ("50 JT", 50 * JT, 50 * JT),
    ("50 juta", 50 * JT, 50 * JT),
    ("Rp50jt", 50 * JT, 50 * JT),
    ("7,5 jt", 7_500_000, 7_500_000),
    ("7.5 jt", 7_500_000, 7_500_000),
    ("1,5 miliar", 1_500 * JT, 1_500 * JT),
    ("1,5 milyar", 1_500 * JT, 1_500 * JT),
    ("50rb", 50_000, 50_000),
    ("50 ribu", 50_000, 50_000),
    ("150k", 150_000, 150_000),
    ("2 T", 2_000 * M, 2_000 * M),
    ("50,000,000", 50 * JT, 50 * JT),
    ("50,000,000.00", 50 * JT, 50 * JT),
    ("50.5 million", 50_500_000, 50_500_000),
    ("2 billion", 2 * M, 2 * M),
    ("0", 0, 0),
    # Ambiguous groups: a rupiah amount has no sen, so a single separator before three digits
    # is read as thousands in both languages.
    ("1.500", 1_500, 1_500),
    ("1,500", 1_500, 1_500),
    # With a multiplier, the user's language decides: 1.500 jt is 1,5 M in Indonesian and
    # 1.5 million in English.
    ("1.500 jt", 1_500 * JT, 1_500_000),
    ("1,500 jt", 1_500_000, 1_500 * JT),
]


@pytest.mark.parametrize(("typed", "in_id", "in_en"), READ)
def test_what_people_type_is_read_in_both_languages(typed, in_id, in_en):
    assert money.parse_rupiah(typed, locale="id") == in_id
    assert money.parse_rupiah(typed, locale="en") == in_en


def test_m_means_miliar_in_indonesian_and_is_refused_in_english():
    assert money.parse_rupiah("1,5 M", locale="id") == 1_500 * JT
    assert money.parse_rupiah("1,5M", locale="id") == 1_500 * JT
    with pytest.raises(money.MoneyError) as refused:
        money.parse_rupiah("1.5M", locale="en")
    assert refused.value.message is money.MESSAGE_AMBIGUOUS_M


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lima juta", money.MESSAGE_UNREADABLE),
        ("banyak", money.MESSAGE_UNREADABLE),
        ("50 dolar", money.MESSAGE_UNREADABLE),
        ("1e5", money.MESSAGE_UNREADABLE),
        ("12.34.567", money.MESSAGE_UNREADABLE),
        ("Rp", money.MESSAGE_UNREADABLE),
        ("5-", money.MESSAGE_UNREADABLE),
        ("Rp 1.000,50", money.MESSAGE_FRACTION),
        ("1.5", money.MESSAGE_FRACTION),
        ("1,2345678 jt", money.MESSAGE_FRACTION),
        ("-5.000.000", money.MESSAGE_NEGATIVE),
        ("99.999.999.999.999.999", money.MESSAGE_TOO_LARGE),
        ("20.000.000 T", money.MESSAGE_TOO_LARGE),
    ],
)
def test_what_cannot_be_read_gets_a_message_never_a_guess(typed, message, locale):
    with pytest.raises(money.MoneyError) as refused:
        money.parse_rupiah(typed, locale=locale)
    assert refused.value.message is message


@pytest.mark.parametrize("typed", ["-1.500.000", "-Rp 1.500.000", "Rp -1.500.000", "-1,5 jt"])
def test_a_loss_is_negative_where_the_field_allows_it(typed):
    assert money.parse_rupiah(typed, locale="id", allow_negative=True) == -1_500_000


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_blank_is_no_amount(typed):
    assert money.parse_rupiah(typed, locale="id") is None


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize("amount", [0, 1, 999, 1_500, 50 * JT, 1_500 * JT, 10**15])
def test_what_the_app_writes_reads_back_to_the_same_amount(amount, locale):
    assert money.parse_rupiah(money.input_value(amount, locale), locale=locale) == amount
    assert money.parse_rupiah(formatting.rupiah(amount, locale), locale=locale) == amount


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize("amount", [10 * JT, 50 * JT, 1_500 * JT, 2 * 10**12, 250_000])
def test_short_amounts_in_reasons_read_back_too(amount, locale):
    # "Rp1,5 M" / "Rp1.5 billion", "Rp250 rb" / "Rp250 thousand"
    assert money.parse_rupiah(formatting.rupiah_short(amount, locale), locale=locale) == amount


def test_outside_a_request_the_parser_reads_indonesian():
    assert money.parse_rupiah("1,5 M") == 1_500 * JT
