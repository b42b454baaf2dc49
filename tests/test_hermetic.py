"""Tests are hermetic: the test application reads no FORMKIT_* variable and no instance
config file, and its time comes from an injectable clock."""

from __future__ import annotations

from formkit import clock
from formkit.clock import ManualClock
from formkit.testing import make_app


def test_test_app_ignores_environment_and_instance_config(tmp_path, monkeypatch):
    elsewhere = tmp_path / "developer-store"
    monkeypatch.setenv("FORMKIT_STORE", str(elsewhere))
    monkeypatch.setenv("FORMKIT_ORGANIZATION_NAME", "From the environment")
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('ORGANIZATION_NAME = "From the file"\n'
                                        f'STORE = {str(elsewhere)!r}\n')
    app = make_app(tmp_path)
    assert app.config["ORGANIZATION_NAME"] == "formkit"
    assert app.config["STORE"] == "data"
    client = app.test_client()
    client.get("/f/missing/")
    assert not elsewhere.exists()


def test_the_environment_is_read_outside_tests(tmp_path, monkeypatch):
    from formkit.app import create_app

    monkeypatch.setenv("FORMKIT_ORGANIZATION_NAME", "From the environment")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "FORMS_DIR": str(tmp_path / "none"), "PLUGINS_DIR": str(tmp_path / "none")})
    assert app.config["ORGANIZATION_NAME"] == "From the environment"


def test_time_comes_from_the_app_clock(tmp_path):
    moment = ManualClock(1_000_000_000.0)
    app = make_app(tmp_path, CLOCK=moment)
    with app.app_context():
        assert clock.now() == 1_000_000_000.0
        moment.advance(days=31)
        assert clock.now() == 1_000_000_000.0 + 31 * 86400
        assert clock.utcnow_iso().startswith("2001-10-10")
