"""Ctrl-C and SIGTERM in the ``jevons`` command: one line on stderr, exit 128 + the signal's number.

While a command runs, SIGINT raises :class:`KeyboardInterrupt` and SIGTERM raises
:class:`Terminated` (a KeyboardInterrupt), so the clean-up written once for Ctrl-C
(worker processes stopped, staging folder removed, lock released) runs for both and
the command prints one line: 130 for Ctrl-C, 143 for SIGTERM, as a shell reports a
process killed by either. Before that (while :mod:`simulator.__main__`, the entry point
of ``jevons`` and ``python -m simulator``, imports the command) and on a second signal
during the clean-up, the process exits at once with one line instead: nothing has been
written yet, and a half-done staging folder is removed by the next run. Only Python's
own start-up, before the first line of any program, is beyond reach (~20 ms).

A stop's exception can be lost on its way: raised while an extension module is imported (the
command imports numpy, pandas and pyarrow when it needs them), it may become an ImportError,
which pandas takes for a missing optional dependency (pyarrow) and goes on. So the stop is
also recorded (:func:`requested`): the command checks it before work that takes time or
writes (:func:`stop_if_requested`), and reads an error that follows a stop as the stop.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The signals that stop a command, and the exit statuses they give (130, 143).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOPPED = tuple(128 + s for s in STOP_SIGNALS)
#: The stop signal raised in this command, if any (see :func:`requested`).
_raised: list[int] = []


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C raises KeyboardInterrupt."""


def _signal_of(exc: BaseException | None) -> int:
    while exc is not None and not isinstance(exc, KeyboardInterrupt):
        exc = exc.__cause__
    return signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT


def exit_status(exc: BaseException) -> int:
    """130 if ``exc`` is (or was caused by) Ctrl-C, 143 if by SIGTERM."""
    return 128 + _signal_of(exc)


def describe(exc: BaseException) -> str:
    """What stopped the command, in two words: ``interrupted`` or ``terminated (SIGTERM)``."""
    return signal_words(_signal_of(exc))


def signal_words(signum: int) -> str:
    """What the stop signal ``signum`` did, in two words (:func:`describe`)."""
    return "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted"


def exit_at_once(signum: int, frame: object) -> None:
    """Signal handler: one line on stderr, exit 128 + ``signum`` without unwinding (no traceback)."""
    os.write(2, f"{signal_words(signum)}\n".encode())
    os._exit(128 + signum)


def exit_at_once_on_signals() -> None:
    """Until a command installs its own handlers: a stop signal exits at once (see :func:`exit_at_once`)."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, exit_at_once)


@contextmanager
def raised_as_exceptions() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt and SIGTERM :class:`Terminated`, once; the previous handlers after.

    The first signal is raised; a second one during the clean-up exits at once. Only the
    main thread can set signal handlers: elsewhere (a command run from a thread), nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_once(signum: int, frame: object) -> None:
        for s in STOP_SIGNALS:
            signal.signal(s, exit_at_once)
        _raised.append(signum)
        raise _exception(signum)

    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    _raised.clear()
    for s in STOP_SIGNALS:
        signal.signal(s, raise_once)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        _raised.clear()


def _exception(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def requested() -> int | None:
    """The stop signal raised in this command (:func:`raised_as_exceptions`), or None. Its exception may not
    have reached the command: an extension module being imported can turn it into an ImportError (numpy's:
    "Unable to import required dependency"), which a library may take for a missing optional dependency
    (pandas, of pyarrow) and go on; the command then checks here (:func:`stop_if_requested`)."""
    return _raised[0] if _raised else None


def stop_if_requested() -> None:
    """A checkpoint before work that takes time or writes (an output folder claimed, an ensemble started):
    raise again a stop whose exception was swallowed. After a stop that did propagate, no such work starts."""
    if _raised:
        raise _exception(_raised[0])
