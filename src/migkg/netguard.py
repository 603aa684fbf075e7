"""Local runs never fetch: a Python audit hook refuses every network connection except to the
hosts of URLs the user gave (issue 8).

String checks on queries and documents catch the common cases with a precise message
(see ``sparql.network_clauses`` and ``store``); this hook is the backstop for everything
that goes through Python's socket module (urllib, http.client, SPARQLWrapper, rdflib's
SERVICE and FROM loading, JSON-LD context fetching). Code outside Python's socket module
(pyoxigraph's own HTTP client) is covered by refusing SERVICE before the query runs.
"""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlsplit

from migkg.errors import MigkgError


class NetworkRefused(MigkgError):
    """A connection nobody asked for."""


_state: dict = {"installed": False, "active": False, "hosts": set(), "addresses": None}
_stack: list[tuple] = []


def _allowed_addresses() -> set[str]:
    if _state["addresses"] is None:
        addresses: set[str] = set()
        for host in _state["hosts"]:
            addresses.add(host)
            try:
                for info in socket.getaddrinfo(host, None):
                    addresses.add(str(info[4][0]))
            except OSError:
                pass
        _state["addresses"] = addresses
    return _state["addresses"]


def _refuse(target) -> None:
    allowed = ", ".join(sorted(_state["hosts"])) or "none"
    raise NetworkRefused(f"network access to {target} refused (hosts allowed: {allowed}); "
                         f"local runs do not fetch, give --allow-network to allow it")


def _hook(event: str, args: tuple) -> None:
    if not _state["active"]:
        return
    if event == "socket.getaddrinfo":
        host = args[0]
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host is not None and str(host).lower().strip("[]") not in _state["hosts"]:
            _refuse(host)
    elif event == "socket.connect":
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0]).lower()
            if host not in _state["hosts"] and host not in _allowed_addresses():
                _refuse(f"{address[0]}:{address[1]}")
    elif event == "urllib.Request":
        url = str(args[0])
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("file", "data", "") and (parts.hostname or "") not in _state["hosts"]:
            _refuse(url)


def restrict(urls: tuple[str, ...] | list[str] = ()) -> None:
    """From now on in this process (until ``lift``), connect only to the hosts of ``urls``
    (none given: no network at all)."""
    _stack.append((_state["active"], _state["hosts"], _state["addresses"]))
    hosts = {(urlsplit(u).hostname or "").lower() for u in urls if u}
    hosts.discard("")
    _state["hosts"] = hosts
    _state["addresses"] = None
    _state["active"] = True
    if not _state["installed"]:
        sys.addaudithook(_hook)
        _state["installed"] = True


def lift() -> None:
    """Undo the last ``restrict`` (the hook stays installed; audit hooks cannot be removed)."""
    if _stack:
        _state["active"], _state["hosts"], _state["addresses"] = _stack.pop()
    else:
        _state["active"] = False


def restrict_command(urls: tuple[str, ...] | list[str] = ()) -> None:
    """``restrict`` for the running click command: lifted when the command ends, so that a
    command invoked in-process (tests, CliRunner) leaves the process as it found it."""
    import click

    restrict(urls)
    click.get_current_context().call_on_close(lift)


def default_timeout(seconds: float) -> None:
    """A timeout for sockets opened without one (rdflib's SERVICE requests, for instance),
    for the running click command."""
    import click

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    click.get_current_context().call_on_close(lambda: socket.setdefaulttimeout(previous))
