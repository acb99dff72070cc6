"""The summary that `python -m bot content check` prints."""

from collections import Counter

from content import Bank, Difficulty, Section

SEED_COUNT = 100


def summarize(bank: Bank) -> str:
    lines = [f"{len(bank.questions)} questions, {len(bank.topics)} topics", "", "by section:"]
    sections = Counter(q.section for q in bank.questions)
    lines += [f"  {s.number}. {s.title:<34} {sections[s]:>3}" for s in Section]
    difficulties = Counter(q.difficulty for q in bank.questions)
    lines += ["", "by difficulty:"]
    lines += [f"  {d.value:<10} {difficulties[d]:>3}" for d in Difficulty]
    topics = Counter(slug for q in bank.questions for slug in q.topics)
    lines += ["", "by topic:"]
    lines += [f"  {t.slug:<22} {topics[t.slug]:>3}" for t in bank.topics]
    unused = [t.slug for t in bank.topics if not topics[t.slug]]
    if unused:
        lines.append(f"topics with no question: {', '.join(unused)}")
    missing = sorted(set(range(1, SEED_COUNT + 1)) - bank.seeds)
    if missing:
        lines.append(f"seed numbers without a question: {', '.join(map(str, missing))}")
    seeds = len(bank.seeds - {0})
    lines.append(f"questions={len(bank.questions)} seeds={seeds}/{SEED_COUNT}")
    return "\n".join(lines)
