"""A small constructed world for the monitoring tests, every figure computable by hand.

Programme ACTION (facilitator F), cohort "Angkatan 1" (regency 32.01) with E1–E7 and cohort
"Angkatan 2" (regency 33.74) with E8; E9 is invited but declined (never counted).

E1 food/32, consented, women-led, born 1990, published; check-ins 2026-02 (belum_layak, mikro,
   Rp1 jt, 1 woman 1 man) and 2026-05 (layak, kecil, Rp3 jt, 2/1, KUR mikro Rp50 jt received).
E2 food/32, consented, women-led, born 1970, published; check-in 2026-03 (bankable, mikro, Rp2 jt,
   0/2); pitched 2026-04-10, shortlisted 2026-04-20, investment Rp100 jt funded 2026-06-01.
E3 crafts/32, consented, women-led, born 1999.  E4 crafts/32, consented, not women-led.
E5 food/32, women-led but said no to counting it, published.
E6, E7 services/33 and E8 food/33 (cohort 2): no answer, not women-led.

"Consented": the owner let each sensitive attribute and the age band be counted (`share_*`);
every enterprise keeps the reports consent (`share_in_reports`, on by default).
All enrolled 2026-01-05. Today is 2026-07-01.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from marketplace.events.models import Outcome, PitchEvent, Schedule, ScheduleItem
from marketplace.matching.models import ShortlistEntry
from marketplace.models import utcnow
from marketplace.monitoring.models import CheckIn, FinanceReceived

TODAY = dt.date(2026, 7, 1)


def build(make, db) -> SimpleNamespace:
    facilitator = make.facilitator()
    programme = make.programme(facilitator)
    first = make.cohort(programme, name="Angkatan 1", regency_code="32.01")
    second = make.cohort(programme, name="Angkatan 2", regency_code="33.74")
    spec = [
        # name, women_led, sector, province, published, consent, birth year
        ("E1", True, "food", "32", True, True, 1990),
        ("E2", True, "food", "32", True, True, 1970),
        ("E3", True, "crafts", "32", False, True, 1999),
        ("E4", False, "crafts", "32", False, True, None),
        ("E5", True, "food", "32", True, False, None),
        ("E6", False, "services", "33", False, None, None),
        ("E7", False, "services", "33", False, None, None),
        ("E8", False, "food", "33", False, None, None),
    ]
    ents = {}
    for name, women_led, sector, province, published, consent, born in spec:
        enterprise = make.enterprise(name=name, women_led=women_led)
        enterprise.sector, enterprise.province_code = sector, province
        enterprise.regency_code = f"{province}.01"
        if published:
            enterprise.status, enterprise.published_at = (
                "published",
                dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            )
        if consent:
            # Every sensitive attribute's own consent (the reports consent is on by default).
            enterprise.share_women_led = enterprise.share_disability_inclusive = True
            enterprise.share_pkh_graduate = enterprise.share_owner_age = True
            enterprise.owner_birth_year = born
        make.enrol(facilitator, enterprise, cohort=second if name == "E8" else first)
        ents[name] = enterprise
    declined = make.enterprise(name="E9", women_led=True)
    make.enrol(facilitator, declined, cohort=first, consent="declined")

    def check_in(name, month, stage, size, revenue, women, men, finance=None):
        row = CheckIn(
            enterprise_id=ents[name].id,
            month=month,
            stage=stage,
            size_class=size,
            revenue=revenue,
            employees_women=women,
            employees_men=men,
        )
        if finance:
            row.finance = [FinanceReceived(route=r, amount=a) for r, a in finance.items()]
        db.session.add(row)

    check_in("E1", dt.date(2026, 2, 1), "belum_layak", "mikro", 1_000_000, 1, 1)
    check_in(
        "E1", dt.date(2026, 5, 1), "layak", "kecil", 3_000_000, 2, 1, {"kur_mikro": 50_000_000}
    )
    check_in("E2", dt.date(2026, 3, 1), "bankable", "mikro", 2_000_000, 0, 2)

    event = PitchEvent(
        organisation_id=facilitator.organisation_id,
        programme_id=programme.id,
        title="Pitch day",
        mode="panel",
        starts_on=dt.date(2026, 4, 10),
        ends_on=dt.date(2026, 4, 10),
        day_start=dt.time(8),
        day_end=dt.time(17),
        capacity=10,
    )
    db.session.add(event)
    db.session.flush()
    schedule = Schedule(event_id=event.id, version=1, published_at=utcnow())
    schedule.items = [ScheduleItem(slot=0, room=1, enterprise_id=ents["E2"].id)]
    db.session.add(schedule)
    investor = make.investor()
    db.session.add(
        ShortlistEntry(
            organisation_id=investor.organisation_id,
            enterprise_id=ents["E2"].id,
            created_at=dt.datetime(2026, 4, 20, tzinfo=dt.UTC),
        )
    )
    db.session.add(
        Outcome(
            enterprise_id=ents["E2"].id,
            organisation_id=investor.organisation_id,
            track="investment",
            status="funded",
            amount=100_000_000,
            status_on=dt.date(2026, 6, 1),
            created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        )
    )
    db.session.flush()
    return SimpleNamespace(
        facilitator=facilitator,
        programme=programme,
        cohorts=(first, second),
        ents=ents,
        investor=investor,
        event=event,
    )
