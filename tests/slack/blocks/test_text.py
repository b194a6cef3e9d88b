"""Escaping and cutting: echoed words can't ping anyone and always fit."""

from __future__ import annotations

import pytest

from bot.slack.blocks.text import CUT_MARKER, cut, escape, mrkdwn, slack_length, unescape


def test_escape_neutralises_mentions_broadcasts_and_links() -> None:
    assert escape("<!channel> <@U123> <https://evil.example|here> & co") == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|here&gt; &amp; co"
    )


def test_unescape_gives_back_what_the_person_typed() -> None:
    typed = "a < b && c > d &lt; literally"
    assert unescape(escape(typed)) == typed


def test_short_text_is_left_alone() -> None:
    assert cut("Builds relationships", 75) == "Builds relationships"


def test_long_text_is_cut_to_the_limit_with_a_visible_marker() -> None:
    cut_text = cut("word " * 1_000, 3_000)
    assert slack_length(cut_text) <= 3_000
    assert cut_text.endswith(CUT_MARKER)


def test_emoji_count_as_slack_counts_them_and_are_never_split() -> None:
    text = "🏥" * 100  # each is two UTF-16 units
    cut_text = cut(text, 75)
    assert slack_length(cut_text) <= 75
    assert cut_text.removesuffix(CUT_MARKER).strip("🏥") == ""


def test_right_to_left_text_is_cut_like_any_other() -> None:
    text = "עבדנו על זה יחד مع الفريق " * 200
    assert slack_length(mrkdwn(text, 300)) <= 300


@pytest.mark.parametrize("limit", range(20, 40))
def test_a_cut_never_leaves_half_an_entity(limit: int) -> None:
    cut_text = mrkdwn("<" * 100 + "&" * 100, limit)
    body = cut_text.removesuffix(CUT_MARKER)
    assert body.replace("&lt;", "").replace("&amp;", "") == ""
