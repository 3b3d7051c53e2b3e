"""``python -m simulator`` and the ``jevons`` console script (``simulator.__main__:run``).

Importing this module makes Ctrl-C or SIGTERM exit at once with one line until the
command is under way (nothing is written yet): importing the command takes ~50 ms, and
a signal then would otherwise end in Python's traceback. :func:`simulator.cli.main` then
raises them as exceptions for its clean-up, and gives this handler back when it returns.
"""

import contextlib
import os
import sys

from .interrupts import STOPPED, exit_at_once_on_signals

exit_at_once_on_signals()

from .cli import main  # noqa: E402


def run() -> None:
    """The ``jevons`` command: its exit status becomes the process's.

    Stopped by a signal, the command has cleaned up already, and the process ends at once
    with ``os._exit`` (stdout and stderr flushed): CPython would otherwise die by SIGINT at
    exit (status -2, not 130) whenever the KeyboardInterrupt was raised inside code run by
    ``exec`` (as dataclasses build their methods while a module is imported), however well
    the command handled it: CPython 3.11 sets a flag in that case and checks it at exit.
    """
    status = main()
    if status in STOPPED:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    run()
