"""A form's invitations: invite people (pasted lines or a CSV file), choose reminders,
see who has answered, who has not, who opted out."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from flask_babel import gettext as _

from formkit import invitations
from formkit.auth import audit
from formkit.i18n import current_locale
from formkit.invitation_list import decode, read_people, read_reminders
from formkit.outbox import mail_configured
from formkit.state import current_store
from formkit.views.admin import bp

#: an uploaded list larger than this is refused (the request limit is larger).
MAX_FILE = 512 * 1024


def _page(status: int = 200, **context):
    form = g.form
    listed = current_store().list_invitations(form.id)
    order = {"waiting": 0, "opted_out": 1, "answered": 2}
    listed.sort(key=lambda i: (order[i.state], i.name.lower(), i.email))
    context.setdefault("people_text", "")
    context.setdefault("reminders_text", ", ".join(map(str, invitations.DEFAULT_REMINDERS)))
    context.setdefault("language", current_locale())
    return render_template(
        "admin/invitations.html", form=form, invitations=listed,
        counts=invitations.counts(form.id), mail_ready=mail_configured(),
        languages=current_app.config["LANGUAGES"], **context), status


@bp.get("/forms/<form_id>/invitations")
def invitations_page(form_id: str):
    return _page()


@bp.post("/forms/<form_id>/invitations")
def invite_people(form_id: str):
    form = g.form
    languages = current_app.config["LANGUAGES"]
    text = request.form.get("people", "")
    upload = request.files.get("file")
    kept = {"people_text": text, "reminders_text": request.form.get("reminders", ""),
            "language": request.form.get("language", "")}
    errors = []
    if upload is not None and upload.filename:
        data = upload.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            errors.append(_("The file is larger than %(num)d KB: send the list in parts.",
                            num=MAX_FILE // 1024))
        else:
            text = f"{text}\n{decode(data)}" if text.strip() else decode(data)
    reminders = read_reminders(kept["reminders_text"])
    if reminders is None:
        errors.append(_("Write the reminders as days after the invitation, for example "
                        "“7, 14” (at most 5, each from 1 to 365), or leave the box empty "
                        "for none."))
    if kept["language"] not in languages:
        errors.append(_("Choose the language of the emails."))
    if errors:
        return _page(422, errors=errors, **kept)
    people, problems = read_people(text, languages)
    if not people and not problems:
        return _page(422, errors=[_("Paste or upload the people to invite.")], **kept)
    new, before = invitations.invite(form, people, reminders, kept["language"], g.user.id)
    if new:
        audit("invite", target=form.id, invited=len(new), reminders=reminders)
    # what could not be read stays in the box, to correct and send again
    kept["people_text"] = "\n".join(p.text for p in problems)
    return _page(422 if problems and not people else 200, problems=problems,
                 invited=new, before=before, **kept)
