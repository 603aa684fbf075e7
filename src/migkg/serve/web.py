"""What every route shares: the server's settings, content negotiation on ``Accept`` and
``Accept-Language``, one-line error answers, ``ETag``/``Cache-Control``/``Vary`` on every
answer, and reading a request body with a size cap (413 past it)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

MAX_BODY = 1024 * 1024  # 1 MiB
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 30.0
    max_rows: int = 100_000
    allow_network: bool = False
    cors: str | None = None
    workers: int = 2
    data: tuple[str, ...] = ()  # files served with the graph for this run (`--data`), already checked


class HTTPProblem(Exception):
    """An answer of one line with a 4xx/5xx status."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def problem(status: int, message: str, headers: dict | None = None) -> Response:
    line = " ".join(str(message).split()) or "error"
    return Response(f"{status} {line}\n", status_code=status, media_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "no-store", **(headers or {})})


_MEDIA_RANGE = re.compile(r"^([A-Za-z0-9!#$%&'*+.^_`|~-]+)/([A-Za-z0-9!#$%&'*+.^_`|~-]+)$")


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) pairs from an Accept header, best first; entries that do not parse are
    left out, and a header of which nothing parses is a 400."""
    if header is None or not header.strip():
        return [("*/*", 1.0)]
    out = []
    for position, item in enumerate(header.split(",")):
        pieces = [p.strip() for p in item.split(";")]
        if not pieces[0]:
            continue
        match = _MEDIA_RANGE.match(pieces[0])
        if not match:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 < q <= 1.0:
            out.append((pieces[0].lower(), q, position))
        elif q == 0.0 or q > 1.0 or q < 0.0:
            continue
    if not out:
        if any(_MEDIA_RANGE.match(i.split(";")[0].strip()) for i in header.split(",")):
            return []  # only q=0 entries: nothing acceptable
        raise HTTPProblem(400, "malformed Accept header")
    out.sort(key=lambda e: (-e[1], e[2]))
    return [(m, q) for m, q, _ in out]


def negotiate(request: Request, offered: list[str]) -> str | None:
    """The first of ``offered`` (media types, preferred first) that Accept allows, else None."""
    ranges = parse_accept(request.headers.get("accept"))
    best, best_q = None, 0.0
    for index, media in enumerate(offered):
        main = media.split("/")[0]
        for media_range, q in ranges:
            if media_range in (media, f"{main}/*", "*/*"):
                specific = media_range == media
                score = q + (0.0001 if specific else 0) - index * 1e-6
                if score > best_q:
                    best, best_q = media, score
                break
    return best


def language(request: Request) -> str:
    """en or es: ``?lang=``, else the first of them in Accept-Language, else en."""
    given = request.query_params.get("lang")
    if given is not None:
        if given not in LANGUAGES:
            raise HTTPProblem(400, f"lang must be one of {', '.join(LANGUAGES)}, not {given[:20]!r}")
        return given
    for item in request.headers.get("accept-language", "").split(","):
        tag = item.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "en"


def check_params(request: Request, allowed: set[str] | frozenset[str]) -> None:
    unknown = sorted(set(request.query_params.keys()) - set(allowed))
    if unknown:
        valid = ", ".join(sorted(allowed)) or "(none)"
        raise HTTPProblem(400, f"unknown parameter {unknown[0][:40]!r}; this address takes: {valid}")


def answer(request: Request, body: bytes | str, media_type: str, *, status: int = 200, vary: str = "Accept",
           max_age: int = 300, headers: dict | None = None) -> Response:
    """A response with a strong ETag (a hash of the body: the graph does not change while the
    server runs), Cache-Control, Vary; 304 when If-None-Match already has it."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    if media_type.startswith("text/") and "charset" not in media_type:
        media_type += "; charset=utf-8"
    etag = '"' + hashlib.blake2b(data + media_type.encode(), digest_size=12).hexdigest() + '"'
    common = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}" if status == 200 else "no-store",
              "Vary": vary, **(headers or {})}
    if status == 200 and etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=common)
    return Response(data, status_code=status, media_type=media_type, headers=common)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, or 413 once it passes ``limit`` (by Content-Length or as it arrives)."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise HTTPProblem(400, "malformed Content-Length header")
        if int(length) > limit:
            raise HTTPProblem(413, f"request body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPProblem(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
