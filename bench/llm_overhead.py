"""LLM call overhead: our question call through LangChain vs bare HTTP, against a local server.

Run from the repository root:  .venv/bin/python -m bench.llm_overhead [--calls 200]

Every client sends the same kind of chat completion to the same local OpenAI-compatible server
(tests/llm/fake_openai.py, which answers at once), so the differences are client-side overhead:
building the prompt, LangChain's runnable and callback machinery, the openai SDK, and our
deadline thread and usage recording. Prints a markdown table; the ratio is against bare httpx.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import httpx
import openai
from langchain_openai import ChatOpenAI

from bot.coaching.ports import EarlierAnswer, QuestionRequest, SummaryRequest
from bot.content import DEFAULT_PROMPTS_DIR
from bot.llm.coach import LangChainCoachModel
from bot.llm.metrics import LlmMetrics
from bot.llm.prompts import load_prompts
from tests.llm.fake_openai import API_KEY, FakeOpenAI, Reply

MODEL = "gpt-4o-mini"
EARLIER = tuple(
    EarlierAnswer(
        attribute_id=f"L{n}",
        statement="Strategically influences and engages others.",
        rating=n % 5 + 1,
        text="We tried a new huddle and the team liked it, but I struggled to keep it going.",
    )
    for n in range(1, 7)
)
REQUEST = QuestionRequest(
    attribute_id="L7",
    statement="Builds and maintains effective teams.",
    context="Teams that trust each other improve faster.",
    role="ward manager",
    earlier=EARLIER,
    bank_question="Think of a recent time your team pulled together. What did you do?",
)


def _responder(request: dict) -> Reply:
    if "response_format" in request:
        return Reply.json({"priorities": []})
    return Reply.text("What happened the last time your team pulled together?")


def _timed(call: Callable[[], object], calls: int) -> list[float]:
    for _ in range(min(10, calls)):  # warm up connection pools, imports and caches
        call()
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _clients(server: FakeOpenAI) -> dict[str, Callable[[], object]]:
    prompts = load_prompts(DEFAULT_PROMPTS_DIR)
    messages = prompts["question"].format_messages(
        attribute_id="L7", statement="s", context="c", role="r", earlier="e", bank_question="b"
    )
    payload = {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": messages[0].content},
            {"role": "user", "content": messages[1].content},
        ],
    }
    http = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {API_KEY}"})
    sdk = openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0)
    chat = ChatOpenAI(model=MODEL, base_url=server.base_url, api_key=API_KEY, max_retries=0)
    ours = LangChainCoachModel(
        chat, prompts, timeout_s=5, model_name=f"openai:{MODEL}", recorder=LlmMetrics()
    )
    summary = SummaryRequest(answers=EARLIER, role="ward manager", count=3, suggested=("L1",))
    return {
        "bare httpx POST": lambda: http.post("/chat/completions", json=payload).json(),
        "openai SDK create": lambda: sdk.chat.completions.create(**payload),
        "ChatOpenAI.invoke": lambda: chat.invoke(messages),
        "ours: question (prompt + deadline + usage)": lambda: ours.question(REQUEST),
        "ours: summary (structured output)": lambda: ours.summary(summary),
    }


def main() -> None:
    """Time each client against the local server and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per client (default 200)")
    args = parser.parse_args()
    with FakeOpenAI(responder=_responder) as server:
        results = {name: _timed(call, args.calls) for name, call in _clients(server).items()}
    base = statistics.median(results["bare httpx POST"])
    print(f"\n{args.calls} calls per client to a local OpenAI-compatible server\n")
    print("| client | p50 ms | p95 ms | mean ms | p50 vs bare httpx |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, timings in results.items():
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"| {name} | {p50:.2f} | {p95:.2f} | {statistics.fmean(timings):.2f} "
            f"| {p50 / base:.2f}x (+{p50 - base:.2f} ms) |"
        )


if __name__ == "__main__":
    main()
