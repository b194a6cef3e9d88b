"""Splits an organisation's markdown documents into heading-sized pieces."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def split_sections(text: str) -> list[tuple[str, str]]:
    """(heading trail, body) for each heading's section, in document order."""
    sections: list[tuple[str, str]] = []
    trail: list[str] = []
    body: list[str] = []
    in_code = False
    for line in text.splitlines():
        in_code ^= line.lstrip().startswith("```")
        match = None if in_code else _HEADING.match(line)
        if match:
            sections.append((" > ".join(trail), "\n".join(body).strip()))
            level, title = len(match.group(1)), match.group(2)
            trail = [*trail[: level - 1], title]
            body = []
        else:
            body.append(line)
    sections.append((" > ".join(trail), "\n".join(body).strip()))
    return [(heading, body) for heading, body in sections if body]


def split_paragraphs(body: str, max_chars: int) -> list[str]:
    """The body in pieces of whole paragraphs (or sentences) of at most about `max_chars`."""
    pieces: list[str] = []
    current = ""
    for unit in _units(body, max_chars):
        if current and len(current) + len(unit) + 2 > max_chars:
            pieces.append(current)
            current = unit
        else:
            current = f"{current}\n\n{unit}" if current else unit
    return [*pieces, current] if current else pieces


def _units(body: str, max_chars: int) -> list[str]:
    units: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = paragraph.strip()
        if len(paragraph) <= max_chars:
            units.append(paragraph)
        else:
            units.extend(re.split(r"(?<=[.!?])\s+", paragraph))
    return [unit for unit in units if unit]
