"""View helpers every domain shares: page numbers, role checks, serving stored files with the
headers every upload gets (form helpers: marketplace/forms.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, request, send_file, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from marketplace import storage
from marketplace.models import row_belonging

Row = TypeVar("Row")

SANDBOX_CSP = "default-src 'none'; sandbox"

# A number no route holds except where id_url puts it (below a signed 64-bit integer).
_ID_PROBE = 7_391_046_582_913


def id_url(endpoint: str, param: str, **values) -> Callable[[int], str]:
    """`url_for(endpoint, **{param: id}, **values)` for many ids: the URL is built once with a
    probe id and then joined around each id (a list of cards builds a few URLs per card, and
    url_for costs more than the rest of a card). Falls back to url_for when the probe does not
    appear exactly once. Needs a request or app context, like url_for."""
    probe = str(_ID_PROBE)
    head, found, tail = url_for(endpoint, **{param: _ID_PROBE}, **values).partition(probe)
    if not found or probe in tail:
        return lambda value: url_for(endpoint, **{param: value}, **values)
    return lambda value: f"{head}{int(value)}{tail}"


# No list in the app has anywhere near this many pages; a larger number would only overflow the
# database's OFFSET (a 500 on SQLite and PostgreSQL).
MAX_PAGE = 10_000


def page_number(*, pages: int | None = None) -> int:
    """The `?page=` of the current request as a page that exists: 1 for anything unreadable,
    at most `pages` when the number of pages is known, never past `MAX_PAGE`."""
    page = request.args.get("page", 1, type=int) or 1
    return max(1, min(page, pages or MAX_PAGE, MAX_PAGE))


def require_role(*roles: str) -> None:
    """403 unless the logged-in user has one of `roles`."""
    if current_user.role not in roles:
        abort(403)


def require_permission(may: Callable[..., bool], *objects: object) -> None:
    """403 unless the logged-in user may (`may(current_user, *objects)`, a predicate from a
    permissions module)."""
    if not may(current_user, *objects):
        abort(403)


def visible_or_404(
    model: type[Row],
    object_id: int,
    may_see: Callable[..., bool] | None = None,
    **belongs_to: object,
) -> Row:
    """The `model` row `object_id`, if the current user may see it (`may_see(user, row)`; any
    user when not given) and it belongs where the URL puts it (`event_id=event.id`: a ticket
    type of this event, not of another). 404 otherwise: an object hidden from the user answers
    as one that does not exist. What the user may do with it (a 403) is the caller's next
    check."""
    row = row_belonging(model, object_id, **belongs_to)
    if row is None or (may_see is not None and not may_see(current_user, row)):
        abort(404)
    return row


def send_stored_file(
    key: str,
    *,
    mime: str,
    filename: str | None = None,
    attachment: bool = False,
    public: bool = False,
):
    """Serve an uploaded file with the headers every upload gets: its exact type, `nosniff`,
    a sandboxing CSP, and `private, no-store` unless it is public. A public file is kept by
    caches but checked with us on every use (`no-cache`, with its ETag and Last-Modified): a
    304 costs no body, and once the file stops being public (an unpublished profile or deck)
    the check gets the 403/404 instead of a stale copy."""
    try:
        path = storage.open_path(key)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        path, mimetype=mime, as_attachment=attachment, download_name=filename, conditional=True
    )
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, no-cache" if public else "private, no-store"
    return response


def download(body, *, mimetype: str, filename: str) -> Response:
    """`body` (text or bytes made for this request: an export, a calendar) as a file to save
    under `filename`, never kept by a cache. `filename` is ours, not the user's: no quoting."""
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class DatabaseId(IntegerConverter):
    """`<int:…>` in every route: an id the database can hold (a signed 64-bit integer), so a
    larger number is a 404 like any unknown id instead of an overflow (a 500) in the query."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)
