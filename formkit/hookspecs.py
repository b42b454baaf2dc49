"""The plugin contract: every hook formkit calls, with its reference documentation.

Implement a hook by writing a function of the same name decorated with
``@formkit.hookimpl`` in a module that formkit loads (a built-in, a package in the
``formkit`` entry-point group, or a ``*.py`` file in the plugins directory).
Implementations may accept any subset of the arguments named here, so a hook can
grow new arguments without breaking existing plugins.

Hooks that receive a ``form`` are called for every form; an implementation that
only serves some forms returns ``None`` for the others (``if form.id != "x": return None``).
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("formkit")


@hookspec
def formkit_field_types():
    """Contribute field types.

    :return: an iterable of :class:`formkit.fields.FieldType` subclasses. Each class's
        ``name`` is the ``type:`` that form schemas use. Two plugins contributing the
        same name stop the application at start-up with a message naming both.
    """


@hookspec
def formkit_register_exporters():
    """Contribute download formats for a form's responses (CSV, XLSX, JSON and the
    summary PDF are built-in plugins of this hook).

    :return: an iterable of :class:`formkit.api.Exporter` subclasses. Each class's
        ``key`` is the extension of its URL, ``/admin/forms/<form>/export.<key>``, and
        its ``label`` the link on the coordinators' pages; ``write(job)`` receives a
        :class:`formkit.api.ExportJob` (form, responses, columns, labels or codes,
        locale) and returns text or bytes chunks, bytes, or an open binary file. Two
        plugins contributing the same key stop the application at start-up with a
        message naming both.
    """


@hookspec
def formkit_forms(app):
    """Contribute forms.

    :param app: the Flask application (read ``app.config`` for settings).
    :return: an iterable of paths to YAML form files (or directories of them), or of
        already-parsed mappings in the schema format of ``docs/forms.md``. Two forms
        with the same id stop the application at start-up with a message naming both
        plugins.
    """


@hookspec
def formkit_prefill(form, args, store, team, cycle, previous):
    """Give initial answers to a new response of ``form``.

    Called when a respondent opens the start URL. Nothing is stored then: the answers
    travel, signed, in the first page and go into the draft its first POST creates.
    Also called when a team first opens a form of a cycle (``docs/teams.md``): the
    answers then go straight into the team's new response. The built-in
    ``formkit.teams.carry_over`` carries the previous cycle's answers over.

    :param form: the :class:`formkit.schema.Form` being started.
    :param args: the query-string arguments of the start URL (a ``MultiDict``), e.g.
        ``?from=REF`` to carry answers over from another response; empty in a team.
    :param store: the response store, to read another response.
    :param team: the :class:`formkit.storage.Team` whose response it is, or ``None``
        (a public response).
    :param cycle: the :class:`formkit.storage.Cycle` it belongs to, or ``None``.
    :param previous: the responses of the team's previous cycle by form id
        (``{form_id: Response}``; for a member-scoped form, that member's own), or ``{}``.
    :return: a mapping ``{field_id: value}`` with stored-form values, or ``None``.
        Results of all plugins are merged in pluggy's call order: the plugin registered
        last (the plugins folder after installed packages, in file-name order) is called
        first and wins on the same field; ``@hookimpl(tryfirst=True)`` puts one first.
        Return a :class:`formkit.prefill.Prefill` to say where the answers come from,
        in words (the first page then tells the respondent what was brought over).
    """


@hookspec(firstresult=True)
def formkit_page_heading(form, section, answers, locale):
    """The heading of a page when its title alone does not say what it is about
    (e.g. the page of one priority: "Actions — Transportation").

    ``firstresult``. Used for the page's ``<h1>`` and its ``<title>``.

    :param form: the :class:`formkit.schema.Form`.
    :param section: the :class:`formkit.schema.Section` shown.
    :param answers: the answers so far, ``{field_id: value}``.
    :param locale: the page's language.
    :return: the heading text, or ``None`` for the section's title.
    """


@hookspec
def formkit_validate(form, section, answers):
    """Validate answers across fields, after each field passed its own checks.

    Called when a respondent leaves a page with "Next" or submits.

    :param form: the :class:`formkit.schema.Form`.
    :param section: the :class:`formkit.schema.Section` being left.
    :param answers: all visible answers so far, ``{field_id: value}``.
    :return: ``{field_id: [message, ...]}`` with messages already translated with the
        plugin's own catalog (``t.gettext``, :class:`formkit.api.Catalog`), or ``None``.
        Errors from all plugins are combined; any error keeps the respondent on the page.
    """


@hookspec(firstresult=True)
def formkit_score(form, answers, locale):
    """Compute a response's result (score, eligibility, totals...).

    ``firstresult``: the first non-``None`` result is used.

    :param form: the :class:`formkit.schema.Form`.
    :param answers: the final visible answers, ``{field_id: value}``.
    :param locale: the respondent's locale (``"en"`` or ``"fr"``).
    :return: a JSON-serialisable mapping stored as the response's ``score``, or ``None``.
    """


@hookspec(firstresult=True)
def formkit_result_html(form, response):
    """Render a submitted response's result for people.

    ``firstresult``. Shown on the confirmation page and reused by coordinator views.
    Render in the current locale (``flask_babel.get_locale()``).

    :param form: the :class:`formkit.schema.Form`.
    :param response: the stored :class:`formkit.storage.Response`, with ``score``.
    :return: HTML (``markupsafe.Markup``), or ``None`` when there is nothing to show.
    """


@hookspec(firstresult=True)
def formkit_summarize(form, responses):
    """Summarize many submitted responses of ``form`` (dashboards, PDF summaries).

    ``firstresult``.

    :param form: the :class:`formkit.schema.Form`.
    :param responses: an iterable of :class:`formkit.storage.Response`, streamed from the
        store and rereadable; the summary adds up its own totals during the plugin's
        first pass (one read of the store), so read them all once where you can.
    :return: a JSON-serialisable mapping of the form's own aggregates, or ``None``.
    """


@hookspec
def formkit_response_columns(form):
    """Columns the coordinators' response list and the exports show for ``form``.

    :param form: the :class:`formkit.schema.Form`.
    :return: a list of :class:`formkit.review.Column` (``key``, ``label``, ``value``), where
        ``value(response)`` gives a number or text from the stored response (usually its
        ``score``) and ``label`` is already translated. Columns of all plugins are shown.
        Numbers stay numbers in an XLSX; ``number_format`` (e.g.
        ``formkit.api.xlsx_currency_format(locale)``) formats them there.
    """


@hookspec(firstresult=True)
def formkit_summary_html(form, summary):
    """Render the form's own aggregate (what ``formkit_summarize`` returned) for people.

    ``firstresult``. Used on the summary page and in the summary PDF.

    :param form: the :class:`formkit.schema.Form`.
    :param summary: the mapping ``formkit_summarize`` returned.
    :return: HTML (``markupsafe.Markup``), or ``None``.
    """


@hookspec
def formkit_pdf_sections(form, response):
    """Extra sections for the PDF of one response, after the answers and the result.

    :param form: the :class:`formkit.schema.Form`.
    :param response: the stored :class:`formkit.storage.Response`.
    :return: a list of HTML sections (``markupsafe.Markup``, each with its own heading),
        in the PDF's language (the current locale), or ``None``.
    """


@hookspec
def formkit_response_saved(form, response, event):
    """React to a saved response (notify someone, update a directory...).

    Called after the store has durably written the response.

    :param form: the :class:`formkit.schema.Form`.
    :param response: the stored :class:`formkit.storage.Response`.
    :param event: ``"draft"`` (saved for later) or ``"submitted"``.
    """


@hookspec(firstresult=True)
def formkit_review_refusal(form, response, status):
    """Refuse a review decision (a guard of the form's own rules: "only a story its
    team agreed to publish can be published").

    Called before a coordinator (workspace or API) gives ``response`` the review status
    ``status``. ``firstresult``: the first non-``None`` result refuses.

    :param form: the :class:`formkit.schema.Form`.
    :param response: the stored :class:`formkit.storage.Response`.
    :param status: the status key asked for.
    :return: why it is refused, translated (the current locale), or ``None`` to allow.
    """


@hookspec(firstresult=True)
def formkit_history_note(form, entry):
    """Say, in the current language, what a response history entry with an ``event``
    code means (the plugin's own codes, e.g. a member updating their entry).

    Entries are stored with a code, not a sentence, so coordinators read them in their
    own language (:func:`formkit.api.record_change` writes them).

    :param form: the :class:`formkit.schema.Form`.
    :param entry: the history entry: ``{"at", "by", "event": code, "fields": [field
        ids]}``.
    :return: the translated text (``t.gettext``), or ``None`` for a code it does not
        own (formkit then lists the changed fields).
    """


@hookspec
def formkit_emails(form, response):
    """Emails to send when a response is submitted, through formkit's outbox.

    Called just before the submit is written; the emails are queued durably and held
    until the response is submitted, then sent by the worker with retries. They are
    composed like formkit's own (:func:`formkit.api.send_email`): ``email/<template>.txt``
    (subject on the first line) and ``.html`` from the plugin's templates.

    :param form: the :class:`formkit.schema.Form`.
    :param response: the :class:`formkit.storage.Response` about to be submitted (its
        final answers).
    :return: a list of ``{"to": address, "template": name, "key": text unique for this
        form and response, "context": {...}, "locale": "en"|"fr"}``, or ``None``.
    """


@hookspec
def formkit_blueprints(app):
    """Add routes.

    :param app: the Flask application.
    :return: an iterable of :class:`flask.Blueprint` to register.
    """


# -- teams (formkit.teams) -------------------------------------------------------------
@hookspec
def formkit_team_panels(team, cycle, viewer):
    """Contribute panels to a team's space (``/t/<slug>/``).

    :param team: the :class:`formkit.storage.Team`.
    :param cycle: the team's current cycle, or ``None`` (none started yet).
    :param viewer: a :class:`formkit.teams.identity.Viewer`: ``person``, ``member``
        (the team membership of whoever looks, or ``None`` for a coordinator),
        ``user`` (a coordinator account, or ``None``), ``is_lead``, ``may_manage``.
    :return: a list of :class:`formkit.teams.panels.Panel` (or ``(order, Markup)``
        pairs): shown by ``order`` (the core's: members 20, activity 80). Escape
        everything you put in the markup (render a template).
    """


@hookspec
def formkit_team_forms(team):
    """The ids of the forms ``team`` uses (a coordinator who may see one of them may
    see the team's space).

    :return: an iterable of form ids, or ``None`` to say nothing. Results of all plugins
        are combined.
    """


# -- teams: cycles and living responses (docs/teams.md) --------------------------------
@hookspec
def formkit_compare(form, response, previous):
    """Compare a team's response with the same form's response of the previous cycle
    (a chart of change, "3 actions done since last year").

    Called on the team's response page when the previous cycle has a response of the
    form. Render in the current locale.

    :param form: the :class:`formkit.schema.Form`.
    :param response: this cycle's :class:`formkit.storage.Response` (latest revision).
    :param previous: the previous cycle's :class:`formkit.storage.Response`.
    :return: HTML (``markupsafe.Markup``) with its own heading, or ``None``. Every
        plugin's comparison is shown, in plugin order.
    """


# -- teams: the team view of a member-scoped form, with change over time (issue 19) ---
@hookspec(firstresult=True)
def formkit_team_summary_html(form, summary, previous, team, cycle):
    """What a team sees of a member-scoped form: its members' aggregate in ``cycle``,
    with the change since the previous cycle (the Wellbeing Guide's team view).

    Called on the form's page in a team's cycle once ``form``'s minimum of members
    (``team_minimum:``, else TEAM_AGGREGATE_MINIMUM) have submitted. When no plugin
    answers, the page shows ``formkit_summary_html(form, summary)``, the coordinators'
    summary. Render in the current locale.

    :param form: the member-scoped :class:`formkit.schema.Form`.
    :param summary: ``formkit_summarize(form, responses)`` over the members' submitted
        responses of ``cycle``.
    :param previous: the same over the previous cycle's submitted responses, or ``None``
        (no previous cycle, or fewer members than the minimum answered then).
    :param team: the :class:`formkit.storage.Team`.
    :param cycle: the :class:`formkit.storage.Cycle` shown.
    :return: ``markupsafe.Markup`` or ``None``. **firstresult**.
    """


# -- teams: finding peers (docs/teams.md, "Finding peers") -----------------------------
@hookspec
def formkit_team_tags(team, cycle):
    """What ``team`` works on in ``cycle`` (e.g. the priority areas it confirmed), shown
    to other teams in the peers listing (``/t/<slug>/peers/``) and used as its filter.

    Called only for teams that chose to be listed, and for the viewer's own team. The
    tags must follow from the team, its cycles and its responses alone: formkit keeps
    them until a response of any form changes or the team starts a cycle.

    :param team: the :class:`formkit.storage.Team`.
    :param cycle: the team's current :class:`formkit.storage.Cycle`, or ``None``.
    :return: a list of ``(key, label)`` pairs, or ``None``: ``key`` is stable across
        teams and languages (the filter's value, e.g. ``"transportation"``), ``label``
        is in the current locale. Every plugin's tags are combined, in plugin order; a
        key given twice is shown once.
    """


# -- the provincial team: /admin/teams columns, figures across teams (docs/plugins.md) --
@hookspec
def formkit_team_columns():
    """Contribute columns to the provincial overview ``/admin/teams`` (one figure per
    team, of its current cycle: e.g. the Workplan's overdue actions as of today).

    :return: a list of :class:`formkit.api.TeamColumn` (``key``, ``label``,
        ``values(rows)`` → ``{team_id: value}`` for a sequence of rows with ``team`` and
        ``cycle``, ``shown``, ``form_id``, ``descending``), or ``None``. ``values`` is
        called once per page with the page's teams only, or with every team when the
        overview is sorted by the column (``?sort=<key>``): read them in one store call
        (:func:`formkit.api.cycle_team_responses`). A column of a form the coordinator
        may not see is not shown; a key already taken is left out.
    """


@hookspec
def formkit_provincial_sections(figures):
    """Contribute sections to the provincial figures page (``/admin/teams/figures``) and
    the provincial report PDF: the plugin's own figures across teams.

    :param figures: a :class:`formkit.api.Figures`: ``teams`` (every team the
        coordinator may see that has the chosen cycle), ``region_teams`` (those of the
        chosen ``region``, or all), ``team`` (a team chosen to compare with the province,
        or ``None``), ``cycles`` (``{team_id: Cycle}``), ``team_responses(form_id)``
        (``{team_id: Response}``, the team's own, saved) and
        ``member_responses(form_id)`` (``{team_id: [Response]}``, submitted) — each one
        store call, nothing for a form the coordinator may not see — ``today``,
        ``locale`` and ``pdf`` (rendering the report).
    :return: a list of :class:`formkit.api.ProvincialSection` (``order``, ``title``,
        ``html``, ``form_id``), in the current locale, or ``None``. Escape everything;
        make tables with :func:`formkit.api.fitted_table` so none is cut in the PDF.
        A section of a form the coordinator may not see is left out.
    """


# -- teams: notes above a form of a cycle (the Evaluation's "what we learned" offered to
# the next cycle's Wellbeing Guide) ------------------------------------------------------
@hookspec
def formkit_cycle_notes(form, team, cycle, viewer):
    """Notes shown above a form in a team's cycle: on its page and on the first page of
    its editing (e.g. "What you learned last cycle", a starting point for this one).

    Lets a plugin offer what another form recorded without touching that form's plugin
    or questions. Render in the current locale; escape everything (render a template).

    :param form: the :class:`formkit.schema.Form` opened.
    :param team: the :class:`formkit.storage.Team`.
    :param cycle: the :class:`formkit.storage.Cycle` of the page.
    :param viewer: a :class:`formkit.teams.identity.Viewer` (``member``: the team
        membership of whoever looks, ``None`` for a coordinator; ``user``: a coordinator
        account): show another form's answers only to whoever may read that form.
    :return: HTML (``markupsafe.Markup``) with its own heading, or ``None``. Every
        plugin's note is shown, in plugin order.
    """
