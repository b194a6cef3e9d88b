"""A fixed encryption key for tests that build engines by hand (build_coach makes its own)."""

from __future__ import annotations

from bot.storage.crypto import Cipher

TEST_KEY = "o1qP6oISskmN9mDwz5dJSs85Jxi7fzFaAd6exENHuVE="


def make_test_cipher() -> Cipher:
    """The cipher of TEST_KEY: what LIF_ENCRYPTION_KEY=TEST_KEY would give."""
    return Cipher([TEST_KEY])
