import datetime as dt
import io

import pytest
from PIL import Image
from sqlalchemy import select, text

from marketplace import storage
from marketplace.accounts import registration as account_registration
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.models import latest_today
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles import investors as investor_services
from marketplace.profiles import photos, records
from marketplace.profiles.models import Enterprise
from marketplace.programmes import services as programme_services


@pytest.fixture
def owner(make):
    return make.owner()


@pytest.fixture
def enterprise(make, owner):
    return make.enterprise_of(owner)


def test_update_profile_saves_fields_and_renames_the_organisation(db, owner, enterprise):
    enterprise_services.update_profile(
        actor=owner,
        enterprise=enterprise,
        data={
            "name": "Keripik Tempe Bu Sri",
            "sector": "food",
            "province_code": "52",
            "regency_code": "52.03",
            "capital": 15_000_000,
            "ask_instruments": ["kur", "qard"],
        },
    )
    db.session.commit()
    assert enterprise.name == "Keripik Tempe Bu Sri"
    assert enterprise.organisation.name == "Keripik Tempe Bu Sri"
    assert enterprise.ask_instruments == ["kur", "qard"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"province_code": "32", "regency_code": "52.03"}, "regency_code"),
        ({"regency_code": "99.99"}, "regency_code"),
        ({"province_code": "99"}, "province_code"),
        ({"employees": 3, "women_employees": 4}, "women_employees"),
        ({"founded_on": dt.date.today() + dt.timedelta(days=1)}, "founded_on"),
        ({"sector": "weapons"}, "sector"),
        ({"ask_instruments": ["loan", "bitcoin"]}, "ask_instruments"),
        ({"capital": -5}, "capital"),
        ({"ask_amount": 0}, "ask_amount"),
        ({"tenor_months": 0}, "tenor_months"),
        ({"name": "   "}, "name"),
    ],
)
def test_update_profile_refuses_bad_input_naming_the_field(owner, enterprise, data, field):
    with pytest.raises(ValidationError) as error:
        enterprise_services.update_profile(actor=owner, enterprise=enterprise, data=data)
    assert error.value.field == field


def test_profit_may_be_a_loss(db, owner, enterprise):
    enterprise_services.update_profile(
        actor=owner, enterprise=enterprise, data={"profit_last_year": -2_500_000}
    )
    assert enterprise.profit_last_year == -2_500_000


def test_another_owner_cannot_update_the_profile(make, enterprise):
    other = make.owner()
    with pytest.raises(PermissionDenied):
        enterprise_services.update_profile(
            actor=other, enterprise=enterprise, data={"name": "Hijacked"}
        )


def test_nik_is_stored_encrypted_and_masked_for_others(db, make, owner, enterprise):
    enterprise_services.update_profile(
        actor=owner, enterprise=enterprise, data={}, nik="3201 0101 0190 0001"
    )
    db.session.commit()
    raw = db.session.execute(
        text("SELECT owner_nik_encrypted FROM enterprises WHERE id = :id"), {"id": enterprise.id}
    ).scalar()
    assert "3201010101900001" not in raw
    assert enterprise.nik_masked == "3201********0001"
    assert enterprise_services.reveal_nik(viewer=owner, enterprise=enterprise) == "3201010101900001"
    investor = make.investor()
    assert (
        enterprise_services.reveal_nik(viewer=investor, enterprise=enterprise) == "3201********0001"
    )


def test_facilitator_of_the_enterprise_sees_the_full_nik(db, make, owner, enterprise):
    enterprise_services.set_nik(enterprise=enterprise, nik="3201010101900001")
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    other_facilitator = make.facilitator()
    assert (
        enterprise_services.reveal_nik(viewer=facilitator, enterprise=enterprise)
        == "3201010101900001"
    )
    assert (
        enterprise_services.reveal_nik(viewer=other_facilitator, enterprise=enterprise)
        == "3201********0001"
    )


def test_owner_phone_is_normalised(owner, enterprise):
    enterprise_services.update_profile(
        actor=owner, enterprise=enterprise, data={}, owner_phone="0812-3456-7890"
    )
    assert enterprise.owner_phone == "+6281234567890"


def test_publish_lists_what_is_missing_then_publishes(db, owner, enterprise):
    with pytest.raises(ValidationError) as error:
        enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
    assert str(enterprise_services.REQUIRED_TO_PUBLISH["sector"]) in str(error.value.message)
    enterprise_services.update_profile(
        actor=owner,
        enterprise=enterprise,
        data={
            "sector": "food",
            "legal_form": "perorangan",
            "province_code": "32",
            "regency_code": "32.01",
            "products": "Keripik",
            "ask_amount": 20_000_000,
            "ask_instruments": ["kur"],
        },
    )
    enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
    assert enterprise.is_published and enterprise.published_at is not None
    enterprise_services.unpublish_profile(actor=owner, enterprise=enterprise)
    assert enterprise.status == "draft"


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("nib", "1234 5678 90123", "1234567890123"),
        # PMK 112/2022: an old 15-digit NPWP is stored as 16 digits with a leading 0.
        ("npwp", "01.234.567.8-901.000", "0012345678901000"),
        ("npwp", "0012345678901000", "0012345678901000"),
        ("halal", "ID00110012345", "ID00110012345"),
    ],
)
def test_set_document_normalises_numbers(owner, enterprise, kind, number, stored):
    document = records.set_document(
        actor=owner,
        enterprise=enterprise,
        kind=kind,
        number=number,
        issued_on=None,
        expires_on=None,
    )
    assert document.number == stored


def test_set_document_refuses_a_short_nib_and_expiry_before_issue(owner, enterprise):
    with pytest.raises(ValidationError) as error:
        records.set_document(
            actor=owner,
            enterprise=enterprise,
            kind="nib",
            number="123456789012",
            issued_on=None,
            expires_on=None,
        )
    assert error.value.field == "number"
    with pytest.raises(ValidationError):
        records.set_document(
            actor=owner,
            enterprise=enterprise,
            kind="halal",
            number="X",
            issued_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2025, 1, 1),
        )


def _halal_issued(owner, enterprise, issued_on: dt.date):
    return records.set_document(
        actor=owner,
        enterprise=enterprise,
        kind="halal",
        number="X",
        issued_on=issued_on,
        expires_on=None,
    )


def test_dates_after_today_are_refused_where_they_cannot_have_happened(owner, enterprise):
    tomorrow = latest_today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _halal_issued(owner, enterprise, tomorrow)
    assert error.value.field == "issued_on"
    for started, completed, field in (
        (tomorrow, None, "started_on"),
        (None, tomorrow, "completed_on"),
    ):
        with pytest.raises(ValidationError) as error:
            records.add_mentoring_record(
                actor=owner,
                enterprise=enterprise,
                programme_name="Inkubator Pangan",
                cohort_name=None,
                started_on=started,
                completed_on=completed,
                modules_completed=None,
            )
        assert error.value.field == field
    # Today in Papua (UTC+9) is still today when it is yesterday in UTC.
    assert _halal_issued(owner, enterprise, latest_today()).issued_on == latest_today()


def test_today_is_the_date_in_the_countrys_easternmost_zone():
    late_evening_utc = dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC)  # 01.30 WIT, 7 Dec
    assert latest_today(late_evening_utc) == dt.date(2026, 12, 7)
    assert latest_today(dt.datetime(2026, 12, 6, 14, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 6)


def test_set_document_twice_replaces_it(db, owner, enterprise):
    records.set_document(
        actor=owner,
        enterprise=enterprise,
        kind="nib",
        number="1234567890123",
        issued_on=None,
        expires_on=None,
    )
    records.set_document(
        actor=owner,
        enterprise=enterprise,
        kind="nib",
        number="9999999999999",
        issued_on=None,
        expires_on=None,
    )
    db.session.expire(enterprise)
    assert [d.number for d in enterprise.documents] == ["9999999999999"]


def test_revenues_feed_the_readiness_assessment(db, owner, enterprise):
    months = records.recent_months(dt.date(2026, 11, 23))
    assert months[0] == dt.date(2026, 10, 1) and len(months) == 6
    records.set_revenues(
        actor=owner, enterprise=enterprise, revenues={m: 4_000_000 for m in months}
    )
    facts = enterprise_services.readiness_facts(enterprise)
    assert facts.monthly_revenues == (4_000_000,) * 6


def test_readiness_counts_completed_mentoring_and_shows_attestations(db, make, owner, enterprise):
    facilitator = make.facilitator(name="Ibu Wayan")
    enrolment = make.enrol(facilitator, enterprise)
    programme_services.set_enrolment_status(
        facilitator=facilitator, enrolment=enrolment, status="completed"
    )
    enterprise_services.set_nik(enterprise=enterprise, nik="3201010101900001")
    programme_services.attest_item(
        facilitator=facilitator,
        enterprise=enterprise,
        item_code="identity",
        today=dt.date(2026, 8, 17),
    )
    db.session.expire(enterprise)
    assessment = enterprise_services.assess(enterprise, today=dt.date(2026, 11, 1))
    assert enterprise_services.readiness_facts(enterprise).mentoring_completed
    assert assessment.item("identity").attested == ("Ibu Wayan", dt.date(2026, 8, 17))


def _mandate(**overrides):
    values = dict(
        investor_kind="sharia_financier",
        sectors=["food"],
        provinces=["52"],
        ticket_min=5_000_000,
        ticket_max=50_000_000,
        instruments=["murabahah", "musyarakah"],
        sharia_only=True,
        impact_themes=["women_led"],
        min_stage="layak",
        thesis="  UMKM pangan  ",
    )
    values.update(overrides)
    return investor_services.MandateData(**values)


def test_save_mandate_creates_then_updates(db, make):
    investor = make.investor()
    mandate = investor_services.save_mandate(
        actor=investor, organisation=investor.organisation, data=_mandate()
    )
    assert mandate.thesis == "UMKM pangan" and mandate.sharia_only
    again = investor_services.save_mandate(
        actor=investor, organisation=investor.organisation, data=_mandate(ticket_max=80_000_000)
    )
    assert again.id == mandate.id and again.ticket_max == 80_000_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ticket_min": 60_000_000}, "ticket_max"),
        # A sharia-only mandate offering only a conventional loan; "kur" alone would be KUR syariah.
        ({"instruments": ["loan"]}, "instruments"),
        ({"instruments": []}, "instruments"),
        ({"provinces": ["99"]}, "provinces"),
        ({"sectors": ["casino"]}, "sectors"),
        ({"investor_kind": ""}, "investor_kind"),
    ],
)
def test_save_mandate_refuses_inconsistent_mandates(make, overrides, field):
    investor = make.investor()
    with pytest.raises(ValidationError) as error:
        investor_services.save_mandate(
            actor=investor, organisation=investor.organisation, data=_mandate(**overrides)
        )
    assert error.value.field == field


def test_only_members_edit_their_organisations_mandate(make):
    investor, other = make.investor(), make.investor()
    with pytest.raises(PermissionDenied):
        investor_services.save_mandate(
            actor=other, organisation=investor.organisation, data=_mandate()
        )


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (2000, 1000), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_add_photo_stores_two_stripped_renditions_after_commit(db, owner, enterprise):
    photo = photos.add_photo(actor=owner, enterprise=enterprise, data=_jpeg_with_exif())
    with pytest.raises(FileNotFoundError):
        storage.open_path(photo.large_key)  # not final before commit
    db.session.commit()
    large = storage.read(photo.large_key)
    assert b"PhoneMaker" not in large and b"Exif" not in large
    with Image.open(io.BytesIO(large)) as image:
        assert image.height > image.width  # rotated upright
        assert max(image.size) <= 1280
    with Image.open(io.BytesIO(storage.read(photo.small_key))) as image:
        assert max(image.size) <= 320


def test_a_rolled_back_photo_leaves_no_file(db, app, owner, enterprise):
    from pathlib import Path

    photos.add_photo(actor=owner, enterprise=enterprise, data=_jpeg_with_exif())
    db.session.rollback()
    assert not [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def test_files_cleanup_removes_orphans_and_keeps_referenced_files(db, app, owner, enterprise):
    photo = photos.add_photo(actor=owner, enterprise=enterprise, data=_jpeg_with_exif())
    db.session.commit()
    orphan_key = storage.save(b"%PDF-1.4 orphan", suffix=".pdf", session=db.session())
    db.session.commit()
    report = storage.cleanup()
    assert report["orphans"] == [orphan_key]
    assert storage.read(photo.large_key)


def test_a_photo_that_is_not_an_image_is_refused(owner, enterprise):
    from marketplace.uploads import UploadRejected

    with pytest.raises(UploadRejected):
        photos.add_photo(
            actor=owner, enterprise=enterprise, data=b"<html><script>alert(1)</script></html>"
        )


def test_registering_an_owner_creates_an_enterprise_draft(db):
    user = account_registration.register_user(
        email="Pak.Budi@Example.id",
        name="Pak Budi",
        password="bakso-urat-solo",
        role="owner",
        organisation_name="Bakso Pak Budi",
    )
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == user.organisation_id)
    )
    assert user.email == "pak.budi@example.id"
    assert enterprise.name == "Bakso Pak Budi" and enterprise.status == "draft"


@pytest.mark.parametrize(
    ("npwp", "ok"),
    [
        ("3201010101900001", True),  # the NIK itself
        ("3201010101909999", False),  # another person's number
        ("01.234.567.8-901.000", True),  # an old number, converted: not an NIK
    ],
)
def test_a_sole_proprietors_npwp_must_be_the_owners_nik(owner, enterprise, npwp, ok):
    enterprise.legal_form = "perorangan"
    enterprise_services.set_nik(enterprise=enterprise, nik="3201010101900001")
    kwargs = dict(actor=owner, enterprise=enterprise, kind="npwp", number=npwp)
    if ok:
        records.set_document(**kwargs, issued_on=None, expires_on=None)
    else:
        with pytest.raises(ValidationError) as error:
            records.set_document(**kwargs, issued_on=None, expires_on=None)
        assert error.value.field == "number"


@pytest.mark.parametrize("kind", ["halal", "spp_irt"])
def test_a_certificate_without_number_or_date_does_not_tick_the_readiness_item(
    db, owner, enterprise, kind
):
    def held():
        db.session.expire(enterprise, ["documents"])
        return kind in enterprise_services.readiness_facts(enterprise).documents

    for number, issued_on in ((None, dt.date(2025, 3, 1)), ("ID123", None), (None, None)):
        records.set_document(
            actor=owner,
            enterprise=enterprise,
            kind=kind,
            number=number,
            issued_on=issued_on,
            expires_on=None,
        )
        assert not held(), (number, issued_on)
    records.set_document(
        actor=owner,
        enterprise=enterprise,
        kind=kind,
        number="ID00110012345",
        issued_on=dt.date(2025, 3, 1),
        expires_on=None,
    )
    assert held()


def test_the_documents_page_says_an_incomplete_certificate_does_not_count(
    db, client, login, owner, enterprise
):
    records.set_document(
        actor=owner,
        enterprise=enterprise,
        kind="halal",
        number=None,
        issued_on=None,
        expires_on=None,
    )
    db.session.commit()
    login(owner)
    page = client.get(f"/enterprises/{enterprise.id}/documents").get_data(as_text=True)
    assert "not-counted" in page and "tidak dihitung untuk kesiapan" in page


def test_load_with_empty_collections_loads_the_profile_and_marks_its_empty_ones(db, enterprise):
    from sqlalchemy import event, inspect

    from marketplace.profiles.models import LegalDocument

    db.session.add(LegalDocument(enterprise=enterprise, kind="nib", number="1234567890123"))
    db.session.commit()
    enterprise_id = enterprise.id
    db.session.expunge_all()
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    loaded = enterprise_services.load_with_empty_collections(enterprise_id)

    assert loaded is db.session.get(Enterprise, enterprise_id)
    assert len(statements) == 1  # the row and the flags together; get() finds it in the session
    unloaded = inspect(loaded).unloaded
    assert "documents" in unloaded and not {"revenues", "photos", "mentoring"} & unloaded
    assert (loaded.revenues, loaded.photos, loaded.mentoring) == ([], [], [])
    assert [d.kind for d in loaded.documents] == ["nib"]
    assert len(statements) == 2
    assert enterprise_services.load_with_empty_collections(enterprise_id + 999) is None


def test_skip_empty_collections_marks_only_the_empty_ones_loaded(db, enterprise):
    from sqlalchemy import event, inspect

    from marketplace.profiles.models import LegalDocument

    db.session.add(LegalDocument(enterprise=enterprise, kind="nib", number="1234567890123"))
    db.session.commit()
    enterprise_id = enterprise.id
    db.session.expunge_all()
    loaded = db.session.get(Enterprise, enterprise_id)

    enterprise_services.skip_empty_collections(loaded)

    unloaded = inspect(loaded).unloaded
    assert "documents" in unloaded  # has a row: loads as usual when read
    assert not {"revenues", "photos", "mentoring", "attestations"} & unloaded
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert (loaded.revenues, loaded.photos, loaded.mentoring) == ([], [], [])
    assert statements == []  # the empty ones cost no query
    assert [d.kind for d in loaded.documents] == ["nib"]
    assert len(statements) == 1
