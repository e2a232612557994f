"""Whether the search index can be used: asks the search seam to open it (`search.ping`).

Not a query: a search with no words counts every indexed row and its facets, too much for a
probe that load balancers call every few seconds."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def check() -> bool:
    """True when the configured search backend can be read. Never raises."""
    from marketplace.matching import search

    try:
        search.ping()
    except Exception:  # noqa: BLE001 - health reports the failure, it must not raise
        log.exception("search health check failed")
        return False
    return True
