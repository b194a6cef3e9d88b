"""Hypothesis strategies for the text a hostile or unlucky Slack user might send."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Text Slack can deliver that has tripped parsers elsewhere: markup, controls, direction marks.
NASTY = [
    "",
    " ",
    "\x00",
    "\u202eedisrever\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "👩🏽‍⚕️🏥" * 50,
    "<@U123|someone> <!channel> <#C1|ward> <https://x.test|link>",
    "*bold* _it_ ~s~ `code` ```block```",
    '{"r": "x", "a": "L1", "c": null, "t": 1}',
    "[[[[[[[[[[[[[[[[[[[[",
    "9" * 400,
    "-1e309",
    "NaN",
    "lif.rate.1|lif.rate.2",
    "a|b|c|d|e|f",
    "|||",
    "resume resume",
    "--start--",
    "x" * 40_000,
]


def hostile_text() -> st.SearchStrategy[str]:
    """Random unicode, known-nasty strings, and giants, in one strategy."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=200),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=60).map(lambda s: s * 700),
        st.integers().map(str),
        st.floats().map(str),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, nested a little: what a missing or mangled payload field might hold."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), hostile_text())
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=6,
    )
