"""The summary PDF of a form's responses (counts, each question's distribution, the
form plugin's aggregate), rendered by :mod:`formkit.pdf` and cached per filters."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from formkit import pdf
from formkit.exporters import Exporter, ExportJob
from formkit.review import Filters, matching
from formkit.schema import Form
from formkit.state import current_store
from formkit.summary import Rereadable, build_summary


class PdfExporter(Exporter):
    key = "pdf"
    label = _l("Summary PDF")
    mimetype = "application/pdf"
    cost_per_response = 0.0001

    def write(self, job: ExportJob) -> bytes:
        return summary_pdf(job.form, job.filters or Filters(), job.locale)

    def filename(self, job: ExportJob) -> str:
        return f"{job.form.id}-summary-{job.locale}.pdf"


def summary_pdf_html(form: Form, filters: Filters, locale: str) -> str:
    """The HTML of a summary PDF, in ``locale``."""
    with force_locale(locale):
        data = build_summary(form, Rereadable(lambda: matching(form, filters, locale)),
                             locale, printed=True)
        return render_template("pdf/summary.html", form=form, summary=data, locale=locale,
                               filters=filters, page_counter=pdf.page_counter_css())


def summary_pdf(form: Form, filters: Filters, locale: str) -> bytes:
    """The summary PDF, from the cache while no response of the form changed."""
    args = filters.as_args(page=None)
    key = ("summary", form.id, form.version, locale, sorted(args.items()),
           current_store().form_stamp(form.id))
    return pdf.render(key, lambda: summary_pdf_html(form, filters, locale),
                      pdf.summary_folder(form.id))
