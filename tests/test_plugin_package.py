"""A plugin author's path, for real: `formkit new-plugin` → build a wheel → pip install it
into a fresh virtualenv next to formkit → formkit lists and serves its form → the
plugin's own tests pass with the fixtures formkit ships as a pytest plugin.

The fresh virtualenv reaches formkit and its dependencies through a ``.pth`` file that
adds this project's environment as a site directory (installing WeasyPrint and friends
again would need the network); the plugin itself is installed by pip from its wheel and
found only through its ``formkit`` entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import free_port
from formkit.cli import main


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The scaffolded plugin built and installed in a fresh virtualenv."""
    work = tmp_path_factory.mktemp("plugin")
    result = CliRunner().invoke(main, ["new-plugin", "visits", "--dir", str(work),
                                       "--title", "Volunteer time", "--titre", "Temps bénévole"])
    assert result.exit_code == 0, result.output
    source = work / "formkit-visits"
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
        str(work / "dist"), str(source))
    [wheel] = (work / "dist").glob("*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
                  ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "formkit_env.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel))
    env = {**os.environ, "FORMKIT_INSTANCE_PATH": str(work / "instance"),
           "FORMKIT_FORMS_DIR": str(work / "no-forms"),
           "FORMKIT_PLUGINS_DIR": str(work / "no-plugins")}
    return {"python": python, "source": source, "env": env, "venv": venv, "work": work}


def test_the_scaffold_has_what_a_package_needs(installed):
    source = installed["source"]
    pyproject = (source / "pyproject.toml").read_text()
    assert '[project.entry-points.formkit]\nvisits = "formkit_visits"' in pyproject
    for part in ("src/formkit_visits/__init__.py", "src/formkit_visits/forms/visits.yaml",
                 "src/formkit_visits/locales/fr/LC_MESSAGES/formkit_visits.po",
                 "tests/test_visits.py", "README.md"):
        assert (source / part).is_file(), part


def test_the_plugin_is_installed_from_its_wheel_not_the_source(installed):
    where = run(installed["python"], "-c", "import formkit_visits; print(formkit_visits.__file__)",
                cwd=installed["work"]).stdout
    assert where.startswith(str(installed["venv"]))


def test_formkit_lists_the_installed_plugin_and_its_form(installed):
    forms = run(installed["python"], "-m", "formkit.cli", "forms", env=installed["env"],
                cwd=installed["work"]).stdout
    assert "visits" in forms and "Volunteer time / Temps bénévole" in forms
    plugins = run(installed["python"], "-m", "formkit.cli", "plugins", env=installed["env"],
                  cwd=installed["work"]).stdout
    assert "visits: formkit_blueprints, formkit_forms, formkit_response_columns, " \
           "formkit_result_html, formkit_score, formkit_validate" in plugins


def test_formkit_serves_the_installed_form(installed):
    port = free_port()
    server = subprocess.Popen(
        [installed["python"], "-m", "formkit.cli", "serve", "--port", str(port),
         "--workers", "1"], env=installed["env"], cwd=installed["work"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/f/visits/?lang=fr", timeout=5) as reply:
                    page = reply.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert "Faites-vous du bénévolat?" in page and "Temps bénévole" in page
        with urllib.request.urlopen(f"{base}/visits/about?lang=fr", timeout=5) as reply:
            assert "À propos de ce formulaire" in reply.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_plugins_own_tests_pass_with_formkits_fixtures(installed):
    result = run(installed["python"], "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 cwd=installed["source"], env=installed["env"])
    assert "6 passed" in result.stdout
