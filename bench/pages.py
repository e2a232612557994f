"""Page weight on first visit: each page's own HTML plus the CSS and JS it links.

Seeds the demo world into a temporary database, logs in as the demo owner, facilitator and
investor, and fetches their main pages in-process. Bar (QUALITY.md): <= 100 KB per page,
images aside. `--quick` is the same run (the demo takes a few seconds to load).

    python bench/pages.py [--quick]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from marketplace import create_app, demo  # noqa: E402
from marketplace.extensions import db  # noqa: E402

ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="temumodal-pages-"))
    app = create_app(
        {
            "ENV_NAME": "testing",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'pages.sqlite'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        demo.seed_demo()
        db.session.commit()
        owner_enterprise = demo_enterprise_id()
    client = app.test_client()
    journeys = {
        "pemilik@sarirasa.example.org": [
            "/dashboard",
            f"/enterprises/{owner_enterprise}",
            f"/enterprises/{owner_enterprise}/edit",
            f"/enterprises/{owner_enterprise}/readiness",
        ],
        "pendamping@ypuk.example.org": ["/dashboard", "/events"],
        "investor@brn-jatinegara.example.org": [
            "/search?q=keripik&sector=food",
            "/matches",
            "/mandate",
            "/shortlist",
        ],
    }
    rows = []
    for email, paths in journeys.items():
        client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        for path in paths:
            response = client.get(path)
            html = response.get_data()
            assets = sum(len(client.get(a).get_data()) for a in set(ASSET.findall(html.decode())))
            rows.append((path, response.status_code, len(html), assets))
        client.post("/logout")
    print(f"{'page':45} {'status':>6} {'HTML KB':>8} {'CSS+JS KB':>10} {'total KB':>9}")
    for path, status, html, assets in rows:
        print(
            f"{path:45} {status:>6} {html / 1024:8.1f} {assets / 1024:10.1f} "
            f"{(html + assets) / 1024:9.1f}"
        )
    heaviest = max(rows, key=lambda r: r[2] + r[3])
    print(
        json.dumps(
            {
                "max_page_kb": round((heaviest[2] + heaviest[3]) / 1024, 1),
                "heaviest_page": heaviest[0],
                "pages": len(rows),
                "errors": sum(1 for r in rows if r[1] != 200),
            }
        )
    )


def demo_enterprise_id() -> int:
    from marketplace.accounts import services as accounts
    from marketplace.profiles import enterprises

    return enterprises.enterprise_of(accounts.find_user_by_email("pemilik@sarirasa.example.org")).id


if __name__ == "__main__":
    main()
