"""Builds the model-backed coach from Settings; used only by the composition root."""

from __future__ import annotations

from typing import Any

from bot.llm.coach import LangChainCoachModel
from bot.llm.metrics import LlmCallRecorder
from bot.llm.prompts import load_prompts
from bot.settings import Settings


class ModelSetupError(Exception):
    """The configured model can't be used (e.g. its provider package is not installed)."""


def chat_model_kwargs(settings: Settings) -> dict[str, Any]:
    """What init_chat_model gets besides the model: timeout, no retries, and any URL or key."""
    kwargs: dict[str, Any] = {
        "timeout": settings.llm_timeout_s,
        "max_retries": 0,  # a retry would blow the time budget; the offline coach steps in
        "temperature": 0.3,
    }
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_api_key is not None:
        kwargs["api_key"] = settings.llm_api_key.get_secret_value()
    return kwargs


def make_coach_model(
    settings: Settings, *, recorder: LlmCallRecorder | None = None
) -> LangChainCoachModel | None:
    """The CoachModel for LIF_LLM_MODEL, or None (the offline coach) when it is unset."""
    if not settings.llm_model:
        return None
    try:
        from langchain.chat_models import init_chat_model

        chat_model = init_chat_model(settings.llm_model, **chat_model_kwargs(settings))
    except ImportError as error:
        provider = settings.llm_model.split(":", 1)[0]
        raise ModelSetupError(
            f"LIF_LLM_MODEL={settings.llm_model} needs its provider package: "
            f'pip install "lif-coach[{provider}]" ({error})'
        ) from error
    except Exception as error:  # unknown provider, missing API key, bad option...
        raise ModelSetupError(
            f"LIF_LLM_MODEL={settings.llm_model} could not be set up: "
            f"{type(error).__name__}: {error}"
        ) from error
    return LangChainCoachModel(
        chat_model,
        load_prompts(settings.prompts_dir),
        timeout_s=settings.llm_timeout_s,
        model_name=settings.llm_model,
        recorder=recorder,
    )
