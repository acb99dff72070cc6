"""The /stats picture and its text version, from fixed values: a valid PNG of known size
under 1 MB, and the same facts in words within a caption's 1,024 characters."""

import struct
from datetime import date, timedelta

from bot.conversation.reply import MAX_CAPTION, Reply, telegram_length
from bot.conversation.stats import stats_text
from bot.core.progress import calendar_start, practice_calendar, progress
from bot.render.charts import day_colour, progress_chart, score_colour
from bot.render.markup import HTML, PLAIN
from content import Section, load_bank

BANK = load_bank()
TODAY = date(2026, 5, 14)  # a Thursday
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ONE_MB = 1_000_000


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    return struct.unpack(">II", png[16:24])


def some_scores() -> dict[str, list[int]]:
    core = BANK.in_section(Section.CORE)
    advanced = BANK.in_section(Section.ADVANCED)
    return {core[0].id: [30, 80], core[1].id: [60], advanced[0].id: [95]}


def test_practice_calendar_is_twelve_whole_weeks_ending_this_week():
    counts = {TODAY: 2, date(2026, 5, 11): 3, date(2026, 2, 23): 1, date(2026, 2, 22): 9}
    calendar = practice_calendar(counts, TODAY)
    assert calendar.first == date(2026, 2, 23) == calendar_start(TODAY)
    assert calendar.first.weekday() == 0 and calendar.weeks == 12
    assert len(calendar.days) == 11 * 7 + 4  # Monday to Thursday of this week
    assert date(2026, 2, 22) not in calendar.counts, "the day before the first week is left out"
    assert (calendar.answers, calendar.active_days) == (6, 3)
    assert calendar.busiest == (date(2026, 5, 11), 3)
    assert calendar.days_per_week() == [1] + [0] * 10 + [2]
    assert calendar.position(TODAY) == (11, 3)


def test_the_chart_is_a_png_of_known_size_well_under_a_megabyte():
    calendar = practice_calendar({TODAY - timedelta(days=n): n % 7 for n in range(84)}, TODAY)
    png = progress_chart(progress(BANK, some_scores()), calendar)
    assert png_size(png) == (800, 640)
    assert png.endswith(b"IEND\xaeB`\x82")
    assert 10_000 < len(png) < ONE_MB / 4


def test_the_busiest_chart_stays_small_and_an_empty_calendar_still_renders():
    everything = {q.id: [100 - n % 100] for n, q in enumerate(BANK.questions)}
    busy = practice_calendar({TODAY - timedelta(days=n): 50 for n in range(90)}, TODAY)
    full = progress_chart(progress(BANK, everything), busy)
    assert png_size(full) == (800, 640) and len(full) < ONE_MB / 4
    quiet = progress_chart(progress(BANK, some_scores()), practice_calendar({}, TODAY))
    assert png_size(quiet) == (800, 640) and len(quiet) < ONE_MB / 4


def test_colours_follow_the_grade_bands_and_the_answer_levels():
    assert [score_colour(s) for s in (0, 29, 30, 69, 70, 100)] == [
        "#cf222e",
        "#cf222e",
        "#d4a72c",
        "#d4a72c",
        "#2da44e",
        "#2da44e",
    ]
    assert [day_colour(n) for n in (0, 1, 2, 3, 4, 5, 6, 40)] == [
        "#ebedf0",
        "#9be9a8",
        "#40c463",
        "#40c463",
        "#30a14e",
        "#30a14e",
        "#216e39",
        "#216e39",
    ]


def test_the_text_version_states_what_the_chart_shows():
    counts = {date(2026, 5, 12): 3, date(2026, 5, 13): 1, date(2026, 4, 1): 1}
    text = stats_text(
        progress(BANK, some_scores()), practice_calendar(counts, TODAY), "Europe/Berlin", PLAIN
    )
    core, oop = BANK.in_section(Section.CORE), BANK.in_section(Section.OOP)
    advanced = BANK.in_section(Section.ADVANCED)
    lines = text.splitlines()
    assert lines[:3] == [
        "Your progress",
        "Answers graded: 4",
        f"Questions answered: 3/{len(BANK.questions)}, average latest score 78/100",
    ]
    assert f"1. Core language & data structures: 70/100, 2/{len(core)}" in lines
    assert f"2. Advanced OOP: not started, 0/{len(oop)}" in lines
    assert f"8. Advanced level: 95/100, 1/{len(advanced)}" in lines
    assert "5 answer(s) on 3 day(s); most on Tue 12 May (3)." in lines
    assert "Days practised per week, oldest first: 0 0 0 0 0 1 0 0 0 0 0 2." in lines
    assert "Today: 0 answer(s)." in lines
    assert lines[-1] == "From Mon 23 Feb; days in your time zone, Europe/Berlin."


def test_the_text_version_fits_a_caption_even_with_every_section_started():
    everything = {q.id: [100, 99] for q in BANK.questions}
    busy = practice_calendar({TODAY - timedelta(days=n): 1000 for n in range(90)}, TODAY)
    text = stats_text(progress(BANK, everything), busy, "America/Argentina/ComodRivadavia", HTML)
    assert "<b>Mastery by section</b>" in text
    assert telegram_length(text) <= MAX_CAPTION
    caption, rest = Reply.of(text, photo=b"png").caption_and_messages()
    assert (caption, rest) == (text, [])


def test_a_reply_whose_first_part_is_too_long_for_a_caption_sends_it_as_messages():
    long = "x" * (MAX_CAPTION + 1)
    assert Reply.of(long, "more", photo=b"png").caption_and_messages() == ("", [f"{long}\n\nmore"])
    assert Reply.of("short", "more", photo=b"png").caption_and_messages() == ("short", ["more"])
