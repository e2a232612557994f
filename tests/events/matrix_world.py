"""The pitching event of the access matrix's world (tests/test_access_matrix.py).

Facilitator F's organisation runs event {ev}: enterprise A (owner A, mentored by F) and the
on-behalf profile are invited and confirmed, verified investor I is registered and judges every
panel (invited by e-mail, accepted), the standard score sheet exists, and a schedule was built
({run}) and published. Facilitator G is invited to judge and has not answered yet ({jinv}).
"""

from __future__ import annotations

from marketplace.events import judge_invitations, judging, registrations, schedules, services
from marketplace.events.models import ScheduleRun
from marketplace.events.scheduling import build_schedule
from tests.events.conftest import event_data


def build_event_world(db, *, facilitator, investor, invitee, enterprises) -> dict[str, int]:
    """Create the event and return the ids the policy's paths name. Flushes, never commits."""
    event = services.save_event(actor=facilitator, data=event_data(capacity=5))
    registrations.invite_enterprises(actor=facilitator, event=event, enterprises=enterprises)
    for invitation in event.invitations:
        registrations.answer_invitation(
            actor=facilitator, invitation=invitation, attending=True, available_slots=None
        )
    registrations.register_investor(actor=investor, event=event)
    judging.use_standard_sheet(actor=facilitator, event=event)
    invitation = judge_invitations.invite_judge(
        actor=facilitator, event=event, email=investor.email
    )
    judge = judge_invitations.answer_judge_invitation(
        actor=investor, invitation=invitation, accept=True
    )
    pending = judge_invitations.invite_judge(actor=facilitator, event=event, email=invitee.email)
    # Built here rather than through the job, so no background thread outlives the set-up.
    run = ScheduleRun(event_id=event.id, status="running", progress=0.0, unplaced=[])
    db.session.add(run)
    db.session.flush()
    result = build_schedule(schedules.build_problem(event, time_limit_s=2.0))
    schedules.store_result(event=event, run=run, result=result)
    schedules.publish(actor=facilitator, event=event)
    return {"ev": event.id, "run": run.id, "judge": judge.id, "jinv": pending.id}
