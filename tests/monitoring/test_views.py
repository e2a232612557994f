"""The monitoring pages and exports: what each role sees, the Excel read back against the
dashboard's numbers, the check-in form on bad input, and the public page's suppression."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from marketplace.monitoring import services
from marketplace.monitoring.models import CheckIn, Target
from marketplace.privacy.consent_models import ConsentRecord
from marketplace.profiles import consents
from tests.monitoring import world


@pytest.fixture
def w(make, db):
    built = world.build(make, db)
    services.set_target(
        actor=built.facilitator,
        programme=built.programme,
        indicator="enterprises_supported",
        period="2026",
        target=150,
        baseline=0,
        donor_code="ACT-1",
    )
    db.session.commit()
    return built


def _numbers(html: str, section: str) -> str:
    start = html.index(f'id="{section}"')
    return html[start : html.index("</section>", start)]


def test_the_facilitator_sees_targets_funnel_and_charts_in_both_languages(client, login, w):
    login(w.facilitator)
    page = client.get(f"/programmes/{w.programme.id}/monitoring")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<script" not in _numbers(html, "funnel")
    funnel = _numbers(html, "funnel")
    # The funnel table beneath the chart: enrolled 8, profile complete 3 …, financed 2.
    counts = re.findall(r'<td class="num">(\d+)</td><td class="num">', funnel)
    assert counts == ["8", "3", "2", "1", "1", "1", "2"]
    assert "Terdaftar" in html or "Enrolled" in html
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/programmes/{w.programme.id}/monitoring").get_data(as_text=True)
    assert "Targets against actuals" in english and "Enterprises supported" in english


def test_a_breakdown_shows_small_cells_as_fewer_than_five(client, login, w):
    login(w.facilitator)
    html = client.get(
        f"/programmes/{w.programme.id}/monitoring?indicator=enterprises_supported&by=cohort"
    ).get_data(as_text=True)
    table = _numbers(html, "breakdown")
    assert "&lt; 5" in table and "*" in table
    assert ">7<" not in table and ">1<" not in table


def test_the_list_behind_a_number_names_the_enterprises(client, login, w):
    login(w.facilitator)
    html = client.get(f"/programmes/{w.programme.id}/monitoring/funnel/financed").get_data(
        as_text=True
    )
    assert ">E1</a>" in html and ">E2</a>" in html and ">E3</a>" not in html


def test_the_workbook_matches_the_dashboard(client, login, w):
    login(w.facilitator)
    response = client.get(f"/programmes/{w.programme.id}/monitoring/report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    report = services.programme_report(programme=w.programme)
    sheets = book.worksheets
    indicators = sheets[0]
    rows = {row[1]: row for row in indicators.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(report.totals)
    for code, (_n, value) in report.totals.items():
        assert rows[code][-1] == value
    # 2026: baseline 0, target 150, actual 8; the donor's code beside the indicator.
    assert rows["enterprises_supported"][3] == "ACT-1"
    assert rows["enterprises_supported"][4:7] == (0, 150, 8)
    # One sheet per disaggregation, each cell as the dashboard shows it.
    cohort_sheet = sheets[9]  # Indicators, then the 9 disaggregations in registry order
    header = [c.value for c in cohort_sheet[1]]
    line = next(r for r in cohort_sheet.iter_rows(min_row=2, values_only=True) if r[1] == "layak")
    table = report.breakdown("layak", "cohort")
    for cell in table.cells:
        assert line[header.index(cell.label)] == ("–" if table.withheld else cell.shown)
    names = [s.title for s in sheets]
    assert len(names) == 1 + 9 + 2  # indicators, disaggregations, routes, dictionary


def test_no_export_or_page_shows_a_small_count(client, login, w):
    login(w.facilitator)
    body = client.get(f"/programmes/{w.programme.id}/monitoring/report.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    disaggregated = [r for r in rows if r["disaggregation"] and r["unit"] == "enterprises"]
    assert disaggregated
    for row in disaggregated:
        assert row["value"] in ("< 5", "*", "–", "0") or int(row["value"]) >= 5, row
    book = load_workbook(
        io.BytesIO(client.get(f"/programmes/{w.programme.id}/monitoring/report.xlsx").data)
    )
    for sheet in book.worksheets[1:10]:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            for value in row[2:-1]:
                assert not (isinstance(value, int) and 0 < value < 5), (sheet.title, row)


def test_the_public_page_suppresses_small_figures(client, w):
    html = client.get("/monitoring").get_data(as_text=True)
    assert "&lt; 5" in html
    # Aggregates only: no enterprise is named.
    assert not re.search(r">E\d<", html)


def test_investors_and_owners_see_only_the_public_page(client, login, w, make):
    login(make.investor())
    assert client.get(f"/programmes/{w.programme.id}/monitoring").status_code == 403
    assert client.get("/monitoring").status_code == 200
    other = make.facilitator()
    login(other)
    assert client.get(f"/programmes/{w.programme.id}/monitoring/report.xlsx").status_code == 403


def test_the_owner_checks_in_on_a_phone_with_rupiah_as_typed(client, login, make, db):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    response = client.post(
        f"/enterprises/{enterprise.id}/check-in",
        data={
            "month": "2026-01",
            "revenue": "Rp 12,5 jt",
            "employees_women": "2",
            "employees_men": "1",
            "finance_kur_mikro": "50.000.000",
        },
    )
    assert response.status_code == 302
    row = db.session.scalar(select(CheckIn).where(CheckIn.enterprise_id == enterprise.id))
    assert (row.month, row.revenue, row.employees_women) == (dt.date(2026, 1, 1), 12_500_000, 2)
    assert [(f.route, f.amount) for f in row.finance] == [("kur_mikro", 50_000_000)]
    assert row.stage  # the readiness stage of the day it was saved
    # Corrected the same month: one row, the new figures, the same route changed in place.
    response = client.post(
        f"/enterprises/{enterprise.id}/check-in",
        data={"month": "2026-01", "revenue": "13 jt", "finance_kur_mikro": "40 jt"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(CheckIn)).all()
    assert [(r.revenue, [(f.route, f.amount) for f in r.finance]) for r in rows] == [
        (13_000_000, [("kur_mikro", 40_000_000)])
    ]


def test_a_bad_check_in_keeps_what_was_typed_and_shows_every_error(client, login, make, db):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    client.post("/language", data={"locale": "en"})
    response = client.post(
        f"/enterprises/{enterprise.id}/check-in",
        data={"month": "2099-01", "revenue": "banyak", "employees_women": "-3"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="banyak"' in html
    assert "Enter a whole number from 0 to 100000." in html
    assert "Choose this month or an earlier one." in html  # every error after one submit
    assert db.session.scalar(select(CheckIn)) is None


def test_a_future_month_is_refused(client, login, make, db):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    client.post("/language", data={"locale": "en"})
    response = client.post(
        f"/enterprises/{enterprise.id}/check-in", data={"month": "2099-01", "revenue": "1 jt"}
    )
    assert response.status_code == 422
    assert "Choose this month or an earlier one." in response.get_data(as_text=True)


def test_the_owners_age_is_counted_only_with_its_own_consent_kept_in_the_history(
    client, login, make, db
):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    response = client.post(f"/enterprises/{enterprise.id}/owner-age", data={"counted": "y"})
    assert response.status_code == 422
    assert "Isi tahun lahir agar kelompok usia dapat dihitung" in response.get_data(as_text=True)
    client.post(
        f"/enterprises/{enterprise.id}/owner-age", data={"counted": "y", "birth_year": "1985"}
    )
    db.session.refresh(enterprise)
    assert (enterprise.owner_birth_year, enterprise.share_owner_age) == (1985, True)
    assert consents.may_count_in_reports(enterprise, "owner_age")
    client.post(f"/enterprises/{enterprise.id}/owner-age", data={"birth_year": "1985"})
    db.session.refresh(enterprise)
    assert (enterprise.owner_birth_year, enterprise.share_owner_age) == (1985, False)
    history = db.session.scalars(
        select(ConsentRecord.granted).where(
            ConsentRecord.enterprise_id == enterprise.id,
            ConsentRecord.purpose == "share_owner_age",
        )
    ).all()
    assert sorted(history) == [False, True]


def test_a_target_with_a_bad_period_is_refused_next_to_its_field(client, login, w, db):
    login(w.facilitator)
    client.post("/language", data={"locale": "en"})
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "layak", "period": "tahun depan", "target": "lima puluh"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write the period as a year (2026) or a quarter (2026-Q3)." in html
    assert 'value="tahun depan"' in html
    assert db.session.scalar(select(Target).where(Target.indicator == "layak")) is None


def test_the_owner_is_asked_to_report_progress_when_a_check_in_is_due(client, login, make, db):
    facilitator = make.facilitator()
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    assert "Lapor perkembangan" not in client.get("/dashboard").get_data(as_text=True)
    make.enrol(facilitator, enterprise)
    db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/enterprises/{enterprise.id}/check-in">Lapor perkembangan' in page
    client.post(
        f"/enterprises/{enterprise.id}/check-in",
        data={"month": dt.date.today().strftime("%Y-%m"), "revenue": "5 jt"},
    )
    assert db.session.scalar(select(CheckIn.id).where(CheckIn.enterprise_id == enterprise.id))
    assert "Lapor perkembangan" not in client.get("/dashboard").get_data(as_text=True)


def test_the_facilitator_reaches_the_check_in_from_the_enterprise_page(client, login, make, db):
    facilitator = make.facilitator()
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    make.enrol(facilitator, enterprise)
    login(facilitator)
    page = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert f'href="/enterprises/{enterprise.id}/check-in"' in page


def test_a_check_in_is_due_for_last_month_and_not_before_enrolment(make, db):
    facilitator = make.facilitator()
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    make.enrol(facilitator, enterprise)  # enrolled 5 Jan 2026
    assert services.check_in_due(enterprise, today=dt.date(2026, 1, 20))
    db.session.add(CheckIn(enterprise_id=enterprise.id, month=dt.date(2026, 1, 1)))
    db.session.flush()
    assert not services.check_in_due(enterprise, today=dt.date(2026, 2, 3))  # January's is in
    assert services.check_in_due(enterprise, today=dt.date(2026, 3, 3))  # February's is not


def test_the_birth_year_input_offers_exactly_the_years_the_service_accepts(client, login, make, db):
    import datetime as dt

    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    year = dt.date.today().year
    for birth_year in (year - 100, year - 10):
        response = client.post(
            f"/enterprises/{enterprise.id}/owner-age", data={"birth_year": str(birth_year)}
        )
        assert response.status_code == 302, birth_year
    for birth_year in (year - 101, year - 9):
        response = client.post(
            f"/enterprises/{enterprise.id}/owner-age", data={"birth_year": str(birth_year)}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f"dari {year - 100} sampai {year - 10}" in page
        assert f'min="{year - 100}"' in page and f'max="{year - 10}"' in page
