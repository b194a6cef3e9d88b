"""The Slack adapter: the only code that imports slack_bolt or slack_sdk.

Build with `make_slack_app` / `make_asgi_app`, run with `serve`; nothing is built at import.
"""
