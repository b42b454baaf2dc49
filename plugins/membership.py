"""Compassionate Communities CoP membership: eligibility, result page, member directory.

Membership is open to anyone who meets at least one of the five criteria of the seed
document; an applicant meeting none is recorded as an expression of interest.
"""

from __future__ import annotations

from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from markupsafe import Markup

from formkit.api import (
    LINK_HOURS,
    Catalog,
    Column,
    MapKind,
    MapRegion,
    absolute_url,
    address_over_limit,
    bar_chart,
    claim_link,
    clock,
    current_locale,
    current_store,
    display_answer,
    edit_form,
    email_over_limit,
    field_label,
    fields_section,
    for_form,
    get_form,
    hookimpl,
    issue_link,
    map_legend,
    page_number,
    read_fields,
    record_change,
    region_map,
    send_email,
    with_language,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/membership.po
t = Catalog(HERE / "locales", "membership")

FORM_ID = "membership"
CRITERIA = ("c_learning", "c_disseminating", "c_considering", "c_structured", "c_engaged")
APPROVED = "approved"

bp = Blueprint("membership", __name__)


def eligibility(answers: dict) -> dict:
    """Which criteria an applicant meets; eligible with at least one."""
    met = [key for key in CRITERIA if answers.get(key) is True]
    return {
        "eligible": bool(met),
        "criteria_met": met,
        "criteria_count": len(met),
        "total_criteria": len(CRITERIA),
        "kind": "member" if met else "expression_of_interest",
    }


@hookimpl
@for_form(FORM_ID)
def formkit_score(form, answers):
    return eligibility(answers)


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    score = response.score
    met = [form.field(key).label.get(locale) for key in score["criteria_met"]]
    all_criteria = [form.field(key).label.get(locale) for key in CRITERIA]
    return Markup(t.render_template(
        "membership/result.html", score=score, met=met, all_criteria=all_criteria,
        answers=response.answers,
    ))


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    yes_no = {True: t.gettext("Yes"), False: t.gettext("No")}
    return [
        Column("eligible", t.gettext("Eligible"), lambda r: (r.score or {}).get("eligible"),
               shown=yes_no.get),
        Column("criteria", t.gettext("Criteria met"),
               lambda r: (r.score or {}).get("criteria_count")),
        Column("region", t.gettext("Region"), lambda r: r.answers.get("region"),
               shown=lambda v: display_answer(form, "region", v)),
        Column("kind", t.gettext("Type"), lambda r: r.answers.get("kind"),
               shown=lambda v: display_answer(form, "kind", v)),
    ]


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Applicants: eligible or not, how often each criterion is met, by region and kind."""
    summary = {"applicants": 0, "eligible": 0, "criteria": dict.fromkeys(CRITERIA, 0),
               "regions": {}, "kinds": {}}
    for response in responses:
        summary["applicants"] += 1
        score = response.score or eligibility(response.answers)
        summary["eligible"] += bool(score["eligible"])
        for key in score["criteria_met"]:
            summary["criteria"][key] += 1
        for name, field_id in (("regions", "region"), ("kinds", "kind")):
            value = response.answers.get(field_id)
            if value and isinstance(value, str):  # a choice key (not an older shape)
                summary[name][value] = summary[name].get(value, 0) + 1
    return summary


@hookimpl
@for_form(FORM_ID)
def formkit_summary_html(form, summary):
    locale = current_locale()
    criteria = [(form.field(key).label.get(locale), summary["criteria"][key])
                for key in CRITERIA]
    chart = bar_chart(criteria, maximum=max(summary["applicants"], 1),
                      title=t.gettext("How many applicants meet each criterion"))
    return Markup(t.render_template("membership/summary.html", summary=summary, chart=chart,
                                    criteria=criteria))


#: The kinds the seed document's map colours (projects blue, visiting hospices green,
#: hospice residences orange), and individual members in grey; each also has its own
#: symbol. Colours keep 3:1 against the map's fills (tests/test_membership_directory.py).
KIND_STYLE = {
    "project": ("#1d4f91", "circle"),
    "visiting_hospice": ("#00703c", "square"),
    "hospice_residence": ("#a84300", "triangle"),
    "individual": ("#5c5c5c", "diamond"),
}
#: Ontario's regions as the form names them, drawn by hand as simple shapes: schematic,
#: not to scale (the South is enlarged so its counts fit); see docs/forms/membership.md.
REGION_SHAPES = {
    "north_west": ("M5,25 L200,5 L215,120 L180,232 L120,232 L20,200 L5,120 Z", (30, 70)),
    "north_east": ("M200,5 L390,30 L470,110 L475,190 L368,205 L250,232 L180,232 "
                   "L215,120 Z", (240, 70)),
    "west": ("M120,238 L250,238 L250,330 L205,410 L130,380 L110,300 Z", (130, 250)),
    "central": ("M255,238 L365,212 L365,330 L255,330 Z", (262, 246)),
    "toronto": ("M255,335 L365,335 L350,405 L255,405 Z", (262, 343)),
    "east": ("M370,210 L475,196 L475,330 L425,390 L370,395 Z", (378, 250)),
}
MAP_SIZE = (480, 415)


#: what makes an application a public directory entry (with an approved review status).
LISTED = {"consent_directory": True}


#: members shown on one page of the directory (the map and counts cover them all).
PER_PAGE = 25


def directory_entries(form, region: str | None, kind: str | None, page: int = 1) -> list[dict]:
    """One page of the listed members of ``region`` and ``kind``, by community then name
    (filtered, sorted and paged by the store: in SQL on PostgreSQL), as display-ready
    rows."""
    locale = current_locale()
    wanted = {**LISTED, **{k: v for k, v in (("region", region), ("kind", kind)) if v}}
    rows = []
    for response in current_store().matching(
            FORM_ID, review_status=APPROVED, answers=wanted, order_by=("community", "name"),
            limit=PER_PAGE, offset=(page - 1) * PER_PAGE):
        answers = response.answers
        rows.append({
            "name": answers.get("name", ""),
            "organization": answers.get("organization", ""),
            "community": answers.get("community", ""),
            "region": display_answer(form, "region", answers.get("region"), locale),
            "kind": display_answer(form, "kind", answers.get("kind"), locale),
            "description": answers.get("directory_description", ""),
            "website": answers.get("website", ""),
        })
    return rows


def region_counts() -> dict[str, dict[str, int]]:
    """How many listed members each region has, by kind: ``{region: {kind: n}}``
    (counted by the store: in SQL on PostgreSQL)."""
    counts: dict[str, dict[str, int]] = {}
    for (region, kind), count in current_store().count_matching(
            FORM_ID, ("region", "kind"), review_status=APPROVED, answers=LISTED).items():
        counts.setdefault(region, {})[kind] = count
    return counts


def directory_map(regions, kinds, counts, selected: str | None, kind: str | None) -> dict:
    """The map, its legend and the table rows that say the same in text."""
    map_kinds = [MapKind(key, label, *KIND_STYLE.get(key, ("#5c5c5c", "diamond")))
                 for key, label in kinds]
    map_regions = [
        MapRegion(key, label, *REGION_SHAPES[key],
                  href=url_for("membership.directory", region=key, kind=kind) + "#members")
        for key, label in regions if key in REGION_SHAPES]
    svg = region_map(
        map_regions, map_kinds, counts, size=MAP_SIZE, selected=selected,
        title=t.gettext("Map of Ontario's regions: listed members by region and type"),
        description=t.gettext("A schematic map, not to scale. Each region shows how many listed "
                      "members it has of each type; the table below gives the same "
                      "counts."))
    rows = [{"key": r.key, "label": r.label, "href": r.href,
             "counts": [counts.get(r.key, {}).get(k.key, 0) for k in map_kinds],
             "total": sum(counts.get(r.key, {}).values())} for r in map_regions]
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(map_kinds))]
    return {"svg": svg, "legend": map_legend(map_kinds), "kinds": map_kinds, "rows": rows,
            "totals": totals, "total": sum(totals)}


@bp.get("/membership/directory")
def directory():
    form = get_form(FORM_ID)
    if form is None:
        abort(404)
    locale = current_locale()
    regions = form.field("region").kind.choices(form.field("region"), locale)
    kinds = form.field("kind").kind.choices(form.field("kind"), locale)
    region = request.args.get("region") or None
    kind = request.args.get("kind") or None
    notices = []
    if region and region not in dict(regions):
        notices.append(t.gettext("That region is not in the list; showing every region."))
        region = None
    if kind and kind not in dict(kinds):
        notices.append(t.gettext("That type is not in the list; showing every type."))
        kind = None
    counts = region_counts()
    # the filtered list's size, from the map's counts (the same filter): no second query
    total = sum(n for key, by_kind in counts.items() if region in (None, key)
                for kind_key, n in by_kind.items() if kind in (None, kind_key))
    pages = max(1, -(-total // PER_PAGE))
    page = page_number(request.args, last=pages)
    entries = directory_entries(form, region, kind, page)
    ontario = directory_map(regions, kinds, counts, region, kind)
    filters = {k: v for k, v in (("region", region), ("kind", kind)) if v}
    return t.render_template("membership/directory.html", form=form, entries=entries,
                             regions=regions, kinds=kinds, region=region, kind=kind,
                             notices=notices, map=ontario, total=total, page=page,
                             pages=pages, filters=filters)


# -- members keep their own entry (one-time links, no password) ------------------------
#: the answers a member may change in their directory entry (never email or criteria).
ENTRY_FIELDS = ("name", "organization", "community", "region", "kind",
                "directory_description", "website")
LINK_PURPOSE = "membership-entry"
#: how long a used link lets the browser edit the entries it opened.
GRANT_SECONDS = 60 * 60
GRANT_KEY = "membership_entries"
#: the history and audit codes of a member's own changes (see formkit_history_note).
ENTRY_UPDATED = "directory_entry_update"
ENTRY_WITHDRAWN = "directory_entry_withdraw"

entry_bp = Blueprint("membership_entry", __name__, url_prefix="/membership/entry")


def approved_entries(email: str) -> list:
    """The approved membership applications of ``email`` (listed or withdrawn)."""
    return [r for r in current_store().find_by_answer(FORM_ID, ["email"], email)
            if r.is_submitted and r.review_status == APPROVED
            and (r.answers.get("email") or "").strip().lower() == email]


def member_name(response) -> str:
    """Who made a change, in the history and the audit log."""
    return f"member:{response.answers.get('email', '')}"


def entry_title(response) -> str:
    answers = response.answers
    return answers.get("organization") or answers.get("name") or ""


@bp.route("/membership/directory/update", methods=["GET", "POST"])
def request_entry_link():
    """Ask for a link to update one's entry. The answer is the same whether or not the
    address is in the directory (no one learns who is a member)."""
    if request.method == "GET":
        return t.render_template("membership/entry_request.html", email="", error=None)
    email = (request.form.get("email") or "").strip()[:254]
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return t.render_template("membership/entry_request.html", email=email,
                               error=t.gettext("Enter a valid email address.")), 422
    if address_over_limit():
        return t.render_template("membership/entry_request.html", email=email, error=t.gettext(
            "Too many links were asked for from this network. Please wait an hour and "
            "try again.")), 429
    # Over the limit of one email: nothing more is sent, and nothing says so.
    if not email_over_limit(email):
        entries = approved_entries(email)
        if entries:
            locale = current_locale()
            token = issue_link(LINK_PURPOSE, email)
            link = with_language(absolute_url("membership.confirm_entry_link", token=token),
                                 locale)
            send_email(email, "entry_link",
                       {"name": entries[0].answers.get("name", ""), "link": link,
                        "hours": LINK_HOURS},
                       locale=locale, key=f"entry-link:{token[:16]}", form_id=FORM_ID,
                       link=link)
    return t.render_template("membership/entry_sent.html", email=email)


@bp.route("/membership/directory/update/<token>", methods=["GET", "POST"])
def confirm_entry_link(token: str):
    """GET shows one button (mail scanners open links without pressing it); POST uses
    the link and lets this browser edit that person's entries for a while."""
    if request.method == "GET":
        return t.render_template("membership/entry_confirm.html", token=token)
    link = claim_link(LINK_PURPOSE, token)
    entries = approved_entries(link.email) if link else []
    if not entries:
        return t.render_template("membership/entry_request.html", email="", error=t.gettext(
            "This link does not work any more: it was used already, or it is more than "
            "24 hours old. Ask for a new one below.")), 410
    session[GRANT_KEY] = {"ids": [r.id for r in entries], "email": link.email,
                          "until": clock.now() + GRANT_SECONDS}
    if len(entries) == 1:
        return redirect(url_for("membership_entry.edit", response_id=entries[0].id))
    return redirect(url_for("membership_entry.mine"))


@entry_bp.before_request
def entry_checkpoint():
    """The one checkpoint of /membership/entry/: a browser that used a link in the last
    hour, and only for the entries of that link's email address."""
    grant = session.get(GRANT_KEY)
    if not isinstance(grant, dict) or not isinstance(grant.get("until"), int | float) \
            or grant["until"] <= clock.now():
        session.pop(GRANT_KEY, None)
        flash(t.gettext("To change your directory entry, ask for a new link below."))
        return redirect(url_for("membership.request_entry_link"))
    response_id = (request.view_args or {}).get("response_id")
    if response_id is not None:
        response = current_store().get(response_id)
        if (response_id not in grant.get("ids", []) or response is None
                or response.form_id != FORM_ID or response.review_status != APPROVED):
            abort(404)
        g.entry = response
    return None


@entry_bp.get("/")
def mine():
    entries = [r for r in (current_store().get(i) for i in session[GRANT_KEY]["ids"]) if r]
    return t.render_template("membership/entry_list.html", entries=entries,
                           title=entry_title)


def entry_section(form):
    return fields_section(form, ENTRY_FIELDS, "directory_entry")


@entry_bp.route("/<response_id>", methods=["GET", "POST"])
def edit(response_id: str):
    """The directory fields of the member's entry, checked by their own field types."""
    form = get_form(FORM_ID)
    response = g.entry
    locale = current_locale()
    section = entry_section(form)
    # Editing a withdrawn entry lists it again: the member chose to be listed.
    answers = {**response.answers, "consent_directory": True}
    errors: dict = {}
    if request.method == "POST":
        outcome = read_fields(form, section, locale, request.form, answers)
        if outcome.ok:
            changes = {**outcome.values, "consent_directory": True}
            record_change(form, response.id, changes, by=member_name(response),
                          event=ENTRY_UPDATED, action=ENTRY_UPDATED)
            flash(t.gettext("Your directory entry is saved."))
            return redirect(url_for("membership_entry.edit", response_id=response.id))
        wtform, errors = outcome.wtform, outcome.errors
    else:
        wtform = edit_form(form, section, locale, answers)
    listed = response.answers.get("consent_directory") is True
    status = 422 if errors else 200
    return t.render_template("membership/entry_edit.html", form=form, section=section,
                           wtform=wtform, errors=errors, response=response,
                           listed=listed), status


@entry_bp.route("/<response_id>/withdraw", methods=["GET", "POST"])
def withdraw(response_id: str):
    """Leave the public directory (after confirming); coordinators keep the response."""
    form = get_form(FORM_ID)
    response = g.entry
    if request.method == "GET":
        return t.render_template("membership/entry_withdraw.html", response=response)
    record_change(form, response.id, {"consent_directory": False},
                  by=member_name(response),
                  event=ENTRY_WITHDRAWN, action=ENTRY_WITHDRAWN)
    flash(t.gettext("You are no longer listed in the member directory."))
    return redirect(url_for("membership_entry.edit", response_id=response.id))


@hookimpl
@for_form(FORM_ID)
def formkit_emails(form, response):
    """The welcome message the result page promises, to eligible applicants who agreed
    to be contacted by email (in the language they applied in)."""
    answers = response.answers
    if not (response.score or {}).get("eligible") or answers.get("consent_contact") is not True:
        return None
    return [{"to": answers["email"], "template": "welcome", "key": "welcome",
             "locale": response.locale}]


@hookimpl
def formkit_blueprints():
    return [bp, entry_bp]


@hookimpl
@for_form(FORM_ID)
def formkit_history_note(form, entry):
    """The member's own changes, in the coordinator's language."""
    if entry.get("event") == ENTRY_WITHDRAWN:
        return t.gettext("Withdrawn from the directory by the member")
    if entry.get("event") == ENTRY_UPDATED:
        labels = [field_label(form, f, current_locale()) for f in entry.get("fields") or []]
        fields = ", ".join(labels)
        return t.gettext("Directory entry updated by the member: %(fields)s", fields=fields)
    return None
