"""Timeline events: every dated event in the narrative, categorised and placed in an era."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Category, TimelineRules
from .dates import DateMention, Day
from .errors import SiteError
from .sections import keyword_scorer

if TYPE_CHECKING:
    from .assemble import NarrativeSentence

ERAS = ("before", "war", "after")


@dataclass(frozen=True, slots=True)
class Event:
    mention: DateMention
    sentence: NarrativeSentence
    category: str | None
    era: str

    def sort_key(self):
        d = self.mention
        end = d.date_end.sort_key() if d.date_end else d.date.sort_key()
        return (d.date.sort_key(), end, self.sentence.page, self.sentence.anchor, d.start)


def verify_quotes(
    rules: TimelineRules, seed_texts: Iterable[str], path: Path
) -> tuple[TimelineRules, list[str]]:
    """Keep the period and anchors whose quotes a seed contains; warn about the rest."""
    texts = list(seed_texts)
    warnings: list[str] = []

    def found(quote: str, what: str, line: int) -> bool:
        # Any run of white space between the words; the texts are searched as they are, not
        # copied (a copy of a 20 MB seed with its spaces normalised would cost far more).
        wanted = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
        if any(wanted.search(t) for t in texts):
            return True
        message = f"{what} quote not found in any seed, so it is not used: {quote!r}"
        warnings.append(str(SiteError(message, path, line)))
        return False

    period = rules.period
    if period is not None and not found(period.quote, "period", period.line):
        period = None
    anchors = tuple(
        a for a in rules.anchors if found(a.quote, f"anchor '{a.anchor.phrase}'", a.line)
    )
    return replace(rules, period=period, anchors=anchors), warnings


def era(mention: DateMention, rules: TimelineRules) -> str:
    """Before, during or after the war's period (at the precision both dates share)."""
    if rules.period is None:
        return "war"
    start = mention.date
    end = mention.date_end or mention.date
    if _before(end, rules.period.start):
        return "before"
    if _before(rules.period.end, start):
        return "after"
    return "war"


def _before(a: Day, b: Day) -> bool:
    """Whether all of `a` lies before `b`, comparing only what both specify."""
    if a.year != b.year or a.month is None or b.month is None:
        return a.year < b.year
    if a.month != b.month or a.day is None or b.day is None:
        return a.month < b.month
    return a.day < b.day


class Categoriser:
    def __init__(self, categories: Sequence[Category]):
        self.categories = categories
        self.scorers = [keyword_scorer(c.keywords) for c in categories]
        self.default = next((c.id for c in categories if c.default), None)

    def __call__(self, text: str, section: str) -> str | None:
        if not self.categories:
            return None
        best, best_score = self.default, 0.0
        for category, scorer in zip(self.categories, self.scorers, strict=True):
            score = scorer(text) + (1.0 if section in category.sections else 0.0)
            if score > best_score:
                best, best_score = category.id, score
        return best


def event_dates(mentions: Iterable[DateMention]) -> list[DateMention]:
    """The dates of a sentence that each make an event: one per distinct date.

    References back ("the previous year") and adjectival years ("his 1997 book")
    date nothing, and a sentence naming the same date twice gives one event.
    """
    seen = set()
    dates = []
    for mention in mentions:
        if not mention.is_event_date or mention.adjectival or mention.looks_back:
            continue
        key = (mention.date, mention.date_end, mention.precision, mention.part)
        if key not in seen:
            seen.add(key)
            dates.append(mention)
    return dates


def timeline_events(sentences: Iterable[NarrativeSentence], rules: TimelineRules) -> list[Event]:
    """One event per date a narrative sentence gives (`event_dates`), in the category its
    source's analysis gave the sentence."""
    events = [
        Event(mention, sentence, sentence.category, era(mention, rules))
        for sentence in sentences
        for mention in event_dates(sentence.dates)
    ]
    events.sort(key=Event.sort_key)
    return events
