"""Search through the real profile services: after a reindex and many small saves (one index
commit each), the search page, its pages and /healthz still answer, and a seeded random world of
publish, edit, unpublish and delete searches exactly like the plain reference computed from the
database. Runs on Whoosh, and on PostgreSQL too when the suite runs on PostgreSQL."""

from __future__ import annotations

import math
import random
import re

import pytest

from marketplace.extensions import db
from marketplace.matching import search, services
from marketplace.profiles import enterprises as enterprise_services
from tests.conftest import PG_URL
from tests.matching import reference_search
from tests.matching.helpers import prepare_backend, published, published_ids

BACKENDS = ["whoosh"] + (["postgres"] if PG_URL else [])
CARD_LINK = re.compile(r'<h3><a href="/enterprises/(\d+)"')


@pytest.fixture(params=BACKENDS)
def app_config(request):
    return {"SEARCH_BACKEND": request.param}


@pytest.fixture(autouse=True)
def _backend(app):
    prepare_backend(app)


def _save_unchanged(owner, enterprise) -> None:
    data = {"description": enterprise.description, "ask_instruments": enterprise.ask_instruments}
    enterprise_services.update_profile(actor=owner, enterprise=enterprise, data=data)
    db.session.commit()


def test_search_pages_and_healthz_answer_after_many_small_saves(app, client, make):
    world = [
        published(make, name=f"Usaha {i}", province_code="32", regency_code="32.01")
        for i in range(25)
    ]
    services.reindex()  # what a restart does: one big segment
    for owner, enterprise in world[:8]:  # each save is its own index commit
        _save_unchanged(owner, enterprise)
    assert client.get("/search").status_code == 200
    assert client.get("/healthz").status_code == 200
    for sort in search.SORTS:
        shown = []
        for page in (1, 2):
            response = client.get(f"/search?province=32&sort={sort}&page={page}")
            assert response.status_code == 200, sort
            shown += [int(i) for i in CARD_LINK.findall(response.text)]
        assert sorted(shown) == sorted(e.id for _, e in world), sort


WORDS = ["keripik tempe", "kopi bubuk", "batik tulis", "warung sembako", "dipasarkan daring"]


def test_a_random_world_of_profile_changes_searches_like_the_database_says(make):
    rng = random.Random(8)
    world = [published(make, name=f"Usaha {i}", products=rng.choice(WORDS)) for i in range(8)]
    for _ in range(30):
        owner, enterprise = rng.choice(world)
        action = rng.choice(["edit", "edit", "edit", "unpublish", "publish", "delete"])
        if action == "delete" and len(world) > 4:
            world.remove((owner, enterprise))
            db.session.delete(enterprise)
        elif action == "unpublish" and enterprise.is_published:
            enterprise_services.unpublish_profile(actor=owner, enterprise=enterprise)
        elif action == "publish" and not enterprise.is_published:
            enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
        else:
            data = {
                "products": rng.choice(WORDS),
                "description": rng.choice(WORDS),
                "sector": rng.choice(["food", "retail"]),
                "ask_amount": rng.choice([10_000_000, 25_000_000]),
                "ask_instruments": [rng.choice(["kur", "loan"])],
            }
            enterprise_services.update_profile(actor=owner, enterprise=enterprise, data=data)
        db.session.commit()
    assert search.indexed_ids() == published_ids()
    docs, _ = services.index_entries(session=db.session, enterprise_ids=published_ids())
    for text in ["", "keripik", "warung", "pasar", "kopi batik"]:
        for sectors in [(), ("food",)]:
            for sort in search.SORTS:
                first = search.SearchQuery(text=text, sectors=sectors, sort=sort, per_page=2)
                want = reference_search.expected(docs, first)[0]
                got = []
                for page in range(1, max(math.ceil(len(want) / 2), 1) + 1):
                    result = search.search(
                        search.SearchQuery(
                            text=text, sectors=sectors, sort=sort, per_page=2, page=page
                        )
                    )
                    assert result.total == len(want)
                    got += result.ids
                if reference_search.is_total(first):
                    assert got == want, first
                else:
                    assert sorted(got) == want and len(set(got)) == len(got), first
