"""Saved searches: an investor keeps a search by name and is told when a newly published profile
matches it.

A saved search stores the search page's URL parameters (`q`, the filters, the ask range and the
sort), checked and put in a canonical order by :func:`clean_params`, so opening it is opening
`/search?<params>`. After a profile is published, the job :data:`MATCH_JOB` runs every saved
search restricted to that one enterprise through the search seam (`SearchQuery.enterprise_ids`)
and notifies the owners of those it matches (`notifications.notify`, kind `saved_search_match`).
A `SavedSearchHit` row records each (saved search, profile) notified, so a profile notifies a
given saved search at most once, even when it is unpublished and published again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace import money, regions, tasks, vocab
from marketplace.accounts.models import User
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.matching import permissions, search, services
from marketplace.matching.models import SavedSearch, SavedSearchHit
from marketplace.matching.services import LIST_PARAMS, query_from_args, restrict_query
from marketplace.models import row_or_not_found
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

MATCH_JOB = "saved_searches.notify_matches"
MAX_SAVED_SEARCHES = 20
MAX_NAME_CHARS = 80
MAX_QUERY_CHARS = services.MAX_QUERY_CHARS
# The parameters a saved search keeps, in this order; anything else (page …) is left out.
_KEPT = ("q", *LIST_PARAMS, "programme", "cohort", "ask_min", "ask_max", "sort")


class NotIndexedYet(Exception):
    """The profile is published but the index does not hold it yet: the queue retries the job."""


def _allowed_codes() -> dict[str, frozenset[str]]:
    return {
        "sector": frozenset(vocab.SECTORS),
        "province": frozenset(regions.provinces()),
        "regency": frozenset(regions.regencies()),
        "size": frozenset(vocab.SIZE_CLASSES),
        "stage": frozenset(vocab.STAGES),
        "instrument": frozenset(vocab.INSTRUMENTS),
        "document": frozenset(vocab.DOCUMENT_KINDS),
        "theme": frozenset(vocab.IMPACT_THEMES),
    }


def clean_params(params: str) -> str:
    """The search page's query string `params` checked and in a canonical order (a leading
    ``?`` is allowed). Keeps only what decides the matches (not the page).

    Raises ValidationError when a value is not one the search page offers, an amount cannot be
    read, the words are too long, or nothing at all would narrow the search (every new profile
    would match). No side effects.
    """
    args = MultiDict(parse_qsl(params.lstrip("?")))
    allowed = _allowed_codes()
    kept: list[tuple[str, str]] = []
    for name in _KEPT:
        for value in dict.fromkeys(v.strip() for v in args.getlist(name)):
            if not value:
                continue
            if name == "q":
                if len(value) > MAX_QUERY_CHARS:
                    raise ValidationError(
                        _l("The words are too long (at most %(n)d characters).", n=MAX_QUERY_CHARS)
                    )
            elif name in allowed:
                if value not in allowed[name]:
                    raise ValidationError(_l("This search has a filter that no longer exists."))
            elif name in ("programme", "cohort"):
                if not value.isdigit():
                    raise ValidationError(_l("This search has a filter that no longer exists."))
            elif name in ("ask_min", "ask_max"):
                try:
                    money.parse_rupiah(value)
                except money.MoneyError as error:
                    raise ValidationError(error.message) from error
            elif name == "sort" and value not in search.SORTS:
                raise ValidationError(_l("This search has a filter that no longer exists."))
            kept.append((name, value))
            if name in ("q", "sort", "ask_min", "ask_max"):
                break  # one value only
    if not any(name != "sort" for name, _ in kept):
        raise ValidationError(
            _l("Type some words or choose a filter first: this search would match every profile.")
        )
    return urlencode(kept)


def query_of(saved: SavedSearch) -> search.SearchQuery:
    """The search a saved search stands for (first page, with the stored sort). Reads only."""
    args = MultiDict(parse_qsl(saved.params))
    amounts = {}
    for param in ("ask_min", "ask_max"):
        try:
            amounts[param] = money.parse_rupiah(args.get(param))
        except money.MoneyError:
            amounts[param] = None
    return query_from_args(args, amounts, page=1, per_page=search.MAX_PER_PAGE)


def saved_searches_of(user: User) -> list[SavedSearch]:
    """The user's saved searches, by name. Reads only."""
    return list(
        db.session.scalars(
            select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.name)
        )
    )


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_l("Give the search a name."), field="name")
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(
            _l("The name is too long (at most %(n)d characters).", n=MAX_NAME_CHARS), field="name"
        )
    return name


def _check_name_free(user: User, name: str, *, keep: SavedSearch | None = None) -> None:
    taken = db.session.scalar(
        select(SavedSearch.id).where(
            SavedSearch.user_id == user.id, func.lower(SavedSearch.name) == name.lower()
        )
    )
    if taken is not None and (keep is None or taken != keep.id):
        raise ValidationError(
            _l("You already have a saved search called “%(name)s”.", name=name), field="name"
        )


def save_search(*, user: User, name: str | None, params: str) -> SavedSearch:
    """Keep the search `params` (the search page's query string) under `name` for `user`.

    Raises PermissionDenied unless the user is an investor of a verified organisation with a
    confirmed e-mail; ValidationError for an empty, too long or already used name, a search
    that cannot be saved (:func:`clean_params`), or when the user has MAX_SAVED_SEARCHES
    already. Side effects: a row (flushed).
    """
    if not permissions.can_save_searches(user):
        raise PermissionDenied(_l("Only investors of a verified organisation can save searches."))
    name = _clean_name(name)
    cleaned = clean_params(params)
    count = db.session.scalar(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id)
    )
    if count >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _l(
                "You can keep up to %(n)d saved searches. Delete one you no longer need first.",
                n=MAX_SAVED_SEARCHES,
            )
        )
    _check_name_free(user, name)
    saved = SavedSearch(user_id=user.id, name=name, params=cleaned)
    db.session.add(saved)
    db.session.flush()
    return saved


def get_saved_search(*, user: User, saved_search_id: int) -> SavedSearch:
    """The user's own saved search `saved_search_id`. Raises NotFound for anyone else's (or a
    missing one), PermissionDenied when the user may not keep saved searches."""
    if not permissions.can_save_searches(user):
        raise PermissionDenied(_l("Only investors of a verified organisation can save searches."))
    return row_or_not_found(
        SavedSearch, saved_search_id, _l("This saved search does not exist."), user_id=user.id
    )


def rename_saved_search(*, user: User, saved: SavedSearch, name: str | None) -> None:
    """Rename `saved` (the user's own). Raises ValidationError like :func:`save_search` for the
    name. Side effects: the row (flushed)."""
    if saved.user_id != user.id:
        raise NotFound(_l("This saved search does not exist."))
    name = _clean_name(name)
    _check_name_free(user, name, keep=saved)
    saved.name = name
    db.session.flush()


def delete_saved_search(*, user: User, saved: SavedSearch) -> None:
    """Delete `saved` (the user's own) and its record of profiles notified. Side effects: rows
    deleted (flushed)."""
    if saved.user_id != user.id:
        raise NotFound(_l("This saved search does not exist."))
    db.session.delete(saved)
    db.session.flush()


def notify_later(enterprise: Enterprise) -> None:
    """Queue the saved-search run for `enterprise` after the commit (call when it is published,
    after its reindex is queued so that an inline indexer has it first)."""
    tasks.enqueue(MATCH_JOB, enterprise_id=enterprise.id)


def matching_searches(enterprise: Enterprise) -> list[SavedSearch]:
    """The saved searches that `enterprise` matches now and has not been notified to, whose
    owners may still keep saved searches. Each is run through the search seam restricted to
    this one enterprise, with the filters its owner may use. Reads only (the index)."""
    notified = select(SavedSearchHit.saved_search_id).where(
        SavedSearchHit.enterprise_id == enterprise.id
    )
    candidates = db.session.scalars(
        select(SavedSearch)
        .join(User, User.id == SavedSearch.user_id)
        .where(User.active.is_(True), SavedSearch.id.not_in(notified))
        .order_by(SavedSearch.id)
    ).all()
    found = []
    for saved in candidates:
        if not permissions.can_save_searches(saved.user):
            continue
        full = permissions.can_use_full_filters(saved.user)
        query = replace(
            restrict_query(query_of(saved), full=full),
            enterprise_ids=(enterprise.id,),
            page=1,
            per_page=1,
            with_facets=False,
        )
        if search.search(query).total:
            found.append(saved)
    return found


@tasks.job(MATCH_JOB)
def notify_matches(*, enterprise_id: int) -> int:
    """Notify the owner of each saved search that the published enterprise `enterprise_id`
    matches, once per (saved search, profile); returns how many were notified.

    Nothing when the profile is no longer published. When the index does not hold it yet (the
    indexer runs on a worker), raises NotIndexedYet so that the queue tries again, or on the
    last attempt logs and gives up. Side effects: `SavedSearchHit` rows, notifications and
    their e-mails, committed together.
    """
    from marketplace.notifications.services import notify

    app = current_app._get_current_object()
    with app.app_context():
        enterprise = db.session.get(Enterprise, enterprise_id)
        if enterprise is None or not enterprise.is_published:
            return 0
        indexed = search.search(search.SearchQuery(enterprise_ids=(enterprise_id,), per_page=1))
        if not indexed.total:
            if not tasks.is_last_attempt():
                raise NotIndexedYet(enterprise_id)
            log.warning("saved searches: enterprise %s is not indexed; not run", enterprise_id)
            return 0
        found = matching_searches(enterprise)
        for saved in found:
            db.session.add(SavedSearchHit(saved_search_id=saved.id, enterprise_id=enterprise_id))
            notify(
                users=[saved.user],
                kind="saved_search_match",
                params={"search": saved.name, "enterprise": enterprise.name},
                link=f"/enterprises/{enterprise_id}",
            )
        db.session.commit()
        return len(found)


_LABELS = {
    "sector": lambda code: vocab.SECTORS[code],
    "province": regions.province_name,
    "regency": regions.regency_name,
    "size": lambda code: vocab.SIZE_CLASSES[code],
    "stage": lambda code: vocab.STAGES[code],
    "instrument": lambda code: vocab.INSTRUMENTS[code],
    "document": lambda code: vocab.DOCUMENT_KINDS[code],
    "theme": lambda code: vocab.IMPACT_THEMES[code],
}


def describe(saved: SavedSearch) -> list[str]:
    """What `saved` searches, in the request's language: the words in quotes, then each
    filter's label (codes that no longer exist are shown as stored). Reads only."""
    parts = []
    for name, value in parse_qsl(saved.params):
        if name == "q":
            parts.append(f"“{value}”")
        elif name in _LABELS:
            try:
                parts.append(str(_LABELS[name](value)))
            except KeyError:
                parts.append(value)
        elif name == "ask_min":
            parts.append(str(_l("ask from %(amount)s", amount=value)))
        elif name == "ask_max":
            parts.append(str(_l("ask up to %(amount)s", amount=value)))
        elif name == "programme":
            parts.append(str(_l("programme no. %(id)s", id=value)))
        elif name == "cohort":
            parts.append(str(_l("cohort no. %(id)s", id=value)))
    return parts
