"""Charts for the drafts: PNG pictures whose alt text states every value shown."""

from __future__ import annotations

import io
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from needsassess.report.charts import _count, bar_chart, funnel_chart, line_chart

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


def _inside(figure) -> bool:
    """Whether every text, bar and line is within the picture, and the title clear of the axes."""
    renderer = figure.canvas.get_renderer()
    figure.draw_without_rendering()
    box = figure.get_tightbbox(renderer)  # inches
    width, height = figure.get_size_inches()
    (ax,) = figure.axes
    title_clear = figure.get_suptitle() and figure.texts[0].get_window_extent(renderer).y0 >= (
        ax.get_tightbbox(renderer).y1
    )
    return box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height and bool(title_clear)


LABELS = st.text(st.sampled_from("abcdefghij ()£%-WM"), min_size=1, max_size=70).filter(str.strip)


@settings(max_examples=25, deadline=None)
@given(
    title=LABELS,
    categories=st.lists(LABELS, min_size=1, max_size=9),
    values=st.lists(st.one_of(st.none(), st.floats(0, 1e9)), min_size=9, max_size=9),
    two=st.booleans(),
    axis_label=st.sampled_from(["", "£, 2016/17 prices", "Estimated residents (rounded)"]),
    money=st.booleans(),
)
def test_bar_charts_fit_their_texts_in_the_picture(title, categories, values, two, axis_label, money) -> None:
    from needsassess.phrasing import money_phrase
    from needsassess.report.charts import _bar_figure

    n = len(categories)
    series = {"Women": values[:n]} | ({"Men": values[::-1][:n]} if two else {})
    fmt = money_phrase if money else _count
    assert _inside(_bar_figure(title, categories, series, axis_label, fmt, None))


@settings(max_examples=10, deadline=None)
@given(
    periods=st.lists(
        st.sampled_from(["Apr 2014", "2015/16", "Q1 2016/17", "September 2015"]), min_size=1, max_size=40
    ),
    high=st.floats(1, 1e7),
)
def test_line_charts_fit_their_texts_in_the_picture(periods, high) -> None:
    from needsassess.report.charts import _line_figure

    values = [high * ((i * 7) % 11) / 10 for i in range(len(periods))]
    series = {"Incidents and crimes": values, "Crimes": [v / 3 for v in values]}
    assert _inside(_line_figure("Recorded each month, Northmere", periods, series, "Recorded each month"))
