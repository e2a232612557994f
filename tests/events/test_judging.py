"""Score sheets, conflicts of interest detected from the data, per-judge normalisation, the
ranking and feedback that never shows an enterprise another's scores."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale

from marketplace import mail
from marketplace.errors import Conflict, PermissionDenied, ValidationError, ValidationErrors
from marketplace.events import judge_invitations, judging, outcomes
from tests.events.conftest import make_judge


@pytest.fixture
def judged(db, make, open_event):
    """The open event with the standard sheet and both investors as judges of all panels."""
    event = open_event.event
    judging.use_standard_sheet(actor=open_event.facilitator, event=event)
    for investor in open_event.investors:
        make_judge(open_event.facilitator, event, investor)
    db.session.commit()
    return open_event


def _score(judge, day, enterprise, value, comment=None):
    scores = {c.id: value for c in day.event.criteria}
    return judging.save_review(
        actor=judge, event=day.event, enterprise=enterprise, scores=scores, comment=comment
    )


def test_the_standard_sheet_has_six_weighted_criteria(db, judged):
    assert [c.code for c in judged.event.criteria] == [
        "business_model",
        "market",
        "finance",
        "team",
        "impact",
        "readiness",
    ]
    judging.save_sheet(
        actor=judged.facilitator,
        event=judged.event,
        weights={judged.event.criteria[2].id: 3},
        new_name="Halal supply chain",
        new_weight=2,
    )
    assert [c.weight for c in judged.event.criteria] == [1, 1, 3, 1, 1, 1, 2]


def test_a_judge_whose_organisation_mentors_the_enterprise_cannot_score_it(db, make, judged):
    enterprise = judged.enterprises[0]
    # A facilitator of the programme that mentors the enterprise is a judge too.
    colleague = make.facilitator(organisation=judged.facilitator.organisation)
    make_judge(judged.facilitator, judged.event, colleague)
    assert judging.conflict_of_interest(colleague, enterprise) == "mentors"
    with pytest.raises(Conflict):
        _score(colleague, judged, enterprise, 7)


def test_a_judge_whose_organisation_funded_the_enterprise_cannot_score_it(db, judged):
    investor, enterprise = judged.investors[0], judged.enterprises[1]
    assert judging.conflict_of_interest(investor, enterprise) is None
    outcomes.record_outcome(
        actor=investor,
        enterprise=enterprise,
        track="investment",
        status="funded",
        on=dt.date(2026, 6, 1),
        amount=50_000_000,
    )
    assert judging.conflict_of_interest(investor, enterprise) == "funded"
    with pytest.raises(Conflict):
        _score(investor, judged, enterprise, 7)
    # Only money that arrived counts: another investor still "considering" is no conflict.
    other = judged.investors[1]
    outcomes.record_outcome(
        actor=other,
        enterprise=enterprise,
        track="investment",
        status="considering",
        on=dt.date(2026, 6, 1),
    )
    assert judging.conflict_of_interest(other, enterprise) is None


def test_a_judge_from_the_enterprise_itself_is_a_conflict(db, make, judged):
    assert judging.conflict_of_interest(judged.owners[0], judged.enterprises[0]) == "own"


def test_every_criterion_left_unscored_is_named_at_once(db, judged):
    judge, enterprise = judged.investors[0], judged.enterprises[0]
    first, *rest = judged.event.criteria
    with pytest.raises(ValidationErrors) as refused:
        judging.save_review(
            actor=judge,
            event=judged.event,
            enterprise=enterprise,
            scores={first.id: 5},
            comment=None,
        )
    assert [e.field for e in refused.value.errors] == [f"c{c.id}" for c in rest]
    with force_locale("en"):
        assert str(refused.value.errors[0].message).startswith(
            f"Give {judging.criterion_label(rest[0])} a score from"
        )


def test_the_score_form_marks_each_unscored_criterion_and_links_it(db, judged, client, login):
    judge, enterprise, event = judged.investors[0], judged.enterprises[0], judged.event
    login(judge)
    first, second, *_ = event.criteria

    response = client.post(
        f"/events/{event.id}/judging/{enterprise.id}", data={f"c{first.id}": "5", "comment": "ok"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#c{second.id}-1"' in page  # the summary links to the scale's first choice
    assert f'id="c{second.id}-error"' in page and 'aria-invalid="true"' in page
    assert f'id="c{first.id}-error"' not in page  # the scored one is not marked
    with force_locale("en"):  # the judge reads English
        assert page.count(judging.criterion_label(second)) >= 2  # in the summary and legend


def test_scores_must_cover_every_criterion_within_the_scale(db, judged):
    judge, enterprise = judged.investors[0], judged.enterprises[0]
    partial = {judged.event.criteria[0].id: 5}
    with pytest.raises(ValidationError):
        judging.save_review(
            actor=judge, event=judged.event, enterprise=enterprise, scores=partial, comment=None
        )
    with pytest.raises(ValidationError):
        _score(judge, judged, enterprise, 11)


def test_only_judges_score(db, make, judged):
    with pytest.raises(PermissionDenied):
        _score(make.investor(), judged, judged.enterprises[0], 5)


def test_scoring_again_replaces_the_judges_scores(db, judged):
    judge, enterprise = judged.investors[0], judged.enterprises[0]
    _score(judge, judged, enterprise, 4)
    review = _score(judge, judged, enterprise, 8, "Lebih baik")
    assert {s.value for s in review.scores} == {8} and len(review.scores) == 6


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        # A strict judge (3, 4, 5) and a generous one (7, 8, 9) rank alike once normalised.
        (
            {(1, 10): 3.0, (1, 11): 4.0, (1, 12): 5.0, (2, 10): 7.0, (2, 11): 8.0, (2, 12): 9.0},
            {
                (1, 10): -1.2247,
                (1, 11): 0.0,
                (1, 12): 1.2247,
                (2, 10): -1.2247,
                (2, 11): 0.0,
                (2, 12): 1.2247,
            },
        ),
        # A judge who gives everyone the same score says nothing about the order.
        ({(1, 10): 6.0, (1, 11): 6.0}, {(1, 10): 0.0, (1, 11): 0.0}),
        # One pitch scored: nothing to compare it with.
        ({(3, 10): 9.0}, {(3, 10): 0.0}),
    ],
)
def test_normalisation_turns_each_judges_totals_into_z_scores(totals, expected):
    result = judging.normalise(totals)
    assert {k: round(v, 4) for k, v in result.items()} == expected


def test_ranking_counts_a_strict_and_a_generous_judge_alike(db, judged):
    strict, generous = judged.investors
    a, b, c = judged.enterprises
    for enterprise, low, high in ((a, 3, 6), (b, 5, 8), (c, 4, 10)):
        _score(strict, judged, enterprise, low)
        _score(generous, judged, enterprise, high)
    rows = judging.ranking(judged.event)
    assert [r.enterprise_id for r in rows][0] in (b.id, c.id)
    assert all(r.count == 2 for r in rows)
    top = rows[0]
    assert top.mean_z > 0 and top.spread >= 0
    assert rows[-1].enterprise_id == a.id  # lowest with both judges


def test_the_pitches_nobody_scored_yet_are_listed_beside_the_ranking(db, judged):
    a, b, c = judged.enterprises
    assert judging.unscored(judged.event) == sorted(judged.enterprises, key=lambda e: e.name)
    _score(judged.investors[0], judged, a, 7)
    assert judging.unscored(judged.event) == sorted([b, c], key=lambda e: e.name)
    assert [r.enterprise_id for r in judging.ranking(judged.event)] == [a.id]


def test_the_ranking_page_shows_a_line_for_each_unscored_pitch(db, judged, client, login):
    a, b, c = judged.enterprises
    _score(judged.investors[0], judged, a, 7)
    db.session.commit()
    login(judged.facilitator)
    page = client.get(f"/events/{judged.event.id}/ranking").get_data(as_text=True)
    unscored_rows = [line for line in page.splitlines() if 'class="unscored"' in line]
    assert len(unscored_rows) == 2
    assert all("belum dinilai" in line for line in unscored_rows)
    assert all(any(e.name in line for line in unscored_rows) for e in (b, c))
    assert not any(a.name in line for line in unscored_rows)


def test_feedback_shows_an_enterprise_only_its_own_scores_and_comments(db, judged):
    judge_a, judge_b = judged.investors
    first, second = judged.enterprises[0], judged.enterprises[1]
    _score(judge_a, judged, first, 9, "Produk sangat kuat")
    _score(judge_b, judged, first, 7)
    _score(judge_a, judged, second, 2, "RAHASIA untuk Batik")
    feedback = judging.feedback_for(judged.event, first.id)
    assert feedback.judges == 2 and feedback.total == 8.0
    assert feedback.comments == ["Produk sangat kuat"]
    assert all(mean == 8.0 for _label, mean, _n in feedback.criteria)


def test_sending_feedback_mails_each_enterprise_in_its_language(db, judged):
    judge = judged.investors[0]
    first, second = judged.enterprises[0], judged.enterprises[1]
    judged.owners[0].locale = "en"
    _score(judge, judged, first, 9, "Strong product")
    _score(judge, judged, second, 2, "SECRET for Batik")
    mail.outbox.clear()
    judging.send_feedback(actor=judged.facilitator, event=judged.event)
    db.session.commit()
    to_first = next(m for m in mail.outbox if m.to == judged.owners[0].email)
    to_second = next(m for m in mail.outbox if m.to == judged.owners[1].email)
    assert "Strong product" in to_first.body and "SECRET" not in to_first.body
    assert "SECRET for Batik" in to_second.body and "Strong product" not in to_second.body
    assert to_first.subject.startswith("Feedback on your pitch")
    with force_locale("id"):
        from flask_babel import gettext

        indonesian = gettext("Feedback on your pitch at %(title)s", title=judged.event.title)
    assert to_second.subject == indonesian


def test_an_account_that_has_not_confirmed_its_address_cannot_become_a_judge(db, make, open_event):
    newcomer = make.investor(email_confirmed_at=None)
    db.session.commit()
    invitation = judge_invitations.invite_judge(
        actor=open_event.facilitator, event=open_event.event, email=newcomer.email
    )

    with pytest.raises(PermissionDenied):
        judge_invitations.answer_judge_invitation(
            actor=newcomer, invitation=invitation, accept=True
        )
    newcomer.email_confirmed_at = newcomer.created_at
    judge = judge_invitations.answer_judge_invitation(
        actor=newcomer, invitation=invitation, accept=True
    )
    assert judge.user_id == newcomer.id
