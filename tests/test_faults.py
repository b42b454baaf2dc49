"""Disk faults on real disks: a tiny tmpfs that fills up or turns read-only under the
store, the PDF cache, the temporary folder of exports, or the instance folder.

Mounting needs root (CI runs as root); elsewhere these tests skip and say why. Each
test unmounts its disks, even when it fails.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, add_user, csrf, make_app, sign_in
from formkit.clock import ManualClock
from formkit.config import SecretKeyError
from formkit.storage import StoreUnavailable
from formkit.storage.faults import DISK_FAULTS, DiskUnavailable, is_disk_fault
from formkit.testing import Browser, form_of, page_input, store_of, submit, text_of

SEED = {"FORMS_DIR": str(ROOT / "forms"), "PLUGINS_DIR": str(ROOT / "plugins"),
        "ARGON2_PROFILE": "CHEAPEST"}
FAULTS = ["full", "read_only"]


class TinyDisk:
    """A tmpfs of ``size_kb`` mounted at ``path``: fill it, free it, make it read-only."""

    def __init__(self, path: Path, size_kb: int):
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                       check=True, capture_output=True)
        self.path = path
        self.filler = path / "filler.bin"

    def fill(self) -> None:
        with open(self.filler, "ab", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError as error:
                assert error.errno == errno.ENOSPC
        with pytest.raises(OSError):  # truly full: not a byte more
            with open(self.path / "probe", "wb", buffering=0) as fh:
                fh.write(b"x" * 4096)
        (self.path / "probe").unlink(missing_ok=True)

    def read_only(self) -> None:
        self._remount("ro")

    def writable(self) -> None:
        self._remount("rw")

    def break_(self, fault: str) -> None:
        self.fill() if fault == "full" else self.read_only()

    def repair(self) -> None:
        self.writable()
        self.filler.unlink(missing_ok=True)

    def files(self) -> list[str]:
        """What the disk holds besides the filler (relative paths)."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*")
                      if p.is_file() and p != self.filler)

    def _remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True,
                       capture_output=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False, capture_output=True)


@pytest.fixture
def tiny_disk():
    """``tiny_disk(path, size_kb=1024)`` mounts a :class:`TinyDisk`."""
    disks: list[TinyDisk] = []

    def mount(path: Path, size_kb: int = 1024) -> TinyDisk:
        try:
            disk = TinyDisk(path, size_kb)
        except (OSError, subprocess.CalledProcessError) as exc:
            pytest.skip(f"cannot mount a tmpfs here (root only): {exc}")
        disks.append(disk)
        return disk

    yield mount
    for disk in disks:
        disk.unmount()


def test_disk_errors_are_told_from_bugs():
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                 errno.EIO, errno.EFBIG):
        assert is_disk_fault(OSError(code, os.strerror(code)))
    assert code in DISK_FAULTS
    assert not is_disk_fault(FileNotFoundError(errno.ENOENT, "gone"))
    assert not is_disk_fault(ValueError("not an OSError"))
    assert issubclass(DiskUnavailable, StoreUnavailable)


# -- the TinyDB store -------------------------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
def test_every_store_write_on_a_broken_disk_is_unavailable_and_half_writes_nothing(
        tmp_path, tiny_disk, fault):
    from formkit.storage.base import Response, User
    from formkit.storage.tinydb_store import TinyDBStore

    disk = tiny_disk(tmp_path / "disk")
    store = TinyDBStore(disk.path / "data")
    draft = store.create_draft("membership", "1", "en", "k" * 16, answers={"name": "Zoë"})
    other = store.create_draft("membership", "1", "en", "j" * 16)
    store.add_user(User(id="u1", email="a@example.ca"))
    store.append_audit({"action": "x"})
    store.hit("signin:1", 60)
    before = disk.files(), [r.to_dict() for r in store.iter_all_responses()]
    contents = {name: (disk.path / name).read_bytes() for name in before[0]}
    disk.break_(fault)
    writes = {
        "create_draft": lambda: store.create_draft("membership", "1", "en", "m" * 16),
        "save_draft": lambda: store.save_draft(Response(**{**draft.to_dict(),
                                                           "answers": {"name": "X"}})),
        "submit": lambda: store.submit(draft),
        "update": lambda: store.update(draft.id, review_status="approved"),
        "delete": lambda: store.delete(other.id),
        "set_resume_hash": lambda: store.set_resume_hash(draft.id, "h" * 64),
        "add_user": lambda: store.add_user(User(id="u2", email="b@example.ca")),
        "update_user": lambda: store.update_user("u1", failed_logins=3),
        "append_audit": lambda: store.append_audit({"action": "y"}),
        "hit": lambda: store.hit("signin:1", 60),
        "reset": lambda: store.reset("signin:1"),
        "import_records": lambda: store.import_records([Response(
            id="", form_id="membership", form_version="1", locale="fr")]),
    }
    for name, write in writes.items():
        with pytest.raises(DiskUnavailable):
            write()
        assert name and store.get(draft.id).answers == {"name": "Zoë"}
    disk.repair()
    # Nothing was half-written: the same files with the same bytes, no temporary file.
    assert disk.files() == before[0]
    assert {name: (disk.path / name).read_bytes() for name in before[0]} == contents
    assert [r.to_dict() for r in store.iter_all_responses()] == before[1]
    assert store.peek("signin:1") == 1 and store.find_user("b@example.ca") is None
    # and the same writes work again
    assert store.submit(draft)[1] is True and store.hit("signin:1", 60) == 2


# -- respondents ------------------------------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
def test_a_respondent_on_a_broken_disk_keeps_what_they_typed_and_loses_nothing(
        tmp_path, tiny_disk, fault):
    disk = tiny_disk(tmp_path / "disk")
    app = make_app(tmp_path, STORE=str(disk.path / "data"), **SEED)
    store = store_of(app)
    form = form_of(app, "membership")
    browser = Browser(app.test_client())
    browser.follow(browser.get("/f/membership/?lang=fr"))
    first = {**page_input(form.sections[0]), "q_name": "Zoë Tremblay"}

    disk.break_(fault)  # Next on the first page creates the draft: refused
    refused = browser.post("/f/membership/page/0", first)
    assert refused.status_code == 503
    assert "Nous n’avons pas pu enregistrer vos réponses" in text_of(refused)
    assert 'value="Zoë Tremblay"' in refused.text  # what was typed is still there
    assert list(store.iter_responses("membership")) == []
    disk.repair()
    moved = browser.post("/f/membership/page/0", first)  # pressed again: works
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/page/1")
    browser.follow(moved)
    moved = browser.post("/f/membership/page/1", page_input(form.sections[1]))
    browser.follow(moved)

    comments = {**page_input(form.sections[2]), "q_comments": "Café à 9 h, s’il vous plaît"}
    disk.break_(fault)  # Save on a later page
    refused = browser.post("/f/membership/page/2", comments, action="save")
    assert refused.status_code == 503 and "Café à 9 h, s’il vous plaît" in refused.text
    [draft] = store.iter_responses("membership")
    assert draft.answers["name"] == "Zoë Tremblay" and draft.resume_hash is None
    disk.repair()
    saved = browser.post("/f/membership/page/2", comments, action="save")
    assert saved.status_code == 302 and "/saved" in saved.headers["Location"]
    [draft] = store.iter_responses("membership")
    assert draft.resume_hash and "Café" in str(draft.pending)

    page = browser.follow(browser.get("/f/membership/?lang=fr"))
    assert page.request.path.endswith("/page/2")
    moved = browser.post("/f/membership/page/2", comments)
    browser.follow(moved)
    last = page_input(form.sections[3])
    disk.break_(fault)  # the submission itself
    refused = browser.post("/f/membership/page/3", last, action="submit")
    assert refused.status_code == 503 and 'value="https://example.ca/"' in refused.text
    assert store.count("membership", "submitted") == 0
    disk.repair()
    done = browser.post("/f/membership/page/3", last, action="submit")
    assert done.status_code == 302 and "/done/" in done.headers["Location"]
    [response] = store.iter_responses("membership")
    assert response.is_submitted
    assert response.answers["name"] == "Zoë Tremblay"
    assert response.answers["comments"] == "Café à 9 h, s’il vous plaît"
    assert response.answers["website"] == "https://example.ca/"


# -- coordinators -----------------------------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
def test_a_coordinator_signing_in_on_a_broken_disk_is_told_then_gets_in(
        tmp_path, tiny_disk, fault):
    disk = tiny_disk(tmp_path / "disk")
    moment = ManualClock()
    app = make_app(tmp_path, STORE=str(disk.path / "data"), CLOCK=moment, **SEED)
    response = submit(app, "membership")
    add_user(app)
    client = app.test_client()
    client.get("/admin/login?lang=fr")
    disk.break_(fault)
    refused = sign_in(client, next="/admin/forms/membership/responses")
    assert refused.status_code == 503
    assert "Nous n’avons pas pu vous connecter pour le moment" in text_of(refused)
    assert 'value="admin@example.ca"' in refused.text
    assert 'value="/admin/forms/membership/responses"' in refused.text
    disk.repair()
    entered = sign_in(client, next="/admin/forms/membership/responses")
    assert entered.status_code == 302
    assert entered.headers["Location"] == "/admin/forms/membership/responses"
    assert store_of(app).find_user("admin@example.ca").last_login

    token = csrf(client, f"/admin/responses/{response.id}")
    disk.break_(fault)
    moment.advance(minutes=2)  # the session's last use is due to be written: it waits
    assert client.get("/admin/").status_code == 200  # reading needs no space
    # Viewing a response is audited: refused too, with the same page.
    for refused in (client.get(f"/admin/responses/{response.id}"),
                    client.post(f"/admin/responses/{response.id}/status",
                                data={"csrf_token": token, "status": "approved"})):
        assert refused.status_code == 503
        assert "le serveur ne peut pas écrire sur son disque" in text_of(refused)
    assert store_of(app).get(response.id).review_status is None
    disk.repair()


def test_a_coordinator_signing_in_while_postgresql_is_unreachable_is_told(tmp_path, pg_url):
    import psycopg

    from conftest import DATABASE_URL

    app = make_app(tmp_path, STORE=pg_url, **SEED)
    try:
        add_user(app)
        client = app.test_client()
        client.get("/admin/login?lang=fr")
        name = re.search(r"application_name=(\w+)", pg_url).group(1)
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                         "application_name = %s AND pid <> pg_backend_pid()", (name,))
        refused = sign_in(client)
        assert refused.status_code == 503
        assert "Nous n’avons pas pu vous connecter pour le moment" in text_of(refused)
        assert 'value="admin@example.ca"' in refused.text
        assert sign_in(client).status_code == 302  # the next try works
    finally:
        store_of(app).close()


# -- the PDF cache and export files (both stores) -----------------------------------------
@pytest.fixture
def admin_on(tmp_path):
    """``admin_on(store_url, **config)``: an app on ``tmp_path`` and a signed-in admin
    client; the stores are closed afterwards."""
    apps = []

    def build(store_url, **config):
        app = make_app(tmp_path, STORE=store_url, **{**SEED, **config})
        apps.append(app)
        if store_of(app).find_user("admin@example.ca") is None:
            add_user(app)
        client = app.test_client()
        assert sign_in(client).status_code == 302
        return app, client

    yield build
    for app in apps:
        store_of(app).close()


@pytest.mark.parametrize("fault", FAULTS)
def test_a_pdf_is_served_when_its_cache_cannot_be_written(tiny_disk, store_url, admin_on,
                                                          fault):
    app, admin = admin_on(store_url)
    disk = tiny_disk(Path(app.instance_path) / "cache", 256)
    response = submit(app, "membership", "fr")
    cached_url = f"/admin/responses/{response.id}/pdf?doc_lang=en"
    cached = admin.get(cached_url).data
    [kept] = disk.files()
    disk.break_(fault)
    assert admin.get(cached_url).data == cached  # still read from the cache
    for url in (f"/admin/responses/{response.id}/pdf?doc_lang=fr",
                "/admin/forms/membership/summary.pdf?doc_lang=fr"):
        served = admin.get(url)
        assert served.status_code == 200 and served.data.startswith(b"%PDF-")
        assert admin.get(url).data.startswith(b"%PDF-")  # rendered again, still served
    assert disk.files() == [kept]  # no partial PDF, no temporary file left
    disk.repair()
    assert admin.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr").status_code == 200
    assert [Path(f).suffix for f in disk.files()] == [".pdf", ".pdf"]


def _pdf_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "cache" / "pdf").rglob("*.pdf"))


def test_deleting_a_response_deletes_its_cached_pdfs(store_url, admin_on):
    app, admin = admin_on(store_url)
    earlier = Path(app.instance_path) / "cache" / "pdf" / f"{'0' * 64}.pdf"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"%PDF- cached by an earlier version, flat, with personal data")
    gone, kept = submit(app, "membership", "fr"), submit(app, "membership", "en")
    for lang in ("en", "fr"):
        assert admin.get(f"/admin/responses/{gone.id}/pdf?doc_lang={lang}").status_code == 200
        assert admin.get(f"/admin/forms/membership/summary.pdf?doc_lang={lang}"
                         ).status_code == 200
    assert admin.get(f"/admin/responses/{kept.id}/pdf").status_code == 200
    assert len(_pdf_files(app)) == 5 and not earlier.exists()  # removed at the first write
    deleted = admin.post(f"/admin/responses/{gone.id}/delete", data={
        "csrf_token": csrf(admin, f"/admin/responses/{gone.id}/delete"), "confirm": "yes"})
    assert deleted.status_code == 302
    # Only the other response's PDF is left: the summaries were made with the deleted one.
    [left] = _pdf_files(app)
    assert kept.id in str(left) and gone.id not in str(left)
    assert not any(gone.id in str(p) for p in (Path(app.instance_path) / "cache").rglob("*"))


def test_a_changed_template_or_plugin_renders_the_pdf_anew(tmp_path, admin_on):
    plugins = tmp_path / "plugins"
    shutil.copytree(ROOT / "plugins", plugins,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (plugins / "pdf_note.py").write_text(
        '__version__ = "1.0"\n'
        "from markupsafe import Markup\n\n"
        "from formkit import hookimpl\n\n\n"
        "@hookimpl\n"
        "def formkit_pdf_sections(form, response):\n"
        '    return [Markup("<h2>Note</h2>")]\n', encoding="utf-8")

    def deploy():
        """A new application on the same instance: what a deploy starts."""
        app, admin = admin_on("data", PLUGINS_DIR=str(plugins))
        return app, admin

    app, admin = deploy()
    response = submit(app, "workplan")
    url = f"/admin/responses/{response.id}/pdf"
    assert admin.get(url).status_code == 200 and len(_pdf_files(app)) == 1
    app, admin = deploy()  # nothing changed: the cached PDF is used
    assert admin.get(url).status_code == 200 and len(_pdf_files(app)) == 1

    template = plugins / "templates" / "workplan" / "result.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n{# changed #}\n",
                        encoding="utf-8")
    app, admin = deploy()
    assert admin.get(url).status_code == 200 and len(_pdf_files(app)) == 2

    source = (plugins / "pdf_note.py").read_text(encoding="utf-8")
    (plugins / "pdf_note.py").write_text(source.replace('"1.0"', '"1.1"'), encoding="utf-8")
    app, admin = deploy()
    assert admin.get(url).status_code == 200 and len(_pdf_files(app)) == 3


@pytest.mark.parametrize("fault", FAULTS)
def test_an_xlsx_export_on_a_broken_temporary_folder_says_so_and_leaves_nothing(
        tmp_path, tiny_disk, store_url, admin_on, monkeypatch, fault):
    app, admin = admin_on(store_url)
    for _ in range(3):
        submit(app, "membership")
    disk = tiny_disk(tmp_path / "tmp", 256)
    monkeypatch.setattr(tempfile, "tempdir", str(disk.path))
    disk.break_(fault)
    refused = admin.get("/admin/forms/membership/export.xlsx?lang=fr")
    assert refused.status_code == 503
    assert "Le fichier XLSX n’a pas pu être écrit" in text_of(refused)
    assert disk.files() == []
    assert admin.get("/admin/forms/membership/export.csv").status_code == 200
    disk.repair()
    exported = admin.get("/admin/forms/membership/export.xlsx")
    assert exported.status_code == 200 and exported.data.startswith(b"PK")
    exported.close()
    assert disk.files() == []


# -- the instance folder on first start ---------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
def test_no_secret_key_can_be_made_on_a_broken_instance_folder(tmp_path, tiny_disk, fault):
    disk = tiny_disk(tmp_path / "instance", 256)
    disk.break_(fault)
    with pytest.raises(SecretKeyError, match="FORMKIT_SECRET_KEY"):
        make_app(tmp_path, INSTANCE_PATH=str(disk.path), SECRET_KEY=None,
                 STORE=str(tmp_path / "data"))
    assert disk.files() == []  # no empty key that would be used next time
    disk.repair()
    app = make_app(tmp_path, INSTANCE_PATH=str(disk.path), SECRET_KEY=None,
                   STORE=str(tmp_path / "data"))
    key = app.secret_key
    assert re.fullmatch(r"[0-9a-f]{64}", key) and disk.files() == ["secret_key"]
    again = make_app(tmp_path, INSTANCE_PATH=str(disk.path), SECRET_KEY=None,
                     STORE=str(tmp_path / "data"))
    assert again.secret_key == key


def test_an_empty_secret_key_stops_the_start(tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text("\n")
    with pytest.raises(SecretKeyError, match="is empty"):
        make_app(tmp_path, SECRET_KEY=None)


@pytest.mark.parametrize("fault", FAULTS)
def test_any_write_a_broken_disk_refuses_is_a_503_not_a_500(tmp_path, tiny_disk, fault):
    """A write outside the store (here a plugin's own file) gets the same page."""
    disk = tiny_disk(tmp_path / "disk", 256)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "notes.py").write_text(
        "from flask import Blueprint, current_app\n\n"
        "from formkit import hookimpl\n\n"
        'bp = Blueprint("notes", __name__)\n\n\n'
        '@bp.get("/notes/add")\n'
        "def add():\n"
        '    with open(current_app.config["NOTES_FILE"], "a") as fh:\n'
        '        fh.write("x" * 8192)\n'
        '    return "added"\n\n\n'
        "@hookimpl\n"
        "def formkit_blueprints(app):\n"
        "    return [bp]\n", encoding="utf-8")
    app = make_app(tmp_path, PLUGINS_DIR=str(plugins), NOTES_FILE=str(disk.path / "notes"))
    client = app.test_client()
    disk.break_(fault)
    refused = client.get("/notes/add?lang=fr")
    assert refused.status_code == 503
    assert "le serveur ne peut pas écrire sur son disque" in text_of(refused)
    disk.repair()
    assert client.get("/notes/add").text == "added"


EFBIG_SCRIPT = """
import resource, signal, sys
from formkit.storage.faults import DiskUnavailable
from formkit.storage.tinydb_store import TinyDBStore

store = TinyDBStore(sys.argv[1])
draft = store.create_draft("membership", "1", "en", "k" * 16, answers={"name": "Zoe"})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
draft.answers = {"name": "x" * 10000}
try:
    store.save_draft(draft)
except DiskUnavailable as error:
    print("refused:", error.__cause__.errno)
print("kept:", store.get(draft.id).answers["name"])
"""


def test_a_file_size_limit_is_a_disk_fault_too(tmp_path):
    """RLIMIT_FSIZE (EFBIG), in a process of its own: no mount needed."""
    run = subprocess.run([sys.executable, "-c", EFBIG_SCRIPT, str(tmp_path / "data")],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["refused:", str(errno.EFBIG), "kept:", "Zoe"]


def test_the_real_server_on_a_full_disk_keeps_the_answers(tmp_path, tiny_disk, live_server):
    """gunicorn workers over HTTP, the instance folder on a disk that fills up."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    from formkit.storage.tinydb_store import TinyDBStore

    disk = tiny_disk(tmp_path / "live-instance", 1024)
    server = live_server(workers=2)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(server.url + "/f/membership/?lang=fr").read().decode()
    hidden = dict(re.findall(r'name="(csrf_token|_key)" value="([^"]+)"', page))
    app = make_app(tmp_path, **SEED)
    data = {**hidden, "_action": "next", **page_input(form_of(app, "membership").sections[0]),
            "q_name": "Zoë Tremblay"}
    body = urllib.parse.urlencode(data).encode()
    disk.fill()
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(server.url + "/f/membership/page/0", body)
    assert refused.value.code == 503
    text = refused.value.read().decode()
    assert "Nous n’avons pas pu enregistrer vos réponses" in text
    assert 'value="Zoë Tremblay"' in text
    disk.repair()
    moved = opener.open(server.url + "/f/membership/page/0", body)  # pressed again
    assert moved.status == 200 and moved.url.endswith("/f/membership/page/1")
    [draft] = TinyDBStore(disk.path / "data").iter_responses("membership")
    assert draft.answers["name"] == "Zoë Tremblay"
