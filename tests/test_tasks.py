"""The run-after-commit seam: jobs run after the real commit, never after a SAVEPOINT, and the
app factory registers every job the application enqueues."""

import json
import re
import subprocess
import sys
from pathlib import Path

from marketplace import storage, tasks

RAN: list[int] = []


@tasks.job("tests.record")
def _record(*, value: int) -> None:
    RAN.append(value)


def test_a_job_runs_after_commit_and_not_after_rollback(db):
    RAN.clear()
    tasks.enqueue("tests.record", value=1)
    db.session.rollback()
    tasks.enqueue("tests.record", value=2)
    assert RAN == []
    db.session.commit()
    assert RAN == [2]


def test_a_savepoint_neither_runs_nor_drops_the_outer_transactions_jobs(db):
    RAN.clear()
    tasks.enqueue("tests.record", value=1)
    with db.session.begin_nested():
        tasks.enqueue("tests.record", value=2)
    assert RAN == []  # released SAVEPOINT: nothing committed yet
    try:
        with db.session.begin_nested():
            raise ValueError("inner failure")
    except ValueError:
        pass
    db.session.commit()
    assert RAN == [1, 2]


def test_files_are_final_only_after_the_outer_commit(db):
    with db.session.begin_nested():
        key = storage.save(b"%PDF-1.4", suffix=".pdf", session=db.session())
    try:
        storage.open_path(key)
        raise AssertionError("final before the outer commit")
    except FileNotFoundError:
        pass
    db.session.commit()
    assert storage.read(key) == b"%PDF-1.4"


# --- where jobs are registered ----------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


def _enqueued_job_names() -> set[str]:
    """Every job name the application enqueues: literals and *_JOB constants in its source."""
    names = set()
    for path in (ROOT / "marketplace").rglob("*.py"):
        if path.name == "tasks.py":
            continue  # the seam itself (its docstring shows enqueue("name", ...))
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"enqueue(?:_on)?\((?:session, )?\s*\"([\w.]+)\"", source))
        names |= set(re.findall(r"^\w+_JOB = \"([\w.]+)\"", source, flags=re.MULTILINE))
    return names


def test_the_app_factory_registers_every_job_without_importing_any_view(tmp_path):
    # A fresh interpreter, so that no test module has imported a job module already; the
    # blueprints (and with them every view) are left out, as in a worker or a CLI command.
    probe = (
        "import json, sys\n"
        "import marketplace\n"
        "marketplace._register_blueprints = lambda app: None\n"
        f"marketplace.create_app({{'ENV_NAME': 'testing', "
        f"'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'db.sqlite'}', "
        f"'UPLOAD_FOLDER': '{tmp_path / 'uploads'}', "
        f"'SEARCH_INDEX_DIR': '{tmp_path / 'index'}'}})\n"
        "from marketplace import tasks\n"
        "views = sorted(m for m in sys.modules if m.endswith('.views'))\n"
        "print(json.dumps({'jobs': sorted(tasks.job_names()), 'views': views}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["views"] == []
    expected = _enqueued_job_names()
    assert {"events.build_schedule", "search.sync_enterprise", "pitches.process_deck"} <= expected
    assert expected <= set(found["jobs"])
    # Enqueued by nobody now, but registered: the daily digest (run by the scheduler or cron),
    # and the events' mail job, for jobs queued before notifications carried those mails.
    assert {"notifications.digest", "events.mail"} <= set(found["jobs"])


def test_collected_jobs_are_handed_out_as_a_copy_and_cleared_explicitly(app, db):
    app.config["TASKS_MODE"] = "collect"
    tasks.clear_collected()
    tasks.enqueue("tests.record", value=3)
    db.session.commit()
    seen = tasks.collected()
    seen.clear()
    assert tasks.collected() == [("tests.record", {"value": 3})]
    tasks.clear_collected()
    assert tasks.collected() == []


def test_without_a_queue_the_sweep_delivers_and_indexes_what_a_crash_left(app, db, runner):
    from marketplace import mail
    from marketplace.matching.models import SearchOutbox
    from marketplace.queue.models import PendingJob

    assert app.config["TASKS_MODE"] == "inline" and not app.config["REDIS_URL"]
    app.config["TASKS_MODE"] = "collect"  # the process "dies" after the commit
    mail.outbox.clear()
    mail.send("sari@example.id", "Halo", "Isi", kind="account", locale="id")
    db.session.add(SearchOutbox(enterprise_id=12345, op="remove"))
    db.session.commit()
    tasks.clear_collected()
    app.config["TASKS_MODE"] = "inline"

    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert "mails 1, search 1" in result.output
    assert [m.to for m in mail.outbox] == ["sari@example.id"]
    assert db.session.query(SearchOutbox).count() == 0
    assert db.session.query(PendingJob).count() == 0  # inline mode records nothing
    assert "mails 0, search 0" in runner.invoke(args=["jobs", "sweep"]).output


def test_worker_and_scheduler_explain_that_they_need_a_redis_url(runner):
    for command in (["worker"], ["scheduler"], ["jobs", "failed"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0
        assert "FLASK_REDIS_URL" in result.output
