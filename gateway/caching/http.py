"""Strong ``ETag``s and conditional GETs (``If-None-Match`` → 304 Not Modified).

The ETag is a hash of the response body's bytes, so two replicas (or a response served
from the cache and one executed again) give the same tag for the same body. The
compression middleware appends ``-br``/``-gzip`` to it when it encodes the body (a strong
ETag names one representation); ``If-None-Match`` matches either form.
"""

from __future__ import annotations

import hashlib

#: Suffixes the compression middleware gives the ETag of an encoded body.
ENCODING_SUFFIXES = ("-br", "-gzip")


def etag(body: bytes) -> str:
    """A strong entity tag for ``body`` (quoted, 32 hex digits of its SHA-256)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matching_tag(if_none_match: str | None, tag: str) -> str | None:
    """The tag of ``If-None-Match`` that names ``tag`` (or its encoded variants), as the
    client sent it; None when none does. Weak tags (``W/"..."``) compare weakly, as RFC
    9110 says If-None-Match must; ``*`` matches any."""
    if not if_none_match:
        return None
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return tag
        bare = candidate.removeprefix("W/")
        if not (bare.startswith('"') and bare.endswith('"')):
            continue
        inner = bare[1:-1]
        for suffix in ENCODING_SUFFIXES:
            inner = inner.removesuffix(suffix)
        if f'"{inner}"' == tag:
            return candidate
    return None
