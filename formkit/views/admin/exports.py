"""Summaries, PDFs and CSV/XLSX/JSON exports."""

from __future__ import annotations

import re

from flask import Response as HttpResponse
from flask import (
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from formkit import pdf
from formkit.auth import audit
from formkit.exporters import ExportJob, background
from formkit.exporters.pdf_export import summary_pdf as summary_pdf_body
from formkit.i18n import current_locale
from formkit.memory import releases_memory
from formkit.review import matching, plugin_columns, review_status, review_statuses
from formkit.state import current_registry, current_store
from formkit.storage.faults import is_disk_fault
from formkit.summary import Rereadable, build_summary
from formkit.views.admin import bp
from formkit.views.admin.review import answer_sections, response_filters
from formkit.views.errors import render_error


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
@releases_memory
def summary(form_id: str):
    form = g.form
    filters, _columns = response_filters(form)
    locale = current_locale()
    data = build_summary(form, Rereadable(lambda: matching(form, filters, locale)), locale)
    return render_template("admin/summary.html", form=form, filters=filters, summary=data,
                           statuses=review_statuses(form, locale),
                           languages=current_app.config["LANGUAGES"])


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
@releases_memory
def summary_pdf(form_id: str):
    form = g.form
    filters, _columns = response_filters(form)
    locale = document_locale()
    body = summary_pdf_body(form, filters, locale)
    audit("export", target=form.id, format="summary.pdf", locale=locale,
          **filters.as_args(page=None))
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
@releases_memory
def export(form_id: str, fmt: str):
    form = g.form
    exporters = current_registry().exporters
    exporter = exporters.get(fmt)
    if exporter is None:
        return render_error(404, _("Exports come as %(formats)s.",
                                   formats=", ".join(key.upper() for key in exporters)))
    filters, _columns = response_filters(form)
    labels = request.args.get("values", "labels") != "codes" or not exporter.codes
    locale = document_locale()
    with force_locale(locale):  # the plugins' column titles and formats, in the export's
        columns = plugin_columns(form)
    audit("export", target=form.id, format=fmt, values="labels" if labels else "codes",
          **filters.as_args())
    job = ExportJob(form, matching(form, filters, locale), columns, labels, locale, filters)
    name = _filename(exporter.filename(job))
    status = None if filters.status == "all" else filters.status
    total = current_store().count(form.id, status)
    if background.wanted(exporter, total):
        job_id = background.start(
            form_id=form.id, fmt=fmt, args=filters.as_args(page=None), labels=labels,
            locale=locale, user_id=g.user.id, total=total, name=name)
        return redirect(url_for("admin.export_job", form_id=form.id, job_id=job_id))
    try:
        with force_locale(locale):
            body = exporter.write(job)
    except OSError as error:
        if not is_disk_fault(error):
            raise
        current_app.logger.error("%s export not written: %s", fmt.upper(), error)
        return render_error(503, _(
            "The XLSX file could not be written: the server's temporary folder is full or "
            "cannot be written. CSV and JSON exports need no disk space: try one of them, "
            "or try again later."))
    if hasattr(body, "read"):
        return send_file(body, mimetype=exporter.mimetype, as_attachment=True,
                         download_name=name)
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    # ``content_type`` as given: as a ``mimetype``, text gets a second "; charset=utf-8".
    if isinstance(body, bytes):
        return HttpResponse(body, content_type=exporter.mimetype, headers=disposition)
    return HttpResponse(stream_with_context(_in_locale(locale, body)),
                        content_type=exporter.mimetype, headers=disposition)


def _own_job(form_id: str, job_id: str):
    """The job's state if it is the signed-in coordinator's, for this form."""
    data = background.state(job_id)
    if data is None or data.get("user") != g.user.id or data.get("form") != form_id:
        return None
    return data


@bp.get("/forms/<form_id>/exports/<job_id>")
def export_job(form_id: str, job_id: str):
    data = _own_job(form_id, job_id)
    if data is None:
        return render_error(404, _("This export is not there: exports are kept for a day, "
                                   "and only for whoever asked for them."))
    return render_template("admin/export_job.html", form=g.form, job=data, job_id=job_id)


@bp.get("/forms/<form_id>/exports/<job_id>/file")
def export_job_file(form_id: str, job_id: str):
    data = _own_job(form_id, job_id)
    path = background.file_path(job_id, data) if data and data.get("ready") else None
    if path is None or not path.is_file():
        return render_error(404, _("This export is not there: exports are kept for a day, "
                                   "and only for whoever asked for them."))
    exporter = current_registry().exporters.get(data["fmt"])
    sent = send_file(path, as_attachment=True, download_name=data["name"])
    # As given: through ``mimetype`` text would get a second "; charset=utf-8".
    sent.headers["Content-Type"] = exporter.mimetype if exporter else "application/octet-stream"
    return sent


def _in_locale(locale: str, rows):
    # Streaming runs after the view returned: keep the export's language for every row.
    with force_locale(locale):
        yield from rows
