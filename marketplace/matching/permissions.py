"""Who may search with which filters, see matches, use shortlists and answer meeting requests.

* Search: anyone. Filters and snippets over data of the full profile (documents held, impact
  themes, programmes and cohorts) only for verified investors and admins, as on the profile page.
* Matches for a mandate: investors of a verified organisation (reasons name documents held).
  Matches for an enterprise: its owner and facilitator.
* Shortlists, notes and history: the members of the investor organisation, nobody else.
* Meeting requests: verified investors ask; the owner or the enterprise's facilitator (on the
  owner's behalf) answer; the asking organisation answers a counter-proposal.
* Introduction requests: the owner or the consenting facilitator of a published enterprise ask
  a verified investor organisation; that organisation's verified members accept or decline.
* Every action that contacts someone needs a confirmed e-mail address (`is_confirmed`).

Every predicate denies when anything inside it fails (see `marketplace.permissions.deny_on_error`).
"""

from __future__ import annotations

from marketplace.matching.models import IntroductionRequest, MeetingRequest, ShortlistEntry
from marketplace.permissions import deny_on_error, is_admin, is_confirmed
from marketplace.profiles.models import Enterprise
from marketplace.profiles.permissions import can_edit_enterprise, is_verified_investor


def _investor(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.active
        and user.role == "investor"
    )


@deny_on_error
def can_use_full_filters(user) -> bool:
    """Filter by documents, impact themes, programme and cohort (full-profile data)."""
    return is_verified_investor(user) or is_admin(user)


@deny_on_error
def can_see_matches(user) -> bool:
    """The ranked enterprises for the user's organisation's mandate."""
    return is_verified_investor(user)


@deny_on_error
def can_see_enterprise_matches(user, enterprise: Enterprise) -> bool:
    """The investors that fit an enterprise: its editors."""
    return can_edit_enterprise(user, enterprise)


@deny_on_error
def can_use_shortlist(user) -> bool:
    """Any active investor keeps the organisation's shortlist (public summaries only)."""
    return _investor(user)


@deny_on_error
def can_view_entry(user, entry: ShortlistEntry) -> bool:
    return _investor(user) and user.organisation_id == entry.organisation_id


@deny_on_error
def can_request_meeting(user, enterprise: Enterprise) -> bool:
    return is_verified_investor(user) and is_confirmed(user) and enterprise.is_published


@deny_on_error
def is_enterprise_side(user, meeting: MeetingRequest) -> bool:
    """The owner or the facilitator of the enterprise asked."""
    return can_edit_enterprise(user, meeting.enterprise)


@deny_on_error
def is_investor_side(user, meeting: MeetingRequest) -> bool:
    return _investor(user) and user.organisation_id == meeting.organisation_id


@deny_on_error
def can_view_meeting(user, meeting: MeetingRequest) -> bool:
    return is_enterprise_side(user, meeting) or is_investor_side(user, meeting)


@deny_on_error
def can_request_introduction(user, enterprise: Enterprise) -> bool:
    """The owner or consenting facilitator of a published enterprise, e-mail confirmed."""
    return can_edit_enterprise(user, enterprise) and is_confirmed(user) and enterprise.is_published


@deny_on_error
def can_see_introductions(user) -> bool:
    """The introductions inbox: any active investor (answering needs a verified organisation)."""
    return _investor(user)


@deny_on_error
def can_answer_introduction(user, introduction: IntroductionRequest) -> bool:
    """A confirmed member of the verified investor organisation that was asked."""
    return (
        is_verified_investor(user)
        and is_confirmed(user)
        and user.organisation_id == introduction.organisation_id
    )


@deny_on_error
def can_save_searches(user) -> bool:
    """Keep saved searches and be notified of new matches: investors of a verified
    organisation with a confirmed e-mail (a notice mails them)."""
    return is_verified_investor(user) and is_confirmed(user)
