"""Which browser a draft belongs to: browser ids, page keys, signed prefills.

- Each browser gets a random id in its signed session cookie. A draft keeps the SHA-256
  of the id of the browser that continues it (the one that made it, or the last one to
  resume it with a code); a draft bound to another browser is never taken up.
- The key a form page carries (the idempotency key of the browser form, which names the
  draft the first POST creates) is minted here for one browser and one form: a nonce and
  an HMAC of (browser id, form id, nonce) under the secret key. A key posted from another
  browser, or one the client made up, does not verify — on any worker or server that
  shares the secret key, with nothing stored.
- Prefilled answers (``formkit_prefill``) are not stored when a start link is opened:
  the page carries them, signed, and the first POST puts them in the new draft.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from formkit.schema import Form
from formkit.storage import Response
from formkit.storage.base import new_token

_ID = re.compile(r"^[a-z2-7]{26}$")
#: a nonce (10 random bytes) and a MAC (10 bytes), each 16 base32 letters.
_MINTED = re.compile(r"^[a-z2-7]{32}$")


def browser_id() -> str:
    """This browser's random id, made on first use and kept in its session."""
    value = session.get("browser")
    if not isinstance(value, str) or not _ID.match(value):
        value = new_token(16)
        session["browser"] = value
    return value


def browser_hash() -> str:
    """What a draft stores to name this browser (the id itself stays in the cookie)."""
    return hashlib.sha256(f"formkit-browser:{browser_id()}".encode()).hexdigest()


def bound_here(response: Response) -> bool:
    """Whether this browser may continue ``response``. Drafts stored before drafts were
    bound (no ``browser``) stay with the session that holds them."""
    return response.browser is None or hmac.compare_digest(response.browser, browser_hash())


def _mac(form_id: str, nonce: str) -> str:
    secret = f"formkit-draft-key:{current_app.secret_key}".encode()
    digest = hmac.new(secret, f"{browser_id()}:{form_id}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def mint_key(form_id: str) -> str:
    """A new page key for ``form_id``, valid only from this browser."""
    nonce = new_token(10)
    return nonce + _mac(form_id, nonce)


def key_is_ours(form_id: str, key: Any) -> bool:
    """Whether ``key`` was minted for this browser and form."""
    if not isinstance(key, str) or not _MINTED.match(key):
        return False
    return hmac.compare_digest(key[16:], _mac(form_id, key[:16]))


def _prefill_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="formkit-prefill")


def sign_prefill(form: Form, answers: dict[str, Any]) -> str:
    """The hidden field that carries prefilled answers to the first POST."""
    return _prefill_serializer().dumps({"form": form.id, "answers": answers})


def posted_prefill(form: Form) -> tuple[str | None, dict[str, Any]]:
    """The signed prefill the page posted back (as posted, and its answers); nothing
    when it is absent, altered or made for another form."""
    token = request.form.get("_prefill")
    if not token:
        return None, {}
    try:
        data = _prefill_serializer().loads(token)
    except BadSignature:
        return None, {}
    if not isinstance(data, dict) or data.get("form") != form.id \
            or not isinstance(data.get("answers"), dict):
        return None, {}
    answers = data["answers"]
    return token, {k: v for k, v in answers.items() if form.has_field(k)}
