"""What scoring knows of each side: an enterprise's match card and a mandate's spec.

The one place that turns profiles and mandates into `scoring` inputs. The match-card table
(`/matches`), the enterprise's investor list and the pitch-day scheduler's match quality all
build them here, so a pair scores the same wherever it is ranked. Pure apart from reading the
objects given (and their loaded relationships); no queries of its own, no side effects.
"""

from __future__ import annotations

import datetime as dt

from marketplace.matching import analysis, scoring
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise, Mandate
from marketplace.profiles.readiness_facts import counts_as_held, still_valid

# Themes an enterprise shows only with consent (`share_<theme>`); "green" needs none.
CONSENTED_THEMES = enterprise_services.SENSITIVE_THEMES


def consented_themes(enterprise: Enterprise) -> list[str]:
    """The impact themes the enterprise lets investors see (sensitive ones only with consent)."""
    declared = enterprise_services.declared_themes(enterprise)
    themes = [
        theme
        for theme in CONSENTED_THEMES
        if theme in declared and getattr(enterprise, f"share_{theme}")
    ]
    if "green" in declared:
        themes.append("green")
    return themes


def held_documents(enterprise: Enterprise, *, today: dt.date | None = None) -> list[str]:
    """Kinds of the legal documents the enterprise holds on `today`, decided as readiness does:
    a halal certificate or food-safety permit only with its number and issue date
    (`counts_as_held`), valid through its expiry date, a halal certificate with no expiry
    (`still_valid`)."""
    today = today or dt.date.today()
    return sorted(
        {
            d.kind
            for d in enterprise.documents
            if counts_as_held(d.kind, d.number, d.issued_on)
            and still_valid(d.kind, d.expires_on, today)
        }
    )


def _terms(*texts: str | None) -> frozenset[str]:
    return frozenset(term for t in texts for term in analysis.analyze(t))


def enterprise_card(
    enterprise: Enterprise, *, deck_text: str = "", today: dt.date | None = None
) -> scoring.EnterpriseCard:
    """What scoring may know of an enterprise: public and consented data only. No side effects."""
    today = today or dt.date.today()
    assessment = enterprise_services.assess(enterprise, today=today)
    return scoring.EnterpriseCard(
        id=enterprise.id,
        name=enterprise.name,
        sector=enterprise.sector or "",
        province_code=enterprise.province_code or "",
        regency_code=enterprise.regency_code or "",
        size_class=assessment.size.code or "",
        stage=assessment.stage,
        ask_amount=enterprise.ask_amount,
        instruments=frozenset(enterprise.ask_instruments or ()),
        documents=frozenset(held_documents(enterprise, today=today)),
        impact_themes=frozenset(consented_themes(enterprise)),
        routes=frozenset(v.code for v in assessment.routes if v.fits),
        # Judged on consented themes only: a card is read by every investor.
        social_ready=enterprise_services.social_readiness(
            enterprise, themes=frozenset(consented_themes(enterprise))
        ).fits,
        text_terms=_terms(enterprise.name, enterprise.products, enterprise.description, deck_text),
        as_of=today,
    )


def mandate_spec(mandate: Mandate) -> scoring.MandateSpec:
    """The scoring view of a stored mandate ('belum_layak', the lowest stage a mandate offers, is
    no minimum: it takes business ideas ('embrio') too)."""
    return scoring.MandateSpec(
        organisation_id=mandate.organisation_id,
        name=mandate.organisation.name,
        kind=mandate.investor_kind,
        sectors=frozenset(mandate.sectors or ()),
        provinces=frozenset(mandate.provinces or ()),
        ticket_min=mandate.ticket_min,
        ticket_max=mandate.ticket_max,
        instruments=frozenset(mandate.instruments or ()),
        sharia_only=bool(mandate.sharia_only),
        impact_themes=frozenset(mandate.impact_themes or ()),
        min_stage=None
        if mandate.min_stage in (None, "embrio", "belum_layak")
        else mandate.min_stage,
        thesis_terms=_terms(mandate.thesis),
    )
