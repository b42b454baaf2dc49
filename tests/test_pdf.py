"""PDFs: real WeasyPrint output read back with a PDF library."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import store_of, submit
from formkit.pdf import refusing_fetcher


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Wellbeing Guide — community rating tool", "Your top priorities", "Page 1 of",
            "Answers", "Generated on", "Review status"]),
    ("fr", ["Guide du bien-être — outil d’évaluation communautaire",
            "Vos principales priorités", "Page 1 de", "Réponses", "Produit le",
            "Statut d’examen", "Forces sur lesquelles bâtir", "Pour votre rapport"]),
])
def test_response_pdf_in_either_language(seed_app, admin, lang, expected):
    response = submit(seed_app, "wellbeing", "en" if lang == "fr" else "fr")
    data = admin.get(f"/admin/responses/{response.id}/pdf?doc_lang={lang}")
    assert data.status_code == 200 and data.mimetype == "application/pdf"
    reader, text = pdf_text(data.data)
    for piece in expected:
        assert piece in text, piece
    assert 1 <= len(reader.pages) <= 8
    pages = re.search(r"(?:Page|Page) 1 (?:of|de) (\d+)", text).group(1)
    assert int(pages) == len(reader.pages)
    # tagged for assistive technology, with the document's language and title
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == lang
    assert "/StructTreeRoot" in root
    assert "Start a workplan" not in text and "Commencer un plan" not in text  # screen only


def test_respondent_text_cannot_inject_markup_into_a_pdf(seed_app, admin):
    hostile = ('<img src="file:///etc/hostname"></style><style>body{display:none}</style>'
               '<script>alert(1)</script> é à « »')
    response = submit(seed_app, "wellbeing", overrides={4: {"q_local_strengths": hostile}})
    _reader, text = pdf_text(admin.get(f"/admin/responses/{response.id}/pdf").data)
    assert '<img src="file:///etc/hostname"></style>' in text
    assert "é à « »" in text


def test_the_fetcher_refuses_files_and_the_network():
    fetcher = refusing_fetcher()
    for url in ("file:///etc/passwd", "https://example.com/x.css", "http://127.0.0.1/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_repeated_export_comes_from_the_cache(seed_app, admin):
    response = submit(seed_app, "competency")
    first = admin.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr").data


    folder = Path(seed_app.instance_path) / "cache" / "pdf"
    cached = sorted(folder.rglob("*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    again = admin.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr").data
    assert again == first and len(list(folder.rglob("*.pdf"))) == 1
    # a changed response renders anew
    store_of(seed_app).update(response.id, review_status="reviewed")
    admin.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr")
    assert len(list(folder.rglob("*.pdf"))) == 2


def test_summary_pdf_over_filtered_responses(seed_app, admin):
    submit(seed_app, "workplan", "fr", overrides={1: {"q_actions_1-0-q_cost": "1500"}})
    submit(seed_app, "workplan", "en", overrides={1: {"q_actions_1-0-q_cost": "500"}})
    data = admin.get("/admin/forms/workplan/summary.pdf?doc_lang=fr").data
    reader, text = pdf_text(data)
    assert "Synthèse : Plan de travail — des priorités à l’action" in text
    assert "2 plans de travail, coût total estimé de 2 000,00 $" in text
    assert "Coût estimé par source de financement" in text
    assert "Page 1 de" in text and 1 <= len(reader.pages) <= 12
    only_fr = admin.get("/admin/forms/workplan/summary.pdf?doc_lang=en&lang_filter=fr").data
    assert "1 workplan, estimated total cost $1,500.00" in pdf_text(only_fr)[1]


def test_summary_page_has_charts_and_free_text(seed_app, admin):
    submit(seed_app, "wellbeing", overrides={4: {"q_gaps": "No bus on Sundays"}})
    page = admin.get("/admin/forms/wellbeing/summary?lang=en")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 4
    assert "No bus on Sundays" in page.text
    assert "How many ratings name each area a top priority" in page.text


def test_summary_pdf_cache_follows_new_responses(seed_app, admin):
    submit(seed_app, "membership")
    first = admin.get("/admin/forms/membership/summary.pdf?doc_lang=en").data
    assert admin.get("/admin/forms/membership/summary.pdf?doc_lang=en").data == first
    submit(seed_app, "membership")
    after = admin.get("/admin/forms/membership/summary.pdf?doc_lang=en").data
    assert "2 of 2 applicants are eligible" in pdf_text(after)[1]
    assert "1 of 1 applicants are eligible" in pdf_text(first)[1]
