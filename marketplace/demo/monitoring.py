"""The demo's monitoring (issue 15): programme targets from data/monitoring.toml, the owners'
answers on counting sensitive attributes, and a year of monthly check-ins per enrolled
enterprise, so that a programme manager opens a dashboard with figures on it.

Deterministic and apart from the original world: its own `random.Random`, run after the
showcase, so no earlier table changes. Each enterprise's check-ins walk from a smaller past
towards its profile today: revenue grows towards the latest recorded month, the readiness
stage is one step lower in the first months for about half of them, a few small enterprises
were micro a year ago, and some bankable ones report a KUR or UMi disbursement.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from marketplace.demo.data import _load
from marketplace.demo.world import DEMO_NOW, DEMO_TODAY, SEED
from marketplace.extensions import db
from marketplace.monitoring.models import CheckIn, FinanceReceived, Target
from marketplace.profiles import enterprises as enterprise_services
from marketplace.programmes.models import Enrolment, Programme

MONTHS = 12
LOWER = {
    "bankable": "layak",
    "layak": "belum_layak",
    "belum_layak": "belum_layak",
    "embrio": "embrio",
}


def _month(index: int) -> dt.date:
    """The first day of the month `index` months before DEMO_TODAY's month (1 = last month)."""
    total = DEMO_TODAY.year * 12 + DEMO_TODAY.month - 1 - index
    return dt.date(total // 12, total % 12 + 1, 1)


def _entered(index: int) -> dt.datetime:
    """When a month's check-in was entered: the 5th of the next month, 10.00 WIB."""
    day = _month(index - 1) + dt.timedelta(days=4)
    return dt.datetime(day.year, day.month, day.day, 3, 0, tzinfo=dt.UTC)


def build_monitoring(enterprises) -> dict[str, int]:
    """Targets, owners' years of birth (age consent) and check-ins; returns counts by thing
    built. Flushes."""
    rng = random.Random(SEED + 15)
    programmes = {p.name: p for p in db.session.scalars(select(Programme))}
    targets = 0
    for row in _load("monitoring.toml")["target"]:
        programme = programmes[row["programme"]]
        db.session.add(
            Target(
                programme_id=programme.id,
                indicator=row["indicator"],
                period=row["period"],
                baseline=row.get("baseline"),
                target=row["target"],
                donor_code=row.get("donor_code"),
                created_at=DEMO_NOW,
                updated_at=DEMO_NOW,
            )
        )
        targets += 1
    facilitator_of = dict(
        db.session.execute(select(Enrolment.enterprise_id, Enrolment.facilitator_id)).all()
    )
    check_ins = consents = 0
    for enterprise in enterprises:
        if enterprise.id not in facilitator_of:
            continue
        if rng.random() < 0.8:
            # The owner's year of birth and its consent (the reports consent is on by default;
            # the other attributes keep the consents the profile demo gave them).
            enterprise.owner_birth_year = rng.randint(1962, 2002)
            enterprise.share_owner_age = True
            consents += 1
        assessment = enterprise_services.assess(enterprise, today=DEMO_TODAY)
        stage, size = assessment.stage, assessment.size.code
        latest = enterprise.revenues[0].amount if enterprise.revenues else None
        if latest is None and enterprise.annual_turnover:
            latest = enterprise.annual_turnover // 12
        employees = enterprise.employees or 1
        women = min(enterprise.women_employees or 0, employees)
        stage_moves_at = rng.randint(3, 8) if rng.random() < 0.5 else MONTHS + 1
        was_micro = size == "kecil" and rng.random() < 0.3
        disbursed_at = rng.randint(1, 6) if stage == "bankable" and rng.random() < 0.35 else None
        route = rng.choice(("kur_mikro", "kur_mikro", "umi", "mekaar"))
        for index in range(MONTHS, 0, -1):
            progress = (MONTHS - index + 1) / MONTHS  # 1/12 … 1
            revenue = None
            if latest:
                revenue = (
                    int(latest * (0.7 + 0.3 * progress) * rng.uniform(0.9, 1.1)) // 1000 * 1000
                )
            hired_later = 1 if employees > 1 and progress < 0.5 else 0
            check_in = CheckIn(
                enterprise_id=enterprise.id,
                month=_month(index),
                revenue=revenue,
                employees_women=max(0, women - hired_later),
                employees_men=max(0, employees - women),
                stage=LOWER[stage] if index >= stage_moves_at else stage,
                size_class="mikro" if was_micro and progress < 0.5 else size,
                entered_by_id=facilitator_of[enterprise.id],
                created_at=_entered(index),
                updated_at=_entered(index),
            )
            if disbursed_at == index:
                amount = {"kur_mikro": 50, "umi": 15, "mekaar": 5}[route] * 1_000_000
                check_in.finance = [FinanceReceived(route=route, amount=amount)]
            db.session.add(check_in)
            check_ins += 1
    db.session.flush()
    return {"targets": targets, "consents": consents, "check_ins": check_ins}
