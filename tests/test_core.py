"""The pure core: choosing questions, question of the day, fuzzy lookups, reply splitting."""

from datetime import UTC, date, datetime, timedelta

from bot.conversation.reply import Reply, telegram_length
from bot.core.daily import question_of_the_day
from bot.core.lookup import find_timezone, find_topic, utc_offset_of
from bot.core.selection import Seen, choose_question
from content import Difficulty, KeyPoint, Question, Section, Topic, load_bank


def question(qid: str) -> Question:
    point = KeyPoint("a point", ("another phrasing",))
    return Question(qid, 0, Section.CORE, Difficulty.JUNIOR, ("memory",), "Why?", (point,), "x")


QUESTIONS = [question(q) for q in ("a", "b", "c", "d")]
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def seen(*pairs):
    """Cards as selection sees them: (question id, days until due, latest score)."""
    return {qid: Seen(NOW + timedelta(days=days), score) for qid, days, score in pairs}


def test_unseen_questions_come_first_in_a_stable_per_learner_order():
    first = choose_question(QUESTIONS, {}, NOW, learner_id=1)
    assert first is choose_question(QUESTIONS, {}, NOW, learner_id=1)
    assert choose_question(QUESTIONS, seen((first.id, 1, 90)), NOW, learner_id=1) is not first


def test_when_all_are_seen_and_none_is_due_the_one_due_soonest_comes_next():
    cards = seen(("a", 9, 95), ("b", 2, 60), ("c", 5, 80), ("d", 3, 70))
    assert choose_question(QUESTIONS, cards, NOW, learner_id=1).id == "b"


def test_the_question_being_answered_is_not_asked_again_when_another_exists():
    cards = seen(("a", -1, 10), ("b", 2, 60), ("c", 5, 80), ("d", 3, 70))
    assert choose_question(QUESTIONS, cards, NOW, learner_id=1, exclude="a").id == "b"
    assert choose_question(QUESTIONS[:1], cards, NOW, learner_id=1, exclude="a").id == "a"
    assert choose_question([], cards, NOW, learner_id=1) is None


def test_question_of_the_day_visits_every_question_once_per_cycle():
    ids = [f"q{n}" for n in range(30)]
    start = date(2026, 1, 1)
    while start.toordinal() % len(ids):
        start += timedelta(days=1)
    cycle = [question_of_the_day(ids, start + timedelta(days=n)) for n in range(len(ids))]
    assert sorted(cycle) == sorted(ids)
    assert question_of_the_day(list(reversed(ids)), start) == cycle[0]


TOPICS = load_bank().topics


def test_topics_match_by_name_alias_case_and_typo():
    assert find_topic(TOPICS, "GIL").match.slug == "gil"
    assert find_topic(TOPICS, "global interpreter lock").match.slug == "gil"
    assert find_topic(TOPICS, "asynco").match.slug == "asyncio"
    assert find_topic(TOPICS, "  Decorators ").match.slug == "decorators"


def test_unknown_topic_offers_suggestions_or_nothing():
    found = find_topic(TOPICS, "generatrs and iteratrs")
    assert found.match is None or found.match.slug == "generators"
    nonsense = find_topic(TOPICS, "zzzzqqqq")
    assert nonsense.match is None
    assert find_topic(TOPICS, "").match is None
    assert find_topic([Topic("gil", "GIL")], "🐍🐍").match is None


def test_time_zones_match_exactly_by_city_or_with_a_typo():
    assert find_timezone("Europe/Berlin").match == "Europe/Berlin"
    assert find_timezone("europe/berlin").match == "Europe/Berlin"
    assert find_timezone("Tokyo").match == "Asia/Tokyo"
    assert find_timezone("new york").match == "America/New_York"
    assert find_timezone("Mars/Phobos").match is None


def test_utc_offsets_keep_their_sign():
    assert find_timezone("GMT+3").match == "Etc/GMT-3"  # three hours east of Greenwich
    assert find_timezone("UTC-5").match == "Etc/GMT+5"
    assert find_timezone("+2").match == "Etc/GMT-2"
    assert find_timezone("UTC+25").match is None


def test_time_zones_are_places_never_files():
    for query in ("/etc/localtime", "localtime", "Factory", "posixrules", "right/UTC"):
        assert find_timezone(query).match is None, query
        assert not {"localtime", "Factory", "posixrules"} & set(find_timezone(query).suggestions)
    assert find_timezone("../Europe/Berlin").match is None
    assert find_timezone("/usr/share/zoneinfo/Europe/Berlin").match is None
    assert utc_offset_of("Etc/GMT-3") == "UTC+3" and utc_offset_of("Etc/GMT+11") == "UTC-11"
    assert utc_offset_of("Etc/GMT") is None and utc_offset_of("Europe/Berlin") is None


def test_long_replies_split_at_line_ends_under_the_limit():
    part = "\n".join(f"line {n} " + "x" * 50 for n in range(200))
    messages = Reply.of("head", part).messages(limit=1000)
    assert all(len(m) <= 1000 for m in messages)
    assert "".join(messages).replace("\n", "") == ("head" + part).replace("\n", "")


def test_splitting_counts_emoji_as_telegram_does():
    text = "🐍" * 3000
    messages = Reply.of(text).messages(limit=4096)
    assert [telegram_length(m) for m in messages] == [4096, 1904]
    assert "".join(messages) == text
