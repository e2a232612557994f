"""Every kind of notification: its text in the app, its e-mail subject, what the settings page
calls it, who may receive it and why a mail of its kind was sent. `notify` (services.py) and
the settings page read them; README "Notifications" lists them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NOTIFICATION_TEXTS = {
    "meeting_requested": _l("%(organisation)s asks %(enterprise)s for a meeting."),
    "meeting_accepted": _l(
        "The meeting of %(organisation)s with %(enterprise)s is set for %(time)s."
    ),
    "meeting_declined": _l(
        "The meeting request of %(organisation)s to %(enterprise)s was declined."
    ),
    "meeting_countered": _l(
        "Other times were proposed for the meeting of %(organisation)s with %(enterprise)s."
    ),
    "programme_invited": _l(
        "%(organisation)s (a verified programme organisation) invites your enterprise to"
        " %(programme)s, cohort %(cohort)s. If you accept, its facilitators can edit your"
        " profile, see your full NIK and phone number, your documents and activity log, answer"
        " data-room requests and confirm event attendance for you. Accept or decline it in your"
        " settings."
    ),
    "programme_accepted": _l("%(enterprise)s accepted the invitation to %(cohort)s."),
    "programme_declined": _l("%(enterprise)s declined the invitation to %(cohort)s."),
    "programme_left": _l("%(enterprise)s left %(cohort)s: you cannot act for it any more."),
    "judge_invited": _l(
        "%(organisation)s invites you to judge the pitches at %(event)s. Accept or decline it"
        " under Events: you become a judge only if you accept."
    ),
    "data_room_requested": _l(
        "%(organisation)s asks to see the data room of %(enterprise)s. Accept or decline it in"
        " the data room."
    ),
    "data_room_accepted": _l("%(enterprise)s opened its data room to %(organisation)s."),
    "data_room_declined": _l(
        "%(enterprise)s declined the request of %(organisation)s to see its data room."
    ),
    "data_room_revoked": _l("%(enterprise)s closed its data room to %(organisation)s again."),
    "organisation_verified": _l(
        "An administrator verified %(organisation)s: you can now use everything TemuModal"
        " offers your organisation."
    ),
    "event_invited": _l(
        "%(enterprise)s is invited to pitch at %(event)s. Say whether it will attend."
    ),
    "schedule_published": _l("The schedule of %(event)s is published: see your agenda."),
    "schedule_changed": _l(
        "Your agenda at %(event)s changed (version %(version)s of the schedule)."
    ),
    "feedback_sent": _l(
        "The judges' feedback on the pitch of %(enterprise)s at %(event)s is ready."
    ),
    "organisation_rejected": _l(
        "An administrator did not verify %(organisation)s. The reason: %(reason)s"
    ),
    "attendance_withdrawn": _l(
        "%(enterprise)s withdrew from %(event)s after the schedule was published: change the"
        " schedule and publish it again."
    ),
    "introduction_request": _l(
        "%(enterprise)s asks %(organisation)s for an introduction. Read the message and accept"
        " or decline it under Introductions."
    ),
    "introduction_answer": _l(
        "%(organisation)s answered the introduction request of %(enterprise)s: %(status)s."
    ),
    "saved_search_match": _l(
        "%(enterprise)s was just published and matches your saved search “%(search)s”."
    ),
    "event_cancelled": _l(
        "%(event)s is cancelled by its organiser. Anyone who paid for a ticket gets the money"
        " back in full."
    ),
    "privacy_copy_ready": _l(
        "The copy of your data is ready. Download it under Data Saya within %(hours)s hours."
    ),
    "privacy_correction_requested": _l(
        "The owner of %(enterprise)s asks for a correction of their data. Answer it within"
        " 3 × 24 hours."
    ),
    "privacy_request_answered": _l("Your request about your data was answered: see Data Saya."),
    "privacy_draft_expiring": _l(
        "The draft profile of %(enterprise)s was never published and has not been changed for"
        " almost a year. It will be deleted on %(time)s, with its owners' accounts, unless"
        " someone edits it or its owner logs in before then."
    ),
}
# The answer of an introduction request, as the `status` of an `introduction_answer`.
INTRODUCTION_ANSWERS = {
    "accepted": _l("accepted, your enterprise is on its shortlist"),
    "declined": _l("declined"),
}
MAIL_SUBJECTS = {
    "meeting_requested": _l("TemuModal: a meeting request"),
    "meeting_accepted": _l("TemuModal: meeting accepted"),
    "meeting_declined": _l("TemuModal: meeting declined"),
    "meeting_countered": _l("TemuModal: other meeting times proposed"),
    "programme_invited": _l("TemuModal: an invitation to a programme"),
    "programme_accepted": _l("TemuModal: invitation accepted"),
    "programme_declined": _l("TemuModal: invitation declined"),
    "programme_left": _l("TemuModal: an enterprise left your programme"),
    "judge_invited": _l("TemuModal: an invitation to judge"),
    "data_room_requested": _l("TemuModal: a request to see your data room"),
    "data_room_accepted": _l("TemuModal: a data room is open to you"),
    "data_room_declined": _l("TemuModal: data-room request declined"),
    "data_room_revoked": _l("TemuModal: a data room was closed to you"),
    "organisation_verified": _l("TemuModal: your organisation is verified"),
    "organisation_rejected": _l("TemuModal: your organisation was not verified"),
    "event_invited": _l("TemuModal: an invitation to pitch"),
    "schedule_published": _l("TemuModal: the schedule is published"),
    "schedule_changed": _l("TemuModal: your agenda changed"),
    "feedback_sent": _l("TemuModal: feedback on your pitch"),
    "attendance_withdrawn": _l("TemuModal: an enterprise withdrew from your event"),
    "introduction_request": _l("TemuModal: a request for an introduction"),
    "introduction_answer": _l("TemuModal: your introduction request was answered"),
    "saved_search_match": _l("TemuModal: a new profile matches your saved search"),
    "event_cancelled": _l("TemuModal: an event is cancelled"),
    "privacy_copy_ready": _l("TemuModal: the copy of your data is ready"),
    "privacy_correction_requested": _l("TemuModal: a request to correct data"),
    "privacy_request_answered": _l("TemuModal: your request about your data was answered"),
    "privacy_draft_expiring": _l("TemuModal: an unused draft profile will be deleted"),
}
# What the settings page calls each kind, in the order it lists them.
KIND_LABELS = {
    "meeting_requested": _l("Meeting requests"),
    "meeting_accepted": _l("Meetings accepted"),
    "meeting_declined": _l("Meetings declined"),
    "meeting_countered": _l("Other meeting times proposed"),
    "data_room_requested": _l("Requests to see your data room"),
    "data_room_accepted": _l("Data rooms opened to you"),
    "data_room_declined": _l("Data-room requests declined"),
    "data_room_revoked": _l("Data rooms closed to you"),
    "programme_invited": _l("Invitations to a programme"),
    "programme_accepted": _l("Programme invitations accepted"),
    "programme_declined": _l("Programme invitations declined"),
    "programme_left": _l("Enterprises leaving your programme"),
    "organisation_verified": _l("Your organisation verified"),
    "organisation_rejected": _l("Your organisation not verified"),
    "judge_invited": _l("Invitations to judge"),
    "event_invited": _l("Invitations to pitch"),
    "schedule_published": _l("Schedules published"),
    "schedule_changed": _l("Changes to your agenda"),
    "feedback_sent": _l("Feedback on a pitch"),
    "attendance_withdrawn": _l("Enterprises withdrawing after publication"),
    "introduction_request": _l("Introduction requests to your organisation"),
    "introduction_answer": _l("Answers to your introduction requests"),
    "saved_search_match": _l("New profiles matching a saved search"),
    "event_cancelled": _l("Events cancelled"),
    "privacy_copy_ready": _l("Copies of your data ready"),
    "privacy_correction_requested": _l("Requests to correct an enterprise's data"),
    "privacy_request_answered": _l("Answers to your requests about your data"),
    "privacy_draft_expiring": _l("Unused draft profiles about to be deleted"),
}
# Who can receive each kind: the settings page shows a user only their role's kinds.
KIND_ROLES = {
    "meeting_requested": ("owner", "facilitator"),
    "meeting_accepted": ("owner", "facilitator", "investor"),
    "meeting_declined": ("owner", "facilitator", "investor"),
    "meeting_countered": ("owner", "facilitator", "investor"),
    "data_room_requested": ("owner", "facilitator"),
    "data_room_accepted": ("investor",),
    "data_room_declined": ("investor",),
    "data_room_revoked": ("investor",),
    "programme_invited": ("owner",),
    "programme_accepted": ("facilitator",),
    "programme_declined": ("facilitator",),
    "programme_left": ("facilitator",),
    "organisation_verified": ("owner", "investor", "facilitator"),
    "organisation_rejected": ("investor", "facilitator"),
    "judge_invited": ("investor",),
    "event_invited": ("owner", "facilitator"),
    "schedule_published": ("owner", "facilitator", "investor"),
    "schedule_changed": ("owner", "facilitator", "investor"),
    "feedback_sent": ("owner", "facilitator"),
    "attendance_withdrawn": ("facilitator",),
    "introduction_request": ("investor",),
    "introduction_answer": ("owner", "facilitator"),
    "saved_search_match": ("investor",),
    "event_cancelled": ("owner", "facilitator", "investor"),
    "privacy_copy_ready": ("owner", "facilitator", "investor", "admin"),
    "privacy_correction_requested": ("facilitator",),
    "privacy_request_answered": ("owner", "facilitator", "investor", "admin"),
    "privacy_draft_expiring": ("owner", "facilitator"),
}
KINDS = frozenset(NOTIFICATION_TEXTS)
# Why the mail of each kind comes (a key of mail.REASONS, said in the footer).
MAIL_REASONS = {
    "meeting": "meeting",
    "programme": "programme",
    "event": "event",
    "schedule": "event",
    "feedback": "event",
    "attendance": "event",
}
DELIVERY_LABELS = {
    "app": _l("In the app only"),
    "email": _l("Also by e-mail"),
    "digest": _l("Daily e-mail digest"),
}
