"""The coaching domain: pure Python, no Slack, SQLAlchemy, Chroma or LangChain imports."""
