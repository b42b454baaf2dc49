"""The provincial team's figures across teams (``/admin/teams/figures``) and the
provincial report PDF (``/admin/teams/report.pdf``), behind the workspace's checkpoint
and limited to the teams and forms the coordinator may see
(:mod:`formkit.province.scope`). A query argument that names nothing gets the page
again with what to choose, in words (status 400), never a 500."""

from __future__ import annotations

import hashlib
import re

from flask import g, render_template, request
from flask_babel import force_locale

from formkit import pdf
from formkit.i18n import current_locale
from formkit.province import scope
from formkit.state import current_registry, current_store
from formkit.views.admin import bp
from formkit.views.admin.exports import document_locale, pdf_response


def _args(figures: scope.Figures | None) -> dict[str, str]:
    """The query arguments that choose these figures again."""
    if figures is None:
        return {}
    chosen = {"cycle": figures.choice.arg, "region": figures.region or "",
              "team": figures.team.slug if figures.team else ""}
    return {k: v for k, v in chosen.items() if v}


@bp.get("/teams/figures")
def provincial_figures():
    """Figures of one cycle across the teams: each plugin's sections."""
    locale = current_locale()
    figures, choices, error = scope.choose(g.user, request.args, locale)
    sections = scope.sections(figures) if figures is not None else []
    return render_template("admin/provincial.html", figures=figures, choices=choices,
                           error=error, sections=sections, args=_args(figures),
                           wanted=request.args), (400 if error else 200)


def report_html(figures: scope.Figures) -> str:
    """The provincial report's HTML, in the figures' language."""
    with force_locale(figures.locale):
        return render_template("pdf/provincial.html", figures=figures,
                               sections=scope.sections(figures), locale=figures.locale,
                               page_counter=pdf.page_counter_css())


def _report_key(figures: scope.Figures) -> list[str]:
    """What the report depends on: the choice, who looks (their forms), the teams and
    cycles, and every form's responses (their stamps)."""
    store = current_store()
    user = g.user
    seen = "all" if user.is_admin or user.all_forms is True else ",".join(sorted(user.forms))
    teams = "|".join(f"{t.id}:{t.name}:{t.region}:{t.community}:{figures.cycles[t.id].id}:"
                     f"{figures.cycles[t.id].label}" for t in figures.teams)
    stamps = [f"{form_id}={store.form_stamp(form_id)}"
              for form_id in sorted(current_registry().forms)]
    return ["provincial", figures.locale, *sorted(_args(figures).items()), seen,
            hashlib.sha256(teams.encode()).hexdigest(), *stamps]


@bp.get("/teams/report.pdf")
def provincial_report():
    """The provincial report of the chosen cycle and region, in ``doc_lang``."""
    locale = document_locale()
    with force_locale(locale):
        figures, choices, error = scope.choose(g.user, request.args, locale, pdf=True)
    if figures is None:
        return render_template("admin/provincial.html", figures=None, choices=choices,
                               error=error, sections=[], args={}, wanted=request.args), 400
    body = pdf.render(_report_key(figures), lambda: report_html(figures),
                      pdf.provincial_folder())
    chosen = _args(figures)
    name = "-".join(["provincial-report", *(chosen[k] for k in ("cycle", "region")
                                            if k in chosen), locale])
    return pdf_response(body, pdf_filename(name))


def pdf_filename(name: str) -> str:
    """A file name of plain characters (a region or label may hold any)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".pdf"
