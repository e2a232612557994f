"""What the admin pages read and decide (issue 13): the verification queue and its look-alike
names, the audit log in plain words with filters, the user search, and the counts that both
`flask stats` and the statistics page show. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, or_, select

from marketplace.accounts.administration import VERIFIABLE_KINDS
from marketplace.accounts.models import Organisation, User
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.profiles.models import Enterprise, Mandate
from marketplace.programmes.models import Programme

WIB = ZoneInfo("Asia/Jakarta")

# --- look-alike organisation names -------------------------------------------------------------
# Words that say what kind of body a name belongs to, not which one: "PT Bank Maju" copies
# "Bank Maju" as surely as "Bank  Maju." does.
LEGAL_WORDS = frozenset(
    "pt cv ud fa yayasan perkumpulan koperasi kop ksp kspps tbk persero perseroda perum"
    " ltd inc llc co the".split()
)


def name_key(name: str) -> str:
    """`name` reduced to what tells organisations apart: no accents, case, punctuation,
    spacing or legal-form words ("PT", "Yayasan", "Tbk" …)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[.'’`]", "", text.lower())  # "P.T." -> "pt"
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in LEGAL_WORDS]
    return "".join(words)


def _close(a: str, b: str) -> bool:
    """Equal keys, or a small edit distance for names long enough that it means a copy."""
    if a == b:
        return bool(a)
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 10 else 1 if shortest >= 5 else 0
    return allowed > 0 and Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def lookalikes(organisation: Organisation, verified: list[Organisation]) -> list[Organisation]:
    """The verified organisations whose name `organisation`'s copies. Reads only."""
    key = name_key(organisation.name)
    return [o for o in verified if o.id != organisation.id and _close(key, name_key(o.name))]


# --- verification queue ------------------------------------------------------------------------
@dataclass
class QueueItem:
    organisation: Organisation
    registrant: User | None
    email_domain: str | None
    mandate: Mandate | None
    programmes: list[str]
    copies: list[Organisation] = field(default_factory=list)


def verification_queue() -> list[QueueItem]:
    """Investor and programme organisations waiting for verification (not rejected), oldest
    first, each with who registered it, their e-mail domain, its mandate or programmes, and
    the verified organisations its name copies. Enterprise organisations never wait here.
    Reads only."""
    waiting = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.kind.in_(VERIFIABLE_KINDS),
            Organisation.verified_at.is_(None),
            Organisation.rejected_at.is_(None),
        )
        .order_by(Organisation.created_at, Organisation.id)
    ).all()
    if not waiting:
        return []
    ids = [o.id for o in waiting]
    verified = db.session.scalars(
        select(Organisation).where(
            Organisation.kind != "platform", Organisation.verified_at.is_not(None)
        )
    ).all()
    first_users = {}
    for user in db.session.scalars(
        select(User).where(User.organisation_id.in_(ids)).order_by(User.id)
    ):
        first_users.setdefault(user.organisation_id, user)
    mandates = {
        m.organisation_id: m
        for m in db.session.scalars(select(Mandate).where(Mandate.organisation_id.in_(ids)))
    }
    programmes: dict[int, list[str]] = {}
    for programme in db.session.scalars(
        select(Programme).where(Programme.organisation_id.in_(ids)).order_by(Programme.id)
    ):
        programmes.setdefault(programme.organisation_id, []).append(programme.name)
    items = []
    for organisation in waiting:
        registrant = first_users.get(organisation.id)
        items.append(
            QueueItem(
                organisation=organisation,
                registrant=registrant,
                email_domain=registrant.email.rpartition("@")[2] if registrant else None,
                mandate=mandates.get(organisation.id),
                programmes=programmes.get(organisation.id, []),
                copies=lookalikes(organisation, verified),
            )
        )
    return items


# --- audit log ---------------------------------------------------------------------------------
ACTION_LABELS = {
    "login.ok": _l("logged in"),
    "login.failed": _l("failed to log in"),
    "login.totp_failed": _l("typed a wrong two-factor code"),
    "user.registered": _l("registered"),
    "user.deactivated": _l("deactivated a user"),
    "user.reactivated": _l("reactivated a user"),
    "register.existing_email": _l("someone tried to register with an existing address"),
    "email.confirmation_sent": _l("was sent a confirmation link"),
    "email.confirmed": _l("confirmed their e-mail address"),
    "password.changed": _l("changed their password"),
    "password.reset_requested": _l("asked to reset a password"),
    "password.reset": _l("set a new password with a reset link"),
    "totp.enabled": _l("turned two-factor login on"),
    "totp.disabled": _l("turned two-factor login off"),
    "organisation.verified": _l("verified an organisation"),
    "organisation.unverified": _l("withdrew an organisation's verification"),
    "organisation.rejected": _l("rejected an organisation's verification"),
    "organisation.member_invited": _l("invited a colleague to an organisation"),
    "organisation.member_joined": _l("joined an organisation"),
    "organisation.member_removed": _l("removed a member from an organisation"),
    "organisation.member_left": _l("left an organisation"),
    "organisation.invitation_cancelled": _l("withdrew an invitation to an organisation"),
    "profile.created_on_behalf": _l("created a profile for an owner"),
    "profile.updated": _l("edited a profile"),
    "profile.published": _l("published a profile"),
    "profile.unpublished": _l("unpublished a profile"),
    "consent.given": _l("gave a consent"),
    "consent.withdrawn": _l("withdrew a consent"),
    "breach.recorded": _l("recorded a personal data breach"),
    "breach.people_notified": _l("sent breach notices to the people affected"),
    "breach.agency_notified": _l("sent a breach notice to the supervisory agency"),
    "privacy.retention": _l("deleted personal data past its retention period"),
    "nik.viewed": _l("viewed a full NIK"),
    "document.recorded": _l("recorded a legal document"),
    "document.removed": _l("removed a legal document"),
    "photo.added": _l("added a product photo"),
    "checklist.attested": _l("attested a readiness item"),
    "checklist.withdrawn": _l("withdrew an attestation"),
    "mandate.saved": _l("saved a mandate"),
    "shortlist.added": _l("added an enterprise to a shortlist"),
    "shortlist.moved": _l("moved a shortlisted enterprise to another stage"),
    "meeting.requested": _l("asked for a meeting"),
    "programme.created": _l("created a programme"),
    "enterprise.enrolled": _l("invited an enterprise to a programme"),
    "enrolment.accepted": _l("accepted a programme's invitation"),
    "enrolment.declined": _l("declined a programme's invitation"),
    "enrolment.left": _l("left a programme"),
    "enrolment.withdrawn": _l("withdrew a programme invitation"),
    "invitation.created": _l("created a hand-over invitation"),
    "invitation.accepted": _l("accepted a hand-over"),
    "deck.version_made_current": _l("made a deck version current"),
    "event.created": _l("created a pitching event"),
    "event.updated": _l("edited a pitching event"),
    "event.cancelled": _l("cancelled a pitching event"),
    "event.invited": _l("invited an enterprise to an event"),
    "event.answered": _l("answered an event invitation"),
    "event.registered": _l("registered for an event"),
    "event.unregistered": _l("withdrew from an event"),
    "event.preferences": _l("marked whom to meet at an event"),
    "schedule.build_requested": _l("asked for a schedule to be built"),
    "schedule.edited": _l("edited a schedule"),
    "schedule.published": _l("published a schedule"),
    "judging.judge_invited": _l("invited a judge"),
    "judging.judge_accepted": _l("accepted to judge"),
    "judging.judge_declined": _l("declined to judge"),
    "judging.scored": _l("scored a pitch"),
    "judging.sheet_saved": _l("saved a score sheet"),
    "judging.feedback_sent": _l("sent judges' feedback"),
    "judging.conflict_refused": _l("was refused a score (conflict of interest)"),
    "outcome.recorded": _l("recorded an outcome"),
    "ticket_type.saved": _l("saved a ticket type"),
    "discount_code.added": _l("added a discount code"),
    "order.paid": _l("paid for a ticket"),
    "order.refund_requested": _l("asked for a refund"),
    "job.retry": _l("retried a failed job"),
    "job.delete": _l("deleted a failed job"),
}


def action_label(action: str) -> str:
    """The action in plain words; an action without a label reads as its code, spaced out."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace(".", ": ").replace("_", " ")


@dataclass(frozen=True)
class AuditFilters:
    person: str = ""  # a name or e-mail, or part of one
    action: str = ""  # an exact action code
    date_from: dt.date | None = None  # WIB calendar days, inclusive
    date_to: dt.date | None = None


def _wib_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=WIB).astimezone(dt.UTC)


def _user_match(text: str):
    pattern = f"%{text.strip().lower()}%"
    return or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))


def audit_page(
    filters: AuditFilters, *, page: int, per_page: int
) -> tuple[list[tuple[AuditEvent, User | None]], int]:
    """One page of audit entries matching `filters`, newest first, each with its actor (or
    None), and the number of matching entries. Dates are WIB days. Reads only."""
    query = select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
    if filters.person.strip():
        query = query.where(_user_match(filters.person))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEvent.created_at >= _wib_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(
            AuditEvent.created_at < _wib_midnight(filters.date_to + dt.timedelta(days=1))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return [(event, user) for event, user in rows], total


def audit_actions() -> list[str]:
    """Every action code the log holds, for the filter's choices. Reads only."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def search_users(text: str, *, page: int, per_page: int) -> tuple[list[User], int]:
    """Users whose name, e-mail or organisation name contains `text` (all users when empty),
    by id, one page of them, and how many match. Reads only."""
    query = select(User).join(Organisation, Organisation.id == User.organisation_id)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(_user_match(text), func.lower(Organisation.name).like(pattern)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(User.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total


# --- statistics ----------------------------------------------------------------------------------
def collect_stats() -> dict:
    """Counts for operators: enterprises, published enterprises, organisations by kind, users by
    role. `flask stats` prints them; the admin statistics page shows them."""
    by_kind = dict(
        db.session.execute(
            select(Organisation.kind, func.count()).group_by(Organisation.kind)
        ).all()
    )
    by_role = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    return {
        "enterprises": db.session.scalar(select(func.count()).select_from(Enterprise)),
        "published_enterprises": db.session.scalar(
            select(func.count()).select_from(Enterprise).where(Enterprise.status == "published")
        ),
        "organisations_by_kind": {
            k: by_kind.get(k, 0) for k in ("enterprise", "programme", "investor", "platform")
        },
        "users_by_role": {
            r: by_role.get(r, 0) for r in ("owner", "facilitator", "investor", "admin")
        },
    }
