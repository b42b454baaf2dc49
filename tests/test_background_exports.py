"""Long exports run on the outbox worker: a progress page that reloads by itself, then a
download for whoever asked only, removed after a day; on both stores, in both languages."""

from __future__ import annotations

import csv
import io

from conftest import ROOT, add_user, make_app, sign_in, submit
from formkit.outbox.worker import run_once
from formkit.vacuum import vacuum


def test_a_long_export_is_written_in_the_background(tmp_path, store_url, moment):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   CLOCK=moment, EXPORT_BACKGROUND_SECONDS=0)  # every export is "long"
    try:
        add_user(app)
        add_user(app, "other@example.ca", "coordinator", forms=["workplan"])
        admin, other = app.test_client(), app.test_client()
        sign_in(admin)
        sign_in(other, "other@example.ca")
        response = submit(app, "workplan", "fr")

        started = admin.get("/admin/forms/workplan/export.csv?doc_lang=fr&lang=fr")
        assert started.status_code == 302
        job = started.headers["Location"]
        page = admin.get(job)
        assert page.status_code == 200
        assert '<meta http-equiv="refresh" content="3">' in page.text
        assert "arrière-plan" in page.text and "/file" not in page.text
        english = admin.get(job + "?lang=en").text
        assert "written in the background" in english
        # Another coordinator of the same form sees neither the job nor its file.
        assert other.get(job).status_code == 404
        assert other.get(job + "/file").status_code == 404
        assert admin.get(job + "/file").status_code == 404  # not written yet

        run_once(app)  # the worker writes it
        ready = admin.get(job + "?lang=fr")
        assert "Votre exportation est prête" in ready.text and "refresh" not in ready.text
        download = admin.get(job + "/file")
        assert download.status_code == 200
        assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig"))))
        assert rows[0][0] == "Référence" and rows[1][0] == response.reference
        download.close()
        assert other.get(job + "/file").status_code == 404

        moment.advance(hours=23)
        vacuum(app)
        sign_in(admin)  # a coordinator's session lasts 12 hours
        assert admin.get(job + "/file").status_code == 200
        moment.advance(hours=2)  # a day has passed: the daily vacuum removes it
        vacuum(app)
        sign_in(admin)
        assert admin.get(job + "/file").status_code == 404
        assert admin.get(job).status_code == 404
    finally:
        app.extensions["formkit"].store.close()


def test_short_exports_stay_in_the_request(seed_app, admin):
    submit(seed_app, "membership", "en")
    assert admin.get("/admin/forms/membership/export.csv").status_code == 200
