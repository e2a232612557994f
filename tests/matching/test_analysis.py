"""The Indonesian analyzer: what a searcher's word turns into, on both backends alike."""

from __future__ import annotations

import pytest

from marketplace.matching import analysis, highlight


@pytest.mark.parametrize(
    ("words", "why"),
    [
        (["pemasaran", "memasarkan", "dipasarkan", "Pasar"], "affixes of pasar"),
        (["penjualan", "dijual", "berjualan"], "affixes of jual"),
        (["kripik", "keripik", "keripiknya", "Kripiknya"], "spelling variant kripik"),
        (["sambel", "sambal"], "spelling variant sambel"),
        (["kemasan", "pengemasan", "dikemas"], "pengemasan must not become emas (gold)"),
        (["peternakan", "beternak", "ternak"], "peternakan must not become terna"),
        (["kue-kue", "kue"], "reduplicated plural"),
    ],
)
def test_related_forms_of_a_word_share_one_term(words, why):
    terms = {analysis.analyze(word) == analysis.analyze(words[0]) for word in words}
    assert terms == {True}, why
    assert len(analysis.analyze(words[0])) == 1


@pytest.mark.parametrize("stop_word", ["yang", "dan", "di", "ke", "dari", "untuk", "dengan"])
def test_stop_words_are_removed(stop_word):
    assert analysis.analyze(f"keripik {stop_word} tempe") == ("keripik", "tempe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café Kopi", ("cafe", "kopi")),
        ("TEMPÉ", ("tempe",)),
        ("panen 2024 kemasan 500gr", ("panen", "2024", "kemas", "500gr")),
        ("Rp50.000", ("rp50", "000")),
    ],
)
def test_accents_are_folded_and_numbers_kept(text, expected):
    assert analysis.analyze(text) == expected


def test_oleh_oleh_is_a_product_not_a_stop_word():
    assert analysis.analyze("oleh-oleh khas Malang") == ("oleh", "khas", "malang")


def test_warung_query_also_asks_for_toko_kelontong_and_back():
    (warung_clause,) = analysis.parse_query("warung")
    (toko_clause,) = analysis.parse_query("toko kelontong")
    assert warung_clause == toko_clause
    assert ("toko", "kelontong") in warung_clause and ("warung",) in warung_clause


def test_query_words_outside_synonym_groups_stay_separate_clauses():
    assert analysis.parse_query("tempe yang pedas") == [(("tempe",),), (("pedas",),)]
    assert analysis.parse_query("yang dan di") == []


def test_longest_synonym_wins_warung_kopi_is_a_coffee_shop():
    (clause,) = analysis.parse_query("warung kopi")
    assert ("warkop",) in clause and ("warung",) not in clause


def test_every_term_is_plain_ascii_letters_and_digits_for_any_sql_tokenizer():
    text = "Ñasi goreng—spesial! e-commerce d'Lapan 2½ kg, 日本 kripik_tempe"
    assert all(term.isascii() and term.isalnum() for term in analysis.analyze(text))


def test_snippet_marks_matched_words_and_escapes_html():
    text = "Kami <b>memasarkan</b> keripik & kerupuk ke pasar modern di Bandung."
    html = highlight.snippet(["", text], frozenset(analysis.analyze("pemasaran")))
    assert "<mark>memasarkan</mark>" in html and "<mark>pasar</mark>" in html
    assert "&lt;b&gt;" in html and "&amp;" in html and "<b>" not in html


def test_snippet_of_a_long_text_starts_near_the_first_match():
    text = "Usaha keluarga. " * 30 + "Produk kami dipasarkan ke Jakarta." + " Lainnya." * 30
    html = highlight.snippet([text], frozenset({"pasar"}), width=120)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>dipasarkan</mark>" in html and len(html) < 200


def test_snippet_without_a_match_shows_the_opening_text():
    assert highlight.snippet(["", "Batik tulis Lasem"], frozenset({"kopi"})) == "Batik tulis Lasem"
    assert highlight.snippet([None, ""], frozenset()) == ""
