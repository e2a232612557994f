"""Domain errors raised by services, and the error pages shown for HTTP errors.

Services raise a `DomainError` subclass with a message in the user's language (a lazy string);
views turn it into a form error or a flash. HTTP errors get a page in the user's language, or
JSON for clients that ask for it; with debug off no page shows a stack trace or SQL.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from marketplace.logging_filters import loggable_path

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the operation. `field` names the form field it concerns."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """The input breaks a rule (format, range, combination of fields)."""


class ValidationErrors(ValidationError):
    """Several inputs break rules at once; `errors` holds each one with its field, so that a form
    shows them all after one submit instead of one per submit."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = list(errors)


def message_text(message: str | None, *, limit: int, empty, too_long=None) -> str:
    """A note written to the other side (an introduction, a meeting or data-room request),
    stripped. Raises ValidationError on `message`: `empty` when there is nothing left,
    `too_long` (or "at most `limit` characters") when it is longer than `limit`."""
    message = (message or "").strip()
    if not message:
        raise ValidationError(empty, field="message")
    if len(message) > limit:
        raise ValidationError(
            too_long or _l("A message has at most %(num)s characters.", num=limit),
            field="message",
        )
    return message


class Problems:
    """Collects the validation errors of one input so a service can report them together::

    problems = Problems()
    with problems.check():
        check_code(...)
    problems.add(_l("Give the name."), field="name")
    problems.raise_any()
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def add(self, message: str, *, field: str | None = None) -> None:
        self.errors.append(ValidationError(message, field=field))

    def check(self, field: str | None = None) -> _Catch:
        """A context that records a ValidationError raised inside it (on `field` if given)."""
        return _Catch(self, field)

    def raise_any(self) -> None:
        """Raise the one error, or ValidationErrors with all of them; nothing when none."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


class _Catch:
    def __init__(self, problems: Problems, field: str | None) -> None:
        self.problems, self.field = problems, field

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None and issubclass(exc_type, ValidationError):
            if self.field is not None:
                exc.field = self.field
            self.problems.errors.extend(getattr(exc, "errors", [exc]))
            return True
        return False


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The operation clashes with the current state (already published, slot taken …)."""

    status_code = 409


_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("This conflicts with the current state"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is temporarily unavailable"),
}
_HINTS = {
    400: _l(
        "Go back, reload the page and try again. If you were filling in a form, your "
        "session may have expired: log in again."
    ),
    403: _l("If you think you should see this, ask your facilitator or the platform admin."),
    404: _l("Check the address, or go back to the home page."),
    405: _l("Go back and use the buttons on the page."),
    409: _l("Reload the page to see the latest state, then try again."),
    413: _l(
        "Files can be at most %(mb)s MB. Make the file smaller (for example save the PDF "
        "with fewer or smaller pictures) and upload it again. Go back: what you typed is "
        "still in the form."
    ),
    429: _l("Wait a few minutes, then try again."),
    500: _l("The error has been recorded. Try again in a moment."),
    503: _l("Try again in a moment."),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, description: str | None = None):
    """The error page (or JSON) for HTTP status `code`."""
    title = _TITLES.get(code, _TITLES[500])
    hint = _HINTS.get(code, _HINTS[500])
    if code == 413:
        from flask import current_app

        hint = hint % {"mb": current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)}
    else:
        hint = str(hint)
    if _wants_json():
        return jsonify(error=str(title), detail=description or hint, status=code), code
    return (
        render_template(
            "errors/error.html", code=code, title=title, hint=hint, description=description
        ),
        code,
    )


def register_error_handlers(app: Flask) -> None:
    """HTTP errors and domain errors become pages in the user's language; 500 rolls back."""

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        description = None
        if error.code in (400, 409) and getattr(error, "show_description", False):
            description = error.description
        return render_error(error.code, description)

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        return render_error(error.status_code, str(error.message))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        from marketplace.extensions import db

        db.session.rollback()
        # Never request.path: e-mailed links carry their token in it (/confirm/<token>).
        log.exception("unhandled error on %s %s", request.method, loggable_path())
        return render_error(500)
