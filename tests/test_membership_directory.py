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
    svg = re.search(r'<svg[^>]*class="chart region-map".*?</svg>', page, re.S).group(0)
    found = {}
    for key, body in re.findall(r'<a href="[^"]*" class="region-map__region" '
                                r'data-region="(\w+)">(.*?)</a>', svg, re.S):
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


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_map_counts_match_the_hand_count_and_the_table(directory_app, lang):
    page = directory_app.test_client().get(f"/membership/directory?lang={lang}")
    assert page.status_code == 200
    assert svg_counts(page.text) == EXPECTED
    assert table_counts(page.text) == EXPECTED
    assert 'role="img"' in page.text and "<desc" in page.text
    assert "<script" not in page.text.split("<svg", 1)[1].split("</svg>")[0]
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
    assert 'data-region="east"><title>East</title><path d="M370' in east.text
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
