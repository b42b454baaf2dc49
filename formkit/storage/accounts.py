"""The one conversion of accounts written before the ``all_forms`` flag existed.

Until then a coordinator with no form ticked saw every form. Now "no form" means none
(fail closed) and "every form, including forms added later" is the explicit
``all_forms`` flag. Records without the flag (``User.all_forms is None``) are converted
here, once, for both stores, keeping what each account could see: at start-up and by
``formkit db upgrade``. Copies and backups carry the flag as it is (``None`` included),
so a restored old backup is converted by the same step.
"""

from __future__ import annotations

import logging

from formkit.storage.base import Store, User

log = logging.getLogger(__name__)


def settle_all_forms(user: User) -> User:
    """``user`` with its ``all_forms`` flag decided by the old rule (no form: every form)
    when its record predates the flag; otherwise unchanged."""
    if user.all_forms is None:
        user.all_forms = not user.forms
    return user


def upgrade_accounts(store: Store) -> list[str]:
    """Write the flag into every account of ``store`` that predates it, once; the emails
    converted to all forms (the others were given forms and keep only those)."""
    granted = []
    for user in store.list_users():
        if user.all_forms is not None:
            continue
        settle_all_forms(user)
        store.update_user(user.id, all_forms=user.all_forms)
        store.append_audit({"user": None, "action": "user_forms", "target": user.email,
                            "detail": {"all_forms": user.all_forms, "forms": user.forms,
                                       "reason": "upgrade"}, "address": None})
        if user.all_forms:
            granted.append(user.email)
    if granted:
        log.warning("accounts from before the all-forms flag keep every form: %s",
                    ", ".join(granted))
    return granted
