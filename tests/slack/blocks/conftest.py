"""Views from the real ReflectionService (in memory), and text people really write."""

from __future__ import annotations

import pytest

HOSTILE_TEXTS = [
    "x" * 40_000,
    "We did it 🎉🏥 — finally ✅ " * 1_000,
    "עבדנו על זה יחד مع الفريق " * 1_000,
    "<!channel> see <https://evil.example|this> *bold* `code` <@U123> & <#C1> " * 500,
]


@pytest.fixture(params=HOSTILE_TEXTS, ids=["40k", "emoji", "rtl", "markup"])
def hostile_text(request: pytest.FixtureRequest) -> str:
    return request.param
