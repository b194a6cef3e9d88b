"""A person's self-ratings across the 29 attributes, by domain, as a PNG heatmap with alt text.

Drawn with Pillow and its bundled scalable font (no system fonts), at twice the laid-out size so
it stays crisp on high-density screens. Pure functions of the data: every call makes its own
image and fonts and touches no files, so they are safe in a server thread.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from bot.coaching.followup.compare import ratings_of
from bot.coaching.framework import Attribute, Domain, Framework
from bot.coaching.models import Reflection

# Ratings 1-5 on a colour-blind-safe sequential scale (viridis, light to dark), plus "not rated".
PALETTE = {1: "#fde725", 2: "#5ec962", 3: "#21918c", 4: "#3b528b", 5: "#440154"}
NOT_RATED = "#e6e6e6"
DARK_CELLS = (3, 4, 5)  # white numbers on these
MAX_COLUMNS = 4

SCALE = 2  # pixels per laid-out unit
TITLE = "Self-ratings by attribute"
_INK, _MUTED, _RULE = "#1a1a1a", "#595959", "#c8c8c8"
# Layout, in laid-out units (multiplied by SCALE when drawn).
_MARGIN, _GAP = 16, 2  # around the chart; between cells
_LABEL_WIDTH, _ID_WIDTH = 240, 34  # the attribute column, and its id's share of it
_CELL_WIDTH, _CELL_HEIGHT = 88, 22
_TITLE_HEIGHT, _HEADER_HEIGHT, _DOMAIN_HEIGHT, _DOMAIN_SPACE = 30, 22, 26, 8
_LEGEND_SPACE, _LEGEND_ROW, _SWATCH, _LEGEND_TEXT_WIDTH = 12, 20, 14, 150
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


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
    image = _Drawing(framework, shown, labels or {}).draw()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Chart(png=buffer.getvalue(), alt_text=ratings_alt_text(framework, shown))


def _groups(
    framework: Framework, snapshots: Sequence[RatingSnapshot]
) -> list[tuple[Domain, list[Attribute]]]:
    """Each domain with its attributes that any shown reflection rated (or skipped)."""
    rated = {a for s in snapshots for a in s.ratings}
    groups = [
        (d, [a for a in framework.attributes(d.id) if a.id in rated]) for d in framework.domains
    ]
    return [(domain, rows) for domain, rows in groups if rows]


def _font(size: float) -> _Font:
    return ImageFont.load_default(size=size * SCALE)


def _fit(text: str, font: _Font, width: float) -> str:
    """The text, cut short with an ellipsis if it is wider than width (laid-out units)."""
    if font.getlength(text) <= width * SCALE:
        return text
    while text and font.getlength(text.rstrip(" ,-") + "…") > width * SCALE:
        text = text[:-1]
    if text.rfind(" ") > len(text) / 2:  # end on a whole word when that keeps most of it
        text = text[: text.rfind(" ")]
    return text.rstrip(" ,-") + "…"


class _Drawing:
    """One chart's layout and image, made and used by a single call; units are laid-out ones."""

    def __init__(
        self, framework: Framework, snapshots: list[RatingSnapshot], labels: Mapping[int, str]
    ) -> None:
        self.snapshots = snapshots
        self.groups = _groups(framework, snapshots)
        self.title_font, self.domain_font = _font(16), _font(13)
        self.text_font, self.small_font = _font(12), _font(11)
        keys = [(PALETTE[v], f"{v} {labels.get(v, '')}".strip()) for v in PALETTE]
        self.keys = [
            (colour, _fit(text, self.small_font, _LEGEND_TEXT_WIDTH)) for colour, text in keys
        ]
        self.keys.append((NOT_RATED, "not rated"))
        self.grid_left = _MARGIN + _LABEL_WIDTH
        self.width = self.grid_left + len(snapshots) * (_CELL_WIDTH + _GAP) - _GAP + _MARGIN
        longest = max(self.small_font.getlength(text) for _, text in self.keys) / SCALE
        self.key_width = _SWATCH + 6 + round(longest) + 16
        self.keys_per_row = max(1, (self.width - 2 * _MARGIN + 16) // self.key_width)
        rows = sum(len(attributes) for _, attributes in self.groups)
        height = (
            _MARGIN
            + _TITLE_HEIGHT
            + _HEADER_HEIGHT
            + len(self.groups) * (_DOMAIN_SPACE + _DOMAIN_HEIGHT)
            + rows * (_CELL_HEIGHT + _GAP)
            + _LEGEND_SPACE
            + -(-len(self.keys) // self.keys_per_row) * _LEGEND_ROW
            + _MARGIN
        )
        self.image = Image.new("RGB", (self.width * SCALE, height * SCALE), "white")
        self.pen = ImageDraw.Draw(self.image)

    def draw(self) -> Image.Image:
        self._text((_MARGIN, _MARGIN + 10), TITLE, self.title_font, bold=True)
        y: float = _MARGIN + _TITLE_HEIGHT
        for column, snapshot in enumerate(self.snapshots):
            heading = _fit(f"{snapshot.taken_on:%-d %b %Y}", self.small_font, _CELL_WIDTH)
            middle = (self._column_left(column) + _CELL_WIDTH / 2, y + _HEADER_HEIGHT / 2)
            self._text(middle, heading, self.small_font, anchor="mm", colour=_MUTED)
        y += _HEADER_HEIGHT
        for domain, attributes in self.groups:
            y = self._domain(y + _DOMAIN_SPACE, domain, attributes)
        self._legend(y + _LEGEND_SPACE)
        return self.image

    def _column_left(self, column: int) -> float:
        return self.grid_left + column * (_CELL_WIDTH + _GAP)

    def _domain(self, y: float, domain: Domain, attributes: list[Attribute]) -> float:
        """The domain's heading over a rule, then a row per attribute; returns the y below."""
        name = _fit(domain.name, self.domain_font, self.width - 2 * _MARGIN)
        self._text((_MARGIN, y + _DOMAIN_HEIGHT / 2 - 2), name, self.domain_font, bold=True)
        self._box(
            (_MARGIN, y + _DOMAIN_HEIGHT - 4, self.width - _MARGIN, y + _DOMAIN_HEIGHT - 3.5), _RULE
        )
        y += _DOMAIN_HEIGHT
        for attribute in attributes:
            middle = y + _CELL_HEIGHT / 2
            self._text((_MARGIN, middle), attribute.id, self.text_font, colour=_MUTED)
            name = _fit(attribute.short_name, self.text_font, _LABEL_WIDTH - _ID_WIDTH - 8)
            self._text((_MARGIN + _ID_WIDTH, middle), name, self.text_font)
            for column, snapshot in enumerate(self.snapshots):
                left = self._column_left(column)
                box = (left, y, left + _CELL_WIDTH, y + _CELL_HEIGHT)
                self._cell(box, snapshot.ratings.get(attribute.id))
            y += _CELL_HEIGHT + _GAP
        return y

    def _cell(self, box: tuple[float, float, float, float], rating: int | None) -> None:
        """A box in the rating's colour with the rating in it, or grey with a dash."""
        left, top, right, bottom = box
        x, y = (left + right) / 2, (top + bottom) / 2
        if rating in PALETTE:
            self._box(box, PALETTE[rating])
            ink = "white" if rating in DARK_CELLS else _INK
            self._text((x, y), str(rating), self.text_font, anchor="mm", colour=ink)
        else:
            self._box(box, NOT_RATED)
            self._box((x - 4, y - 0.5, x + 4, y + 0.5), _MUTED)

    def _legend(self, top: float) -> None:
        for n, (colour, text) in enumerate(self.keys):
            row, column = divmod(n, self.keys_per_row)
            left, y = _MARGIN + column * self.key_width, top + row * _LEGEND_ROW + _LEGEND_ROW / 2
            swatch = (left, y - _SWATCH / 2, left + _SWATCH, y + _SWATCH / 2)
            if colour == NOT_RATED:
                self._cell(swatch, None)
            else:
                self._box(swatch, colour)
            self._text((left + _SWATCH + 6, y), text, self.small_font)

    def _box(self, box: tuple[float, float, float, float], colour: str) -> None:
        left, top, right, bottom = (round(v * SCALE) for v in box)
        self.pen.rectangle((left, top, right - 1, bottom - 1), fill=colour)

    def _text(
        self,
        at: tuple[float, float],
        text: str,
        font: _Font,
        anchor: str = "lm",
        colour: str = _INK,
        bold: bool = False,
    ) -> None:
        """Text anchored at a point (left-middle by default); bold is drawn with a thin stroke."""
        xy = (at[0] * SCALE, at[1] * SCALE)
        stroke = 1 if bold else 0
        self.pen.text(
            xy, text, fill=colour, font=font, anchor=anchor, stroke_width=stroke, stroke_fill=colour
        )


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
