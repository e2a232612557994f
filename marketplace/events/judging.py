"""Judging a pitch day: score sheets with weighted criteria, judges on panels, conflicts of
interest detected from the data, scores normalised per judge, the ranking, and feedback that
shows each enterprise only its own scores.

Normalisation: each judge's weighted totals are turned into z-scores over the pitches that judge
scored ((total - judge's mean) / judge's standard deviation; 0 when the judge gave everyone the
same total), so a strict and a generous judge weigh alike. The ranking orders enterprises by the
mean z-score and shows the spread (standard deviation of the z-scores) and the number of judges.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError, ValidationErrors
from marketplace.events import codes, notices, permissions, registrations, schedules
from marketplace.events.models import (
    Criterion,
    EventJudge,
    Outcome,
    PitchEvent,
    Review,
    ReviewScore,
)
from marketplace.extensions import db
from marketplace.models import row_or_not_found
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Enrolment, Programme


def criterion_label(criterion: Criterion) -> str:
    """A standard criterion in the current language, or the facilitator's own name."""
    if criterion.code in codes.STANDARD_CRITERIA:
        return str(codes.STANDARD_CRITERIA[criterion.code])
    return criterion.name or ""


def _require_manager(actor: User, event: PitchEvent) -> None:
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))


# --- the score sheet --------------------------------------------------------------------------
def use_standard_sheet(*, actor: User, event: PitchEvent) -> list[Criterion]:
    """Give the event the six standard criteria (weight 1 each) if it has none yet.
    Raises PermissionDenied, Conflict (a sheet exists). Side effects: criteria rows."""
    _require_manager(actor, event)
    if event.criteria:
        raise Conflict(_l("The event has a score sheet already."))
    for position, code in enumerate(codes.STANDARD_CRITERIA):
        event.criteria.append(Criterion(code=code, weight=1, position=position))
    db.session.flush()
    return list(event.criteria)


def save_sheet(
    *,
    actor: User,
    event: PitchEvent,
    weights: dict[int, int],
    new_name: str | None = None,
    new_weight: int | None = None,
) -> None:
    """Change criteria weights (1-10; 0 removes the criterion) and optionally add one criterion.
    Raises PermissionDenied, ValidationError. Side effects: criteria rows; audit."""
    _require_manager(actor, event)
    by_id = {c.id: c for c in event.criteria}
    for criterion_id, weight in weights.items():
        if criterion_id not in by_id or weight is None or not 0 <= weight <= 10:
            raise ValidationError(_l("Each weight is a whole number from 0 to 10."))
    for criterion_id, weight in weights.items():
        if weight == 0:
            event.criteria.remove(by_id[criterion_id])
        else:
            by_id[criterion_id].weight = weight
    if (new_name or "").strip():
        if new_weight is None or not 1 <= new_weight <= 10:
            raise ValidationError(
                _l("Each weight is a whole number from 0 to 10."), field="new_weight"
            )
        position = max((c.position for c in event.criteria), default=-1) + 1
        event.criteria.append(
            Criterion(name=new_name.strip()[:120], weight=new_weight, position=position)
        )
    audit.on_event("judging.sheet_saved", event.id, by=actor.id)
    db.session.flush()


# --- judges and conflicts of interest ---------------------------------------------------------
def remove_judge(*, actor: User, event: PitchEvent, judge_id: int) -> None:
    """Take a judge off the event (their scores stay). Raises PermissionDenied, NotFound."""
    _require_manager(actor, event)
    judge = row_or_not_found(
        EventJudge, judge_id, _l("This judge is not part of the event."), event_id=event.id
    )
    db.session.delete(judge)
    db.session.flush()


def conflict_of_interest(judge: User, enterprise: Enterprise) -> str | None:
    """Why `judge` may not score `enterprise` (a CONFLICTS_OF_INTEREST code), or None.

    Detected from the data, not declared: the judge belongs to the enterprise; the judge's
    organisation runs a programme the enterprise is enrolled in (it mentors it); or an outcome
    of the judge's organisation with the enterprise reached funded or disbursed.
    """
    organisation_id = judge.organisation_id
    if organisation_id == enterprise.organisation_id:
        return "own"
    mentors = db.session.scalar(
        select(
            exists().where(
                Enrolment.enterprise_id == enterprise.id,
                Enrolment.cohort_id == Cohort.id,
                Cohort.programme_id == Programme.id,
                Programme.organisation_id == organisation_id,
            )
        )
    )
    if mentors:
        return "mentors"
    funded = db.session.scalar(
        select(
            exists().where(
                Outcome.enterprise_id == enterprise.id,
                Outcome.organisation_id == organisation_id,
                Outcome.status.in_(codes.FUNDED_STATUSES),
            )
        )
    )
    return "funded" if funded else None


@dataclass(frozen=True)
class QueueItem:
    enterprise: Enterprise
    conflict: str | None
    review: Review | None


def queue(event: PitchEvent, judge: EventJudge) -> list[QueueItem]:
    """The pitches a judge hears: the enterprises scheduled in the judge's room (published
    schedule first, else the draft), or every confirmed enterprise for a judge of all panels
    or before any schedule exists. Each with its conflict of interest and the judge's review."""
    confirmed = {i.enterprise_id: i.enterprise for i in registrations.confirmed_invitations(event)}
    schedule = schedules.published_of(event) or schedules.draft_of(event)
    if judge.room_id is not None and schedule is not None:
        order = [i.enterprise_id for i in schedule.items if i.room == judge.room_id]
    else:
        order = sorted(confirmed, key=lambda e: confirmed[e].name)
    reviews = {
        r.enterprise_id: r
        for r in db.session.scalars(
            select(Review).where(Review.event_id == event.id, Review.judge_id == judge.user_id)
        )
    }
    user = judge.user
    return [
        QueueItem(confirmed[e], conflict_of_interest(user, confirmed[e]), reviews.get(e))
        for e in order
        if e in confirmed
    ]


def save_review(
    *,
    actor: User,
    event: PitchEvent,
    enterprise: Enterprise,
    scores: dict[int, int | None],
    comment: str | None,
) -> Review:
    """A judge's scores (every criterion, 1-10) and comment for one pitch; saving again
    replaces them. Raises PermissionDenied (not a judge, not in the judge's queue), Conflict
    (a conflict of interest), ValidationError (a score missing or out of range, no sheet).
    Side effects: the review and its scores; audit `judging.scored`."""
    judge = permissions.judge_of(actor, event)
    if judge is None:
        raise PermissionDenied(_l("You are not a judge of this event."))
    item = next((q for q in queue(event, judge) if q.enterprise.id == enterprise.id), None)
    if item is None:
        raise PermissionDenied(_l("This pitch is not on your list."))
    if item.conflict is not None:
        audit.on_enterprise(
            "judging.conflict_refused", enterprise.id, by=actor.id, code=item.conflict
        )
        raise Conflict(
            _l(
                "You cannot score this enterprise: %(reason)s.",
                reason=codes.CONFLICTS_OF_INTEREST[item.conflict],
            )
        )
    if not event.criteria:
        raise ValidationError(_l("The organiser has not made the score sheet yet."))
    unscored = [
        ValidationError(
            _l(
                "Give %(criterion)s a score from %(low)s to %(high)s.",
                # Lazy: the message is read in the language of whoever reads it.
                criterion=codes.STANDARD_CRITERIA.get(criterion.code) or criterion.name or "",
                low=codes.SCORE_MIN,
                high=codes.SCORE_MAX,
            ),
            field=f"c{criterion.id}",
        )
        for criterion in event.criteria
        if scores.get(criterion.id) is None
        or not codes.SCORE_MIN <= scores[criterion.id] <= codes.SCORE_MAX
    ]
    if unscored:  # every criterion left out is named at once, each on its own scale
        raise ValidationErrors(unscored)
    review = item.review or Review(
        event_id=event.id, judge_id=actor.id, enterprise_id=enterprise.id
    )
    review.comment = (comment or "").strip()[:2000] or None
    existing = {s.criterion_id: s for s in review.scores}
    for criterion in event.criteria:
        row = existing.get(criterion.id)
        if row is None:
            review.scores.append(ReviewScore(criterion_id=criterion.id, value=scores[criterion.id]))
        else:
            row.value = scores[criterion.id]
    db.session.add(review)
    audit.on_enterprise("judging.scored", enterprise.id, by=actor.id, event=event.id)
    db.session.flush()
    return review


# --- normalisation and ranking ----------------------------------------------------------------
def weighted_total(review: Review, weights: dict[int, int]) -> float | None:
    """The review's weighted mean over the criteria that still exist (1-10), or None."""
    pairs = [(weights[s.criterion_id], s.value) for s in review.scores if s.criterion_id in weights]
    total_weight = sum(w for w, _v in pairs)
    return sum(w * v for w, v in pairs) / total_weight if total_weight else None


def normalise(totals: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """{(judge, enterprise): total} -> the same keys with per-judge z-scores. Pure."""
    by_judge: dict[int, list[float]] = {}
    for (judge, _e), total in totals.items():
        by_judge.setdefault(judge, []).append(total)
    stats = {
        judge: (statistics.fmean(values), statistics.pstdev(values))
        for judge, values in by_judge.items()
    }
    result = {}
    for (judge, enterprise), total in totals.items():
        mean, sd = stats[judge]
        result[(judge, enterprise)] = (total - mean) / sd if sd > 1e-9 else 0.0
    return result


@dataclass(frozen=True)
class RankRow:
    enterprise_id: int
    name: str
    mean_z: float
    spread: float
    count: int
    mean_raw: float


def ranking(event: PitchEvent) -> list[RankRow]:
    """Enterprises by mean normalised score (best first; ties by raw mean, then name), with the
    spread of the judges' z-scores and how many judges scored. No side effects."""
    weights = {c.id: c.weight for c in event.criteria}
    reviews = list(db.session.scalars(select(Review).where(Review.event_id == event.id)))
    totals = {}
    for review in reviews:
        total = weighted_total(review, weights)
        if total is not None:
            totals[(review.judge_id, review.enterprise_id)] = total
    z = normalise(totals)
    names = {i.enterprise_id: i.enterprise.name for i in event.invitations}
    rows = []
    for enterprise_id in {e for _j, e in totals}:
        zs = [v for (_j, e), v in z.items() if e == enterprise_id]
        raws = [v for (_j, e), v in totals.items() if e == enterprise_id]
        rows.append(
            RankRow(
                enterprise_id=enterprise_id,
                name=names.get(enterprise_id, ""),
                mean_z=round(statistics.fmean(zs), 3),
                spread=round(statistics.stdev(zs), 3) if len(zs) > 1 else 0.0,
                count=len(zs),
                mean_raw=round(statistics.fmean(raws), 2),
            )
        )
    return sorted(rows, key=lambda r: (-r.mean_z, -r.mean_raw, r.name))


def unscored(event: PitchEvent) -> list[Enterprise]:
    """The enterprises pitching at the event that no judge has scored yet, by name: those in
    the schedule (published first, else the draft) or, before any schedule, every confirmed
    enterprise. The ranking lists only scored pitches; the organiser sees these beside it. No
    side effects."""
    confirmed = {i.enterprise_id: i.enterprise for i in registrations.confirmed_invitations(event)}
    schedule = schedules.published_of(event) or schedules.draft_of(event)
    pitching = (
        {i.enterprise_id for i in schedule.items} & set(confirmed)
        if schedule is not None
        else set(confirmed)
    )
    scored = {row.enterprise_id for row in ranking(event)}
    return sorted((confirmed[e] for e in pitching - scored), key=lambda e: (e.name, e.id))


# --- feedback ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """What one enterprise is told: its own mean per criterion, its total, the comments."""

    criteria: list[tuple[str, float, int]]
    total: float | None
    comments: list[str]
    judges: int


def feedback_for(event: PitchEvent, enterprise_id: int) -> Feedback:
    """The enterprise's own scores only: per criterion mean and count, its weighted mean and
    the judges' comments (without their names). No side effects."""
    reviews = list(
        db.session.scalars(
            select(Review).where(Review.event_id == event.id, Review.enterprise_id == enterprise_id)
        )
    )
    weights = {c.id: c.weight for c in event.criteria}
    rows = []
    for criterion in event.criteria:
        values = [s.value for r in reviews for s in r.scores if s.criterion_id == criterion.id]
        if values:
            rows.append(
                (criterion_label(criterion), round(statistics.fmean(values), 1), len(values))
            )
    totals = [t for r in reviews if (t := weighted_total(r, weights)) is not None]
    return Feedback(
        criteria=rows,
        total=round(statistics.fmean(totals), 1) if totals else None,
        comments=[r.comment for r in reviews if r.comment],
        judges=len(reviews),
    )


def feedback_message(event: PitchEvent, enterprise: Enterprise) -> tuple[str, str]:
    """Subject and body of the feedback e-mail, in the current locale."""
    feedback = feedback_for(event, enterprise.id)
    lines = [
        _("Hello %(name)s,", name=enterprise.name),
        "",
        _(
            "Thank you for pitching at %(title)s. %(n)s judges scored your pitch from 1 to 10.",
            title=event.title,
            n=feedback.judges,
        ),
        "",
    ]
    lines += [f"- {label}: {_format(mean)}" for label, mean, _count in feedback.criteria]
    if feedback.total is not None:
        lines.append(_("Weighted average: %(score)s", score=_format(feedback.total)))
    if feedback.comments:
        lines += ["", _("What the judges said:")]
        lines += [f"- {comment}" for comment in feedback.comments]
    return _("Feedback on your pitch at %(title)s", title=event.title), "\n".join(lines)


def _format(value: float) -> str:
    from flask_babel import format_decimal

    return format_decimal(value, format="0.0") if math.isfinite(value) else "-"


def send_feedback(*, actor: User, event: PitchEvent) -> int:
    """Send each scored enterprise its feedback (a notification and the feedback e-mail, in
    its owners' language). Returns how many enterprises will receive it. Raises
    PermissionDenied, Conflict (nothing scored yet). Side effects: notifications and mails;
    the invitations' `feedback_sent_at`; audit `judging.feedback_sent`."""
    _require_manager(actor, event)
    scored = sorted(
        set(db.session.scalars(select(Review.enterprise_id).where(Review.event_id == event.id)))
    )
    if not scored:
        raise Conflict(_l("No pitch has been scored yet."))
    notices.notify_feedback(event, scored)
    audit.on_event("judging.feedback_sent", event.id, by=actor.id, enterprises=len(scored))
    return len(scored)
