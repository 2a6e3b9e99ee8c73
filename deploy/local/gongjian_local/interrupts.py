"""Ctrl-C and SIGTERM as KeyboardInterrupt, held back while a child process is being started.

A KeyboardInterrupt raised inside `subprocess.Popen`, after the fork but before the Popen
object is returned, loses the only handle on a child that is already running: nobody stops
it, and it keeps the terminal's (or a test's) output pipe open. `starting_children()` defers
the interrupt to the end of such a step, once the caller has recorded the child.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_held = 0  # depth of starting_children() blocks in the main thread
_pending = False  # a signal arrived while held


def interrupt(signum: int, frame: object) -> None:
    """Signal handler for SIGINT and SIGTERM: raise KeyboardInterrupt now, or when the hold ends."""
    global _pending
    if _held:
        _pending = True
        return
    raise KeyboardInterrupt


def install() -> dict[int, object]:
    """Route SIGINT and SIGTERM to `interrupt`; returns the previous handlers for `restore`."""
    return {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}


def restore(previous: dict[int, object]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@contextlib.contextmanager
def starting_children() -> Iterator[None]:
    """Within this block a Ctrl-C/SIGTERM is held and raised when the block ends.

    Signal handlers run only in the main thread, so other threads need no hold.
    """
    global _held, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending:
            _pending = False
            raise KeyboardInterrupt
