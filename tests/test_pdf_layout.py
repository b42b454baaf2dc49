"""PDF layout: no table is ever cut, empty answers print "—", the shipped font is used.

Layout is checked on WeasyPrint's own page boxes (every text box inside its page), and
the text on the PDF read back with pypdf, in both languages on both stores.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from conftest import ROOT, add_user, make_app, sign_in
from formkit import pdf
from formkit.storage import SUBMITTED, Response
from formkit.table_fit import CARDS, LANDSCAPE, PORTRAIT, fit

LONG_WORDS = {
    "en": ["Interdisciplinary", "Telecommunications", "Counterintelligence",
           "Intergovernmental", "Neighbourhoods", "Accountability", "Responsibilities",
           "Internationalization", "Characteristically", "Incomprehensibilities",
           "Uncharacteristically"],
    "fr": ["Interprofessionnalisation", "Anticonstitutionnellement",
           "Désinstitutionnalisation", "Intergouvernementales", "Francophonie",
           "Responsabilisation", "Accompagnement", "Intergénérationnels",
           "Réorganisation", "Déshospitalisation", "Professionnellement"],
}
#: codes and amounts cannot be hyphenated: eleven of them need more than a landscape page.
CODES = [f"REF_{n:04d}_2026_SUDBURY_{n * 7919:08d}" for n in range(11)]


def wide_form(folder: Path) -> Path:
    """A form whose only question is an 11-column table, labelled in both languages."""
    columns = "\n".join(
        f"          - {{id: c{n}, type: text, label: {{en: Column {n} "
        f"{LONG_WORDS['en'][n]}, fr: Colonne {n} {LONG_WORDS['fr'][n]}}}}}"
        for n in range(11))
    folder.mkdir()
    (folder / "wide.yaml").write_text(textwrap.dedent("""\
        id: wide
        version: 1
        title: {en: Wide table, fr: Tableau large}
        sections:
          - id: main
            title: {en: Actions, fr: Actions}
            fields:
              - {id: note, type: text, label: {en: Note, fr: Note}}
              - id: rows
                type: table
                label: {en: Rows, fr: Lignes}
                columns:
        """) + columns + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def wide_app(tmp_path, store_url):
    app = make_app(tmp_path / "app", STORE=store_url, FORMS_DIR=str(wide_form(tmp_path / "f")),
                   ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    yield app
    app.extensions["formkit"].store.close()


def stored(app, rows: list[dict], locale: str) -> Response:
    with app.test_request_context("/"):
        store = app.extensions["formkit"].store
        store.import_records([Response(
            id="", form_id="wide", form_version=1, locale=locale, status=SUBMITTED,
            answers={"rows": rows}, submitted="2026-11-30T17:00:00+00:00", key=locale)])
        return next(r for r in store.iter_responses("wide") if r.key == locale)


def laid_out(app, response: Response, locale: str):
    from formkit.views.admin.exports import response_pdf_html

    with app.test_request_context("/"):
        form = app.extensions["formkit"].registry.forms["wide"]
        html = response_pdf_html(form, response, locale)
        return html, pdf.layout(html)


def text_outside_pages(document) -> list[str]:
    """The text boxes that lie, even partly, outside their page."""
    outside = []
    for page in document.pages:
        box = page._page_box
        stack = [box]
        while stack:
            current = stack.pop()
            if isinstance(current, boxes.TextBox) and current.text.strip() and (
                    current.position_x < -0.5 or current.position_y < -0.5
                    or current.position_x + current.width > page.width + 0.5
                    or current.position_y + current.height > page.height + 0.5):
                outside.append(current.text)
            stack.extend(getattr(current, "children", []))
    return outside


def squeezed(text: str) -> str:
    """Text without spaces and hyphens: a word wrapped or hyphenated still matches."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_11_column_table_of_long_words_prints_every_cell_inside_the_page(
        wide_app, locale):
    words = LONG_WORDS[locale]
    rows = [{f"c{n}": f"{words[(n + r) % 11]} {words[(n + r + 3) % 11]}" for n in range(11)}
            for r in range(3)]
    rows[1].pop("c4")  # an empty cell
    html, document = laid_out(wide_app, stored(wide_app, rows, locale), locale)
    assert text_outside_pages(document) == []
    assert "class='answer-table fits-landscape'" in html and "class='answer-card'" not in html
    wide = [p for p in document.pages if p.width > p.height]
    assert wide, "the table's section is printed on a landscape page"
    body = document.write_pdf()
    text = squeezed(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))
    for row in rows:
        for value in row.values():
            assert squeezed(value) in text, value
    for n in range(11):  # every header, none cut off
        assert squeezed(("Column" if locale == "en" else "Colonne") + f" {n}") in text
    assert "—" in text and "None" not in text


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_rows_too_wide_even_for_landscape_print_as_cards(wide_app, locale):
    rows = [{f"c{n}": CODES[(n + r) % 11] for n in range(11)} for r in range(2)]
    html, document = laid_out(wide_app, stored(wide_app, rows, locale), locale)
    assert "class='answer-card'" in html and "class='answer-table" not in html
    assert text_outside_pages(document) == []
    text = squeezed(" ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(document.write_pdf())).pages))
    for code in CODES:
        assert squeezed(code) in text


def test_table_fit_chooses_the_smallest_layout_that_holds_the_words():
    assert fit(["Name", "Due"], [["Ada", "1 Apr 2026"]]).layout == PORTRAIT
    workplan = fit(
        ["Action", "Responsable", "Partenaires", "Date de début", "Échéance", "État",
         "Avancement", "Difficultés", "Coût estimé", "Source de financement",
         "Si autre, quelle source?"],
        [["Visites d’amitié hebdomadaires", "Marie-Ève Tremblay",
          "Centre de santé communautaire, bénévoles", "1er avril 2026", "30 septembre 2026",
          "En cours", "40\u00a0%", "Recrutement de bénévoles", "12\u00a0000,00\u00a0$",
          "Financement provincial", "—"]])
    assert workplan.layout == LANDSCAPE
    assert abs(sum(workplan.widths) - 100) < 0.1
    # the amount's column is at least as wide as "12 000,00 $" on a landscape page
    assert workplan.widths[8] / 100 * 243.4 >= 19
    assert fit([f"h{n}" for n in range(11)], [CODES]).layout == CARDS


def test_workplan_pdf_prints_every_action_column(seed_store_app):
    """The issue's sample: "Coût estimé" and "Source de financement" were cut off."""
    sys.path.insert(0, str(ROOT / "bench"))
    from workplan_pdf import ANSWERS

    app = seed_store_app
    add_user(app, password="a long enough secret")
    with app.test_request_context("/"):
        store = app.extensions["formkit"].store
        form = app.extensions["formkit"].registry.forms["workplan"]
        score = app.extensions["formkit"].registry.hook.formkit_score(
            form=form, answers=ANSWERS, locale="fr")
        store.import_records([Response(
            id="", form_id="workplan", form_version=form.version, locale="fr",
            status=SUBMITTED, answers=ANSWERS, score=score, key="k",
            submitted="2026-11-27T15:41:00+00:00")])
        response = next(store.iter_responses("workplan"))
    client = app.test_client()
    assert sign_in(client, password="a long enough secret").status_code == 302
    body = client.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr").data
    reader = PdfReader(io.BytesIO(body))
    text = squeezed(" ".join(page.extract_text() for page in reader.pages))
    for header in ("Coût estimé", "Source de financement", "Si autre, quelle source?"):
        assert squeezed(header) in text
    for amount in ("12 000,00 $", "3 500,50 $", "4 800,00 $", "2 200,00 $"):
        assert squeezed(amount) in text
    assert squeezed("Fondation Trillium de l’Ontario") in text
    assert any(page.mediabox.width > page.mediabox.height for page in reader.pages)
    for name in ("None", "null", "[]"):
        assert name not in text
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1]
             for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts <= {"formkit-Sans", "formkit-Sans-Bold"}, fonts


def test_the_shipped_font_renders_french_on_a_machine_without_fonts(tmp_path):
    """With no font installed at all (an empty fontconfig), the PDF stylesheet's
    @font-face still renders every French character, in the shipped font."""
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache'
                      "</cachedir></fontconfig>")
    script = textwrap.dedent("""
        import io, sys
        from pypdf import PdfReader
        from formkit import pdf
        css = open(sys.argv[1], encoding="utf-8").read().split("@page")[0]
        html = ("<html lang=fr><head><title>t</title><style>" + css +
                "body { font-family: 'formkit Sans' }</style></head><body>"
                "<p>Élévation à l’œuvre : « ça » ÿ Ç <b>Coût estimé</b></p></body></html>")
        page = PdfReader(io.BytesIO(pdf.render_uncached(html))).pages[0]
        print(page.extract_text())
        print(sorted(str(f.get_object()["/BaseFont"]).split("+")[-1]
                     for f in page["/Resources"]["/Font"].values()))
    """)
    environment = {**os.environ, "FONTCONFIG_FILE": str(config),
                   "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "formkit/templates/pdf/_style.css")],
        capture_output=True, text=True, env=environment, timeout=120, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "Élévation à l’œuvre : « ça » ÿ Ç Coût estimé"
    assert lines[1] == "['formkit-Sans', 'formkit-Sans-Bold']"
    assert (ROOT / "formkit/static/fonts/LICENSE-DejaVu.txt").is_file()


def test_the_fetcher_serves_the_shipped_fonts_and_nothing_else():
    fetcher = pdf.refusing_fetcher()
    assert fetcher.fetch("formkit-font:DejaVuSans.ttf").read(4) == b"\x00\x01\x00\x00"
    for url in ("formkit-font:../../pdf.py", "formkit-font:/etc/passwd",
                "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# -- charts and summaries ------------------------------------------------------------------
def test_text_widths_are_the_fonts_own_advances_for_every_character():
    """formkit reads the fonts' advance widths itself (no fontTools in a worker that draws
    a chart): every character either face maps has the width fontTools reads."""
    from fontTools.ttLib import TTFont

    from formkit import fonts

    for bold, name in ((False, fonts.REGULAR), (True, fonts.BOLD)):
        font = TTFont(fonts.FONTS_DIR / name, lazy=True)
        metrics, per_em = font["hmtx"], font["head"].unitsPerEm
        expected = {code: metrics[glyph][0] / per_em
                    for code, glyph in font.getBestCmap().items()}
        advances = fonts._advances(bold)
        assert len(advances.codes) == len(expected) > 5000
        assert {code: advances.em(chr(code)) for code in expected} == expected
        # a character the face lacks gets the wide guess
        missing = next(code for code in range(0x3400, 0x4DC0) if code not in expected)
        assert fonts.text_width(chr(missing), 10, bold=bold) == 10 * fonts.UNKNOWN_EM
    # "W" is wider than "i", bold wider than regular: 2048 units to the em
    assert fonts.text_width("W", 1) == pytest.approx(2025 / 2048)
    assert fonts.text_width("i", 1) < fonts.text_width("i", 1, bold=True)


def test_chart_values_are_whole_and_text_is_at_least_12px():
    from formkit.charts import bar_chart
    from formkit.fonts import text_width
    from formkit.formatting import format_money

    for locale in ("en", "fr"):
        svg = str(bar_chart([("Fondation Trillium", 123456.78), ("Dons", 12000)],
                            maximum=123456.78, title="t",
                            value_label=lambda v, locale=locale: format_money(v, locale)))
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
        assert sizes and min(sizes) >= 12
        for x, value in re.findall(r'<text x="([\d.]+)"[^>]*font-weight="bold">([^<]+)<', svg):
            assert value == format_money(123456.78 if "456" in value else 12000, locale)
            assert float(x) + text_width(value, min(sizes), bold=True) <= width, value


def _summary(app, form_id: str, count: int, locale: str):
    sys.path.insert(0, str(ROOT / "bench"))
    from submit import seed

    from formkit.exporters.pdf_export import summary_pdf_html
    from formkit.review import Filters

    with app.test_request_context("/"):
        form = app.extensions["formkit"].registry.forms[form_id]
        seed(form, count, locale=locale)
        html = summary_pdf_html(form, Filters(), locale)
        return html, pdf.layout(html)


def headings_at_a_page_foot(document) -> list[str]:
    """Headings, and the line under a question's heading, that are the last text of their
    page (what they introduce went overleaf)."""
    orphans = []
    for page in document.pages:
        texts = []  # (the nearest block's tag and class, text), in document order

        def walk(box, kind, texts=texts):
            if isinstance(box, boxes.BlockBox) and box.element is not None:
                kind = (box.element_tag, box.element.get("class") or "")
            if isinstance(box, boxes.TextBox) and box.text.strip():
                texts.append((kind, box.text))
            if isinstance(box, boxes.ReplacedBox):  # a chart
                texts.append((("svg", ""), "chart"))
            for child in getattr(box, "children", []):
                walk(child, kind)
        walk(page._page_box, ("", ""))
        body = [t for t in texts if t[0][0] not in ("", "html")]  # margin boxes excluded
        if body and (body[-1][0][0] in ("h1", "h2", "h3") or body[-1][0] == ("p", "meta")):
            orphans.append(body[-1][1])
    return orphans


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_summary_pdf_of_a_handful_of_responses_is_compact(seed_store_app, locale):
    html, document = _summary(seed_store_app, "evaluation", 5, locale)
    # a chart names its bars and figures: the table repeating them is for screens only
    blocks = re.findall(r'<div class="summary-block">(.*?)</div>', html, re.S)
    charted = [b for b in blocks if "<svg" in b]
    assert charted and all("screen-only" in b for b in charted if "<table" in b)
    assert len(document.pages) <= 6  # 8 before; findings and "What we learned" add one
    assert headings_at_a_page_foot(document) == []
    assert text_outside_pages(document) == []
    for page in document.pages:  # charts print at their own size, never shrunk
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.ReplacedBox):
                assert box.width >= box.replacement.get_intrinsic_size(1, 16)[0] - 0.5
            stack.extend(getattr(box, "children", []))


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_a_printed_chart_puts_its_labels_beside_the_bars(seed_store_app, locale):
    """Three ten-row matrices of the Wellbeing Guide: their charts of means print with
    the labels beside the bars (one row a line, two at most), so five ratings take five
    pages (seven with the labels above)."""
    html, document = _summary(seed_store_app, "wellbeing", 5, locale)
    assert len(document.pages) <= 5
    assert headings_at_a_page_foot(document) == []
    assert text_outside_pages(document) == []
    for svg in re.findall(r'<div class="summary-block">.*?(<svg.*?</svg>)', html, re.S):
        first_bar = re.search(r'<rect x="([\d.]+)" y="([\d.]+)"', svg)
        first_label = re.search(r'<tspan x="([\d.]+)" y="([\d.]+)"', svg)
        assert float(first_bar.group(1)) > float(first_label.group(1)) + 200  # beside
        assert float(first_bar.group(2)) < float(first_label.group(2))  # not below


def test_the_largest_funding_source_is_named_not_other(seed_app):
    sys.path.insert(0, str(ROOT / "bench"))
    from workplan_pdf import ANSWERS

    from formkit.views.admin.exports import response_pdf_html

    answers = {**ANSWERS, "actions_1": [dict(row) for row in ANSWERS["actions_1"]]}
    answers["actions_1"][1]["cost"] = 90000  # the "other" source named by the team
    with seed_app.test_request_context("/"):
        registry = seed_app.extensions["formkit"].registry
        form = registry.forms["workplan"]
        score = registry.hook.formkit_score(form=form, answers=answers, locale="fr")
        response = Response(id="r", form_id="workplan", form_version=form.version,
                            locale="fr", status=SUBMITTED, answers=answers, score=score)
        html = response_pdf_html(form, response, "fr")
    bars = re.findall(r"<g><title>([^<]+) – ([^<]+)</title>", html)
    assert bars[0] == ("Fondation Trillium de l’Ontario", "90\u00a0000,00\u00a0$")
    assert "Autre" not in [label for label, _value in bars]


def test_no_heading_is_left_at_a_page_foot(seed_app):
    """A question's heading lands at every height of the page in turn: it always moves
    overleaf with its chart rather than stay alone at the foot."""
    from flask import render_template

    from formkit.charts import bar_chart

    with seed_app.test_request_context("/"):
        form = seed_app.extensions["formkit"].registry.forms["evaluation"]
        style = render_template("pdf/_style.css", form=form, locale="en", generated="today",
                                page_counter=pdf.page_counter_css())
        chart = bar_chart([("Survey", 5), ("Interviews", 2)], maximum=5, title="Methods")
    for filler in range(170, 236, 5):
        html = (f"<html lang=en><head><title>t</title><style>{style}</style></head><body>"
                f"<div style='height: {filler}mm'></div><section class='summary-section'>"
                f"<h2>Section</h2><div class='summary-block'><h3>Methods</h3>"
                f"<p class='meta'>5 answers</p>{chart}</div></section></body></html>")
        assert headings_at_a_page_foot(pdf.layout(html)) == [], filler
