from marketplace.extensions import db


def test_cohort_on_behalf_with_a_wrong_phone_keeps_the_name(make, login, client):
    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator), regency_code="52.03")
    db.session.commit()
    login(facilitator)
    response = client.post(
        f"/cohorts/{cohort.id}",
        data={
            "behalf-name": "Dodol Rumput Laut",
            "behalf-owner_name": "Inaq Sahnun",
            "behalf-owner_phone": "12345",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Dodol Rumput Laut"' in page and 'id="behalf-owner_phone-error"' in page
    response = client.post(
        f"/cohorts/{cohort.id}",
        data={
            "behalf-name": "Dodol Rumput Laut",
            "behalf-owner_name": "Inaq Sahnun",
            "behalf-owner_phone": "0819 1234 5678",
        },
    )
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
