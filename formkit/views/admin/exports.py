"""Summaries, PDFs and CSV/XLSX/JSON exports."""

from __future__ import annotations

import re

from flask import Response as HttpResponse
from flask import (
    current_app,
    g,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from formkit import pdf
from formkit.auth import audit
from formkit.exports import csv_rows, json_lines, xlsx_file
from formkit.i18n import current_locale
from formkit.review import Filters, matching, plugin_columns, review_status, review_statuses
from formkit.state import current_registry, current_store
from formkit.storage.faults import is_disk_fault
from formkit.summary import Rereadable, build_summary
from formkit.views.admin import bp
from formkit.views.admin.review import answer_sections, response_filters
from formkit.views.errors import render_error

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def document_locale() -> str:
    """The language of a PDF or export: chosen with ``doc_lang``, else the page's."""
    wanted = request.args.get("doc_lang")
    return wanted if wanted in current_app.config["LANGUAGES"] else current_locale()


def _filename(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(parts))


def pdf_response(body: bytes, name: str) -> HttpResponse:
    return HttpResponse(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/forms/<form_id>/summary")
def summary(form_id: str):
    form = g.form
    filters, _columns = response_filters(form)
    locale = current_locale()
    data = build_summary(form, Rereadable(lambda: matching(form, filters, locale)), locale)
    return render_template("admin/summary.html", form=form, filters=filters, summary=data,
                           statuses=review_statuses(form, locale),
                           languages=current_app.config["LANGUAGES"])


def summary_pdf_html(form, filters: Filters, locale: str) -> str:
    """The HTML of a summary PDF, in ``locale``."""
    with force_locale(locale):
        data = build_summary(form, Rereadable(lambda: matching(form, filters, locale)), locale)
        return render_template("pdf/summary.html", form=form, summary=data, locale=locale,
                               filters=filters, page_counter=pdf.page_counter_css())


def response_pdf_html(form, response, locale: str) -> str:
    """The HTML of one response's PDF, in ``locale``."""
    registry = current_registry()
    with force_locale(locale):
        result = (registry.hook.formkit_result_html(form=form, response=response)
                  if response.is_submitted else None)
        extra = [section for sections in registry.hook.formkit_pdf_sections(
            form=form, response=response) for section in (sections or [])]
        statuses = dict(review_statuses(form, locale))
        return render_template(
            "pdf/response.html", form=form, response=response, locale=locale,
            sections=answer_sections(form, response, locale), result=result, extra=extra,
            status=statuses[review_status(form, response)],
            page_counter=pdf.page_counter_css(),
        )


@bp.get("/forms/<form_id>/summary.pdf")
def summary_pdf(form_id: str):
    form = g.form
    filters, _columns = response_filters(form)
    locale = document_locale()
    args = filters.as_args(page=None)
    key = ("summary", form.id, form.version, locale, sorted(args.items()),
           current_store().form_stamp(form.id))
    body = pdf.render(key, lambda: summary_pdf_html(form, filters, locale),
                      pdf.summary_folder(form.id))
    audit("export", target=form.id, format="summary.pdf", locale=locale, **args)
    return pdf_response(body, _filename(form.id, "summary", locale) + ".pdf")


@bp.get("/responses/<response_id>/pdf")
def response_pdf(response_id: str):
    form, response = g.form, g.response
    locale = document_locale()
    key = ("response", response.id, response.updated, form.version, locale)
    body = pdf.render(key, lambda: response_pdf_html(form, response, locale),
                      pdf.response_folder(form.id, response.id))
    audit("export", target=response.id, format="pdf", locale=locale)
    return pdf_response(body, _filename(response.id, locale) + ".pdf")


@bp.get("/forms/<form_id>/export.<fmt>")
def export(form_id: str, fmt: str):
    form = g.form
    if fmt not in FORMATS:
        return render_error(404, _("Exports come as CSV, XLSX or JSON."))
    filters, _columns = response_filters(form)
    labels = request.args.get("values", "labels") != "codes"
    locale = document_locale()
    with force_locale(locale):  # the plugins' column titles and formats, in the export's
        columns = plugin_columns(form)
    audit("export", target=form.id, format=fmt, values="labels" if labels else "codes",
          **filters.as_args())
    name = _filename(form.id, locale if labels else "codes") + f".{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    responses = matching(form, filters, locale)
    if fmt == "csv":
        rows = csv_rows(form, responses, columns, labels, locale)
        return HttpResponse(stream_with_context(_in_locale(locale, rows)),
                            mimetype=FORMATS["csv"], headers=disposition)
    if fmt == "json":
        return HttpResponse(stream_with_context(json_lines(responses)),
                            mimetype=FORMATS["json"], headers=disposition)
    try:
        with force_locale(locale):
            handle = xlsx_file(form, responses, columns, labels, locale)
    except OSError as error:
        if not is_disk_fault(error):
            raise
        current_app.logger.error("XLSX export not written: %s", error)
        return render_error(503, _(
            "The XLSX file could not be written: the server's temporary folder is full or "
            "cannot be written. CSV and JSON exports need no disk space: try one of them, "
            "or try again later."))
    return send_file(handle, mimetype=FORMATS["xlsx"], as_attachment=True,
                     download_name=name)


def _in_locale(locale: str, rows):
    # Streaming runs after the view returned: keep the export's language for every row.
    with force_locale(locale):
        yield from rows

