"""The SEDAYA-style social-investment checklist (see :mod:`marketplace.profiles.readiness`)."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace import vocab
from marketplace.profiles.readiness_facts import (
    USE_OF_FUNDS_MIN_CHARS,
    EnterpriseFacts,
    Reason,
    young_business_support,
)


@dataclass(frozen=True)
class SocialItem:
    """One item of the social-investment readiness checklist (SOCIAL_ITEMS)."""

    code: str
    met: bool
    next_step: Reason


@dataclass(frozen=True)
class SocialReadiness:
    """The social-investment checklist; `fits` when every item is met."""

    items: tuple[SocialItem, ...]

    @property
    def fits(self) -> bool:
        return all(item.met for item in self.items)

    def item(self, code: str) -> SocialItem:
        """The item `code`; raises KeyError for a code not in SOCIAL_ITEMS."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


def social_checklist(facts: EnterpriseFacts, *, themes: frozenset[str]) -> SocialReadiness:
    """The SEDAYA-style social-investment readiness of `facts` (see the module docstring).

    `themes` are the impact themes (vocab.IMPACT_THEMES) the viewer may see: the owner's own
    view passes all it declared, an investor's only the consented ones, so the impact item never
    rests on a fact the viewer may not know. Pure; raises ValueError for an unknown theme.
    """
    unknown = set(themes) - set(vocab.IMPACT_THEMES)
    if unknown:
        raise ValueError(f"unknown impact themes: {sorted(unknown)}")
    team = facts.owner_named and (young_business_support(facts) or (facts.employees or 0) >= 1)
    use_of_funds = (
        facts.ask_amount is not None
        and len((facts.use_of_funds or "").strip()) >= USE_OF_FUNDS_MIN_CHARS
    )
    governance = facts.keeps_books and (facts.has_bank_account or facts.in_business_group)
    return SocialReadiness(
        items=(
            SocialItem("impact", bool(themes), Reason("social_state_impact")),
            SocialItem("team", team, Reason("social_build_team")),
            SocialItem(
                "use_of_funds",
                use_of_funds,
                Reason("social_write_use_of_funds", {"chars": USE_OF_FUNDS_MIN_CHARS}),
            ),
            SocialItem("governance", governance, Reason("social_governance")),
        )
    )
