"""A small in-memory BM25 index, for the exact words that embeddings blur."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

_WORD = re.compile(r"[a-z0-9]+")
# Apostrophes are dropped before matching, so "don't" is "dont".
_STOPWORD_TEXT = """
    a about after all also am an and any are as at be because been but by can cant could did
    didnt do does doesnt doing dont down each even every for from get got had has have having he
    her him his how i if im in into is isnt it its ive just like me more most much my no not now
    of off on once one only or other our out over own really same she should so some still such
    than that the their them then there these they this those through to too under until up us
    very was we were what when where which while who why will with wont would you your
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ers", "ed", "er", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, crudely stemmed content words."""
    words = _WORD.findall(text.lower().replace("'", ""))
    return [_stem(word) for word in words if word not in _STOPWORDS and len(word) > 1]


class BM25:
    """Okapi BM25 (rank-bm25) over a fixed list of texts, tokenized as above."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._index = BM25Okapi([tokenize(text) or [""] for text in texts])

    def scores(self, query: str) -> npt.NDArray[np.float64]:
        """One score per text, in the order the texts were given."""
        return np.asarray(self._index.get_scores(tokenize(query)))
