"""The `/stats` picture: mastery per section and a calendar heat map of practice, as a PNG.

Built from values only, with matplotlib's object API on the Agg canvas (no pyplot, no global
figure state, no display). Rendering takes a good part of a second of CPU, so the engine runs
it in a worker thread; a lock keeps renders one at a time, as matplotlib is not thread-safe.
"""

from __future__ import annotations

import io
import threading

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from bot.core.progress import PracticeCalendar, Progress
from bot.grader.thresholds import PARTIAL_FROM, STRONG_FROM

WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 6.4, 100  # 800 x 640 pixels
TEXT = "#24292f"
MUTED = "#6e7781"
TRACK = "#eaeef2"
WEAK, PARTIAL, STRONG = "#cf222e", "#d4a72c", "#2da44e"  # the grader's verdict bands
# Answers in a day -> colour, light to dark: none, 1, 2-3, 4-5, 6 or more.
LEVELS = ((0, "#ebedf0"), (1, "#9be9a8"), (2, "#40c463"), (4, "#30a14e"), (6, "#216e39"))
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
# Where each panel sits: left, bottom, width, height, in fractions of the picture.
MASTERY_AREA = (0.36, 0.55, 0.54, 0.37)
CALENDAR_AREA = (0.08, 0.03, 0.74, 0.38)
TITLE_LEFT, MASTERY_TITLE_AT, CALENDAR_TITLE_AT = 0.04, 0.95, 0.465

_render_lock = threading.Lock()


def progress_chart(figures: Progress, calendar: PracticeCalendar) -> bytes:
    """The PNG: section mastery above, the practice calendar below."""
    with _render_lock:
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, facecolor="white")
        _mastery(figure.add_axes(MASTERY_AREA), figures)
        _calendar(figure.add_axes(CALENDAR_AREA), calendar)
        buffer = io.BytesIO()
        FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
        return buffer.getvalue()


def score_colour(score: float) -> str:
    return WEAK if score < PARTIAL_FROM else PARTIAL if score < STRONG_FROM else STRONG


def day_colour(answers: int) -> str:
    return [colour for least, colour in LEVELS if answers >= least][-1]


def _mastery(axes, figures: Progress) -> None:
    sections = list(figures.sections.items())
    rows = range(len(sections))
    axes.barh(rows, [100] * len(sections), color=TRACK, height=0.62)
    for row, (_, tally) in enumerate(sections):
        if tally.average is None:
            axes.text(2, row, "not started", va="center", fontsize=8.5, color=MUTED)
            continue
        axes.barh(row, max(tally.average, 1), color=score_colour(tally.average), height=0.62)
        axes.text(
            min(tally.average, 100) + 1.5 if tally.average < 88 else tally.average - 1.5,
            row,
            f"{tally.average:.0f}",
            va="center",
            ha="left" if tally.average < 88 else "right",
            fontsize=8.5,
            color=TEXT if tally.average < 88 else "white",
            fontweight="bold",
        )
    axes.text(103, -0.75, "answered", va="center", fontsize=7.5, color=MUTED)
    for row, (_, tally) in enumerate(sections):
        axes.text(
            103, row, f"{tally.answered}/{tally.total}", va="center", fontsize=8.5, color=MUTED
        )
    axes.set_yticks(list(rows), [f"{s.number}. {s.title}" for s, _ in sections], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.tick_params(axis="both", length=0, colors=TEXT, labelsize=8.5)
    axes.tick_params(axis="x", colors=MUTED)
    for side in axes.spines.values():
        side.set_visible(False)
    overall = figures.overall
    average = f", average {overall.average:.0f}/100" if overall.average is not None else ""
    axes.figure.text(
        TITLE_LEFT,
        MASTERY_TITLE_AT,
        f"Mastery by section: average latest score (answered {overall.answered}/"
        f"{overall.total}{average})",
        fontsize=11,
        color=TEXT,
    )


def _calendar(axes, calendar: PracticeCalendar) -> None:
    for day in calendar.days:
        week, weekday = calendar.position(day)
        axes.add_patch(
            Rectangle(
                (week + 0.08, weekday + 0.08),
                0.84,
                0.84,
                facecolor=day_colour(calendar.count(day)),
                edgecolor=TEXT if day == calendar.today else "none",
                linewidth=1.2,
            )
        )
    weeks = calendar.weeks
    axes.set_xlim(-0.1, weeks + 0.1)
    axes.set_ylim(7.1, -0.1)
    axes.set_aspect("equal")
    axes.set_yticks([n + 0.5 for n in range(7)], WEEKDAYS, fontsize=8.5, color=MUTED)
    months = _month_labels(calendar)
    axes.set_xticks([week + 0.5 for week in months], list(months.values()))
    axes.xaxis.tick_top()
    axes.tick_params(axis="both", length=0, labelsize=8.5, colors=MUTED)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.figure.text(
        TITLE_LEFT,
        CALENDAR_TITLE_AT,
        f"Practice, last {weeks} weeks: {calendar.answers} answer(s) on "
        f"{calendar.active_days} day(s)",
        fontsize=11,
        color=TEXT,
    )
    for index, (least, colour) in enumerate(LEVELS):
        axes.add_patch(
            Rectangle((weeks + 0.6, 1.3 + index * 1.0), 0.7, 0.7, facecolor=colour, clip_on=False)
        )
        label = f"{least}+" if index == len(LEVELS) - 1 else f"{least}"
        if 0 < index < len(LEVELS) - 1 and LEVELS[index + 1][0] - least > 1:
            label = f"{least}-{LEVELS[index + 1][0] - 1}"
        axes.text(weeks + 1.5, 1.65 + index * 1.0, label, va="center", fontsize=7.5, color=MUTED)
    axes.text(weeks + 0.6, 0.8, "answers", fontsize=7.5, color=MUTED, va="center")


def _month_labels(calendar: PracticeCalendar) -> dict[int, str]:
    """Week -> the month that starts in it; the first week is named after its own month
    when no month starts in it."""
    labels = {0: calendar.first.strftime("%b")}
    for day in calendar.days:
        if day.day == 1:
            labels[calendar.position(day)[0]] = day.strftime("%b")
    return labels
