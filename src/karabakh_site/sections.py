"""Topical segmentation: which narrative section each sentence belongs to, and paragraphs.

The rules live in `content/sections.yaml`. Each sentence scores every section
by its keywords and by whether its date falls in the section's years; a Viterbi
pass then labels the whole source at once, charging a penalty for every switch
of section, so the narrative is cut into readable runs rather than scattered
sentence by sentence. Each source's opening (its lead, up to where the
narrative restarts in time) goes to the section marked `lead: true`.

Runs are then cut into paragraphs by dynamic programming: paragraph sizes near
a target, breaks preferred where a sentence opens with a date or the
vocabulary changes, never before "It"/"This"/"However".
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .config import SectionRule, SectionRules, SectionSettings, Subsection
from .dates import MONTH_NAMES, MONTHS, DateMention
from .model import Sentence
from .sentences import has_any, words_of

NEG_INF = float("-inf")
LEAD_MAX_SENTENCES = 30
_SPANS = ("decade", "century")
LEAD_RESTART_GAP = 10  # years the narrative must jump back to count as a restart
LEAD_BONUS = 1.0  # per undated sentence between a lead's last date and the restart


class KeywordScorer:
    """Sums keyword weights in a text. Keywords with a capital letter match case-sensitively;
    a trailing `*` matches any word ending ("massacre*")."""

    def __init__(self, keywords: dict[str, float]):
        self.weights: dict[str, float] = {}
        parts = []
        # A cheap test first: the lowercase first word of some keyword must be in the text.
        firsts: set[str] = set()
        stems: list[str] = []
        for keyword, weight in keywords.items():
            words = re.findall(r"[\w-]+", keyword.lower())
            if len(words) == 1 and keyword.endswith("*"):
                stems.append(words[0])
            elif words:
                firsts.add(words[0])
            else:
                firsts.add("")  # punctuation only: always try the pattern
            body = re.escape(keyword.rstrip("*")).replace(r"\ ", r"\s+")
            if keyword.endswith("*"):
                body += r"[\w'’-]*"
            if keyword == keyword.lower():
                body = f"(?i:{body})"
            name = f"k{len(self.weights)}"
            parts.append(f"(?P<{name}>{body})")
            self.weights[name] = weight
        self.pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w])") if parts else None
        self.firsts = frozenset(firsts)
        self.stems = tuple(stems)

    def __call__(self, text: str) -> float:
        if self.pattern is None:
            return 0.0
        if "" not in self.firsts and not has_any(words_of(text), self.firsts, self.stems):
            return 0.0
        weights = self.weights
        return sum(weights[m.lastgroup] for m in self.pattern.finditer(text))


@lru_cache(maxsize=256)
def _scorer(keywords: tuple[tuple[str, float], ...]) -> KeywordScorer:
    return KeywordScorer(dict(keywords))


def keyword_scorer(keywords: dict[str, float]) -> KeywordScorer:
    """A KeywordScorer, compiled once per set of keywords."""
    return _scorer(tuple(keywords.items()))


@dataclass(frozen=True)
class Layout:
    labels: tuple[str, ...]  # section slug per body sentence
    paragraphs: tuple[tuple[int, ...], ...]  # body indices, in order; one section each


def sentence_year(mentions: Sequence[DateMention]) -> tuple[int | None, bool]:
    """The year a sentence is about, and whether the sentence states it."""
    for d in mentions:
        if d.date is None or d.aside or d.adjectival:
            continue
        if d.precision in _SPANS:
            return (d.date.year + d.date_end.year) // 2, True
        return d.date.year, d.explicit_year and d.relative is None
    return None, False


def lead_span(body: Sequence[Sentence]) -> tuple[int, int]:
    """The opening sentences that summarise the whole source, as (surely, at most).

    The lead ends at the first layout break after two sentences, or where the
    narrative jumps back in time (an encyclopaedia article's lead covers the
    whole story, then the body starts again from the beginning). Undated
    sentences just before such a restart may belong to either side, so they are
    left for the section rules to decide. A lead is at most half the text and at
    most LEAD_MAX_SENTENCES long; (0, 0) means no lead was found.
    """
    cap = min(LEAD_MAX_SENTENCES, max(3, len(body) // 2))
    for i, sentence in enumerate(body[: cap + 1]):
        if i >= 2 and sentence.hard_start:
            return i, i
    latest = earliest = None
    last_dated = 0
    for i, sentence in enumerate(body[: cap + 6]):
        for d in sentence.dates:
            if d.date is None or not d.explicit_year or d.aside or d.precision in _SPANS:
                continue  # a decade or century ("origins in the 20th century") pins no point
            year = d.date.year
            restarts = latest is not None and year <= latest - LEAD_RESTART_GAP and year < earliest
            if restarts and i >= 2:
                return (last_dated + 1, min(i, cap)) if last_dated + 1 <= cap else (0, 0)
            latest = year if latest is None else max(latest, year)
            earliest = year if earliest is None else min(earliest, year)
            last_dated = i
    return 0, 0


def layout_source(
    body: Sequence[Sentence], rules: SectionRules, forced: dict[int, str] | None = None
) -> Layout:
    if not body:
        return Layout((), ())
    forced = forced or {}
    sections = rules.sections
    settings = rules.settings
    sure, at_most = lead_span(body)
    lead = next((k for k, s in enumerate(sections) if s.lead), None)
    scorers = [keyword_scorer(s.keywords) for s in sections]
    years = _narrative_years(body, restart=sure)
    emissions = []
    for i, sentence in enumerate(body):
        row = []
        for k, (rule, scorer) in enumerate(zip(sections, scorers, strict=True)):
            if i in forced:
                row.append(0.0 if forced[i] == rule.slug else NEG_INF)
            elif lead is not None and i < sure:
                row.append(0.0 if k == lead else NEG_INF)
            elif k == lead:
                row.append(LEAD_BONUS if i < at_most else NEG_INF)
            else:
                row.append(_emission(rule, scorer, sentence.text, years[i], settings))
        emissions.append(row)
    no_entry = {lead} if lead is not None else set()
    path = _viterbi(emissions, settings.switch_penalty, no_entry)
    labels = tuple(sections[k].slug for k in path)
    paragraphs = paragraph_breaks(body, labels, settings)
    return Layout(labels, paragraphs)


def _narrative_years(body: Sequence[Sentence], restart: int) -> list[tuple[int | None, bool]]:
    """Each sentence's year: its own, else the last one the narrative gave.

    The lead's dates do not carry past it (`restart`): the body starts afresh.
    """
    out = []
    current: int | None = None
    for i, sentence in enumerate(body):
        if i == restart:
            current = None
        year, explicit = sentence_year(sentence.dates)
        if year is not None:
            current = year
            out.append((year, explicit))
        else:
            out.append((current, False))
    return out


def _emission(
    rule: SectionRule,
    scorer: KeywordScorer,
    text: str,
    year: tuple[int | None, bool],
    settings: SectionSettings,
) -> float:
    score = rule.bias + settings.keyword_weight * min(settings.keyword_cap, scorer(text))
    if rule.years is not None and year[0] is not None:
        lo, hi = rule.years
        inside = (lo is None or year[0] >= lo) and (hi is None or year[0] <= hi)
        weight = settings.date_weight * (1.0 if year[1] else settings.inferred_date_factor)
        score += weight if inside else -weight
    return score


def _viterbi(
    emissions: list[list[float]], switch_penalty: float, no_entry: set[int] = frozenset()
) -> list[int]:
    """The best label sequence: emissions summed, minus a penalty per switch.

    States in `no_entry` can only be held from the start, never switched into.
    """
    n_states = len(emissions[0])
    score = list(emissions[0])
    back: list[list[int]] = []
    for row in emissions[1:]:
        best_prev = max(range(n_states), key=lambda k: score[k])
        new_score, pointers = [], []
        for k in range(n_states):
            stay = score[k]
            switch = NEG_INF if k in no_entry else score[best_prev] - switch_penalty
            if stay >= switch:
                new_score.append(stay + row[k])
                pointers.append(k)
            else:
                new_score.append(switch + row[k])
                pointers.append(best_prev)
        score = new_score
        back.append(pointers)
    state = max(range(n_states), key=lambda k: score[k])
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    return path[::-1]


# --- paragraphs ------------------------------------------------------------------------

_CONTINUATION = re.compile(
    r"^(?:It|Its|He|She|They|Their|His|Her|This|These|Those|That|However|But|Also|Moreover|"
    r"Furthermore|Meanwhile|Instead|Thus|Therefore|Both|Neither|Such|Another|Then|Yet|Still|"
    r"The (?:agreement|attack|offensive|operation|town|city|region|committee|resolution|war|"
    r"conflict|assault|latter|former|same)|In (?:addition|response|turn|return))\b"
)
_OPENER = re.compile(
    r"^(?:(?:In|On|By|From|During|Since|After|Before|Until|At|Following|Over|Throughout|"
    r"Between|Starting|Beginning|Towards|Toward|Amid)\b[^,.;]{0,40}?)?"
    r"(?:\d{1,2} )?(?:"
    + "|".join(m for m in MONTHS if len(m) > 3)
    + r"|\d{4}|early|mid|late|spring|summer|autumn|winter)\b"
)
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    """that with from were have been which this their they when also after into while
    there these those would could other about against between during over under than
    such both only more most some many much being where then them what first second""".split()
)


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _CONTENT_WORD.findall(text)} - _STOP


def paragraph_breaks(
    body: Sequence[Sentence], labels: Sequence[str], settings: SectionSettings
) -> tuple[tuple[int, ...], ...]:
    words = [_content_words(s.text) for s in body]
    bonus = [0.0] * len(body)
    for i, sentence in enumerate(body):
        if i == 0:
            continue
        if _OPENER.match(sentence.text):
            bonus[i] += 1.0
        if _CONTINUATION.match(sentence.text):
            bonus[i] -= 1.5
        before = set().union(*words[max(0, i - 2) : i])
        union = before | words[i]
        if union:
            bonus[i] += 0.8 * (1 - len(before & words[i]) / len(union))
    paragraphs: list[tuple[int, ...]] = []
    start = 0
    for i in range(1, len(body) + 1):
        if i == len(body) or labels[i] != labels[start] or body[i].hard_start:
            paragraphs.extend(_split_run(list(range(start, i)), bonus, settings))
            start = i
    return tuple(_merge_single_sentences(paragraphs, labels))


def _merge_single_sentences(paragraphs: list[tuple[int, ...]], labels) -> list[tuple[int, ...]]:
    """A lone sentence joins the paragraph before or after it in the same section."""
    out: list[tuple[int, ...]] = []
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) == 1:
            label = labels[paragraph[0]]
            if out and labels[out[-1][-1]] == label:
                out[-1] = out[-1] + paragraph
                continue
            nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
            if nxt is not None and labels[nxt[0]] == label:
                paragraphs[i + 1] = paragraph + nxt
                continue
        out.append(paragraph)
    return out


def _split_run(run: list[int], bonus: list[float], s: SectionSettings) -> list[tuple[int, ...]]:
    n = len(run)
    if n <= s.paragraph_max and n < 2 * s.paragraph_min:
        return [tuple(run)]
    best = [0.0] + [float("inf")] * n
    cut_at = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - s.paragraph_max), j - s.paragraph_min + 1):
            if best[i] == float("inf"):
                continue
            size = j - i
            cost = best[i] + 2.0 * ((size - s.paragraph_target) / s.paragraph_target) ** 2
            if i > 0:
                cost -= bonus[run[i]]
            if cost < best[j]:
                best[j], cut_at[j] = cost, i
    if best[n] == float("inf"):
        return [tuple(run)]
    cuts = []
    j = n
    while j > 0:
        cuts.append((cut_at[j], j))
        j = cut_at[j]
    return [tuple(run[a:b]) for a, b in reversed(cuts)]


# --- subsections -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphInfo:
    text: str
    year: int | None
    month: int | None
    source_title: str


def subsection_titles(
    paragraphs: Sequence[ParagraphInfo], rule: SectionRule, settings: SectionSettings
) -> list[str]:
    """A heading for each paragraph; consecutive paragraphs with one heading form a group."""
    if not paragraphs:
        return []
    if rule.subsections:
        titles = _rule_titles(paragraphs, rule.subsections, settings)
        if titles is not None:
            return titles
    return _time_titles(paragraphs)


def _rule_titles(paragraphs, subsections: Sequence[Subsection], settings) -> list[str] | None:
    scorers = [keyword_scorer(sub.keywords) for sub in subsections]
    emissions = []
    matched = False
    for p in paragraphs:
        row = []
        for sub, scorer in zip(subsections, scorers, strict=True):
            score = min(settings.keyword_cap * 2, scorer(p.text))
            if sub.years is not None and p.year is not None:
                lo, hi = sub.years
                inside = (lo is None or p.year >= lo) and (hi is None or p.year <= hi)
                score += settings.date_weight if inside else -settings.date_weight
            matched = matched or score > 0
            row.append(score)
        emissions.append(row)
    if not matched:
        return None
    # Paragraphs carry more evidence than sentences, so switching is cheaper here.
    path = _viterbi(emissions, settings.switch_penalty / 2)
    return [subsections[k].title for k in path]


def _time_titles(paragraphs: Sequence[ParagraphInfo]) -> list[str]:
    """Headings from the dates the paragraphs give: years, or months within one year.

    The paragraphs (kept in their order) are cut into a few groups of similar
    size whose dates span as little as possible; each heading names its span.
    """
    known_years = [p.year for p in paragraphs if p.year is not None]
    if not known_years:
        return [f"From {p.source_title}" for p in paragraphs]
    single_year = len(set(known_years)) == 1
    keys: list[tuple[int, int | None] | None] = [
        None if p.year is None else (p.year, p.month if single_year else None) for p in paragraphs
    ]
    groups = _date_groups(keys, single_year)
    titles: list[str] = []
    for start, end in groups:
        span = [k for k in keys[start:end] if k is not None]
        title = _span_title(span, single_year) if span else (titles[-1] if titles else "")
        titles.extend([title] * (end - start))
    first_title = next(t for t in titles if t)
    return [t or first_title for t in titles]


def _date_groups(keys, single_year: bool) -> list[tuple[int, int]]:
    """Split `keys` into about one group per four paragraphs (at most six).

    Each cut goes near an even split, at the place within a third of a group's
    size where the dates jump the most, so the groups are of similar size and
    their date spans overlap little. Linear in the number of paragraphs.
    """
    n = len(keys)
    k = max(1, min(6, round(n / 4), n))

    def value(key):
        year, month = key
        return year * 12 + (month - 1 if month else 0) if single_year else year

    values = [None if key is None else value(key) for key in keys]
    # Carry the last known date forward so undated paragraphs neither jump nor block a cut.
    last = next((v for v in values if v is not None), 0)
    filled = []
    for v in values:
        last = v if v is not None else last
        filled.append(last)
    ideal = n / k
    reach = max(1, int(ideal / 3))
    cuts = [0]
    for t in range(1, k):
        target = round(t * ideal)
        window = range(max(cuts[-1] + 1, target - reach), min(n - (k - t), target + reach) + 1)
        best = max(
            window, key=lambda p: (abs(filled[p] - filled[p - 1]), -abs(p - target)), default=target
        )
        cuts.append(best)
    cuts.append(n)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _span_title(span: list[tuple[int, int | None]], single_year: bool) -> str:
    """ "1992", "1918–1921", "May 1992", "January–March 1992"."""
    years = sorted({y for y, _ in span})
    if not single_year or all(m is None for _, m in span):
        return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    months = sorted({m for _, m in span if m is not None})
    year = years[0]
    if not months:
        return str(year)
    first, last = MONTH_NAMES[months[0]], MONTH_NAMES[months[-1]]
    return f"{first} {year}" if first == last else f"{first}–{last} {year}"


def paragraph_date(sentences: Sequence[Sentence]) -> tuple[int | None, int | None]:
    """The (year, month) a paragraph is mostly about, from its sentences' dates."""
    counts: Counter[tuple[int, int | None]] = Counter()
    for sentence in sentences:
        for d in sentence.dates:
            if d.is_event_date and not d.aside and not d.adjectival:
                counts[(d.date.year, d.date.month)] += 1
                break
    if not counts:
        return None, None
    (year, month), _ = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0]))
    return year, month
