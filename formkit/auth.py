"""Coordinator accounts: argon2id passwords, server-side sessions (idle timeout, absolute
lifetime, ended at sign-out, password change and disable), sign-in limits per account
and per address that hold under concurrency, one-time set-password links, the audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from flask import current_app, g, request, session
from flask_babel import gettext as _

from formkit import clock
from formkit.state import current_store
from formkit.storage import ROLES, Session, StoreUnavailable, User
from formkit.storage.base import utcnow

if TYPE_CHECKING:
    import argon2

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
#: failed sign-ins of one account before it is locked, and for how long.
ACCOUNT_FAILURES, ACCOUNT_LOCK_SECONDS = 5, 15 * 60
#: failed sign-ins from one address within the window before it must wait.
ADDRESS_FAILURES, ADDRESS_WINDOW_SECONDS = 20, 15 * 60
TOKEN_SECONDS = 48 * 3600


def _hasher() -> argon2.PasswordHasher:
    # on the first sign-in or password: a worker serving only forms never loads argon2
    # and its C bindings (0.4 MiB)
    import argon2
    from argon2 import profiles

    # The "CHEAPEST" profile exists for test suites; deployments keep RFC 9106's.
    name = current_app.config.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    return argon2.PasswordHasher.from_parameters(getattr(profiles, name))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check, so unknown accounts are not revealed.
        _hasher().hash(password or "-")
        return False
    hasher = _hasher()
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, translated; ``None`` when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return _("Use at least %(num)d characters.", num=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("Use at most %(num)d characters.", num=MAX_PASSWORD)
    if len(set(password)) < 4:
        return _("Use a less repetitive password.")
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256(f"formkit-password:{token}".encode()).hexdigest()


def new_user(email: str, role: str, forms: list[str] | None = None,
             all_forms: bool = False) -> User:
    """A new account; a coordinator sees ``forms`` only, or every form with
    ``all_forms`` (none by default)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    return User(id=secrets.token_hex(8), email=email.strip().lower(), role=role,
                forms=list(forms or []), all_forms=bool(all_forms))


def issue_password_token(user: User) -> str:
    """A one-time token to set a password (valid 48 hours); only its hash is stored."""
    token = secrets.token_urlsafe(24)
    current_store().update_user(user.id, token_hash=token_hash(token),
                                token_expires=clock.now() + TOKEN_SECONDS)
    return token


def user_for_token(token: str) -> User | None:
    wanted = token_hash(token or "")
    for user in current_store().list_users():
        if user.token_hash and secrets.compare_digest(user.token_hash, wanted):
            return user if user.token_expires > clock.now() and user.active else None
    return None


def disable_account(user: User) -> User:
    """Disable an account and end its sessions at once."""
    updated = current_store().update_user(user.id, active=False)
    sign_out_everywhere(user)
    return updated


def enable_account(user: User) -> User:
    """Enable an account again, with a clean slate of failed sign-ins."""
    current_store().reset(_account_key(user))
    return current_store().update_user(user.id, active=True, locked_until=0.0)


def set_password(user: User, password: str) -> User:
    """Store a new password hash; ends the account's sessions and its token."""
    updated = current_store().update_user(
        user.id, password_hash=hash_password(password), token_hash=None, token_expires=0.0,
        locked_until=0.0)
    current_store().reset(_account_key(user))
    sign_out_everywhere(user)
    return updated


# -- sign-in ---------------------------------------------------------------------------
class SignInRefused(Exception):
    """A sign-in attempt that must not proceed; the message is for the person."""

    def __init__(self, message: str, status: int = 200):
        super().__init__(message)
        self.status = status


def client_address() -> str:
    return request.remote_addr or "unknown"


def _account_key(user: User) -> str:
    return f"signin-account:{user.id}"


def authenticate(email: str, password: str) -> User:
    """The account for these credentials, or :class:`SignInRefused` (translated).

    Every attempt first reserves a place in the per-address and per-account counters
    (an atomic store operation), then checks the password: however many attempts
    arrive at once on however many workers, at most ``ACCOUNT_FAILURES`` passwords of
    one account are checked before it locks. A successful sign-in gives its reservation
    back."""
    store = current_store()
    address_key = f"signin:{client_address()}"
    if store.hit(address_key, ADDRESS_WINDOW_SECONDS) > ADDRESS_FAILURES:
        raise SignInRefused(_("Too many failed sign-ins from this network. Please wait 15 "
                              "minutes and try again."), 429)
    user = store.find_user(email)
    now = clock.now()
    if user is not None:
        attempt = store.hit(_account_key(user), ACCOUNT_LOCK_SECONDS)
        if user.locked_until > now or attempt > ACCOUNT_FAILURES:
            locked_until = (user.locked_until if user.locked_until > now
                            else now + ACCOUNT_LOCK_SECONDS)
            minutes = int((locked_until - now) // 60) + 1
            raise SignInRefused(_("This account is locked after repeated failed sign-ins. "
                                  "Try again in %(num)d minutes, or ask an administrator.",
                                  num=minutes), 423)
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.active:
        if user is not None and attempt >= ACCOUNT_FAILURES and valid is False:
            store.update_user(user.id, locked_until=now + ACCOUNT_LOCK_SECONDS)
        audit("signin_failed", target=email.strip().lower()[:200])
        raise SignInRefused(_("The email or password is not right."))
    store.hit(address_key, ADDRESS_WINDOW_SECONDS, amount=-1)
    store.reset(_account_key(user))
    if _hasher().check_needs_rehash(user.password_hash):
        store.update_user(user.id, password_hash=hash_password(password))
    return store.update_user(user.id, locked_until=0.0, last_login=utcnow())


# -- sessions --------------------------------------------------------------------------
#: what a respondent keeps in the same browser's cookie (its id, its drafts): a
#: coordinator signing in or out there does not take their drafts away.
RESPONDENT_KEYS = ("browser", "drafts")
#: the cookie key of a community member's session (:mod:`formkit.teams.identity`): a
#: coordinator signing in or out in the same browser leaves it alone, and the reverse.
MEMBER_SID = "member_sid"
#: a session's last use is written at most this often (seconds), not on every request.
TOUCH_SECONDS = 60


def session_id_hash(sid: str) -> str:
    return hashlib.sha256(f"formkit-session:{sid}".encode()).hexdigest()


def start_session(user: User) -> None:
    """A new server-side session for ``user``. Nothing of the cookie's earlier content
    survives but the input kept for the page the sign-in leads back to: a fresh random
    id and a fresh CSRF token, so a session planted before sign-in cannot be taken over."""
    kept = session.get("kept")
    end_session()
    if kept:
        session["kept"] = kept
    sid = secrets.token_urlsafe(32)
    now = clock.now()
    hours = current_app.config["COORDINATOR_SESSION_HOURS"]
    current_store().add_session(Session(id=session_id_hash(sid), user_id=user.id,
                                        created=now, seen=now, expires=now + hours * 3600))
    session["sid"] = sid
    session.permanent = True
    g.user = user


def end_session() -> None:
    """Sign this browser out: its session record is deleted, so a copy of the cookie
    opens nothing any more."""
    sid = session.get("sid")
    if sid:
        current_store().delete_session(session_id_hash(sid))
    clear_cookie(keep=(*RESPONDENT_KEYS, MEMBER_SID))
    g.user = None


def clear_cookie(keep: tuple[str, ...]) -> None:
    """Empty the session cookie but for the ``keep`` keys (a fresh CSRF token too)."""
    kept = {key: session[key] for key in keep if key in session}
    session.clear()
    session.update(kept)


def sign_out_everywhere(user: User) -> int:
    """End every session of ``user`` (in every browser); how many were ended."""
    return current_store().delete_user_sessions(user.id)


def live_session(cookie: str, idle_seconds: float) -> tuple[Session | None, bool]:
    """The server-side session this browser's ``cookie`` names, while it lives (within
    its absolute lifetime and used in the last ``idle_seconds``; its last use is noted
    at most once a minute), and whether the browser had such a cookie at all. Shared by
    coordinators' and community members' sign-ins."""
    sid = session.get(cookie)
    if not sid:
        return None, False
    store = current_store()
    record = store.get_session(session_id_hash(sid))
    now = clock.now()
    if record is None or now >= record.expires or now - record.seen > idle_seconds:
        return None, True
    if now - record.seen >= TOUCH_SECONDS:
        try:
            store.touch_session(record.id, now)
        except StoreUnavailable:
            pass  # reading pages keeps working on a full disk; the idle timer waits
    return record, True


def current_user() -> User | None:
    """The signed-in coordinator, or ``None``: also after the idle timeout, after the
    session's absolute lifetime, and once the session was ended anywhere."""
    if "user" in g:
        return g.user
    g.user = None
    record, had_cookie = live_session("sid", current_app.config["COORDINATOR_IDLE_MINUTES"] * 60)
    user = current_store().get_user(record.user_id) if record else None
    if user is None or not user.active:
        if had_cookie:
            g.expired = True
            end_session()
        return None
    g.user = user
    return user


def audit(action: str, target: str | None = None, **detail: Any) -> None:
    """Append to the audit log: who, when, what (never a password or an answer)."""
    user = g.get("user")
    current_store().append_audit({
        "user": user.email if user else None,
        "action": action,
        "target": target,
        "detail": detail,
        "address": client_address() if request else None,
    })
