"""Run a parser on an uploaded file in a child process, with a wall-time and a memory limit.

PDFium and Pillow's decoders are C code fed with files from strangers: a crafted PDF can crash
PDFium (a segfault takes the whole process with it), spin for minutes or take hundreds of
megabytes it never gives back. None of that may happen inside a web worker or the job runner, so
every parse, render and decode of an upload goes through `run()`:

* The child is started from multiprocessing's *forkserver*: a clean, single-threaded Python
  started once per process that has already imported the parsers (`PRELOAD`), so each child is a
  cheap fork of it (tens of milliseconds), never a fork of a threaded web worker. Two rules of
  multiprocessing apply: each child imports the parent's `__main__` script (`run.py`, gunicorn's
  and flask's scripts and the benchmarks keep their work under `if __name__ == "__main__"` or
  are harmless to import), and on Python 3.11 the fork server finds `marketplace` only when the
  working directory is the project's (as with `make run` and gunicorn); elsewhere each child
  imports the parsers itself, which is slower (~0.3 s) but works the same. A child receives a
  function *name* ("module:function") and small arguments (file paths, numbers), and sends back
  a small JSON-able result; bulky output (previews) goes to files in a directory the caller owns.
* In the child: `RLIMIT_AS` caps its address space (an allocation past it fails: MemoryError in
  Python, a failed malloc in C) and `RLIMIT_CORE` is 0 (a crash leaves no core file).
  `page_time_limit()` arms a real-time timer around one page: SIGALRM keeps its default action,
  so the child dies even while PDFium is busy in C code, where no Python handler would run.
* In the parent: the whole call has a wall-time limit; past it the child is killed.

Outcomes become typed errors, all `uploads.UploadRejected`, so every caller that already turns a
refusal into a 4xx or a failed deck version handles them without new code: `ParserCrashed`
(killed by a signal, e.g. SIGSEGV), `ParserTimedOut` (file or page limit) and `ParserOutOfMemory`
(MemoryError, or killed by the kernel's OOM killer). An `UploadRejected` raised in the child is
raised again in the parent with its code and parameters.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from marketplace import uploads

log = logging.getLogger(__name__)

# Imported once by the fork server, so that a child starts in milliseconds, not in the ~0.3 s
# these imports take.
PRELOAD = ["marketplace.pitches.decks", "marketplace.profiles.images"]
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one child may spend: wall time for the whole file and for each page (or photo), and
    address space (virtual memory: the interpreter and the libraries count, about 100 MB)."""

    file_seconds: float = 60.0
    page_seconds: float = 15.0
    memory_bytes: int = 1024 * MB


def limits_from_config() -> Limits:
    """The limits in `current_app.config` (see marketplace/config.py), or the defaults outside
    an application context."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return Limits()
    config = current_app.config
    return Limits(
        file_seconds=float(config["UPLOAD_PARSE_FILE_SECONDS"]),
        page_seconds=float(config["UPLOAD_PARSE_PAGE_SECONDS"]),
        memory_bytes=int(config["UPLOAD_PARSE_MEMORY_MB"]) * MB,
    )


class ParserFailed(uploads.UploadRejected):
    """The child did not finish its work; subclasses say why. Callers may add a `subject`
    parameter ('photo', 'document') so that the message fits what was uploaded."""

    code = "parser_failed"

    def __init__(self, **params: Any) -> None:
        super().__init__(type(self).code, **params)


class ParserCrashed(ParserFailed):
    """The child died from a signal (SIGSEGV, SIGABRT …) or exited without an answer."""

    code = "parser_crashed"


class ParserTimedOut(ParserFailed):
    """The file or one of its pages took longer than its limit; the child was killed."""

    code = "parser_timeout"


class ParserOutOfMemory(ParserFailed):
    """The child needed more memory than its limit."""

    code = "parser_memory"


_context: Any = None
_page_seconds: float | None = None  # set in a child only: page_time_limit() is a no-op elsewhere


def _get_context() -> Any:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


def run(target: str, *args: Any, limits: Limits | None = None) -> Any:
    """Call the function named `target` ("package.module:function") with `args` in a child.

    `args` and the result must be small and picklable (paths, numbers, strings, dicts).
    Returns the function's result. Raises UploadRejected as raised by the function,
    ParserCrashed, ParserTimedOut or ParserOutOfMemory; the child is gone when this returns.
    """
    limits = limits or limits_from_config()
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main, args=(sender, target, args, limits), name=f"sandbox:{target}"
    )
    started = time.monotonic()
    child.start()
    sender.close()  # the child holds the only writer now: its death means EOF here
    answer = None
    killed = False
    try:
        if receiver.poll(limits.file_seconds):
            try:
                answer = receiver.recv()
            except EOFError:
                answer = None  # died without a word
        else:
            killed = child.is_alive()
            child.kill()
        child.join(5)
        if child.is_alive():  # pragma: no cover - a child stuck after answering
            child.kill()
            child.join()
    finally:
        receiver.close()
    if answer is None:
        raise _death(target, child.exitcode, killed=killed, seconds=time.monotonic() - started)
    status, payload = answer
    if status == "ok":
        return payload
    if status == "rejected":
        raise uploads.UploadRejected(payload["code"], **payload["params"])
    if status == "memory":
        log.warning("sandbox %s: out of memory (limit %s MB)", target, limits.memory_bytes // MB)
        raise ParserOutOfMemory()
    log.warning("sandbox %s: %s", target, payload)
    raise uploads.UploadRejected("unreadable", reason=str(payload)[:40])


def _death(target: str, exitcode: int | None, *, killed: bool, seconds: float) -> Exception:
    log.warning(
        "sandbox %s: child ended without an answer after %.1f s (exit code %s%s)",
        target,
        seconds,
        exitcode,
        ", killed at the time limit" if killed else "",
    )
    if killed or exitcode == -signal.SIGALRM:
        return ParserTimedOut()
    if exitcode == -signal.SIGKILL:
        # Not killed by us: the kernel's OOM killer is the usual sender.
        return ParserOutOfMemory()
    return ParserCrashed(exitcode=exitcode)


def _child_main(sender: Connection, target: str, args: tuple[Any, ...], limits: Limits) -> None:
    global _page_seconds
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the page timer kills; nothing catches it
    _page_seconds = limits.page_seconds
    try:
        module_name, _, function_name = target.partition(":")
        function = getattr(importlib.import_module(module_name), function_name)
        answer: tuple[str, Any] = ("ok", function(*args))
    except uploads.UploadRejected as error:
        answer = ("rejected", {"code": error.code, "params": error.params})
    except MemoryError:
        answer = ("memory", None)
    except Exception as error:  # the parent logs it; the user gets 'unreadable'
        answer = ("error", f"{type(error).__name__}: {error}"[:200])
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("memory", None))
    sender.close()
    # Skip interpreter clean-up: PDFium's and Pillow's teardown of a hostile file gains nothing.
    os._exit(0)


@contextlib.contextmanager
def page_time_limit() -> Iterator[None]:
    """Kill this child if the block (one page, one photo) outlasts the page limit.

    Outside a sandbox child it does nothing, so the parsing functions stay callable in-process
    (tests, benchmarks).
    """
    if _page_seconds is None:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, _page_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
