"""View helpers shared by every domain (marketplace/web.py)."""

from flask import url_for

from marketplace.web import download, id_url


def test_id_url_builds_what_url_for_builds(app):
    with app.test_request_context("/"):
        cases = [
            ("matching.shortlist_add", "enterprise_id", {}),
            ("matching.new_meeting", "enterprise_id", {}),
            ("profiles.photo", "photo_id", {"size": "small"}),
        ]
        for endpoint, param, values in cases:
            build = id_url(endpoint, param, **values)
            for value in (1, 7, 42, 987_654_321, 2**63 - 1):
                assert build(value) == url_for(endpoint, **{param: value}, **values)


def test_id_url_under_a_script_root(app):
    with app.test_request_context("/", base_url="http://localhost/temumodal/"):
        build = id_url("profiles.profile", "enterprise_id")
        assert build(12) == url_for("profiles.profile", enterprise_id=12)
        assert build(12).startswith("/temumodal/")


def test_download_is_an_attachment_no_cache_keeps(app):
    with app.test_request_context("/"):
        response = download("a;b\n", mimetype="text/csv", filename="orders-event-7.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="orders-event-7.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True) == "a;b\n"
