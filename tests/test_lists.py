"""The coordinators' response list: the questions a form lists (``list_columns:``)
are shown, searched and sorted, on both stores and in both languages."""

from __future__ import annotations

import re

from conftest import ROOT, add_user, make_app, sign_in, submit


def test_list_columns_are_shown_searched_and_sorted(tmp_path, store_url):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    try:
        add_user(app)
        admin = app.test_client()
        sign_in(admin)
        submit(app, "workplan", "fr", overrides={0: {"q_team_name": "zèbre solidaire",
                                                     "q_community": "Sudbury"}})
        submit(app, "workplan", "en", overrides={0: {"q_team_name": "Équipe des Aînés",
                                                     "q_community": "Timmins"}})
        page = admin.get("/admin/forms/workplan/?lang=fr").text
        assert "Nom de l’équipe" in page and "Collectivité" in page
        assert "Sudbury" in page and "Timmins" in page
        english = admin.get("/admin/forms/workplan/?lang=en").text
        assert "Team name" in english and "Community" in english

        def order(**args) -> list[str]:
            text = admin.get("/admin/forms/workplan/", query_string={"lang": "fr", **args}).text
            return re.findall(r"zèbre solidaire|Équipe des Aînés", text.split("<tbody>")[1])

        # Without regard to case or accents: "Équipe" before "zèbre".
        assert order(sort="team_name", order="asc") == ["Équipe des Aînés", "zèbre solidaire"]
        assert order(sort="team_name", order="desc") == ["zèbre solidaire", "Équipe des Aînés"]
        assert order(sort="community", order="desc") == ["Équipe des Aînés", "zèbre solidaire"]
        assert order(q="ZEBRE") == ["zèbre solidaire"]
    finally:
        app.extensions["formkit"].store.close()
