"""Send pacing on a clock the test moves: windows per chat and overall, 429 pauses."""

import asyncio

from bot.telegram.pacing import Limits, Pacing, Window

ADA, BOB, GROUP = 1, 2, -100


class Time:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def pacing(time: Time) -> Pacing:
    return Pacing(Limits(), clock=time, sleep=time.sleep)


async def starts(pace: Pacing, time: Time, chat, count: int) -> list[float]:
    out = []
    for _ in range(count):
        await pace.slot(chat, posts=True)
        out.append(round(time.now, 3))
    return out


def test_a_window_allows_count_starts_in_any_span():
    window = Window(3, 3.0)
    for moment in (0.0, 0.1, 0.2):
        assert window.delay(moment) == 0
        window.take(moment)
    assert window.delay(0.2) == 2.8
    window.paused_until = 10
    assert window.delay(5) == 5


async def test_a_private_chat_gets_a_burst_of_three_then_one_a_second():
    time = Time()
    assert await starts(pacing(time), time, ADA, 6) == [0, 0, 0, 3, 3, 3]


async def test_a_group_gets_twenty_a_minute():
    time = Time()
    sent = await starts(pacing(time), time, GROUP, 25)
    assert sent[:20] == [0] * 20 and sent[20:] == [60] * 5
    assert all(sum(1 for s in sent if t <= s < t + 60) <= 20 for t in sent)


async def test_overall_thirty_a_second_across_chats():
    time = Time()
    pace = pacing(time)
    sent = [(await starts(pace, time, 1000 + n, 1))[0] for n in range(45)]
    assert sent.count(0) == 30 and sent[30:] == [1] * 15


async def test_a_429_pauses_only_its_chat():
    time = Time()
    pace = pacing(time)
    await starts(pace, time, ADA, 1)
    pace.pause(ADA, 5)
    assert await starts(pace, time, BOB, 1) == [0]
    assert await starts(pace, time, ADA, 1) == [5]
    await pace.slot(ADA, posts=False)  # an edit is not counted, but waits out a pause too
    pace.pause(ADA, 2)
    await pace.slot(ADA, posts=False)
    assert time.now == 7
