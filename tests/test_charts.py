"""The ratings chart: a real PNG whose colours and alt text state the data."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

from PIL import Image

from bot.charts import NOT_RATED, PALETTE, RatingSnapshot, render_ratings_chart
from bot.coaching.framework import Framework


def _colours(png: bytes) -> dict[tuple[int, int, int], int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour: count for count, colour in image.getcolors(maxcolors=1_000_000)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_a_png_of_every_attribute_coloured_by_rating(framework: Framework) -> None:
    ids = [a.id for a in framework.attributes()]
    chart = render_ratings_chart(
        framework, [RatingSnapshot(date(2026, 11, 27), dict.fromkeys(ids, 5))]
    )
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = Image.open(io.BytesIO(chart.png)).size
    assert 400 <= width <= 900 and 800 <= height <= 1400
    colours = _colours(chart.png)
    # 29 cells of "A strength": the darkest colour covers a large area; "Not yet" only the legend.
    assert colours[_rgb(PALETTE[5])] > 29 * 500
    assert colours.get(_rgb(PALETTE[1]), 0) < 500


def test_earlier_reflections_appear_as_columns_and_unrated_cells_are_grey(framework) -> None:
    earlier = RatingSnapshot(date(2026, 9, 1), {"L1": 1, "L2": None})
    latest = RatingSnapshot(date(2026, 11, 27), {"L1": 2, "L2": 3})
    chart = render_ratings_chart(framework, [earlier, latest])
    colours = _colours(chart.png)
    for rating in (1, 2, 3):
        assert colours[_rgb(PALETTE[rating])] > 2_000  # one cell each
    assert colours[_rgb(NOT_RATED)] > 2_000
    assert chart.alt_text == (
        "Self-ratings, latest 27 Nov 2026 (earlier 1 Sep 2026): "
        "Leadership: L1 2 (was 1), L2 3 (was not rated)."
    )


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


def test_the_slack_app_loads_without_matplotlib_until_a_chart_is_drawn() -> None:
    # matplotlib holds about 40 MB resident; a serving process pays for it on its first chart.
    check = (
        "import sys; import bot.slack.app, bot.charts; "
        "assert 'matplotlib' not in sys.modules, 'loaded at import'"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
