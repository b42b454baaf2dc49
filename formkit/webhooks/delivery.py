"""Delivering one queued event: a JSON POST, signed, to the subscription's URL.

Why ``http.client`` (the standard library) rather than an HTTP client library: none is
installed, and this needs two things libraries make awkward: connecting to the very
address :func:`~formkit.webhooks.targets.check_target` vetted (not resolving the name
again, which a rebinding DNS could answer differently) while TLS still checks the
certificate of the name; and never following a redirect (``http.client`` never does: a
3xx is a failed attempt, so no redirect can lead to a private host)."""

from __future__ import annotations

import http.client
import socket
from typing import Any

from flask import current_app

from formkit import clock
from formkit.outbox.queue import Obsolete
from formkit.state import current_store
from formkit.webhooks.signing import signature
from formkit.webhooks.targets import Target, check_target


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx (the worker retries, then dead-letters)."""


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a vetted address, with the URL's host in ``Host``."""

    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a vetted address; the certificate is checked against the URL's host."""

    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, headers: dict[str, str], raw: bytes,
         timeout: float) -> int:
    """POST ``raw`` to the first of the target's addresses that answers; the status."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    error: OSError | None = None
    for address in target.addresses:
        connection = kind(target, address, timeout)
        try:
            connection.request("POST", target.path, body=raw, headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)  # enough to reuse nothing; the body is ignored
            return response.status
        except OSError as failure:
            error = failure
        finally:
            connection.close()
    raise error or OSError("no address to connect to")


def deliver(payload: dict[str, Any], message_id: str) -> None:
    """Deliver one queued event; raises on any failure (the worker retries)."""
    store = current_store()
    webhook = store.get_webhook(payload["webhook_id"])
    if webhook is None or not webhook.active:
        raise Obsolete("the webhook was removed")
    entry: dict[str, Any] = {"webhook_id": webhook.id, "event_id": payload["event_id"],
                             "event": payload["event"], "at": clock.utcnow_iso(),
                             "ok": False, "code": None, "error": None}
    try:
        config = current_app.config
        # Checked again now: the name may resolve elsewhere than when it was added.
        target = check_target(webhook.url, config.get("WEBHOOK_ALLOWED_HOSTS") or ())
        raw = payload["body"].encode()
        timestamp = str(int(clock.now()))
        headers = {"Content-Type": "application/json",
                   "User-Agent": "formkit-webhooks",
                   "X-Formkit-Event": payload["event"],
                   "X-Formkit-Event-Id": payload["event_id"],
                   "X-Formkit-Timestamp": timestamp,
                   "X-Formkit-Signature": signature(webhook.secret, timestamp, raw)}
        code = post(target, headers, raw, float(config.get("WEBHOOK_TIMEOUT") or 10))
        entry["code"] = code
        if not 200 <= code < 300:
            raise DeliveryFailed(f"the receiver answered HTTP {code}"
                                 + (" (redirects are not followed)"
                                    if 300 <= code < 400 else ""))
        entry["ok"] = True
    except Exception as error:
        entry["error"] = f"{type(error).__name__}: {error}"[:500]
        raise
    finally:
        store.log_webhook_attempt(entry)
