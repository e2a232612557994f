import datetime as dt
import io
import re

import pytest
from PIL import Image

from marketplace.extensions import db
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise, Mandate
from marketplace.profiles.records import recent_months


@pytest.fixture
def owner_client(make, login, client):
    owner = make.owner()
    login(owner)
    return client, owner, make.enterprise_of(owner)


def _profile_form(**overrides):
    data = {
        "name": "Keripik Tempe Bu Sri",
        "legal_form": "perorangan",
        "sector": "food",
        "products": "Keripik tempe",
        "province_code": "32",
        "regency_code": "32.01",
        "employees": "5",
        "women_employees": "4",
        "capital": "15.000.000",
        "annual_turnover": "Rp 120.000.000",
        "profit_last_year": "-1.500.000",
        "ask_amount": "50000000",
        "ask_instruments": ["kur", "murabahah"],
        "tenor_months": "24",
        "has_bank_account": "y",
        "keeps_books": "y",
    }
    data.update(overrides)
    return data


def test_owner_saves_a_draft_with_money_typed_the_indonesian_way(owner_client):
    client, _owner, enterprise = owner_client
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form())
    assert response.status_code == 302
    saved = db.session.get(Enterprise, enterprise.id)
    db.session.refresh(saved)
    assert saved.capital == 15_000_000 and saved.annual_turnover == 120_000_000
    assert saved.profit_last_year == -1_500_000 and saved.ask_amount == 50_000_000
    assert saved.ask_instruments == ["kur", "murabahah"] and saved.status == "draft"


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"capital": "lima juta"}, "capital"),
        ({"women_employees": "9"}, "women_employees"),
        ({"regency_code": "52.03"}, "regency_code"),
        ({"nik": "12345"}, "nik"),
        ({"owner_phone": "12345"}, "owner_phone"),
    ],
)
def test_a_wrong_field_shows_its_message_and_keeps_what_was_typed(
    owner_client, overrides, field_id
):
    client, _owner, enterprise = owner_client
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field_id}-error"' in page
    assert 'value="Keripik Tempe Bu Sri"' in page and "Keripik tempe" in page
    assert db.session.get(Enterprise, enterprise.id).capital is None


def test_monthly_revenue_typed_wrong_keeps_the_form(owner_client):
    client, _owner, enterprise = owner_client
    form = _profile_form()
    month = recent_months(dt.date.today())[0]
    form[f"revenue_{month:%Y_%m}"] = "banyak"
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="banyak"' in page
    # The parser's own words, as on every other money field: what to write instead.
    assert "Isi jumlah dalam rupiah, misalnya 50.000.000" in page


def test_monthly_revenue_in_millions_written_m_is_explained_as_elsewhere(owner_client):
    # On an English page "2 M" could mean two million or two miliar: the profile's monthly
    # revenue says so, as the check-in and the ask amount do, instead of "write digits".
    client, _owner, enterprise = owner_client
    client.post("/language", data={"locale": "en"})
    form = _profile_form()
    month = recent_months(dt.date.today())[0]
    form[f"revenue_{month:%Y_%m}"] = "2 M"
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "instead of M" in page and 'value="2 M"' in page


def test_publish_then_public_summary_hides_finances_from_anonymous(owner_client, app):
    client, _owner, enterprise = owner_client
    client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form())
    response = client.post(f"/enterprises/{enterprise.id}/publish")
    assert response.status_code == 302
    anonymous = app.test_client()
    page = anonymous.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "Keripik Tempe Bu Sri" in page and "15.000.000" not in page
    readiness = anonymous.get(f"/enterprises/{enterprise.id}/readiness")
    assert readiness.status_code == 302 and "/login" in readiness.headers["Location"]


def test_readiness_page_shows_stage_checklist_and_routes(owner_client):
    client, _owner, enterprise = owner_client
    client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(annual_turnover=""))
    client.post("/language", data={"locale": "en", "next": "/"})
    page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    # No sales recorded and no NIB or SKU: still a business idea, told how to become a business.
    assert "Business idea or embryo (embrio usaha)" in page and "From idea to business" in page
    assert "KUR micro" in page and "NPWP" in page
    assert "Social-investment readiness" in page and "Use of funds" in page
    month = recent_months(dt.date.today())[0]
    form = _profile_form(annual_turnover="", **{f"revenue_{month:%Y_%m}": "2.000.000"})
    assert client.post(f"/enterprises/{enterprise.id}/edit", data=form).status_code == 302
    page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    assert "Not yet eligible" in page and "From idea to business" not in page


def test_an_annual_turnover_alone_makes_a_business_not_an_idea(owner_client):
    # Issue 13: Rp120 jt a year without monthly rows was told "no sales recorded".
    client, _owner, enterprise = owner_client
    client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(founded_on="2021-01-01"))
    client.post("/language", data={"locale": "en", "next": "/"})
    page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    assert "Not yet eligible" in page and "From idea to business" not in page


def test_graduation_is_saved_and_shown_to_an_investor_only_with_consent(owner_client, make, login):
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/edit",
        data=_profile_form(
            women_led="y",
            graduated_from="pkh",
            graduated_on="2026-03-01",
            name="Usaha Bu Sri",
            annual_turnover="",  # a turnover is evidence of sales: this one is still an idea
        ),
    )
    assert response.status_code == 302
    db.session.refresh(enterprise)
    assert (enterprise.graduated_from, enterprise.graduated_on) == ("pkh", dt.date(2026, 3, 1))
    assert enterprise.pkh_graduate and not enterprise.share_pkh_graduate
    enterprise.status = "published"
    db.session.commit()
    # Still an idea (no sales, no NIB): the embryo steps name the referral graduation opens.
    referral = "Sebagai keluarga graduasi PKH (Program Keluarga Harapan)"
    own = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    assert referral in own  # the owner reads it (Indonesian by default)
    login(make.investor())
    for path in (f"/enterprises/{enterprise.id}/readiness", f"/enterprises/{enterprise.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "Program Keluarga Harapan" not in page and "Graduasi dari" not in page, path
    readiness_page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    assert "Syarat berdasarkan informasi yang tidak dibagikan pemilik" in readiness_page
    enterprise.share_pkh_graduate = True
    db.session.commit()
    page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    assert referral in page


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"graduated_on": "2026-03-01"}, "graduated_from"),
        ({"graduated_from": "pkh", "graduated_on": "2999-01-01"}, "graduated_on"),
    ],
)
def test_a_wrong_graduation_is_refused_next_to_its_field(owner_client, overrides, field_id):
    client, _owner, enterprise = owner_client
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(**overrides))
    assert response.status_code == 422
    assert f'id="{field_id}-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(dt.date(2026, 10, 17), False), (dt.date(2026, 10, 18), True), (dt.date(2026, 12, 5), True)],
)
def test_readiness_page_says_halal_is_overdue_from_18_october_2026(
    owner_client, monkeypatch, today, overdue
):
    from marketplace.profiles import views

    client, _owner, enterprise = owner_client
    client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form())
    monkeypatch.setattr(views, "readiness_today", lambda: today)
    page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    assert ("Terlambat: sertifikasi halal wajib" in page) is overdue
    assert ("Urus sertifikasi halal sebelum 18 Oktober 2026" in page) is (not overdue)
    assert "Aturan yang kami pakai" in page and "PP 42/2024 pasal 160" in page


def test_the_readiness_page_names_each_rules_source_or_says_the_rule_is_ours(owner_client):
    client, _owner, enterprise = owner_client
    client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form())
    page = client.get(f"/enterprises/{enterprise.id}/readiness").get_data(as_text=True)
    rules = page.split("Aturan yang kami pakai", 1)[1]

    # Food safety is its own obligation with its own source, and names the OSS route.
    assert "PP 5/2021" in rules and "SPP-IRT lewat OSS di PTSP kabupaten/kota" in rules
    # The KUR articles could not be read: the page says so instead of inventing them.
    assert "hanya dapat membaca ringkasan publik peraturan ini" in rules
    assert "Usaha baru dan KUR super mikro: Permenko Perekonomian 1/2026" in rules
    assert "Permenkop UKM 4/2020" in rules and "mengutamakan pembiayaan koperasi" in rules
    # Rules with no public source say they are ours.
    for rule in ("Ekuitas", "Bagi hasil pendapatan", "Hibah", "Omzet 6 bulan", "Pendampingan"):
        assert f"{rule}" in rules
    assert rules.count("aturan kami sendiri") >= 5


def test_the_2026_profile_facts_are_saved_from_the_form(owner_client):
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/edit",
        data=_profile_form(
            legal_form="koperasi",
            in_business_group="y",
            family_member_business="y",
            current_programme_credit="y",
            koperasi_rat_held="y",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.in_business_group and enterprise.family_member_business
    assert enterprise.current_programme_credit and enterprise.koperasi_rat_held
    assert not (enterprise.in_training or enterprise.prior_commercial_credit)
    assert not enterprise.koperasi_shu_positive
    form = client.get(f"/enterprises/{enterprise.id}/edit").get_data(as_text=True)
    assert "tidak termasuk tanah dan bangunan" in form
    assert "Sedang mencicil kredit program pemerintah (KUR atau UMi)" in form


def test_a_15_digit_npwp_is_stored_as_16_and_the_owner_told(owner_client):
    client, _owner, enterprise = owner_client
    client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(legal_form="cv"))
    response = client.post(
        f"/enterprises/{enterprise.id}/documents",
        data={"kind": "npwp", "number": "01.234.567.8-901.000"},
        follow_redirects=True,
    )
    assert "format 16 digit dengan angka 0 di depan" in response.get_data(as_text=True)
    db.session.refresh(enterprise)
    assert [d.number for d in enterprise.documents if d.kind == "npwp"] == ["0012345678901000"]


def test_document_with_a_short_nib_is_refused_next_to_the_field(owner_client):
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/documents", data={"kind": "nib", "number": "123456789012"}
    )
    assert response.status_code == 422
    assert 'id="number-error"' in response.get_data(as_text=True)
    assert 'value="123456789012"' in response.get_data(as_text=True)


def test_a_document_with_a_bad_number_and_an_impossible_date_gets_both_errors(owner_client):
    # The form's own check (the date) and the service's (the number) in one submit.
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/documents",
        data={"kind": "nib", "number": "abc", "issued_on": "2026-02-31"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="number-error"' in page and 'id="issued_on-error"' in page
    assert "Tanggal 2026-02-31 tidak ada" in page and 'value="abc"' in page


def test_mentoring_with_a_future_start_and_an_impossible_end_gets_both_errors(owner_client):
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/mentoring",
        data={
            "programme_name": "Inkubator",
            "started_on": "2099-01-01",
            "completed_on": "2026-02-31",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tanggal mulai setelah hari ini" in page and "Tanggal 2026-02-31 tidak ada" in page
    assert 'value="Inkubator"' in page and 'value="2026-02-31"' in page


def test_uploading_html_as_a_photo_is_refused_with_a_message(owner_client):
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/photos",
        data={"photo": (io.BytesIO(b"<html><script>x</script>"), "foto.jpg"), "caption": "Kue"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="photo-error"' in page and 'value="Kue"' in page


def test_a_photo_is_served_with_sandbox_headers(owner_client):
    client, _owner, enterprise = owner_client
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 80)).save(buffer, "PNG")
    response = client.post(
        f"/enterprises/{enterprise.id}/photos",
        data={"photo": (io.BytesIO(buffer.getvalue()), "produk.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    photo = db.session.get(Enterprise, enterprise.id).photos[0]
    served = client.get(f"/photos/{photo.id}/small")
    assert served.status_code == 200
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.mimetype == photo.mime
    served.close()


def test_a_public_photo_is_revalidated_and_stops_showing_once_the_profile_is_unpublished(
    owner_client, app
):
    client, owner, enterprise = owner_client
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 80)).save(buffer, "PNG")
    client.post(
        f"/enterprises/{enterprise.id}/photos",
        data={"photo": (io.BytesIO(buffer.getvalue()), "produk.png")},
        content_type="multipart/form-data",
    )
    db.session.get(Enterprise, enterprise.id).status = "published"
    db.session.commit()
    url = f"/photos/{db.session.get(Enterprise, enterprise.id).photos[0].id}/small"
    visitor = app.test_client()

    served = visitor.get(url)
    assert served.headers["Cache-Control"] == "public, no-cache" and served.headers["ETag"]
    etag = served.headers["ETag"]
    served.close()
    enterprise_services.unpublish_profile(
        actor=owner, enterprise=db.session.get(Enterprise, enterprise.id)
    )
    db.session.commit()

    assert visitor.get(url, headers={"If-None-Match": etag}).status_code == 404


def test_an_oversized_upload_gets_the_friendly_413_page(owner_client, app):
    client, _owner, enterprise = owner_client
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        f"/enterprises/{enterprise.id}/photos",
        data={"photo": (io.BytesIO(b"x" * 4096), "besar.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


def test_mandate_form_refuses_min_above_max_and_keeps_values(make, login, client):
    investor = make.investor()
    login(investor)
    response = client.post(
        "/mandate",
        data={
            "investor_kind": "sharia_financier",
            "ticket_min": "100.000.000",
            "ticket_max": "10.000.000",
            "instruments": ["murabahah"],
            "sharia_only": "y",
            "min_stage": "layak",
            "thesis": "Pangan halal di NTB",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="ticket_max-error"' in page and "Pangan halal di NTB" in page
    response = client.post(
        "/mandate",
        data={
            "investor_kind": "sharia_financier",
            "ticket_min": "10.000.000",
            "ticket_max": "100.000.000",
            "instruments": ["murabahah"],
            "sharia_only": "y",
            "provinces": ["52", "73"],
            "min_stage": "layak",
        },
    )
    assert response.status_code == 302
    mandate = db.session.query(Mandate).one()
    assert mandate.provinces == ["52", "73"] and mandate.ticket_max == 100_000_000


@pytest.mark.parametrize(
    ("locale", "typed", "expected"),
    [
        (
            "id",
            {"capital": "15 jt", "ask_amount": "1,5 M", "annual_turnover": "Rp 120 juta"},
            (15_000_000, 1_500_000_000, 120_000_000),
        ),
        (
            "id",
            {
                "capital": "Rp 15.000.000,00",
                "ask_amount": "Rp 250.000.000,-",
                "annual_turnover": "120,000,000",
            },
            (15_000_000, 250_000_000, 120_000_000),
        ),
        (
            "en",
            {
                "capital": "15,000,000",
                "ask_amount": "50.5 million",
                "annual_turnover": "120.000.000",
            },
            (15_000_000, 50_500_000, 120_000_000),
        ),
    ],
)
def test_the_profile_reads_money_as_people_write_it_in_either_language(
    owner_client, locale, typed, expected
):
    client, _owner, enterprise = owner_client
    client.post("/language", data={"locale": locale})
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(**typed))
    assert response.status_code == 302
    saved = db.session.get(Enterprise, enterprise.id)
    db.session.refresh(saved)
    assert (saved.capital, saved.ask_amount, saved.annual_turnover) == expected


def test_an_english_m_is_refused_with_a_message_and_kept(owner_client):
    client, _owner, enterprise = owner_client
    client.post("/language", data={"locale": "en"})
    response = client.post(
        f"/enterprises/{enterprise.id}/edit", data=_profile_form(ask_amount="1.5M")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="ask_amount-error"' in page and "instead of M" in page and 'value="1.5M"' in page
    assert db.session.get(Enterprise, enterprise.id).ask_amount is None


def test_monthly_revenue_reads_words_too(owner_client):
    client, _owner, enterprise = owner_client
    form = _profile_form()
    month = recent_months(dt.date.today())[0]
    form[f"revenue_{month:%Y_%m}"] = "7,5 jt"
    assert client.post(f"/enterprises/{enterprise.id}/edit", data=form).status_code == 302
    page = client.get(f"/enterprises/{enterprise.id}/edit").get_data(as_text=True)
    assert 'value="7.500.000"' in page


def test_a_mandate_ticket_reads_words(make, login, client):
    login(make.investor())
    response = client.post(
        "/mandate",
        data={
            "investor_kind": "impact_fund",
            "ticket_min": "50 jt",
            "ticket_max": "1,5 miliar",
            "instruments": ["equity"],
            "min_stage": "layak",
        },
    )
    assert response.status_code == 302
    mandate = db.session.query(Mandate).one()
    assert (mandate.ticket_min, mandate.ticket_max) == (50_000_000, 1_500_000_000)


def test_the_profile_page_loads_each_row_once_and_keeps_the_nik_audit(app, db, make, login):
    # Committing the NIK audit entry before rendering expired the profile, and the template
    # loaded it and every relation a second time.
    from sqlalchemy import event, select

    from marketplace.audit import AuditEvent

    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    db.session.commit()
    enterprise_services.update_profile(
        actor=owner, enterprise=enterprise, data={}, nik="3201 0101 0190 0001"
    )
    db.session.commit()
    client = app.test_client()
    login(owner, on=client)
    enterprise_id = enterprise.id
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/enterprises/{enterprise_id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert "3201010101900001" in response.get_data(as_text=True)
    selects = [s for s in statements if s.startswith("SELECT")]
    repeated = [s for s in selects if selects.count(s) > 1]
    assert not repeated, repeated
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nik.viewed")).all()
    assert [entry.object_id for entry in viewed] == [enterprise_id]


def test_six_wrong_fields_show_six_errors_after_one_submit(owner_client):
    client, _owner, enterprise = owner_client
    month = recent_months(dt.date.today())[0]
    form = _profile_form(
        name="",  # the form's own validator
        capital="lima juta",  # unreadable amount
        women_employees="9",  # a rule of the service: more than all employees
        regency_code="52.03",  # a rule of the service: not in the chosen province
        nik="12345",
        owner_phone="12345",
    )
    form[f"revenue_{month:%Y_%m}"] = "banyak"
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    fields = ["name", "capital", "women_employees", "regency_code", "nik", "owner_phone"]
    revenue = f"revenue_{month:%Y_%m}"
    for field_id in [*fields, revenue]:
        assert f'id="{field_id}-error"' in page, field_id
        assert f'href="#{field_id}"' in page, field_id  # the summary links to the field
        assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', page), field_id
    assert page.count('aria-invalid="true"') == 7
    assert "7 masalah perlu diperbaiki" in page
    assert "<title>Kesalahan: " in page
    assert 'id="error-summary"' in page and "autofocus" in page
    assert 'value="lima juta"' in page and 'value="banyak"' in page  # nothing typed is lost


def test_the_error_summary_keeps_the_order_of_the_page(owner_client):
    # The monthly revenue inputs are not fields of the form object: their errors used to be
    # listed last, after the amount asked for, which stands below them.
    client, _owner, enterprise = owner_client
    month = recent_months(dt.date.today())[0]
    form = _profile_form(capital="lima juta", ask_amount="seratus")
    form[f"revenue_{month:%Y_%m}"] = "banyak"
    page = client.post(f"/enterprises/{enterprise.id}/edit", data=form).get_data(as_text=True)
    summary = page[
        page.index('id="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    assert re.findall(r'href="#([^"]+)"', summary) == [
        "capital",
        f"revenue_{month:%Y_%m}",
        "ask_amount",
    ]


def test_a_hint_is_linked_to_its_field(owner_client):
    client, _owner, enterprise = owner_client
    page = client.get(f"/enterprises/{enterprise.id}/edit").get_data(as_text=True)
    assert 'aria-describedby="owner_phone-hint"' in page and 'id="owner_phone-hint"' in page
    assert "Kesalahan:" not in page and 'id="error-summary"' not in page


def test_the_error_title_is_english_in_english(owner_client):
    client, _owner, enterprise = owner_client
    client.post("/language", data={"locale": "en", "next": "/"})
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=_profile_form(name=""))
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page and "1 problem to correct" in page


def test_removing_a_document_asks_for_the_box_to_be_ticked(owner_client):
    from marketplace.profiles.models import LegalDocument

    client, _owner, enterprise = owner_client
    db.session.add(LegalDocument(enterprise=enterprise, kind="nib", number="1234567890123"))
    db.session.commit()
    document = db.session.query(LegalDocument).one()
    url = f"/enterprises/{enterprise.id}/documents/{document.id}/delete"
    page = client.get(f"/enterprises/{enterprise.id}/documents").get_data(as_text=True)
    form = page[page.index(f'action="{url}"') :]
    form = form[: form.index("</form>")]
    assert 'name="confirm" value="y" required' in form and 'class="danger"' in form

    response = client.post(url, follow_redirects=True)
    assert "centang kotak" in response.get_data(as_text=True)
    assert db.session.query(LegalDocument).count() == 1  # nothing removed without the box

    assert client.post(url, data={"confirm": "y"}).status_code == 302
    assert db.session.query(LegalDocument).count() == 0


def test_the_nik_hint_says_investors_see_it_masked(owner_client):
    client, _owner, enterprise = owner_client
    page = client.get(f"/enterprises/{enterprise.id}/edit").get_data(as_text=True)
    assert "melihatnya tersamar" in page  # the promise matches what investors are shown
    assert "tidak pernah bisa melihatnya" not in page


def test_a_decimal_number_of_employees_gets_one_error_in_the_summary(owner_client):
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/edit", data=_profile_form(employees="1.5")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="employees-error"' in page
    assert page.count("Isi bilangan bulat, tanpa koma desimal.") == 2  # summary and field
    assert "Masukkan bilangan bulat dari 0 sampai" not in page and 'value="1.5"' in page


def test_whole_number_fields_left_empty_are_saved_as_not_given(owner_client):
    # A browser sends an empty string for an empty number box: that is "not given", not an
    # error (the owner of a young business does not know its tenor yet).
    client, _owner, enterprise = owner_client
    response = client.post(
        f"/enterprises/{enterprise.id}/edit",
        data=_profile_form(employees="", women_employees=" ", tenor_months=""),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert enterprise.employees is None and enterprise.tenor_months is None
