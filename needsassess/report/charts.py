"""Charts for the strategy drafts, drawn with matplotlib as PNG, each with alt text.

The workbook draws native Excel charts; drafts need pictures. Every chart is drawn from values the
assessment already computed (rounded for publication where they are estimates), and carries alt text
that states the same values in words, so a reader of the alt text misses nothing.

matplotlib is imported inside the drawing function, on the Agg backend, and figures are built without
pyplot, so nothing global is touched and `needsassess --help` stays fast.

Drawing is the slowest part of a draft (importing matplotlib alone takes most of a second), so under
`needsassess run` charts are drawn in a second process (needsassess.background) while the text is written;
a chart's PNG is waited for only when a writer needs it. The bytes are the same either way.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from needsassess import background
from needsassess.background import Pending

# What drawing imports: the second process imports it ahead of the charts (pipeline.prepare_charts).
PLOTTING_MODULES = ("matplotlib.figure", "matplotlib.backends.backend_agg")

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
WIDTH_IN, DPI = 6.5, 150
PAD_IN = 0.04  # between the texts and the edges of the picture


@dataclass(frozen=True)
class ChartImage:
    """A chart: an id the templates refer to, a title, alt text and its PNG (drawn, or being drawn)."""

    id: str
    title: str
    alt: str
    drawing: bytes | Pending[bytes] = field(repr=False, compare=False)

    @property
    def png(self) -> bytes:
        return self.drawing if isinstance(self.drawing, bytes) else self.drawing.result()

    @property
    def filename(self) -> str:
        return f"{self.id}.png"


def _chart(chart_id: str, title: str, alt: str, draw: Callable[..., bytes], *args: Any) -> ChartImage:
    """A chart whose PNG is drawn by draw(*args): in the second process while one is running (see
    needsassess.background), else here when its PNG is first wanted."""
    return ChartImage(chart_id, title, alt, background.submit(draw, *args))


Formatter = Callable[[float], str]


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _listing(categories: Sequence[str], series: dict[str, Sequence[float | None]], fmt: Formatter) -> str:
    parts = []
    for i, category in enumerate(categories):
        bits = [
            f"{name.lower()} {fmt(values[i])}" if len(series) > 1 else fmt(values[i])  # type: ignore[arg-type]
            for name, values in series.items()
            if values[i] is not None
        ]
        if bits:
            parts.append(f"{category}: " + ", ".join(bits))
    return "; ".join(parts)


def _trend_listing(periods: Sequence[str], series: dict[str, Sequence[float | None]]) -> str:
    """Every value for a short series; for a long one (over 12 periods) its first, last, lowest and highest."""
    if len(periods) <= 12:
        return _listing(periods, series, _count)
    parts = []
    for name, values in series.items():
        points = [(p, v) for p, v in zip(periods, values, strict=True) if v is not None]
        if not points:
            continue
        low = min(points, key=lambda x: x[1])
        high = max(points, key=lambda x: x[1])
        parts.append(
            f"{name}: {_count(points[0][1])} in {points[0][0]} and {_count(points[-1][1])} in {points[-1][0]}, "
            f"lowest {_count(low[1])} ({low[0]}), highest {_count(high[1])} ({high[0]})"
        )
    return f"{len(periods)} periods from {periods[0]} to {periods[-1]}. " + "; ".join(parts)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    # No Software/date metadata, so the same figures draw the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _fit(figure: Any, ax: Any, title: Any) -> None:
    """Place the axes so that the title, tick labels, axis labels and the values written beside the bars
    all fit in the picture, from the measured size of each text.

    (matplotlib's constrained layout does the same by drawing each chart an extra time first, and that was
    a third of the drawing time of a draft.)
    """
    from matplotlib import rcParams

    renderer = figure.canvas.get_renderer()
    width, height = figure.get_size_inches() * figure.dpi  # pixels
    pad, pt = PAD_IN * figure.dpi, figure.dpi / 72

    def size(text: str, like: Any) -> tuple[float, float]:
        box = _text_like(text, like, figure).get_window_extent(renderer)
        return box.width, box.height

    def tick_labels(axis: Any) -> tuple[list[tuple[float, float, float]], str]:
        """(position, width, height) of each tick label shown, and how the labels are aligned."""
        locs = list(axis.get_majorticklocs())
        if not locs:
            return [], "center"
        labels = axis.get_major_formatter().format_ticks(locs)
        low, high = sorted(axis.get_view_interval())
        slack = (high - low) * 1e-9
        like = axis.get_major_ticks(len(locs))[0].label1
        shown = [
            (x, *size(t, like))
            for x, t in zip(locs, labels, strict=True)
            if t and low - slack <= x <= high + slack
        ]
        return shown, like.get_horizontalalignment()

    def label_depth(axis: Any, across: int) -> float:
        """The room an axis label takes: its width for the y axis (turned), its height for the x axis."""
        text = axis.label.get_text()
        return size(text, axis.label)[across] + rcParams["axes.labelpad"] * pt if text else 0.0

    tick_room = (rcParams["xtick.major.size"] + rcParams["xtick.major.pad"]) * pt
    y_ticks, _ = tick_labels(ax.yaxis)
    x_ticks, x_align = tick_labels(ax.xaxis)
    left = pad + max((w for _, w, _ in y_ticks), default=0) + tick_room + label_depth(ax.yaxis, 0)
    bottom = pad + max((h for _, _, h in x_ticks), default=0) + tick_room + label_depth(ax.xaxis, 1)
    right = pad
    title.set_y(1 - pad / height)  # top-aligned, so this is where its top is
    top = pad + title.get_window_extent(renderer).height + pad
    starts = {"left": 0.0, "center": 0.5, "right": 1.0}[x_align]  # where a label starts, in its widths
    for _ in range(5):  # x tick labels and values written past the ends of the axes narrow them until all fit
        figure.subplots_adjust(
            left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
        )
        edges = [(x - starts * w, x + (1 - starts) * w) for x, w in _to_pixels(ax, x_ticks)]
        edges += [(box.x0, box.x1) for box in (t.get_window_extent(renderer) for t in ax.texts)]
        over_left = pad - min((e[0] for e in edges), default=pad)
        over_right = max((e[1] for e in edges), default=0) - (width - pad)
        if over_left <= 0.5 and over_right <= 0.5:
            break
        left += max(over_left, 0)
        right += max(over_right, 0)


def _to_pixels(ax: Any, ticks: list[tuple[float, float, float]]) -> list[tuple[float, float]]:
    """(x in pixels, width) of x tick labels, where the axes now are."""
    if not ticks:
        return []
    y = ax.get_ylim()[0]
    xs = ax.transData.transform([(x, y) for x, _, _ in ticks])[:, 0]
    return [(float(x), w) for x, (_, w, _) in zip(xs, ticks, strict=True)]


def _text_like(text: str, like: Any, figure: Any) -> Any:
    from matplotlib.text import Text

    made = Text(
        0,
        0,
        text,
        fontproperties=like.get_fontproperties(),
        rotation=like.get_rotation(),
        linespacing=like.get_linespacing(),
    )
    made.set_figure(figure)
    return made


def _figure(rows: int) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = max(2.0, 1.0 + 0.27 * rows)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)  # measured (_fit) at the dpi it is drawn at
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure, ax


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    axis_label: str = "",
    fmt: Formatter = _count,
    axis_fmt: Formatter | None = None,
    kind: str = "Bar chart",
) -> ChartImage:
    """Horizontal bars, one group per category and one colour per series, values written on the bars.

    `fmt` writes each value on its bar and in the alt text (e.g. phrasing.money_phrase, so the chart
    says "£2.07 million" as the text does); `axis_fmt` labels the axis (default: `fmt`).
    """
    alt = f"{kind}: {title}. {_listing(categories, series, fmt)}."
    draw_args = (title, list(categories), {k: list(v) for k, v in series.items()}, axis_label, fmt, axis_fmt)
    return _chart(chart_id, title, alt, _draw_bar, *draw_args)


def _draw_bar(*args: Any) -> bytes:
    return _png(_bar_figure(*args))


def _bar_figure(
    title: str,
    categories: list[str],
    series: dict[str, list[float | None]],
    axis_label: str,
    fmt: Formatter,
    axis_fmt: Formatter | None,
) -> Any:
    from matplotlib.ticker import FuncFormatter

    figure, ax = _figure(len(categories) * max(1, len(series)))
    n = max(1, len(series))
    height = 0.8 / n
    labels = [_wrap(c) for c in categories]
    positions = list(range(len(categories)))
    top = max((v for vs in series.values() for v in vs if v is not None), default=0) or 1
    for j, (name, values) in enumerate(series.items()):
        ys = [p + (j - (n - 1) / 2) * height for p in positions]
        xs = [0 if v is None else v for v in values]
        ax.barh(ys, xs, height=height * 0.92, color=COLOURS[j % len(COLOURS)], label=name)
        for y, v in zip(ys, values, strict=True):
            if v is not None:
                ax.text(v + top * 0.01, y, fmt(v), va="center", fontsize=8)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.18)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: (axis_fmt or fmt)(v)))
    ax.tick_params(axis="x", labelsize=8)
    if axis_label:
        ax.set_xlabel(axis_label, fontsize=8)
    if len(series) > 1:
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    _fit(figure, ax, figure.suptitle(_wrap(title, 85), fontsize=10, x=0.01, ha="left"))
    return figure


def line_chart(
    chart_id: str,
    title: str,
    periods: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    axis_label: str = "",
) -> ChartImage:
    """A line per series over periods (months, years); every value listed in the alt text."""
    alt = f"Line chart: {title}. {_trend_listing(periods, series)}."
    draw_args = (title, list(periods), {k: list(v) for k, v in series.items()}, axis_label)
    return _chart(chart_id, title, alt, _draw_line, *draw_args)


def _draw_line(*args: Any) -> bytes:
    return _png(_line_figure(*args))


def _line_figure(
    title: str, periods: list[str], series: dict[str, list[float | None]], axis_label: str
) -> Any:
    from matplotlib.ticker import FuncFormatter

    figure, ax = _figure(6)
    xs = list(range(len(periods)))
    for j, (name, values) in enumerate(series.items()):
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            markersize=3,
            color=COLOURS[j % len(COLOURS)],
            label=name,
        )
    step = max(1, len(periods) // 12)
    ax.set_xticks(xs[::step], [periods[i] for i in xs[::step]], fontsize=7, rotation=45, ha="right")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _count(v)))
    ax.tick_params(axis="y", labelsize=8)
    if axis_label:
        ax.set_ylabel(axis_label, fontsize=8)
    if len(series) > 1:
        ax.legend(fontsize=8, frameon=False)
    _fit(figure, ax, figure.suptitle(_wrap(title, 85), fontsize=10, x=0.01, ha="left"))
    return figure


def funnel_chart(chart_id: str, title: str, stages: Sequence[str], values: Sequence[float]) -> ChartImage:
    """The reach funnel: estimated victims, those who reported, those supported, as narrowing bars."""
    return bar_chart(chart_id, title, stages, {"People": values}, kind="Funnel chart")


def _wrap(text: str, width: int = 34) -> str:
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
