"""Loads the data files (knowledge/ and prompts/) into domain models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.coaching.followup.views import FollowUpTexts
from bot.coaching.framework import (
    Attribute,
    Domain,
    Enrichment,
    Framework,
    Question,
    QuestionBank,
    RatingLevel,
    Section,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_PROMPTS_DIR = PROJECT_ROOT / "prompts"


class ContentError(Exception):
    """A data file is missing or malformed; the message names the file."""


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ContentError(f"{path} is missing; it ships with LIF Coach") from error
    except yaml.YAMLError as error:
        raise ContentError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ContentError(f"{path} should hold a mapping at the top level")
    return data


def _attribute(raw: dict[str, Any], domain_id: str, position: int) -> Attribute:
    return Attribute(
        id=raw["id"],
        domain_id=domain_id,
        position=position,
        statement=raw["statement"],
        short_name=raw["short_name"],
        enrichment=Enrichment(**raw["enrichment"]),
    )


def _domain(raw: dict[str, Any]) -> Domain:
    attributes = tuple(
        _attribute(item, raw["id"], position)
        for position, item in enumerate(raw["attributes"], start=1)
    )
    return Domain(id=raw["id"], name=raw["name"], lead_in=raw["lead_in"], attributes=attributes)


def load_framework(knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> Framework:
    """The framework from `framework.yaml` in the knowledge folder."""
    path = knowledge_dir / "framework.yaml"
    data = _read_yaml(path)
    try:
        meta = data["framework"]
        return Framework(
            name=meta["name"],
            version=str(meta["version"]),
            source=meta["source"],
            sections=tuple(Section(**section) for section in data["sections"]),
            domains=tuple(_domain(domain) for domain in data["domains"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ContentError(f"{path} does not match the expected layout: {error!r}") from error


def load_question_bank(prompts_dir: Path = DEFAULT_PROMPTS_DIR) -> QuestionBank:
    """The curated question bank and rating scale from `questions.yaml`."""
    path = prompts_dir / "questions.yaml"
    data = _read_yaml(path)
    try:
        questions = {
            attribute_id: tuple(Question(attribute_id=attribute_id, **item) for item in items)
            for attribute_id, items in data["questions"].items()
        }
        scale = data["rating_scale"]
        low = data.get("low_rating") or {}
        return QuestionBank(
            model_name=data["reflective_model"]["name"],
            rating_question=scale["question"],
            rating_scale=tuple(RatingLevel(**level) for level in scale["levels"]),
            questions=questions,
            low_rating_what=low.get("what", ""),
            low_rating_at_most=int(low.get("at_most", 0)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ContentError(f"{path} does not match the expected layout: {error!r}") from error


def load_coach_texts(prompts_dir: Path = DEFAULT_PROMPTS_DIR) -> dict[str, str]:
    """What the offline coach says, from `coach.yaml`, keyed by purpose."""
    path = prompts_dir / "coach.yaml"
    data = _read_yaml(path)
    if not all(isinstance(value, str) for value in data.values()):
        raise ContentError(f"{path} should map each key to one string")
    return data


def load_followup_texts(prompts_dir: Path = DEFAULT_PROMPTS_DIR) -> FollowUpTexts:
    """What the coach says when following up, from `followup.yaml`."""
    path = prompts_dir / "followup.yaml"
    try:
        return FollowUpTexts.model_validate(_read_yaml(path))
    except ValueError as error:
        raise ContentError(f"{path} does not match the expected layout: {error}") from error
