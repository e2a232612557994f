"""The index always equals the published profiles: after publish, edit, unpublish, delete and
reindex, through the outbox, with one indexer at a time. Runs on Whoosh, and also on the
PostgreSQL backend when the suite runs on PostgreSQL."""

from __future__ import annotations

import logging
import threading

import pytest
import sqlalchemy as sa

from marketplace import tasks
from marketplace.extensions import db
from marketplace.matching import search
from marketplace.matching.models import SearchOutbox
from marketplace.matching.search import indexing
from marketplace.profiles import enterprises as profile_services
from tests.conftest import PG_URL
from tests.matching.helpers import PUBLISHABLE, ids_for, prepare_backend, published, published_ids

BACKENDS = ["whoosh"] + (["postgres"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def app_config(request):
    return {"SEARCH_BACKEND": request.param}


@pytest.fixture(autouse=True)
def _backend(app):
    prepare_backend(app)


def outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def test_indexed_ids_equal_published_ids_after_publish_edit_unpublish_delete_and_reindex(make):
    owner_a, a = published(make, name="Keripik Bu Sri")
    owner_b, b = published(make, name="Batik Pak Joko", sector="fashion", products="Batik tulis")
    assert search.indexed_ids() == published_ids() == {a.id, b.id}

    profile_services.update_profile(actor=owner_a, enterprise=a, data={"products": "Sambal pedas"})
    db.session.commit()
    assert ids_for("sambal") == [a.id]
    assert ids_for("keripik tempe") == []
    assert search.indexed_ids() == published_ids()

    profile_services.unpublish_profile(actor=owner_b, enterprise=b)
    db.session.commit()
    assert search.indexed_ids() == published_ids() == {a.id}

    db.session.delete(a)
    db.session.commit()
    assert search.indexed_ids() == published_ids() == set()

    _, c = published(make, name="Warung Bu Tini", sector="retail")
    search.remove_documents([c.id])  # a lost update, as after a crash
    assert search.indexed_ids() != published_ids()
    assert indexing.reindex() == 1
    assert search.indexed_ids() == published_ids() == {c.id}
    assert outbox_count() == 0


def test_the_outbox_row_is_committed_with_the_change_and_survives_until_an_indexer_runs(app, make):
    app.config["SEARCH_INDEXER"] = "worker"
    _, enterprise = published(make)
    # The change is committed, its outbox row with it; the index waits for the worker.
    assert outbox_count() == 1
    assert search.indexed_ids() == set()
    assert indexing.apply_outbox() == 1
    assert search.indexed_ids() == {enterprise.id}
    assert outbox_count() == 0


def test_a_rolled_back_change_leaves_no_outbox_row(make):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    db.session.commit()
    profile_services.update_profile(actor=owner, enterprise=enterprise, data={"name": "Baru"})
    db.session.rollback()
    assert outbox_count() == 0


def test_collected_jobs_still_leave_the_index_change_in_the_outbox(app, make):
    app.config["TASKS_MODE"] = "collect"
    try:
        _, enterprise = published(make)
        assert outbox_count() == 1 and search.indexed_ids() == set()
        tasks.run_collected()
    finally:
        tasks.clear_collected()
    assert search.indexed_ids() == {enterprise.id}


def test_two_indexers_at_once_lose_no_update(app, make):
    app.config["SEARCH_INDEXER"] = "worker"
    enterprises = [published(make, name=f"Usaha {n}")[1] for n in range(40)]
    assert outbox_count() == 40
    errors: list[BaseException] = []

    def indexer() -> None:
        with app.app_context():
            try:
                indexing.apply_outbox(batch_size=5)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=indexer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert search.indexed_ids() == {e.id for e in enterprises}
    assert outbox_count() == 0


def test_an_indexer_that_cannot_get_the_lock_leaves_the_rows_for_the_holder(app, make):
    app.config["SEARCH_INDEXER"] = "worker"
    published(make)
    with indexing.indexer_lock(wait=0) as got:
        assert got
        assert indexing.apply_outbox(wait=0.1) == 0
    assert outbox_count() == 1
    assert indexing.apply_outbox() == 1


def test_flask_search_reindex_rebuilds_and_reports_progress(app, make, runner):
    published(make)
    published(make, name="Kopi Gayo")
    search.remove_documents(list(published_ids()))

    security_log = logging.getLogger("temumodal.security")
    level_before = security_log.level

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 2 published profile(s)." in result.output
    assert search.indexed_ids() == published_ids()
    # The bar is kept readable by quieting the audit log during the command only: a worker or
    # shell that runs it goes on logging audit lines afterwards.
    assert security_log.level == level_before


def test_flask_search_apply_outbox_applies_what_a_worker_must(app, make, runner):
    app.config["SEARCH_INDEXER"] = "worker"
    _, enterprise = published(make)

    result = runner.invoke(args=["search", "apply-outbox"])

    assert result.exit_code == 0, result.output
    assert "Applied 1 index change(s); 0 pending." in result.output
    assert search.indexed_ids() == {enterprise.id}
    status = runner.invoke(args=["search", "status"])
    assert "missing: 0  extra: 0" in status.output


def test_profiles_changed_in_one_commit_reach_the_index_in_one_batch(make, monkeypatch):
    # A facilitator's bulk change (or the demo seed) queues one job per profile: the first
    # applies every outbox row at once, and the others find nothing left to put back.
    owners, enterprises = [], []
    for name in ("Keripik Bu Sri", "Batik Pak Joko", "Sambal Bu Rini", "Kopi Gayo"):
        owner = make.owner()
        enterprise = make.enterprise_of(owner)
        for field, value in {**PUBLISHABLE, "name": name}.items():
            setattr(enterprise, field, value)
        owners.append(owner)
        enterprises.append(enterprise)
    db.session.flush()
    batches = []
    real_index = search.index_documents
    monkeypatch.setattr(
        search, "index_documents", lambda docs: (batches.append(len(docs)), real_index(docs))
    )

    for owner, enterprise in zip(owners, enterprises, strict=True):
        profile_services.publish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()

    assert batches == [4]
    assert outbox_count() == 0
    assert search.indexed_ids() == published_ids() == {e.id for e in enterprises}
