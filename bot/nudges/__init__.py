"""Sending follow-up messages: the dispatcher and senders that need no chat platform."""
