"""Every field type: read input, validate, store a value, display it in both languages."""

from __future__ import annotations

import decimal

import pytest
from werkzeug.datastructures import MultiDict

from formkit.fields.number import format_cad, parse_number
from formkit.flow import read_page
from formkit.state import current_registry


@pytest.fixture
def form(app):
    with app.test_request_context("/"):
        yield current_registry().get_form("all_types")


def read(app, form, page: int, data: dict, locale: str = "en", answers=None):
    with app.test_request_context("/", method="POST"):
        return read_page(form, form.sections[page], locale, MultiDict(data), answers or {},
                         validate=True)


def display(app, form, field_id, value, locale):
    with app.test_request_context("/"):
        spec = form.field(field_id)
        return spec.kind.display(spec, value, locale)


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("1 234,56", "fr", "1234.56"),
    ("1\u00a0234,56 $", "fr", "1234.56"),
    ("12,5", "fr", "12.5"),
    ("12.5", "fr", "12.5"),
    ("$1,234.56", "en", "1234.56"),
    ("12,5", "en", "125"),  # in English the comma groups thousands
    ("-3", "en", "-3"),
])
def test_numbers_are_read_as_each_language_writes_them(text, locale, expected):
    assert parse_number(text, locale) == decimal.Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "", "$", "1.2.3,4,5"])
def test_not_numbers_are_refused(text):
    with pytest.raises(ValueError):
        parse_number(text, "en")


def test_currency_is_shown_per_locale():
    assert format_cad(1234.56, "en") == "$1,234.56"
    assert format_cad(1234.56, "fr") == "1\u00a0234,56\u00a0$"


def test_display_of_each_type(app, form):
    assert display(app, form, "budget", 1234.56, "fr") == "1\u00a0234,56\u00a0$"
    assert display(app, form, "start", "2025-03-01", "en") == "March 1, 2025"
    assert display(app, form, "start", "2025-03-01", "fr") == "1 mars 2025"
    assert display(app, form, "phone", "+16135550123", "en") == "(613) 555-0123"
    assert display(app, form, "consent", True, "fr") == "Oui"
    assert display(app, form, "consent", False, "en") == "No"
    assert display(app, form, "role", "staff", "fr") == "Personnel"
    assert display(app, form, "topics", ["a", "c"], "fr") == "Sujet A; Sujet C"
    assert display(app, form, "overall", 5, "fr") == "5 / 5 (Excellent)"
    assert display(app, form, "overall", "na", "fr") == "Sans objet"
    assert display(app, form, "grid", {"x": 3, "y": 1}, "en") == "Row X: 3 / 4; Row Y: 1 / 4"
    assert display(app, form, "hours", 12.5, "fr") == "12,5"
    assert display(app, form, "age", None, "en") == ""
    table = display(app, form, "actions", [{"what": "Plan", "cost": 5.0}], "fr")
    assert table == "Quoi\u00a0: Plan; Coût\u00a0: 5,00\u00a0$"


def test_table_html_display_escapes_text(app, form):
    with app.test_request_context("/"):
        spec = form.field("actions")
        markup = spec.kind.display_html(spec, [{"what": "<script>x</script>"}], "en")
    assert "<script>" not in markup and "&lt;script&gt;" in markup


PAGE1_OK = {"q_consent": "yes", "q_topics": ["a"]}


@pytest.mark.parametrize(("data", "field_id", "message"), [
    ({"q_age": "abc"}, "age", "Enter a whole number."),
    ({"q_age": "12.5"}, "age", "Enter a whole number."),
    ({"q_age": "15"}, "age", "Number must be between 16 and 120."),
    ({"q_hours": "1e400"}, "hours", "Enter a number."),
    ({"q_budget": "-5"}, "budget", "Number must be at least 0."),
    ({"q_start": "31/02/2025"}, "start", "Not a valid date value."),
    ({"q_region": "west"}, "region", "Not a valid choice."),
    ({"q_topics": ["a", "zzz"]}, "topics", "'zzz' is not a valid choice for this field."),
    ({"q_topics": ["a", "b", "c"]}, "topics", "Choose at most 2 options."),
    ({"q_consent": "maybe"}, "consent", "Not a valid choice."),
])
def test_bad_values_are_refused_per_type(app, form, data, field_id, message):
    outcome = read(app, form, 1, {**PAGE1_OK, **data})
    assert outcome.errors[field_id] == [message]


def test_page_of_good_values_gives_typed_values(app, form):
    outcome = read(app, form, 1, {**PAGE1_OK, "q_age": "40", "q_hours": "7,5", "q_budget":
                                  "2 000 $", "q_start": "2025-01-31"}, locale="fr")
    assert outcome.ok
    assert outcome.values["age"] == 40 and outcome.values["hours"] == 7.5
    assert outcome.values["budget"] == 2000.0 and outcome.values["start"] == "2025-01-31"
    assert outcome.values["consent"] is True and outcome.values["topics"] == ["a"]
    assert outcome.values["region"] is None


def test_scale_and_matrix_values(app, form):
    answers = {"consent": True}
    outcome = read(app, form, 2, {"q_overall": "na", "q_grid-r_x": "4", "q_grid-r_y": "2"},
                   answers=answers)
    assert outcome.ok, outcome.errors
    assert outcome.values["overall"] == "na" and outcome.values["grid"] == {"x": 4, "y": 2}
    outcome = read(app, form, 2, {"q_overall": "6", "q_grid-r_x": "na", "q_grid-r_y": "2"},
                   answers=answers)
    assert set(outcome.errors) == {"overall", "grid"}


def test_text_is_cleaned_and_limited(app, form):
    outcome = read(app, form, 0, {"q_name": "  Zoë\x00 ", "q_email": "ZOE@EXAMPLE.CA",
                                  "q_role": "staff", "q_website": "https://example.ca/x"})
    assert outcome.ok, outcome.errors
    assert outcome.values["name"] == "Zoë" and outcome.values["email"] == "zoe@example.ca"
    outcome = read(app, form, 0, {"q_name": "x" * 81, "q_email": "a@b.ca", "q_role": "staff",
                                  "q_website": "not a url"})
    assert outcome.errors["name"] == ["Field cannot be longer than 80 characters."]
    assert outcome.errors["website"] == ["Enter a web address starting with https:// or http://."]


def test_required_multichoice_and_table_rows(app, form):
    outcome = read(app, form, 2, {"q_grid-r_x": "1", "q_grid-r_y": "1",
                                  "q_actions-0-q_what": "", "q_actions-0-q_cost": "12"},
                   answers={"consent": True})
    # a row with a cost but no "what" (required column) is an error in that row
    assert outcome.errors["actions"] == ["Enter an answer for “What”."]
    outcome = read(app, form, 2, {"q_grid-r_x": "1", "q_grid-r_y": "1",
                                  "q_actions-0-q_what": "", "q_actions-5-q_what": "Later"},
                   answers={"consent": True})
    assert outcome.ok and outcome.values["actions"] == [
        {"what": "Later", "due": None, "cost": None, "status": None}]


def test_long_text_is_counted_not_cut(app, form):
    """No ``maxlength`` (the browser would cut pasted text silently): a hint says the
    limit, and the server says by how much an answer is over, in the page's language."""
    from flask_babel import force_locale

    from formkit.flow import page_form
    from formkit.rendering import render_field

    spec = form.field("notes")
    page = next(i for i, s in enumerate(form.sections) if spec in s.fields)
    for locale, expected in (("en", "“Notes” can have up to 5,000 characters; you have "
                              "entered 5,003."),
                             ("fr", "«\u00a0Notes\u00a0» peut compter jusqu’à 5\u202f000 "
                              "caractères\u00a0; vous en avez saisi 5\u202f003.")):
        with app.test_request_context("/", method="POST"), force_locale(locale):
            outcome = read_page(form, form.sections[page], locale,
                                MultiDict({"q_notes": "x" * 5003}), {"consent": True},
                                validate=True)
            assert outcome.errors["notes"] == [expected]
    with app.test_request_context("/"):
        section = form.sections[page]
        html = render_field(spec, page_form(form, section, "en", {}), {}, {}, {})
    assert "maxlength" not in html
    assert 'aria-describedby="q_notes-count"' in html
    assert "You can enter up to 5,000 characters." in html
