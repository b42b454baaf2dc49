"""The real server (gunicorn workers over HTTP on loopback)."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.parse
import urllib.request

from conftest import ROOT, make_app


def prepare(tmp_path, responses: int):
    """An instance with a coordinator and many competency responses (a big summary)."""
    app = make_app(tmp_path, INSTANCE_PATH=str(tmp_path / "live-instance"),
                   FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"),
                   SECRET_KEY="live-test", ARGON2_PROFILE="CHEAPEST")
    with app.test_request_context("/"):
        from formkit.auth import new_user, set_password
        from formkit.state import current_registry, current_store
        from formkit.storage import SUBMITTED, Response

        set_password(current_store().add_user(new_user("a@example.ca", "admin")),
                     "a long enough secret")
        form = current_registry().forms["competency"]
        answers = {spec.id: {key: 1 + i % 4 for i, (key, _t) in
                             enumerate(spec.options["rows"])}
                   for spec in form.fields if spec.type == "matrix"}
        answers["focus"] = "Listening more, " * 20
        current_store().import_records(
            Response(id="", form_id="competency", form_version="1", locale="fr",
                     status=SUBMITTED, answers=answers, key=f"k{i}") for i in range(responses))


def signed_in_opener(base: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/admin/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    opener.open(base + "/admin/login", urllib.parse.urlencode({
        "csrf_token": token, "email": "a@example.ca", "password": "a long enough secret",
    }).encode())
    return opener


def test_a_pdf_being_rendered_does_not_hold_up_other_people(tmp_path, live_server):
    prepare(tmp_path, 3000)
    server = live_server(workers=2)
    opener = signed_in_opener(server.url)
    finished = {}

    def export_pdf():
        body = opener.open(server.url + "/admin/forms/competency/summary.pdf?doc_lang=fr",
                           timeout=120).read()
        finished["pdf"] = (time.monotonic(), body[:5])

    exporter = threading.Thread(target=export_pdf)
    exporter.start()
    time.sleep(0.3)  # the export is under way
    served = []
    while exporter.is_alive() and len(served) < 5:
        started = time.monotonic()
        urllib.request.urlopen(server.url + "/f/membership/", timeout=30).read()
        served.append(time.monotonic() - started)
    exporter.join(120)
    assert finished["pdf"][1] == b"%PDF-"
    # Respondents were served while the summary PDF was still being made.
    assert len(served) == 5, "the page waited for the PDF"
