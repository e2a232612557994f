"""The job queue on a real Redis, with an in-process burst worker: jobs are handed over only
after the commit, run once, retry, fail visibly, and survive a Redis outage via the sweep."""

from __future__ import annotations

import pytest
from rq import Worker
from sqlalchemy import func, select

from marketplace import mail, queue, tasks
from marketplace.jobs.periodic import PERIODIC
from marketplace.jobs.sweep import sweep
from marketplace.matching.models import SearchOutbox
from marketplace.queue.models import PendingJob
from tests.queue.conftest import DEAD_URL

RAN: list[int] = []
FAIL_FOR: set[int] = set()


@tasks.job("tests.queue.record")
def _record(*, value: int) -> int:
    if value in FAIL_FOR:
        raise RuntimeError(f"value {value} is refused today")
    RAN.append(value)
    return value


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    FAIL_FOR.clear()
    yield
    FAIL_FOR.clear()


def pending(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PendingJob))


def test_a_job_is_handed_over_only_after_commit_and_runs_once_on_the_worker(app, db, work):
    tasks.enqueue("tests.queue.record", value=1)
    db.session.rollback()
    tasks.enqueue("tests.queue.record", value=2)
    tasks.enqueue("tests.queue.record", value=2)  # the same job twice in one transaction
    assert queue.queue().count == 0
    db.session.commit()

    assert RAN == []  # not inline: waiting on the queue
    assert queue.queue().count == 1
    assert pending(db) == 1
    work()
    assert RAN == [2]
    assert pending(db) == 0
    work()
    assert RAN == [2]


def test_a_change_made_while_redis_is_down_is_neither_lost_nor_done_twice(
    app, redis_url, db, make, work
):
    enterprise = make.enterprise(published=True)
    db.session.commit()
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()

    app.config["REDIS_URL"] = DEAD_URL
    mail.send("sari@example.id", "Jadwal", "Halo", kind="account", locale="id")
    tasks.enqueue("tests.queue.record", value=7)
    tasks.enqueue("search.sync_enterprise", enterprise_id=enterprise.id)
    db.session.commit()  # the hand-over fails: logged, the request goes on
    with pytest.raises(queue.QueueUnavailable):
        sweep(grace_s=0)

    app.config["REDIS_URL"] = redis_url
    first = sweep(grace_s=0)
    again = sweep(grace_s=0)  # a second sweep, or one racing the first, queues nothing more
    assert first == {"jobs": 3, "mails": 1, "search": 1, "failed": 0, "stalled": 0}
    assert again == {"jobs": 0, "mails": 0, "search": 0, "failed": 0, "stalled": 0}
    work()

    assert RAN == [7]
    assert [m.to for m in mail.outbox] == ["sari@example.id"]
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    from marketplace.matching import search

    assert enterprise.id in search.indexed_ids()
    assert pending(db) == 0
    assert sweep(grace_s=0) == {"jobs": 0, "mails": 0, "search": 0, "failed": 0, "stalled": 0}
    work()
    assert RAN == [7] and len(mail.outbox) == 1


def test_the_sweep_leaves_young_jobs_to_the_commit_hook(app, redis_url, db):
    app.config["REDIS_URL"] = DEAD_URL
    tasks.enqueue("tests.queue.record", value=3)
    db.session.commit()
    app.config["REDIS_URL"] = redis_url
    assert sweep(grace_s=3600)["jobs"] == 0
    assert sweep(grace_s=0)["jobs"] == 1


def test_a_failing_job_is_retried_then_listed_for_admins_who_retry_it(
    app, db, make, client, login, work
):
    FAIL_FOR.add(5)
    tasks.enqueue("tests.queue.record", value=5)
    db.session.commit()
    work()

    [failed] = queue.failed_jobs()
    assert failed.name == "tests.queue.record"
    assert failed.kwargs == {"value": 5}
    assert failed.attempts == 3  # the first try and two retries
    assert "value 5 is refused today" in failed.error
    assert failed.failed_at is not None
    assert pending(db) == 1  # kept: the work is not done
    assert sweep(grace_s=0)["failed"] == 1  # and the sweep leaves it to the admin

    admin = make.admin()
    db.session.commit()
    login(admin)
    page = client.get("/admin/jobs?lang=en")
    assert page.status_code == 200
    assert b"tests.queue.record" in page.data and b"value 5 is refused today" in page.data
    assert b" WIB</dd>" in page.data  # the failure time in WIB, the zone named

    FAIL_FOR.clear()  # the cause is fixed
    response = client.post(f"/admin/jobs/{failed.id}/retry")
    assert response.status_code == 302
    assert queue.failed_jobs() == []
    work()
    assert RAN == [5]
    assert pending(db) == 0


def test_an_admin_deletes_a_failed_job_for_good(app, db, make, client, login, work):
    FAIL_FOR.add(6)
    tasks.enqueue("tests.queue.record", value=6)
    db.session.commit()
    work()
    [failed] = queue.failed_jobs()
    admin = make.admin()
    db.session.commit()
    login(admin)

    page = client.get("/admin/jobs").get_data(as_text=True)
    assert f'action="/admin/jobs/{failed.id}/delete"' in page and 'name="confirm"' in page
    # Without the ticked box nothing is deleted (the confirmation works without JavaScript).
    assert client.post(f"/admin/jobs/{failed.id}/delete").status_code == 302
    assert [job.id for job in queue.failed_jobs()] == [failed.id]

    confirm = {"confirm": "y"}
    assert client.post(f"/admin/jobs/{failed.id}/delete", data=confirm).status_code == 302
    assert queue.failed_jobs() == []
    assert pending(db) == 0
    assert sweep(grace_s=0)["jobs"] == 0  # nothing comes back
    assert client.post(f"/admin/jobs/{failed.id}/delete", data=confirm).status_code == 404


def test_the_failed_jobs_page_fits_a_phone_in_indonesian(app, db, make, client, login, work):
    FAIL_FOR.add(8)
    tasks.enqueue("tests.queue.record", value=8)
    db.session.commit()
    work()
    login(make.admin())
    db.session.commit()
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Tugas yang gagal" in page
    assert "<table" not in page  # cards, not a wide table, on a 390 px screen
    assert 'name="viewport"' in page


def test_a_deck_that_crashes_the_renderer_is_retried_then_marked_failed(
    app, db, make, work, monkeypatch
):
    from marketplace.pitches import isolated, services
    from tests.pitches.test_deck_services import deck_pdf

    owner = make.user("owner")
    enterprise = make.enterprise(organisation=owner.organisation, published=True)
    db.session.commit()
    calls = []

    def crash(files, *, limits):
        calls.append(1)
        raise RuntimeError("PDFium crashed")

    monkeypatch.setattr(isolated, "process_deck_upload", crash)
    version = services.upload_deck(
        actor=owner, enterprise=enterprise, files=[("Deck.pdf", deck_pdf())]
    )
    db.session.commit()
    assert version.state == "processing"
    work()

    db.session.refresh(version)
    assert len(calls) == 3  # tried, then retried twice
    assert version.state == "failed"
    assert version.error_code == "processing_error"
    assert "gangguan di pihak kami" in services.failure_message(version)  # Indonesian first
    [failed] = queue.failed_jobs()
    assert failed.name == "pitches.process_deck"


def test_healthz_reports_redis_and_whether_a_worker_was_seen(app, client):
    body = client.get("/healthz").get_json()
    assert body["checks"]["redis"] == "ok"
    assert body["worker"] == {"seen": False, "last_heartbeat_s": None}

    worker = Worker([queue.queue()], connection=queue.connection())
    worker.register_birth()
    worker.heartbeat()
    try:
        body = client.get("/healthz").get_json()
        assert body["worker"]["seen"] is True
    finally:
        worker.register_death()

    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["redis"]


def test_the_scheduler_enqueues_the_periodic_sweep_which_a_worker_runs(app, redis_url, db, work):
    app.config["REDIS_URL"] = DEAD_URL
    tasks.enqueue("tests.queue.record", value=9)
    db.session.commit()
    app.config["REDIS_URL"] = redis_url
    app.config["TASKS_SWEEP_GRACE_S"] = 0

    scheduler = queue.cron_scheduler(PERIODIC)
    enqueued = {job.name for job in scheduler.enqueue_jobs()}
    assert "jobs.sweep" in enqueued  # due at once; the daily ones wait for their hour
    assert "search.reindex" not in enqueued
    work()  # runs the sweep, which queues the lost job, which the same burst then runs
    assert RAN == [9]


def test_flask_jobs_sweep_says_what_it_queued(app, redis_url, db, runner):
    app.config["REDIS_URL"] = DEAD_URL
    tasks.enqueue("tests.queue.record", value=4)
    db.session.commit()
    result = runner.invoke(args=["jobs", "sweep", "--grace", "0"])
    assert result.exit_code != 0 and "nothing was lost" in result.output
    app.config["REDIS_URL"] = redis_url
    result = runner.invoke(args=["jobs", "sweep", "--grace", "0"])
    assert result.exit_code == 0, result.output
    assert "jobs 1," in result.output


def test_a_deck_whose_worker_was_killed_is_marked_failed_by_the_sweep(app, db, make):
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    from marketplace.pitches import services
    from tests.pitches.test_deck_services import deck_pdf

    owner = make.user("owner")
    enterprise = make.enterprise(organisation=owner.organisation, published=True)
    db.session.commit()
    version = services.upload_deck(
        actor=owner, enterprise=enterprise, files=[("Deck.pdf", deck_pdf())]
    )
    db.session.commit()
    record = db.session.scalars(select(PendingJob)).one()
    # What RQ does when a job's process dies on its last attempt: no code of ours runs.
    q = queue.queue()
    job = Job.fetch(queue.job_id("job", record.id), connection=q.connection)
    q.remove(job)
    job.set_status("failed")
    FailedJobRegistry(queue=q).add(job, exc_string="Work-horse terminated unexpectedly")

    assert sweep(grace_s=0)["failed"] == 1
    db.session.refresh(version)
    assert version.state == "failed" and version.error_code == "processing_error"
    assert [j.name for j in queue.failed_jobs()] == ["pitches.process_deck"]
