"""Small helpers every domain's views share: form errors, form status codes, stored files."""

from __future__ import annotations

from flask import abort, send_file

from marketplace import storage
from marketplace.errors import DomainError

SANDBOX_CSP = "default-src 'none'; sandbox"


def form_error(form, error: DomainError) -> None:
    """Show a domain error next to its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def form_status(*forms) -> int:
    """422 when any of the forms carries an error (so tests and clients see it), else 200."""
    return 422 if any(f.errors or getattr(f, "form_errors", None) for f in forms) else 200


def send_stored_file(
    key: str,
    *,
    mime: str,
    filename: str | None = None,
    attachment: bool = False,
    public_max_age: int | None = None,
    public_revalidate: bool = False,
):
    """Serve an uploaded file with the headers every upload gets: its exact type, `nosniff`,
    a sandboxing CSP, and `no-store` unless it is public: then cached for `public_max_age`, or,
    with `public_revalidate`, kept by caches but checked with us on every use (`no-cache`, with
    its ETag and Last-Modified): a 304 costs no body, and once the file stops being public the
    check gets the 403/404 instead of a stale copy."""
    try:
        path = storage.open_path(key)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        path,
        mimetype=mime,
        as_attachment=attachment,
        download_name=filename,
        conditional=True,
        max_age=public_max_age or 0,
    )
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    if public_revalidate:
        response.headers["Cache-Control"] = "public, no-cache"
    elif public_max_age:
        response.headers["Cache-Control"] = f"public, max-age={public_max_age}"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response
