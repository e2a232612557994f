"""The run-after-commit seam: jobs run after the real commit, never after a SAVEPOINT."""

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
