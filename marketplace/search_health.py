"""Whether the search index can be used (the search seam's folder, or the database)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app


def check() -> bool:
    if current_app.config.get("SEARCH_BACKEND") == "postgres":
        return True  # the index lives in the database, which is checked already
    folder = Path(current_app.config["SEARCH_INDEX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder.is_dir() and os.access(folder, os.W_OK)
