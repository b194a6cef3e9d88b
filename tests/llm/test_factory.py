"""Settings choose the model: none (offline), or any init_chat_model provider."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.coaching.ports import QuestionRequest
from bot.llm.factory import ModelSetupError, chat_model_kwargs, make_coach_model
from bot.llm.metrics import LlmMetrics
from bot.settings import Settings
from tests.llm.fake_openai import API_KEY, FakeOpenAI


def test_no_model_configured_means_the_offline_coach() -> None:
    assert make_coach_model(Settings(llm_model=None)) is None


def test_init_chat_model_builds_an_openai_model_on_the_configured_server(
    openai_server: FakeOpenAI,
) -> None:
    settings = Settings(
        llm_model="openai:gpt-4o-mini",
        llm_base_url=openai_server.base_url,
        llm_api_key=SecretStr(API_KEY),
        llm_timeout_s=2,
    )
    metrics = LlmMetrics()
    model = make_coach_model(settings, recorder=metrics)
    assert model is not None
    request = QuestionRequest(
        attribute_id="L1",
        statement="Develops vision.",
        context=None,
        role=None,
        earlier=(),
        bank_question="What did you say?",
    )
    assert model.question(request) == "Thinking of L1, what happened?"
    (sent,) = openai_server.requests
    assert sent["model"] == "gpt-4o-mini" and sent["temperature"] == 0.3
    assert openai_server.headers[0]["authorization"] == f"Bearer {API_KEY}"
    assert metrics.snapshot()["calls"] == {("question", "ok"): 1}
    model.close()


def test_kwargs_carry_timeout_no_retries_and_only_what_is_set() -> None:
    kwargs = chat_model_kwargs(Settings(llm_model="ollama:llama3.2", llm_timeout_s=7))
    assert kwargs == {"timeout": 7, "max_retries": 0, "temperature": 0.3}


def test_a_provider_that_is_not_installed_says_which_extra_to_install() -> None:
    with pytest.raises(ModelSetupError, match=r'pip install "lif-coach\[mistralai\]"'):
        make_coach_model(Settings(llm_model="mistralai:mistral-small"))
