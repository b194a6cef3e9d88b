"""The follow-up modals, and reading what was entered in them: a check-in with a note, and the
check-in settings (how often, day, time, time window, working days, pause, stop)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.coaching.followup.models import WEEKDAYS, Cadence, CheckInResponse, NudgePreferences
from bot.slack import followup_ids as fids
from bot.slack.blocks import followup_wording as say
from bot.slack.blocks.followup import Responses
from bot.slack.blocks.kit import context
from bot.slack.blocks.text import ERROR_TEXT, MODAL_TITLE, TEXT_INPUT, cut, escape

MAX_ASKED = 5  # blocks of the check-in shown above the inputs
Values = Mapping[str, Mapping[str, Mapping[str, Any]]]  # view.state.values


class FormErrors(Exception):
    """What is wrong with a submitted form, by block id (shown under each input)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = {block: cut(text, ERROR_TEXT) for block, text in errors.items()}


@dataclass(frozen=True)
class SettingsForm:
    """What the settings modal says the person wants."""

    cadence: Cadence
    weekday: int
    preferred_time: time
    window: tuple[time, time]
    working_days: tuple[int, ...]
    paused_until: date | None
    stopped: bool


# -- a check-in with a note ------------------------------------------------------------------


def build_note_modal(
    asked: Sequence[dict[str, Any]], responses: Responses, origin: fids.Origin
) -> dict:
    """What was asked (the check-in's header and sections), how it went, and the note."""
    blocks: list[Block] = list(Block.parse_all(asked[:MAX_ASKED]))
    blocks.append(
        _input(
            fids.RESPONSE_INPUT,
            say.NOTE_RESPONSE_LABEL,
            RadioButtonsElement(
                action_id=fids.RESPONSE_INPUT[1],
                options=[_option(label, response.value) for response, label in responses],
            ),
        )
    )
    note = PlainTextInputElement(
        action_id=fids.NOTE_INPUT[1],
        multiline=True,
        max_length=TEXT_INPUT,
        placeholder=PlainTextObject(text=say.NOTE_PLACEHOLDER),
    )
    blocks.append(_input(fids.NOTE_INPUT, say.NOTE_INPUT_LABEL, note))
    return _modal(fids.NOTE_MODAL, say.NOTE_TITLE, blocks, origin)


def parse_note(values: Values) -> tuple[CheckInResponse, str]:
    """(response, note) from a submitted note modal; FormErrors when no response was chosen."""
    chosen = _selected(values, fids.RESPONSE_INPUT)
    if chosen not in set(CheckInResponse):
        raise FormErrors({fids.RESPONSE_INPUT[0]: say.CHOOSE_RESPONSE})
    note = _field(values, fids.NOTE_INPUT).get("value") or ""
    return CheckInResponse(chosen), note


# -- the settings ----------------------------------------------------------------------------


def build_settings_modal(
    prefs: NudgePreferences, cadences: Mapping[Cadence, str], origin: fids.Origin
) -> dict:
    """Every setting, filled in with the current ones."""
    blocks: list[Block] = [
        _input(fids.CADENCE_INPUT, say.CADENCE_LABEL, _cadence_menu(prefs, cadences)),
        _input(fids.WEEKDAY_INPUT, say.WEEKDAY_LABEL, _weekday_menu(prefs)),
        _input(fids.TIME_INPUT, say.TIME_LABEL, _clock(fids.TIME_INPUT, prefs.preferred_time)),
        _input(
            fids.WINDOW_START_INPUT,
            say.WINDOW_START_LABEL,
            _clock(fids.WINDOW_START_INPUT, prefs.window_start),
            hint=say.WINDOW_HINT,
        ),
        _input(
            fids.WINDOW_END_INPUT,
            say.WINDOW_END_LABEL,
            _clock(fids.WINDOW_END_INPUT, prefs.window_end),
        ),
        _input(fids.DAYS_INPUT, say.DAYS_LABEL, _days(prefs)),
        _input(
            fids.PAUSE_INPUT, say.PAUSE_LABEL, _pause(prefs), optional=True, hint=say.PAUSE_HINT
        ),
        _input(fids.STOP_INPUT, say.STOP_LABEL_INPUT, _stop(prefs), optional=True),
        context(say.ZONE_NOTE.format(zone=escape(prefs.timezone))),
    ]
    return _modal(fids.SETTINGS_MODAL, say.SETTINGS_TITLE, blocks, origin)


def parse_settings(values: Values) -> SettingsForm:
    """The settings entered; FormErrors for what the form itself can tell is wrong."""
    window = (_time(values, fids.WINDOW_START_INPUT), _time(values, fids.WINDOW_END_INPUT))
    if window[1] <= window[0]:
        raise FormErrors({fids.WINDOW_END_INPUT[0]: say.WINDOW_ORDER})
    pause = _field(values, fids.PAUSE_INPUT).get("selected_date")
    stop = _field(values, fids.STOP_INPUT).get("selected_options") or []
    days = _field(values, fids.DAYS_INPUT).get("selected_options") or []
    return SettingsForm(
        cadence=Cadence(_selected(values, fids.CADENCE_INPUT)),
        weekday=int(_selected(values, fids.WEEKDAY_INPUT) or 0),
        preferred_time=_time(values, fids.TIME_INPUT),
        window=window,
        working_days=tuple(sorted(int(option["value"]) for option in days)),
        paused_until=date.fromisoformat(pause) if pause else None,
        stopped=any(option.get("value") == fids.STOPPED for option in stop),
    )


def error_block(message: str) -> str:
    """The input a problem the coaching domain found belongs under."""
    lowered = message.lower()
    if "working day" in lowered:
        return fids.DAYS_INPUT[0]
    if "pause" in lowered:
        return fids.PAUSE_INPUT[0]
    if "time window" in lowered or "preferred time" in lowered:
        return fids.TIME_INPUT[0]
    return fids.CADENCE_INPUT[0]


# -- the parts --------------------------------------------------------------------------------


def _cadence_menu(prefs: NudgePreferences, cadences: Mapping[Cadence, str]) -> StaticSelectElement:
    options = [_option(phrase[:1].upper() + phrase[1:], c.value) for c, phrase in cadences.items()]
    current = next((o for o in options if o.value == prefs.cadence.value), None)
    return StaticSelectElement(
        action_id=fids.CADENCE_INPUT[1], options=options, initial_option=current
    )


def _weekday_menu(prefs: NudgePreferences) -> StaticSelectElement:
    options = [_option(name, str(number)) for number, name in enumerate(WEEKDAYS)]
    return StaticSelectElement(
        action_id=fids.WEEKDAY_INPUT[1], options=options, initial_option=options[prefs.weekday]
    )


def _clock(ids: tuple[str, str], value: time) -> TimePickerElement:
    return TimePickerElement(action_id=ids[1], initial_time=f"{value:%H:%M}")


def _days(prefs: NudgePreferences) -> CheckboxesElement:
    options = [_option(name, str(number)) for number, name in enumerate(WEEKDAYS)]
    chosen = [options[day] for day in prefs.working_days]
    return CheckboxesElement(action_id=fids.DAYS_INPUT[1], options=options, initial_options=chosen)


def _pause(prefs: NudgePreferences) -> DatePickerElement:
    initial = prefs.paused_until.isoformat() if prefs.paused_until else None
    return DatePickerElement(action_id=fids.PAUSE_INPUT[1], initial_date=initial)


def _stop(prefs: NudgePreferences) -> CheckboxesElement:
    option = _option(say.STOP_OPTION, fids.STOPPED)
    return CheckboxesElement(
        action_id=fids.STOP_INPUT[1],
        options=[option],
        initial_options=[option] if prefs.stopped else None,
    )


def _option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=label), value=value)


def _input(
    ids: tuple[str, str],
    label: str,
    element: Any,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=ids[0],
        label=PlainTextObject(text=label),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
    )


def _field(values: Values, ids: tuple[str, str]) -> Mapping[str, Any]:
    return values.get(ids[0], {}).get(ids[1], {})


def _selected(values: Values, ids: tuple[str, str]) -> str:
    return str((_field(values, ids).get("selected_option") or {}).get("value") or "")


def _time(values: Values, ids: tuple[str, str]) -> time:
    text = _field(values, ids).get("selected_time")
    if not text:
        raise FormErrors({ids[0]: say.CHOOSE_TIME})
    return time.fromisoformat(text)


def _modal(callback_id: str, title: str, blocks: list[Block], origin: fids.Origin) -> dict:
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=cut(title, MODAL_TITLE)),
        submit=PlainTextObject(text=say.SAVE),
        close=PlainTextObject(text=say.CANCEL),
        private_metadata=origin.dumps(),
        blocks=blocks,
    ).to_dict()
