"""Reaching a Dask scheduler (``--scheduler``): refuse an unreachable address at once, saying what to check.

Light on purpose (no simulator import): the ensemble commands check the address
before loading anything, so a wrong one is an error (exit 2) within a second or two,
not after Dask's own retries.
"""

from __future__ import annotations

import socket

from ..errors import Problem, ScenarioError

#: Seconds to open a TCP connection to a Dask scheduler, then for it to answer as one.
SCHEDULER_CONNECT = 3.0
SCHEDULER_ANSWER = 10.0
#: Port of a Dask scheduler when the address gives none.
SCHEDULER_PORT = 8786


def unreachable(scheduler: str, host: str, reason: str) -> ScenarioError:
    """The error (exit 2) for a scheduler that cannot be reached: the address, why, and what to check."""
    return ScenarioError([Problem(
        f"no Dask scheduler at {scheduler}: {reason}; check the address and port ({SCHEDULER_PORT} unless the "
        f"scheduler was started with another), that `dask scheduler` is running on {host}, and that no firewall "
        "blocks the port (or use --dask-local N to run on this machine)", "--scheduler")])


def reach(scheduler: str) -> str:
    """The scheduler's host, once a TCP connection to it opens within SCHEDULER_CONNECT seconds.

    Addresses of other transports than TCP (``inproc://``, ``ucx://``) are left to Dask.
    """
    from distributed.comm import parse_address, parse_host_port

    try:
        scheme, location = parse_address(scheduler)
        host, port = parse_host_port(location, SCHEDULER_PORT)
    except (ValueError, TypeError) as exc:
        raise ScenarioError([Problem(f"found {scheduler!r}, expected a scheduler address such as "
                                     f"tcp://10.0.0.5:{SCHEDULER_PORT} ({exc})", "--scheduler")]) from None
    if scheme in ("tcp", "tls"):
        try:
            socket.create_connection((host, port), timeout=SCHEDULER_CONNECT).close()
        except ConnectionRefusedError:
            raise unreachable(scheduler, host, "connection refused, nothing listens on that port") from None
        except TimeoutError:
            raise unreachable(scheduler, host, f"no answer within {SCHEDULER_CONNECT:g} s") from None
        except OSError as exc:
            raise unreachable(scheduler, host, exc.strerror or str(exc)) from None
    return host
