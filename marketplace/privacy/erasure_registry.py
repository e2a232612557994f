"""What erasure does to each table (UU PDP 27/2022 art. 8, 16 (2) h; issue 16), written once.

Every column that names a user or an enterprise is listed in `REGISTRY` with what happens to
rows naming the erased one: DELETE the rows, KEEP them (the id then names a tombstone,
"Pengguna terhapus #45" / "Usaha terhapus #123", so others' pages still render), or REDACT
(keep the row, replace the personal fields in `redact`). `scrub` columns are free text other
people wrote (messages, notes, audit details, mail copies): any occurrence of the erased
person's name, e-mail, phone or NIK is replaced, in every row. The erasure itself
(marketplace.privacy.erasure) applies it; tests/privacy/test_erasure.py walks the models and
fails on a table or column the registry does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DELETE, KEEP, REDACT = "delete", "keep", "redact"


class Label:
    """In `redact`: the erased user's tombstone name ("Pengguna terhapus #45")."""


class Placeholder:
    """In `redact`: the erased user's non-deliverable address (deleted-45@deleted.invalid)."""


@dataclass(frozen=True)
class Handling:
    """How erasure treats one table. `refs`: each column naming a user or an enterprise, with
    what happens to the rows naming the erased one (DELETE, KEEP, REDACT); `redact`: the
    fields replaced on REDACT rows (a value, None, Label or Placeholder); `scrub`: text or JSON
    columns where the erased one's personal values are replaced in every row; `why`: the
    reason, also in docs/privacy.md."""

    why: str
    refs: dict[str, str] = field(default_factory=dict)
    redact: dict[str, Any] = field(default_factory=dict)
    scrub: tuple[str, ...] = ()


# Tables the erasure rewrites by hand (the tombstones), and all the others by the rules below.
TOMBSTONES = frozenset({"users", "enterprises", "organisations"})

REGISTRY: dict[str, Handling] = {
    # --- the tombstones themselves --------------------------------------------------------
    "users": Handling(
        "tombstone: name 'Pengguna terhapus #id', a non-deliverable address, phone, password,"
        " two-factor secret removed; the row stays so others' records still name someone"
    ),
    "enterprises": Handling(
        "tombstone: name 'Usaha terhapus #id', owner's name, phone and NIK, description,"
        " finances and ask removed; sector, region and the counted attributes stay for"
        " aggregate M&E figures without identity",
        refs={"created_by_id": KEEP},
    ),
    "organisations": Handling(
        "an erased enterprise's organisation gets the same tombstone name; others' are kept",
        refs={"verified_by_id": KEEP},
        scrub=("name", "description", "rejection_reason"),
    ),
    # --- the person's own data: deleted ---------------------------------------------------
    "user_sessions": Handling("login sessions end with the account", {"user_id": DELETE}),
    "email_tokens": Handling("e-mailed links die with the account", {"user_id": DELETE}),
    "notifications": Handling(
        "their own notifications go; others' keep the fact with the name scrubbed",
        {"user_id": DELETE},
        scrub=("params",),
    ),
    "notification_settings": Handling("their own choices", {"user_id": DELETE}),
    "notification_digests": Handling("their own digests", {"user_id": DELETE}),
    "saved_searches": Handling("their own searches (hits go with them)", {"user_id": DELETE}),
    "saved_search_hits": Handling(
        "an erased enterprise leaves others' saved-search results", {"enterprise_id": DELETE}
    ),
    "event_reminders": Handling("only marks a reminder sent to them", {"user_id": DELETE}),
    "documents": Handling(
        "the enterprise's documents and their files",
        {"enterprise_id": DELETE, "uploaded_by_id": KEEP},
    ),
    "legal_documents": Handling("the enterprise's licence numbers", {"enterprise_id": DELETE}),
    "decks": Handling(
        "the enterprise's pitch decks, versions, pages and files", {"enterprise_id": DELETE}
    ),
    "deck_versions": Handling(
        "an erased uploader's name is not stored; the deck is the enterprise's",
        {"created_by_id": KEEP},
    ),
    "product_photos": Handling("the enterprise's photos and files", {"enterprise_id": DELETE}),
    "monthly_revenues": Handling("the enterprise's finances", {"enterprise_id": DELETE}),
    "mentoring_records": Handling("the enterprise's own records", {"enterprise_id": DELETE}),
    "match_cards": Handling("built from the profile; removed with it", {"enterprise_id": DELETE}),
    "invitations": Handling(
        "hand-over links of the enterprise hold the owner's phone",
        {"enterprise_id": DELETE, "created_by_id": KEEP, "accepted_by_id": KEEP},
        scrub=("phone",),
    ),
    "access_requests": Handling(
        "an erased enterprise has no data room left to open; others' requests keep the"
        " requester as a tombstone",
        {"enterprise_id": DELETE, "requested_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("message",),
    ),
    "attestations": Handling(
        "a facilitator's attestation belongs to the erased profile; an erased facilitator's"
        " name is replaced on attestations of others",
        {"enterprise_id": DELETE, "attested_by_id": REDACT},
        redact={"attested_by_name": Label},
        scrub=("note",),
    ),
    # --- records others depend on: kept, naming a tombstone -------------------------------
    "shortlist_entries": Handling(
        "investors' shortlists keep the row (a tombstone) so their pipeline stays whole",
        {"enterprise_id": KEEP, "added_by_id": KEEP},
    ),
    "shortlist_moves": Handling(
        "the investor's pipeline history; the mover's stored name is replaced",
        {"moved_by_id": REDACT},
        redact={"moved_by_name": Label},
    ),
    "shortlist_notes": Handling(
        "the investor's notes; an erased author's stored name is replaced",
        {"author_id": REDACT},
        redact={"author_name": Label},
        scrub=("body",),
    ),
    "meeting_requests": Handling(
        "the other side's meeting history",
        {"enterprise_id": KEEP, "requested_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("message", "place"),
    ),
    "introduction_requests": Handling(
        "the other side's introduction history",
        {"enterprise_id": KEEP, "requested_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("message",),
    ),
    "judge_reviews": Handling(
        "judges' scores make the event's results; kept against the tombstone",
        {"judge_id": KEEP, "enterprise_id": KEEP},
        scrub=("comment",),
    ),
    "event_judges": Handling("the event's panel", {"user_id": KEEP}),
    "judge_invitations": Handling(
        "the organiser's invitation record; an erased judge's address is replaced",
        {"invited_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("email", "email_key"),
    ),
    "event_invitations": Handling(
        "the event's schedule and attendance",
        {"enterprise_id": KEEP, "invited_by_id": KEEP, "responded_by_id": KEEP},
    ),
    "event_preferences": Handling(
        "inputs of the event's published schedule",
        {"enterprise_id": KEEP, "investor_id": KEEP, "set_by_id": KEEP},
    ),
    "event_registrations": Handling("seats and payments of the event", {"user_id": KEEP}),
    "schedule_items": Handling("the event's schedule", {"enterprise_id": KEEP}),
    "schedule_runs": Handling("the organiser's scheduling runs", {"requested_by_id": KEEP}),
    "pitch_events": Handling("the organiser's event", {"created_by_id": KEEP}),
    "outcomes": Handling(
        "financing outcomes are counted in M&E figures (without identity once erased)",
        {"enterprise_id": KEEP, "recorded_by_id": KEEP},
    ),
    "outcome_steps": Handling("steps of a kept outcome", {"recorded_by_id": KEEP}),
    "enrolments": Handling(
        "the programme's records and M&E counts (without identity once erased)",
        {
            "enterprise_id": KEEP,
            "facilitator_id": KEEP,
            "consent_by_id": KEEP,
            "withdrawn_by_id": KEEP,
        },
    ),
    "group_members": Handling("the business group's membership counts", {"enterprise_id": KEEP}),
    "business_groups": Handling("the programme's group", {"created_by_id": KEEP}),
    "ticket_orders": Handling(
        "kept for tax (amount, date, receipt number); the buyer is the tombstone",
        {"user_id": KEEP},
        scrub=("note",),
    ),
    "order_refunds": Handling(
        "part of a kept payment", {"requested_by_id": KEEP}, scrub=("reason",)
    ),
    "organisation_invitations": Handling(
        "the organisation's invitation record; an erased invitee's address is replaced",
        {"invited_by_id": KEEP, "accepted_by_id": KEEP},
        scrub=("email",),
    ),
    "search_outbox": Handling(
        "pending index changes (ids only), applied within seconds; carries the removal",
        {"enterprise_id": KEEP},
    ),
    # --- records the law asks to keep: personal fields redacted ---------------------------
    "audit_events": Handling(
        "the record of processing and security: kept, the erased one's IP addresses removed"
        " and personal values in the details replaced",
        {"actor_id": REDACT},
        redact={"ip": None},
        scrub=("details",),
    ),
    "monitoring_targets": Handling(
        "a programme's targets: whoever set one is named by the tombstone", {"set_by_id": KEEP}
    ),
    "monitoring_check_ins": Handling(
        "monthly figures keep counting in aggregate M&E figures without identity (the"
        " enterprise is a tombstone; its sensitive attributes are no longer shared)",
        {"enterprise_id": KEEP, "entered_by_id": KEEP},
    ),
    "rights_requests": Handling(
        "the record of how each right was answered, which the law asks to keep: ids and dates"
        " stay, the texts are scrubbed, a copy's file is let go (the nightly clean-up removes it)",
        {
            "requester_id": REDACT,
            "subject_user_id": REDACT,
            "subject_enterprise_id": REDACT,
            "answered_by_id": KEEP,
        },
        redact={"export_key": None},
        scrub=("details", "answer"),
    ),
    "consent_records": Handling(
        "proof of consent the law asks to keep: ids and dates only, IP addresses removed",
        {"enterprise_id": REDACT, "user_id": REDACT, "actor_id": REDACT},
        redact={"ip": None},
    ),
    "breach_incidents": Handling(
        "the incident record the law asks to keep",
        {"recorded_by_id": KEEP},
        scrub=("title", "how_discovered", "what_happened", "handling"),
    ),
    "breach_notices": Handling(
        "proof the notice was sent; the address is replaced",
        {"user_id": REDACT, "sent_by_id": KEEP},
        redact={"email": Placeholder},
    ),
    "account_deletions": Handling(
        "the record that the request was honoured (ids and dates only)",
        {"user_id": KEEP, "enterprise_id": KEEP, "requested_by_id": KEEP},
    ),
    # Copies of mails: those to the erased address go (`erase`), others' are scrubbed.
    "outbound_mails": Handling(
        "copies of mails sent to them are deleted; others' mails that named them are scrubbed",
        scrub=("recipient", "subject", "text", "html"),
    ),
}


def ref_target(column) -> str | None:
    """'users' or 'enterprises' when `column` names one (a foreign key to it, or a name such
    as `enterprise_id` / `*_user_id`), else None. The registry test uses the same rule."""
    for fk in column.foreign_keys:
        if fk.target_fullname in ("users.id", "enterprises.id"):
            return fk.target_fullname.split(".")[0]
    if column.foreign_keys:
        return None
    if column.name == "user_id" or column.name.endswith("_user_id"):
        return "users"
    if column.name == "enterprise_id" or column.name.endswith("_enterprise_id"):
        return "enterprises"
    return None
