"""A schedule build on the queue: the request only queues it (no thread in the web process), a
worker builds it, and the progress page reads the run's state from the database."""

from __future__ import annotations

import threading

from marketplace.events import schedules


def test_a_schedule_build_is_a_queued_job_that_a_worker_runs(
    app,
    db,
    login,
    client,
    open_event,
    work,
):
    app.config["EVENTS_BUILD_IN_THREAD"] = True  # the queue wins: no thread even so
    app.config["EVENT_SCHEDULE_TIME_LIMIT_S"] = 5.0
    threads_before = threading.active_count()
    login(open_event.facilitator)

    response = client.post(f"/events/{open_event.event.id}/schedule/build")
    assert response.status_code == 302 and "/schedule/runs/" in response.headers["Location"]
    assert threading.active_count() == threads_before
    db.session.expire_all()
    assert schedules.latest_run(open_event.event).status == "queued"
    waiting = client.get(response.headers["Location"])
    assert waiting.status_code == 200 and "Refresh" in waiting.headers

    work()
    db.session.expire_all()
    assert schedules.latest_run(open_event.event).status == "done"
    done = client.get(response.headers["Location"])
    assert done.status_code == 200 and "Refresh" not in done.headers
