"""Indicator values, the funnel and every disaggregation on the constructed world
(tests/monitoring/world.py), against figures worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.monitoring import services
from marketplace.monitoring import suppression as sup
from marketplace.profiles import consents, enterprises
from tests.monitoring import world


@pytest.fixture
def w(make, db):
    return world.build(make, db)


@pytest.fixture
def report(w):
    return services.programme_report(programme=w.programme, today=world.TODAY)


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
    report = services.programme_report(programme=w.programme, today=world.TODAY)
    assert w.ents["E2"].id not in {row.id for row in report.rows}
    values = {code: value for code, (_n, value) in report.totals.items()}
    assert values["enterprises_supported"] == 7
    assert values["pitched"] == values["bankable"] == values["in_pipeline"] == 0
    assert values["finance_mobilised"] == 50_000_000  # E1's KUR only
    assert {s.step: s.count for s in report.funnel}["financed"] == 1
    women = report.breakdown("enterprises_supported", "women_led")
    assert {c.key: c.n for c in women.cells} == {"yes": 2, "no": 1, "not_stated": 4}


def test_an_attributes_own_consent_is_needed_besides_the_reports_consent(w, db):
    # E3 keeps the reports consent but withdraws counting "women-led": still supported, now
    # "not stated" as women-led (and its other attributes unchanged).
    enterprises.set_consent(
        actor=w.facilitator, enterprise=w.ents["E3"], purpose="share_women_led", granted=False
    )
    report = services.programme_report(programme=w.programme, today=world.TODAY)
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
    from marketplace.monitoring.services import set_target

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
    report = services.programme_report(programme=w.programme, today=world.TODAY)
    lines = {(t.indicator, t.period): (t.baseline, t.target, t.actual) for t in report.targets}
    # By 31 March only E2 (bankable from its March check-in) was layak; E1 became so in May.
    assert lines[("layak", "2026-Q1")] == (0, 5, 1)
    assert lines[("finance_mobilised", "2026")] == (None, 2_000_000_000, 150_000_000)


def test_period_ends():
    assert services.period_end("2026") == dt.date(2026, 12, 31)
    assert services.period_end("2026-Q1") == dt.date(2026, 3, 31)
    assert services.period_end("2026-Q4") == dt.date(2026, 12, 31)


def test_suppression_marks():
    assert sup.suppress({"a": 10, "b": 12}).marks == {"a": "shown", "b": "shown"}
    assert sup.suppress({"a": 0, "b": 12}).marks == {"a": "shown", "b": "shown"}
    pattern = sup.suppress({"a": 3, "b": 12, "c": 20})
    assert pattern.marks == {"a": "small", "b": "hidden", "c": "shown"}


def test_a_programmes_priority_kabupaten_kota_restrict_every_figure(w):
    # E1–E5 are in 32.01, E6–E8 in 33.01 (world.py); the financed ones (E1, E2) in 32.01.
    inside = services.programme_report(
        programme=w.programme, today=world.TODAY, regencies=frozenset({"32.01"})
    )
    outside = services.programme_report(
        programme=w.programme, today=world.TODAY, regencies=frozenset({"33.01"})
    )
    assert inside.totals["enterprises_supported"][1] == 5
    assert inside.totals["finance_mobilised"][1] == 150_000_000
    assert outside.totals["enterprises_supported"][1] == 3
    assert outside.totals["financed"][1] == 0 and outside.totals["women_led"][1] == 0
    assert {row.name for row in outside.rows} == {"E6", "E7", "E8"}
