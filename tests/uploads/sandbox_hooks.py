"""Children that misbehave on purpose, run through `marketplace.sandbox` by the tests.

Each has the signature of a real child entry point and ignores its arguments: one dies from
SIGSEGV (as PDFium does on some files), one sleeps past the time limit, one allocates past the
memory limit, and one sleeps inside one page's time limit.
"""

from __future__ import annotations

import os
import signal
import time

from marketplace import sandbox


def crash(*_args: object) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def hang(*_args: object) -> None:
    time.sleep(60)


def hang_on_a_page(*_args: object) -> None:
    with sandbox.page_time_limit():
        time.sleep(60)


def allocate(*_args: object) -> None:
    # Far past any limit a test sets: the allocation itself fails, nothing is touched.
    hoard = bytearray(8 * 1024 * 1024 * 1024)
    hoard[-1] = 1
