"""The coach with its AI model switched on: real ChatOpenAI over HTTP to a local fake server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_openai import ChatOpenAI

from bot.coaching.engine import ReflectionService
from bot.coaching.framework import Framework
from bot.content import DEFAULT_PROMPTS_DIR, load_coach_texts, load_question_bank
from bot.llm.coach import LangChainCoachModel
from bot.llm.metrics import LlmMetrics
from bot.llm.prompts import load_prompts
from bot.llm.usage import InMemoryCallBudget, InMemoryCoachMemory
from tests.fakes import FakeClock, InMemoryReflectionRepository, KeywordRetriever
from tests.llm.fake_openai import API_KEY, FakeOpenAI, Reply

TIMEOUT_S = 0.5
DAILY_LIMIT = 100

_ANSWER = re.compile(
    r'<answer attribute="(\w+)" rating="(\w+)">\n.*?\nThey wrote: (.*?)\n</answer>', re.DOTALL
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_PASSAGE_ID = re.compile(r"^([LIC]\d+): ", re.MULTILINE)


def scripted_coach(request: dict[str, Any]) -> Reply:
    """A well-behaved model: answers each kind of request the way the prompts ask."""
    human = request["messages"][-1]["content"]
    schema = request.get("response_format", {}).get("json_schema", {}).get("name")
    if schema == "DraftSummary":
        return Reply.json(_summary(human))
    if schema == "DraftAnswer":
        ids = _PASSAGE_ID.findall(human)[:1]
        return Reply.json(
            {
                "answer": f"The framework covers this in ({ids[0]}).",
                "cited_attribute_ids": ids,
                "declined": False,
            }
        )
    if "follow-up" in human:
        return Reply.text("Can you give me one example of when that happened?")
    attribute = re.search(r"Attribute (\w+):", human)
    return Reply.text(f"Thinking of {attribute.group(1) if attribute else 'this'}, what happened?")


def _summary(human: str) -> dict[str, Any]:
    count = int(re.search(r"Propose the (\d+) attributes", human).group(1))
    answers = _ANSWER.findall(human)
    ranked = sorted(answers, key=lambda a: int(a[1]) if a[1].isdigit() else 3)[:count]
    return {
        "priorities": [
            {
                "attribute_id": attribute_id,
                "rationale": f"You rated yourself {rating} here, so it is worth working on.",
                "quotes": [_SENTENCE_END.split(text)[0]] if text != "(nothing)" else [],
                "first_steps": ["Talk it through with a colleague this week"],
            }
            for attribute_id, rating, text in ranked
        ]
    }


def humans(server: FakeOpenAI) -> list[str]:
    """The human (task) message of every request the server received."""
    return [r["messages"][-1]["content"] for r in server.requests]


def schema_of(request: dict[str, Any]) -> str | None:
    """The structured-output schema a request asked for, if any."""
    return request.get("response_format", {}).get("json_schema", {}).get("name")


def dumps(server: FakeOpenAI) -> str:
    """Every request, as JSON text: everything that left the process."""
    return json.dumps(server.requests)


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(responder=scripted_coach) as server:
        yield server


@pytest.fixture
def metrics() -> LlmMetrics:
    return LlmMetrics()


@pytest.fixture
def budget() -> InMemoryCallBudget:
    return InMemoryCallBudget(DAILY_LIMIT)


@pytest.fixture
def memory() -> InMemoryCoachMemory:
    return InMemoryCoachMemory()


def make_model(server: FakeOpenAI, metrics: LlmMetrics) -> LangChainCoachModel:
    """Our CoachModel on a real ChatOpenAI pointed at the fake server."""
    chat = ChatOpenAI(
        model="gpt-4o-mini",
        base_url=server.base_url,
        api_key=API_KEY,
        max_retries=0,
        timeout=TIMEOUT_S,
    )
    return LangChainCoachModel(
        chat,
        load_prompts(DEFAULT_PROMPTS_DIR),
        timeout_s=TIMEOUT_S,
        model_name="openai:gpt-4o-mini",
        recorder=metrics,
    )


@pytest.fixture
def llm_coach(
    framework: Framework,
    clock: FakeClock,
    repository: InMemoryReflectionRepository,
    openai_server: FakeOpenAI,
    metrics: LlmMetrics,
    budget: InMemoryCallBudget,
    memory: InMemoryCoachMemory,
) -> Iterator[ReflectionService]:
    model = make_model(openai_server, metrics)
    yield ReflectionService(
        framework=framework,
        questions=load_question_bank(),
        texts=load_coach_texts(),
        repository=repository,
        retriever=KeywordRetriever(framework),
        clock=clock,
        model=model,
        budget=budget,
        memory=memory,
    )
    model.close()
