"""Living responses without a team around them: which answers a save changed, how each
field type tells its own change (tables per row and cell, matrices per row), in both
languages; the team arguments of ``formkit_prefill`` and the previous cycle's carry-over."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from formkit import hookimpl
from formkit.teams.living import changed_fields, describe

BEFORE = {"team_name": "Rivière", "actions_1": [
    {"action": "Map partners", "status": "in_progress", "progress": 60},
    {"action": "Host a meeting", "status": "not_started"},
    {"action": "Write a report", "status": "in_progress", "progress": 60}]}


def test_changed_fields_lists_only_real_changes():
    after = {**BEFORE, "team_name": "Rivière", "community": "Sudbury", "empty": ""}
    assert changed_fields(BEFORE, after) == {"community": [None, "Sudbury"]}
    assert changed_fields({"a": 1}, {}) == {"a": [1, None]}
    assert changed_fields({"a": None}, {"a": ""}) == {}


def test_a_table_change_is_told_per_row_and_cell_in_both_languages(seed_app):
    form = seed_app.extensions["formkit"].registry.get_form("workplan")
    rows = [dict(r) for r in BEFORE["actions_1"]]
    rows[2].update(status="done", progress=100)
    changes = changed_fields(BEFORE, {**BEFORE, "actions_1": rows, "community": "Sudbury"})
    with seed_app.test_request_context("/"):
        english = describe(form, changes, "en")
        french = describe(form, changes, "fr")
    assert english == ["Community: — → Sudbury",
                       "Actions, row 3: Status In progress → Done, Progress 60\u00a0% → 100\u00a0%"]
    assert french[1] == ("Actions, ligne 3\u00a0: État En cours → Terminée, "
                         "Avancement 60\u00a0% → 100\u00a0%")
    assert french[0] == "Collectivité\u00a0: — → Sudbury"


def test_a_matrix_change_is_told_per_row(seed_app):
    form = seed_app.extensions["formkit"].registry.get_form("wellbeing")
    spec = form.field("strength")
    first, second = (key for key, _text in spec.options["rows"][:2])
    with seed_app.test_request_context("/"):
        lines = spec.kind.describe_change(spec, {first: 2, second: 3}, {first: 4, second: 3},
                                          "en")
    assert len(lines) == 1 and lines[0].endswith(": 2 / 5 → 4 / 5")
    assert spec.options["rows"][0][1].en in lines[0]


def test_a_removed_question_is_still_told(seed_app):
    form = seed_app.extensions["formkit"].registry.get_form("workplan")
    with seed_app.test_request_context("/"):
        assert describe(form, {"gone": ["a", None]}, "en") == ["gone: a → —"]


class _Prefill:
    """A plugin asking for the new arguments (old plugins name only form and args)."""

    seen: dict = {}

    @hookimpl
    def formkit_prefill(self, form, team, cycle, previous):
        _Prefill.seen = {"form": form.id, "team": team, "cycle": cycle,
                         "previous": previous}
        return None


def test_prefill_implementations_take_only_the_arguments_they_name(seed_app):
    from formkit.storage import Cycle, Response

    seed_app.extensions["formkit"].registry.pm.register(_Prefill(), "team-prefill")
    hook = seed_app.extensions["formkit"].registry.hook
    form = seed_app.extensions["formkit"].registry.get_form("workplan")
    earlier = Response(id="x", form_id="workplan", form_version="1", locale="en",
                       answers={"team_name": "Rivière", "retired_question": "x"})
    # a cycle the store does not hold (the seed plugins read a cycle's responses)
    cycle = Cycle(id="C", team_id="T", number=2, label="2027–2028")
    with seed_app.test_request_context("/"):
        results = hook.formkit_prefill(form=form, args=MultiDict({"from": "nothing"}),
                                       store=None, team="T", cycle=cycle,
                                       previous={"workplan": earlier})
    assert _Prefill.seen == {"form": "workplan", "team": "T", "cycle": cycle,
                             "previous": {"workplan": earlier}}
    # The built-in carry-over: the previous cycle's answers to questions still asked.
    assert {"team_name": "Rivière"} in results
    # The public start page still works with the old plugins (workplan's takes form, args).
    assert seed_app.test_client().get("/f/workplan/").status_code == 200


def test_a_form_may_opt_out_of_carrying_answers_over(seed_app):
    import dataclasses

    from formkit.storage import Response
    from formkit.teams.carry_over import formkit_prefill

    form = seed_app.extensions["formkit"].registry.get_form("workplan")
    earlier = {"workplan": Response(id="x", form_id="workplan", form_version="1",
                                    locale="en", answers={"team_name": "Rivière"})}
    assert formkit_prefill(form=form, previous=earlier) == {"team_name": "Rivière"}
    assert formkit_prefill(form=form, previous={}) is None
    fresh = dataclasses.replace(form, extra={**form.extra, "carry_over": False})
    assert formkit_prefill(form=fresh, previous=earlier) is None
