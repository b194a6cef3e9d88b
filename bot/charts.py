"""A person's self-ratings across the 29 attributes, by domain, as a PNG heatmap with alt text.

Pure functions of the data: no files, no global matplotlib state (a Figure on the Agg canvas,
not pyplot), so they are safe in a server thread. matplotlib (about 40 MB resident) is imported
on the first chart, not when the bot starts: many processes never draw one.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.coaching.followup.compare import ratings_of
from bot.coaching.framework import Attribute, Framework
from bot.coaching.models import Reflection

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Ratings 1-5 on a colour-blind-safe sequential scale (viridis, light to dark), plus "not rated".
PALETTE = {1: "#fde725", 2: "#5ec962", 3: "#21918c", 4: "#3b528b", 5: "#440154"}
NOT_RATED = "#e6e6e6"
DARK_CELLS = (3, 4, 5)  # white numbers on these
MAX_COLUMNS = 4


@dataclass(frozen=True)
class RatingSnapshot:
    """One reflection's self-ratings (attribute id -> 1-5, or None when skipped)."""

    taken_on: date
    ratings: Mapping[str, int | None]


@dataclass(frozen=True)
class Chart:
    """A PNG and the text that says what it shows, for screen readers and Slack's alt_text."""

    png: bytes
    alt_text: str


def snapshots_from(reflections: Sequence[Reflection]) -> list[RatingSnapshot]:
    """Snapshots of completed reflections, oldest first."""
    done = sorted(reflections, key=lambda r: r.completed_at or r.updated_at)
    return [
        RatingSnapshot(taken_on=(r.completed_at or r.updated_at).date(), ratings=ratings_of(r))
        for r in done
    ]


def render_ratings_chart(
    framework: Framework,
    snapshots: Sequence[RatingSnapshot],
    labels: Mapping[int, str] | None = None,
) -> Chart:
    """Rows: attributes grouped by domain; columns: reflections, oldest to latest."""
    if not snapshots:
        raise ValueError("a chart needs at least one reflection")
    shown = list(snapshots[-MAX_COLUMNS:])
    rows = _rows(framework, shown)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3.6 + 1.0 * len(shown), 1.6 + 0.3 * len(rows)), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.42, 0.1, 0.5, 0.82))
    _draw_cells(axes, rows, shown)
    _label(axes, framework, rows, shown)
    _legend(figure, labels or {})
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return Chart(png=buffer.getvalue(), alt_text=ratings_alt_text(framework, shown))


def _rows(framework: Framework, snapshots: Sequence[RatingSnapshot]) -> list[Attribute]:
    rated = {a for s in snapshots for a in s.ratings}
    return [a for a in framework.attributes() if a.id in rated]


def _draw_cells(axes: Axes, rows: list[Attribute], snapshots: Sequence[RatingSnapshot]) -> None:
    grid = [[s.ratings.get(a.id) or 0 for s in snapshots] for a in rows]
    from matplotlib.colors import ListedColormap

    colours = ListedColormap([NOT_RATED, *PALETTE.values()])
    axes.imshow(grid, cmap=colours, vmin=-0.5, vmax=5.5, aspect="auto", interpolation="nearest")
    for y, values in enumerate(grid):
        for x, value in enumerate(values):
            colour = "white" if value in DARK_CELLS else "black"
            axes.text(
                x,
                y,
                str(value) if value else "–",
                ha="center",
                va="center",
                fontsize=9,
                color=colour,
            )


def _label(
    axes: Axes, framework: Framework, rows: list[Attribute], snapshots: Sequence[RatingSnapshot]
) -> None:
    axes.set_xticks(range(len(snapshots)))
    axes.set_xticklabels([f"{s.taken_on:%-d %b %Y}" for s in snapshots], fontsize=8)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([f"{a.id} {a.short_name}" for a in rows], fontsize=8)
    axes.tick_params(length=0)
    for domain in framework.domains:
        ys = [y for y, a in enumerate(rows) if a.domain_id == domain.id]
        if not ys:
            continue
        if ys[0]:
            axes.axhline(ys[0] - 0.5, color="white", linewidth=3)
        axes.text(
            len(snapshots) - 0.4,
            (ys[0] + ys[-1]) / 2,
            domain.name,
            rotation=270,
            va="center",
            ha="left",
            fontsize=9,
            fontweight="bold",
        )
    axes.set_title("Self-ratings by attribute", fontsize=11, pad=22)


def _legend(figure: Figure, labels: Mapping[int, str]) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(color=colour, label=f"{value} {labels.get(value, '')}".strip())
        for value, colour in PALETTE.items()
    ]
    handles.append(Patch(color=NOT_RATED, label="– not rated"))
    figure.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)


def ratings_alt_text(framework: Framework, snapshots: Sequence[RatingSnapshot]) -> str:
    """Every rating of the latest reflection by domain, with the earlier one's alongside."""
    latest = snapshots[-1]
    earlier = snapshots[-2] if len(snapshots) > 1 else None
    heading = f"Self-ratings, latest {latest.taken_on:%-d %b %Y}"
    if earlier is not None:
        heading += f" (earlier {earlier.taken_on:%-d %b %Y})"
    parts = []
    for domain in framework.domains:
        items = [
            _alt_item(a.id, latest, earlier)
            for a in domain.attributes
            if a.id in latest.ratings or (earlier and a.id in earlier.ratings)
        ]
        if items:
            parts.append(f"{domain.name}: {', '.join(items)}")
    return f"{heading}: {'; '.join(parts)}."


def _alt_item(attribute_id: str, latest: RatingSnapshot, earlier: RatingSnapshot | None) -> str:
    now = latest.ratings.get(attribute_id)
    text = f"{attribute_id} {now if now else 'not rated'}"
    if earlier is None:
        return text
    before = earlier.ratings.get(attribute_id)
    return f"{text} (was {before if before else 'not rated'})"
