"""The pitching event of the access matrix's world (tests/test_access_matrix.py).

Facilitator F's organisation runs event {ev}: enterprise A (owner A, mentored by F) and the
on-behalf profile are invited and confirmed, verified investor I is registered and judges every
panel, the standard score sheet exists, and a schedule was built ({run}) and published.
"""

from __future__ import annotations

from marketplace.events import judging, schedules, services
from marketplace.events.models import ScheduleRun
from marketplace.events.scheduling import build_schedule
from tests.events.conftest import event_data


def build_event_world(db, *, facilitator, investor, enterprises) -> dict[str, int]:
    """Create the event and return the ids the policy's paths name. Flushes, never commits."""
    event = services.save_event(actor=facilitator, data=event_data(capacity=5))
    services.invite_enterprises(actor=facilitator, event=event, enterprises=enterprises)
    for invitation in event.invitations:
        services.answer_invitation(
            actor=facilitator, invitation=invitation, attending=True, available_slots=None
        )
    services.register_investor(actor=investor, event=event)
    judging.use_standard_sheet(actor=facilitator, event=event)
    judge = judging.assign_judge(actor=facilitator, event=event, email=investor.email)
    # Built here rather than through the job, so no background thread outlives the set-up.
    run = ScheduleRun(event_id=event.id, status="running", progress=0.0, unplaced=[])
    db.session.add(run)
    db.session.flush()
    result = build_schedule(schedules.build_problem(event, time_limit_s=2.0))
    schedules.store_result(event=event, run=run, result=result)
    schedules.publish(actor=facilitator, event=event)
    return {"ev": event.id, "run": run.id, "judge": judge.id}
