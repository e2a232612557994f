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

from marketplace.monitoring import check_ins, reports, snapshots, targets
from marketplace.monitoring.models import CheckIn, Target
from marketplace.privacy.consent_models import ConsentRecord
from marketplace.profiles import consents
from tests.monitoring import world


@pytest.fixture
def w(make, db):
    built = world.build(make, db)
    targets.set_target(
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
    # More financed (2) than in a pipeline (1): the page says why a step can outgrow the last.
    assert "bisa lebih besar daripada tahap sebelumnya" in html
    # A target is typed on a phone's number keypad (with the separators "1.200" needs).
    for name in ("target", "baseline"):
        tag = re.search(rf'<input[^>]*\bid="{name}"[^>]*>', html).group()
        assert 'inputmode="decimal"' in tag
    # Each label names one control: the breakdown's indicator has an id of its own.
    assert html.count('id="indicator"') == 1 and html.count('id="breakdown-indicator"') == 1
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/programmes/{w.programme.id}/monitoring").get_data(as_text=True)
    assert "Targets against actuals" in english and "Enterprises supported" in english
    assert "a step can hold more than the one before" in english


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
    report = reports.programme_report(programme=w.programme)
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
    # The IRIS+ code beside each indicator that has one, on the first sheet and the dictionary.
    assert rows["enterprises_supported"][2] == "PI9652"
    assert rows["financed"][2] == "PI2575"
    assert not rows["layak"][2]
    dictionary = {row[0]: row[4] for row in sheets[-1].iter_rows(min_row=2, values_only=True)}
    assert dictionary["jobs"] == "PI4874" and dictionary["women_led"] == "PI5576"


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


def _public_counts(**headline):
    counts = {
        "as_of": "2026-11-30",
        "funnel": [["enrolled", 40]],
        "headline": [
            [code, *headline.get(code, (40, 40))]
            for code in ("enterprises_supported", "financed", "finance_mobilised")
        ],
        "routes": {"kur": 6, "umi": 2, "grant": 0},
        "financed": 8,
        "provinces": {"32": 30, "33": 10},
    }
    return counts


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (857_000_001, "Rp860 jt", "Rp860 million"),
        (7_000_001, "Rp10 jt", "Rp10 million"),
        (4_999_999, "< Rp10 jt", "< Rp10 million"),
    ],
)
def test_public_money_is_rounded_to_ten_million(app, value, indonesian, english):
    counts = _public_counts(finance_mobilised=(8, value))
    for locale, expected in (("id", indonesian), ("en", english)):
        with app.test_request_context(headers={"Accept-Language": locale}):
            from flask_babel import force_locale

            with force_locale(locale):
                figures = snapshots.public_figures(counts)
                shown = {code: shown for code, _v, _m, shown in figures["headline"]}
                assert shown["finance_mobilised"] == expected
    # The route beside zeros and a small one: the small one is never given away.
    routes = {c.key: c.mark for c in figures["routes"].cells}
    assert routes["umi"] == "small" and routes["kur"] != "shown"


def _headline(html: str) -> str:
    start = html.index("<h2")
    return html[start : html.index("</section>", start)]


def test_the_public_page_stands_at_the_last_month_end_and_does_not_move_live(client, w, db, runner):
    result = runner.invoke(args=["monitoring", "snapshot"])  # the daily job, or cron
    assert result.exit_code == 0 and "stored" in result.output
    assert snapshots.store_public_snapshot() is False  # once a month: the next run does nothing
    before = client.get("/monitoring").get_data(as_text=True)
    # A grant recorded today and a consent withdrawn today: the page does not change.
    row = CheckIn(
        enterprise_id=w.ents["E3"].id,
        month=dt.date.today().replace(day=1),
        employees_women=3,
        employees_men=0,
    )
    db.session.add(row)
    db.session.flush()
    from marketplace.monitoring.models import FinanceReceived

    db.session.add(FinanceReceived(check_in_id=row.id, route="grant", amount=7_000_001))
    w.ents["E1"].share_in_reports = False
    db.session.commit()
    after = client.get("/monitoring").get_data(as_text=True)
    assert _headline(after) == _headline(before)
    day = snapshots.snapshot_day()
    assert f"{day.day} " in after  # "as of" the last day of the last complete month
    # The next month's snapshot takes them in.
    next_month = (day + dt.timedelta(days=40)).replace(day=1) + dt.timedelta(days=40)
    assert snapshots.store_public_snapshot(today=next_month)
    later = snapshots.public_snapshot(today=next_month)
    earlier = snapshots.public_snapshot()
    assert later["funnel"][0][1] == earlier["funnel"][0][1] - 1  # E1 left the counts


def test_investors_and_owners_see_only_the_public_page(client, login, w, make):
    login(make.investor())
    assert client.get(f"/programmes/{w.programme.id}/monitoring").status_code == 403
    assert client.get("/monitoring").status_code == 200
    # Another organisation's facilitator is told nothing, not even that the programme exists.
    other = make.facilitator()
    login(other)
    assert client.get(f"/programmes/{w.programme.id}/monitoring/report.xlsx").status_code == 404
    assert client.get(f"/programmes/{w.programme.id}/monitoring").status_code == 404
    assert client.get("/programmes/999999/monitoring").status_code == 404


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
    assert "Enter a whole number from 0 to 100,000." in html
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


def test_an_amount_above_a_kur_routes_ceiling_is_refused_on_its_field(client, login, make, db):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    db.session.commit()
    login(owner)
    url = f"/enterprises/{enterprise.id}/check-in"
    month = f"{check_ins.default_check_in_month(enterprise):%Y-%m}"

    response = client.post(
        url, data={"month": month, "finance_kur_mikro": "200 jt", "finance_kur_kecil": "200 jt"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="finance_kur_mikro-error"' in page
    assert "paling banyak Rp100.000.000" in page
    assert 'id="finance_kur_kecil-error"' not in page  # KUR kecil lends up to Rp500 juta
    assert db.session.scalar(select(CheckIn)) is None
    response = client.post(url, data={"month": month, "finance_kur_mikro": "100 jt"})
    assert response.status_code == 302


def test_the_owners_age_is_counted_only_with_its_own_consent_kept_in_the_history(
    client, login, make, db
):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    response = client.post(f"/enterprises/{enterprise.id}/owner-age", data={"counted": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Isi tahun lahir agar kelompok usia dapat dihitung" in page
    # Two forms on one page: each button says what it saves.
    assert (
        "<button>Simpan laporan</button>" in page and "<button>Simpan usia pemilik</button>" in page
    )
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


@pytest.mark.parametrize(("locale", "message"), [("id", "lebih dari 0"), ("en", "above 0")])
def test_a_target_of_zero_is_refused_next_to_its_field(client, login, w, db, locale, message):
    # "65 / 0" would read as 0 % however much the programme reached.
    login(w.facilitator)
    client.post("/language", data={"locale": locale})
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "layak", "period": "2027", "target": "0", "baseline": "3"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'value="3"' in html
    assert db.session.scalar(select(Target).where(Target.period == "2027")) is None


@pytest.mark.parametrize("field", ["target", "baseline"])
def test_a_count_too_large_for_any_programme_is_refused_not_a_server_error(
    client, login, w, db, field
):
    login(w.facilitator)
    typed = "9" * 40
    data = {"indicator": "layak", "period": "2027", "target": "50", field: typed}
    response = client.post(f"/programmes/{w.programme.id}/monitoring/targets", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The range named is the field's own: a target starts at 1, a baseline at 0.
    least = 1 if field == "target" else 0
    assert f"Masukkan bilangan bulat dari {least} sampai 1.000.000.000" in html
    assert f'value="{typed}"' in html
    assert db.session.scalar(select(Target).where(Target.period == "2027")) is None


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
    assert check_ins.check_in_due(enterprise, today=dt.date(2026, 1, 20))
    db.session.add(CheckIn(enterprise_id=enterprise.id, month=dt.date(2026, 1, 1)))
    db.session.flush()
    assert not check_ins.check_in_due(enterprise, today=dt.date(2026, 2, 3))  # January's is in
    assert check_ins.check_in_due(enterprise, today=dt.date(2026, 3, 3))  # February's is not


def test_re_saving_a_month_keeps_what_was_not_submitted_and_shows_the_saved_figures(
    client, login, make, db
):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    url = f"/enterprises/{enterprise.id}/check-in"
    first = {
        "month": "2026-10",
        "revenue": "10 jt",
        "employees_women": "2",
        "employees_men": "1",
        "finance_umi": "5 jt",
    }
    assert client.post(url, data=first).status_code == 302
    # The month opens with its saved figures, from the link in "Earlier check-ins".
    page = client.get(url).get_data(as_text=True)
    assert f'href="{url}?month=2026-10"' in page
    html = client.get(f"{url}?month=2026-10").get_data(as_text=True)
    assert 'id="saved-month"' in html
    assert re.search(r'name="employees_women"[^>]*value="2"', html)
    assert re.search(r'name="finance_umi"[^>]*value="5\.000\.000"', html)
    # Re-saved with only the revenue: employees and the UMi amount stay.
    response = client.post(url, data={"month": "2026-10", "revenue": "12 jt"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?month=2026-10")
    db.session.expire_all()
    row = db.session.scalar(select(CheckIn).where(CheckIn.enterprise_id == enterprise.id))
    assert (row.revenue, row.employees_women, row.employees_men) == (12_000_000, 2, 1)
    assert [(f.route, f.amount) for f in row.finance] == [("umi", 5_000_000)]
    # Removing an amount is explicit: 0 written in its field.
    client.post(url, data={"month": "2026-10", "finance_umi": "0"})
    db.session.expire_all()
    row = db.session.scalar(select(CheckIn).where(CheckIn.enterprise_id == enterprise.id))
    assert row.finance == [] and row.revenue == 12_000_000


def test_employee_boxes_left_empty_stay_not_reported_and_show_empty_when_the_month_reopens(
    client, login, make, db
):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    url = f"/enterprises/{enterprise.id}/check-in"
    data = {"month": "2026-10", "revenue": "10 jt", "employees_women": "", "employees_men": ""}
    assert client.post(url, data=data).status_code == 302
    row = db.session.scalar(select(CheckIn).where(CheckIn.enterprise_id == enterprise.id))
    assert (row.employees_women, row.employees_men) == (None, None)  # not 0 / 0
    html = client.get(f"{url}?month=2026-10").get_data(as_text=True)
    for name in ("employees_women", "employees_men"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value=""', html)
    history = html[html.index("<table") :]
    assert "None" not in history and ">—</td>" in history
    # Only the women's box filled later: the men's stays not reported, and shows empty.
    client.post(url, data={"month": "2026-10", "employees_women": "2"})
    db.session.expire_all()
    row = db.session.scalar(select(CheckIn).where(CheckIn.enterprise_id == enterprise.id))
    assert (row.revenue, row.employees_women, row.employees_men) == (10_000_000, 2, None)
    html = client.get(f"{url}?month=2026-10").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="employees_women"[^>]*value="2"', html)
    assert re.search(r'<input[^>]*name="employees_men"[^>]*value=""', html)
    assert ">2 / —</td>" in html


def test_a_month_before_2000_or_before_the_founding_year_is_refused(client, login, make, db):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    login(owner)
    client.post("/language", data={"locale": "en"})
    url = f"/enterprises/{enterprise.id}/check-in"
    response = client.post(url, data={"month": "1999-12", "revenue": "1 jt"})
    assert response.status_code == 422
    assert "Choose a month in 2000 or later." in response.get_data(as_text=True)
    enterprise.founded_on = dt.date(2019, 6, 1)
    db.session.commit()
    response = client.post(url, data={"month": "2018-12", "revenue": "1 jt"})
    assert response.status_code == 422
    assert "Choose a month in 2019 or later." in response.get_data(as_text=True)
    assert db.session.scalar(select(CheckIn)) is None


@pytest.mark.parametrize("asked", ["1900-01", "2999-01"])
def test_a_month_no_check_in_may_be_for_opens_the_default_month(client, login, make, db, asked):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    db.session.commit()
    login(owner)

    page = client.get(f"/enterprises/{enterprise.id}/check-in?month={asked}").get_data(as_text=True)

    default = check_ins.default_check_in_month(enterprise)
    assert f'value="{asked}"' not in page
    assert f'value="{default:%Y-%m}"' in page


def test_the_form_opens_on_last_month_until_it_is_reported(make, db):
    facilitator = make.facilitator()
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    make.enrol(facilitator, enterprise)  # enrolled 5 Jan 2026
    today = dt.date(2026, 10, 6)
    assert check_ins.default_check_in_month(enterprise, today=today) == dt.date(2026, 9, 1)
    db.session.add(CheckIn(enterprise_id=enterprise.id, month=dt.date(2026, 9, 1)))
    db.session.flush()
    assert check_ins.default_check_in_month(enterprise, today=today) == dt.date(2026, 10, 1)


EVIL = '=HYPERLINK("http://evil","x")'


def test_a_donor_code_that_looks_like_a_formula_is_exported_as_text(client, login, w, db):
    targets.set_target(
        actor=w.facilitator,
        programme=w.programme,
        indicator="layak",
        period="2026",
        target=50,
        donor_code=EVIL,
    )
    db.session.commit()
    login(w.facilitator)
    body = client.get(f"/programmes/{w.programme.id}/monitoring/report.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    codes = {r["donor_code"] for r in rows if r["indicator"] == "layak"}
    assert codes == {"'" + EVIL}
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
    book = load_workbook(
        io.BytesIO(client.get(f"/programmes/{w.programme.id}/monitoring/report.xlsx").data)
    )
    cell = next(
        row[3] for row in book.worksheets[0].iter_rows(min_row=2) if row[1].value == "layak"
    )
    assert (cell.value, cell.data_type) == ("'" + EVIL, "s")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title


def _target(db, indicator="enterprises_supported", period="2026"):
    db.session.expire_all()
    return db.session.scalar(
        select(Target).where(Target.indicator == indicator, Target.period == period)
    )


def test_the_facilitator_corrects_and_removes_a_target(client, login, w, db):
    login(w.facilitator)
    row = _target(db)
    page = client.get(f"/programmes/{w.programme.id}/monitoring").get_data(as_text=True)
    edit = f"/programmes/{w.programme.id}/monitoring/targets/{row.id}"
    assert f'href="{edit}"' in page
    html = client.get(edit).get_data(as_text=True)
    assert re.search(r'name="target"[^>]*value="150"', html)
    assert re.search(r'name="donor_code"[^>]*value="ACT-1"', html)
    response = client.post(edit, data={"target": "1.200", "baseline": "0", "donor_code": "ACT-1"})
    assert response.status_code == 302
    assert (_target(db).target, _target(db).donor_code) == (1200, "ACT-1")
    # Removing needs the tick: without it nothing changes.
    client.post(f"{edit}/delete")
    assert _target(db) is not None
    response = client.post(f"{edit}/delete", data={"confirm": "y"})
    assert response.status_code == 302
    assert _target(db) is None


def test_re_entering_a_target_keeps_its_donor_code(client, login, w, db):
    login(w.facilitator)
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "enterprises_supported", "period": "2026", "target": "160"},
    )
    assert response.status_code == 302
    assert (_target(db).target, _target(db).donor_code) == (160, "ACT-1")


@pytest.mark.parametrize("typed", ["1.2OO", "12,5", "banyak"])
def test_a_count_target_is_read_as_a_whole_number(client, login, w, db, typed):
    login(w.facilitator)
    client.post("/language", data={"locale": "en"})
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "jobs", "period": "2026", "target": typed},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write a whole number, for example 120." in html
    assert "Enter an amount in rupiah" not in html and "Enter whole rupiah" not in html
    assert _target(db, "jobs") is None
    client.post("/language", data={"locale": "id"})
    html = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "jobs", "period": "2026", "target": typed},
    ).get_data(as_text=True)
    assert "Isi bilangan bulat, misalnya 120." in html
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "jobs", "period": "2026", "target": "1.200"},
    )
    assert response.status_code == 302
    assert _target(db, "jobs").target == 1200


def test_a_baseline_above_the_target_is_saved_with_a_warning(client, login, w, db):
    login(w.facilitator)
    client.post("/language", data={"locale": "en"})
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets",
        data={"indicator": "layak", "period": "2026", "target": "10", "baseline": "379"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "flash-warning" in html and "The baseline is larger than the target" in html
    assert (_target(db, "layak").target, _target(db, "layak").baseline) == (10, 379)


def test_only_the_programmes_facilitators_manage_its_targets(client, login, w, db, make):
    row = _target(db)
    edit = f"/programmes/{w.programme.id}/monitoring/targets/{row.id}"
    login(make.facilitator())  # of another organisation: the programme is hidden
    assert client.get(edit).status_code == 404
    assert client.post(f"{edit}/delete", data={"confirm": "y"}).status_code == 404
    assert _target(db) is not None


def test_the_snapshot_is_a_periodic_job():
    from marketplace.jobs.periodic import PERIODIC

    entry = next(p for p in PERIODIC if p.job == "monitoring.public_snapshot")
    assert entry.cron and entry.command == "flask monitoring snapshot"


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


def test_the_dashboard_and_its_exports_can_show_the_priority_areas_only(client, login, w, db):
    from marketplace.programmes import groups

    login(w.facilitator)
    page = client.get(f"/programmes/{w.programme.id}/monitoring").get_data(as_text=True)
    assert 'id="areas"' not in page  # no priority list: nothing to choose
    groups.set_priority_areas(actor=w.facilitator, programme=w.programme, regency_codes=["33.01"])
    db.session.commit()

    page = client.get(f"/programmes/{w.programme.id}/monitoring").get_data(as_text=True)
    assert "1 kabupaten/kota prioritas" in page and "areas=priority" in page
    chosen = client.get(f"/programmes/{w.programme.id}/monitoring?areas=priority")
    html = chosen.get_data(as_text=True)
    assert chosen.status_code == 200
    assert f"/programmes/{w.programme.id}/monitoring/report.xlsx?areas=priority" in html
    assert 'name="areas" value="priority"' in html  # the breakdown's form keeps the choice
    # The list behind the funnel's first number names only the enterprises in the area.
    listed = client.get(
        f"/programmes/{w.programme.id}/monitoring/funnel/enrolled?areas=priority"
    ).get_data(as_text=True)
    assert ">E6</a>" in listed and ">E1</a>" not in listed


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        # A year, only out of range: the range, not "write it as a year".
        ({"period": "1900", "target": "5"}, "period", "Isi tahun dari 2000 sampai 2100"),
        ({"period": "9999-Q4", "target": "5"}, "period", "Isi tahun dari 2000 sampai 2100"),
        # A whole number, only negative: the range, not "write a whole number".
        ({"period": "2027", "target": "-10"}, "target", "dari 1 sampai 1.000.000.000"),
        ({"period": "2027", "target": "5", "baseline": "-5"}, "baseline", "dari 0 sampai"),
    ],
)
def test_a_target_nearly_right_is_told_what_is_wrong_with_it(
    client, login, w, db, typed, field, message
):
    login(w.facilitator)
    response = client.post(
        f"/programmes/{w.programme.id}/monitoring/targets", data={"indicator": "layak", **typed}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</', html, re.S).group(1)
    assert message in error
    assert "Isi bilangan bulat, misalnya 120." not in html
    assert db.session.scalar(select(Target).where(Target.period == typed["period"])) is None
