"""Versioning a form: responses answered with an earlier version stay readable after the
questions change — on screen, in the PDF, in exports and in summaries."""

from __future__ import annotations

import csv
import io
import textwrap

from conftest import add_user, make_app, sign_in, submit, text_of
from test_pdf import pdf_text

V1 = """\
id: club
version: 1
title: {en: Walking club, fr: Club de marche}
sections:
  - id: one
    title: {en: You, fr: Vous}
    fields:
      - {id: name, type: text, label: {en: Name, fr: Nom}}
      - {id: age, type: text, label: {en: Age, fr: Âge}}
      - id: pace
        type: choice
        label: {en: Pace, fr: Rythme}
        choices:
          - {key: slow, label: {en: Slow, fr: Lent}}
          - {key: brisk, label: {en: Brisk, fr: Rapide}}
      - id: days
        type: matrix
        points: 3
        label: {en: Days, fr: Jours}
        rows:
          - {key: mon, label: {en: Monday, fr: Lundi}}
          - {key: sat, label: {en: Saturday, fr: Samedi}}
      - {id: shoes, type: text, label: {en: Shoe size, fr: Pointure}}
"""
# Version 2: age becomes a number, "brisk" is gone, Saturday is gone, shoe size is gone,
# a question is added.
V2 = (V1.replace("version: 1", "version: 2")
      .replace("{id: age, type: text,", "{id: age, type: integer,")
      .replace("          - {key: brisk, label: {en: Brisk, fr: Rapide}}\n", "")
      .replace("          - {key: sat, label: {en: Saturday, fr: Samedi}}\n", "")
      .replace("      - {id: shoes, type: text, label: {en: Shoe size, fr: Pointure}}\n",
               "      - {id: dog, type: yesno, label: {en: \"Dog?\", fr: \"Chien?\"}}\n"))


def app_with(tmp_path, schema: str):
    forms = tmp_path / "forms"
    forms.mkdir(exist_ok=True)
    (forms / "club.yaml").write_text(textwrap.dedent(schema), encoding="utf-8")
    return make_app(tmp_path, FORMS_DIR=str(forms), ARGON2_PROFILE="CHEAPEST")


def test_old_answers_stay_readable_after_the_questions_change(tmp_path):
    old = submit(app_with(tmp_path, V1), "club", overrides={0: {
        "q_name": "Zoë", "q_age": "about forty", "q_pace": "brisk",
        "q_days-r_mon": "1", "q_days-r_sat": "3", "q_shoes": "42"}})
    assert old.form_version == "1"
    app = app_with(tmp_path, V2)  # the same store, the new schema
    new = submit(app, "club", overrides={0: {"q_name": "Max", "q_age": "51"}})
    assert new.form_version == "2"
    add_user(app)
    client = app.test_client()
    sign_in(client)

    page = text_of(client.get(f"/admin/responses/{old.id}?lang=en"))
    assert "Form version 1 (now 2)" in page
    assert "Age about forty" in page          # text kept though age is now a number
    assert "Pace brisk" in page               # a choice that no longer exists: its key
    assert "Monday 1 / 3" in page
    assert ("Questions no longer in this form (answered with version 1) shoes 42" in page)

    pdf = client.get(f"/admin/responses/{old.id}/pdf?doc_lang=fr")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)[1]
    assert "Questions qui ne sont plus dans ce formulaire" in text and "about forty" in text

    export = client.get("/admin/forms/club/export.csv?doc_lang=en").get_data()
    rows = {r["Name"]: r for r in csv.DictReader(io.StringIO(export.decode("utf-8-sig")))}
    assert rows["Zoë"]["Age"] == "about forty" and rows["Max"]["Age"] == "51"
    assert rows["Zoë"]["Pace"] == "brisk"

    summary = client.get("/admin/forms/club/summary?lang=en")
    assert summary.status_code == 200
    # The age summary counts the number only; the old text answer is left out of it.
    assert "Age" in text_of(summary)
    assert client.get("/admin/forms/club/export.xlsx").status_code == 200
    json_export = client.get("/admin/forms/club/export.json").get_json()
    kept = next(r for r in json_export if r["id"] == old.id)
    assert kept["answers"]["shoes"] == "42"  # the JSON export keeps every stored answer
