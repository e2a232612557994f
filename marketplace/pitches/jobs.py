"""After-commit jobs for pitch decks: rendering previews outside the upload request's work.

The upload request stores the original and a version in state 'processing', then enqueues
"pitches.process_deck" with the version's id. Inline (development, tests) the job runs right
after the commit; with a queue a worker runs the same function, so a PDFium crash can never take
a web worker down (the rendering itself also runs in a sandboxed child process). It opens its own
session, so a failure here can never undo the upload. A failure the job can catch is retried by
the queue (TASKS_RETRY_INTERVALS); on the last attempt, or at once when jobs run inline, the
version is marked 'failed' in a second session, which the owner sees on the deck page.
"""

from __future__ import annotations

import logging

from marketplace import tasks
from marketplace.pitches import services
from marketplace.pitches.models import DeckVersion

log = logging.getLogger(__name__)


@tasks.job(services.PROCESS_JOB)
def process_deck(*, version_id: int) -> str | None:
    """Render the previews of deck version `version_id` and make it current.

    Returns the version's final state ('ready' or 'failed'), or None when there was nothing to
    do (unknown version, already processed). Side effects: preview files and rows, committed
    in the job's own session; then the search index is told, when a search job exists.
    Re-raises storage or database errors after recording the version as failed.
    """
    try:
        with tasks.job_session() as session:
            version = services.process_version(version_id, session=session)
            state = version.state if version is not None else None
            enterprise_id = version.deck.enterprise_id if version is not None else None
    except Exception:
        log.exception("processing deck version %s failed", version_id)
        if not tasks.is_last_attempt():
            raise  # still 'processing': the queue tries again
        with tasks.job_session() as session:
            _mark_failed(version_id, session=session)
        raise
    if state == "ready":
        # The deck's text is part of what search indexes; the session above has committed
        # without an outbox row for it, so the job writes one.
        tasks.run_job("search.sync_enterprise", enterprise_id=enterprise_id, recorded=False)
    return state


@tasks.on_give_up(services.PROCESS_JOB)
def give_up_deck(*, version_id: int) -> None:
    """The job failed for good without reaching its own handler (its process was killed): the
    version is marked failed, so that the owner is told, not left looking at 'processing'."""
    with tasks.job_session() as session:
        _mark_failed(version_id, session=session)


def _mark_failed(version_id: int, *, session) -> None:
    version = session.get(DeckVersion, version_id)
    if version is not None and version.state == "processing":
        version.state = "failed"
        version.error_code = "processing_error"
