"""The ratings chart: a real PNG whose colours and alt text state the data."""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from PIL import Image

from bot.charts import (
    MAX_COLUMNS,
    NOT_RATED,
    PALETTE,
    RatingSnapshot,
    render_ratings_chart,
)
from bot.coaching.framework import Framework

CELL = 5_000  # pixels a cell's colour covers, at least; a legend swatch covers under 1,000
SWATCH = 1_000


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _colours(png: bytes) -> dict[tuple[int, int, int], int]:
    return {colour: count for count, colour in _image(png).getcolors(maxcolors=1_000_000)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _size(framework: Framework, columns: int, attributes: int) -> tuple[int, int]:
    ids = [a.id for a in framework.attributes()][:attributes]
    snapshots = [
        RatingSnapshot(date(2026, 1 + n, 1), dict.fromkeys(ids, 3)) for n in range(columns)
    ]
    return _image(render_ratings_chart(framework, snapshots).png).size


def _cell(image: Image.Image, hex_colour: str) -> tuple[int, int, int, int]:
    """The box of the one chart cell in this colour (its rows are mostly that colour)."""
    colour = _rgb(hex_colour)
    width, height = image.size
    pixels = image.load()
    rows = {y: [x for x in range(width) if pixels[x, y] == colour] for y in range(height)}
    widest = max(len(xs) for xs in rows.values())
    in_cell = [y for y, xs in rows.items() if len(xs) > widest / 2]
    xs = [x for y in in_cell for x in rows[y]]
    return min(xs), min(in_cell), max(xs) + 1, max(in_cell) + 1


def test_a_png_of_every_attribute_coloured_by_rating(framework: Framework) -> None:
    ids = [a.id for a in framework.attributes()]
    chart = render_ratings_chart(
        framework, [RatingSnapshot(date(2026, 11, 27), dict.fromkeys(ids, 5))]
    )
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(chart.png))
    image.verify()
    width, height = image.size
    assert 500 <= width <= 1_000 and 1_200 <= height <= 2_400  # drawn at twice the size
    colours = _colours(chart.png)
    # 29 cells of "A strength": the darkest colour covers a large area; "Not yet" only the legend.
    assert colours[_rgb(PALETTE[5])] > 29 * CELL
    assert 0 < colours.get(_rgb(PALETTE[1]), 0) < SWATCH


def test_earlier_reflections_appear_as_columns_and_unrated_cells_are_grey(framework) -> None:
    earlier = RatingSnapshot(date(2026, 9, 1), {"L1": 1, "L2": None})
    latest = RatingSnapshot(date(2026, 11, 27), {"L1": 2, "L2": 3})
    chart = render_ratings_chart(framework, [earlier, latest])
    colours = _colours(chart.png)
    for rating in (1, 2, 3):
        assert CELL < colours[_rgb(PALETTE[rating])] < 2 * CELL  # one cell each
    assert colours.get(_rgb(PALETTE[4]), 0) < SWATCH  # only in the legend
    assert CELL < colours[_rgb(NOT_RATED)] < 2 * CELL
    assert chart.alt_text == (
        "Self-ratings, latest 27 Nov 2026 (earlier 1 Sep 2026): "
        "Leadership: L1 2 (was 1), L2 3 (was not rated)."
    )


def test_numbers_are_white_on_dark_cells_and_dark_on_light_ones(framework) -> None:
    chart = render_ratings_chart(
        framework, [RatingSnapshot(date(2026, 11, 27), {"L1": 5, "L2": 1})]
    )
    image = _image(chart.png)
    dark, light = (image.crop(_cell(image, PALETTE[rating])) for rating in (5, 1))
    assert dark.width > 100 and dark.height > 30  # a cell, not the legend's swatch
    assert dark.convert("L").getextrema()[1] > 220  # white strokes of the "5"
    assert light.convert("L").getextrema()[0] < 80  # dark strokes of the "1"


def test_the_chart_grows_with_attributes_and_reflections_up_to_four_columns(framework) -> None:
    one_by_one = _size(framework, columns=1, attributes=1)
    assert _size(framework, columns=3, attributes=1)[0] > one_by_one[0]
    assert _size(framework, columns=1, attributes=10)[1] > one_by_one[1]
    widest = _size(framework, columns=MAX_COLUMNS, attributes=1)
    assert _size(framework, columns=MAX_COLUMNS + 2, attributes=1) == widest


def test_only_the_latest_four_reflections_are_drawn(framework) -> None:
    old = [RatingSnapshot(date(2025, 1 + n, 1), {"L1": 1}) for n in range(2)]
    recent = [RatingSnapshot(date(2026, 1 + n, 1), {"L1": 4}) for n in range(MAX_COLUMNS)]
    colours = _colours(render_ratings_chart(framework, old + recent).png)
    assert colours[_rgb(PALETTE[4])] > MAX_COLUMNS * CELL
    assert colours[_rgb(PALETTE[1])] < SWATCH


def test_long_names_and_labels_are_cut_short_within_the_chart(framework: Framework) -> None:
    data = framework.model_dump()
    data["domains"][0]["attributes"][0]["short_name"] = "An attribute " * 10
    long_named = Framework.model_validate(data)
    snapshots = [RatingSnapshot(date(2026, 11, 27), {"L1": 3})]
    long_labels = dict.fromkeys(range(1, 6), "A label that goes on and on " * 3)
    image = _image(render_ratings_chart(long_named, snapshots, long_labels).png)
    assert image.width == _image(render_ratings_chart(framework, snapshots).png).width
    left, top, _, bottom = _cell(image, PALETTE[3])
    before_the_cell = image.crop((left - 10, top, left, bottom))
    right_edge = image.crop((image.width - 10, 0, image.width, image.height))
    assert before_the_cell.convert("L").getextrema() == (255, 255)  # the name stopped short
    assert right_edge.convert("L").getextrema() == (255, 255)  # and so did the labels


def test_no_reflections_is_an_error(framework) -> None:
    with pytest.raises(ValueError, match="at least one reflection"):
        render_ratings_chart(framework, [])


def test_charts_drawn_at_once_in_threads_are_the_same_as_one_drawn_alone(framework) -> None:
    ids = [a.id for a in framework.attributes()]
    snapshots = [
        RatingSnapshot(
            date(2026, 3 * n + 1, 1), {a: (i + n) % 6 or None for i, a in enumerate(ids)}
        )
        for n in range(MAX_COLUMNS)
    ]
    alone = render_ratings_chart(framework, snapshots)
    with ThreadPoolExecutor(4) as pool:
        charts = list(pool.map(lambda _: render_ratings_chart(framework, snapshots), range(8)))
    assert all(chart == alone for chart in charts)


def test_alt_text_lists_every_domain_in_framework_order(framework) -> None:
    ratings = {a.id: 3 for a in framework.attributes()} | {"C10": None}
    chart = render_ratings_chart(framework, [RatingSnapshot(date(2026, 11, 27), ratings)])
    assert chart.alt_text.startswith("Self-ratings, latest 27 Nov 2026: Leadership: L1 3, L2 3")
    assert "; Improvement: I1 3," in chart.alt_text
    assert chart.alt_text.endswith(
        "Care delivery systems: "
        + ", ".join([f"C{n} 3" for n in range(1, 10)] + ["C10 not rated"])
        + "."
    )


def test_no_module_of_the_app_nor_a_chart_imports_matplotlib() -> None:
    # matplotlib held about 50 MB resident for one heatmap; Pillow draws it now.
    check = (
        "import importlib, pkgutil, sys\n"
        "from datetime import date\n"
        "import bot\n"
        "for module in pkgutil.walk_packages(bot.__path__, 'bot.'):\n"
        "    if not module.name.endswith('__main__'):\n"
        "        importlib.import_module(module.name)\n"
        "from bot.charts import RatingSnapshot, render_ratings_chart\n"
        "from bot.content import load_framework\n"
        "render_ratings_chart(load_framework(), [RatingSnapshot(date(2026, 11, 27), {'L1': 3})])\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
        "assert 'bot.slack.app' in sys.modules and 'bot.cli' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
