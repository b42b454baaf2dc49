"""What each action of the audit log means, in the reader's language.

The log stores short codes (``signin``, ``export``…); the coordinator pages show them
as phrases. A code this table does not know (a plugin's, or a newer version's) is shown
as stored.
"""

from __future__ import annotations

from formkit.i18n import N_, translate

ACTIONS = {
    "signin": N_("Signed in"),
    "signin_failed": N_("Failed sign-in"),
    "signout": N_("Signed out"),
    "password_set": N_("Password set"),
    "account_alerts": N_("Email alerts changed"),
    "user_create": N_("Account created"),
    "user_disable": N_("Account disabled"),
    "user_enable": N_("Account enabled"),
    "user_reset": N_("Password reset link made"),
    "user_signout": N_("Account signed out everywhere"),
    "user_forms": N_("Account’s forms changed"),
    "view": N_("Response viewed"),
    "status": N_("Review status changed"),
    "delete": N_("Response deleted"),
    "export": N_("Export"),
    "invite": N_("Invitations sent"),
    "outbox_retry": N_("Email retried"),
    "person_search": N_("Person’s data looked up"),
    "person_export": N_("Person’s data exported"),
    "person_delete": N_("Person’s data deleted"),
    "retention": N_("Retention rules applied"),
    "vacuum": N_("Old drafts removed"),
    "token_create": N_("API token created"),
    "token_revoke": N_("API token revoked"),
    "api": N_("API request"),
    "webhook_add": N_("Webhook added"),
    "webhook_remove": N_("Webhook removed"),
    "webhook_test": N_("Webhook tested"),
}


def action_label(code: str, locale: str | None = None) -> str:
    """The audit log action ``code`` as a phrase in ``locale`` (default: the current one)."""
    message = ACTIONS.get(code)
    return translate(message, locale) if message else str(code)
