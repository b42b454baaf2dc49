"""formkit installed from its wheel, as an organization installs it (it is not on the
package index): build the wheel from the repository, install it into a fresh virtualenv,
run `formkit` from an empty directory, and read French pages with no English interface.

The virtualenv reaches formkit's dependencies through a ``.pth`` file naming this
project's environment as a site directory (installing WeasyPrint and friends again would
need the network); formkit itself comes from the wheel, installed with ``--no-deps``.
The editable install of the project environment stays behind the wheel's copy (its
finder is appended to ``sys.meta_path``), and the test checks which one is imported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po"


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh virtualenv with formkit installed from a wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: building writes build/ and *.egg-info
    files = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                cwd=ROOT).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    assert not (source / "locales" / "fr" / "LC_MESSAGES" / "messages.mo").exists()
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
        str(work / "dist"), str(source))
    [wheel] = (work / "dist").glob("formkit-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
                  ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "formkit_env.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel))
    # hermetic: no FORMKIT_* of the machine, and no PYTHONPATH leading to the checkout
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FORMKIT_") and k != "PYTHONPATH"}
    return {"venv": venv, "python": python, "formkit": str(venv / "bin" / "formkit"),
            "env": env, "work": work}


def empty_dir(venv, name: str) -> Path:
    path = venv["work"] / name
    path.mkdir()
    return path


def english_interface(text: str) -> list[str]:
    """Interface messages of the core catalog that appear on a page in English although
    they have a different French translation."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    found = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        if len(message.id) < 4 or message.string == message.id or not message.string:
            continue
        if re.search(rf"(?<![\w-]){re.escape(message.id)}(?![\w-])", text):
            found.append(message.id)
    return found


def page_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as reply:
        html = reply.read().decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Server:
    """`formkit serve` run by the virtualenv's script in ``cwd``."""

    def __init__(self, venv, cwd: Path):
        self.port = free_port()
        self.log = cwd.parent / f"{cwd.name}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [venv["formkit"], "serve", "--port", str(self.port), "--workers", "1",
                 "--no-worker"], cwd=cwd, env=venv["env"], stdout=out, stderr=out)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"the server did not start:\n{self.log.read_text()}")
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def test_formkit_is_imported_from_the_wheel_with_its_compiled_catalog(venv):
    where = run(venv["python"], "-c", "import formkit.config as c; print(c.__file__); "
                "print(c.LOCALES_DIR)", cwd=venv["work"], env=venv["env"]).stdout.split()
    assert where[0].startswith(str(venv["venv"])), where
    assert Path(where[1], "fr", "LC_MESSAGES", "messages.mo").is_file(), where


def test_an_empty_directory_says_how_to_add_a_form_and_speaks_french(venv):
    cwd = empty_dir(venv, "empty")
    listed = run(venv["formkit"], "forms", cwd=cwd, env=venv["env"]).stdout
    assert "formkit new-form" in listed and "formkit import-xlsform" in listed
    server = Server(venv, cwd)
    try:
        home = page_text(server.base + "/?lang=fr")
        sign_in = page_text(server.base + "/admin/login?lang=fr")
    finally:
        server.stop()
    log = server.log.read_text()
    assert "no forms loaded" in log and "formkit new-form" in log and "pip install" in log
    assert "Aucun formulaire" in home
    assert english_interface(home) == [] and english_interface(sign_in) == []


def test_a_form_page_of_the_installed_package_is_all_french(venv):
    cwd = empty_dir(venv, "site")
    run(venv["formkit"], "new-form", "intake", "--title", "Intake", "--titre", "Accueil",
        cwd=cwd, env=venv["env"])
    server = Server(venv, cwd)
    try:
        page = page_text(server.base + "/f/intake/?lang=fr")
    finally:
        server.stop()
    assert "Accueil" in page and "Suivant" in page
    assert "Next" not in page and "Save and continue later" not in page
    assert english_interface(page) == []


def test_the_catalog_has_one_source_translators_edit():
    """No second copy of the interface catalog inside the package to keep in sync."""
    assert PO.is_file()
    assert not list((ROOT / "formkit").glob("locales/**/messages.po"))
    assert not (ROOT / "formkit" / "locales").exists()
