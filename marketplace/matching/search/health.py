"""Whether the search index can be used: asks the search seam for one result."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def check() -> bool:
    """True when the configured search backend answers a query. Never raises."""
    from marketplace.matching import search

    try:
        search.search(search.SearchQuery(per_page=1))
    except Exception:  # noqa: BLE001 - health reports the failure, it must not raise
        log.exception("search health check failed")
        return False
    return True
