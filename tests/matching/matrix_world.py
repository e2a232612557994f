"""The matching objects of the access-matrix world: investor I's shortlist entry for A, I's
pending meeting request to A and an accepted one (for the .ics download), and A's pending
introduction request to I's organisation."""

from __future__ import annotations

import datetime as dt

from marketplace.matching.models import (
    IntroductionRequest,
    MeetingRequest,
    MeetingTime,
    SavedSearch,
    ShortlistEntry,
    ShortlistMove,
)


def build_matching_world(db, *, investor, enterprise) -> dict[str, int]:
    """Rows only (no notifications or mail); returns their ids for the policy's placeholders."""
    start = dt.datetime(2030, 8, 19, 3, tzinfo=dt.UTC)
    entry = ShortlistEntry(
        organisation_id=investor.organisation_id, enterprise=enterprise, added_by_id=investor.id
    )
    entry.moves.append(
        ShortlistMove(to_stage="observing", moved_by_id=investor.id, moved_by_name=investor.name)
    )
    pending = MeetingRequest(
        enterprise=enterprise,
        organisation_id=investor.organisation_id,
        requested_by_id=investor.id,
        message="Boleh bertemu?",
    )
    pending.times.append(MeetingTime(starts_at=start, proposed_by="investor"))
    accepted = MeetingRequest(
        enterprise=enterprise,
        organisation_id=investor.organisation_id,
        requested_by_id=investor.id,
        message="Kunjungan",
        status="accepted",
        chosen_start=start,
    )
    accepted.times.append(MeetingTime(starts_at=start, proposed_by="investor"))
    introduction = IntroductionRequest(
        enterprise=enterprise,
        organisation_id=investor.organisation_id,
        requested_by_id=None,
        message="Kami butuh modal kerja.",
        status="pending",
    )
    saved = SavedSearch(user_id=investor.id, name="Keripik Jabar", params="q=keripik&province=32")
    db.session.add_all([entry, pending, accepted, introduction, saved])
    db.session.flush()
    return {
        "entry_I": entry.id,
        "meeting_I": pending.id,
        "meeting_ok": accepted.id,
        "intro_I": introduction.id,
        "saved_I": saved.id,
    }
