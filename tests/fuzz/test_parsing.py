"""Property tests of what the bot reads from Slack: command text, button values, payloads."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coaching.errors import StaleAction
from bot.slack import ids
from bot.slack.commands import parse_command
from bot.slack.idempotency import delivery_key
from bot.slack.payloads import action_value, input_value, is_persons_dm_message, message_origin
from tests.fuzz.hostile import hostile_text, json_values

KINDS = {"intro", "help", "start", "resume", "summary"}
SCOPES = {"all", "leadership", "improvement", "care_delivery"}
EXTRA = ("ask", "delete", "checkins")
FAST = settings(max_examples=300, deadline=None)


@FAST
@given(text=hostile_text())
def test_any_command_text_is_one_known_request(text: str) -> None:
    request = parse_command(text, EXTRA)
    assert request.kind in KINDS | set(EXTRA)
    if request.kind == "start":
        assert request.argument in SCOPES
    if request.kind in EXTRA:  # the rest of the text reaches the feature, as typed
        assert request.argument in text


@FAST
@given(
    word=st.sampled_from(["resume", "Summary", "HELP", "care-delivery", "Leadership"]),
    space=st.text(" \t\n\u00a0", max_size=3),
)
def test_known_commands_survive_surrounding_whitespace(word: str, space: str) -> None:
    assert parse_command(space + word + space).kind != "intro"


@FAST
@given(value=st.none() | hostile_text(), count=st.integers(1, 4))
def test_a_button_value_either_unpacks_to_non_empty_ids_or_is_stale(
    value: str | None, count: int
) -> None:
    try:
        parts = ids.unpack(value, count)
    except StaleAction as stale:
        assert "/lif-reflect resume" in str(stale)
        return
    assert len(parts) == count and all(parts)
    assert ids.pack(*parts) == value


@FAST
@given(parts=st.lists(st.text(min_size=1).filter(lambda s: "|" not in s), min_size=1, max_size=4))
def test_pack_and_unpack_round_trip(parts: list[str]) -> None:
    assert ids.unpack(ids.pack(*parts), len(parts)) == parts


@FAST
@given(metadata=st.none() | hostile_text() | json_values().map(repr))
def test_modal_metadata_is_ours_or_stale_never_a_crash(metadata: str | None) -> None:
    try:
        context = ids.ModalContext.loads(metadata)
    except StaleAction:
        return
    assert ids.ModalContext.loads(context.dumps()) == context
    ids.MessageRef.loads(metadata)  # never raises


@FAST
@given(action_id=hostile_text())
def test_a_patient_data_choice_is_one_of_three_or_stale(action_id: str) -> None:
    with contextlib.suppress(StaleAction):
        assert ids.choice_of(action_id) in {"redact", "keep", "edit"}


def _payload() -> st.SearchStrategy[dict[str, Any]]:
    """A payload dict where each field we read may be missing, of the wrong type, or hostile."""
    fields = {
        "type": st.sampled_from(["block_actions", "view_submission", "event_callback", "x"]),
        "event_id": json_values(),
        "trigger_id": json_values(),
        "command": json_values(),
        "actions": st.lists(
            st.dictionaries(
                st.sampled_from(["value", "action_ts", "selected_option"]),
                hostile_text() | st.none(),
            ),
            max_size=2,
        ),
        "container": st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(["message", "view"]),
                "channel_id": json_values(),
                "message_ts": json_values(),
            },
        ),
    }
    return st.fixed_dictionaries({}, optional=fields)


@FAST
@given(body=_payload())
def test_reading_a_payload_never_raises_on_well_typed_fields(body: dict[str, Any]) -> None:
    for action in body.get("actions") or []:
        if action.get("selected_option") is not None:
            action["selected_option"] = {"value": action["selected_option"]}
    value = action_value(body)
    assert value is None or isinstance(value, str)
    channel, ts = message_origin(body)
    assert (channel, ts) == (None, None) or body["container"]["type"] == "message"
    key = delivery_key(body)
    assert key is None or (isinstance(key, str) and key)


@FAST
@given(
    event=st.fixed_dictionaries(
        {},
        optional={
            "channel_type": st.sampled_from(["im", "channel", None]),
            "subtype": st.sampled_from([None, "message_changed", "bot_message"]),
            "bot_id": st.none() | st.just("B1"),
            "user": st.none() | hostile_text(),
            "text": st.none() | hostile_text(),
        },
    )
)
def test_only_a_persons_own_dm_text_counts_as_an_answer(event: dict[str, Any]) -> None:
    counted = is_persons_dm_message(event)
    if counted:
        assert event["channel_type"] == "im" and event["user"] and event["text"].strip()
        assert not event.get("subtype") and not event.get("bot_id")


@FAST
@given(state=json_values())
def test_an_input_value_is_always_text(state: Any) -> None:
    view = {"state": {"values": {"b": {"a": {"value": state}}}}}
    try:
        found = input_value(view, "b", "a")
    except AttributeError:
        pytest.fail("input_value crashed")
    assert isinstance(found, (str, int, float, bool, list, dict))
