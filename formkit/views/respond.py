"""Filling a form: pages, save and resume, idempotent submit, the result page."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from formkit import submission
from formkit.applies import applies_when
from formkit.flow import (
    apply_values,
    expected_pages,
    final_answers,
    missing_required,
    page_form,
    prune,
    read_page,
    visible_pages,
)
from formkit.i18n import current_locale
from formkit.outbox import notifications
from formkit.prefill import prefill_note
from formkit.schema import Form
from formkit.security import (
    give_back_resume_attempt,
    over_draft_limit,
    take_resume_attempt,
)
from formkit.state import current_registry, current_store
from formkit.storage import Response
from formkit.versions import fitting_answers, shown_html
from formkit.views.availability import refuse_draft, refuse_new_response
from formkit.views.binding import (
    bound_here,
    browser_hash,
    key_is_ours,
    mint_key,
    posted_prefill,
    sign_prefill,
)

bp = Blueprint("respond", __name__)

_RESUME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#: letters people confuse with digits the resume alphabet does not use.
_RESUME_TYPOS = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})
RESUME_LENGTH = 16


# -- helpers ---------------------------------------------------------------------------
def get_form(form_id: str) -> Form:
    form = current_registry().get_form(form_id)
    if form is None:
        abort(404)
    return form


def _drafts() -> dict[str, str]:
    return session.setdefault("drafts", {})


def remember_draft(response: Response) -> None:
    drafts = _drafts()
    drafts[response.form_id] = response.id
    session["drafts"] = drafts
    session.permanent = True


def forget_draft(form_id: str) -> None:
    drafts = _drafts()
    if drafts.pop(form_id, None):
        session["drafts"] = drafts


def current_draft(form: Form) -> Response | None:
    response_id = session.get("drafts", {}).get(form.id)
    if not response_id:
        return None
    response = current_store().get(response_id)
    if response is None or response.form_id != form.id or not bound_here(response):
        # Gone, or resumed with its code in another browser, which continues it now.
        forget_draft(form.id)
        return None
    return response


def sent_since(form: Form):
    """"This response was already sent on …" when the draft this browser was filling has
    been submitted since (on another device, after resuming it there); it is forgotten
    here, so the link on that page starts a new response. ``None`` otherwise."""
    response_id = session.get("drafts", {}).get(form.id)
    response = current_store().get(response_id) if response_id else None
    if response is None or response.form_id != form.id or not response.is_submitted:
        return None
    forget_draft(form.id)
    return render_template("already_sent.html", form=form, sent=response)


def _result_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="formkit-result")


def result_url(response: Response) -> str:
    token = _result_serializer().dumps(response.id)
    return url_for("respond.done", form_id=response.form_id, token=token)


def page_url(form: Form, page: int, **args: Any) -> str:
    return url_for("respond.page", form_id=form.id, page=page, **args)


def normalize_resume_code(text: str) -> str | None:
    """The canonical code from what someone typed (spaces, dashes, case ignored)."""
    code = re.sub(r"[\s\-]", "", text or "").upper().translate(_RESUME_TYPOS)
    if len(code) != RESUME_LENGTH or any(c not in _RESUME_CHARS for c in code):
        return None
    return code


def hash_resume_code(code: str) -> str:
    # Codes carry 80 random bits, so a fast hash suffices (no dictionary to attack).
    return hashlib.sha256(f"formkit-resume:{code}".encode()).hexdigest()


def format_resume_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# -- pages -----------------------------------------------------------------------------
def field_states(form: Form, page: int, answers: dict[str, Any]) -> dict[str, str]:
    """For each field with ``show_if``: ``"live"`` when it depends on this page (the
    script shows/hides it; without script it stays visible), else ``"hidden"`` or
    ``"shown"`` from earlier answers."""
    section = form.sections[page]
    here = {s.id for s in section.fields}
    visible = prune(form, answers)
    states = {}
    for spec in section.fields:
        if spec.show_if is None:
            continue
        if spec.show_if.fields() & here:
            states[spec.id] = "live"
        else:
            states[spec.id] = "shown" if spec.show_if.evaluate(visible) else "hidden"
    return states


def render_page(form: Form, page: int, draft: Response | None, key: str,
                wtform=None, errors: dict[str, list[str]] | None = None, status: int = 200,
                answers: dict[str, Any] | None = None, prefill: str | None = None,
                prefilled: str = ""):
    """A form page; without a draft, ``answers`` (prefilled, not stored), the signed
    ``prefill`` the first POST stores with the new draft, and ``prefilled``, the sentence
    saying what was brought over."""
    answers = draft.answers if draft else (answers or {})
    section = form.sections[page]
    locale = current_locale()
    heading = current_registry().hook.formkit_page_heading(
        form=form, section=section, answers=answers, locale=locale)
    if wtform is None:
        pending = draft.pending.get(section.id) if draft else None
        wtform = page_form(form, section, locale, answers, pending)
    pages = expected_pages(form, answers)
    if page not in pages:
        pages = sorted({*pages, page})
    states = field_states(form, page, answers)
    live = [spec for spec in section.fields if states.get(spec.id) == "live"]
    conditions = {spec.id: json.dumps(spec.show_if.to_json()) for spec in live}
    applies = {spec.id: applies_when(form, spec.show_if, locale) for spec in live}
    body = render_template(
        "page.html",
        preview=result_preview(form, answers, locale) if section.show_result else None,
        form=form,
        section=section,
        heading=heading or section.title.get(locale),
        prefilled=prefilled,
        page=page,
        wtform=wtform,
        errors=errors or {},
        states=states,
        conditions=conditions,
        applies=applies,
        position=pages.index(page) + 1,
        total=len(pages),
        sections=[form.sections[i] for i in pages],
        is_first=page == pages[0],
        is_last=page == pages[-1],
        key=key,
        prefill=prefill,
        draft=draft,
    )
    return body, status


def result_preview(form: Form, answers: dict[str, Any], locale: str):
    """The form's result for the answers so far (sections with ``show_result``)."""
    registry = current_registry()
    so_far = final_answers(form, answers)
    score = registry.hook.formkit_score(form=form, answers=fitting_answers(form, so_far),
                                        locale=locale)
    if score is None:
        return None
    preview = Response(id="", form_id=form.id, form_version=form.version, locale=locale,
                       answers=so_far, score=score)
    return registry.hook.formkit_result_html(form=form, response=preview)


@bp.get("/f/<form_id>/")
def start(form_id: str):
    """Start a form, or continue the draft this browser has.

    A start URL that prefills answers (e.g. ``?from=<reference>``) always begins a new
    response: the person asked for one; an earlier draft stays in the store. Opening it
    stores nothing: the first page shows the prefilled answers and carries them all
    (later pages' too), signed, to the first POST, which creates the draft."""
    form = get_form(form_id)
    prefill: dict[str, Any] = {}
    sources = []
    # pluggy's call order: the plugin called first (registered last, or tryfirst) wins
    for result in current_registry().hook.formkit_prefill(
        form=form, args=request.args, store=current_store(), team=None, cycle=None,
        previous={},
    ):
        for field_id, value in (result or {}).items():
            prefill.setdefault(field_id, value)
        sources.append(getattr(result, "source", ""))
    prefill = {k: v for k, v in prefill.items() if form.has_field(k)}
    if prefill:
        return refuse_new_response(form) or render_page(
            form, 0, None, mint_key(form.id), answers=prefill,
            prefill=sign_prefill(form, prefill),
            prefilled=prefill_note(form, prefill, sources, current_locale()))
    sent = sent_since(form)
    if sent is not None:
        return sent
    draft = current_draft(form)
    if draft is not None and not draft.is_submitted:
        return refuse_draft(form, draft) or redirect(page_url(form, draft.page))
    if draft is not None:
        forget_draft(form.id)
    return refuse_new_response(form) or render_page(form, 0, None, mint_key(form.id))


@bp.route("/f/<form_id>/page/<int:page>", methods=["GET", "POST"])
def page(form_id: str, page: int):
    form = get_form(form_id)
    if request.method == "GET":
        return sent_since(form) or _show(form, page, current_draft(form))
    return _post(form, page, current_draft(form))


@bp.get("/f/<form_id>/check")
def check(form_id: str):
    """"Check your answers": every visible page's answers with a link to change them,
    and the button that sends them (GOV.UK's pattern). Reached from the last page."""
    form = get_form(form_id)
    draft = current_draft(form)
    if draft is None or draft.is_submitted:
        return sent_since(form) or redirect(url_for("respond.start", form_id=form.id))
    refused = refuse_draft(form, draft)
    if refused:
        return refused
    pages = visible_pages(form, draft.answers)
    unchecked = [p for p in pages if form.sections[p].id in draft.pending]
    missing = missing_required(form, draft.answers)
    if unchecked or missing is not None:
        flash(_("Some answers on this page still need to be checked."), "warning")
        return redirect(page_url(form, min([*unchecked, *([missing] if missing is not None
                                                          else [])])))
    return render_template("check.html", form=form, key=draft.key, last=pages[-1],
                           pages=check_pages(form, draft.answers, pages, current_locale()))


def check_pages(form: Form, answers: dict[str, Any], pages: list[int],
                locale: str) -> list[dict[str, Any]]:
    """Each visible page: its heading and (field, question, answer as HTML) of its
    questions."""
    shown = final_answers(form, answers)
    registry = current_registry()
    result = []
    for index in pages:
        section = form.sections[index]
        heading = registry.hook.formkit_page_heading(
            form=form, section=section, answers=answers, locale=locale)
        rows = [(spec, spec.label.get(locale) if spec.label else spec.id,
                 shown_html(spec, shown[spec.id], locale) if spec.id in shown else "")
                for spec in section.fields if spec.stores_value and (
                    spec.show_if is None or spec.show_if.evaluate(shown))]
        result.append({"index": index, "title": heading or section.title.get(locale),
                       "rows": rows})
    return result


def _show(form: Form, page: int, draft: Response | None):
    if draft is None or draft.is_submitted:
        if draft is not None:
            forget_draft(form.id)
        if page != 0:
            return redirect(url_for("respond.start", form_id=form.id))
        return refuse_new_response(form) or render_page(form, 0, None, mint_key(form.id))
    refused = refuse_draft(form, draft)
    if refused:
        return refused
    pages = visible_pages(form, draft.answers)
    if page >= len(form.sections) or page > draft.page:
        return redirect(page_url(form, draft.page))
    if page not in pages:
        later = [p for p in pages if p > page] or [pages[-1]]
        return redirect(page_url(form, later[0]))
    return render_page(form, page, draft, draft.key or mint_key(form.id))


def _post(form: Form, page: int, draft: Response | None):
    store = current_store()
    locale = current_locale()
    key = request.form.get("_key", "")
    joined = False
    if draft is None or draft.key != key:
        # The first POST of a form creates its draft; the page's key makes this
        # idempotent when the same POST arrives twice, and names the draft of another
        # tab of this browser. Only keys minted for this browser are taken.
        refused = refuse_new_response(form)
        if refused:
            return refused
        if not key_is_ours(form.id, key):
            return show_again(form, page, _(
                "This page was not opened in this browser, so what you typed could not be "
                "added to a response. It is shown again here: please press the button "
                "again."), 422)
        if over_draft_limit():
            return show_again(form, page, _(
                "Too many responses were started from your network recently. What you "
                "typed is still here: please try again later."), 429)
        _token, prefill = posted_prefill(form)
        draft = store.create_draft(form.id, form.version, locale, key, answers=prefill,
                                   browser=browser_hash())
        if not bound_here(draft):
            return show_again(form, page, _(
                "This response was resumed with its code in another browser, and continues "
                "there. What you typed on this page is still here: pressing the button "
                "starts a new response."), 409, key=mint_key(form.id))
        joined = True
        remember_draft(draft)
    if draft.is_submitted:
        forget_draft(form.id)
        return redirect(result_url(draft))
    refused = refuse_draft(form, draft)
    if refused:
        return refused
    if page >= len(form.sections) or page > draft.page:
        if joined and page < len(form.sections):
            # A draft first posted from a later page (shown again after a refusal):
            # keep what was typed there for when that page is reached.
            section = form.sections[page]
            draft.pending[section.id] = read_page(form, section, locale, request.form,
                                                  draft.answers, validate=False).raw
            store.save_draft(draft)
        flash(_("That page is not available yet; here is where you left off."), "warning")
        return redirect(page_url(form, draft.page))

    action = request.form.get("_action", "next")
    if action == "confirm":  # the check page's button
        return _finish(form, draft)
    section = form.sections[page]
    validate = action in ("next", "submit")
    outcome = read_page(form, section, locale, request.form, draft.answers,
                        action=action, validate=validate)
    draft.locale = locale
    if not validate:
        draft.pending[section.id] = outcome.raw
        store.save_draft(draft)
        return _navigate(form, page, draft, action)
    if not outcome.ok:
        draft.pending[section.id] = outcome.raw
        store.save_draft(draft)
        return render_page(form, page, draft, draft.key, wtform=outcome.wtform,
                           errors=outcome.errors, status=422)
    apply_values(section, draft.answers, outcome)
    draft.pending.pop(section.id, None)
    later = [p for p in visible_pages(form, draft.answers) if p > page]
    if action == "next" and later and request.args.get("then") != "check":
        draft.page = max(draft.page, later[0])
        store.save_draft(draft)
        return redirect(page_url(form, later[0]))
    if action == "next":  # the last page, or back from a change: check before sending
        store.save_draft(draft)
        return redirect(url_for("respond.check", form_id=form.id))
    return _finish(form, draft)


def _navigate(form: Form, page: int, draft: Response, action: str):
    """Actions that keep what was typed without checking it."""
    if action == "back":
        earlier = [p for p in visible_pages(form, draft.answers) if p < page]
        return redirect(page_url(form, earlier[-1] if earlier else page))
    if action == "save":
        return _save_for_later(form, draft)
    if action.startswith("lang:") and action[5:] in current_app.config["LANGUAGES"]:
        return redirect(page_url(form, page, lang=action[5:]))
    if action.startswith(("add:", "remove:")):
        # Back to the input the field's type names, with what changed announced; only a
        # field of this page names the anchor (the action is input: CR/LF in it would
        # split the Location header).
        section = form.sections[page]
        field_id = action.split(":")[1]
        for spec in section.fields:
            after = spec.id == field_id and spec.kind.after_action(
                spec, action, MultiDict(draft.pending.get(section.id) or {}))
            if after:
                flash(after[1], "announce")
                return redirect(page_url(form, page) + f"#{after[0]}")
    return redirect(page_url(form, page))


def _finish(form: Form, draft: Response):
    """Submit: every visible page complete, then score and store exactly once."""
    store = current_store()
    locale = current_locale()
    for index in visible_pages(form, draft.answers):
        section = form.sections[index]
        pending = draft.pending.get(section.id)
        if pending is None:
            continue
        outcome = read_page(form, section, locale, MultiDict(pending), draft.answers,
                            validate=True)
        if not outcome.ok:
            draft.page = max(draft.page, index)
            store.save_draft(draft)
            flash(_("Please check the answers on this page before you submit."), "error")
            return redirect(page_url(form, index))
        apply_values(section, draft.answers, outcome)
        draft.pending.pop(section.id)
    missing = missing_required(form, draft.answers)
    if missing is not None:
        draft.page = max(draft.page, missing)
        store.save_draft(draft)
        flash(_("Some required questions on this page are not answered yet."), "error")
        return redirect(page_url(form, missing))
    draft.answers = final_answers(form, draft.answers)
    stored, _created = submission.submit(form, draft, locale,
                                         notifications.public_url(result_url(draft)))
    forget_draft(form.id)
    return redirect(result_url(stored))


def _save_for_later(form: Form, draft: Response):
    # 256 is a multiple of 32, so each character is uniform: 80 random bits in all.
    code = "".join(_RESUME_CHARS[b % 32] for b in secrets.token_bytes(RESUME_LENGTH))
    current_store().set_resume_hash(draft.id, hash_resume_code(code))
    current_registry().hook.formkit_response_saved(form=form, response=draft, event="draft")
    session["resume_code"] = code
    return redirect(url_for("respond.saved", form_id=form.id))


@bp.get("/f/<form_id>/saved")
def saved(form_id: str):
    form = get_form(form_id)
    code = session.pop("resume_code", None)
    if not code:
        return redirect(url_for("respond.start", form_id=form.id))
    return render_template("saved.html", form=form, code=format_resume_code(code),
                           link=url_for("respond.resume_link", code=code, _external=True))


@bp.get("/f/<form_id>/done/<token>")
def done(form_id: str, token: str):
    form = get_form(form_id)
    try:
        response_id = _result_serializer().loads(token)
    except BadSignature:
        abort(404)
    response = current_store().get(response_id)
    if response is None or response.form_id != form.id or not response.is_submitted:
        abort(404)
    result = current_registry().hook.formkit_result_html(form=form, response=response)
    return render_template("done.html", form=form, response=response, result=result)


def rerender_with_input(message: str, status: int, *, read_store: bool = True):
    """Show a posted page again with what was typed (and a fresh CSRF token), when the
    post could not be taken: an expired token, or a store that cannot be reached.
    Nothing is written."""
    form = current_registry().get_form(request.view_args["form_id"])
    if form is None:  # abort() inside an error handler would be a 500
        from formkit.views.errors import render_error

        return render_error(404)
    draft = current_draft(form) if read_store else None
    return show_again(form, request.view_args.get("page", 0), message, status, draft)


def show_again(form: Form, page: int, message: str, status: int,
               draft: Response | None = None, key: str | None = None):
    """The posted page again with what was typed, ``message``, and ``key``, else the
    posted key when this browser may use it, else a fresh one; the signed prefill is
    carried along. Nothing is written."""
    page = max(0, min(page, len(form.sections) - 1))
    prefill, answers = posted_prefill(form) if draft is None else (None, draft.answers)
    outcome = read_page(form, form.sections[page], current_locale(), request.form, answers,
                        validate=False)
    posted_key = request.form.get("_key", "")
    if key is None and draft is not None and posted_key == draft.key:
        key = posted_key
    elif key is None:
        key = posted_key if key_is_ours(form.id, posted_key) else mint_key(form.id)
    flash(message, "warning")
    return render_page(form, page, draft, key, wtform=outcome.wtform, status=status,
                       answers=answers, prefill=prefill)


# -- resume ----------------------------------------------------------------------------
def _resume(text: str, *, claim: bool = True):
    """The draft a typed code opens (claimed for this browser), or an error message;
    ``claim=False`` only looks."""
    code = normalize_resume_code(text)
    if code is None:
        return None, _("A resume code has 16 letters and digits, like ABCD-EFGH-JKLM-NPQR. "
                       "Please check it and try again.")
    if claim:
        # A code works once: using it retires it and binds the draft to this browser
        # (the browser that saved it no longer continues it); saving gives a new code.
        response = current_store().claim_resume_hash(hash_resume_code(code), browser_hash())
    else:
        response = current_store().find_by_resume_hash(hash_resume_code(code))
    if response is None or response.is_submitted:
        return None, _("We could not find a saved response with that code. It may have been "
                       "submitted already, or mistyped.")
    return response, None


def _continue(response: Response):
    form = current_registry().get_form(response.form_id)
    if form is None:
        abort(404)
    remember_draft(response)
    flash(_("Welcome back: your answers are restored."), "success")
    return redirect(page_url(form, response.page))


def _too_many_attempts():
    return render_template("resume.html", code="", error=_(
        "Too many codes that did not match were tried from your network. Please wait 15 "
        "minutes, then try again.")), 429


@bp.route("/resume", methods=["GET", "POST"])
def resume():
    if request.method == "GET":
        return render_template("resume.html", error=None, code="")
    if not take_resume_attempt():
        return _too_many_attempts()
    response, error = _resume(request.form.get("code", ""))
    if error:
        return render_template("resume.html", error=error,
                               code=request.form.get("code", "")[:64]), 422
    give_back_resume_attempt()
    return _continue(response)


@bp.get("/resume/<code>")
def resume_link(code: str):
    """The resume page with the link's code filled in. Continuing takes the button (a
    POST): a link preview or a mail scanner opening the link does not use the code up."""
    if not take_resume_attempt():
        return _too_many_attempts()
    _response, error = _resume(code, claim=False)
    if error:
        return render_template("resume.html", error=error, code=code[:64]), 404
    give_back_resume_attempt()
    return render_template("resume.html", error=None,
                           code=format_resume_code(normalize_resume_code(code)))
