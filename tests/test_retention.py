"""Per-form retention, applied by the worker once a day, on both stores: old submitted
responses deleted or anonymised (answers to `personal: true` questions removed), old
drafts deleted, each run in the audit log and counted on the dashboard."""

from __future__ import annotations

import pytest

from conftest import add_user, make_app, sign_in, store_of, text_of
from formkit.builtins.field_types import formkit_field_types
from formkit.clock import ManualClock
from formkit.outbox import run_once
from formkit.schema import FormLoadError, parse_form

FORM = """
id: intake
version: 1
title: {en: Intake, fr: Accueil}
retention:
  submitted_days: 30
  action: ACTION
  drafts_days: 7
sections:
  - id: one
    title: {en: One, fr: Un}
    fields:
      - {id: name, type: text, label: {en: Name, fr: Nom}, required: true, personal: true}
      - {id: mood, type: scale, points: 5, label: {en: Mood, fr: Humeur}, required: true}
"""
DAY = 86400


@pytest.fixture(params=["delete", "anonymise"])
def action(request):
    return request.param


@pytest.fixture
def moment():
    return ManualClock(1_800_000_000.0)  # 2027-01-15, 08:00 UTC (03:00 in Toronto)


@pytest.fixture
def app(tmp_path, store_url, action, moment):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "intake.yaml").write_text(FORM.replace("ACTION", action))
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms), CLOCK=moment)
    yield app
    store_of(app).close()


def stored(app, answers, *, submitted: bool):
    with app.app_context():
        store = store_of(app)
        key = f"k{len(list(store.iter_responses('intake'))):015d}"
        draft = store.create_draft("intake", "1", "en", key, answers=answers)
        return store.submit(draft)[0] if submitted else draft


def test_old_responses_go_new_ones_stay(app, action, moment):
    old = stored(app, {"name": "Ada", "mood": 4}, submitted=True)
    old_draft = stored(app, {"name": "Bo"}, submitted=False)
    moment.advance(days=25)
    recent = stored(app, {"name": "Cy", "mood": 2}, submitted=True)
    recent_draft = stored(app, {"name": "Di"}, submitted=False)
    moment.advance(days=6)  # old: 31 days; old draft untouched 31 days; recent: 6 days
    moment.advance(hours=2)  # past the retention hour
    run_once(app)
    with app.app_context():
        store = store_of(app)
        if action == "delete":
            assert store.get(old.id) is None
        else:
            kept = store.get(old.id)
            assert kept.answers == {"mood": 4} and kept.is_submitted
        assert store.get(old_draft.id) is None
        assert store.get(recent.id).answers == {"name": "Cy", "mood": 2}
        assert store.get(recent_draft.id) is not None
        [entry] = [e for e in store.iter_audit() if e["action"] == "retention"]
        done = "anonymised" if action == "anonymise" else "deleted"
        assert entry["target"] == "intake" and entry["detail"][done] == 1
        assert entry["detail"]["drafts_deleted"] == 1
    # once a day: the same day again changes nothing
    moment.advance(hours=5)
    run_once(app)
    add_user(app)
    admin = app.test_client()
    sign_in(admin)
    assert "2 responses removed or anonymised so far" in text_of(admin.get("/admin/"))
    # the next day the recent draft is 7 days old too; anonymised ones count once
    moment.advance(days=1)
    run_once(app)
    sign_in(admin)  # a day later: signed out by the idle timeout
    assert "3 responses removed or anonymised so far" in text_of(admin.get("/admin/"))


@pytest.mark.parametrize("rule, problem", [
    ("{submitted_days: 0}", "whole number of days"),
    ("{submitted_days: 30, action: shred}", "action must be delete or anonymise"),
    ("{submited_days: 30}", "did you mean 'submitted_days'"),
])
def test_retention_mistakes_are_explained(rule, problem):
    import yaml

    data = yaml.safe_load(FORM.replace("ACTION", "delete"))
    data["retention"] = yaml.safe_load(rule)
    with pytest.raises(FormLoadError) as error:
        parse_form(data, "intake.yaml", {c.name: c() for c in formkit_field_types()})
    assert problem in str(error.value.errors)


def test_anonymise_needs_personal_questions():
    import yaml

    data = yaml.safe_load(FORM.replace("ACTION", "anonymise").replace(", personal: true", ""))
    with pytest.raises(FormLoadError) as error:
        parse_form(data, "intake.yaml", {c.name: c() for c in formkit_field_types()})
    assert "personal: true" in str(error.value.errors)
