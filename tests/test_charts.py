"""Charts for the drafts: PNG pictures whose alt text states every value shown."""

from __future__ import annotations

import io
import subprocess
import sys

from needsassess.report.charts import bar_chart, funnel_chart, line_chart

PNG = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_bar_chart_alt_text_lists_every_value() -> None:
    chart = bar_chart(
        "prevalence",
        "Estimated victims by sex, Northmere",
        ["Domestic abuse in the last year", "Sexual assault"],
        {"Women": [2200, 700], "Men": [1000, None]},
    )
    assert chart.png.startswith(PNG)
    assert chart.filename == "prevalence.png"
    assert chart.alt == (
        "Bar chart: Estimated victims by sex, Northmere. Domestic abuse in the last year: women 2,200, "
        "men 1,000; Sexual assault: women 700."
    )
    width, height = _size(chart.png)
    assert width == 975 and height > 300


def test_money_values_are_written_as_the_text_writes_them() -> None:
    from needsassess.phrasing import money_phrase

    chart = bar_chart(
        "cost", "Cost by category", ["Police", "Health"], {"Cost": [2_072_514, 93_100]}, fmt=money_phrase
    )
    assert chart.alt == "Bar chart: Cost by category. Police: £2.07 million; Health: £93,100."


def test_line_and_funnel_charts() -> None:
    months = ["Apr 2015", "May 2015", "Jun 2015"]
    trend = line_chart("trend", "Incidents by month", months, {"Incidents": [210, 198, None]})
    assert trend.png.startswith(PNG)
    assert trend.alt == "Line chart: Incidents by month. Apr 2015: 210; May 2015: 198."
    funnel = funnel_chart(
        "reach", "From estimate to support", ["Estimated victims", "Supported"], [3200, 410]
    )
    assert funnel.alt == "Funnel chart: From estimate to support. Estimated victims: 3,200; Supported: 410."


def test_same_figures_draw_the_same_bytes() -> None:
    def draw() -> bytes:
        return bar_chart("x", "Same", ["a", "b"], {"n": [1, 2]}).png

    assert draw() == draw()


def test_importing_charts_does_not_import_matplotlib() -> None:
    code = "import sys, needsassess.report.charts; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_charts_drawn_in_a_second_process_are_the_same_bytes() -> None:
    # second_process only starts a process when matplotlib is not loaded yet, as in a fresh
    # `needsassess run`; so this runs in a fresh interpreter
    code = """
from needsassess import background
from needsassess.phrasing import money_phrase
from needsassess.report import charts

args = ("cost", "Cost by category", ["Police", "Health"], {"Cost": [2_072_514, 93_100]})
with background.second_process():
    assert background._WORKER is not None
    pending = charts.bar_chart(*args, fmt=money_phrase)
    unsendable = charts.bar_chart(*args, fmt=lambda v: f"{v:.0f}")  # a lambda cannot be sent: drawn here
    assert pending.drawing.in_background and not unsendable.drawing.in_background
    drawn_there = pending.png
assert background._WORKER is None
here = charts.bar_chart(*args, fmt=money_phrase)
assert not here.drawing.in_background
print(drawn_there == here.png, drawn_there[:8] == b"\\x89PNG\\r\\n\\x1a\\n")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


def test_no_second_process_where_matplotlib_is_already_loaded() -> None:
    import matplotlib  # noqa: F401

    from needsassess import background

    with background.second_process():
        assert background._WORKER is None
        assert not bar_chart("x", "Here", ["a"], {"n": [1]}).drawing.in_background


def test_work_is_done_here_if_the_second_process_dies() -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from needsassess.background import Pending
    from needsassess.report.charts import _draw_bar

    broken: Future[bytes] = Future()
    broken.set_exception(BrokenProcessPool("the worker was killed"))
    args = ("Here", ["a"], {"n": [1.0]}, "", str, None)
    pending = Pending(_draw_bar, args, broken)
    assert pending.result() == _draw_bar(*args) and pending.result().startswith(PNG)
