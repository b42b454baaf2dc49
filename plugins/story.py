"""Teams' success stories: written by a team, published by coordinators, shown to all.

This plugin owns the story form's team pages (``/t/<team>/stories/``, behind the team
space's one checkpoint), the "Stories" panel of the team space, the publication guard
(only a story its team agreed to publish can be published) and the public page
``/stories``, filtered by the team's region and the wellbeing areas.

Why not the cycle's one shared response: a team tells several stories, whenever
something happens, so each story is a response of its own; the team it belongs to is
the response's creation key (``story:<team id>:<random>``), set here and never typed by
anyone (docs/forms/story.md).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from markupsafe import Markup

from formkit.api import (
    SUBMITTED,
    Catalog,
    Column,
    ProvincialSection,
    current_locale,
    current_store,
    display_answer,
    for_form,
    get_form,
    hookimpl,
)
from formkit.flow import apply_values, final_answers, page_form, read_page
from formkit.paging import page_number
from formkit.review import change_status, review_status, review_statuses
from formkit.teams import activity
from formkit.teams.access import checkpoint
from formkit.teams.panels import Panel
from formkit.views.errors import render_error
from formkit.views.respond import field_states

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/story.po
t = Catalog(HERE / "locales", "story")

FORM_ID = "story"
PUBLISHED, TO_REVIEW, NOT_PUBLISHED = "published", "pending", "not_published"
#: between the cycle (10) and the members (20) panels of the team space.
PANEL_ORDER = 15
#: the parts of a story the public page shows (with the team's community and region).
PUBLIC_FIELDS = ("title", "what_happened", "who_involved", "what_changed", "photo_credit")
#: stories on one page of /stories.
PER_PAGE = 20

team_bp = Blueprint("story", __name__, url_prefix="/t/<slug>/stories")
team_bp.before_request(checkpoint)  # the team space's one checkpoint: g.team, g.member
public_bp = Blueprint("stories", __name__)


# -- which team a story belongs to -------------------------------------------------------

def _key_prefix(team) -> str:
    return f"story:{team.id}:"


def team_id_of(response) -> str | None:
    """The team a story belongs to (from its creation key), or ``None``."""
    parts = (response.key or "").split(":")
    return parts[1] if len(parts) == 3 and parts[0] == "story" else None


def team_stories(team) -> list:
    """A team's stories, newest first."""
    found = current_store().select_responses(FORM_ID, SUBMITTED, key_prefix=_key_prefix(team))
    return sorted(found, key=lambda r: r.created, reverse=True)


def is_public(response) -> bool:
    """Published by a coordinator, and its team still agrees."""
    return (response.review_status == PUBLISHED
            and response.answers.get("consent_publish") is True)


# -- the publication guard --------------------------------------------------------------

@hookimpl
@for_form(FORM_ID)
def formkit_review_refusal(form, response, status):
    if status == PUBLISHED and response.answers.get("consent_publish") is not True:
        return t.gettext("Only a story whose team agreed to publish it can be published.")
    return None


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    """Which team wrote each story, and whether it agreed to publish (coordinators'
    list and exports)."""
    names = {team.id: team.name for team in current_store().list_teams()}
    yes_no = {True: t.gettext("Yes"), False: t.gettext("No")}
    return [
        Column("team", t.gettext("Team"), lambda r: names.get(team_id_of(r) or "")),
        Column("consent", t.gettext("Agreed to publish"),
               lambda r: r.answers.get("consent_publish") is True, shown=yes_no.get),
    ]


# -- the team space -----------------------------------------------------------------------

@hookimpl
def formkit_team_forms(team):
    return [FORM_ID] if get_form(FORM_ID) is not None else None


@hookimpl
def formkit_team_panels(team, cycle, viewer):
    form = get_form(FORM_ID)
    if form is None:
        return []
    labels = dict(review_statuses(form, current_locale()))
    stories = [(s, labels.get(review_status(form, s), "")) for s in team_stories(team)]
    return [Panel(PANEL_ORDER, Markup(t.render_template(
        "story/_panel.html", team=team, stories=stories, may_write=viewer.member is not None)),
        form_id=FORM_ID)]


def _story_form():
    form = get_form(FORM_ID)
    if form is None:
        abort(404)
    return form


def _writer():
    """Only the team's members write its stories (coordinators review them)."""
    if g.member is None:
        return render_error(403, t.gettext("Only the team’s members write its stories."))
    return None


def _render(form, story, wtform=None, errors=None, status=200):
    locale = current_locale()
    answers = story.answers if story is not None else {}
    if wtform is None:
        wtform = page_form(form, form.sections[0], locale, answers)
    labels = dict(review_statuses(form, locale))
    return t.render_template(
        "story/edit.html", team=g.team, form=form, section=form.sections[0], story=story,
        wtform=wtform, errors=errors or {}, states=field_states(form, 0, answers),
        conditions={}, locale=locale,
        status_label=labels.get(review_status(form, story)) if story else None,
        public=story is not None and is_public(story)), status


@team_bp.get("/")
def stories_list(slug: str):
    return redirect(url_for("teams.space", slug=g.team.slug) + "#stories")


@team_bp.route("/new", methods=["GET", "POST"])
def new(slug: str):
    refused = _writer()
    if refused:
        return refused
    form = _story_form()
    if request.method == "GET":
        return _render(form, None)
    outcome = read_page(form, form.sections[0], current_locale(), request.form, {},
                        action="save", validate=True)
    if not outcome.ok:
        return _render(form, None, wtform=outcome.wtform, errors=outcome.errors, status=422)
    answers: dict = {}
    apply_values(form.sections[0], answers, outcome)
    store = current_store()
    key = _key_prefix(g.team) + secrets.token_hex(8)
    draft = store.create_draft(form.id, form.version, current_locale(), key,
                               answers=final_answers(form, answers))
    story, _created = store.submit(draft)
    activity.record(g.team, "story_new", target=story.id)
    flash(t.gettext("Story saved. The provincial team will review it."), "success")
    return redirect(url_for("story.edit", slug=g.team.slug, story_id=story.id))


def _own_story(story_id: str):
    """The team's story named in the URL; another team's, or none, is not found."""
    story = current_store().get(story_id)
    if story is None or story.form_id != FORM_ID or team_id_of(story) != g.team.id:
        return None
    return story


@team_bp.route("/<story_id>", methods=["GET", "POST"])
def edit(slug: str, story_id: str):
    story = _own_story(story_id)
    if story is None:
        return render_error(404)
    form = _story_form()
    if request.method == "GET":
        return _render(form, story)
    refused = _writer()
    if refused:
        return refused
    outcome = read_page(form, form.sections[0], current_locale(), request.form,
                        story.answers, action="save", validate=True)
    if not outcome.ok:
        return _render(form, story, wtform=outcome.wtform, errors=outcome.errors, status=422)
    answers = dict(story.answers)
    apply_values(form.sections[0], answers, outcome)
    answers = final_answers(form, answers)
    if answers == story.answers:
        flash(t.gettext("Nothing changed."), "success")
        return redirect(url_for("story.edit", slug=g.team.slug, story_id=story.id))
    store = current_store()
    store.update(story.id, answers=answers)
    was_public = story.review_status == PUBLISHED
    if was_public:
        # Off the public page at once: withdrawn consent never comes back by itself; any
        # other change is read again by a coordinator before it is shown.
        withdrawn = answers.get("consent_publish") is not True
        change_status(form, story.id, NOT_PUBLISHED if withdrawn else TO_REVIEW,
                      "consent withdrawn by the team" if withdrawn
                      else "changed by the team after publication", by=g.member.email)
    activity.record(g.team, "story_edit", target=story.id)
    flash(t.gettext("Story saved. It is off the public page until the provincial team "
                    "reviews it again.") if was_public else t.gettext("Story saved."),
          "success")
    return redirect(url_for("story.edit", slug=g.team.slug, story_id=story.id))


def _told(entry) -> dict:
    """Who, and the story's title as it is now (the audit log keeps no answer; a deleted
    story reads "?")."""
    story = current_store().get(entry.get("target") or "")
    title = story.answers.get("title") if story is not None else None
    return {"who": activity.who(entry), "title": title or "?"}


@activity.describes("story_new")
def _story_new(entry):
    return t.gettext("%(who)s wrote the story “%(title)s”.", **_told(entry))


@activity.describes("story_edit")
def _story_edit(entry):
    return t.gettext("%(who)s changed the story “%(title)s”.", **_told(entry))


# -- the public page ----------------------------------------------------------------------

def published_stories(region: str | None, area: str | None) -> list[tuple]:
    """Public stories with their team, newest change first: published, the team still
    agreeing, of a team of ``region`` and about ``area`` when given."""
    teams = {team.id: team for team in current_store().list_teams()}
    found = []
    for story in current_store().select_responses(FORM_ID, SUBMITTED,
                                                  review_status=PUBLISHED):
        team = teams.get(team_id_of(story) or "")
        if team is None or not is_public(story):
            continue
        if region and team.region != region:
            continue
        if area and area not in (story.answers.get("areas") or []):
            continue
        found.append((story, team))
    return sorted(found, key=lambda pair: pair[0].updated, reverse=True)


def public_row(form, story, team) -> dict:
    """What the page shows of a story: what it says, the areas' labels, its team's
    community and region (nothing about the people who wrote it)."""
    return {**{name: story.answers.get(name) or "" for name in PUBLIC_FIELDS},
            "areas": display_answer(form, "areas", story.answers.get("areas") or []),
            "community": team.community, "region": team.region}


@public_bp.get("/stories")
def stories():
    form = get_form(FORM_ID)
    if form is None:
        abort(404)
    locale = current_locale()
    areas = form.field("areas").kind.choices(form.field("areas"), locale)
    regions = sorted({team.region for team in current_store().list_teams() if team.region})
    region = (request.args.get("region") or "").strip() or None
    area = request.args.get("area") or None
    notices = []
    if region and region not in regions:
        notices.append(t.gettext("That region is not in the list; showing every region."))
        region = None
    if area and area not in dict(areas):
        notices.append(t.gettext("That area is not in the list; showing every area."))
        area = None
    entries = published_stories(region, area)
    pages = max(1, -(-len(entries) // PER_PAGE))
    page = min(page_number(request.args), pages)
    here = {"region": region, "area": area}
    return t.render_template(
        "story/stories.html", entries=[public_row(form, *pair) for pair in
                                       entries[(page - 1) * PER_PAGE:page * PER_PAGE]],
        total=len(entries), page=page, pages=pages,
        previous=url_for("stories.stories", **here, page=page - 1) if page > 1 else None,
        following=url_for("stories.stories", **here, page=page + 1) if page < pages else None,
        regions=regions, areas=areas, region=region, area=area, notices=notices)


@hookimpl
def formkit_blueprints():
    return [team_bp, public_bp]


# -- the provincial team: published stories in the figures and the report ---------------

#: stories the provincial figures and report show (the newest; the rest are on /stories).
PROVINCIAL_STORIES = 20


@hookimpl
def formkit_provincial_sections(figures):
    """The published stories of the figures' teams (of the chosen region), newest
    first."""
    form = get_form(FORM_ID)
    if form is None:
        return None
    teams = {team.id for team in figures.region_teams}
    entries = [(story, team) for story, team in published_stories(figures.region, None)
               if team.id in teams]
    return [ProvincialSection(90, t.gettext("Published stories"), Markup(t.render_template(
        "story/provincial.html", total=len(entries),
        entries=[public_row(form, *pair) for pair in entries[:PROVINCIAL_STORIES]])))]
