"""The Leading Improvement Framework as typed, immutable domain data."""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Enrichment(_Frozen):
    """Text written for LIF Coach about one attribute; not the framework's own words."""

    description: str
    why_it_matters: str
    example_situations: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


class Attribute(_Frozen):
    """One of the 29 attributes; `statement` is the framework's own text, verbatim."""

    id: str
    domain_id: str
    position: int
    statement: str
    short_name: str
    enrichment: Enrichment


class Domain(_Frozen):
    """One of the three domains, with its lead-in and attributes in framework order."""

    id: str
    name: str
    lead_in: str
    attributes: tuple[Attribute, ...]


class Section(_Frozen):
    """A section of the framework's own text (what it is, when and how to use it)."""

    id: str
    title: str
    text: str


class Framework(_Frozen):
    """The whole framework: domains, attributes and the framework's own sections."""

    name: str
    version: str
    source: str
    sections: tuple[Section, ...]
    domains: tuple[Domain, ...]

    def attributes(self, domain_id: str | None = None) -> list[Attribute]:
        """All attributes in framework order, or those of one domain."""
        return [
            attribute
            for domain in self.domains
            if domain_id in (None, domain.id)
            for attribute in domain.attributes
        ]

    def attribute(self, attribute_id: str) -> Attribute:
        """The attribute with this id; KeyError when there is none."""
        return self._by_id[attribute_id]

    @cached_property
    def _by_id(self) -> dict[str, Attribute]:
        """Attributes by id, built on first use (looked up for every message rendered)."""
        return {attribute.id: attribute for attribute in self.attributes()}

    def has_attribute(self, attribute_id: str) -> bool:
        """Whether this id names an attribute of the framework."""
        return attribute_id in self._by_id

    def domain(self, domain_id: str) -> Domain:
        """The domain with this id; KeyError when there is none."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def section(self, section_id: str) -> Section:
        """The framework's own section with this id."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


class Question(_Frozen):
    """A reflective question from the curated bank."""

    id: str
    attribute_id: str
    stage: str
    text: str


class RatingLevel(_Frozen):
    """One point of the 1-5 self-rating scale."""

    value: int
    label: str
    description: str


class QuestionBank(_Frozen):
    """The curated questions (at least two per attribute) and the rating scale."""

    model_name: str
    rating_question: str
    rating_scale: tuple[RatingLevel, ...]
    questions: dict[str, tuple[Question, ...]]
    # The What asked after a rating of at most `low_rating_at_most`, when nothing is written yet.
    low_rating_what: str = ""
    low_rating_at_most: int = 0

    def for_attribute(self, attribute_id: str) -> tuple[Question, ...]:
        """The questions about one attribute."""
        return self.questions.get(attribute_id, ())

    def for_stage(self, attribute_id: str, stage: str) -> Question | None:
        """The attribute's question at one stage of the cycle, or None."""
        return next((q for q in self.for_attribute(attribute_id) if q.stage == stage), None)

    def label(self, rating: int) -> str:
        """The label of a rating value, e.g. 2 -> 'Emerging'."""
        return next(level.label for level in self.rating_scale if level.value == rating)

    @property
    def ratings(self) -> range:
        """The valid rating values."""
        values = [level.value for level in self.rating_scale]
        return range(min(values), max(values) + 1)
