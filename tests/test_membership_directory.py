"""The Community of Practice directory: the map of Ontario's regions (counts hand-checked,
the table says what the SVG draws, filtering by region) on both stores."""

from __future__ import annotations

import re

import pytest

from conftest import text_of
from formkit import region_map

# (name, region, kind, consents to the directory, review status); listed: approved + consent
MEMBERS = [
    ("Alpha", "east", "project", True, "approved"),
    ("Bravo", "east", "project", True, "approved"),
    ("Charlie", "east", "visiting_hospice", True, "approved"),
    ("Delta", "toronto", "hospice_residence", True, "approved"),
    ("Echo", "toronto", "individual", True, "approved"),
    ("Foxtrot", "north_west", "project", True, "approved"),
    ("Golf", "east", "project", True, "pending"),          # not approved: not counted
    ("Hotel", "west", "project", False, "approved"),       # no consent: not counted
    ("India", "west", "visiting_hospice", True, "declined"),  # declined: not counted
]
#: by hand from MEMBERS: region → (project, visiting hospice, hospice residence, individual)
EXPECTED = {
    "toronto": (0, 0, 1, 1), "central": (0, 0, 0, 0), "east": (2, 1, 0, 0),
    "west": (0, 0, 0, 0), "north_east": (0, 0, 0, 0), "north_west": (1, 0, 0, 0),
}


def add_members(app, members=MEMBERS):
    store = app.extensions["formkit"].store
    ids = {}
    for name, region, kind, consent, status in members:
        draft = store.create_draft("membership", "1", "en", f"k-{name}", {
            "name": name, "email": f"{name.lower()}@example.ca",
            "organization": f"{name} Org", "community": "Kingston", "region": region,
            "kind": kind, "consent_directory": consent,
            "directory_description": f"{name} description"})
        submitted, _ = store.submit(draft)
        store.update(submitted.id, review_status=status)
        ids[name] = submitted.id
    return ids


@pytest.fixture
def directory_app(seed_store_app):
    add_members(seed_store_app)
    return seed_store_app


def svg_counts(page: str) -> dict[str, tuple[int, ...]]:
    """What the map draws: per region link, the numbers beside the symbols."""
    svg = re.search(r'<svg[^>]*class="chart region-map__drawing".*?</svg>', page,
                    re.S).group(0)
    found = {}
    for key, body in re.findall(r'<g class="region-map__region" data-region="(\w+)">'
                                r'(.*?)</g>', svg, re.S):
        found[key] = tuple(int(n) for n in re.findall(r'<text x="[\d.]+" y="[\d.]+" '
                                                       r'fill="#1b1b1b">(\d+)</text>', body))
    return found


def table_counts(page: str) -> dict[str, tuple[int, ...]]:
    table = re.search(r'<table class="answer-table region-map__table">.*?</table>',
                      page, re.S).group(0)
    found = {}
    for key, cells in re.findall(r'<tr[^>]*><th scope="row"><a href="[^"]*" '
                                 r'data-region="(\w+)">[^<]*</a></th>(.*?)</tr>', table, re.S):
        numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        found[key] = tuple(numbers[:-1])
        assert numbers[-1] == sum(numbers[:-1]), "the total column adds the row up"
    return found


def test_the_store_filters_and_counts_matching_responses(store_url):
    """``matching``/``count_matching`` (SQL on PostgreSQL) against a hand count:
    review status, equal answers (a boolean true, not the text "true"), drafts left out."""
    from formkit.storage import open_store

    db = open_store(store_url)
    rows = [({"r": "east", "k": "p", "ok": True}, "approved"),
            ({"r": "east", "k": "p", "ok": True}, "approved"),
            ({"r": "east", "k": "h", "ok": True}, "approved"),
            ({"r": "west", "ok": True}, "approved"),            # no kind: counted under None
            ({"r": "west", "k": "p", "ok": "true"}, "approved"),  # text, not true
            ({"r": "west", "k": "p", "ok": True}, "pending"),
            ({"r": "west", "k": "p", "ok": False}, "approved")]
    try:
        for index, (answers, status) in enumerate(rows):
            submitted, _ = db.submit(db.create_draft("f", "1", "en", f"k{index}", answers))
            db.update(submitted.id, review_status=status)
        db.create_draft("f", "1", "en", "draft", {"r": "east", "k": "p", "ok": True})
        found = db.matching("f", review_status="approved", answers={"ok": True, "r": "east"})
        assert [r.answers["k"] for r in found] == ["p", "p", "h"]
        assert db.count_matching("f", ("r", "k"), review_status="approved",
                                 answers={"ok": True}) == {
            ("east", "p"): 2, ("east", "h"): 1, ("west", None): 1}
        assert db.count_matching("f", (), review_status="pending", answers={}) == {(): 1}
        assert db.count_matching("f", (), review_status="nobody", answers={}) == {}
        # sorted by answer text ignoring case (missing first), ties oldest first; paged
        for index, (k, name) in enumerate([("b", "x"), ("B", "a"), (None, "z"), ("a", "y")]):
            answers = {"r": "north", **({"k": k} if k else {}), "n": name}
            submitted, _ = db.submit(db.create_draft("f", "1", "en", f"o{index}", answers))
            db.update(submitted.id, review_status="listed")
        ordered = [[r.answers["n"] for r in db.matching(
            "f", review_status="listed", answers={"r": "north"}, order_by=order)]
            for order in (("k",), ("k", "n"))]
        assert ordered == [["z", "y", "x", "a"], ["z", "y", "a", "x"]]
        pages = [[r.answers["n"] for r in db.matching(
            "f", review_status="listed", answers={"r": "north"}, order_by=("k", "n"),
            limit=3, offset=offset)] for offset in (0, 3, 6)]
        assert pages == [["z", "y", "a"], ["x"], []]
    finally:
        db.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_map_counts_match_the_hand_count_and_the_table(directory_app, lang):
    page = directory_app.test_client().get(f"/membership/directory?lang={lang}")
    assert page.status_code == 200
    assert svg_counts(page.text) == EXPECTED
    assert table_counts(page.text) == EXPECTED
    assert 'role="img"' in page.text and "<desc" in page.text
    assert "<script" not in page.text.split('<div class="region-map">', 1)[1].split("</div>")[0]
    # every region is a link, over the drawing (the table has the same links)
    overlay = re.search(r'<svg[^>]*class="region-map__links"[^>]*>(.*?)</svg>', page.text,
                        re.S).group(1)
    assert sorted(re.findall(r'data-region="(\w+)"', overlay)) == sorted(EXPECTED)
    totals = re.search(r"<tfoot>(.*?)</tfoot>", page.text, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", totals) == ["3", "1", "1", "1", "6"]
    text = text_of(page)
    if lang == "fr":
        assert "Nord-Ouest" in text and "Une maison de soins palliatifs" in text
        assert "Membres inscrits par région et par type" in text
    else:
        assert "North West" in text and "Listed members by region and type" in text


def test_a_region_link_filters_the_directory_on_the_server(directory_app):
    client = directory_app.test_client()
    page = client.get("/membership/directory?lang=en")
    [east_link] = set(re.findall(r'href="([^"]*region=east[^"]*)"', page.text))
    east = client.get(east_link.replace("&amp;", "&"))
    text = text_of(east)
    assert "Alpha Org" in text and "Charlie Org" in text and "Delta Org" not in text
    assert "3 members listed" in text
    # the chosen region is marked on the map and in the table; counts stay province-wide
    assert 'data-region="east"><path d="M370' in east.text
    assert region_map.SELECTED_FILL in east.text
    assert 'aria-current="true"><th scope="row"><a href="' in east.text
    assert svg_counts(east.text) == EXPECTED
    # a kind filter is kept by the region links
    projects = client.get("/membership/directory?kind=project&lang=en")
    assert "region=toronto&amp;kind=project" in projects.text


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_keep_3_to_1_and_kinds_differ_by_shape(seed_app):
    plugin = seed_app.extensions["formkit"].registry.pm.get_plugin("membership")
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    backgrounds = ("#ffffff", region_map.FILL, region_map.SELECTED_FILL)
    styles = plugin.KIND_STYLE.values()
    for colour, _symbol in styles:
        for background in backgrounds:
            assert contrast(colour, background) >= 3, (colour, background)
    for background in backgrounds:  # region borders against the fills and the page
        assert contrast(region_map.BORDER, background) >= 3
    assert len({symbol for _colour, symbol in styles}) == len(plugin.KIND_STYLE)
    form = seed_app.extensions["formkit"].registry.forms["membership"]
    assert set(plugin.KIND_STYLE) == {key for key, _t in form.field("kind").options["choices"]}
    assert set(plugin.REGION_SHAPES) == {
        key for key, _t in form.field("region").options["choices"]}


# -- members keep their own entry through a one-time link --------------------------------
@pytest.fixture
def entry_app(tmp_path, store_url, moment):
    from conftest import ROOT, make_app

    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   CLOCK=moment)
    app.ids = add_members(app)
    yield app
    app.extensions["formkit"].store.close()


def post(client, url, **data):
    page = client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(url, data={"csrf_token": token, **data})


def ask_link(app, email, client=None):
    return post(client or app.test_client(), "/membership/directory/update", email=email)


def link_path(app, email):
    """The path of the newest link emailed (queued in the outbox) to ``email``."""
    message = app.extensions["formkit"].store.list_messages(recipient=email)[0]
    return re.search(r"https?://[^/\s]+(/membership/directory/update/[\w-]+)",
                     message.payload["text"]).group(1)


def open_entry(app, email):
    """A browser that asked for a link for ``email`` and used it."""
    ask_link(app, email)
    client = app.test_client()
    used = post(client, link_path(app, email))
    assert used.status_code == 302 and "/membership/entry/" in used.location
    return client


def test_a_member_updates_their_entry_through_a_one_time_link(entry_app):
    app, store = entry_app, entry_app.extensions["formkit"].store
    alpha = app.ids["Alpha"]
    assert ask_link(app, "ALPHA@example.ca").status_code == 200
    [message] = store.list_messages(recipient="alpha@example.ca")
    assert "update your directory entry" in message.payload["subject"]
    path = link_path(app, "alpha@example.ca")
    client = app.test_client()
    # opening the link (as a mail scanner does) uses nothing: one button does
    for _scan in range(2):
        shown = client.get(path)
        assert shown.status_code == 200 and "Open my entry" in shown.text
    used = post(client, path)
    assert used.location.endswith(f"/membership/entry/{alpha}")
    page = client.get(used.location + "?lang=fr")
    assert "Votre fiche au répertoire" in page.text and 'value="Alpha Org"' in page.text
    assert "alpha@example.ca" not in page.text.split("<main", 1)[-1]  # no email field
    # bad input: a clear error, nothing stored
    bad = post(client, used.location, q_name="Alpha", q_community="Kingston",
               q_region="atlantis", q_kind="project", q_website="not a url")
    assert bad.status_code == 422 and "error-summary" in bad.text
    assert store.get(alpha).answers["region"] == "east"
    saved = post(client, used.location, q_name="Alpha Renamed", q_organization="Alpha <Co>",
                 q_community="Perth", q_region="north_east", q_kind="visiting_hospice",
                 q_directory_description="New text", q_website="https://alpha.example.ca")
    assert saved.status_code == 302
    answers = store.get(alpha).answers
    assert answers["community"] == "Perth" and answers["region"] == "north_east"
    assert answers["email"] == "alpha@example.ca"  # other answers are kept
    directory = app.test_client().get("/membership/directory?lang=en")
    assert "Alpha &lt;Co&gt;" in directory.text and "Perth" in directory.text
    counts = svg_counts(directory.text)
    assert counts["east"] == (1, 1, 0, 0) and counts["north_east"] == (0, 1, 0, 0)
    # the history and the audit log say who changed what (field ids, never answers)
    [entry] = store.get(alpha).history
    assert entry["by"] == "member:alpha@example.ca" and entry["to"] == "approved"
    # stored as a code and the field ids, not as a sentence in the member's language
    assert entry["event"] == "directory_entry_update" and "comment" not in entry
    assert {"community", "region", "website"} <= set(entry["fields"])
    [audit] = [e for e in store.iter_audit() if e["action"] == "directory_entry_update"]
    assert audit["target"] == alpha and "community" in audit["detail"]["fields"]
    assert "Perth" not in str(audit)
    # the link worked once; and a link of this purpose is not a team sign-in link
    again = post(app.test_client(), path)
    assert again.status_code == 410 and "used already" in again.text
    token = path.rsplit("/", 1)[1]
    assert post(app.test_client(), f"/signin/{token}").status_code == 410


def test_a_link_expires_after_24_hours(entry_app, moment):
    ask_link(entry_app, "alpha@example.ca")
    path = link_path(entry_app, "alpha@example.ca")
    moment.advance(hours=24, seconds=1)
    assert post(entry_app.test_client(), path).status_code == 410


def test_the_answer_is_the_same_for_everyone_and_links_are_rate_limited(entry_app):
    app, store = entry_app, entry_app.extensions["formkit"].store
    client = app.test_client()
    pages = {email: ask_link(app, email, client) for email in (
        "alpha@example.ca", "stranger@example.ca", "golf@example.ca", "india@example.ca")}
    texts = {p.text.replace(email, "X") for email, p in pages.items()}
    assert len(texts) == 1 and {p.status_code for p in pages.values()} == {200}
    # only the approved member gets a link (pending and declined applicants do not)
    assert len(store.list_messages(recipient="alpha@example.ca")) == 1
    for other in ("stranger@example.ca", "golf@example.ca", "india@example.ca"):
        assert store.list_messages(recipient=other) == []
    per_email = app.config["SIGNIN_LINKS_PER_EMAIL"][0]
    for _attempt in range(per_email + 2):
        assert ask_link(app, "alpha@example.ca", client).status_code == 200
    assert len(store.list_messages(recipient="alpha@example.ca")) == per_email
    app.config["SIGNIN_LINKS_PER_ADDRESS"] = (per_email + 6, 3600)  # 9 asked so far
    refused = ask_link(app, "bravo@example.ca", client)
    assert refused.status_code == 429 and "Too many links" in refused.text
    assert store.list_messages(recipient="bravo@example.ca") == []
    assert ask_link(app, "nope", app.test_client()).status_code in (422, 429)


def test_a_link_for_one_entry_cannot_edit_another(entry_app, moment):
    app, store = entry_app, entry_app.extensions["formkit"].store
    bravo = app.ids["Bravo"]
    nobody = app.test_client()
    for url in (f"/membership/entry/{bravo}", "/membership/entry/"):
        refused = nobody.get(url)
        assert refused.status_code == 302
        assert refused.location.endswith("/membership/directory/update")
    alpha_browser = open_entry(app, "alpha@example.ca")
    assert alpha_browser.get(f"/membership/entry/{app.ids['Alpha']}").status_code == 200
    for url in (f"/membership/entry/{bravo}", f"/membership/entry/{bravo}/withdraw",
                f"/membership/entry/{app.ids['Golf']}", "/membership/entry/nothing"):
        assert alpha_browser.get(url).status_code == 404
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                     alpha_browser.get(f"/membership/entry/{app.ids['Alpha']}").text).group(1)
    stolen = alpha_browser.post(f"/membership/entry/{bravo}/withdraw",
                                data={"csrf_token": csrf})
    assert stolen.status_code == 404
    assert store.get(bravo).answers["consent_directory"] is True
    # the browser's permission ends an hour after the link was used
    moment.advance(hours=1, seconds=1)
    assert alpha_browser.get(f"/membership/entry/{app.ids['Alpha']}").status_code == 302


def test_a_member_withdraws_and_the_coordinators_keep_the_response(entry_app):
    app, store = entry_app, entry_app.extensions["formkit"].store
    alpha = app.ids["Alpha"]
    client = open_entry(app, "alpha@example.ca")
    confirm = client.get(f"/membership/entry/{alpha}/withdraw?lang=fr")
    assert confirm.status_code == 200 and "Oui, retirer ma fiche" in confirm.text
    assert store.get(alpha).answers["consent_directory"] is True  # GET changes nothing
    done = post(client, f"/membership/entry/{alpha}/withdraw")
    assert done.status_code == 302
    directory = app.test_client().get("/membership/directory?lang=en")
    assert "Alpha Org" not in directory.text and "Bravo Org" in directory.text
    assert svg_counts(directory.text)["east"] == (1, 1, 0, 0)
    kept = store.get(alpha)
    assert kept.review_status == "approved" and kept.answers["name"] == "Alpha"
    assert kept.answers["consent_directory"] is False
    assert kept.history[-1]["by"] == "member:alpha@example.ca"
    assert any(e["action"] == "directory_entry_withdraw" and e["target"] == alpha
               for e in store.iter_audit())
    # a withdrawn member may list themselves again with a later link
    page = client.get(f"/membership/entry/{alpha}")
    assert "Enregistrer et m’inscrire de nouveau" in page.text  # (in French, as chosen)


def test_one_email_with_two_approved_entries_chooses_which_to_edit(entry_app):
    app, store = entry_app, entry_app.extensions["formkit"].store
    [second] = add_members(app, [("Alpha2", "west", "project", True, "approved")]).values()
    store.update(second, answers={**store.get(second).answers, "email": "Alpha@Example.ca"})
    ask_link(app, "alpha@example.ca")
    client = app.test_client()
    used = post(client, link_path(app, "alpha@example.ca"))
    assert used.location.endswith("/membership/entry/")
    mine = client.get(used.location)
    assert "Alpha Org" in mine.text and "Alpha2 Org" in mine.text
    assert "Bravo Org" not in mine.text
    for response_id in (app.ids["Alpha"], second):
        assert client.get(f"/membership/entry/{response_id}").status_code == 200


def coordinator_page(app, response_id, lang):
    from conftest import add_user, sign_in

    if not app.extensions["formkit"].store.list_users():
        add_user(app, "coordinator@example.ca", "coordinator", forms=["membership"])
    client = app.test_client()
    assert sign_in(client, "coordinator@example.ca").status_code == 302
    return text_of(client.get(f"/admin/responses/{response_id}?lang={lang}"))


def test_the_coordinator_reads_the_member_s_changes_in_their_own_language(entry_app):
    """The history stores codes; the response page translates them for its reader."""
    app, store = entry_app, entry_app.extensions["formkit"].store
    alpha = app.ids["Alpha"]
    client = open_entry(app, "alpha@example.ca")
    post(client, f"/membership/entry/{alpha}?lang=fr", q_name="Alpha", q_community="Perth",
         q_region="east", q_kind="project", q_website="https://alpha.example.ca")
    post(client, f"/membership/entry/{alpha}/withdraw")
    assert [e["event"] for e in store.get(alpha).history] == [
        "directory_entry_update", "directory_entry_withdraw"]
    form = app.extensions["formkit"].registry.forms["membership"]
    community = form.field("community").label
    english = coordinator_page(app, alpha, "en")
    assert f"Directory entry updated by the member: {community.get('en')}" in english
    assert "Withdrawn from the directory by the member" in english
    french = coordinator_page(app, alpha, "fr")  # text_of folds the non-breaking space
    assert f"Fiche du répertoire mise à jour par le membre : {community.get('fr')}" in french
    assert "Retiré du répertoire par le membre" in french
    assert "by the member" not in french
    from formkit.rest.serialize import response_data  # the API gives the codes as stored

    with app.test_request_context("/"):
        history = response_data(form, store.get(alpha))["history"]
    assert [(h["event"], "community" in h["fields"]) for h in history] == [
        ("directory_entry_update", True), ("directory_entry_withdraw", False)]
    # a code no plugin owns still says which answers changed
    from formkit.field_edit import record_change

    with app.test_request_context("/?lang=fr"):
        record_change(form, alpha, {"website": "https://b.example.ca"}, by="script",
                      event="imported", action="import")
    assert f"Réponses modifiées : {form.field('website').label.get('fr')}" in \
        coordinator_page(app, alpha, "fr")


def test_concurrent_entry_changes_and_review_decisions_are_all_kept(store_url):
    """``change_answers`` is one atomic step on each store: threads changing different
    answers of one response, and review decisions meanwhile, all survive (reading the
    answers then writing them back loses some of them)."""
    import threading

    from formkit.storage import open_store

    db = open_store(store_url)
    try:
        draft = db.create_draft("f", "1", "en", "k", {"name": "A", "keep": 1})
        response, _ = db.submit(draft)
        workers, rounds = 6, 15
        barrier = threading.Barrier(workers + 1)
        failures = []

        def member(index):
            barrier.wait()
            try:
                for round_ in range(rounds):
                    db.change_answers(response.id, {f"k{index}_{round_}": round_},
                                      {"by": f"m{index}", "event": "e"}, default="pending")
            except Exception as error:  # noqa: BLE001 - reported by the main thread
                failures.append(error)

        def coordinator():
            barrier.wait()
            for round_ in range(rounds):
                db.change_review_status(response.id, ("approved", "pending")[round_ % 2],
                                        {"by": "coordinator"}, default="pending")

        threads = [threading.Thread(target=member, args=(i,)) for i in range(workers)]
        threads.append(threading.Thread(target=coordinator))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures
        stored = db.get(response.id)
        expected = {f"k{i}_{r}": r for i in range(workers) for r in range(rounds)}
        assert stored.answers == {"name": "A", "keep": 1, **expected}
        assert len(stored.history) == workers * rounds + rounds
        # the last decision stands (entries never reset the status), and each entry
        # records the status it was written under
        assert stored.review_status == "approved"  # rounds is odd: the last is approved
        for entry in stored.history:
            if entry["by"] != "coordinator":
                assert entry["from"] == entry["to"]
        assert db.change_answers("missing", {"a": 1}, {"by": "x"}) is None
    finally:
        db.close()


def test_the_directory_list_is_paged_on_the_server(directory_app, monkeypatch):
    """Pages of the list (by community, then name) with links that keep the filters;
    the count, the map and the table still cover every matching member."""
    plugin = directory_app.extensions["formkit"].registry.pm.get_plugin("membership")
    monkeypatch.setattr(plugin, "PER_PAGE", 2)
    client = directory_app.test_client()

    def names(page):
        return re.findall(r"<h2>(\w+) Org</h2>", page.text)

    shown = [client.get(f"/membership/directory?page={n}&lang=en") for n in (1, 2, 3)]
    assert [names(p) for p in shown] == [["Alpha", "Bravo"], ["Charlie", "Delta"],
                                         ["Echo", "Foxtrot"]]
    for page in shown:
        assert "6 members listed" in text_of(page)
        assert svg_counts(page.text) == table_counts(page.text) == EXPECTED
    assert "Page 2 of 3" in text_of(shown[1])
    assert 'href="/membership/directory?page=1" rel="prev"' in shown[1].text
    assert 'href="/membership/directory?page=3" rel="next"' in shown[1].text
    # a filter is kept by the page links; odd page numbers show the first or last page
    east = client.get("/membership/directory?region=east&lang=fr")
    assert names(east) == ["Alpha", "Bravo"] and "Page 1 de 2" in text_of(east)
    [following] = re.findall(r'href="([^"]+)" rel="next"', east.text)
    assert "region=east" in following and "page=2" in following
    assert names(client.get(following.replace("&amp;", "&"))) == ["Charlie"]
    for odd, expected in (("99", ["Echo", "Foxtrot"]), ("0", ["Alpha", "Bravo"]),
                          ("x", ["Alpha", "Bravo"]), ("²", ["Alpha", "Bravo"])):
        page = client.get(f"/membership/directory?page={odd}")
        assert page.status_code == 200 and names(page) == expected
