"""The reflection engine: every action a person can take, channel-independent."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence

from bot.coaching import asking, connections, cycle, distress, guard
from bot.coaching import priorities as ranking
from bot.coaching.assist import ModelCoach
from bot.coaching.errors import (
    AlreadyFinished,
    InvalidInput,
    NotFound,
    NotYours,
    PatientDataWarning,
    UnfinishedReflection,
)
from bot.coaching.framework import Attribute, Framework, QuestionBank
from bot.coaching.guard import PatientDataChoice
from bot.coaching.models import (
    SCOPES,
    Answer,
    Mode,
    Person,
    PriorityArea,
    Reflection,
    Status,
)
from bot.coaching.ports import (
    CallBudget,
    Clock,
    CoachMemory,
    CoachModel,
    ReflectionRepository,
    Retriever,
)
from bot.coaching.revisions import Revisions
from bot.coaching.stepping import Stepper, mode_of
from bot.coaching.views import (
    AskView,
    Introduction,
    Outcome,
    PriorityView,
    RelatedLink,
    Reply,
    ResumeInfo,
    StepView,
    SummaryView,
)

logger = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 40_000  # what Slack allows in one message
MAX_GOAL_CHARS = 3_000  # what a Slack text input allows
MINUTES_PER_ATTRIBUTE = 1


class ReflectionService:
    """Drives reflections: start, answer, move around, summarise, confirm."""

    def __init__(
        self,
        *,
        framework: Framework,
        questions: QuestionBank,
        texts: Mapping[str, str],
        repository: ReflectionRepository,
        retriever: Retriever,
        clock: Clock,
        model: CoachModel | None = None,
        budget: CallBudget | None = None,
        memory: CoachMemory | None = None,
        support_contacts: Sequence[str] = (),
    ) -> None:
        self.framework = framework
        self.questions = questions
        self.texts = texts
        self.repository = repository
        self.retriever = retriever
        self.clock = clock
        self.support_contacts = tuple(support_contacts)  # empty: the defaults in prompts/
        self.assist: ModelCoach | None = None  # None: the offline coach, with no model at all
        if model is not None:
            if budget is None or memory is None:
                raise ValueError("a model needs a call budget and a coach memory")
            self.assist = ModelCoach(
                model=model,
                budget=budget,
                memory=memory,
                framework=framework,
                texts=texts,
                clock=clock,
            )
        self.stepper = Stepper(
            framework=framework,
            questions=questions,
            texts=texts,
            retriever=retriever,
            clock=clock,
            assist=self.assist,
        )
        # Edits and deletions of messages that were part of an answer (Slack DMs).
        self.revisions = Revisions(
            repository=repository, clock=clock, texts=texts, reword=self._priority
        )

    # -- starting -------------------------------------------------------------------------

    def introduction(self, person: Person) -> Introduction:
        """What the framework is, what to expect, and any reflection to resume."""
        framework = self.framework
        domain_size = max(len(d.attributes) for d in framework.domains)
        return Introduction(
            framework_name=framework.name,
            what_is_it=framework.section("what_is_it").text,
            intersection=framework.section("intersection").text,
            how_to_use=framework.section("how_to_use").text,
            coach_intro=self.texts["introduction"],
            time_estimate=self.texts["time_estimate"].format(
                minutes_all=len(framework.attributes()) * MINUTES_PER_ATTRIBUTE,
                minutes_domain=f"{domain_size * MINUTES_PER_ATTRIBUTE} minutes",
            ),
            privacy=self.texts["privacy"],
            domains=[(d.id, d.name, len(d.attributes)) for d in framework.domains],
            resume=self.resume_info(person),
            has_summary=self.repository.latest_completed_for(person) is not None,
            role_question=self.assist.role_question(person) if self.assist else None,
            mode=self.repository.mode_for(person),
            set_aside=self.set_aside(person),
        )

    def set_role(self, person: Person, role: str) -> None:
        """Remember the person's role for the AI coach ("" skips the question for good)."""
        if self.assist is not None:
            self.assist.set_role(person, role)

    def resume_info(self, person: Person) -> ResumeInfo | None:
        """The person's unfinished reflection, described, or None."""
        reflection = self.repository.active_for(person)
        return self._described(reflection) if reflection else None

    def set_aside(self, person: Person) -> list[ResumeInfo]:
        """The reflections set aside for a newer one, most recently set aside first."""
        found = sorted(self.repository.set_aside_for(person), key=lambda r: r.updated_at)
        return [self._described(r) for r in reversed(found)]

    def _described(self, reflection: Reflection) -> ResumeInfo:
        return self.stepper.describe(reflection, self.scope_name(reflection.scope))

    def scope_name(self, scope: str) -> str:
        """A person-facing name for a scope: 'all three domains' or a domain's name."""
        if scope in ("all", "priorities"):
            return "all three domains" if scope == "all" else "your priority areas"
        return self.framework.domain(scope).name

    def start(
        self,
        person: Person,
        scope: str = "all",
        *,
        mode: Mode | str | None = None,
        set_aside: bool = False,
    ) -> StepView:
        """Begin a new reflection, quick or deep (by default the way the person last reflected).

        With one unfinished, raises UnfinishedReflection (asking: resume it, or start anew?)
        unless `set_aside`: then it is set aside, whole, and can be reopened later.
        """
        if scope not in SCOPES:
            raise InvalidInput(f"'{scope}' is not a domain. Choose one of: {', '.join(SCOPES)}.")
        chosen = mode_of(mode) if mode else self.repository.mode_for(person) or Mode.QUICK
        attribute_ids = self._scope_attributes(person, scope)
        previous = self.repository.active_for(person)
        if previous is not None and not set_aside:
            question = self.stepper.describe(previous, self.scope_name(previous.scope)).question
            raise UnfinishedReflection(question, reflection_id=previous.id, scope=previous.scope)
        if previous is not None:
            self._set_aside(previous)
        now = self.clock.now()
        reflection = Reflection(
            id=str(uuid.uuid4()),
            person=person,
            scope=scope,
            framework_version=self.framework.version,
            attribute_ids=attribute_ids,
            mode=chosen,
            started_at=now,
            updated_at=now,
        )
        self.repository.add(reflection)
        return self.stepper.step(reflection)

    def _set_aside(self, reflection: Reflection) -> None:
        reflection.status = Status.ABANDONED
        self._save(reflection)

    def reopen(self, person: Person, reflection_id: str) -> Outcome:
        """Carry on with a reflection set aside; one unfinished meanwhile is set aside instead."""
        reflection = self._load(person, reflection_id)
        if reflection.status != Status.ABANDONED:
            return self._outcome(self._load_open(person, reflection_id))
        active = self.repository.active_for(person)
        if active is not None:
            self._set_aside(active)
        reflection.status = Status.REVIEWING if reflection.summary else Status.IN_PROGRESS
        self._save(reflection)
        return self._outcome(reflection)

    def set_mode(self, person: Person, reflection_id: str, mode: Mode | str) -> Outcome:
        """Go on quick or deep from here; the next reflection starts the same way."""
        reflection = self._load_open(person, reflection_id)
        reflection.mode = mode_of(mode)
        return self._advance(reflection)

    def _scope_attributes(self, person: Person, scope: str) -> list[str]:
        """The attributes a new reflection walks through, in framework order."""
        if scope != "priorities":
            return [a.id for a in self.framework.attributes(None if scope == "all" else scope)]
        last = self.repository.latest_completed_for(person)
        chosen = (
            {p.attribute_id for p in last.summary.priorities} if last and last.summary else set()
        )
        if not chosen:
            raise InvalidInput(
                "You have no confirmed priority areas yet to reflect on again: "
                "finish a reflection first."
            )
        return [a.id for a in self.framework.attributes() if a.id in chosen]

    def resume(self, person: Person) -> Outcome:
        """Where the person left off in their unfinished reflection."""
        reflection = self.repository.active_for(person)
        if reflection is None:
            raise NotFound("You have no unfinished reflection. Start a new one whenever you like.")
        return self._outcome(reflection)

    def current(self, person: Person, reflection_id: str) -> Outcome:
        """The step (or summary) a reflection is at now."""
        return self._outcome(self._load(person, reflection_id))

    # -- answering ------------------------------------------------------------------------

    def rate(self, person: Person, reflection_id: str, attribute_id: str, rating: int) -> Outcome:
        """Record a self-rating for the current attribute; on to what the cycle asks next."""
        reflection = self._load_open(person, reflection_id)
        self.stepper.require_current(reflection, attribute_id)
        if isinstance(rating, bool) or rating not in self.questions.ratings:
            low, high = self.questions.ratings[0], self.questions.ratings[-1]
            raise InvalidInput(
                f"A rating is a whole number from {low} to {high}; nothing was saved."
            )
        answer = self.stepper.answer(reflection, attribute_id)
        answer.rating, answer.skipped = rating, False
        return self._advance(reflection)

    def skip(self, person: Person, reflection_id: str, attribute_id: str) -> Outcome:
        """Move on from the current attribute (unrated if it has no rating); any text stays."""
        reflection = self._load_open(person, reflection_id)
        self.stepper.require_current(reflection, attribute_id)
        cycle.skip_attribute(self.stepper.answer(reflection, attribute_id), reflection.mode)
        return self._advance(reflection)

    def skip_question(
        self, person: Person, reflection_id: str, attribute_id: str, *, stage: str | None = None
    ) -> Outcome:
        """Leave the question asked now (at `stage`, if named) unanswered; on to the next one."""
        reflection = self._load_open(person, reflection_id)
        self.stepper.require_current(reflection, attribute_id, stage=stage)
        answer = self.stepper.answer(reflection, attribute_id)
        if cycle.skip_stage(answer, reflection.mode) is None and answer.rating is None:
            raise InvalidInput("Only the rating is left here: choose one, or skip the attribute.")
        return self._advance(reflection)

    def write(
        self,
        person: Person,
        reflection_id: str,
        attribute_id: str,
        text: str,
        *,
        patient_data: PatientDataChoice | str = PatientDataChoice.CHECK,
    ) -> list[RelatedLink]:
        """Add free text to a reached attribute (see `reply`); other attributes it touches."""
        return self.reply(
            person, reflection_id, attribute_id, text, patient_data=patient_data
        ).links

    def reply(
        self,
        person: Person,
        reflection_id: str,
        attribute_id: str,
        text: str,
        *,
        patient_data: PatientDataChoice | str = PatientDataChoice.CHECK,
        source: str | None = None,
    ) -> Reply:
        """Add the person's words to the question asked at a reached attribute, never replacing.

        A reply at a stage already answered is added to it. `source` (a Slack DM's ts) lets an
        edit or a deletion of that message change this part later. Raises PatientDataWarning,
        saving nothing, when the text looks like it holds patient data, unless `patient_data`
        is "redact" (save it redacted) or "keep" (save as written).
        """
        reflection = self._load_open(person, reflection_id)
        self.stepper.require_reached(reflection, attribute_id)
        if len(text) > MAX_ANSWER_CHARS:
            raise InvalidInput(
                f"That reflection is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
                "Nothing was saved: please shorten it and send it again."
            )
        text = self._guarded(text, patient_data).replace("\x00", "")  # PostgreSQL refuses NUL
        due = not distress.signposted(reflection) and distress.shows_distress(text)
        answer = self.stepper.answer(reflection, attribute_id)
        finished = self.stepper.is_complete(reflection, attribute_id)  # words added on going back
        stage, added = cycle.add_words(
            answer, text, mode=reflection.mode, source=source, now=self.clock.now()
        )
        links = self._links(answer.text, attribute_id)
        answer.related_attribute_ids = [link.attribute.id for link in links]
        if finished:
            self._save(reflection)
        outcome = self._outcome(reflection) if finished else self._advance(reflection)
        return Reply(
            links=links,
            added=added,
            stage=stage,
            notice=self.texts["added_words" if added else "saved_words"],
            outcome=outcome,
            # Once per reflection, derived from the answers saved before (bot.coaching.distress).
            signpost=distress.signpost(self.texts, self.support_contacts) if due else None,
        )

    def follow_up(self, person: Person, reflection_id: str, attribute_id: str) -> str | None:
        """The AI coach's one follow-up question on a short or vague written answer, or None.

        Call it after `write`, off any request-acknowledgement path: it may call the model.
        """
        reflection = self._load_open(person, reflection_id)
        self.stepper.require_reached(reflection, attribute_id)
        if self.assist is None or reflection.mode == Mode.DEEP:  # deep: the cycle follows up
            return None
        bank = self.stepper.bank_what(reflection, attribute_id)
        return self.assist.follow_up(reflection, attribute_id, bank.text)

    def ask(self, person: Person, question: str) -> AskView:
        """Answer a question about the framework from its passages; declines clinical ones."""
        return asking.answer(
            question,
            framework=self.framework,
            retriever=self.retriever,
            texts=self.texts,
            assist=self.assist,
            person=person,
        )

    def back(self, person: Person, reflection_id: str) -> StepView:
        """Go back one step to change an earlier rating or answer."""
        reflection = self._load_open(person, reflection_id)
        if reflection.cursor == 0:
            raise InvalidInput("This is the first step: there is nothing before it.")
        return self._move_to(reflection, reflection.cursor - 1)

    def go_to(self, person: Person, reflection_id: str, attribute_id: str) -> StepView:
        """Go to an attribute already reached, to change its rating or answer."""
        reflection = self._load_open(person, reflection_id)
        self.stepper.require_reached(reflection, attribute_id)
        return self._move_to(reflection, reflection.attribute_ids.index(attribute_id))

    def pause(self, person: Person, reflection_id: str) -> ResumeInfo:
        """Stop for now; everything is already saved, so this only confirms where to resume."""
        reflection = self._load_open(person, reflection_id)
        info = self.resume_info(person)
        if info is None or info.reflection_id != reflection.id:
            raise AlreadyFinished("This reflection is already finished; there is nothing to pause.")
        return info

    # -- the summary ----------------------------------------------------------------------

    def summary(self, person: Person, reflection_id: str) -> SummaryView:
        """The priority areas of a reflection that has reached its end."""
        reflection = self._load(person, reflection_id)
        if reflection.summary is None:
            raise InvalidInput("This reflection has no summary yet: finish its steps first.")
        return self._summary_view(reflection)

    def last_summary(self, person: Person) -> SummaryView | None:
        """The person's most recent confirmed priority areas, or None."""
        reflection = self.repository.latest_completed_for(person)
        return self._summary_view(reflection) if reflection else None

    def confirm(self, person: Person, reflection_id: str) -> SummaryView:
        """Accept the priority areas; the reflection is then complete."""
        reflection = self._load_reviewing(person, reflection_id)
        assert reflection.summary is not None
        if not reflection.summary.priorities:
            raise InvalidInput("There are no priority areas to confirm: add one first.")
        now = self.clock.now()
        reflection.summary.confirmed_at = now
        reflection.status, reflection.completed_at = Status.COMPLETED, now
        return self._save_summary(reflection)

    def swap(
        self, person: Person, reflection_id: str, attribute_id: str, replacement_id: str
    ) -> SummaryView:
        """Replace one priority area with another attribute, of any domain."""
        reflection = self._load_reviewing(person, reflection_id)
        summary = reflection.summary
        assert summary is not None
        index = self._priority_index(reflection, attribute_id)
        self._require_in_framework(replacement_id)
        if any(p.attribute_id == replacement_id for p in summary.priorities):
            raise InvalidInput(f"{replacement_id} is already one of your priority areas.")
        summary.priorities[index] = self._priority(reflection, replacement_id)
        summary.candidates = [c for c in summary.candidates if c != replacement_id]
        summary.candidates.insert(0, attribute_id)
        return self._save_summary(reflection)

    def add_priority(self, person: Person, reflection_id: str, attribute_id: str) -> SummaryView:
        """Add a further priority area: any attribute, first of all those the coach suggested."""
        reflection = self._load_reviewing(person, reflection_id)
        summary = reflection.summary
        assert summary is not None
        self._require_in_framework(attribute_id)
        if any(p.attribute_id == attribute_id for p in summary.priorities):
            raise InvalidInput(f"{attribute_id} is already one of your priority areas.")
        summary.priorities.append(self._priority(reflection, attribute_id))
        summary.candidates = [c for c in summary.candidates if c != attribute_id]
        return self._save_summary(reflection)

    def drop(self, person: Person, reflection_id: str, attribute_id: str) -> SummaryView:
        """Remove a priority area; it goes back to the candidates."""
        reflection = self._load_reviewing(person, reflection_id)
        summary = reflection.summary
        assert summary is not None
        index = self._priority_index(reflection, attribute_id)
        summary.priorities.pop(index)
        summary.candidates.insert(0, attribute_id)
        return self._save_summary(reflection)

    def set_goal(
        self,
        person: Person,
        reflection_id: str,
        attribute_id: str,
        goal: str,
        *,
        patient_data: PatientDataChoice | str = PatientDataChoice.CHECK,
    ) -> SummaryView:
        """Add or change the goal of a priority area, also after confirming (guarded as write)."""
        reflection = self._load(person, reflection_id)
        if reflection.summary is None or reflection.status == Status.ABANDONED:
            raise AlreadyFinished("Goals belong to the priority areas of a finished reflection.")
        if len(goal) > MAX_GOAL_CHARS:
            raise InvalidInput(
                f"That goal is {len(goal):,} characters; the limit is {MAX_GOAL_CHARS:,}. "
                "Nothing was saved."
            )
        index = self._priority_index(reflection, attribute_id)
        goal = self._guarded(goal, patient_data)
        reflection.summary.priorities[index].goal = goal.strip() or None
        return self._save_summary(reflection)

    # -- internals ------------------------------------------------------------------------

    def _guarded(self, text: str, choice: PatientDataChoice | str) -> str:
        """The text to store, after the patient-data guard; warns unless told what to do."""
        result = guard.check(text)
        choice = PatientDataChoice(choice)
        if not result.found or choice == PatientDataChoice.KEEP:
            if result.found:
                logger.info("text kept as written despite findings: %s", ",".join(result.kinds))
            return text
        if choice == PatientDataChoice.REDACT:
            return result.redacted
        message = self.texts["patient_data_warning"].format(kinds=guard.describe(result.kinds))
        raise PatientDataWarning(message, kinds=result.kinds, redacted=result.redacted)

    def _load(self, person: Person, reflection_id: str) -> Reflection:
        reflection = self.repository.get(reflection_id)
        if reflection is None:
            raise NotFound("That reflection no longer exists.")
        if reflection.person != person:
            raise NotYours("That reflection belongs to someone else, so it can't be changed here.")
        return reflection

    def _load_open(self, person: Person, reflection_id: str) -> Reflection:
        reflection = self._load(person, reflection_id)
        if reflection.status == Status.COMPLETED:
            raise AlreadyFinished(
                "That reflection is finished and its priorities confirmed. "
                "Start a new one to reflect again."
            )
        if reflection.status == Status.ABANDONED:
            raise AlreadyFinished(
                "That reflection was replaced by a newer one, so it can't be changed."
            )
        return reflection

    def _load_reviewing(self, person: Person, reflection_id: str) -> Reflection:
        reflection = self._load_open(person, reflection_id)
        if reflection.status != Status.REVIEWING or reflection.summary is None:
            raise InvalidInput("Priority areas come at the end: finish the remaining steps first.")
        return reflection

    def _require_in_framework(self, attribute_id: str) -> None:
        if not self.framework.has_attribute(attribute_id):
            raise InvalidInput(f"'{attribute_id}' is not an attribute of the framework.")

    def _advance(self, reflection: Reflection) -> Outcome:
        notice = None
        if self.stepper.advance(reflection):  # every step seen: propose the priority areas
            reflection.status = Status.REVIEWING
            reflection.summary = ranking.propose_summary(
                reflection, self.framework, self.questions, self.texts, self.clock.now()
            )
            if self.assist is not None:
                reflection.summary, notice = self.assist.summary(reflection, reflection.summary)
        self._save(reflection)
        outcome = self._outcome(reflection)
        return outcome.model_copy(update={"fallback_notice": notice}) if notice else outcome

    def _move_to(self, reflection: Reflection, cursor: int) -> StepView:
        reflection.cursor = cursor
        reflection.status, reflection.summary = Status.IN_PROGRESS, None
        self._save(reflection)
        return self.stepper.step(reflection)

    def _save(self, reflection: Reflection) -> None:
        reflection.updated_at = self.clock.now()
        saved = self.repository.save(reflection)
        reflection.version = saved.version

    def _save_summary(self, reflection: Reflection) -> SummaryView:
        ranking.refresh_domain_note(reflection, self.framework, self.texts)  # after an edit
        self._save(reflection)
        return self._summary_view(reflection)

    def _outcome(self, reflection: Reflection) -> Outcome:
        if reflection.current_attribute_id is None:
            return self._summary_view(reflection)
        return self.stepper.step(reflection)

    def _links(self, text: str, attribute_id: str) -> list[RelatedLink]:
        if len(text.split()) < 6:
            return []
        try:
            passages = self.retriever.search(text, k=3)
        except Exception:
            logger.exception("linking retrieval failed for %s", attribute_id)
            return []
        top = [p.attribute_id for p in passages[:2] if p.attribute_id]
        return [self._link(self.framework.attribute(a)) for a in top if a != attribute_id][:1]

    def _link(self, attribute: Attribute) -> RelatedLink:
        message = self.texts["also_sounds_like"].format(
            attribute_id=attribute.id,
            short_name=attribute.short_name,
            statement=attribute.statement,
        )
        return RelatedLink(attribute=attribute, message=message)

    def _priority(self, reflection: Reflection, attribute_id: str) -> PriorityArea:
        if attribute_id not in reflection.attribute_ids:  # suggested by the coach, or chosen
            return connections.outside_priority(
                reflection, attribute_id, self.framework, self.texts
            )
        answer = reflection.answers.get(attribute_id) or Answer(
            attribute_id=attribute_id, updated_at=self.clock.now()
        )
        text, quote = ranking.rationale(answer, self.framework, self.questions, self.texts)
        return PriorityArea(attribute_id=attribute_id, rationale=text, quote=quote)

    def _priority_index(self, reflection: Reflection, attribute_id: str) -> int:
        assert reflection.summary is not None
        for index, priority in enumerate(reflection.summary.priorities):
            if priority.attribute_id == attribute_id:
                return index
        raise InvalidInput(f"{attribute_id} is not one of your priority areas.")

    def _summary_view(self, reflection: Reflection) -> SummaryView:
        summary = reflection.summary
        assert summary is not None
        priorities = []
        for rank, priority in enumerate(summary.priorities, start=1):
            attribute = self.framework.attribute(priority.attribute_id)
            answer = reflection.answers.get(priority.attribute_id)
            priorities.append(
                PriorityView(
                    rank=rank,
                    attribute=attribute,
                    domain_name=self.framework.domain(attribute.domain_id).name,
                    rationale=priority.rationale,
                    quote=priority.quote,
                    goal=priority.goal,
                    rating=answer.rating if answer else None,
                )
            )
        return SummaryView(
            reflection_id=reflection.id,
            scope=reflection.scope,
            confirmed=reflection.status == Status.COMPLETED,
            priorities=priorities,
            candidates=[self.framework.attribute(c) for c in summary.candidates],
            domain_note=summary.domain_note,
            summary=summary,
            offers=connections.offers(reflection, self.framework, self.texts),
        )
