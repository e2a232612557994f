"""The enterprises of each cohort: a plan of their facts, then the profile, legal documents,
revenues, mentoring and attestations written through the profile services, as their owner or
their pendamping would."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from sqlalchemy import select

from marketplace import regions, vocab
from marketplace.accounts.models import Organisation, User
from marketplace.demo.accounts import DEMO_LOGINS
from marketplace.demo.data import (
    KINDS,
    NAMES,
    OWNERS,
    PLACES,
    CohortSpec,
    Kind,
    OwnerSpec,
    Place,
    ProgrammeSpec,
)
from marketplace.demo.world import (
    DEMO_TODAY,
    JT,
    World,
    day_between,
    log_uniform,
    make_user,
    moment,
    person,
    phone_number,
    round_to,
    slug,
    unique_email,
)
from marketplace.extensions import db
from marketplace.profiles import consents, readiness_facts, records
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise
from marketplace.programmes import services as programme_services
from marketplace.programmes.models import Cohort, Enrolment


@dataclass
class Plan:
    """The facts chosen for one enterprise before they are written through the services."""

    kind: Kind
    place: Place
    target: str
    legal_form: str
    woman: bool
    owner_name: str
    founded_on: dt.date
    enrolled_on: dt.date
    status: str  # enrolment status
    months: int
    monthly: int
    margin: float
    capital: int
    ask: int
    failures: set[str]
    sharia: bool
    pkh: bool
    low_income: bool
    published: bool


_LAYAK_FAILURES = ("no_nik", "no_licence", "sku_expired", "no_revenue")
_BANKABLE_FAILURES = ("no_books", "no_bank", "short_history", "loss")


def _plan(world: World, programme: ProgrammeSpec, cohort: CohortSpec) -> Plan:
    rng = world.rng
    place = PLACES[cohort.regency]
    codes = [code for code, _weight in place.kinds]
    kind = KINDS[rng.choices(codes, weights=[w for _c, w in place.kinds])[0]]
    pkh = rng.random() < programme.pkh_share
    low_income = pkh or rng.random() < programme.low_income_share
    woman = rng.random() < (0.8 if pkh else 0.55)
    collective = rng.random() < programme.collective_share
    form_roll = rng.random()
    if collective:
        legal_form = "koperasi" if form_roll < 0.35 else "kube"
    elif form_roll < 0.07:
        legal_form = "cv"
    elif form_roll < 0.14 and not low_income:
        legal_form = "pt"
    else:
        legal_form = "perorangan"
    scale = {"perorangan": 1.0, "kube": 1.6, "cv": 2.5, "koperasi": 3.0, "pt": 5.0}[legal_form]
    if low_income and legal_form == "perorangan":
        scale = 0.6

    finished = cohort.ends_on < DEMO_TODAY
    enrolled_on = day_between(rng, cohort.starts_on, cohort.starts_on + dt.timedelta(days=14))
    target = world.targets.pop()
    monthly = round_to(log_uniform(rng, *kind.revenue) * scale, 50_000)
    # Modal usaha follows both the kind of business and how much it sells.
    typical = log_uniform(rng, *kind.capital) * scale
    capital = min(
        2000 * JT, max(2 * JT, round_to(math.sqrt(typical * monthly * rng.uniform(1, 6)), 500_000))
    )
    ask = round_to(monthly * 12 * rng.uniform(0.05, 0.35), JT if monthly < 20 * JT else 5 * JT)
    ask = min(750 * JT, max(3 * JT, ask))

    failures: set[str] = set()
    status = "completed" if finished else "active"
    if target == "belum_layak":
        options = list(_LAYAK_FAILURES) + ([] if finished else ["young"])
        failures.update(rng.sample(options, k=rng.choice((1, 1, 2))))
        # Not yet eligible usually means not yet bankable either: books and bank come later.
        failures.update(f for f in _BANKABLE_FAILURES if rng.random() < 0.35)
    elif target == "layak":
        options = list(_BANKABLE_FAILURES)
        if ask > 50 * JT:
            options.append("no_npwp")
        if ask > 100 * JT:
            options.append("no_collateral")
        if kind.sector in vocab.FOOD_SECTORS:
            options += ["food_permit_missing", "food_permit_expired"]
        if finished:
            options.append("withdrawn")
        failures.update(rng.sample(options, k=rng.choice((1, 1, 2, 3))))
    if "withdrawn" in failures:
        status = "withdrawn"
    if "young" in failures:
        # Incubation cohorts take "embrio usaha": a business may start during the programme.
        founded_on = DEMO_TODAY - dt.timedelta(days=rng.randint(60, 170))
    else:
        founded_on = day_between(rng, dt.date(2009, 1, 1), enrolled_on - dt.timedelta(days=240))
    age_months = (DEMO_TODAY.year - founded_on.year) * 12 + DEMO_TODAY.month - founded_on.month
    if "no_revenue" in failures:
        months = 0
    elif "short_history" in failures:
        months = rng.randint(1, 5)
    else:
        months = rng.randint(6, 12)
    months = min(months, max(0, age_months - 1))
    margin = rng.uniform(*kind.margin)
    if "loss" in failures:
        margin = rng.uniform(-0.15, -0.01)
    elif target != "belum_layak":
        margin = max(margin, 0.03)
    published_share = {"belum_layak": 0.5, "layak": 0.82, "bankable": 0.9}[target]
    return Plan(
        kind=kind,
        place=place,
        target=target,
        legal_form=legal_form,
        woman=woman,
        owner_name=person(rng, place.people, woman=woman),
        founded_on=founded_on,
        enrolled_on=enrolled_on,
        status=status,
        months=months,
        monthly=monthly,
        margin=margin,
        capital=capital,
        ask=ask,
        failures=failures,
        sharia=rng.random() < place.sharia_share,
        pkh=pkh,
        low_income=low_income,
        published=rng.random() < published_share,
    )


def _business_name(world: World, plan: Plan) -> str:
    rng = world.rng
    people = plan.place.people
    for _attempt in range(30):
        base = rng.choice(plan.kind.names).format(
            word=rng.choice(NAMES.words),
            district=rng.choice(plan.place.districts),
            woman=rng.choice(NAMES.women[people]).split()[-1],
            man=rng.choice(NAMES.men[people]).split()[-1],
        )
        if plan.legal_form == "kube":
            name = f"KUBE {rng.choice(NAMES.flowers)} {plan.kind.short} {rng.choice(NAMES.words)}"
        elif plan.legal_form == "koperasi":
            name = f"Koperasi Produsen {plan.kind.short} {rng.choice(plan.place.districts)}"
        elif plan.legal_form == "cv":
            name = f"CV {base}"
        elif plan.legal_form == "pt":
            name = f"PT {base} Nusantara"
        else:
            name = base
        if name not in world.names:
            world.names.add(name)
            return name
    raise RuntimeError("demo name lists are too short for the number of enterprises")


def _instruments(rng: random.Random, plan: Plan) -> list[str]:
    if plan.legal_form == "pt":
        return ["equity", "revenue_share"] if rng.random() < 0.6 else ["loan", "revenue_share"]
    if plan.legal_form == "koperasi":
        return ["loan", "musyarakah"] if plan.sharia else ["loan"]
    if plan.sharia:
        if plan.ask <= 10 * JT:
            return [rng.choice(("qard", "murabahah"))]
        return rng.choice(
            (["murabahah"], ["mudharabah", "musyarakah"], ["murabahah", "musyarakah"])
        )
    choice = ["kur"] if plan.ask <= 500 * JT else ["loan", "revenue_share"]
    if plan.ask > 100 * JT and rng.random() < 0.5:
        choice.append("loan")
    if plan.pkh and plan.ask <= 50 * JT and rng.random() < 0.4:
        choice.append("grant")
    if plan.kind.green > 0.4 and rng.random() < 0.3:
        choice.append("revenue_share")
    return choice


def _nik(rng: random.Random, plan: Plan) -> str:
    """A NIK in the real layout: regency, district, birth date (day + 40 for women), serial."""
    born = dt.date(rng.randint(1962, 2000), rng.randint(1, 12), rng.randint(1, 28))
    day = born.day + 40 if plan.woman else born.day
    regency = plan.place.regency.replace(".", "")
    return (
        f"{regency}{rng.randint(1, 12):02d}{day:02d}{born.month:02d}{born.year % 100:02d}"
        f"{rng.randint(1, 2999):04d}"
    )


def enrol(
    world: World,
    *,
    facilitator: User,
    cohort: Cohort,
    enterprise: Enterprise,
    enrolled_on: dt.date,
) -> Enrolment:
    """The enrolment of `enterprise` in `cohort`, as the demo needs it: in force, dated
    `enrolled_on`. The one place the demo enrols an enterprise (every enrolment passes here).

    A profile made on behalf of its owner was enrolled by `create_enterprise_on_behalf`
    already; an owner's own profile is enrolled here through `enrol_enterprise`. Any step an
    enrolment needs before it gives the facilitator rights (such as the owner's consent) belongs
    here, so that every demo enrolment ends up accepted.
    """
    enrolment = next((n for n in enterprise.enrolments if n.cohort_id == cohort.id), None)
    if enrolment is None:
        enrolment = programme_services.enrol_enterprise(
            facilitator=facilitator, cohort=cohort, enterprise=enterprise, today=enrolled_on
        )
        # The owner accepts the programme's invitation: rights need the owner's consent.
        owner = db.session.scalar(
            select(User).where(
                User.organisation_id == enterprise.organisation_id, User.role == "owner"
            )
        )
        programme_services.answer_invitation(owner=owner, enrolment=enrolment, accept=True)
        enrolment.notified_at = enrolment.consent_at = moment(enrolled_on)
    enrolment.enrolled_on = enrolled_on
    return enrolment


def build_enterprise(
    world: World,
    programme: ProgrammeSpec,
    cohort_spec: CohortSpec,
    cohort: Cohort,
    facilitator: User,
    position: int,
) -> Enterprise:
    rng = world.rng
    special = DEMO_OWNERS.get((cohort_spec.name, position))
    plan = _plan(world, programme, cohort_spec)
    if special is not None:
        plan = _as_owner(plan, special)
    name = special.business if special is not None else _business_name(world, plan)
    owner_phone = phone_number(rng)
    with_account = special is not None or rng.random() < 0.2

    if with_account:
        organisation = Organisation(kind="enterprise", name=name)
        db.session.add(organisation)
        if special is not None:
            email = DEMO_LOGINS[special.login].email
        else:
            email = unique_email(world, slug(plan.owner_name), "pemilik.example.org")
        owner = make_user(
            world,
            email=email,
            name=plan.owner_name,
            role="owner",
            organisation=organisation,
            phone=owner_phone,
            when=plan.enrolled_on - dt.timedelta(days=3),
        )
        db.session.flush()
        enterprise = Enterprise(organisation=organisation, name=name, created_by_id=owner.id)
        db.session.add(enterprise)
        db.session.flush()
        consents.announce_defaults(enterprise=enterprise)
        editor = owner
        world.owners += 1
        world.stamp(organisation, plan.enrolled_on - dt.timedelta(days=3))
    else:
        enterprise = programme_services.create_enterprise_on_behalf(
            facilitator=facilitator,
            cohort=cohort,
            name=name,
            owner_name=plan.owner_name,
            owner_phone=owner_phone,
        )
        editor = facilitator
        world.on_behalf += 1
        world.stamp(enterprise.organisation, plan.enrolled_on)
    enrolment = enrol(
        world,
        facilitator=facilitator,
        cohort=cohort,
        enterprise=enterprise,
        enrolled_on=plan.enrolled_on,
    )
    world.stamp(enterprise, plan.enrolled_on)
    world.stamp(enrolment, plan.enrolled_on)

    if plan.status == "completed":
        programme_services.set_enrolment_status(
            facilitator=facilitator,
            enrolment=enrolment,
            status=plan.status,
            today=cohort_spec.ends_on,
        )
    done = (
        len(programme.modules)
        if plan.status == "completed"
        else (rng.randint(0, len(programme.modules) - 1))
    )
    enrolment.modules_completed = list(programme.modules[:done])

    if special is not None and special.draft:
        _fill_draft(world, plan, enterprise, editor, owner_phone=owner_phone)
        _withdraw_if_planned(plan, facilitator, enrolment)
        return enterprise
    _fill_profile(world, plan, enterprise, editor, owner_phone=owner_phone)
    _documents(world, plan, enterprise, editor)
    _revenues(world, plan, enterprise, editor)
    # Earlier mentoring elsewhere, for businesses old enough to have had it; it counts as
    # completed mentoring, so it would undo a "young" or "withdrawn" plan.
    if rng.random() < 0.18 and not plan.failures & {"young", "withdrawn"}:
        started = day_between(rng, dt.date(2019, 1, 1), dt.date(2024, 6, 1))
        records.add_mentoring_record(
            actor=editor,
            enterprise=enterprise,
            programme_name=rng.choice(NAMES.outside_mentoring),
            cohort_name=None,
            started_on=started,
            completed_on=started + dt.timedelta(days=rng.randint(3, 90)),
            modules_completed="Pembukuan, pemasaran",
        )
    if plan.published:
        enterprise_services.publish_profile(actor=editor, enterprise=enterprise)
        published = min(
            DEMO_TODAY - dt.timedelta(days=1),
            plan.enrolled_on + dt.timedelta(days=rng.randint(20, 120)),
        )
        enterprise.published_at = moment(published)
    if (special is not None or rng.random() < 0.1) and plan.status != "withdrawn":
        _attest(
            world,
            enterprise,
            facilitator,
            attested_on=min(DEMO_TODAY, cohort_spec.ends_on) - dt.timedelta(days=7),
            count=3 if special is not None else rng.randint(1, 3),
        )
    _withdraw_if_planned(plan, facilitator, enrolment)
    return enterprise


def _withdraw_if_planned(plan, facilitator: User, enrolment: Enrolment) -> None:
    # Last: withdrawing ends the facilitator's rights, and the profile was filled in before.
    if plan.status == "withdrawn":
        programme_services.set_enrolment_status(
            facilitator=facilitator, enrolment=enrolment, status="withdrawn"
        )
        enrolment.withdrawn_at = moment(enrolment.enrolled_on + dt.timedelta(days=60))


def _fill_profile(
    world: World, plan: Plan, enterprise: Enterprise, editor: User, *, owner_phone: str
) -> None:
    rng = world.rng
    kind, failures = plan.kind, plan.failures
    employees = min(60, 1 + int(plan.monthly / (12 * JT)) + rng.randint(0, 3))
    women = rng.randint(0, employees)
    if plan.woman:
        women = max(women, 1)
    turnover = round_to(plan.monthly * 12 * rng.uniform(0.9, 1.1), 100_000)
    profit = round_to(abs(turnover * plan.margin), 100_000) * (1 if plan.margin >= 0 else -1)
    year = plan.founded_on.year
    bank = "Bank Syariah Amanah" if plan.sharia else rng.choice(NAMES.banks[plan.place.province])
    if plan.ask > 100 * JT:
        collateral = "no_collateral" not in failures
    else:
        collateral = rng.random() < 0.3  # a motorbike BPKB or land certificate, unasked for
    data = {
        "legal_form": plan.legal_form,
        "sector": kind.sector,
        "products": rng.choice(kind.products),
        "description": (
            f"{kind.short} dari {rng.choice(plan.place.districts)}, "
            f"{regions.regency_name(plan.place.regency)}. Berdiri sejak {year}, "
            f"{employees} orang bekerja di sini."
        ),
        "province_code": plan.place.province,
        "regency_code": plan.place.regency,
        "founded_on": plan.founded_on,
        "employees": employees,
        "women_employees": women,
        "owner_name": plan.owner_name,
        "women_led": plan.woman,
        "share_women_led": plan.woman and rng.random() < 0.7,
        "pkh_graduate": plan.pkh,
        "share_pkh_graduate": plan.pkh and rng.random() < 0.4,
        "disability_inclusive": (inclusive := rng.random() < 0.07),
        "share_disability_inclusive": inclusive and rng.random() < 0.5,
        "low_income_household": plan.low_income,
        "green": rng.random() < kind.green,
        "capital": plan.capital,
        "annual_turnover": turnover if plan.months else None,
        "profit_last_year": profit if plan.months or "loss" in failures else None,
        "ask_amount": plan.ask,
        "ask_instruments": _instruments(rng, plan),
        "use_of_funds": rng.choice(kind.uses),
        "tenor_months": rng.choice((12, 18, 24, 36))
        if plan.ask <= 100 * JT
        else rng.choice((24, 36, 48, 60)),
        "has_bank_account": "no_bank" not in failures,
        "bank_name": None if "no_bank" in failures else bank,
        "keeps_books": "no_books" not in failures,
        "has_collateral": collateral,
    }
    if not set(data["ask_instruments"]) - {"grant", "equity"}:
        data["tenor_months"] = None
    if not plan.published and rng.random() < 0.3:
        # A draft is often a draft because the ask is still being worked out with the pendamping.
        data["ask_amount"] = None
        data["ask_instruments"] = []
        data["tenor_months"] = None
    nik = None if "no_nik" in failures else _nik(rng, plan)
    enterprise_services.update_profile(
        actor=editor, enterprise=enterprise, data=data, nik=nik, owner_phone=owner_phone
    )


def _documents(world: World, plan: Plan, enterprise: Enterprise, editor: User) -> None:
    rng = world.rng
    failures = plan.failures
    start = max(plan.founded_on, dt.date(2019, 1, 1))
    last = DEMO_TODAY - dt.timedelta(days=20)

    def record(kind: str, number: str | None, issued: dt.date, years: int | None) -> None:
        expires = None if years is None else readiness_facts.months_after(issued, 12 * years)
        records.set_document(
            actor=editor,
            enterprise=enterprise,
            kind=kind,
            number=number,
            issued_on=issued,
            expires_on=expires,
        )

    if "sku_expired" in failures:
        issued = day_between(rng, start, DEMO_TODAY - dt.timedelta(days=400))
        record("sku", f"503/{rng.randint(10, 999)}/SKU/{issued.year}", issued, 1)
    elif "no_licence" not in failures:
        record("nib", f"9120{rng.randint(10**8, 10**9 - 1)}", day_between(rng, start, last), None)
        if rng.random() < 0.2:
            issued = day_between(rng, max(start, DEMO_TODAY - dt.timedelta(days=300)), last)
            record("sku", f"503/{rng.randint(10, 999)}/SKU/{issued.year}", issued, 1)
    needs_npwp = plan.ask > 50 * JT
    if (needs_npwp and "no_npwp" not in failures) or (not needs_npwp and rng.random() < 0.3):
        if plan.legal_form == "perorangan":
            npwp = f"{rng.randint(10, 99)}{rng.randint(10**12, 10**13 - 1)}"  # 15 digits
        else:
            npwp = f"0{rng.randint(10, 99)}{rng.randint(10**12, 10**13 - 1)}"  # entity, 16
        record("npwp", npwp, day_between(rng, start, last), None)
    if plan.kind.sector in vocab.FOOD_SECTORS and "food_permit_missing" not in failures:
        regency = plan.place.regency.replace(".", "")
        if "food_permit_expired" in failures:
            issued = day_between(rng, dt.date(2019, 1, 1), dt.date(2021, 9, 30))
            record(
                "spp_irt",
                f"2{rng.randint(10, 99)}{regency}{rng.randint(10**5, 10**6 - 1)}"
                f"-{(issued.year + 5) % 100:02d}",
                issued,
                5,
            )
        else:
            issued = day_between(rng, max(start, dt.date(2022, 1, 1)), last)
            record(
                "spp_irt",
                f"2{rng.randint(10, 99)}{regency}{rng.randint(10**5, 10**6 - 1)}"
                f"-{(issued.year + 5) % 100:02d}",
                issued,
                5,
            )
            if rng.random() < 0.5:
                halal = day_between(rng, dt.date(2021, 6, 1), last)
                record("halal", f"ID{regency[:2]}{rng.randint(10**14, 10**15 - 1)}", halal, 4)
            if plan.legal_form in ("pt", "cv") and rng.random() < 0.5:
                record("bpom", f"MD {rng.randint(10**11, 10**12 - 1)}", issued, 5)


def _revenues(world: World, plan: Plan, enterprise: Enterprise, editor: User) -> None:
    if not plan.months:
        return
    rng = world.rng
    amounts = {}
    for month in records.recent_months(DEMO_TODAY, plan.months):
        factor = rng.uniform(0.8, 1.2)
        # Lebaran 2026 fell on 20 March: food and clothing sell most in February and March.
        if plan.kind.seasonal and month in (dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
            factor *= 1.4
        amounts[month] = round_to(plan.monthly * factor, 10_000)
    records.set_revenues(actor=editor, enterprise=enterprise, revenues=amounts)


_ATTESTABLE = (
    "identity",
    "business_licence",
    "bookkeeping",
    "revenue_history",
    "bank_account",
    "food_permit",
)
_ATTEST_NOTES = {
    "identity": "KTP asli dilihat saat kunjungan.",
    "business_licence": "NIB dicek di OSS.",
    "bookkeeping": "Buku kas harian diperiksa.",
    "revenue_history": "Cocok dengan buku penjualan.",
    "bank_account": "Buku tabungan dilihat.",
    "food_permit": "Sertifikat asli dilihat.",
}


def _attest(
    world: World, enterprise: Enterprise, facilitator: User, *, attested_on: dt.date, count: int
) -> None:
    """The facilitator's "diverifikasi pendamping" on items the profile meets, through the same
    service the readiness page uses. The facilitator is the enterprise's own pendamping."""
    assessment = enterprise_services.assess(enterprise, today=DEMO_TODAY)
    met = [
        item.code
        for item in assessment.checklist
        if item.met and item.counts and item.code in _ATTESTABLE
    ]
    for code in met[:count]:
        programme_services.attest_item(
            facilitator=facilitator,
            enterprise=enterprise,
            item_code=code,
            note=_ATTEST_NOTES[code],
            today=attested_on,
        )
        world.attestations += 1
    db.session.flush()
    db.session.expire(enterprise, ["attestations"])


# --- the two demo owners (data/owners.toml) ---------------------------------------------------
def _as_owner(plan: Plan, owner: OwnerSpec) -> Plan:
    for field_name, value in owner.plan:
        setattr(plan, field_name, set(value) if field_name == "failures" else value)
    return plan


def _fill_draft(
    world: World, plan: Plan, enterprise: Enterprise, editor: User, *, owner_phone: str
) -> None:
    enterprise_services.update_profile(
        actor=editor,
        enterprise=enterprise,
        data={
            "legal_form": "perorangan",
            "sector": "food",
            "owner_name": plan.owner_name,
            "province_code": plan.place.province,
            "regency_code": plan.place.regency,
            "products": "Jamu kunyit asam dan beras kencur, botol 250 ml",
            "founded_on": plan.founded_on,
            "employees": 1,
            "women_employees": 1,
            "women_led": True,
        },
        owner_phone=owner_phone,
    )
    _revenues(world, plan, enterprise, editor)


DEMO_OWNERS: dict[tuple[str, int], OwnerSpec] = {(owner.cohort, 0): owner for owner in OWNERS}
