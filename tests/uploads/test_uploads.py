"""Shared upload rules: type by content, messages that say what to do, safe file names."""

from __future__ import annotations

import dataclasses

import pytest

from marketplace import uploads
from tests.uploads import corpus

pytestmark = pytest.mark.database_free


def test_limits_are_frozen_and_default_to_the_documented_values() -> None:
    limits = uploads.UploadLimits()

    assert (limits.max_bytes, limits.max_pages, limits.max_pixels) == (
        25 * 1024 * 1024,
        60,
        40_000_000,
    )
    assert limits.max_images_per_deck == 30
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_pages = 1000  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (lambda: corpus.jpeg(), "jpeg"),
        (lambda: corpus.png(), "png"),
        (lambda: corpus.webp(), "webp"),
        (lambda: corpus.pdf(), "pdf"),
        (lambda: b"junk before the header\n" + corpus.pdf(), "pdf"),
        (lambda: corpus.zip_bytes({"deck.pdf": corpus.pdf()}), "zip"),
        (lambda: b"MZ\x90\x00%PDF-1.7", "executable"),
        (lambda: b"GIF89a....", "gif"),
        (lambda: b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (lambda: b"<?xml version='1.0'?><a/>", "xml"),
        (lambda: b"<!DOCTYPE HTML><HTML>", "html"),
        (lambda: b"#!/usr/bin/env python", "script"),
        (lambda: b"just text", "unknown"),
    ],
)
def test_kind_is_read_from_the_bytes_not_the_name(data, kind) -> None:
    assert uploads.detect_kind(data()) == kind


def test_a_pdf_where_a_photo_is_expected_is_refused_with_the_photo_message() -> None:
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.sniff(corpus.pdf(), allowed=uploads.IMAGE_KINDS, limits=uploads.UploadLimits())

    assert caught.value.code == "not_allowed_type"
    assert "JPEG, PNG or WebP photo" in uploads.rejection_message(caught.value)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (uploads.UploadRejected("empty"), "The file is empty"),
        (uploads.UploadRejected("too_large", max_bytes=25 * 1024 * 1024), "larger than 25 MB"),
        (
            uploads.UploadRejected("not_allowed_type", detected="heic", allowed=("jpeg",)),
            "Most Compatible",
        ),
        (uploads.UploadRejected("not_allowed_type", detected="gif"), "Save it as PNG or JPEG"),
        (
            uploads.UploadRejected("not_allowed_type", detected="zip", allowed=uploads.DECK_KINDS),
            "Upload a PDF, or JPEG, PNG or WebP photos.",
        ),
        (uploads.UploadRejected("hidden_markup"), "web page code"),
        (uploads.UploadRejected("truncated"), "Upload it again"),
        (uploads.UploadRejected("too_many_pages", pages=61, max_pages=60), "61 pages; at most 60"),
        (uploads.UploadRejected("too_many_images", count=31, max_images=30), "at most 30 photos"),
        (
            uploads.UploadRejected("encrypted"),
            "This PDF is password-protected. Save it without a password and upload again.",
        ),
        (uploads.UploadRejected("active_content"), "plain PDF"),
        (uploads.UploadRejected("unreadable"), "save it again"),
        (uploads.UploadRejected("a_code_added_later"), "could not be read"),
    ],
    ids=lambda value: value.code if isinstance(value, uploads.UploadRejected) else "",
)
def test_every_refusal_gets_a_message_that_says_what_to_do(error, expected) -> None:
    assert expected in uploads.rejection_message(error)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pitch Deck Bu Sari.pdf", "Pitch_Deck_Bu_Sari.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\deck.pdf", "deck.pdf"),
        ("con.jpg", "_con.jpg"),
        ("LPT1.tar.pdf", "_LPT1.tar.pdf"),
        ("deck\x00.exe.pdf", "deck.exe.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("foto\r\nSet-Cookie: x=1.jpg", "fotoSet-Cookie_x_1.jpg"),
        ("Proposal Usaha Kerupuk Ikan — Édisi 2.PDF", "Proposal_Usaha_Kerupuk_Ikan_Edisi_2.pdf"),
        ("内容.pdf", "file.pdf"),
        ("...", "file"),
        ("", "file"),
        (".htaccess", "file.htaccess"),
    ],
)
def test_safe_filename_keeps_a_harmless_ascii_name_and_its_extension(name, expected) -> None:
    assert uploads.safe_filename(name) == expected


def test_safe_filename_caps_length_and_keeps_the_extension() -> None:
    name = uploads.safe_filename("a" * 300 + ".pdf")

    assert len(name) == 100
    assert name.endswith(".pdf")


def test_safe_filename_can_put_the_extension_of_the_real_type() -> None:
    assert uploads.safe_filename("laporan.exe", extension="pdf") == "laporan.pdf"
