"""Edits and deletions of messages that were part of an answer (a Slack DM reply, by its ts).

An edit replaces the part that message contributed; a deletion removes it. Either applies to
the person's reflection wherever it is (in progress, under review, confirmed or set aside), and
a priority area that quoted words no longer there is reworded from what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.coaching import cycle, guard
from bot.coaching.models import Answer, Person, PriorityArea, Reflection
from bot.coaching.ports import Clock, ReflectionRepository
from bot.coaching.views import Revision

Reword = Callable[[Reflection, str], PriorityArea]  # the offline rationale of one attribute


class Revisions:
    """Applies a changed or deleted message to the answer that holds it."""

    def __init__(
        self,
        *,
        repository: ReflectionRepository,
        clock: Clock,
        texts: Mapping[str, str],
        reword: Reword,
    ) -> None:
        self.repository = repository
        self.clock = clock
        self.texts = texts
        self.reword = reword

    def revise(self, person: Person, *, source: str, text: str) -> Revision | None:
        """The edited message's new text replaces its part; None when no answer holds it.

        An edit cannot wait for the person's choice after a patient-data warning, so anything
        the guard finds in it is removed, and the person is told which kinds were.
        """
        found = self._holding(person, source)
        if found is None:
            return None
        reflection, answer = found
        result = guard.check(text)
        cycle.replace_words(answer, source, result.redacted if result.found else text)
        if result.found:
            kinds = guard.describe(result.kinds)
            return self._saved(reflection, answer, self.texts["words_edited_redacted"], kinds)
        return self._saved(reflection, answer, self.texts["words_edited"])

    def retract(self, person: Person, *, source: str) -> Revision | None:
        """The deleted message's part goes from its answer; None when no answer holds it."""
        found = self._holding(person, source)
        if found is None:
            return None
        reflection, answer = found
        cycle.remove_words(answer, source)
        return self._saved(reflection, answer, self.texts["words_deleted"])

    def _holding(self, person: Person, source: str) -> tuple[Reflection, Answer] | None:
        """The person's reflection and answer that hold the message, newest reflection first."""
        for reflection in self.repository.history_for(person):
            for answer in reflection.answers.values():
                if any(part.source == source for part in answer.parts):
                    return reflection, answer
        return None

    def _saved(
        self, reflection: Reflection, answer: Answer, template: str, kinds: str = ""
    ) -> Revision:
        answer.updated_at = reflection.updated_at = self.clock.now()
        priorities = reflection.summary.priorities if reflection.summary else []
        for index, priority in enumerate(priorities):
            if priority.attribute_id != answer.attribute_id or priority.quote is None:
                continue
            if priority.quote not in " ".join(answer.text.split()):
                reworded = self.reword(reflection, answer.attribute_id)
                priorities[index] = reworded.model_copy(update={"goal": priority.goal})
        self.repository.save(reflection)
        return Revision(
            reflection_id=reflection.id,
            attribute_id=answer.attribute_id,
            message=template.format(attribute_id=answer.attribute_id, kinds=kinds),
        )
