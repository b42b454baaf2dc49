"""Redirect targets that come from input (``next`` after sign-in): this site only.

A target is followed only when it is a plain path under an allowed prefix. Anything
else (another site, ``//host`` or ``/\\host`` that browsers read as another site,
control characters such as CR/LF that would split the ``Location`` header, backslashes,
or any of these percent-encoded) is refused, and the caller uses its default page.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

#: longer targets are not links we made.
MAX_LENGTH = 2000


def _suspicious(text: str) -> bool:
    # Controls (CR, LF, NUL, tab…) and line separators split headers; browsers read
    # a backslash as a slash.
    return "\\" in text or any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)


def same_site_path(target: object, prefix: str) -> str | None:
    """``target`` when it is a path of this site under ``prefix`` (``/admin``,
    ``/admin/…``, ``/admin?…``), else ``None``."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return None
    decoded = target
    for _round in range(3):  # %250d%250a is %0d%0a is CR LF
        if _suspicious(decoded):
            return None
        decoded = unquote(decoded)
    if _suspicious(decoded):
        return None
    parts = urlsplit(target)
    path = unquote(unquote(parts.path))
    if parts.scheme or parts.netloc or "//" in path or "/\\" in path:
        return None
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    return target
