"""Reports kept in memory (`monitoring.cache`): a kept report shows exactly what a report
computed afresh shows, and every committed write to what reports read (check-ins, targets,
finance, consent withdrawal, bulk statements) makes the next report see it at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest
from sqlalchemy import event, insert, update

from marketplace.monitoring import cache, check_ins, reports, suppression, targets
from marketplace.monitoring import indicators as ind
from marketplace.monitoring.models import CheckIn, DataVersion
from marketplace.profiles import consents, enterprises
from marketplace.profiles.models import Enterprise
from tests.monitoring import world


def figures(report) -> dict:
    """Every number and mark a dashboard, export or public page can show of `report`."""
    tables = {
        (code, by): dataclasses.astuple(report.breakdown(code, by))
        for code, spec in ind.INDICATORS.items()
        for by in spec.disaggregations
    }
    return {
        "totals": report.totals,
        "targets": [dataclasses.astuple(t) for t in report.targets],
        "funnel": [dataclasses.astuple(s) for s in report.funnel],
        "routes": dataclasses.astuple(report.routes),
        "tables": tables,
        "cohorts": report.cohorts,
    }


def fresh(app, programme, today=world.TODAY) -> dict:
    size = app.config["MONITORING_REPORT_CACHE"]
    app.config["MONITORING_REPORT_CACHE"] = 0
    try:
        return figures(reports.programme_report(programme=programme, today=today))
    finally:
        app.config["MONITORING_REPORT_CACHE"] = size


@pytest.fixture
def w(make, db):
    built = world.build(make, db)
    targets.set_target(
        actor=built.facilitator,
        programme=built.programme,
        indicator="jobs",
        period="2026-Q1",
        target=10,
    )
    db.session.commit()
    return built


def report(w):
    return reports.programme_report(programme=w.programme, today=world.TODAY)


def test_a_kept_report_is_reused_and_shows_what_a_fresh_one_shows(app, w):
    first = report(w)
    again = report(w)
    assert again.rows is first.rows  # kept: not computed again
    assert figures(again) == figures(first) == fresh(app, w.programme)


def test_a_withdrawn_reports_consent_drops_the_enterprise_at_once(app, db, w):
    assert report(w).totals["enterprises_supported"][1] == 8
    enterprises.set_consent(
        actor=w.facilitator, enterprise=w.ents["E2"], purpose=consents.REPORTS, granted=False
    )
    db.session.commit()
    after = report(w)
    assert after.totals["enterprises_supported"][1] == 7
    assert w.ents["E2"].id not in {r.id for r in after.rows}
    assert after.totals["financed"][1] == 1  # E2's investment went with it
    assert figures(after) == fresh(app, w.programme)


def test_a_withdrawn_attribute_consent_is_applied_at_once(app, db, w):
    assert report(w).totals["women_led"][1] == 3
    enterprises.set_consent(
        actor=w.facilitator, enterprise=w.ents["E3"], purpose="share_women_led", granted=False
    )
    db.session.commit()
    assert report(w).totals["women_led"][1] == 2


def test_a_check_in_with_finance_is_counted_at_once(app, db, w):
    before = report(w)
    assert before.totals["jobs"][1] == 5
    check_ins.record_check_in(
        actor=w.facilitator,
        enterprise=w.ents["E3"],
        month=dt.date(2026, 6, 1),
        revenue=4_000_000,
        employees_women=2,
        employees_men=2,
        finance={"umi": 10_000_000},
        today=world.TODAY,
    )
    db.session.commit()
    after = report(w)
    assert after.totals["jobs"][1] == 9
    assert after.totals["finance_mobilised"][1] == before.totals["finance_mobilised"][1] + 10**7
    assert figures(after) == fresh(app, w.programme)


def test_a_changed_target_is_shown_at_once(db, w):
    assert [t.target for t in report(w).targets if t.indicator == "jobs"] == [10]
    targets.set_target(
        actor=w.facilitator, programme=w.programme, indicator="jobs", period="2026-Q1", target=12
    )
    db.session.commit()
    assert [t.target for t in report(w).targets if t.indicator == "jobs"] == [12]


def test_a_bulk_statement_replaces_the_version(db, w):
    report(w)
    token = db.session.get(DataVersion, 1).token
    db.session.execute(update(CheckIn).values(employees_women=CheckIn.employees_women + 1))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(DataVersion, 1).token != token
    # Latest check-ins: E1 2 → 3 women, E2 0 → 1.
    assert report(w).totals["jobs_women"][1] == 4


def test_uncommitted_writes_are_seen_by_their_own_session_and_kept_nowhere(app, db, w):
    kept = report(w)
    db.session.execute(
        insert(CheckIn),
        [
            {
                "enterprise_id": w.ents["E4"].id,
                "month": dt.date(2026, 6, 1),
                "employees_women": 3,
                "employees_men": 0,
            }
        ],
    )
    assert cache.current_token() is None
    assert report(w).totals["jobs"][1] == kept.totals["jobs"][1] + 3
    db.session.rollback()
    assert report(w).rows is kept.rows  # the rollback changed nothing: the kept one again


def test_unflushed_changes_bypass_the_cache(db, w):
    kept = report(w)
    w.ents["E3"].share_in_reports = False  # not flushed yet
    assert cache.current_token() is None
    assert report(w).rows is not kept.rows
    db.session.rollback()


def test_another_day_and_another_language_are_kept_apart(client, login, w):
    login(w.facilitator)
    url = f"/programmes/{w.programme.id}/monitoring?indicator=enterprises_supported&by=women_led"
    client.post("/language", data={"locale": "id"})
    first = client.get(url).get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    english = client.get(url).get_data(as_text=True)
    client.post("/language", data={"locale": "id"})
    again = client.get(url).get_data(as_text=True)
    breakdown = re.compile(r'id="breakdown".*?</section>', re.DOTALL)
    assert "Tidak" in breakdown.search(first).group()
    assert "Tidak" not in breakdown.search(english).group()
    assert "No" in breakdown.search(english).group()
    assert breakdown.search(again).group() == breakdown.search(first).group()
    kept = report(w)
    later = reports.programme_report(programme=w.programme, today=dt.date(2027, 7, 1))
    assert later.rows is not kept.rows


def test_a_report_reads_only_tables_whose_writes_replace_the_version(app, db, w):
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        fresh(app, w.programme)
        reports.programme_report(programme=None, today=world.TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    names = set(db.metadata.tables) - {DataVersion.__tablename__}
    read = {
        word
        for statement in statements
        for word in re.findall(r"\b(?:FROM|JOIN)\s+\"?(\w+)", statement, re.IGNORECASE)
        if word in names
    }
    assert "monitoring_check_ins" in read
    assert read <= cache.watched_tables()
    # A table whose rows' deletion cascades into a read table is watched as well.
    assert "organisations" in cache.watched_tables()


def reference_breakdown(report, code: str, by: str) -> tuple:
    """The breakdown as it was computed before the C-level grouping: a loop over the counted
    rows, key_of per row; suppressed with the same rule."""
    chosen, values = ind.INDICATORS[code].counted(report.rows)
    groups: dict = {}
    for row, value in zip(chosen, values, strict=True):
        group = groups.setdefault(ind.key_of(row, by), [0, 0])
        group[0] += 1
        group[1] += value
    pattern = suppression.suppress({key: n for key, (n, _v) in groups.items()})
    cells = sorted((key, n, value, pattern.mark(key)) for key, (n, value) in groups.items())
    return cells, sum(values), pattern.withheld


def _bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "monitoring.py"
    spec = importlib.util.spec_from_file_location("bench_monitoring", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_on_a_seeded_world_the_kept_report_equals_a_fresh_one_after_writes(app, db):
    """The bench's generator (seeded), small: every figure, kept or fresh, before and after a
    consent withdrawal and a check-in."""
    from marketplace.programmes.models import Programme

    programme_id, _user = _bench().build_world(300, 6, seed=3)
    programme = db.session.get(Programme, programme_id)
    today = dt.date.today()
    kept = figures(reports.programme_report(programme=programme, today=today))
    assert kept == fresh(app, programme, today)
    report = reports.programme_report(programme=programme, today=today)
    for code, spec in ind.INDICATORS.items():
        for by in spec.disaggregations:
            table = report.breakdown(code, by)
            cells = sorted((c.key, c.n, c.value, c.mark) for c in table.cells)
            assert (cells, table.total, table.withheld) == reference_breakdown(report, code, by)
    db.session.execute(
        update(Enterprise).where(Enterprise.id == 1001).values(share_in_reports=False)
    )
    db.session.commit()
    after = figures(reports.programme_report(programme=programme, today=today))
    assert after["totals"]["enterprises_supported"][1] == kept["totals"]["enterprises_supported"][
        1
    ] - (1 if kept["funnel"][0][4].count(1001) else 0)
    assert after == fresh(app, programme, today)
