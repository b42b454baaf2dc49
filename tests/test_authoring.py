"""For form authors: `formkit new-form` writes a working bilingual form with every
question type; `formkit preview` serves one file as respondents will see it."""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time
import urllib.request

from click.testing import CliRunner

from conftest import Browser, fill, free_port, text_of
from formkit.builtins.field_types import formkit_field_types
from formkit.cli import main
from formkit.preview import preview_app
from formkit.schema import load_form

TYPES = {cls.name: cls() for cls in formkit_field_types()}


def new_form(tmp_path, *args):
    return CliRunner().invoke(main, ["new-form", *args, "--dir", str(tmp_path / "forms")])


def test_new_form_has_every_type_in_both_languages_and_checks_clean(monkeypatch, tmp_path):
    result = new_form(tmp_path, "Visit feedback", "--title", "Visit feedback",
                      "--titre", "Avis sur la visite")
    assert result.exit_code == 0, result.output
    path = tmp_path / "forms" / "visit_feedback.yaml"
    assert f"wrote {path}" in result.output
    form = load_form(path, TYPES)
    assert form.id == "visit_feedback" and form.title.fr == "Avis sur la visite"
    assert {spec.type for spec in form.fields} == set(TYPES)
    monkeypatch.setenv("FORMKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FORMKIT_FORMS_DIR", str(tmp_path / "forms"))
    monkeypatch.setenv("FORMKIT_PLUGINS_DIR", str(tmp_path / "none"))
    checked = CliRunner().invoke(main, ["check"])
    assert checked.exit_code == 0 and "ok: 1 form(s)" in checked.output


def test_new_form_scoring_example_works_once_uncommented(tmp_path):
    new_form(tmp_path, "feedback")
    path = tmp_path / "forms" / "feedback.yaml"
    text = path.read_text(encoding="utf-8")
    head, example = text.split("# scoring:")
    path.write_text(head + "scoring:" + example.replace("\n# ", "\n"), encoding="utf-8")
    form = load_form(path, TYPES)
    [rule] = form.scoring
    answers = {"welcome": 4, "aspects": {"clear": 1, "timely": 2}}
    assert rule.compute(form, answers) == {
        "value": 2.3, "answered": 3, "band": {"en": "Low", "fr": "Faible"}}


def test_new_form_refuses_bad_names_and_existing_files(tmp_path):
    assert new_form(tmp_path, "intake").exit_code == 0
    again = new_form(tmp_path, "Intake")
    assert again.exit_code == 1 and "already exists" in again.output
    bad = new_form(tmp_path, "2025 intake")
    assert bad.exit_code == 1 and "cannot be an id" in bad.output
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == ["intake.yaml"]


def test_preview_serves_only_that_file_and_takes_answers(tmp_path):
    new_form(tmp_path, "feedback", "--title", "Feedback", "--titre", "Rétroaction")
    app = preview_app(tmp_path / "forms" / "feedback.yaml", tmp_path / "preview")
    app.config["TESTING"] = True
    page = text_of(app.test_client().get("/?lang=fr"))
    assert "Aperçu de" in page and "feedback.yaml" in page and "Rétroaction" in page
    assert list(app.extensions["formkit"].registry.forms) == ["feedback"]
    done = fill(Browser(app.test_client()), app, "feedback", "fr")
    assert "/done/" in done.request.path


def test_preview_shows_mistakes_with_line_and_suggestion(tmp_path):
    new_form(tmp_path, "feedback")
    path = tmp_path / "forms" / "feedback.yaml"
    path.write_text(path.read_text().replace("type: matrix", "type: matrx"))
    app = preview_app(path, tmp_path / "preview")
    page = app.test_client().get("/f/feedback/?lang=fr")
    assert page.status_code == 200
    text = html.unescape(text_of(page))
    assert "Ce formulaire contient des erreurs" in text
    assert "unknown type 'matrx'" in text and "did you mean 'matrix'?" in text


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.read().decode()


def wait_for(url: str, expected: str, seconds: float = 20) -> str:
    deadline, last = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            last = get(url)
            if expected in last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{expected!r} never appeared at {url}: {last[:500]}")


def test_preview_command_reloads_when_the_file_changes(tmp_path):
    new_form(tmp_path, "feedback", "--title", "First title")
    path = tmp_path / "forms" / "feedback.yaml"
    port = free_port()
    env = {**os.environ, "FORMKIT_PLUGINS_DIR": str(tmp_path / "none")}
    env.pop("FORMKIT_PREVIEW_INSTANCE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "formkit.cli", "preview", str(path), "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url, "First title")
        time.sleep(1.1)  # the reloader compares modification times
        path.write_text(path.read_text().replace("First title", "Second title"))
        wait_for(url, "Second title")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=10)
