"""Migrations build the schema from empty, and the models never drift from them."""

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from marketplace.extensions import db
from marketplace.matching.search import SearchDoc, SearchQuery
from marketplace.matching.search import postgres as search_pg


def _include_object(obj, name, type_, reflected, compare_to):
    # The same filter as migrations/env.py: tables kept outside the models.
    table = obj.table.name if type_ in ("index", "column", "unique_constraint") else name
    return table not in {"search_documents", "search_texts"}


def _empty_database():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_from_empty_creates_every_table_and_models_match(app):
    _empty_database()
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include_object}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.postgres
def test_0012_moves_the_search_texts_aside_and_keeps_every_result(app):
    # A database whose search_documents still has the 0003 layout (raw texts and term columns
    # in the rows, a generated tsvector): after the upgrade a query answers as on the same
    # profiles indexed afresh, and the rows hold no text.
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the postgres search backend's tables exist only on PostgreSQL")
    _empty_database()
    upgrade(revision="0011_pending_jobs")
    migration = _migration("0012_search_texts")
    with db.engine.begin() as conn:
        search_pg.drop_pg_schema(conn)
        conn.execute(text(migration._OLD_TABLE))
        for doc in DOCS:
            row = search_pg._row(doc)
            columns = [c for c in row if c != "search_vector"]
            conn.execute(
                text(
                    f"INSERT INTO search_documents ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES ({', '.join(':' + c for c in columns)})"
                ),
                row,
            )
    upgrade()
    backend = search_pg.PostgresBackend(db.engine)
    query = SearchQuery(text="keripik", with_facets=True)
    migrated = backend.search(query)
    assert migrated.total == 2 and migrated.snippets
    backend.rebuild(DOCS)  # the same profiles indexed afresh by the new layout's code
    fresh = backend.search(query)
    assert (migrated.ids, migrated.facets, migrated.snippets) == (
        fresh.ids,
        fresh.facets,
        fresh.snippets,
    )
    columns = {c["name"] for c in inspect(db.engine).get_columns("search_documents")}
    assert not columns & {"name", "description", "deck_text", "body_terms"}
    backend.remove_documents([DOCS[0].id])
    with db.engine.connect() as conn:
        texts = conn.execute(text("SELECT id FROM search_texts ORDER BY id")).scalars().all()
    assert texts == [doc.id for doc in DOCS[1:]]


def _migration(name: str):
    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DOCS = [
    SearchDoc(
        id=number,
        name=name,
        products=products,
        description=description,
        sector="food",
        province_code="32",
        regency_code="32.01",
        size_class="mikro",
        stage="layak",
        instruments=["kur"],
        ask_amount=25_000_000,
        documents=["nib"],
        published_at=dt.datetime(2026, 1, number, tzinfo=dt.UTC),
    )
    for number, name, products, description in (
        (1, "Keripik Tempe Bu Sri", "keripik tempe", "Kami menjual keripik tempe renyah."),
        (2, "Sambal Bu Ani", "sambal bawang", "Keripik dan sambal untuk oleh-oleh."),
        (3, "Batik Lasem", "batik tulis", "Batik tulis khas Lasem."),
    )
]


def test_0015_turns_an_old_ticket_price_into_a_ticket_type_and_drops_it(app, make):
    # An event priced the old way (pitch_events.ticket_price, a registration 'pending'
    # payment): after the upgrade it sells one ticket type of that price with all its seats,
    # the free register button refuses it, and the old registration is kept as it was.
    from flask_migrate import downgrade

    from marketplace.errors import Conflict
    from marketplace.events import registrations
    from marketplace.events import services as event_services
    from marketplace.events.models import EventRegistration, PitchEvent
    from marketplace.payments import tickets
    from tests.events.conftest import event_data

    _empty_database()
    upgrade()
    facilitator, early, late = make.facilitator(), make.investor(), make.investor()
    priced = event_services.save_event(actor=facilitator, data=event_data(capacity=12))
    free = event_services.save_event(actor=facilitator, data=event_data(title="Gratis"))
    registrations.register_investor(actor=early, event=priced)
    ids = (priced.id, free.id, early.id)
    db.session.commit()
    db.session.remove()
    downgrade(revision="0014_ticket_orders")
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE pitch_events SET ticket_price = 150000 WHERE id = :id"), {"id": ids[0]}
        )
        conn.execute(text("UPDATE event_registrations SET payment_state = 'pending'"))

    upgrade()

    assert "ticket_price" not in {c["name"] for c in inspect(db.engine).get_columns("pitch_events")}
    priced, free = db.session.get(PitchEvent, ids[0]), db.session.get(PitchEvent, ids[1])
    [ticket] = tickets.ticket_types(priced)
    assert (ticket.name, ticket.price, ticket.capacity) == ("Kursi investor", 150_000, 12)
    assert tickets.ticket_types(free) == []
    registration = db.session.scalar(
        select(EventRegistration).where(EventRegistration.user_id == ids[2])
    )
    assert registration.payment_state == "pending" and priced.registered_count == 1
    with pytest.raises(Conflict):
        registrations.register_investor(actor=db.session.merge(late), event=priced)


def test_0031_records_the_default_reports_consent_of_enterprises_without_a_record(app, make):
    # Existing enterprises: the one counted in reports with no record gets the default row;
    # the one with a record of its own and the one not counted (how is unknown) get none.
    from flask_migrate import downgrade

    from marketplace.privacy.consent_models import ConsentRecord

    _empty_database()
    upgrade()
    plain, recorded, withdrawn = (make.enterprise() for _ in range(3))
    withdrawn.share_in_reports = False
    db.session.add(
        ConsentRecord(enterprise_id=recorded.id, purpose="reports", granted=True, actor_id=None)
    )
    ids = (plain.id, recorded.id, withdrawn.id)
    db.session.commit()
    db.session.remove()
    downgrade(revision="0030_monitoring_public_snapshots")

    upgrade()

    rows = db.session.execute(
        select(ConsentRecord.enterprise_id, ConsentRecord.granted, ConsentRecord.basis).where(
            ConsentRecord.purpose == "reports"
        )
    ).all()
    assert sorted(rows) == [(ids[0], True, "default"), (ids[1], True, None)]


def test_0032_lets_a_check_in_leave_its_employees_not_reported_and_keeps_existing_figures(
    app, make
):
    # A month saved before the upgrade keeps its figures (a stored 0 stays 0: it cannot be told
    # from a real 0); after it, a month can store NULL. The downgrade writes 0 back.
    from flask_migrate import downgrade

    from marketplace.monitoring.models import CheckIn

    _empty_database()
    upgrade()
    enterprise = make.enterprise()
    eid = enterprise.id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0031_consent_default_records")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO monitoring_check_ins (enterprise_id, month, employees_women,"
                " employees_men, created_at, updated_at)"
                " VALUES (:eid, :month, 0, 3, :now, :now)"
            ),
            {"eid": eid, "month": dt.date(2026, 1, 1), "now": dt.datetime(2026, 2, 1)},
        )

    upgrade()

    db.session.add(CheckIn(enterprise_id=eid, month=dt.date(2026, 2, 1)))
    db.session.commit()
    figures = db.session.execute(
        select(CheckIn.month, CheckIn.employees_women, CheckIn.employees_men).order_by(
            CheckIn.month
        )
    ).all()
    assert figures == [(dt.date(2026, 1, 1), 0, 3), (dt.date(2026, 2, 1), None, None)]
    db.session.remove()
    downgrade(revision="0031_consent_default_records")
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT employees_women, employees_men FROM monitoring_check_ins ORDER BY month")
        ).all()
    assert [tuple(r) for r in rows] == [(0, 3), (0, 0)]
    upgrade()
