"""Fixtures for the search seam: the same tests run on the Whoosh and PostgreSQL backends."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from marketplace.matching import search
from marketplace.matching.search.postgres import create_pg_schema

PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_engine():
    """An engine whose search_path is a throw-away schema, dropped after the session."""
    schema = f"search_test_{uuid.uuid4().hex[:8]}"
    probe = sa.create_engine(PG_URL, connect_args={"connect_timeout": 2})
    try:
        with probe.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as error:
        probe.dispose()
        pytest.skip(f"no PostgreSQL at {PG_URL} (trust auth, user postgres, db test): {error}")
    engine = sa.create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as conn:
        create_pg_schema(conn)
    yield engine
    engine.dispose()
    with probe.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    probe.dispose()


@pytest.fixture(params=["whoosh", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path, monkeypatch):
    """The seam configured with one backend and an empty index; closed afterwards."""
    monkeypatch.setattr(search, "_default_backend", None)
    if request.param == "whoosh":
        configured = search.configure(backend="whoosh", index_dir=str(tmp_path / "index"))
    else:
        engine = request.getfixturevalue("pg_engine")
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM search_documents"))
        configured = search.configure(backend="postgres", engine=engine)
    yield request.param
    configured.close()
