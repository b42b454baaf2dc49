"""The formkit command: forms, plugins, check."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import ROOT, TEST_FORMS
from formkit.cli import default_workers, main


def test_forms_lists_id_version_and_plugin(runner):
    result = runner.invoke(main, ["forms"])
    assert result.exit_code == 0
    assert "all_types" in result.output and "v1" in result.output
    assert "formkit.builtins.yaml_forms" in result.output
    assert "Every field type / Tous les types de champ" in result.output


def test_plugins_lists_hooks_in_order(runner):
    result = runner.invoke(main, ["plugins"])
    lines = result.output.splitlines()
    assert lines[0] == "formkit.builtins.field_types: formkit_field_types"
    assert lines[1] == "formkit.builtins.yaml_forms: formkit_forms"


def check(monkeypatch, tmp_path, forms_dir):
    monkeypatch.setenv("FORMKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FORMKIT_FORMS_DIR", str(forms_dir))
    monkeypatch.setenv("FORMKIT_PLUGINS_DIR", str(tmp_path / "none"))
    return CliRunner().invoke(main, ["check"])


def test_check_passes_on_good_forms(monkeypatch, tmp_path):
    result = check(monkeypatch, tmp_path, TEST_FORMS)
    assert result.exit_code == 0, result.output
    assert "ok: 1 form(s)" in result.output


def test_check_reports_every_problem_with_file_and_line(monkeypatch, tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "one.yaml").write_text(
        "id: one\nversion: 1\ntitle: {en: One}\nsections:\n  - id: s\n"
        "    title: {en: S, fr: S}\n    fields:\n      - {id: a, type: nope}\n")
    (forms / "two.yaml").write_text("id: two\nversion: [\n")
    result = check(monkeypatch, tmp_path, forms)
    assert result.exit_code == 1
    assert f"{forms / 'one.yaml'}:3: 'title' has no 'fr' text" in result.output
    assert f"{forms / 'one.yaml'}:8: field 'a': unknown type 'nope'" in result.output
    assert f"{forms / 'two.yaml'}:" in result.output and "YAML syntax" in result.output
    assert "3 problem(s) found" in result.output


def test_check_passes_on_the_project_forms_and_plugins(monkeypatch, tmp_path):
    monkeypatch.setenv("FORMKIT_PLUGINS_DIR", str(ROOT / "plugins"))
    monkeypatch.setenv("FORMKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FORMKIT_FORMS_DIR", str(ROOT / "forms"))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output


def test_default_worker_count_is_bounded():
    assert 3 <= default_workers() <= 8


def test_serve_stops_on_a_broken_form_before_any_worker(monkeypatch, tmp_path):
    """`serve` builds the app once in a child process (gunicorn's master keeps none of
    it) and still stops with the problem's file and line."""
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "two.yaml").write_text("id: two\nversion: [\n")
    monkeypatch.setenv("FORMKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FORMKIT_FORMS_DIR", str(forms))
    monkeypatch.setenv("FORMKIT_PLUGINS_DIR", str(tmp_path / "none"))
    result = CliRunner().invoke(main, ["serve", "--no-worker", "--port", "1"])
    assert result.exit_code == 1
    assert f"{forms / 'two.yaml'}:" in result.output and "YAML syntax" in result.output


def test_a_worker_imports_pdf_and_spreadsheet_libraries_on_first_use(tmp_path):
    """WeasyPrint (with Pillow, fontTools, lxml), openpyxl and XlsxWriter are not loaded
    when an app starts, nor when a form page draws a chart (text widths are read from the
    font without fontTools) or a submit builds an email's links (no test request, so
    no Flask/Click test modules and pdb): most workers only serve form pages (worker
    memory, bench/server.py). Nor argon2 (only signing in needs it), nor msgspec before
    the first read of the store (gunicorn's master, which imports ``formkit.cli``, reads
    nothing), nor all of Babel's global data."""
    import subprocess
    import sys

    lazy = ("weasyprint", "openpyxl", "PIL", "fontTools", "xlsxwriter", "flask.testing",
            "click.testing", "pdb", "ctypes", "argon2", "msgspec")
    code = ("import sys; import formkit.cli; from formkit.app import create_app; "
            f"app = create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x', "
            f"'FORMS_DIR': {str(ROOT / 'forms')!r}, 'PLUGINS_DIR': {str(ROOT / 'plugins')!r}}},"
            " environment=False); "
            "from formkit.charts import bar_chart; "
            "from formkit.outbox.notifications import absolute_url; "
            "ctx = app.app_context(); ctx.push(); "
            "chart = str(bar_chart([('Un', 1.5), ('Deux', 3)], maximum=4, title='t', "
            "value_label=str)); "
            "link = absolute_url('admin.response_view', response_id='r-1'); "
            "print(chart.count('<rect') >= 2, link); "
            f"print(sorted(m for m in {lazy!r} if m in sys.modules)); "
            "import babel.core; from formkit.formatting import format_money; "
            "print(format_money(5, 'fr'), babel.core._global_data.complete)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    drawn, modules, money = result.stdout.strip().splitlines()
    assert drawn == "True http://127.0.0.1:5000/admin/responses/r-1"
    assert modules == "[]"
    # Babel keeps only the global tables formatting reads (formkit.babel_data)
    assert money == "5,00\u00a0$ False"
