"""One vocabulary per code list: a deal reads the same on a shortlist and in event outcomes."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace import vocab
from marketplace.events import codes, outcomes
from marketplace.matching import forms, shortlists
from tests.matching.helpers import published


def test_shortlists_and_investment_outcomes_share_the_deal_ladder():
    assert codes.statuses_for("investment") is vocab.DEAL_STAGES
    assert {code for code, _label in forms.StageForm.stage.kwargs["choices"]} == set(
        vocab.DEAL_STAGES
    )
    assert set(vocab.DEAL_STAGES) <= set(codes.OUTCOME_STATUSES)


@pytest.mark.parametrize("stage", list(vocab.DEAL_STAGES))
def test_every_deal_stage_is_accepted_by_a_shortlist_and_an_outcome(db, make, stage):
    investor = make.investor()
    _owner, enterprise = published(make)
    entry = shortlists.add_to_shortlist(actor=investor, enterprise=enterprise)
    if entry.stage != stage:
        shortlists.move_entry(actor=investor, entry=entry, stage=stage)
    db.session.commit()
    assert entry.stage == stage

    outcome = outcomes.record_outcome(
        actor=investor, enterprise=enterprise, track="investment", status=stage, on=dt.date.today()
    )
    db.session.commit()
    assert outcome.status == stage
