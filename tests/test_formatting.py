"""How values look in every output (formkit/formatting.py), in both languages."""

from __future__ import annotations

import datetime

import pytest

from conftest import NOON, make_app
from formkit import formatting as fmt

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("value", [None, "", "  ", [], {}, ()])
def test_empty_values_show_one_dash(value):
    assert fmt.or_empty(value) == "—"


@pytest.mark.parametrize("value", [0, 0.0, False, "0", "non", ["a"]])
def test_answers_that_look_falsy_are_kept(value):
    assert fmt.or_empty(value) == value


@pytest.mark.parametrize(("day", "en", "fr"), [
    ("2026-04-01", "1 Apr 2026", "1er avril 2026"),
    (datetime.date(2026, 11, 22), "22 Nov 2026", "22 novembre 2026"),
    ("2026-02-03T10:00:00+00:00", "3 Feb 2026", "3 février 2026"),
])
def test_days_are_unambiguous_in_english_and_canadian_in_french(day, en, fr):
    assert fmt.format_day(day, "en") == en
    assert fmt.format_day(day, "fr") == fr


def test_numbers_money_and_percents_as_canadians_write_them():
    assert fmt.format_number(2, "fr", decimals=1) == "2,0"
    assert fmt.format_number(2, "en", decimals=1) == "2.0"
    assert fmt.format_number(1234.5, "fr") == f"1{NBSP}234,5"
    assert (fmt.format_mean(2, "fr"), fmt.format_mean(20.666, "en")) == ("2,0", "20.67")
    assert fmt.format_number(1234.5, "en") == "1,234.5"
    assert fmt.format_money(12000, "fr") == f"12{NBSP}000,00{NBSP}$"
    assert fmt.format_money(12000, "en") == "$12,000.00"
    assert fmt.format_percent(0.125, "en", decimals=1) == "12.5%"
    assert fmt.format_percent(0.5, "fr") == f"50{NBSP}%"


def test_timestamps_are_local_to_the_minute_with_the_zone_named():
    # NOON is 2026-11-30 17:00 UTC: noon in Toronto (EST), 9 a.m. in Vancouver.
    stored = datetime.datetime.fromtimestamp(NOON, datetime.UTC).isoformat()
    assert fmt.format_timestamp(stored, "en") == f"30 Nov 2026, 12:00{NNBSP}p.m. EST"
    assert fmt.format_timestamp(stored, "fr") == "30 novembre 2026, 12 h 00 HNE"
    assert fmt.format_timestamp(NOON, "en", zone="America/Vancouver").startswith(
        f"30 Nov 2026, 9:00{NNBSP}a.m. ")
    # summer time is named too, and a naive stored timestamp is UTC
    assert fmt.format_timestamp("2026-07-01T16:05:59", "fr") == "1er juillet 2026, 12 h 05 HAE"


def test_a_malformed_stored_timestamp_is_shown_as_stored(app):
    from formkit.rendering import when

    with app.test_request_context("/"):
        assert when("not a time") == "not a time"
        assert when(None) == ""


def test_machine_timestamps_stay_iso_utc():
    assert fmt.iso_utc("2026-07-01T12:05:59.123456-04:00") == "2026-07-01T16:05:59Z"
    assert fmt.iso_utc(NOON) == "2026-11-30T17:00:00Z"


def test_the_instance_time_zone_is_a_setting(tmp_path, monkeypatch):
    app = make_app(tmp_path, TIMEZONE="America/Vancouver")
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "America/Vancouver"
    with app.app_context():
        assert fmt.format_timestamp(NOON, "en") == f"30 Nov 2026, 9:00{NNBSP}a.m. PST"
    with pytest.raises(ValueError, match="not a time zone"):
        make_app(tmp_path / "other", TIMEZONE="Mars/Olympus")


def test_response_states_are_translated(app):
    with app.app_context():
        assert fmt.state_label("submitted", "fr") == "soumise"
        assert fmt.state_label("draft", "en") == "draft"
        assert fmt.state_label("odd", "fr") == "odd"


def test_babel_keeps_only_the_global_tables_formatting_reads():
    """A worker keeps Babel's locale parents, currency digits and zone names, not all of
    CLDR's global data (2.3 MiB), and the Canadian locales' data without their parents'
    copies: every format reads the same in a fresh process as with Babel keeping
    everything, none reads the dropped tables, and a dropped table asked for is read
    whole (worker memory, bench/server.py)."""
    import subprocess
    import sys

    from conftest import ROOT

    formats = ("from formkit import formatting as f; "
               "print([(f.format_number(1234.5, l), f.format_money(12000, l), "
               "f.format_percent(0.125, l, decimals=1), f.format_day('2026-04-01', l), "
               "f.format_timestamp('2026-07-01T16:05:59', l)) for l in ('en', 'fr')]); ")
    kept = ("import babel.core; from formkit.babel_data import keep_what_formatting_reads; "
            "print(keep_what_formatting_reads(), keep_what_formatting_reads()); " + formats +
            "import babel.localedata; data = babel.core._global_data; "
            "print(data.complete, sorted(babel.localedata._cache)); "
            "subtags = babel.core.get_global('likely_subtags'); "
            "print(data.complete, len(subtags), subtags['fr'])")
    # Babel as it is: its whole global data, every locale's parents kept
    whole = ("import babel.core, babel.localedata, formkit.babel_data as kept; "
             "kept.load_alone = lambda identifier: None; " + formats +
             "subtags = babel.core.get_global('likely_subtags'); "
             "print(type(babel.core._global_data).__name__, len(subtags), subtags['fr'], "
             "sorted(babel.localedata._cache))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
            for code in (kept, whole)]
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    installed, kept_formats, untouched, completed = runs[0].stdout.strip().splitlines()
    whole_formats, whole_subtags = runs[1].stdout.strip().splitlines()
    # installed once; the second call finds Babel's data already there
    assert installed == "True False"
    assert kept_formats == whole_formats
    assert "'$12,000.00'" in kept_formats and "HAE" in kept_formats
    # formatting in both languages read only the kept tables; a dropped one is whole
    assert untouched == "False ['en_CA', 'fr_CA']"
    assert whole_subtags.endswith("fr_Latn_FR ['en', 'en_CA', 'fr', 'fr_CA', 'root']")
    assert completed.split(" ") == ["True"] + whole_subtags.split(" ")[1:3]
