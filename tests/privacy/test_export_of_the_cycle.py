"""The CPD record sets out each stage of the reflective cycle in the person's own words."""

from __future__ import annotations

import json

from bot.coaching.models import Person, Stage
from bot.privacy.export import build_json, build_markdown
from bot.privacy.models import PersonalRecord


def test_the_export_holds_what_so_what_and_now_what_of_a_deep_reflection(
    coach, nurse: Person, repository, framework
) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    for words in ("Beds wait on pharmacy.", "I only see my ward.", "Walk it with pharmacy."):
        coach.reply(nurse, step.reflection_id, "I1", words)
    coach.reply(nurse, step.reflection_id, "I1", "And ask the porters.")
    reflection = repository.rows[step.reflection_id]
    record = PersonalRecord(person=nurse, reflections=[reflection])
    markdown = build_markdown(record, framework, {}, reflection.started_at)
    what = markdown.index("What happened, in your words:\n  > Beds wait on pharmacy.")
    so_what = markdown.index("So what: what it tells you:\n  > I only see my ward.")
    now_what = markdown.index(
        "Now what: what you will do:\n  > Walk it with pharmacy.\n  >\n  > And ask the porters."
    )
    assert what < so_what < now_what
    exported = json.loads(build_json(record, framework, reflection.started_at))
    parts = exported["reflections"][0]["answers"]["I1"]["parts"]
    assert [p["stage"] for p in parts] == [Stage.WHAT, Stage.SO_WHAT, Stage.NOW_WHAT] + [
        Stage.NOW_WHAT
    ]
