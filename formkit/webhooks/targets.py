"""Where a webhook may be delivered: not to loopback, private, link-local, multicast or
reserved addresses (server-side request forgery: a coordinator's URL must not reach the
database, the cloud's metadata service or the office network), unless the host is in
``WEBHOOK_ALLOWED_HOSTS``. Checked when a subscription is added and again at every
delivery, on the addresses the connection then uses (DNS can change in between)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit


class TargetRefused(ValueError):
    """A URL webhooks may not be sent to; ``reason`` says why (``scheme``,
    ``credentials``, ``port``, ``unknown_host``, ``private``) for translated messages."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    #: the path and query to request.
    path: str
    #: the addresses checked, to connect to (never resolved again).
    addresses: tuple[str, ...]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    # is_global leaves out loopback, private, link-local, reserved, unspecified and
    # shared (100.64/10) ranges; multicast ranges may be "global", so apart.
    return ip.is_global and not ip.is_multicast


def check_target(url: str, allowed_hosts: Iterable[str]) -> Target:
    """The target ``url`` names, resolved and checked; raises :class:`TargetRefused`."""
    url = (url or "").strip()
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise TargetRefused("the address is too long or holds spaces or control "
                            "characters", "scheme")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("the address must start with http:// or https:// and name a "
                            "host", "scheme")
    if parts.username or parts.password:
        raise TargetRefused("the address must not hold a user name or password",
                            "credentials")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused("the address has an invalid port", "port") from error
    host = parts.hostname.lower()
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(f"the host {host} cannot be found", "unknown_host") from error
    addresses = tuple(dict.fromkeys(info[4][0] for info in found))
    allowed = {h.strip().lower().strip("[]") for h in allowed_hosts or ()}
    if host.strip("[]") not in allowed:
        private = [a for a in addresses if not _public(a)]
        if private:
            raise TargetRefused(f"the host {host} is on a loopback, private or reserved "
                                f"network ({private[0]}); an administrator may allow it "
                                "with FORMKIT_WEBHOOK_ALLOWED_HOSTS", "private")
    # Non-ASCII characters percent-encoded (HTTP request lines are ASCII); the rest kept.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=~-._?")
    return Target(parts.scheme, host, port, path, addresses)
