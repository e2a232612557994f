"""Behind a reverse proxy (FLASK_TRUSTED_PROXIES=1) the client's address comes from
X-Forwarded-For, so per-client rate limits and the audit log see clients, not the proxy; without
it the header is ignored, since any client could send one."""

from __future__ import annotations

import pytest
from flask import request

from marketplace import create_app


@pytest.mark.parametrize(("hops", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_is_trusted_from_the_proxy_only_when_configured(tmp_path, hops, seen):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "TRUSTED_PROXIES": hops,
        }
    )

    @app.get("/_address")
    def _address():
        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/_address",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert response.text == f"{seen} {'https' if hops else 'http'}"
