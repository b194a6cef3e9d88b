"""What Slack would refuse (or regret): Block Kit limits, missing text, unescaped markup.

Used by the builder tests and by the fake Slack Web API on every payload it receives.
"""

from __future__ import annotations

import re
from typing import Any

_RAW_MARKUP = re.compile(r"<[!@#]|<https?:|<mailto:")


def units(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def message_problems(text: str | None, blocks: list[dict[str, Any]] | None) -> list[str]:
    """Everything wrong with a message's top-level text and blocks."""
    problems = []
    if not (text or "").strip():
        problems.append("no top-level text (screen readers and notifications read it)")
    elif units(text or "") > 40_000:
        problems.append("text over 40,000")
    problems += _markup("text", text or "")
    blocks = blocks or []
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks in a message (limit 50)")
    problems += _blocks(blocks)
    total = sum(units(t) for t in _texts(blocks))
    if total > 13_000:
        problems.append(f"{total} characters of block text (msg_blocks_too_long)")
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    """Everything wrong with a modal or Home view."""
    problems = []
    blocks = view.get("blocks") or []
    if not 0 < len(blocks) <= 100:
        problems.append(f"{len(blocks)} blocks in a view (1 to 100)")
    for name, limit in (("title", 24), ("submit", 24), ("close", 24)):
        if view.get(name) and units(view[name]["text"]) > limit:
            problems.append(f"view {name} over {limit}")
    if units(view.get("private_metadata") or "") > 3_000:
        problems.append("private_metadata over 3,000")
    return problems + _blocks(blocks)


def _blocks(blocks: list[dict[str, Any]]) -> list[str]:
    problems = []
    for block in blocks:
        problems += _limit(block.get("block_id"), 255, "block_id")
        kind = block["type"]
        if kind == "section":
            problems += _text_object(block.get("text"), 3_000, "section text")
        elif kind == "header":
            problems += _text_object(block.get("text"), 150, "header")
        elif kind == "context":
            elements = block.get("elements", [])
            problems += [] if len(elements) <= 10 else ["context with over 10 elements"]
            for element in elements:
                problems += _text_object(element, 3_000, "context text")
        elif kind == "actions":
            elements = block.get("elements", [])
            problems += [] if len(elements) <= 25 else ["actions with over 25 elements"]
            for element in elements:
                problems += _element(element)
        elif kind == "image":
            problems += _limit(block.get("alt_text"), 2_000, "image alt_text")
            problems += [] if block.get("alt_text") else ["image without alt_text"]
        elif kind == "input":
            problems += _text_object(block.get("label"), 2_000, "input label")
            problems += _input(block["element"])
    return problems


def _element(element: dict[str, Any]) -> list[str]:
    problems = _limit(element.get("action_id"), 255, "action_id")
    if element["type"] == "button":
        problems += _text_object(element.get("text"), 75, "button text")
        problems += _limit(element.get("value"), 2_000, "button value")
        problems += _limit(element.get("accessibility_label"), 75, "accessibility_label")
        if not element.get("accessibility_label"):
            problems.append(f"button {element.get('action_id')} without accessibility_label")
    elif element["type"] == "static_select":
        options = element.get("options", [])
        problems += [] if len(options) <= 100 else ["select with over 100 options"]
        for option in options:
            problems += _text_object(option["text"], 75, "option text")
            problems += _limit(option["value"], 150, "option value")
    return problems


def _input(element: dict[str, Any]) -> list[str]:
    problems = _limit(element.get("initial_value"), 3_000, "initial_value")
    if (element.get("max_length") or 0) > 3_000:
        problems.append("plain_text_input max_length over 3,000")
    return problems + _text_object(element.get("placeholder"), 150, "placeholder")


def _text_object(obj: dict[str, Any] | None, limit: int, name: str) -> list[str]:
    if obj is None:
        return []
    text = obj.get("text") or ""
    problems = _limit(text, limit, name)
    if obj.get("type") == "mrkdwn":
        problems += _markup(name, text)
    return problems


def _markup(name: str, text: str) -> list[str]:
    found = _RAW_MARKUP.search(text)
    return [f"{name} holds live Slack markup {found.group()!r}"] if found else []


def _limit(value: str | None, limit: int, name: str) -> list[str]:
    if value is not None and units(value) > limit:
        return [f"{name} is {units(value)} long (limit {limit})"]
    return []


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() if not isinstance(v, str) for t in _texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []
