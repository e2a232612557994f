"""The demo investor's deal pipeline: a shortlist in several stages with notes, and meeting
requests in every state, through the matching services."""

from __future__ import annotations

import datetime as dt

from marketplace.demo.data import SHOWCASE
from marketplace.demo.showcase import Cast, acting_for, at, weekday_after
from marketplace.matching import meetings, shortlists
from marketplace.profiles.models import Enterprise


def _move_to(cast: Cast, entry, stage: str) -> None:
    """Walk the entry up the ladder to `stage` (or straight to 'declined'), one move a step,
    as an analyst would over the weeks."""
    if stage == "declined":
        shortlists.move_entry(actor=cast.investor, entry=entry, stage="considering")
        shortlists.move_entry(actor=cast.investor, entry=entry, stage="declined")
        return
    ladder = SHOWCASE.ladder
    for step in ladder[1 : ladder.index(stage) + 1]:
        shortlists.move_entry(actor=cast.investor, entry=entry, stage=step)


def build_shortlist(cast: Cast) -> list[Enterprise]:
    """The demo investor's shortlist: the demo owner at 'meeting' and five enterprises of the
    investor's province at the other stages. Returns the shortlisted enterprises."""
    stages = SHOWCASE.stages
    chosen = [cast.owner_enterprise, *cast.nearby()[: len(stages) - 1]]
    for enterprise, stage in zip(chosen, stages, strict=False):
        entry = shortlists.add_to_shortlist(actor=cast.investor, enterprise=enterprise)
        cast.shortlist_entries += 1
        if stage != "observing":
            _move_to(cast, entry, stage)
        if stage in SHOWCASE.notes:
            shortlists.add_note(actor=cast.investor, entry=entry, body=SHOWCASE.notes[stage])
    return chosen


_MESSAGE = (
    "Kami dari tim KUR unit Jatinegara. Kami ingin berkenalan dan membahas kebutuhan modal "
    "usaha Anda."
)


def build_meetings(cast: Cast, shortlisted: list[Enterprise]) -> None:
    """Meeting requests from the demo investor: a pending one to the demo owner (to answer),
    one accepted, one where the enterprise proposed other times (the investor's turn), one
    declined; and one from another investor to the demo owner."""
    first = weekday_after(cast.today, 7, weekday=1)
    times = [at(first, 10), at(first + dt.timedelta(days=1), 14), at(first, 15)]

    def ask(investor, enterprise):
        cast.meetings += 1
        return meetings.request_meeting(
            actor=investor,
            enterprise=enterprise,
            message=_MESSAGE,
            times=times,
            place="Kantor unit Jatinegara, Jl. Bekasi Timur Raya",
            duration_minutes=60,
        )

    ask(cast.investor, cast.owner_enterprise)
    others = [e for e in shortlisted if e.id != cast.owner_enterprise.id]
    accepted = ask(cast.investor, others[0])
    meetings.respond_to_meeting(
        actor=acting_for(others[0]),
        meeting=accepted,
        action="accept",
        time_id=accepted.times[0].id,
    )
    countered = ask(cast.investor, others[1])
    meetings.respond_to_meeting(
        actor=acting_for(others[1]),
        meeting=countered,
        action="propose",
        new_times=[at(first + dt.timedelta(days=2), 9), at(first + dt.timedelta(days=3), 13)],
    )
    declined = ask(cast.investor, others[2])
    meetings.respond_to_meeting(actor=acting_for(others[2]), meeting=declined, action="decline")
    other_investor = next(
        i for i in cast.investors if i.organisation_id != cast.investor.organisation_id
    )
    ask(other_investor, cast.owner_enterprise)
