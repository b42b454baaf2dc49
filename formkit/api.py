"""What plugins may use: a stable surface over the core's internals.

Plugins import from here (``from formkit.api import current_store``) rather than from
the modules behind it, so the core can reorganise without breaking them.
"""

import datetime as _datetime
import functools
import inspect

from flask_babel import force_locale

from formkit import clock, hookimpl
from formkit import pdf as _pdf
from formkit.catalog import Catalog
from formkit.charts import bar_chart, change_chart
from formkit.conditions import is_answered
from formkit.exporters import Exporter, ExportJob
from formkit.exporters.columns import export_columns
from formkit.field_edit import edit_form, fields_section, read_fields, record_change
from formkit.fields.base import CellError, FieldSettings, FieldType
from formkit.fields.date import format_iso_date
from formkit.fields.number import format_cad, xlsx_currency_format
from formkit.formatting import (
    EMPTY,
    babel_locale,
    format_day,
    format_mean,
    format_money,
    format_number,
    format_percent,
    format_timestamp,
    local_today,
    or_empty,
)
from formkit.formatting import instance_zone as _instance_zone
from formkit.formatting import to_datetime as _to_datetime
from formkit.i18n import current_locale
from formkit.onetime import LINK_HOURS, address_over_limit, email_over_limit
from formkit.onetime import claim as claim_link
from formkit.onetime import issue as issue_link
from formkit.outbox import send_email
from formkit.outbox.email import with_language
from formkit.outbox.notifications import absolute_url
from formkit.paging import page_number
from formkit.prefill import Prefill
from formkit.province.scope import Figures, ProvincialSection
from formkit.region_map import MapKind, MapRegion, region_map
from formkit.region_map import legend as map_legend
from formkit.review import Column, field_label
from formkit.schema import FieldSpec, Form, Section, Text
from formkit.scoring import compute_scores
from formkit.security import find_typed_reference
from formkit.state import current_registry, current_store
from formkit.storage import DRAFT, SUBMITTED, Response, Revision, Store
from formkit.table_fit import fitted_table
from formkit.teams.access import checkpoint as team_checkpoint
from formkit.teams.access import may_read_form
from formkit.teams.columns import TeamColumn, cycle_team_responses
from formkit.teams.cycles import (
    aggregate_minimum,
    current_team_cycle,
    member_responses,
    team_response,
)
from formkit.teams.cycles import current as current_cycle
from formkit.teams.cycles import earlier as earlier_cycle
from formkit.teams.cycles import find as find_cycle
from formkit.teams.panels import Panel
from formkit.versions import fitting_answers, shown_text


def for_form(*form_ids: str):
    """Run a hook implementation only for these forms; for any other it returns ``None``.

    ::

        @hookimpl
        @for_form("wellbeing")
        def formkit_score(form, answers): ...
    """

    def decorate(func):
        position = list(inspect.signature(func).parameters).index("form")

        @functools.wraps(func)  # pluggy reads the argument names through __wrapped__
        def wrapper(*args, **kwargs):
            form = args[position] if len(args) > position else kwargs["form"]
            return func(*args, **kwargs) if form.id in form_ids else None

        return wrapper

    return decorate


def get_form(form_id: str) -> Form | None:
    """A loaded form of the current application, or ``None``."""
    return current_registry().get_form(form_id)


def display_answer(form: Form, field_id: str, value, locale: str | None = None) -> str:
    """A stored value of ``form``'s field as people read it, in ``locale`` (default: current)."""
    return shown_text(form.field(field_id), value, locale or current_locale())


__all__ = [
    "Figures",
    "ProvincialSection",
    "TeamColumn",
    "cycle_team_responses",
    "fitted_table",
    "CellError",
    "current_cycle",
    "earlier_cycle",
    "member_responses",
    "team_response",
    "aggregate_minimum",
    "current_team_cycle",
    "Catalog",
    "Column",
    "LINK_HOURS",
    "DRAFT",
    "EMPTY",
    "Exporter",
    "ExportJob",
    "SUBMITTED",
    "FieldSettings",
    "FieldSpec",
    "FieldType",
    "Form",
    "MapKind",
    "MapRegion",
    "Prefill",
    "Response",
    "Section",
    "Store",
    "Text",
    "absolute_url",
    "address_over_limit",
    "babel_locale",
    "claim_link",
    "clock",
    "edit_form",
    "email_over_limit",
    "field_label",
    "fields_section",
    "bar_chart",
    "change_chart",
    "compute_scores",
    "send_email",
    "current_locale",
    "current_registry",
    "current_store",
    "find_typed_reference",
    "display_answer",
    "export_columns",
    "format_cad",
    "format_day",
    "format_mean",
    "format_money",
    "format_number",
    "format_percent",
    "format_timestamp",
    "or_empty",
    "for_form",
    "format_iso_date",
    "get_form",
    "hookimpl",
    "is_answered",
    "fitting_answers",
    "local_today",
    "xlsx_currency_format",
    "issue_link",
    "map_legend",
    "page_number",
    "read_fields",
    "record_change",
    "region_map",
    "with_language",
]


# -- living responses read by plugins: revisions, team routes, PDFs (issue 19, the
# Workplan as a tracker; generic: any living form's plugin may use them) -------------

def revisions(response_id: str) -> list[Revision]:
    """A living response's revisions, oldest first: each one's ``number``, ``at`` (ISO,
    UTC), ``author`` and ``author_name``, ``changes`` (``{field_id: [before, after]}``),
    ``score`` and ``submitted``. Empty for a response that has none (a public one)."""
    return current_store().list_revisions(response_id)


def local_day(moment) -> _datetime.date:
    """The calendar day, in the instance's time zone, of a stored moment (an ISO
    timestamp such as a revision's ``at``, epoch seconds or a datetime): what a period
    chosen in days ("from 1 April to 30 June") is compared with."""
    return _to_datetime(moment).astimezone(_instance_zone()).date()


def response_pdf(form_id: str, response_id: str, key_parts, build_html) -> bytes:
    """A PDF made from one response (a plugin's report of it): ``build_html()`` rendered
    by WeasyPrint with formkit's self-contained fetcher, cached with the response's other
    PDFs under ``key_parts`` (include what it depends on: the response's ``updated``, the
    language, the options chosen), and forgotten with them when the response is deleted.
    The HTML can include ``pdf/_style.css`` (it needs ``form``, ``locale`` and
    ``page_counter``: :func:`pdf_page_counter`)."""
    return _pdf.render(key_parts, build_html, _pdf.response_folder(form_id, response_id))


def pdf_page_counter():
    """The CSS ``content`` of the translated "Page 1 of 3" footer (current locale)."""
    return _pdf.page_counter_css()


__all__ += [
    "Panel",
    "Revision",
    "find_cycle",
    "force_locale",
    "local_day",
    "pdf_page_counter",
    "response_pdf",
    "revisions",
    "team_checkpoint",
    "may_read_form",
]
