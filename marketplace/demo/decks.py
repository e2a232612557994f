"""Pitch decks, data-room documents and data-room requests, through the pitches services.

Decks are uploaded as PDFs drawn by `files`; their previews are rendered by the
"pitches.process_deck" job after the seed is committed, as for any upload.
"""

from __future__ import annotations

from marketplace import formatting, regions, vocab
from marketplace.demo import files
from marketplace.demo.data import SHOWCASE
from marketplace.demo.showcase import Cast, acting_for
from marketplace.pitches import data_room
from marketplace.pitches import services as pitch_services
from marketplace.profiles.models import Enterprise

# One published enterprise in DECK_SHARE gets a deck and two documents, and so do the demo
# owner's and the first NEARBY of the demo investor's province (its shortlist and requests).
DECK_SHARE = 20
NEARBY = 6


def _money(amount: int | None) -> str:
    return "-" if amount is None else formatting.rupiah(amount, "id")


def _slides(enterprise: Enterprise) -> list[tuple[str, str]]:
    place = regions.regency_name(enterprise.regency_code or "") or ""
    sector = vocab.label(vocab.SECTORS, enterprise.sector) if enterprise.sector else ""
    return [
        (
            "Usaha kami",
            f"{enterprise.products or sector}. {place}. {enterprise.employees or 1} orang "
            "bekerja di sini" + (", dipimpin perempuan." if enterprise.women_led else "."),
        ),
        (
            "Keuangan",
            f"Omzet setahun {_money(enterprise.annual_turnover)}; laba "
            f"{_money(enterprise.profit_last_year)}.",
        ),
        (
            "Kebutuhan dana",
            f"{_money(enterprise.ask_amount)} untuk: {enterprise.use_of_funds or '-'}",
        ),
    ]


def _financial_summary(enterprise: Enterprise) -> list[str]:
    months = [f"{revenue.month:%m/%Y}: {_money(revenue.amount)}" for revenue in enterprise.revenues]
    return [
        f"Modal usaha: {_money(enterprise.capital)}",
        f"Omzet tahun lalu: {_money(enterprise.annual_turnover)}",
        f"Laba tahun lalu: {_money(enterprise.profit_last_year)}",
        "Omzet bulanan: " + ("; ".join(months) or "-"),
        "Dokumen contoh untuk demo TemuModal; angka fiktif.",
    ]


def _business_plan(enterprise: Enterprise) -> list[str]:
    return [
        f"Produk: {enterprise.products or '-'}",
        f"Kebutuhan dana: {_money(enterprise.ask_amount)}",
        f"Penggunaan dana: {enterprise.use_of_funds or '-'}",
        f"Tenor: {enterprise.tenor_months or '-'} bulan",
        "Dokumen contoh untuk demo TemuModal; angka fiktif.",
    ]


def _with_deck(cast: Cast) -> list[Enterprise]:
    """The demo owner, the first NEARBY published enterprises of the demo investor's province
    (its shortlist and data-room requests) and one published enterprise in DECK_SHARE."""
    nearby = cast.nearby()[:NEARBY]
    spread = [
        e
        for index, e in enumerate(cast.published)
        if index % DECK_SHARE == DECK_SHARE - 1
        and e not in nearby
        and e is not cast.owner_enterprise
    ]
    return [cast.owner_enterprise, *nearby, *spread]


def build_decks(cast: Cast) -> list[Enterprise]:
    """Upload a deck and two documents for a share of the published enterprises, as their
    owner or pendamping. Returns the enterprises that got them."""
    chosen = _with_deck(cast)
    for number, enterprise in enumerate(chosen):
        actor = acting_for(enterprise)
        slug = "".join(c if c.isalnum() else "-" for c in enterprise.name.lower())
        pitch_services.upload_deck(
            actor=actor,
            enterprise=enterprise,
            files=[
                (
                    f"deck-{slug}.pdf",
                    files.deck_pdf(enterprise.name, _slides(enterprise), colour=number),
                )
            ],
        )
        cast.decks += 1
        for kind, title, lines in (
            ("financial_statement", "Ringkasan keuangan", _financial_summary(enterprise)),
            ("business_plan", "Rencana usaha", _business_plan(enterprise)),
        ):
            data_room.add_document(
                actor=actor,
                enterprise=enterprise,
                kind=kind,
                filename=f"{kind}-{slug}.pdf",
                data=files.document_pdf(f"{title}: {enterprise.name}", lines),
            )
            cast.documents += 1
    return chosen


def build_access_requests(cast: Cast, with_deck: list[Enterprise]) -> None:
    """Data-room requests in every state: to the demo owner one accepted (the demo investor's),
    one declined and one pending; from the demo investor, accepted and pending ones elsewhere.
    Each decided by the enterprise's owner or pendamping, as on the requests page."""
    others = [i for i in cast.investors if i.organisation_id != cast.investor.organisation_id]
    owner_enterprise = cast.owner_enterprise
    plan = [
        (cast.investor, owner_enterprise, "accept"),
        (others[0], owner_enterprise, "decline"),
        (others[1], owner_enterprise, None),
        (others[2], owner_enterprise, None),
    ]
    nearby = cast.nearby(with_deck)
    for index, enterprise in enumerate(nearby[:4]):
        plan.append((cast.investor, enterprise, "accept" if index % 2 == 0 else None))
    for investor, enterprise, decision in plan:
        access_request = data_room.request_access(
            investor=investor, enterprise=enterprise, message=SHOWCASE.data_room_ask
        )
        cast.access_requests += 1
        if decision is not None:
            data_room.decide_access(
                actor=acting_for(enterprise), access_request=access_request, decision=decision
            )
