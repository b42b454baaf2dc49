"""The signature of a delivery (see docs/webhooks.md, which shows a receiver's check):
``X-Formkit-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`` under the
subscription's secret, the timestamp being ``X-Formkit-Timestamp`` (Unix seconds), so
an old delivery replayed later fails a receiver's freshness check."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Formkit-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, header: str, now: float,
           tolerance: float = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(now - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), header)
