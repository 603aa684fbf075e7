"""Problems of a load, each as one line: ``LoadError``, HTTP statuses, network failures, and
whether the store asked to wait (``Retry-After``)."""

from __future__ import annotations

import email.utils
import http.client
import socket
from datetime import datetime, timezone

from migkg.errors import MigkgError


class LoadError(MigkgError):
    """The load failed; the message says where, why and what state the store is in."""

    exit_code = 2

    def __init__(self, message: str, answered: bool = True, transient: bool = False,
                 retry_after: float | None = None):
        super().__init__(message)
        # False when a request may have reached the store but no answer came back.
        self.answered = answered
        # True when the store asked us to come back later (429, or 503 with Retry-After).
        self.transient = transient
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def asks_to_wait(code: int, headers) -> tuple[bool, float | None]:
    """(transient?, seconds) for an HTTP error answer: 429 always, 503 when it says when."""
    after = retry_after_seconds(headers.get("Retry-After") if headers is not None else None)
    return code == 429 or (code == 503 and after is not None), after


# --- HTTP problems as one line -----------------------------------------------------------

def first_line(text: str | bytes | None, limit: int = 160) -> str:
    """The first non-blank line of ``text`` (bytes read as UTF-8), cut to ``limit`` characters."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def status_problem(code: int, reason: str, body: str | bytes | None, has_credentials: bool) -> str:
    """One line for an HTTP error status, saying what to do about credentials where it matters."""
    detail = first_line(body)
    if code == 401:
        if has_credentials:
            return "401 Unauthorized: the store rejected the credentials from MIGKG_USER/MIGKG_PASSWORD or netrc"
        return ("401 Unauthorized: the store needs credentials; set MIGKG_USER and MIGKG_PASSWORD, "
                "or add the host to a netrc file")
    if code == 403:
        return "403 Forbidden: these credentials may not do this" if has_credentials else "403 Forbidden"
    if code == 404:
        return "404 Not Found: no such endpoint at this URL"
    if code == 429:
        return "429 Too Many Requests: the store asks to slow down"
    if code == 405:
        return ("405 Method Not Allowed: this URL does not take this request "
                "(a query URL given as a Graph Store or update URL?)")
    head = f"{code} {reason}".strip()
    if code >= 500:
        return f"server error {head}" + (f": {detail}" if detail else "")
    return f"rejected with {head}" + (f": {detail}" if detail else "")


def connection_problem(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """(one line, answered?) for a network-level failure."""
    import requests

    text = str(exc)
    reason = getattr(exc, "reason", None)
    if isinstance(exc, (requests.exceptions.ConnectTimeout,)):
        return f"no connection within {timeout:g} s (timeout)", True
    if isinstance(exc, (requests.exceptions.Timeout, socket.timeout, TimeoutError)) \
            or isinstance(reason, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s (timeout)", False
    if isinstance(exc, ConnectionRefusedError) or isinstance(reason, ConnectionRefusedError) \
            or "Connection refused" in text or "Errno 111" in text:
        return "connection refused", True
    if isinstance(reason, socket.gaierror) or "Name or service not known" in text or "NameResolutionError" in text \
            or "nodename nor servname" in text:
        return "cannot resolve the host name", True
    if isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError)) or "RemoteDisconnected" in text \
            or "Connection aborted" in text or "Connection reset" in text:
        return "the store closed the connection without answering", False
    if isinstance(exc, requests.exceptions.SSLError) or "CERTIFICATE" in text.upper():
        return f"TLS problem: {first_line(text)}", True
    return f"network problem: {first_line(text) or type(exc).__name__}", False

