"""Before and after: how a person's self-ratings moved between two reflections."""

from __future__ import annotations

from bot.coaching.followup.views import RatingChange, RatingComparison
from bot.coaching.framework import Framework
from bot.coaching.models import Reflection


def ratings_of(reflection: Reflection) -> dict[str, int | None]:
    """Attribute id -> self-rating (None when skipped) for every attribute of a reflection."""
    return {
        attribute_id: (answer.rating if (answer := reflection.answers.get(attribute_id)) else None)
        for attribute_id in reflection.attribute_ids
    }


def compare_ratings(
    before: Reflection, after: Reflection, framework: Framework
) -> RatingComparison:
    """Each attribute either reflection covered, in framework order, with both ratings."""
    earlier, later = ratings_of(before), ratings_of(after)
    changes = [
        RatingChange(
            attribute=attribute,
            domain_name=framework.domain(attribute.domain_id).name,
            before=earlier.get(attribute.id),
            after=later.get(attribute.id),
        )
        for attribute in framework.attributes()
        if attribute.id in earlier or attribute.id in later
    ]
    return RatingComparison(
        before_on=(before.completed_at or before.updated_at).date(),
        after_on=(after.completed_at or after.updated_at).date(),
        changes=changes,
    )
