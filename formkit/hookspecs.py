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
def formkit_forms(app):
    """Contribute forms.

    :param app: the Flask application (read ``app.config`` for settings).
    :return: an iterable of paths to YAML form files (or directories of them), or of
        already-parsed mappings in the schema format of ``docs/forms.md``. Two forms
        with the same id stop the application at start-up with a message naming both
        plugins.
    """


@hookspec
def formkit_prefill(form, args, store):
    """Give initial answers to a new response of ``form``.

    Called when a respondent opens the start URL. Nothing is stored then: the answers
    travel, signed, in the first page and go into the draft its first POST creates.

    :param form: the :class:`formkit.schema.Form` being started.
    :param args: the query-string arguments of the start URL (a ``MultiDict``), e.g.
        ``?from=REF`` to carry answers over from another response.
    :param store: the response store, to read another response.
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
    :param responses: an iterable of :class:`formkit.storage.Response`.
    :return: a JSON-serialisable mapping of the form's own aggregates, or ``None``.
    """


@hookspec
def formkit_response_columns(form):
    """Columns the coordinators' response list and the exports show for ``form``.

    :param form: the :class:`formkit.schema.Form`.
    :return: a list of :class:`formkit.review.Column` (``key``, ``label``, ``value``), where
        ``value(response)`` gives a number or text from the stored response (usually its
        ``score``) and ``label`` is already translated. Columns of all plugins are shown.
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
