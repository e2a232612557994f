"""The access matrix: every route × every role × method, walked against one policy table.

QUALITY.md asks for one table listing, for each (endpoint, method), which of the eight roles
may pass; a route missing from the table fails the suite, and any allow the table does not list
is a failure. One world is built per module (owner A with published enterprise A, owner B with
draft enterprise D, facilitator F mentoring A, facilitator G mentoring D, verified investor I
with a mandate, investor J of an unverified organisation, an admin) and restored from a snapshot
before every request, so a POST that one role is allowed to make cannot change what the next
test sees. Every denied request must leave the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import event, text

from marketplace import create_app
from marketplace.accounts.sessions import SESSION_KEY
from marketplace.extensions import db as _db
from marketplace.extensions import limiter
from marketplace.profiles.models import LegalDocument, MentoringRecord
from tests import factories
from tests.conftest import _config, _reset_schema

ROLES = (
    "anonymous",
    "owner",
    "other_owner",
    "facilitator",
    "other_facilitator",
    "investor",
    "other_investor",
    "admin",
)
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})
FACILITATORS = frozenset({"facilitator", "other_facilitator"})
# Destructive actions are confirmed with a ticked box (marketplace.forms.ConfirmForm).
CONFIRM = {"confirm": "y"}
INVESTORS = frozenset({"investor", "other_investor"})
A_EDITORS = frozenset({"owner", "facilitator"})
D_EDITORS = frozenset({"other_owner", "other_facilitator"})

# A rule string instead of a role set: without a pending two-factor login every caller is sent
# back to the login page, whoever they are.
TO_LOGIN = "to-login"

MISSING_ID = 999_999
# Placeholders in the paths below that are not database ids.
NOT_IDS = frozenset({"token", "confirm_token", "reset_token", "join_token", "copy_token"})
# Tables whose rows legitimately change on a denied request: the audit log records denials,
# and the session row notes when it was last seen.
BOOKKEEPING_TABLES = frozenset({"audit_events", "user_sessions"})


# Who is denied with 404 rather than 403. The rule: an object a role may not even see (another
# user's private object, a draft of someone else's) is hidden with 404, the answer for an id that
# does not exist; a role that knows the object exists but may not do this (or a role the whole
# route is not for, whatever the id) gets 403.
# Draft enterprise D is seen only by its editors (owner B, facilitator G) and the admin.
NOT_D_VIEWERS = frozenset({"anonymous", "owner", "facilitator", "investor", "other_investor"})
# Event {ev} is seen by its organiser F, invited A's owner, registered investor I and the admin.
NOT_EVENT_VIEWERS = frozenset({"other_owner", "other_facilitator", "other_investor"})
# A data-rights request about A is known to its requester (A's owner), A's facilitator and admins.
NOT_A_REQUEST_PARTIES = frozenset(
    {"other_owner", "other_facilitator", "investor", "other_investor"}
)


@dataclass(frozen=True)
class Case:
    """One URL of a route, the roles allowed on it, and what denial looks like.

    `anonymous` is "login" when an anonymous caller is sent to the login page, "hidden" when a
    public route answers 403/404 instead (drafts, full profiles, photos of drafts). A denied
    role in `not_found` gets 404; any other denied role gets 403 (EVERYONE: all denials 404).
    """

    path: str
    allow: frozenset[str] | set[str] | str
    anonymous: str = "login"
    data: dict[str, str] = field(default_factory=dict)
    not_found: frozenset[str] | set[str] = frozenset()

    def denial(self, role: str) -> int:
        """The exact status a denied `role` gets (the login redirect aside)."""
        return 404 if role in self.not_found else 403


# The policy. Placeholders name objects of the world: {A} enterprise A (published, owner A,
# facilitator F), {D} enterprise D (draft, owner B, facilitator G), {doc_A}/{rec_A}/{photo_A}
# a document, mentoring record and photo of A (same for D), {prog_F}/{cohort_F}/{enrol_F}
# F's programme, cohort and A's enrolment (same for G), {org_I}/{org_J} the investors'
# organisations, {user_owner} owner A's user, {token} a live hand-over invitation,
# {notice_owner} owner A's notification of I's data-room request, {breach} a breach incident.
POLICY: dict[tuple[str, str], tuple[Case, ...]] = {
    # --- accounts ---------------------------------------------------------------------------
    ("accounts.home", "GET"): (Case("/", EVERYONE),),
    ("accounts.register", "GET"): (Case("/register", EVERYONE),),
    ("accounts.register", "POST"): (Case("/register", EVERYONE),),
    ("accounts.login", "GET"): (Case("/login", EVERYONE),),
    ("accounts.login", "POST"): (Case("/login", EVERYONE),),
    ("accounts.login_totp", "GET"): (Case("/login/code", TO_LOGIN),),
    ("accounts.login_totp", "POST"): (Case("/login/code", TO_LOGIN, data={"code": "123456"}),),
    ("accounts.logout", "POST"): (Case("/logout", EVERYONE),),
    ("accounts.language", "POST"): (Case("/language", EVERYONE, data={"locale": "en"}),),
    ("accounts.account", "GET"): (Case("/account", LOGGED_IN),),
    ("accounts.account", "POST"): (Case("/account", LOGGED_IN),),
    ("accounts.totp_setup", "GET"): (Case("/account/two-factor", FACILITATORS | ADMIN),),
    ("accounts.totp_setup", "POST"): (Case("/account/two-factor", FACILITATORS | ADMIN),),
    # Each user turns off their own two-factor login; the route acts on nobody else.
    ("accounts.totp_disable", "POST"): (Case("/account/two-factor/off", LOGGED_IN),),
    # E-mailed links (issue 10): the token in the link is the credential, as for hand-overs;
    # {confirm_token} and {reset_token} belong to a newcomer who has no role in the matrix.
    ("accounts.check_email", "GET"): (Case("/register/check-email", EVERYONE),),
    ("accounts.confirm_email", "GET"): (
        Case("/confirm/{confirm_token}", EVERYONE),
        Case("/confirm/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    ("accounts.confirm_email", "POST"): (
        Case("/confirm/{confirm_token}", EVERYONE),
        Case("/confirm/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    # Each user asks for their own link; the route acts on nobody else.
    ("accounts.resend_confirmation", "POST"): (Case("/account/confirm/resend", LOGGED_IN),),
    ("accounts.forgot_password", "GET"): (Case("/password/forgot", EVERYONE),),
    ("accounts.forgot_password", "POST"): (
        Case("/password/forgot", EVERYONE, data={"email": "newcomer@example.id"}),
    ),
    ("accounts.reset_password", "GET"): (
        Case("/password/reset/{reset_token}", EVERYONE),
        Case("/password/reset/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    # A too-short password: the holder of the link gets the form back (422) rather than the
    # success redirect to /login, which the walker could not tell from a denial.
    ("accounts.reset_password", "POST"): (
        Case("/password/reset/{reset_token}", EVERYONE, data={"password": "short"}),
        Case(
            "/password/reset/not-a-real-token",
            NOBODY,
            anonymous="hidden",
            data={"password": "es-cendol-99-gula"},
            not_found=EVERYONE,
        ),
    ),
    # --- admin ------------------------------------------------------------------------------
    ("admin.audit_log", "GET"): (Case("/admin/audit", ADMIN),),
    ("admin.organisations", "GET"): (Case("/admin/organisations", ADMIN),),
    ("admin.verify", "POST"): (Case("/admin/organisations/{org_J}/verify", ADMIN),),
    ("admin.users", "GET"): (Case("/admin/users", ADMIN),),
    # Issue 13: a rejection needs a reason; without one the admin gets the form back (422).
    ("admin.reject", "POST"): (Case("/admin/organisations/{org_J}/reject", ADMIN),),
    ("admin.statistics", "GET"): (Case("/admin/statistics", ADMIN),),
    # --- organisation members (issue 13) -----------------------------------------------------
    # Members of investor and programme organisations see their own organisation's members and
    # invite colleagues; investor I administers org_I, where {user_colleague} is a plain
    # member and {oinv_I} an open invitation. Owners and the platform admin have no such page.
    ("organisation.members_page", "GET"): (Case("/organisation", FACILITATORS | INVESTORS),),
    ("organisation.invite", "POST"): (
        Case(
            "/organisation/invitations",
            FACILITATORS | INVESTORS,
            data={"email": "kolega@example.id", "role": "member"},
        ),
    ),
    # Only org_I's admin (investor I); everyone else, other organisations' admins included, 404.
    ("organisation.remove_member", "POST"): (
        Case(
            "/organisation/members/{user_colleague}/remove",
            {"investor"},
            data=CONFIRM,
            not_found=EVERYONE,
        ),
    ),
    # Any member of an investor or programme organisation may ask to leave (302): I is the
    # only admin of org_I and the others are alone in theirs, so each is told why not and
    # nothing changes; owners and the platform admin have no organisation to leave (403).
    ("organisation.leave", "POST"): (
        Case("/organisation/leave", FACILITATORS | INVESTORS, data=CONFIRM),
    ),
    ("organisation.cancel_invitation", "POST"): (
        Case(
            "/organisation/invitations/{oinv_I}/cancel",
            {"investor"},
            data=CONFIRM,
            not_found=EVERYONE,
        ),
    ),
    # The e-mailed link is the credential (as for hand-overs); a logged-in user of another
    # address is told the invitation is not theirs (200, nothing changes).
    ("organisation.join", "GET"): (
        Case("/join/{join_token}", EVERYONE),
        Case("/join/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    ("organisation.join", "POST"): (
        Case("/join/{join_token}", EVERYONE),
        Case("/join/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    # Failed background jobs (issue 10): admins only. Without a queue (this world) the buttons
    # answer with a message and a redirect; tests/queue covers them on a real queue.
    ("admin.failed_jobs", "GET"): (Case("/admin/jobs", ADMIN),),
    ("admin.retry_job", "POST"): (Case("/admin/jobs/temumodal-job-1/retry", ADMIN),),
    ("admin.delete_job", "POST"): (
        Case("/admin/jobs/temumodal-job-1/delete", ADMIN, data=CONFIRM),
    ),
    ("admin.set_active", "POST"): (
        Case("/admin/users/{user_owner}/active", ADMIN, data={"active": "0"}),
    ),
    # --- personal data: consents and breaches (issue 16) -------------------------------------
    # Every user sees their own consents (and e-mail history); an enterprise's switches belong
    # to its owner and to the facilitator acting for it (recorded as on the owner's behalf).
    ("consent.overview", "GET"): (Case("/privacy/consents", LOGGED_IN),),
    ("consent.enterprise_consents", "GET"): (
        Case("/privacy/consents/enterprises/{A}", A_EDITORS, not_found=EVERYONE),
        Case("/privacy/consents/enterprises/{D}", D_EDITORS, not_found=EVERYONE),
    ),
    ("consent.change", "POST"): (
        Case(
            "/privacy/consents/enterprises/{A}",
            A_EDITORS,
            data={"purpose": "reports", "granted": "0"},
            not_found=EVERYONE,
        ),
        Case(
            "/privacy/consents/enterprises/{D}",
            D_EDITORS,
            data={"purpose": "reports", "granted": "0"},
            not_found=EVERYONE,
        ),
    ),
    # Deletion (erasure): each owner, investor and facilitator asks for their own account (an
    # empty form comes back with its errors, 422); an administrator's account is not removed
    # this way (403). A facilitator asks for a phone-only owner's profile ({behalf}) on their
    # behalf; where the owner has an account (A, D) nobody may, and whoever cannot see a draft
    # gets 404. The mailed cancel link's token is the credential: an unknown one is 404.
    ("erasure.account", "GET"): (Case("/privacy/delete", LOGGED_IN - ADMIN),),
    ("erasure.request_account", "POST"): (Case("/privacy/delete", LOGGED_IN - ADMIN),),
    ("erasure.enterprise", "GET"): (
        Case(
            "/privacy/delete/enterprises/{behalf}",
            {"facilitator"},
            not_found=LOGGED_IN - {"facilitator", "admin"},
        ),
        Case("/privacy/delete/enterprises/{A}", NOBODY),
        Case("/privacy/delete/enterprises/{D}", NOBODY, not_found=NOT_D_VIEWERS),
    ),
    ("erasure.request_enterprise", "POST"): (
        Case(
            "/privacy/delete/enterprises/{behalf}",
            {"facilitator"},
            not_found=LOGGED_IN - {"facilitator", "admin"},
        ),
        Case("/privacy/delete/enterprises/{A}", NOBODY),
        Case("/privacy/delete/enterprises/{D}", NOBODY, not_found=NOT_D_VIEWERS),
    ),
    ("erasure.cancel", "GET"): (
        Case(
            "/privacy/delete/cancel/not-a-real-token",
            NOBODY,
            anonymous="hidden",
            not_found=EVERYONE,
        ),
    ),
    ("erasure.cancel_confirmed", "POST"): (
        Case(
            "/privacy/delete/cancel/not-a-real-token",
            NOBODY,
            anonymous="hidden",
            not_found=EVERYONE,
        ),
    ),
    # Breach incidents and their notices: admins only ({breach} recorded by the admin).
    ("breach.incidents", "GET"): (Case("/admin/breaches", ADMIN),),
    ("breach.new_incident", "GET"): (Case("/admin/breaches/new", ADMIN),),
    # Empty: the admin gets the form back with its errors (422).
    ("breach.new_incident", "POST"): (Case("/admin/breaches/new", ADMIN),),
    ("breach.incident", "GET"): (Case("/admin/breaches/{breach}", ADMIN),),
    ("breach.notify_people", "POST"): (
        Case("/admin/breaches/{breach}/notify-people", ADMIN, data=CONFIRM),
    ),
    ("breach.notify_agency", "POST"): (
        Case(
            "/admin/breaches/{breach}/notify-agency", ADMIN, data={"email": "aduan@lembaga.go.id"}
        ),
    ),
    # --- health -----------------------------------------------------------------------------
    ("health.healthz", "GET"): (Case("/healthz", EVERYONE),),
    # --- notifications ----------------------------------------------------------------------
    ("notifications.index", "GET"): (Case("/notifications", LOGGED_IN),),
    ("notifications.mark_read", "POST"): (Case("/notifications/read", LOGGED_IN),),
    # One's own notification only (owner A's: investor I asked for A's data room).
    ("notifications.open_one", "GET"): (
        Case("/notifications/{notice_owner}", {"owner"}, not_found=EVERYONE),
    ),
    ("notifications.settings", "GET"): (Case("/notifications/settings", LOGGED_IN),),
    ("notifications.settings", "POST"): (Case("/notifications/settings", LOGGED_IN),),
    # --- privacy (issue 16): each user's own data; {corr_A} owner A's correction request about
    # A, {copy_A} owner A's ready copy ({copy_token} its signed link), {copy_B} owner B's copy
    # still being built.
    ("privacy.my_data", "GET"): (Case("/data-saya", LOGGED_IN),),
    ("privacy.request_copy", "POST"): (Case("/data-saya/copy", LOGGED_IN),),
    ("privacy.request_correction", "POST"): (
        Case("/data-saya/correction", LOGGED_IN, data={"topic": "other", "details": "Salah."}),
    ),
    # Only the requester downloads, and only with the link's signed token.
    ("privacy.download", "GET"): (
        Case("/data-saya/copy/{copy_A}/{copy_token}", {"owner"}, not_found=EVERYONE),
        Case("/data-saya/copy/{copy_A}/not-a-real-token", NOBODY, not_found=EVERYONE),
    ),
    # The requester reads their request; the facilitator of A and an admin answer it.
    ("privacy.answer", "GET"): (
        Case(
            "/data-saya/requests/{corr_A}",
            {"owner", "facilitator", "admin"},
            not_found=NOT_A_REQUEST_PARTIES,
        ),
    ),
    ("privacy.answer", "POST"): (
        Case(
            "/data-saya/requests/{corr_A}",
            {"facilitator", "admin"},
            data={"decision": "reject", "answer": "Tanggalnya sudah benar."},
            not_found=NOT_A_REQUEST_PARTIES,
        ),
    ),
    ("privacy.admin_queue", "GET"): (Case("/admin/privacy", ADMIN),),
    ("privacy.rebuild", "POST"): (Case("/admin/privacy/{copy_B}/rebuild", ADMIN),),
    # --- profiles: browsing -----------------------------------------------------------------
    ("profiles.dashboard", "GET"): (Case("/dashboard", LOGGED_IN),),
    ("profiles.browse", "GET"): (Case("/enterprises", EVERYONE),),
    ("profiles.profile", "GET"): (
        Case("/enterprises/{A}", EVERYONE),
        Case("/enterprises/{D}", D_EDITORS | ADMIN, anonymous="hidden", not_found=EVERYONE),
    ),
    # Finances and readiness detail: editors, admins and verified investors (published only).
    ("profiles.readiness", "GET"): (
        Case("/enterprises/{A}/readiness", A_EDITORS | {"investor", "admin"}),
        Case("/enterprises/{D}/readiness", D_EDITORS | ADMIN, not_found=EVERYONE),
    ),
    ("profiles.photo", "GET"): (
        Case("/photos/{photo_A}/small", EVERYONE),
        Case("/photos/{photo_D}/large", D_EDITORS | ADMIN, anonymous="hidden", not_found=EVERYONE),
    ),
    # --- profiles: editing (the owner and the enterprise's own facilitator) -----------------
    ("profiles.edit", "GET"): (
        Case("/enterprises/{A}/edit", A_EDITORS),
        Case("/enterprises/{D}/edit", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    # The owner's preview of the page as a verified investor sees it: editors only.
    ("profiles.preview", "GET"): (
        Case("/enterprises/{A}/preview", A_EDITORS),
        Case("/enterprises/{D}/preview", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.edit", "POST"): (
        Case("/enterprises/{A}/edit", A_EDITORS, data={"name": "Keripik Bu Sri"}),
        Case(
            "/enterprises/{D}/edit",
            D_EDITORS,
            data={"name": "Batik Pak Joko"},
            not_found=NOT_D_VIEWERS,
        ),
    ),
    ("profiles.publish", "POST"): (
        Case("/enterprises/{A}/publish", A_EDITORS),
        Case("/enterprises/{D}/publish", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.unpublish", "POST"): (
        Case("/enterprises/{A}/unpublish", A_EDITORS),
        Case("/enterprises/{D}/unpublish", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("programmes.attest", "POST"): (
        Case("/enterprises/{A}/attest/identity", {"facilitator"}),
        Case("/enterprises/{D}/attest/identity", {"other_facilitator"}, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.documents", "GET"): (
        Case("/enterprises/{A}/documents", A_EDITORS),
        Case("/enterprises/{D}/documents", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.documents", "POST"): (
        Case("/enterprises/{A}/documents", A_EDITORS, data={"kind": "sku"}),
        Case(
            "/enterprises/{D}/documents", D_EDITORS, data={"kind": "sku"}, not_found=NOT_D_VIEWERS
        ),
    ),
    ("profiles.delete_document", "POST"): (
        Case("/enterprises/{A}/documents/{doc_A}/delete", A_EDITORS, data=CONFIRM),
        Case(
            "/enterprises/{D}/documents/{doc_D}/delete",
            D_EDITORS,
            data=CONFIRM,
            not_found=NOT_D_VIEWERS,
        ),
        # D's document through A's URL: A's editors must not reach it.
        Case(
            "/enterprises/{A}/documents/{doc_D}/delete",
            NOBODY,
            data=CONFIRM,
            not_found={"owner", "facilitator"},
        ),
    ),
    ("profiles.mentoring", "GET"): (
        Case("/enterprises/{A}/mentoring", A_EDITORS),
        Case("/enterprises/{D}/mentoring", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.mentoring", "POST"): (
        Case("/enterprises/{A}/mentoring", A_EDITORS, data={"programme_name": "ACTION"}),
        Case(
            "/enterprises/{D}/mentoring",
            D_EDITORS,
            data={"programme_name": "ACTION"},
            not_found=NOT_D_VIEWERS,
        ),
    ),
    ("profiles.delete_mentoring", "POST"): (
        Case("/enterprises/{A}/mentoring/{rec_A}/delete", A_EDITORS, data=CONFIRM),
        Case(
            "/enterprises/{D}/mentoring/{rec_D}/delete",
            D_EDITORS,
            data=CONFIRM,
            not_found=NOT_D_VIEWERS,
        ),
        Case(
            "/enterprises/{A}/mentoring/{rec_D}/delete",
            NOBODY,
            data=CONFIRM,
            not_found={"owner", "facilitator"},
        ),
    ),
    ("profiles.photos", "GET"): (
        Case("/enterprises/{A}/photos", A_EDITORS),
        Case("/enterprises/{D}/photos", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.photos", "POST"): (
        Case("/enterprises/{A}/photos", A_EDITORS),
        Case("/enterprises/{D}/photos", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("profiles.delete_photo", "POST"): (
        Case("/enterprises/{A}/photos/{photo_A}/delete", A_EDITORS, data=CONFIRM),
        Case(
            "/enterprises/{D}/photos/{photo_D}/delete",
            D_EDITORS,
            data=CONFIRM,
            not_found=NOT_D_VIEWERS,
        ),
        Case(
            "/enterprises/{A}/photos/{photo_D}/delete",
            NOBODY,
            data=CONFIRM,
            not_found={"owner", "facilitator"},
        ),
    ),
    # --- hand-over --------------------------------------------------------------------------
    ("programmes.invite_owner", "POST"): (
        Case("/enterprises/{A}/invitation", {"facilitator"}),
        Case("/enterprises/{D}/invitation", {"other_facilitator"}, not_found=NOT_D_VIEWERS),
    ),
    # The token in the link is the credential: whoever holds it may open the form.
    ("programmes.accept_invitation", "GET"): (
        Case("/invitation/{token}", EVERYONE),
        Case("/invitation/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    ("programmes.accept_invitation", "POST"): (
        Case("/invitation/{token}", EVERYONE),
        Case("/invitation/not-a-real-token", NOBODY, anonymous="hidden", not_found=EVERYONE),
    ),
    # --- programmes (the facilitators of the programme's organisation) ----------------------
    ("programmes.new_programme", "GET"): (Case("/programmes/new", FACILITATORS),),
    ("programmes.new_programme", "POST"): (Case("/programmes/new", FACILITATORS),),
    ("programmes.programme", "GET"): (
        Case("/programmes/{prog_F}", {"facilitator"}, not_found={"other_facilitator"}),
        Case("/programmes/{prog_G}", {"other_facilitator"}, not_found={"facilitator"}),
    ),
    ("programmes.new_cohort", "GET"): (
        Case("/programmes/{prog_F}/cohorts/new", {"facilitator"}, not_found={"other_facilitator"}),
        Case("/programmes/{prog_G}/cohorts/new", {"other_facilitator"}, not_found={"facilitator"}),
    ),
    ("programmes.new_cohort", "POST"): (
        Case("/programmes/{prog_F}/cohorts/new", {"facilitator"}, not_found={"other_facilitator"}),
        Case("/programmes/{prog_G}/cohorts/new", {"other_facilitator"}, not_found={"facilitator"}),
    ),
    ("programmes.cohort", "GET"): (
        Case("/cohorts/{cohort_F}", {"facilitator"}, not_found={"other_facilitator"}),
        Case("/cohorts/{cohort_G}", {"other_facilitator"}, not_found={"facilitator"}),
    ),
    ("programmes.cohort", "POST"): (
        Case(
            "/cohorts/{cohort_F}",
            {"facilitator"},
            data={"enrol-email": "nobody@example.id"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/cohorts/{cohort_G}",
            {"other_facilitator"},
            data={"enrol-email": "nobody@example.id"},
            not_found={"facilitator"},
        ),
    ),
    # Business groups and priority areas (issue 14): the programme's facilitators only. F's
    # group {group_F} has A as a member; {behalf} is another enterprise F acts for.
    ("programmes.new_group", "POST"): (
        Case(
            "/programmes/{prog_F}/groups",
            {"facilitator"},
            data={"kind": "kube", "name": "K"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/programmes/{prog_G}/groups",
            {"other_facilitator"},
            data={"kind": "kube", "name": "K"},
            not_found={"facilitator"},
        ),
    ),
    ("programmes.priority_areas", "POST"): (
        Case(
            "/programmes/{prog_F}/priority-areas",
            {"facilitator"},
            data={"regency_codes": "32.01"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/programmes/{prog_G}/priority-areas",
            {"other_facilitator"},
            data={"regency_codes": "32.01"},
            not_found={"facilitator"},
        ),
    ),
    ("programmes.group", "GET"): (
        Case("/groups/{group_F}", {"facilitator"}, not_found={"other_facilitator"}),
        Case("/groups/{group_G}", {"other_facilitator"}, not_found={"facilitator"}),
    ),
    ("programmes.add_group_member", "POST"): (
        Case(
            "/groups/{group_F}/members",
            {"facilitator"},
            data={"enterprise_id": "{behalf}"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/groups/{group_G}/members",
            {"other_facilitator"},
            data={"enterprise_id": "{A}"},
            not_found={"facilitator"},
        ),
    ),
    ("programmes.remove_group_member", "POST"): (
        Case(
            "/groups/{group_F}/members/{A}/remove", {"facilitator"}, not_found={"other_facilitator"}
        ),
        Case(
            "/groups/{group_G}/members/{D}/remove", {"other_facilitator"}, not_found={"facilitator"}
        ),
    ),
    ("programmes.enrolment_status", "POST"): (
        Case(
            "/enrolments/{enrol_F}/status",
            {"facilitator"},
            data={"status": "withdrawn"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/enrolments/{enrol_G}/status",
            {"other_facilitator"},
            data={"status": "withdrawn"},
            not_found={"facilitator"},
        ),
    ),
    # --- owners' consent to programmes: only the enrolled enterprise's owner answers --------
    ("programmes.my_programmes", "GET"): (Case("/account/programmes", {"owner", "other_owner"}),),
    ("programmes.answer_enrolment", "POST"): (
        Case(
            "/enrolments/{enrol_F}/consent",
            {"owner"},
            data={"answer": "leave", "confirm": "1"},
            not_found=EVERYONE,
        ),
        Case(
            "/enrolments/{enrol_G}/consent",
            {"other_owner"},
            data={"answer": "leave", "confirm": "1"},
            not_found=EVERYONE,
        ),
    ),
    # --- investors --------------------------------------------------------------------------
    ("profiles.mandate", "GET"): (Case("/mandate", INVESTORS),),
    ("profiles.mandate", "POST"): (Case("/mandate", INVESTORS),),
    # Mandates are what enterprises read to find investors: any logged-in user.
    ("profiles.investor", "GET"): (Case("/investors/{org_I}", LOGGED_IN),),
    ("profiles.investors", "GET"): (Case("/investors", LOGGED_IN),),
    # --- pitching events (facilitator F's event {ev}: A invited, I registered and judging) ---
    ("events.index", "GET"): (Case("/events", LOGGED_IN),),
    ("events.new", "GET"): (Case("/events/new", FACILITATORS),),
    ("events.new", "POST"): (Case("/events/new", FACILITATORS, data={"title": ""}),),
    # The event page: its organisers, verified investors, invited enterprises' editors, admins.
    ("events.detail", "GET"): (
        Case("/events/{ev}", {"facilitator", "owner", "investor", "admin"}, not_found=EVERYONE),
        # An event offering observer places: every confirmed account sees it (issue 11).
        Case("/events/{oev}", LOGGED_IN),
    ),
    ("events.edit", "GET"): (
        Case("/events/{ev}/edit", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.edit", "POST"): (
        Case("/events/{ev}/edit", {"facilitator"}, data={"title": ""}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.invitations", "GET"): (
        Case("/events/{ev}/invitations", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.invitations", "POST"): (
        Case("/events/{ev}/invitations", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.attendance", "GET"): (
        Case("/events/{ev}/enterprises/{A}/attendance", A_EDITORS, not_found=NOT_EVENT_VIEWERS),
        Case("/events/{ev}/enterprises/{D}/attendance", NOBODY, not_found=EVERYONE),
    ),
    ("events.attendance", "POST"): (
        Case(
            "/events/{ev}/enterprises/{A}/attendance",
            A_EDITORS,
            data={"attending": "no"},
            not_found=NOT_EVENT_VIEWERS,
        ),
    ),
    ("events.enterprise_preferences", "GET"): (
        Case("/events/{ev}/enterprises/{A}/preferences", A_EDITORS, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.enterprise_preferences", "POST"): (
        Case("/events/{ev}/enterprises/{A}/preferences", A_EDITORS, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.register", "POST"): (
        Case("/events/{ev}/register", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.unregister", "POST"): (
        Case("/events/{ev}/unregister", {"investor"}, data=CONFIRM, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.availability", "GET"): (
        Case("/events/{ev}/availability", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.availability", "POST"): (
        Case("/events/{ev}/availability", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.preferences", "GET"): (
        Case("/events/{ev}/preferences", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.preferences", "POST"): (
        Case("/events/{ev}/preferences", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.build", "POST"): (
        Case("/events/{ev}/schedule/build", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.run", "GET"): (
        Case("/events/{ev}/schedule/runs/{run}", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.schedule", "GET"): (
        Case("/events/{ev}/schedule", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.move", "POST"): (
        Case("/events/{ev}/schedule/move", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.swap", "POST"): (
        Case("/events/{ev}/schedule/swap", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.publish", "POST"): (
        Case("/events/{ev}/schedule/publish", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.print_schedule", "GET"): (
        Case("/events/{ev}/schedule/print", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.agenda", "GET"): (
        Case("/events/{ev}/agenda", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.agenda_ics", "GET"): (
        Case("/events/{ev}/agenda.ics", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.enterprise_agenda", "GET"): (
        Case("/events/{ev}/enterprises/{A}/agenda", A_EDITORS, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.enterprise_agenda_ics", "GET"): (
        Case("/events/{ev}/enterprises/{A}/agenda.ics", A_EDITORS, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.sheet", "GET"): (
        Case("/events/{ev}/judging/sheet", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.sheet", "POST"): (
        Case("/events/{ev}/judging/sheet", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.remove_judge", "POST"): (
        Case(
            "/events/{ev}/judges/{judge}/delete",
            {"facilitator"},
            data=CONFIRM,
            not_found=NOT_EVENT_VIEWERS,
        ),
    ),
    ("events.withdraw_judge_invitation", "POST"): (
        Case(
            "/events/{ev}/judge-invitations/{jinv}/delete",
            {"facilitator"},
            data=CONFIRM,
            not_found=NOT_EVENT_VIEWERS,
        ),
    ),
    ("events.judge_invitation_list", "GET"): (Case("/events/judge-invitations", LOGGED_IN),),
    # Only the person behind the invited address (facilitator G) may answer.
    ("events.answer_judge_invitation", "POST"): (
        Case(
            "/events/judge-invitations/{jinv}",
            {"other_facilitator"},
            data={"answer": "accept"},
            not_found=EVERYONE,
        ),
    ),
    ("events.judging_queue", "GET"): (
        Case("/events/{ev}/judging", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.score", "GET"): (
        Case("/events/{ev}/judging/{A}", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.score", "POST"): (
        Case("/events/{ev}/judging/{A}", {"investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.ranking", "GET"): (
        Case("/events/{ev}/ranking", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.send_feedback", "POST"): (
        Case("/events/{ev}/feedback", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.feedback", "GET"): (
        Case("/events/{ev}/enterprises/{A}/feedback", A_EDITORS, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.record_outcomes", "GET"): (
        Case("/events/{ev}/outcomes", {"facilitator", "investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.record_outcomes", "POST"): (
        Case("/events/{ev}/outcomes", {"facilitator", "investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("events.summary", "GET"): (
        Case("/events/{ev}/summary", {"facilitator", "investor"}, not_found=NOT_EVENT_VIEWERS),
    ),
    # --- paid tickets (issue 11): {tt} the free ticket of {ev}, {order} investor I's paid
    # order, {refund} a failed refund of it. The webhook is Stripe's: no login, its signature is
    # the credential (an unsigned POST is answered 400 and changes nothing).
    ("payments.manage", "GET"): (
        Case("/events/{ev}/tickets/manage", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("payments.manage", "POST"): (
        Case(
            "/events/{ev}/tickets/manage",
            {"facilitator"},
            data={"type-name": ""},
            not_found=NOT_EVENT_VIEWERS,
        ),
    ),
    ("payments.add_code", "POST"): (
        Case(
            "/events/{ev}/tickets/codes",
            {"facilitator"},
            data={"code-code": ""},
            not_found=NOT_EVENT_VIEWERS,
        ),
    ),
    ("payments.set_hold", "POST"): (
        Case(
            "/events/{ev}/tickets/hold",
            {"facilitator"},
            data={"hold-hold_minutes": ""},
            not_found=NOT_EVENT_VIEWERS,
        ),
    ),
    ("payments.event_orders", "GET"): (
        Case("/events/{ev}/orders", {"facilitator", "admin"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("payments.orders_csv", "GET"): (
        Case("/events/{ev}/orders.csv", {"facilitator", "admin"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("payments.cancel_event", "GET"): (
        Case("/events/{ev}/cancel", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("payments.cancel_event", "POST"): (
        Case("/events/{ev}/cancel", {"facilitator"}, not_found=NOT_EVENT_VIEWERS),
    ),
    ("payments.tickets_page", "GET"): (
        Case(
            "/events/{ev}/tickets",
            {"facilitator", "owner", "investor", "admin"},
            not_found=EVERYONE,
        ),
        Case("/events/{oev}/tickets", LOGGED_IN),
    ),
    ("payments.buy", "POST"): (
        Case("/events/{ev}/tickets/{tt}/buy", {"investor"}, not_found=NOT_EVENT_VIEWERS),
        # Observer places: any confirmed account but the event's organisers.
        Case(
            "/events/{oev}/tickets/{ott}/buy",
            {"owner", "other_owner", "other_facilitator", "investor", "other_investor", "admin"},
        ),
    ),
    # A user's own orders and seats reserved unpaid before tickets.
    ("payments.my_orders", "GET"): (Case("/orders", LOGGED_IN),),
    ("payments.order", "GET"): (
        Case("/orders/{order}", {"investor", "facilitator", "admin"}, not_found=EVERYONE),
    ),
    ("payments.receipt", "GET"): (
        Case("/orders/{order}/receipt", {"investor", "facilitator", "admin"}, not_found=EVERYONE),
    ),
    ("payments.refund", "GET"): (
        Case(
            "/orders/{order}/refund",
            {"facilitator", "admin"},
            not_found={"owner", "other_owner", "other_facilitator", "other_investor"},
        ),
    ),
    ("payments.refund", "POST"): (
        Case(
            "/orders/{order}/refund",
            {"facilitator", "admin"},
            not_found={"owner", "other_owner", "other_facilitator", "other_investor"},
        ),
    ),
    ("payments.admin_payments", "GET"): (Case("/admin/payments", ADMIN),),
    ("payments.check", "POST"): (
        Case(
            "/orders/{order}/check",
            ADMIN,
            not_found={"owner", "other_owner", "other_facilitator", "other_investor"},
        ),
    ),
    ("payments.resend_receipt", "POST"): (
        Case(
            "/orders/{order}/receipt/resend",
            ADMIN,
            not_found={"owner", "other_owner", "other_facilitator", "other_investor"},
        ),
    ),
    ("payments.retry_refund", "POST"): (
        Case("/refunds/{refund}/retry", ADMIN, not_found=EVERYONE),
    ),
    ("payments.stripe_webhook", "POST"): (Case("/payments/stripe/webhook", EVERYONE),),
    # --- pitches: decks, the data room (issue 3) --------------------------------------------
    # {dpage_A1} is a public page of A's current deck, {dpage_A3} a data-room page, {dpage_D1}
    # a page of draft D's deck; {ver_A}/{ver_D} the current versions; {ddoc_A}/{ddoc_D} data-room
    # files; {req_A} investor I's accepted request for A (I is let in; J is unverified).
    ("pitches.deck", "GET"): (
        Case("/enterprises/{A}/deck", EVERYONE),
        Case("/enterprises/{D}/deck", D_EDITORS | ADMIN, anonymous="hidden", not_found=EVERYONE),
    ),
    ("pitches.upload_deck", "GET"): (
        Case("/enterprises/{A}/deck/upload", A_EDITORS),
        Case("/enterprises/{D}/deck/upload", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("pitches.upload_deck", "POST"): (
        Case("/enterprises/{A}/deck/upload", A_EDITORS),
        Case("/enterprises/{D}/deck/upload", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("pitches.make_current", "POST"): (
        Case("/enterprises/{A}/deck/versions/{ver_A}/current", A_EDITORS),
        Case("/enterprises/{D}/deck/versions/{ver_D}/current", D_EDITORS, not_found=NOT_D_VIEWERS),
        Case(
            "/enterprises/{A}/deck/versions/{ver_D}/current",
            NOBODY,
            not_found={"owner", "facilitator"},
        ),
    ),
    ("pitches.page", "GET"): (
        Case("/enterprises/{A}/deck/pages/1", EVERYONE),
        Case("/enterprises/{A}/deck/pages/3", A_EDITORS | {"investor"}, anonymous="hidden"),
        Case(
            "/enterprises/{D}/deck/pages/1", D_EDITORS, anonymous="hidden", not_found=NOT_D_VIEWERS
        ),
    ),
    ("pitches.page_image", "GET"): (
        Case("/deck-pages/{dpage_A1}/small", EVERYONE),
        Case(
            "/deck-pages/{dpage_A3}/large",
            A_EDITORS | {"investor"},
            anonymous="hidden",
            not_found={"anonymous"},
        ),
        Case(
            "/deck-pages/{dpage_D1}/small", D_EDITORS, anonymous="hidden", not_found=NOT_D_VIEWERS
        ),
    ),
    ("pitches.original", "GET"): (
        Case("/deck-versions/{ver_A}/original", A_EDITORS | {"investor"}),
        Case("/deck-versions/{ver_D}/original", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    # The admin sees which documents exist and the requests, never a file.
    ("pitches.data_room", "GET"): (
        Case("/enterprises/{A}/data-room", A_EDITORS | {"investor", "admin"}),
        Case("/enterprises/{D}/data-room", D_EDITORS | ADMIN, not_found=EVERYONE),
    ),
    ("pitches.upload_document", "POST"): (
        Case("/enterprises/{A}/data-room/documents", A_EDITORS),
        Case("/enterprises/{D}/data-room/documents", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("pitches.delete_document", "POST"): (
        Case("/enterprises/{A}/data-room/documents/{ddoc_A}/delete", A_EDITORS, data=CONFIRM),
        Case(
            "/enterprises/{D}/data-room/documents/{ddoc_D}/delete",
            D_EDITORS,
            data=CONFIRM,
            not_found=NOT_D_VIEWERS,
        ),
        Case(
            "/enterprises/{A}/data-room/documents/{ddoc_D}/delete",
            NOBODY,
            data=CONFIRM,
            not_found={"owner", "facilitator"},
        ),
    ),
    ("pitches.document_file", "GET"): (
        Case("/documents/{ddoc_A}/file", A_EDITORS | {"investor"}),
        Case("/documents/{ddoc_D}/file", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    # Verified investors ask published enterprises; I's request is open already (409-ish 422).
    ("pitches.request_access", "POST"): (
        Case("/enterprises/{A}/data-room/request", {"investor"}, data={"message": "KUR mikro"}),
        Case(
            "/enterprises/{D}/data-room/request",
            NOBODY,
            data={"message": "KUR mikro"},
            not_found=NOT_D_VIEWERS,
        ),
    ),
    ("pitches.decide", "POST"): (
        Case("/enterprises/{A}/data-room/requests/{req_A}/revoke", A_EDITORS, data=CONFIRM),
        Case(
            "/enterprises/{D}/data-room/requests/{req_A}/revoke",
            NOBODY,
            not_found={
                "owner",
                "other_owner",
                "facilitator",
                "other_facilitator",
                "investor",
                "other_investor",
            },
        ),
    ),
    # --- matching (issue 4): {entry_I} I's shortlist entry for A, {meeting_I} I's pending
    # meeting request to A, {meeting_ok} an accepted one. Search is public; filters on
    # full-profile data are silently dropped for those who may not use them.
    ("matching.search_page", "GET"): (Case("/search", EVERYONE),),
    # Unverified investor J gets the page with a "verify first" notice and no matches.
    ("matching.matches", "GET"): (Case("/matches", INVESTORS),),
    ("matching.enterprise_matches", "GET"): (
        Case("/enterprises/{A}/matches", A_EDITORS),
        Case("/enterprises/{D}/matches", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    # Issue 13: an enterprise's editors ask verified investor organisations for an
    # introduction (not for a draft, not to an unverified organisation); the organisation's
    # members see their inbox, and only a verified member answers.
    ("matching.new_introduction", "GET"): (
        Case("/enterprises/{A}/introductions/new/{org_I}", A_EDITORS),
        Case("/enterprises/{D}/introductions/new/{org_I}", NOBODY, not_found=NOT_D_VIEWERS),
        Case(
            "/enterprises/{A}/introductions/new/{org_J}", NOBODY, not_found={"owner", "facilitator"}
        ),
    ),
    ("matching.new_introduction", "POST"): (
        # A already has an open request to I: allowed, and refused with a message (422).
        Case("/enterprises/{A}/introductions/new/{org_I}", A_EDITORS, data={"message": "Halo"}),
        Case(
            "/enterprises/{D}/introductions/new/{org_I}",
            NOBODY,
            data={"message": "Halo"},
            not_found=NOT_D_VIEWERS,
        ),
        Case(
            "/enterprises/{A}/introductions/new/{org_J}",
            NOBODY,
            data={"message": "Halo"},
            not_found={"owner", "facilitator"},
        ),
    ),
    ("matching.enterprise_introductions", "GET"): (
        Case("/enterprises/{A}/introductions", A_EDITORS),
        Case("/enterprises/{D}/introductions", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("matching.introductions_inbox", "GET"): (Case("/introductions", INVESTORS),),
    ("matching.answer_introduction", "POST"): (
        Case("/introductions/{intro_I}/accept", {"investor"}, not_found=EVERYONE),
        Case("/introductions/{intro_I}/decline", {"investor"}, not_found=EVERYONE),
    ),
    # Saved searches (issue 12): {saved_I} I's saved search. Unverified investor J gets the
    # list page with a "verify first" notice but may not save, rename or delete.
    ("matching.saved_search_list", "GET"): (Case("/searches", INVESTORS),),
    ("matching.saved_search_new", "GET"): (Case("/searches/new", INVESTORS),),
    ("matching.saved_search_new", "POST"): (
        Case("/searches/new", {"investor"}, data={"name": "Batik", "params": "q=batik"}),
    ),
    ("matching.saved_search_rename", "POST"): (
        Case("/searches/{saved_I}/rename", {"investor"}, data={"name": "Baru"}),
    ),
    ("matching.saved_search_delete", "POST"): (Case("/searches/{saved_I}/delete", {"investor"}),),
    ("matching.shortlist", "GET"): (Case("/shortlist", INVESTORS),),
    ("matching.shortlist_csv", "GET"): (Case("/shortlist.csv", INVESTORS),),
    ("matching.shortlist_add", "POST"): (
        Case("/shortlist/add/{A}", INVESTORS),
        Case("/shortlist/add/{D}", NOBODY, not_found={"investor", "other_investor"}),
    ),
    ("matching.entry", "GET"): (
        Case("/shortlist/{entry_I}", {"investor"}, not_found={"other_investor"}),
    ),
    ("matching.entry_stage", "POST"): (
        Case(
            "/shortlist/{entry_I}/stage",
            {"investor"},
            data={"stage": "meeting"},
            not_found={"other_investor"},
        ),
    ),
    ("matching.entry_note", "POST"): (
        Case(
            "/shortlist/{entry_I}/notes",
            {"investor"},
            data={"body": "Catatan"},
            not_found={"other_investor"},
        ),
    ),
    ("matching.new_meeting", "GET"): (
        Case("/enterprises/{A}/meetings/new", {"investor"}),
        Case("/enterprises/{D}/meetings/new", NOBODY, not_found={"investor", "other_investor"}),
    ),
    ("matching.new_meeting", "POST"): (
        Case("/enterprises/{A}/meetings/new", {"investor"}, data={"message": "Halo"}),
    ),
    ("matching.meetings", "GET"): (Case("/meetings", LOGGED_IN),),
    ("matching.meeting", "GET"): (
        Case("/meetings/{meeting_I}", A_EDITORS | {"investor"}, not_found=EVERYONE),
    ),
    # The enterprise side answers a pending request; the asking investor waits its turn.
    ("matching.respond", "POST"): (
        Case(
            "/meetings/{meeting_I}/respond",
            A_EDITORS,
            data={"action": "decline"},
            not_found={"other_owner", "other_facilitator", "other_investor", "admin"},
        ),
    ),
    ("matching.meeting_ics", "GET"): (
        Case("/meetings/{meeting_ok}/meeting.ics", A_EDITORS | {"investor"}, not_found=EVERYONE),
        Case("/meetings/{meeting_I}/meeting.ics", NOBODY, not_found=EVERYONE),
    ),
    # --- monitoring (issue 15) ----------------------------------------------------------------
    # A programme's dashboard, lists and exports: its organisation's facilitators and admins;
    # targets only its facilitators. Investors and owners see only the public page (403 whatever
    # the id); another organisation's programme is hidden from a facilitator (404), as on the
    # programme's own pages.
    ("monitoring.dashboard", "GET"): (
        Case(
            "/programmes/{prog_F}/monitoring",
            {"facilitator", "admin"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/programmes/{prog_G}/monitoring",
            {"other_facilitator", "admin"},
            not_found={"facilitator"},
        ),
        Case(
            f"/programmes/{MISSING_ID}/monitoring",
            NOBODY,
            not_found={"facilitator", "other_facilitator", "admin"},
        ),
    ),
    ("monitoring.set_target", "POST"): (
        Case(
            "/programmes/{prog_F}/monitoring/targets",
            {"facilitator"},
            not_found={"other_facilitator"},
            data={"indicator": "layak", "period": "2026", "target": "50"},
        ),
    ),
    # Correcting or removing a target: the programme's facilitators only (an admin reads). A
    # target of another programme is not found for those who manage this one.
    ("monitoring.edit_target", "GET"): (
        Case(
            "/programmes/{prog_F}/monitoring/targets/{target_F}",
            {"facilitator"},
            not_found={"other_facilitator"},
        ),
        Case(
            "/programmes/{prog_F}/monitoring/targets/{target_G}",
            NOBODY,
            not_found={"facilitator", "other_facilitator"},
        ),
    ),
    ("monitoring.edit_target", "POST"): (
        Case(
            "/programmes/{prog_F}/monitoring/targets/{target_F}",
            {"facilitator"},
            not_found={"other_facilitator"},
            data={"target": "60", "baseline": "0", "donor_code": "D-1"},
        ),
        Case(
            "/programmes/{prog_G}/monitoring/targets/{target_G}",
            {"other_facilitator"},
            not_found={"facilitator"},
            data={"target": "60"},
        ),
    ),
    ("monitoring.delete_target", "POST"): (
        Case(
            "/programmes/{prog_F}/monitoring/targets/{target_F}/delete",
            {"facilitator"},
            not_found={"other_facilitator"},
            data={"confirm": "y"},
        ),
        Case(
            "/programmes/{prog_F}/monitoring/targets/{target_G}/delete",
            NOBODY,
            not_found={"facilitator", "other_facilitator"},
            data={"confirm": "y"},
        ),
    ),
    ("monitoring.funnel_list", "GET"): (
        Case(
            "/programmes/{prog_F}/monitoring/funnel/enrolled",
            {"facilitator", "admin"},
            not_found={"other_facilitator"},
        ),
        # The step is checked after the programme: those who may see it learn it has no such step.
        Case(
            "/programmes/{prog_F}/monitoring/funnel/nonsense",
            NOBODY,
            not_found={"facilitator", "admin", "other_facilitator"},
        ),
    ),
    ("monitoring.export_csv", "GET"): (
        Case(
            "/programmes/{prog_F}/monitoring/report.csv",
            {"facilitator", "admin"},
            not_found={"other_facilitator"},
        ),
    ),
    ("monitoring.export_xlsx", "GET"): (
        Case(
            "/programmes/{prog_F}/monitoring/report.xlsx",
            {"facilitator", "admin"},
            not_found={"other_facilitator"},
        ),
    ),
    ("monitoring.public", "GET"): (Case("/monitoring", EVERYONE),),
    ("monitoring.check_in", "GET"): (
        Case("/enterprises/{A}/check-in", A_EDITORS),
        Case("/enterprises/{D}/check-in", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
    ("monitoring.check_in", "POST"): (
        Case(
            "/enterprises/{A}/check-in",
            A_EDITORS,
            data={"month": "2026-01", "revenue": "5 jt", "employees_women": "1"},
        ),
    ),
    ("monitoring.owner_age", "POST"): (
        Case("/enterprises/{A}/owner-age", A_EDITORS, data={"birth_year": "1980"}),
    ),
    ("pitches.activity", "GET"): (
        Case("/enterprises/{A}/activity", A_EDITORS),
        Case("/enterprises/{D}/activity", D_EDITORS, not_found=NOT_D_VIEWERS),
    ),
}


# --- the world -------------------------------------------------------------------------------
@dataclass
class World:
    ids: dict[str, Any]
    tokens: dict[str, str]
    snapshot: dict[str, list[dict[str, Any]]]
    uploads: Path
    pristine_uploads: Path
    writes: Writes

    def url(self, path: str, **override: Any) -> str:
        return path.format(**{**self.ids, **override})

    def data(self, case: Case) -> dict[str, str]:
        """The case's form data with world placeholders ({behalf} …) filled in."""
        return {name: self.url(value) for name, value in case.data.items()}


def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def build_world(db, upload_folder: Path) -> World:
    """Create the matrix's users and objects, commit them, and return their ids and tokens,
    with the rows as built and a watch on the tables written from then on (`World.writes`).

    Side effects: rows in every table the world touches, two photos under `upload_folder`,
    one live login session per logged-in role.
    """
    from marketplace.accounts import registration as account_registration
    from marketplace.accounts import services as account_services
    from marketplace.profiles import photos
    from marketplace.programmes import handover
    from marketplace.programmes import services as programme_services

    make = factories.Factories(db)
    owner = make.user("owner")
    enterprise_a = make.enterprise(
        organisation=owner.organisation, published=True, created_by_id=owner.id
    )
    other_owner = make.owner()
    enterprise_d = make.enterprise_of(other_owner)
    facilitator = make.facilitator()
    programme_f = make.programme(facilitator)
    cohort_f = make.cohort(programme_f)
    enrol_f = make.enrol(facilitator, enterprise_a, cohort=cohort_f)
    other_facilitator = make.facilitator()
    programme_g = make.programme(other_facilitator, name="SEDAYA")
    cohort_g = make.cohort(programme_g, regency_code="31.71")
    enrol_g = make.enrol(other_facilitator, enterprise_d, cohort=cohort_g)
    investor = make.investor()
    make.mandate(investor)
    other_investor = make.investor(verified=False)
    admin = make.admin()
    from marketplace.accounts import members as member_services

    colleague = make.investor(organisation=investor.organisation)
    oinv_i = member_services.invite_member(
        actor=investor, email="calon.kolega@example.id", role="member"
    )
    join_token = "matrix-join-token"
    oinv_i.token_hash = member_services._hash_token(join_token)

    doc_a = make._add(LegalDocument(enterprise=enterprise_a, kind="sku"))
    doc_d = make._add(LegalDocument(enterprise=enterprise_d, kind="sku"))
    rec_a = make._add(MentoringRecord(enterprise=enterprise_a, programme_name="Damping UMKM"))
    rec_d = make._add(MentoringRecord(enterprise=enterprise_d, programme_name="Damping UMKM"))
    photo_a = photos.add_photo(actor=owner, enterprise=enterprise_a, data=tiny_jpeg())
    photo_d = photos.add_photo(actor=other_owner, enterprise=enterprise_d, data=tiny_jpeg())
    # A profile made on behalf of an owner who has only a phone, to hold a live invitation.
    behalf = programme_services.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort_f,
        name="Warung Bu Tini",
        owner_name="Tini",
        owner_phone="081234567890",
    )
    token = handover.create_invitation(facilitator=facilitator, enterprise=behalf)
    from marketplace.programmes import groups

    group_f = groups.create_group(actor=facilitator, programme=programme_f, kind="kube", name="F")
    groups.add_member(actor=facilitator, group=group_f, enterprise=enterprise_a)
    group_g = groups.create_group(
        actor=other_facilitator, programme=programme_g, kind="koperasi", name="G"
    )
    groups.add_member(actor=other_facilitator, group=group_g, enterprise=enterprise_d)
    from marketplace.monitoring import targets

    target_f = targets.set_target(
        actor=facilitator, programme=programme_f, indicator="layak", period="2026", target=50
    )
    target_g = targets.set_target(
        actor=other_facilitator, programme=programme_g, indicator="layak", period="2026", target=9
    )
    newcomer = make.investor(email="newcomer@example.id", email_confirmed_at=None)
    confirm_token = account_registration._issue_link(
        user=newcomer, purpose="confirm", lifetime=account_registration.CONFIRM_LINK_LIFETIME
    )
    reset_token = account_registration._issue_link(
        user=newcomer, purpose="reset", lifetime=account_registration.RESET_LINK_LIFETIME
    )
    from tests.events.matrix_world import build_event_world
    from tests.matching.matrix_world import build_matching_world
    from tests.payments.matrix_world import build_payments_world

    matching_ids = build_matching_world(db, investor=investor, enterprise=enterprise_a)
    event_ids = build_event_world(
        db,
        facilitator=facilitator,
        investor=investor,
        invitee=other_facilitator,
        enterprises=[enterprise_a, behalf],
    )
    event_ids |= build_payments_world(
        db, facilitator=facilitator, investor=investor, event_id=event_ids["ev"]
    )
    from tests.privacy.matrix_world import build_privacy_world

    event_ids |= build_privacy_world(
        db, owner=owner, other_owner=other_owner, enterprise_a=enterprise_a
    )
    # Issue 3: a deck for A (published) and D (draft), a data-room file each, and investor I
    # let into A's data room. The decks' previews are rendered after the commit below.
    from pypdf import PdfWriter

    from marketplace.pitches import data_room
    from marketplace.pitches import services as pitches

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    ver_a = pitches.upload_deck(actor=owner, enterprise=enterprise_a, files=[("a.pdf", pdf)])
    ver_d = pitches.upload_deck(actor=other_owner, enterprise=enterprise_d, files=[("d.pdf", pdf)])
    ddoc_a = data_room.add_document(
        actor=owner, enterprise=enterprise_a, kind="nib", filename="nib.jpg", data=tiny_jpeg()
    )
    ddoc_d = data_room.add_document(
        actor=other_owner, enterprise=enterprise_d, kind="nib", filename="nib.jpg", data=tiny_jpeg()
    )
    req_a = data_room.request_access(investor=investor, enterprise=enterprise_a, message="KUR")
    data_room.decide_access(actor=owner, access_request=req_a, decision="accept")

    from marketplace.models import utcnow
    from marketplace.privacy import breach as breach_services

    incident = breach_services.record_incident(
        actor=admin,
        title="Uji kebocoran",
        data_kinds=["identity"],
        occurred_from=utcnow() - dt.timedelta(hours=30),
        occurred_until=utcnow() - dt.timedelta(hours=20),
        discovered_at=utcnow() - dt.timedelta(hours=2),
        how_discovered="Uji.",
        what_happened="Uji.",
        handling="Uji.",
    )

    users = {
        "owner": owner,
        "other_owner": other_owner,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
        "investor": investor,
        "other_investor": other_investor,
        "admin": admin,
    }
    tokens = {
        role: account_services.start_session(user=user, ip="127.0.0.1", user_agent="pytest")
        for role, user in users.items()
    }
    db.session.commit()

    ids = {
        "A": enterprise_a.id,
        "D": enterprise_d.id,
        "doc_A": doc_a.id,
        "doc_D": doc_d.id,
        "rec_A": rec_a.id,
        "rec_D": rec_d.id,
        "photo_A": photo_a.id,
        "photo_D": photo_d.id,
        "prog_F": programme_f.id,
        "prog_G": programme_g.id,
        "target_F": target_f.id,
        "target_G": target_g.id,
        "cohort_F": cohort_f.id,
        "cohort_G": cohort_g.id,
        "group_F": group_f.id,
        "group_G": group_g.id,
        "behalf": behalf.id,
        "enrol_F": enrol_f.id,
        "enrol_G": enrol_g.id,
        "org_I": investor.organisation_id,
        "org_J": other_investor.organisation_id,
        "user_owner": owner.id,
        "user_colleague": colleague.id,
        "oinv_I": oinv_i.id,
        "join_token": join_token,
        "token": token,
        "confirm_token": confirm_token,
        "reset_token": reset_token,
        **event_ids,
        **matching_ids,
        "ver_A": ver_a.id,
        "ver_D": ver_d.id,
        "dpage_A1": db.session.scalar(pitch_page(ver_a.id, 0)),
        "dpage_A3": db.session.scalar(pitch_page(ver_a.id, 2)),
        "dpage_D1": db.session.scalar(pitch_page(ver_d.id, 0)),
        "ddoc_A": ddoc_a.id,
        "ddoc_D": ddoc_d.id,
        "req_A": req_a.id,
        "notice_owner": db.session.scalar(owner_notice(owner.id)),
        "breach": incident.id,
        **{f"user_{role}": user.id for role, user in users.items()},
    }
    pristine = upload_folder.with_name(upload_folder.name + "-pristine")
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(upload_folder, pristine)
    writes = Writes(db.metadata)
    event.listen(db.engine, "after_cursor_execute", writes.note)
    return World(
        ids=ids,
        tokens=tokens,
        snapshot=table_rows(db),
        uploads=upload_folder,
        pristine_uploads=pristine,
        writes=writes,
    )


def owner_notice(user_id: int):
    """The id of owner A's notice of investor I's data-room request."""
    from sqlalchemy import select

    from marketplace.notifications.models import Notification

    return select(Notification.id).where(
        Notification.user_id == user_id, Notification.kind == "data_room_requested"
    )


def pitch_page(version_id: int, index: int):
    """The id of one rendered page of a deck version (rendered after the world's commit)."""
    from sqlalchemy import select

    from marketplace.pitches.models import DeckPage

    return select(DeckPage.id).where(DeckPage.version_id == version_id, DeckPage.index == index)


def table_rows(
    db, *, skip: frozenset[str] = frozenset(), only: frozenset[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (or of the tables in `only`), in primary-key order (a snapshot,
    or a fingerprint to compare)."""
    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in skip or (only is not None and table.name not in only):
                continue
            query = table.select().order_by(*table.primary_key.columns)
            rows[table.name] = [dict(row) for row in conn.execute(query).mappings()]
    return rows


class Writes:
    """The tables written since the world was last restored, read from every statement the
    engine runs, so that a test restores and compares only those tables instead of every row of
    every table (most requests write only the audit log and the session row).

    A DELETE also marks the tables whose rows it reaches through ON DELETE CASCADE or SET NULL:
    the database changes those without a statement of their own."""

    STATEMENT = re.compile(
        r'\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.I
    )

    def __init__(self, metadata) -> None:
        reached: dict[str, set[str]] = {table.name: set() for table in metadata.sorted_tables}
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.ondelete and fk.ondelete.upper() in ("CASCADE", "SET NULL"):
                    reached[fk.column.table.name].add(table.name)
        self.on_delete: dict[str, set[str]] = {}
        for name in reached:  # transitively: a cascade can cascade again
            seen, todo = set(), [name]
            while todo:
                for child in reached[todo.pop()] - seen:
                    seen.add(child)
                    todo.append(child)
            self.on_delete[name] = seen
        self.tables: set[str] = set()

    def note(self, _conn, _cursor, statement: str, *_args: Any) -> None:
        match = self.STATEMENT.match(statement)
        if match:
            self.tables.add(match[2])
            if match[1].upper().startswith("DELETE"):
                self.tables |= self.on_delete.get(match[2], set())


def restore(db, world: World) -> None:
    """Put the database, the upload folder and the rate limits back as the world built them.

    Only the tables written since the last restore are emptied and filled again from the
    snapshot, with foreign-key checks off for that transaction (no cascade into a table that was
    not written, and any order will do)."""
    db.session.remove()
    written = [table for table in db.metadata.sorted_tables if table.name in world.writes.tables]
    with db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if not postgres:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, as it must be
            conn.commit()
        with conn.begin():
            if postgres:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in written:
                conn.execute(table.delete())
                if world.snapshot[table.name]:
                    conn.execute(table.insert(), world.snapshot[table.name])
                if postgres and "id" in table.columns and table.c.id.type.python_type is int:
                    # Rows were inserted with explicit ids: move the sequence past them (tables
                    # whose id is Stripe's own text id have none).
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
        if not postgres:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
    world.writes.tables.clear()
    if _listing(world.uploads) != _listing(world.pristine_uploads):
        shutil.rmtree(world.uploads, ignore_errors=True)
        shutil.copytree(world.pristine_uploads, world.uploads)
    limiter.reset()


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    """Each file under `folder`: its relative path, size and modification time (copytree keeps
    the times, and any write changes them)."""
    return sorted(
        (str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns)
        for path in folder.rglob("*")
        if (stat := path.stat()) and path.is_file()
    )


def changed_tables(db, world: World) -> dict[str, list[dict[str, Any]]]:
    """The tables the last request wrote whose rows now differ from the world (bookkeeping
    aside): {} when the database is as the world built it."""
    written = world.writes.tables - BOOKKEEPING_TABLES
    now = table_rows(db, only=frozenset(written))
    return {name: rows for name, rows in now.items() if rows != world.snapshot[name]}


def client_for(app, world: World, role: str):
    """A test client carrying `role`'s live session cookie (none for the anonymous role)."""
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session[SESSION_KEY] = world.tokens[role]
            session["_user_id"] = str(world.ids[f"user_{role}"])
            session["_fresh"] = True
            session.permanent = True
    return client


def send(client, method: str, url: str, data: dict[str, str] | None = None):
    """Make the request, read the whole body and close the response (files included)."""
    response = client.open(url, method=method, data=data if method != "GET" else None)
    response.get_data()
    response.close()
    return response


def is_login_redirect(response) -> bool:
    return (
        response.status_code == 302  # Flask-Login's redirect to the login page
        and urlsplit(response.headers.get("Location", "")).path == "/login"
    )


def outcome_problem(response, *, allowed: bool | str, case: Case, role: str) -> str | None:
    """Why `response` does not match the policy for `role`, or None when it does."""
    status = response.status_code
    if allowed == TO_LOGIN:
        return None if is_login_redirect(response) else f"expected /login redirect, got {status}"
    if status >= 500:
        return f"server error {status}"
    if allowed:
        if status in (401, 403, 404) or is_login_redirect(response):  # a refusal
            return f"expected allowed, got {status} {response.headers.get('Location', '')}"
        return None
    if role == "anonymous" and case.anonymous == "login":
        return None if is_login_redirect(response) else f"expected /login redirect, got {status}"
    expected = case.denial(role)
    return None if status == expected else f"expected {expected}, got {status}"


# --- fixtures --------------------------------------------------------------------------------
def _no_fsync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """One app and one world for the module; yields (app, world)."""
    tmp_path = tmp_path_factory.mktemp("matrix")
    app = create_app(_config(tmp_path))
    with app.app_context():
        if _db.engine.dialect.name == "sqlite":
            # The world is restored before each of several hundred requests: skip the fsyncs
            # (a crash cannot matter to a throw-away test database).
            event.listen(_db.engine, "connect", _no_fsync)
        _reset_schema(_db)
        world = build_world(_db, Path(app.config["UPLOAD_FOLDER"]))
    # No app context stays pushed: each request must get its own, as in production, or
    # Flask-Login's user cached on `g` would leak from one request into the next.
    yield app, world
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def fresh(matrix):
    app, world = matrix
    with app.app_context():
        restore(_db, world)
    return app, world


def database_changes(app, world: World) -> dict[str, list[dict[str, Any]]]:
    with app.app_context():
        return changed_tables(_db, world)


def _matrix_params():
    for (endpoint, method), cases in POLICY.items():
        for index in range(len(cases)):
            for role in ROLES:
                yield pytest.param(
                    endpoint, method, index, role, id=f"{endpoint}-{method}-{index}-{role}"
                )


# --- tests -----------------------------------------------------------------------------------
def test_every_route_and_method_has_a_policy(matrix):
    app, _world = matrix
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert sorted(routes - set(POLICY)) == [], "routes without a policy"
    assert sorted(set(POLICY) - routes) == [], "policies for routes that do not exist"


def test_every_policy_url_reaches_the_endpoint_it_is_listed_under(matrix):
    app, world = matrix
    adapter = app.url_map.bind("localhost")
    wrong = []
    for (endpoint, method), cases in POLICY.items():
        for case in cases:
            url = world.url(case.path)
            matched, _args = adapter.match(url, method=method)
            if matched != endpoint:
                wrong.append((endpoint, method, url, matched))
    assert wrong == []


@pytest.mark.parametrize(("endpoint", "method", "index", "role"), list(_matrix_params()))
def test_role_gets_exactly_what_the_policy_allows(fresh, endpoint, method, index, role):
    app, world = fresh
    case = POLICY[(endpoint, method)][index]
    allowed: bool | str = case.allow if case.allow == TO_LOGIN else role in case.allow

    response = send(client_for(app, world, role), method, world.url(case.path), world.data(case))

    problem = outcome_problem(response, allowed=allowed, case=case, role=role)
    assert problem is None, f"{role} {method} {world.url(case.path)}: {problem}"
    if not allowed:
        assert database_changes(app, world) == {}, "a denied request changed the database"


def _missing_id_params():
    """Each id in each policy URL replaced, one at a time, by an id that does not exist."""
    for (endpoint, method), cases in POLICY.items():
        case = cases[0]
        if case.allow == TO_LOGIN or not case.allow:
            continue
        names = [
            name
            for _text, name, _spec, _conv in string.Formatter().parse(case.path)
            if name and name not in NOT_IDS
        ]
        for name in names:
            for role in sorted(case.allow - {"anonymous"}):
                yield pytest.param(
                    endpoint, method, case, name, role, id=f"{endpoint}-{method}-{name}-{role}"
                )


@pytest.mark.parametrize(("endpoint", "method", "case", "name", "role"), list(_missing_id_params()))
def test_an_id_that_does_not_exist_is_not_found(fresh, endpoint, method, case, name, role):
    app, world = fresh
    url = world.url(case.path, **{name: MISSING_ID})

    response = send(client_for(app, world, role), method, url, world.data(case))

    assert response.status_code == 404, f"{role} {method} {url}: {response.status_code}"
    assert database_changes(app, world) == {}


def test_a_denied_publish_leaves_the_draft_unpublished(fresh):
    app, world = fresh
    from marketplace.profiles.models import Enterprise

    # A draft is hidden (404) from everyone but its editors and the admin, who may see it (403).
    expected = {"owner": 404, "facilitator": 404, "investor": 404, "admin": 403}
    for role, status in expected.items():
        response = client_for(app, world, role).post(world.url("/enterprises/{D}/publish"))
        assert response.status_code == status, role
        with app.app_context():
            assert _db.session.get(Enterprise, world.ids["D"]).status == "draft"


def test_a_denied_deactivation_leaves_the_user_active(fresh):
    app, world = fresh
    from marketplace.accounts.models import User

    for role in ("owner", "facilitator", "investor", "other_investor"):
        response = client_for(app, world, role).post(
            world.url("/admin/users/{user_admin}/active"), data={"active": "0"}
        )
        assert response.status_code == 403
        with app.app_context():
            assert _db.session.get(User, world.ids["user_admin"]).active is True
