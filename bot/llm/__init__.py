"""The optional language-model coach: LangChain adapters for the coaching domain's CoachModel."""

from bot.llm.factory import make_coach_model

__all__ = ["make_coach_model"]
