"""A person's data, for administrators: find everything linked to an email address,
download it as one file, delete it in one audited action."""

from __future__ import annotations

import json

from flask import Response as HttpResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit import people
from formkit.auth import audit
from formkit.i18n import current_locale
from formkit.views.admin import accounts_bp


@accounts_bp.get("/people")
def person():
    email = people.normalized(request.args.get("email", ""))[:254]
    data = people.find_person(email) if email else None
    if email:
        audit("person_search", target=people.audit_name(email))
    return render_template("admin/people.html", email=email, data=data)


@accounts_bp.get("/people/export.json")
def person_export():
    email = people.normalized(request.args.get("email", ""))[:254]
    data = people.find_person(email)
    audit("person_export", target=people.audit_name(email),
          responses=len(data.responses), messages=len(data.messages),
          invitations=len(data.invitations))
    body = json.dumps(people.export_person(data, current_locale()), ensure_ascii=False,
                      indent=2)
    return HttpResponse(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="person-data.json"'})


@accounts_bp.post("/people/delete")
def person_delete():
    email = people.normalized(request.form.get("email", ""))[:254]
    if not email or people.normalized(request.form.get("confirm", "")) != email:
        flash(_("Type the email address again to confirm the deletion."), "error")
        return redirect(url_for("admin.accounts.person", email=email))
    counts = people.forget_person(people.find_person(email))
    audit("person_delete", target=people.audit_name(email), **counts)
    flash(_("Deleted: %(responses)d responses, %(invitations)d invitations and "
            "%(messages)d messages linked to that address.", **counts), "success")
    return redirect(url_for("admin.accounts.person"))
