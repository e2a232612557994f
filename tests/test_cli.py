import json


def test_stats_json_counts_enterprises_organisations_and_users(runner, make, db):
    make.owner()
    make.enterprise(published=True)
    make.investor()
    make.admin()
    db.session.commit()
    result = runner.invoke(args=["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["enterprises"] == 2
    assert data["published_enterprises"] == 1
    assert data["organisations_by_kind"]["investor"] == 1
    assert data["users_by_role"] == {"owner": 1, "facilitator": 0, "investor": 1, "admin": 1}
