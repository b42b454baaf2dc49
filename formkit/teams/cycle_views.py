"""A team's cycles and living responses under ``/t/<slug>/``: starting a cycle, a form's
response in a cycle (latest version, history, comparison with the previous cycle, the
members' aggregate) and editing it page by page.

Nested in the ``teams`` blueprint, so its checkpoint (``formkit.teams.access``) has
resolved ``g.team`` and ``g.member`` first; :func:`resolve` then resolves the cycle and
the form a URL names (one place: a form outside the site's cycles, or a cycle of another
team, is not found)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from formkit.auth import current_user
from formkit.flow import apply_values, final_answers, missing_required, page_form, read_page
from formkit.i18n import current_locale
from formkit.outbox import notifications
from formkit.schema import LEADS, MEMBER
from formkit.state import current_registry, current_store
from formkit.teams import activity, cycles, identity, living
from formkit.teams.access import may_read_form
from formkit.teams.site import cycle_forms
from formkit.views.admin.review import answer_sections
from formkit.views.errors import render_error
from formkit.views.respond import field_states, result_preview

bp = Blueprint("cycles", __name__, url_prefix="/<slug>")


def resolve():
    """``g.cycle`` and ``g.form`` from the URL (after the team checkpoint)."""
    args = request.view_args or {}
    g.cycle = g.form = None
    if "number" in args:
        g.cycle = cycles.find(g.team, args["number"])
        if g.cycle is None:
            return render_error(404)
    if "form_id" in args:
        g.form = next((f for f in cycle_forms() if f.id == args["form_id"]), None)
        if g.form is None or not may_read_form(g.form.id):
            return render_error(404)
    return None


bp.before_request(resolve)


def may_start_cycle() -> bool:
    """A lead of the team, or a coordinator let in by the checkpoint."""
    return (g.member is not None and g.member.role == "lead") or current_user() is not None


def _author() -> tuple[str, str]:
    """(id, name) of who edits: the member."""
    return g.member.id, g.member.name


def may_edit(form) -> bool:
    """Whether the viewer edits the team's response of ``form``: a member of the team,
    and a lead when the form says ``editors: leads``."""
    return g.member is not None and (form.editors != LEADS or g.member.is_lead)


def _editable():
    """Only the team's members edit its responses (coordinators read them); a form with
    ``editors: leads`` only its leads (the other members read it)."""
    if g.member is None:
        return render_error(403, _("Only the team’s members edit its responses."))
    if not may_edit(g.form):
        return render_error(403, _("Only the team’s leads edit this form; the other "
                                   "members read it."))
    return None


def response_url(number: int, form_id: str) -> str:
    return url_for("teams.cycles.response", slug=g.team.slug, number=number, form_id=form_id)


def edit_url(number: int, form_id: str, page: int) -> str:
    return url_for("teams.cycles.edit", slug=g.team.slug, number=number, form_id=form_id,
                   page=page)


@bp.post("/cycles/new")
def new_cycle(slug: str):
    if not may_start_cycle():
        return render_error(403, _("Only a lead of the team or a coordinator starts a "
                                   "cycle."))
    label = " ".join((request.form.get("label") or "").split())[:cycles.LABEL_LENGTH]
    if not label:
        flash(_("Give the new cycle a name, like 2026–2027."), "error")
        return redirect(url_for("teams.space", slug=g.team.slug))
    user = current_user()
    cycle = cycles.start(g.team, label, g.member.email if g.member else user.email)
    flash(_("Cycle %(label)s started.", label=label), "success")
    return redirect(url_for("teams.space", slug=g.team.slug, cycle=cycle.number))


def _member_view(form, cycle):
    """What a member-scoped form shows the team: the members' aggregate, once enough
    have answered (nothing identifying before), with the previous cycle's aggregate
    (when it had enough answers too) for the change since then."""
    responses = cycles.member_responses(cycle, form.id)
    minimum = cycles.aggregate_minimum(form)
    if len(responses) < minimum:
        return None, len(responses), minimum
    hook = current_registry().hook
    summary = hook.formkit_summarize(form=form, responses=responses)
    if summary is None:
        return Markup(""), len(responses), minimum
    before = cycles.earlier(g.team, cycle)
    earlier = cycles.member_responses(before, form.id) if before else []
    previous = hook.formkit_summarize(form=form, responses=earlier) \
        if len(earlier) >= minimum else None
    html = hook.formkit_team_summary_html(form=form, summary=summary, previous=previous,
                                          team=g.team, cycle=cycle)
    if html is None:
        html = hook.formkit_summary_html(form=form, summary=summary)
    return html or Markup(""), len(responses), minimum


def _notes(form, cycle) -> list[Markup]:
    """What plugins say above ``form`` in ``cycle`` (``formkit_cycle_notes``)."""
    return [n for n in current_registry().hook.formkit_cycle_notes(
        form=form, team=g.team, cycle=cycle, viewer=identity.viewer(g.team)) if n]


@bp.get("/c/<int:number>/<form_id>/")
def response(slug: str, number: int, form_id: str):
    form, cycle = g.form, g.cycle
    locale = current_locale()
    g.cycle_notes = _notes(form, cycle)
    own = cycles.owner(form, g.member)
    aggregate = answered = minimum = None
    if form.scope == MEMBER:
        aggregate, answered, minimum = _member_view(form, cycle)
    if form.scope == MEMBER and own is None:
        # A coordinator: the aggregate here; each member's own answers in the workspace.
        return render_template("teams/response.html", team=g.team, cycle=cycle, form=form,
                               slot=None, response=None, sections=[], history=[],
                               result=None, comparisons=[], aggregate=aggregate,
                               answered=answered, minimum=minimum, editable=False)
    if not may_edit(form):  # a coordinator, or a member reading a leads' form
        found = [s for s in current_store().list_team_responses(cycle.id)
                 if s.form_id == form.id and s.member_id is None]
        stored = current_store().get(found[0].response_id) if found else None
        slot = found[0] if found else None
    else:
        slot, stored = cycles.open_response(g.team, cycle, form, own)
    registry = current_registry()
    result = comparisons = None
    history = []
    sections = []
    if stored is not None:
        sections = answer_sections(form, stored, locale)
        history = living.history(form, stored.id, locale)
        if stored.score is not None:
            result = registry.hook.formkit_result_html(form=form, response=stored)
        before = cycles.earlier(g.team, cycle)
        previous = cycles.responses_of(before, own).get(form.id) if before else None
        if previous is not None:
            comparisons = [c for c in registry.hook.formkit_compare(
                form=form, response=stored, previous=previous) if c]
    return render_template("teams/response.html", team=g.team, cycle=cycle, form=form,
                           slot=slot, response=stored, sections=sections, history=history,
                           result=result, comparisons=comparisons or [], aggregate=aggregate,
                           answered=answered, minimum=minimum, editable=may_edit(form))


def _render_edit(form, cycle, page, slot, stored, wtform=None, errors=None, conflict=None,
                 status=200, revision=None):
    section = form.sections[page]
    locale = current_locale()
    if wtform is None:
        wtform = page_form(form, section, locale, stored.answers)
    return render_template(
        "teams/edit.html", team=g.team, cycle=cycle, form=form, section=section, page=page,
        wtform=wtform, errors=errors or {}, states=field_states(form, page, stored.answers),
        conditions={}, revision=slot.revision if revision is None else revision,
        conflict=conflict, notes=_notes(form, cycle) if page == 0 else [],
        heading=current_registry().hook.formkit_page_heading(
            form=form, section=section, answers=stored.answers, locale=locale),
        # as on the public pages: a section with show_result shows the result so far
        preview=result_preview(form, stored.answers, locale) if section.show_result
        else None), status


@bp.route("/c/<int:number>/<form_id>/edit/<int:page>", methods=["GET", "POST"])
def edit(slug: str, number: int, form_id: str, page: int):
    refused = _editable()
    if refused:
        return refused
    form, cycle = g.form, g.cycle
    if page >= len(form.sections):
        abort(404)
    slot, stored = cycles.open_response(g.team, cycle, form, cycles.owner(form, g.member))
    if request.method == "GET":
        return _render_edit(form, cycle, page, slot, stored)
    locale = current_locale()
    section = form.sections[page]
    action = request.form.get("_action", "save")
    try:
        expected = int(request.form.get("_revision", ""))
    except ValueError:
        expected = -1
    if action not in ("save", "next"):  # add or remove a table row: nothing is saved
        outcome = read_page(form, section, locale, request.form, stored.answers,
                            action=action, validate=False)
        return _render_edit(form, cycle, page, slot, stored, wtform=outcome.wtform,
                            revision=expected)
    outcome = read_page(form, section, locale, request.form, stored.answers, action=action,
                        validate=True)
    if not outcome.ok:
        return _render_edit(form, cycle, page, slot, stored, wtform=outcome.wtform,
                            errors=outcome.errors, status=422, revision=expected)
    answers = dict(stored.answers)
    apply_values(section, answers, outcome)
    answers = final_answers(form, answers)
    if not living.changed_fields(stored.answers, answers):  # no revision for nothing
        flash(_("No answer changed: nothing to save."), "success")
        if action == "next" and page + 1 < len(form.sections):  # still on to the next
            return redirect(edit_url(cycle.number, form.id, page + 1))
        return redirect(response_url(cycle.number, form.id))
    saved, revision = living.save(form, slot, expected, stored.answers, answers, *_author(),
                                  locale)
    if saved is None:  # someone saved between our read and our write
        slot, stored = cycles.open_response(g.team, cycle, form, cycles.owner(form, g.member))
        return _conflict(form, cycle, page, slot, stored, outcome, expected)
    _record_revision(form, slot, revision)
    flash(_("Saved."), "success")
    if action == "next" and page + 1 < len(form.sections):
        return redirect(edit_url(cycle.number, form.id, page + 1))
    return redirect(response_url(cycle.number, form.id))


@bp.post("/c/<int:number>/<form_id>/submit")
def submit(slug: str, number: int, form_id: str):
    """Submit the response as it is (every required question answered); it stays
    living: members revise it afterwards."""
    refused = _editable()
    if refused:
        return refused
    form, cycle = g.form, g.cycle
    slot, stored = cycles.open_response(g.team, cycle, form, cycles.owner(form, g.member))
    if slot.status == "submitted":
        return redirect(response_url(cycle.number, form.id))
    missing = missing_required(form, stored.answers)
    if missing is not None:
        flash(_("Some required questions on this page are not answered yet."), "error")
        return redirect(edit_url(cycle.number, form.id, missing))
    # What a submission causes (alerts, receipts, webhook events) is queued as for a
    # public submission: held until the submit below is written, keyed so that a retry
    # after a stale submit queues nothing twice.
    link = notifications.absolute_url("teams.cycles.response", slug=g.team.slug,
                                      number=cycle.number, form_id=form.id)
    notifications.before_submit(form, stored, link)
    saved, revision = living.save(form, slot, slot.revision, stored.answers, stored.answers,
                                  *_author(), current_locale(), submit=True)
    if saved is None:
        flash(_("Someone saved this response just now: please check it, then submit "
                "again."), "warning")
        return redirect(response_url(cycle.number, form.id))
    _record_revision(form, slot, revision)
    current_registry().hook.formkit_response_saved(
        form=form, response=current_store().get(slot.response_id), event="submitted")
    flash(_("Submitted. Your team can keep updating it."), "success")
    return redirect(response_url(cycle.number, form.id))


def _record_revision(form, slot, revision) -> None:
    """A revision in the audit log: the team's activity for its shared responses; a
    member's own response only in the coordinators' log (the team would learn who
    answered before the aggregate's minimum)."""
    detail = {"form": form.id, "number": revision.number, "submitted": revision.submitted}
    if slot.member_id is None:
        activity.record(g.team, "revision", target=slot.response_id, **detail)
    else:
        current_store().append_audit({"user": g.member.email, "action": "member_revision",
                                      "target": slot.response_id,
                                      "detail": {**detail, "team": g.team.slug}})


def _conflict(form, cycle, page, slot, stored, outcome, expected):
    """Someone saved since this page was opened: show what they changed and keep what
    was typed; saving again (from the latest revision now) applies it."""
    locale = current_locale()
    since = [r for r in current_store().list_revisions(slot.response_id) if r.number > expected]
    lines = []
    for revision in since:
        for line in living.describe(form, revision.changes, locale):
            lines.append(_("%(who)s: %(change)s", who=revision.author_name, change=line))
    message = _("Someone saved this response while you were editing it. Their changes are "
                "listed below; what you typed is kept here. Check it, then save again.")
    return _render_edit(form, cycle, page, slot, stored, wtform=outcome.wtform,
                        errors=outcome.errors, status=409,
                        conflict={"message": message, "lines": lines})
