"""Indicator values, the funnel and every disaggregation on the constructed world
(tests/monitoring/world.py), against figures worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from marketplace.monitoring import check_ins, facts, reports, targets
from marketplace.monitoring import suppression as sup
from marketplace.profiles import consents, enterprises
from tests.monitoring import world


@pytest.fixture
def w(make, db):
    return world.build(make, db)


@pytest.fixture
def report(w):
    return reports.programme_report(programme=w.programme, today=world.TODAY)


def test_every_indicator_counts_unique_enrolled_enterprises(report):
    values = {code: value for code, (_n, value) in report.totals.items()}
    assert values == {
        "enterprises_supported": 8,  # E9 declined: never counted
        "profiles_completed": 3,
        "layak": 2,
        "bankable": 1,
        "pitched": 1,
        "in_pipeline": 1,
        "financed": 2,
        "finance_mobilised": 150_000_000,
        "jobs": 5,
        "jobs_women": 2,
        "women_led": 3,  # E5 is women-led but did not consent to being counted
        "size_class_up": 1,
        "revenue_up": 1,
    }


def test_the_funnel_counts_converts_and_times_each_step(report):
    steps = {s.step: (s.count, s.conversion, s.median_days) for s in report.funnel}
    assert steps == {
        "enrolled": (8, None, None),
        "profile_complete": (3, 38, 55),  # enrolled 5 Jan, published 1 Mar
        "layak": (2, 67, 30.5),  # E1 61 days after publishing, E2 the same day
        "bankable": (1, 50, 0),
        "pitched": (1, 100, 40),
        "pipeline": (1, 100, 10),
        "financed": (2, 100, 42),  # E1 financed without pitching still counts as financed
    }


def _cells(table):
    return {c.key: (c.n, c.shown) for c in table.cells}


def test_sensitive_attributes_count_only_with_consent_and_small_cells_hide(report):
    table = report.breakdown("enterprises_supported", "women_led")
    assert _cells(table) == {"yes": (3, "< 5"), "no": (1, "< 5"), "not_stated": (4, "< 5")}
    assert not table.withheld


def test_withdrawing_the_reports_consent_leaves_the_enterprise_out_of_new_reports_at_once(w, db):
    # E2 pitched, was shortlisted and financed (Rp100 jt): the only one past "bankable".
    enterprises.set_consent(
        actor=w.facilitator,
        enterprise=w.ents["E2"],
        purpose=consents.REPORTS,
        granted=False,
    )
    report = reports.programme_report(programme=w.programme, today=world.TODAY)
    assert w.ents["E2"].id not in {row.id for row in report.rows}
    values = {code: value for code, (_n, value) in report.totals.items()}
    assert values["enterprises_supported"] == 7
    assert values["pitched"] == values["bankable"] == values["in_pipeline"] == 0
    assert values["finance_mobilised"] == 50_000_000  # E1's KUR only
    assert {s.step: s.count for s in report.funnel}["financed"] == 1
    women = report.breakdown("enterprises_supported", "women_led")
    assert {c.key: c.n for c in women.cells} == {"yes": 2, "no": 1, "not_stated": 4}


def test_the_frame_reads_each_sensitive_attribute_into_the_row_field_of_its_name():
    # The frame fills a Row positionally: its query reads the attributes in
    # consents.SENSITIVE_ATTRIBUTES order, right after the sector.
    names = [f.name for f in dataclasses.fields(facts.Row)]
    start = names.index("sector") + 1
    attributes = tuple(consents.SENSITIVE_ATTRIBUTES)
    assert tuple(names[start : start + len(attributes)]) == attributes


def test_an_attributes_own_consent_is_needed_besides_the_reports_consent(w, db):
    # E3 keeps the reports consent but withdraws counting "women-led": still supported, now
    # "not stated" as women-led (and its other attributes unchanged).
    enterprises.set_consent(
        actor=w.facilitator, enterprise=w.ents["E3"], purpose="share_women_led", granted=False
    )
    report = reports.programme_report(programme=w.programme, today=world.TODAY)
    assert report.totals["enterprises_supported"][1] == 8
    assert report.totals["women_led"][1] == 2
    women = report.breakdown("enterprises_supported", "women_led")
    assert {c.key: c.n for c in women.cells} == {"yes": 2, "no": 1, "not_stated": 5}
    assert consents.may_count_in_reports(w.ents["E3"], "pkh_graduate")
    assert not consents.may_count_in_reports(w.ents["E3"], "women_led")


@pytest.mark.parametrize("attribute", ["disability_inclusive", "pkh_graduate"])
def test_a_breakdown_whose_small_cells_add_up_is_withheld(report, attribute):
    # 4 "no" + 4 "not stated" = 8: both "< 5" would each have to be 4.
    table = report.breakdown("enterprises_supported", attribute)
    assert {c.key: c.n for c in table.cells} == {"no": 4, "not_stated": 4}
    assert table.withheld


def test_age_bands_come_from_the_consented_birth_year(report):
    table = report.breakdown("enterprises_supported", "age_band")
    assert {c.key: c.n for c in table.cells} == {
        "25_34": 1,
        "35_44": 1,
        "55_plus": 1,
        "not_stated": 5,
    }
    # Three 1s beside a hidden 5+ would add up to exactly 8: nothing can be shown.
    assert table.withheld


def test_cohort_province_and_regency_hide_the_large_cell_beside_a_small_one(report, w):
    cohort = report.breakdown("enterprises_supported", "cohort")
    first, second = w.cohorts
    assert _cells(cohort) == {str(first.id): (7, "*"), str(second.id): (1, "< 5")}
    assert {c.label for c in cohort.cells} == {"Angkatan 1", "Angkatan 2"}
    assert _cells(report.breakdown("enterprises_supported", "province")) == {
        "32": (5, "*"),
        "33": (3, "< 5"),
    }
    assert _cells(report.breakdown("enterprises_supported", "regency")) == {
        "32.01": (5, "*"),
        "33.01": (3, "< 5"),
    }


def test_sector_and_size_class(report):
    assert _cells(report.breakdown("enterprises_supported", "sector")) == {
        "crafts": (2, "< 5"),
        "food": (4, "< 5"),
        "services": (2, "< 5"),
    }
    # E1's latest check-in says kecil, E2's mikro; the rest never checked in.
    assert _cells(report.breakdown("enterprises_supported", "size_class")) == {
        "kecil": (1, "< 5"),
        "mikro": (1, "< 5"),
        "not_stated": (6, "*"),
    }


def test_sums_are_suppressed_by_the_enterprises_behind_them(report):
    table = report.breakdown("finance_mobilised", "sector")
    assert {c.key: (c.n, c.value) for c in table.cells} == {"food": (2, 150_000_000)}
    assert table.withheld  # one cell of 2: the total gives it away


def test_financed_by_route(report):
    counts = {c.key: c.n for c in report.routes.cells}
    assert counts["kur"] == 1 and counts["investment"] == 1
    assert report.routes.withheld


def test_targets_are_compared_with_the_actual_at_the_end_of_their_period(w, make, db):
    from marketplace.monitoring.targets import set_target

    set_target(
        actor=w.facilitator,
        programme=w.programme,
        indicator="layak",
        period="2026-q1",
        target=5,
        baseline=0,
    )
    set_target(
        actor=w.facilitator,
        programme=w.programme,
        indicator="finance_mobilised",
        period="2026",
        target=2_000_000_000,
        donor_code="ACT-3.1",
    )
    report = reports.programme_report(programme=w.programme, today=world.TODAY)
    lines = {(t.indicator, t.period): (t.baseline, t.target, t.actual) for t in report.targets}
    # By 31 March only E2 (bankable from its March check-in) was layak; E1 became so in May.
    assert lines[("layak", "2026-Q1")] == (0, 5, 1)
    assert lines[("finance_mobilised", "2026")] == (None, 2_000_000_000, 150_000_000)


def test_period_ends():
    assert targets.period_end("2026") == dt.date(2026, 12, 31)
    assert targets.period_end("2026-Q1") == dt.date(2026, 3, 31)
    assert targets.period_end("2026-Q4") == dt.date(2026, 12, 31)


def test_suppression_marks():
    assert sup.suppress({"a": 10, "b": 12}).marks == {"a": "shown", "b": "shown"}
    assert sup.suppress({"a": 0, "b": 12}).marks == {"a": "shown", "b": "shown"}
    pattern = sup.suppress({"a": 3, "b": 12, "c": 20})
    assert pattern.marks == {"a": "small", "b": "hidden", "c": "shown"}


def test_a_programmes_priority_kabupaten_kota_restrict_every_figure(w):
    # E1–E5 are in 32.01, E6–E8 in 33.01 (world.py); the financed ones (E1, E2) in 32.01.
    inside = reports.programme_report(
        programme=w.programme, today=world.TODAY, regencies=frozenset({"32.01"})
    )
    outside = reports.programme_report(
        programme=w.programme, today=world.TODAY, regencies=frozenset({"33.01"})
    )
    assert inside.totals["enterprises_supported"][1] == 5
    assert inside.totals["finance_mobilised"][1] == 150_000_000
    assert outside.totals["enterprises_supported"][1] == 3
    assert outside.totals["financed"][1] == 0 and outside.totals["women_led"][1] == 0
    assert {row.name for row in outside.rows} == {"E6", "E7", "E8"}


def test_a_new_month_with_the_employee_boxes_empty_stores_not_reported_and_keeps_the_jobs(w, db):
    # E1 reported 2 women and 1 man in May; its June check-in leaves both boxes empty. The month
    # stores NULL ("not reported"), and the jobs still come from May, not from 0 in June.
    row = check_ins.record_check_in(
        actor=w.facilitator,
        enterprise=w.ents["E1"],
        month=dt.date(2026, 6, 1),
        revenue=4_000_000,
        employees_women=None,
        employees_men=None,
        finance={},
        today=world.TODAY,
    )
    db.session.commit()
    db.session.expire_all()
    assert (row.employees_women, row.employees_men) == (None, None)
    # E3's only check-in reports no employees: E3 is not counted, rather than counted as 0.
    check_ins.record_check_in(
        actor=w.facilitator,
        enterprise=w.ents["E3"],
        month=dt.date(2026, 6, 1),
        revenue=1_000_000,
        employees_women=None,
        employees_men=None,
        finance={},
        today=world.TODAY,
    )
    report = reports.programme_report(programme=w.programme, today=world.TODAY)
    assert report.totals["jobs"] == (2, 5)  # (enterprises counted, jobs): E1 3 and E2 2
    assert report.totals["jobs_women"] == (2, 2)
    assert report.totals["revenue_up"][1] == 1  # June is still E1's latest month for revenue


def test_one_employee_box_filled_counts_the_empty_one_as_0_in_that_month(w, db):
    # E2 reported 0 women and 2 men in March; in June only "1 woman", the men's box empty. The
    # jobs come from June, where the empty box beside a filled one counts 0 (the owner answered
    # the question): women and men from one month, so jobs_women never exceeds jobs.
    row = check_ins.record_check_in(
        actor=w.facilitator,
        enterprise=w.ents["E2"],
        month=dt.date(2026, 6, 1),
        revenue=None,
        employees_women=1,
        employees_men=None,
        finance={},
        today=world.TODAY,
    )
    assert (row.employees_women, row.employees_men) == (1, None)
    report = reports.programme_report(programme=w.programme, today=world.TODAY)
    assert report.totals["jobs"] == (2, 3 + 1)  # E1 2/1 in May, E2 1/– in June
    assert report.totals["jobs_women"] == (2, 2 + 1)
