"""The web console's files as HTTP answers: each with its content type, a cache policy that fits how it is
named, gzip when the browser takes it, an ETag to revalidate with, and the security headers every page of
the console carries (a strict Content-Security-Policy first: scripts, styles and calls from the console's
own origin only, nothing inline, no frames).

The bundle is the folder Vite builds (console/, `npm run build`): index.html plus files whose names carry a
content hash (`index-DqTav9vN.js`), which never change under the same name and are cached for a year;
everything else (index.html, the icon) is revalidated on every load, so a new release shows at once.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analytics.errors import NotFound, Unavailable

INDEX = "index.html"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Strict-Transport-Security": "max-age=31536000",
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
COMPRESSIBLE = frozenset({".html", ".js", ".css", ".svg", ".json", ".webmanifest", ".txt"})
# Vite's content hash: a dash and 8 characters of base64url before the extension.
HASHED_NAME = re.compile(r"-[A-Za-z0-9_-]{8}\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The bundle has a handful of files; every one fits in the cache.
MAX_CACHED_FILES = 64


@dataclass(frozen=True)
class StaticFile:
    name: str
    content: bytes
    content_type: str
    etag: str
    cache_control: str
    compressed: bytes | None  # gzip of content, for the types that gain from it


@dataclass(frozen=True)
class StaticAnswer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


REFUSED = re.compile(r"^q=0(\.0{0,3})?$")


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0)."""
    for part in (accept_encoding or "").split(","):
        coding, *parameters = (piece.replace(" ", "").lower() for piece in part.split(";"))
        if coding in ("gzip", "*"):
            return not any(REFUSED.match(parameter) for parameter in parameters)
    return False


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


class StaticSite:
    """The files of one built bundle; a file is read (and compressed) once, on first use, and again only if it
    changes (on Lambda it never does; under `analytics-local up`, a rebuild shows without a restart)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._load = lru_cache(maxsize=MAX_CACHED_FILES)(self._read)

    @property
    def built(self) -> bool:
        return (self._root / INDEX).is_file()

    def answer(
        self, name: str, *, accept_encoding: str | None = None, if_none_match: str | None = None
    ) -> StaticAnswer:
        """The answer to GET of `name` below the console's path ("" for the console itself)."""
        if not self.built:
            raise Unavailable(
                "the console is not built into this deployment: run `make console` (npm ci and npm run build "
                "in console/) and deploy again"
            )
        name = name or INDEX
        path = self._root / name
        # Only a plain file name directly in the bundle's folder: no folders, no way out of it.
        if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
            raise NotFound(f"the console has no file {name!r}")
        stat = path.stat()
        static = self._load(name, stat.st_mtime_ns, stat.st_size)
        headers = {
            **SECURITY_HEADERS,
            "Content-Type": static.content_type,
            "Cache-Control": static.cache_control,
            "ETag": static.etag,
        }
        if static.compressed is not None:
            headers["Vary"] = "Accept-Encoding"
        if etag_matches(if_none_match, static.etag):
            return StaticAnswer(304, headers)
        if static.compressed is not None and accepts_gzip(accept_encoding):
            return StaticAnswer(200, {**headers, "Content-Encoding": "gzip"}, static.compressed)
        return StaticAnswer(200, headers, static.content)

    def _read(self, name: str, modified_ns: int, size: int) -> StaticFile:
        """The file as it is now; its modification time and size are the cache's key, not read here."""
        path = self._root / name
        suffix = path.suffix.lower()
        content = path.read_bytes()
        return StaticFile(
            name=name,
            content=content,
            content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
            etag=f'W/"{hashlib.sha256(content).hexdigest()[:32]}"',
            cache_control=IMMUTABLE if HASHED_NAME.search(name) else REVALIDATE,
            compressed=gzip.compress(content, compresslevel=9, mtime=0) if suffix in COMPRESSIBLE else None,
        )
