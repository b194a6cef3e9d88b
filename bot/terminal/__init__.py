"""The terminal chat: the coach on the embedded defaults, no Slack needed."""
