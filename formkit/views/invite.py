"""The personal link of an invitation (/i/<token>) and its unsubscribe page.

Opening the link (a GET) changes nothing: mail scanners and link previews open links.
It shows a page with a button; the button (a POST) starts the person's one response,
prefilled with who they are, bound to this browser, or continues it. In the browser
that holds the draft the link goes straight back to it; once submitted, the link says
the person has answered.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _

from formkit import clock, invitations
from formkit.i18n import current_locale
from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import Invitation, Response
from formkit.views.availability import refuse_draft, refuse_new_response
from formkit.views.binding import bound_here, browser_hash
from formkit.views.errors import render_error
from formkit.views.respond import page_url, remember_draft, result_url

bp = Blueprint("invite", __name__)


def _unknown():
    return render_error(404, _("This invitation link is not valid: it may have been "
                               "copied incompletely, or withdrawn. Ask whoever invited you "
                               "for a new one."))


def _lookup(token: str) -> tuple[Invitation | None, Form | None, Response | None]:
    invitation = invitations.find(token)
    form = current_registry().get_form(invitation.form_id) if invitation else None
    if form is None:
        return None, None, None
    response = current_store().get(invitation.response_id) if invitation.response_id \
        else None
    if response is not None and response.form_id != form.id:
        response = None
    return invitation, form, response


@bp.get("/i/<token>")
def open(token: str):  # noqa: A001 - the endpoint's name
    invitation, form, response = _lookup(token)
    if invitation is None:
        return _unknown()
    if response is not None and response.is_submitted:
        invitations.answered(response)
        return render_template("invitation.html", form=form, invitation=invitation,
                               token=token, answered=True, result=result_url(response))
    if response is not None and bound_here(response):
        refused = refuse_draft(form, response)
        if refused:
            return refused
        remember_draft(response)
        return redirect(page_url(form, response.page))
    return render_template("invitation.html", form=form, invitation=invitation, token=token,
                           answered=False, started=response is not None)


@bp.post("/i/<token>")
def begin(token: str):
    """Start the person's response, or take it up in this browser."""
    invitation, form, response = _lookup(token)
    if invitation is None:
        return _unknown()
    store = current_store()
    if response is None:
        refused = refuse_new_response(form)
        if refused:
            return refused
        if invitation.response_id:  # that response was deleted: the person starts again
            store.update_invitation(invitation.id, response_id=None)
        # The key is the invitation's: two first visits at once make one draft.
        response = store.create_draft(form.id, form.version, current_locale(),
                                      f"invitation-{invitation.id}",
                                      answers=invitations.prefill(form, invitation),
                                      browser=browser_hash())
        linked = store.link_invitation(invitation.id, response.id)
        if linked is not None and linked.response_id != response.id:
            response = store.get(linked.response_id) or response
    if response.is_submitted:
        return redirect(url_for("invite.open", token=token))
    refused = refuse_draft(form, response)
    if refused:
        return refused
    if not bound_here(response):
        # The link is the person's: whoever holds it may continue here (the browser
        # that had the draft no longer does), like a resume code.
        response = store.update(response.id, browser=browser_hash()) or response
    remember_draft(response)
    return redirect(page_url(form, response.page))


@bp.get("/i/<token>/stop")
def stop(token: str):
    """The unsubscribe page: a button, since mail scanners open links."""
    invitation, form, _response = _lookup(token)
    if invitation is None:
        return _unknown()
    return render_template("invitation_stop.html", form=form, invitation=invitation,
                           token=token, done=bool(invitation.opted_out))


@bp.post("/i/<token>/stop")
def stop_confirmed(token: str):
    invitation, form, _response = _lookup(token)
    if invitation is None:
        return _unknown()
    if not invitation.opted_out:
        invitation = current_store().update_invitation(invitation.id,
                                                       opted_out=clock.utcnow_iso())
    return render_template("invitation_stop.html", form=form, invitation=invitation,
                           token=token, done=True)
