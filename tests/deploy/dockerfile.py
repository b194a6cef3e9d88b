"""A small reader of deploy/Dockerfile and .dockerignore, enough for the tests' questions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, its continuation lines joined."""

    keyword: str
    arguments: str
    stage: str  # the name (AS ...) of the stage it belongs to; "" before the first FROM

    def exec_form(self) -> list[str]:
        """The JSON array of ENTRYPOINT, CMD or HEALTHCHECK ... CMD."""
        return json.loads(self.arguments[self.arguments.index("[") :])

    def flags(self) -> dict[str, str]:
        """The leading --name=value flags (COPY --from=..., RUN --mount=...)."""
        flags = {}
        for word in self.arguments.split():
            if not word.startswith("--"):
                break
            name, _, value = word[2:].partition("=")
            flags[name] = value
        return flags

    def words(self) -> list[str]:
        """The arguments without leading flags."""
        return [word for word in self.arguments.split() if not word.startswith("--")]


def parse(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile; comments and parser directives are dropped."""
    instructions: list[Instruction] = []
    stage, pending = "", ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or (not line.strip() and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        keyword, _, arguments = (pending + line.strip()).partition(" ")
        pending = ""
        if keyword.upper() == "FROM":
            stage = arguments.split()[-1] if " AS " in arguments.upper() else arguments
        instructions.append(Instruction(keyword.upper(), arguments.strip(), stage))
    return instructions


def env(instructions: list[Instruction], stage: str) -> dict[str, str]:
    """The ENV names and values set in one stage (KEY=VALUE form)."""
    values: dict[str, str] = {}
    for instruction in instructions:
        if instruction.stage == stage and instruction.keyword == "ENV":
            values |= dict(re.findall(r"(\w+)=(\S+)", instruction.arguments))
    return values


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/?|\*|\?)", pattern)
    wildcards = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


def ignored(dockerignore: str, path: str) -> bool:
    """Whether .dockerignore keeps this path out of the build context (last match wins; a
    pattern that matches a parent folder matches everything in it)."""
    candidates = [str(p) for p in reversed(PurePosixPath(path).parents) if str(p) != "."] + [path]
    excluded = False
    for raw in dockerignore.splitlines():
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        negated = rule.startswith("!")
        regex = _pattern_regex(rule.lstrip("!").strip("/"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded
