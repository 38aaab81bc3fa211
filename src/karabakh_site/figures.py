"""Stated figures: how many were killed, wounded, displaced, held or under arms, and how much
equipment there was, each with the words that state it and who states it.

`find_figures` reads one sentence. It finds every number expression ("at least 161",
"300,000–500,000", "between 20,000 and 30,000", "1.3 million", "nearly 10,000", "several
hundred"), drops what is not a count (dates, by the sentence's `DateMention`s; percentages,
money, ages, unit and resolution numbers, measures, modifiers such as "three-day"), and keeps
a number only when it counts something `content/figures.yaml` names: the noun after it
("286 tanks"), or a bare number that continues a figure before it ("… and 35 were wounded").
Numbers listed together share what is said of them: a number whose noun is left out counts
the list's ("19 Azerbaijani and 14 Armenian soldiers were killed": who is "Azerbaijani"), and
the parts of a total in brackets take its kind ("10 civilians (six Azerbaijani and four
Armenian) were killed"). Its kind comes from cues around it ("were expelled", "killing scores
of"), its claimant from the sentence ("Human Rights Watch estimates", "according to Memorial",
"Armenians claimed") or, for "He said"/"It quoted", from the sentence before.

Number grammar and attribution grammar are general English and live here; what a number
counts, the kinds' vocabulary and the groups of comparable figures are rules in
`content/figures.yaml`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .dates import DateMention
from .errors import SiteError
from .pickling import pickled_as_call
from .sentences import words_of
from .yamlschema import Bool, Field, ListOf, MapOf, Num, Record, Regex, Slug, Str, load_yaml

KINDS = (
    "killed",
    "wounded",
    "missing",
    "hostages",
    "prisoners",
    "expelled",
    "displaced",
    "refugees",
    "personnel",
    "equipment",
)
# A noun's own kind beats a verb's when both are of one family: "30,000 refugees were forced
# to flee" counts refugees, "hold 5,000 prisoners" prisoners.
_FAMILIES = ({"displaced", "expelled", "refugees"}, {"prisoners", "hostages"})


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Figure:
    start: int  # offsets of value_text in the sentence text
    end: int
    value_text: str  # as written, with its qualifier: "at least 161"
    low: int | None  # None where the text gives no lower bound ("up to 70", "several")
    high: int | None
    kind: str  # one of KINDS
    who: str | None  # what is counted, as written ("Azerbaijani civilians"); None if unsaid
    attribution: str | None  # who states it, as written; None: the source's own statement
    group: str | None  # id of a group in FigureRules.groups
    attribution_start: int | None = None  # offsets of `attribution` …
    attribution_end: int | None = None
    attribution_in_previous: bool = False  # … in the previous sentence rather than this one


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRule:
    words: tuple[str, ...] = ()
    nearby: tuple[str, ...] = ()
    dates: tuple[str, str] | None = None
    kinds: tuple[str, ...] = ()
    who: tuple[str, ...] = ()
    at_least: int | None = None
    years: tuple[int, int] | None = None  # the narrative's year at the sentence, when known


@dataclass(frozen=True)
class FigureGroup:
    id: str
    title: str
    rules: tuple[GroupRule, ...]
    key_fact: bool = False  # its range and claimants go in the home page's key facts


@dataclass(frozen=True)
class KindCues:
    nouns: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureRules:
    people: tuple[str, ...] = ()
    personnel: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    designations: tuple[str, ...] = ()
    kinds: tuple[tuple[str, KindCues], ...] = ()
    groups: tuple[FigureGroup, ...] = ()
    sides: tuple[tuple[str, tuple[str, ...]], ...] = ()  # side → words naming its people

    def group_title(self, group_id: str | None) -> str | None:
        return next((g.title for g in self.groups if g.id == group_id), None)


_DATE = Str(pattern=r"\d{4}(?:-\d{2}(?:-\d{2})?)?", name="date (YYYY, YYYY-MM or YYYY-MM-DD)")
_WORDS = ListOf(Str(), single_ok=True)
_KIND = Str(choices=KINDS, name="kind")
_CUES = Record(
    {
        "nouns": Field(_WORDS, default_factory=list),
        "after": Field(_WORDS, default_factory=list),
        "before": Field(_WORDS, default_factory=list),
        "measures": Field(_WORDS, default_factory=list),
    },
    name="kind cues",
)
_GROUP_RULE = Record(
    {
        "words": Field(_WORDS, default_factory=list),
        "nearby": Field(_WORDS, default_factory=list),
        "dates": Field(ListOf(_DATE, min_items=2)),
        "kinds": Field(ListOf(_KIND, single_ok=True), default_factory=list),
        "who": Field(_WORDS, default_factory=list),
        "at_least": Field(Num(integer=True, minimum=0, name="at_least")),
        "years": Field(ListOf(Num(integer=True, minimum=1, maximum=9999, name="year"))),
    },
    name="group rule",
    keep_line=True,
)
_SCHEMA = Record(
    {
        "counted": Field(
            Record(
                {
                    "people": Field(_WORDS, default_factory=list),
                    "personnel": Field(_WORDS, default_factory=list),
                    "equipment": Field(_WORDS, default_factory=list),
                    "designations": Field(ListOf(Regex(), single_ok=True), default_factory=list),
                },
                name="counted nouns",
            )
        ),
        "kinds": Field(
            Record(
                {k: Field(_CUES) for k in KINDS if k not in ("personnel", "equipment")},
                name="kinds",
            )
        ),
        "sides": Field(MapOf(_WORDS), default_factory=dict),
        "groups": Field(
            ListOf(
                Record(
                    {
                        "id": Field(Slug("group id"), required=True),
                        "title": Field(Str(), required=True),
                        "rules": Field(ListOf(_GROUP_RULE, min_items=1), required=True),
                        "key_fact": Field(Bool(), default=False),
                    },
                    name="group",
                    keep_line=True,
                )
            ),
            default_factory=list,
        ),
    },
    name="figure rules",
)


def load_figure_rules(path: Path) -> FigureRules:
    """Read and validate `content/figures.yaml`; unknown keys are errors naming the allowed."""
    raw = load_yaml(path, _SCHEMA)
    counted = raw["counted"]
    groups = []
    seen: set[str] = set()
    for g in raw["groups"]:
        if g["id"] in seen:
            raise SiteError(f"two groups use the id '{g['id']}'", path, g["line"])
        seen.add(g["id"])
        rules = []
        for r in g["rules"]:
            dates = r["dates"]
            if dates is not None and (len(dates) != 2 or _date_key(dates[1]) < _date_key(dates[0])):
                raise SiteError("dates must be [from, to] with from <= to", path, r["line"])
            years = r["years"]
            if years is not None and (len(years) != 2 or years[1] < years[0]):
                raise SiteError("years must be [from, to] with from <= to", path, r["line"])
            rules.append(
                GroupRule(
                    words=tuple(r["words"]),
                    nearby=tuple(r["nearby"]),
                    dates=(dates[0], dates[1]) if dates else None,
                    kinds=tuple(r["kinds"]),
                    who=tuple(r["who"]),
                    at_least=r["at_least"],
                    years=(years[0], years[1]) if years else None,
                )
            )
        groups.append(FigureGroup(g["id"], g["title"], tuple(rules), g["key_fact"]))
    kinds = tuple(
        (kind, KindCues(**{k: tuple(v) for k, v in cues.items()}))
        for kind, cues in raw["kinds"].items()
    )
    return FigureRules(
        people=tuple(counted["people"]),
        personnel=tuple(counted["personnel"]),
        equipment=tuple(counted["equipment"]),
        designations=tuple(counted["designations"]),
        kinds=kinds,
        groups=tuple(groups),
        sides=tuple((side, tuple(words)) for side, words in raw["sides"].items()),
    )


def side_of(figure: Figure, rules: FigureRules) -> str | None:
    """Which side the people a figure counts belong to, by the words in `who`."""
    if not figure.who:
        return None
    for side, words in rules.sides:
        pattern = _phrases(words)
        if pattern is not None and pattern.search(figure.who):
            return side
    return None


def _date_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in str(text).split("-"))


# --- number grammar (general English) -------------------------------------------------------

_ONES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_SP = r"[ \u00a0]+"
_DIGIT = re.compile(r"\d")
_ONE_TO_NINE = "one|two|three|four|five|six|seven|eight|nine"
_ONES_PATTERN = "|".join(sorted(_ONES, key=len, reverse=True))  # "seventeen" before "seven"
_WORD_NUMBER = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{_ONE_TO_NINE}))?|{_ONES_PATTERN})"
_SCALE = r"(?:hundred|thousand|million|billion)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = (
    rf"(?:{_DIGITS}(?:{_SP}(?i:{_SCALE}))?"
    rf"|(?i:(?:a|{_WORD_NUMBER}){_SP}{_SCALE}(?:{_SP}{_SCALE})?)"
    rf"|(?i:{_WORD_NUMBER}))"
)
# Vague amounts keep their words and have no bounds.
_VAGUE = (
    rf"(?i:(?:several|a few|a couple of)(?:{_SP}(?:hundred|thousand|dozen))"
    rf"|(?:hundreds|tens){_SP}of{_SP}thousands"
    rf"|hundreds|thousands|dozens|scores(?={_SP}of\b)|several|a few|a handful(?={_SP}of\b))"
)
# A hyphen joins a range only between digits: "thirty-nine" is one number.
_RANGE_SEP = (
    r"(?:[ \u00a0]?[–—][ \u00a0]?|(?<=\d)[ \u00a0]?-[ \u00a0]?(?=\d)"
    r"|[ \u00a0]+to[ \u00a0]+|[ \u00a0]+or[ \u00a0]+)"
)
_QUALIFIERS = {
    # exact or approximate: low = high = N
    "approximately": "about",
    "approx.": "about",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "circa": "about",
    "an estimated": "about",
    "estimated": "about",
    "an approximate": "about",
    "a total of": "about",
    # a lower bound
    "at least": "low",
    "more than": "low",
    "over": "low",
    "well over": "low",
    "upwards of": "low",
    "in excess of": "low",
    "no fewer than": "low",
    "no less than": "low",
    "not less than": "low",
    "a minimum of": "low",
    # an upper bound
    "up to": "high",
    "as many as": "high",
    "nearly": "high",
    "almost": "high",
    "close to": "high",
    "fewer than": "high",
    "less than": "high",
    "under": "high",
    "no more than": "high",
    "at most": "high",
    "a maximum of": "high",
    "as high as": "high",
}
_QUALIFIER = "|".join(
    re.escape(q).replace(r"\ ", _SP) for q in sorted(_QUALIFIERS, key=len, reverse=True)
)
_FIGURE = re.compile(
    rf"(?<![\w$€£¥#/.,:-])"
    rf"(?:(?P<q>(?i:{_QUALIFIER})){_SP})?"
    rf"(?P<num>(?i:(?P<between>between|from)){_SP}(?P<a1>{_NUMBER})"
    rf"(?:{_SP}(?i:and|to){_SP}|{_RANGE_SEP})(?P<b1>{_NUMBER})"
    rf"|(?P<a>{_NUMBER}){_RANGE_SEP}(?P<b>{_NUMBER})"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<n>{_NUMBER}))"
    rf"(?![\w]|[.,]\d)"
)


def parse_number(text: str) -> int | None:
    """ "724,000" → 724000, "1.3 million" → 1300000, "thirty-nine" → 39, "a hundred" → 100."""
    words = re.sub(r"[\s\u00a0]+", " ", text.strip().lower()).replace("-", " ").split(" ")
    value: float = 0
    current: float = 0
    for word in words:
        if re.fullmatch(r"[\d,]+(?:\.\d+)?", word):
            current += float(word.replace(",", ""))
        elif word == "a":
            current += 1
        elif word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                value += current
                current = 0
        else:
            return None
    total = value + current
    return round(total) if total == round(total) else None


# --- what is not a count (general English) ----------------------------------------------------

# Units of measure, time and money after a number: "7 kilometres", "four years", "5,000 rubles".
_UNIT_AFTER = re.compile(
    r"^[ \u00a0]*(?:%|(?:per[ \u00a0]?cent|percent|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|"
    r"feet|foot|hectares?|acres?|sq\.?|square|tons?|tonnes?|barrels?|kg|kilograms?|litres?|"
    r"liters?|degrees?|seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|"
    r"centuries|century|times|votes?|seats?|rubles?|roubles?|dollars?|euros?|pounds?|"
    r"manats?|drams?|lira|liras|rials?|francs?|marks|yen|ECUs?|ecus?|USD|AMD|AZN|RUB)\b)"
)
_MONEY_BEFORE = re.compile(r"(?:[$€£¥]|US\$|USD|AMD|AZN|RUB)[ \u00a0]?$")
# A number naming something rather than counting: "Resolution 822", "No. 10", "p. 45".
_LABEL_BEFORE = re.compile(
    r"\b(?:[Rr]esolutions?|[Aa]rticles?|[Ss]ections?|[Cc]hapters?|[Pp]ages?|[Pp]aragraphs?|"
    r"[Rr]oute|[Hh]ighway|[Ff]light|[Vv]olumes?|vol\.|[Nn]o\.|[Nn]os\.|[Nn]umber|p\.|pp\.|"
    r"[Uu]nit|[Hh]ill|[Hh]eight|[Kk]ilometre|[Pp]oint)[ \u00a0]*$"
)
# Ages: "aged 18–40", "the age of 50", "up to age 45", "as young as 16".
_AGE_BEFORE = re.compile(
    r"\b(?:aged|ages?(?:[ \u00a0]+group)?(?:[ \u00a0]+of)?|as[ \u00a0]+(?:young|old)[ \u00a0]+as"
    r"|population[ \u00a0]+of(?:[ \u00a0]+(?:about|around|some|somewhere|roughly|nearly|over|"
    r"approximately|almost))*(?:[ \u00a0]+between)?)[ \u00a0]*$",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(r"^[ \u00a0-]*(?:years?[ \u00a0-]+old|-year-old)", re.IGNORECASE)
_LIST_JOIN = re.compile(r"^(?:,[ \u00a0]*(?:and[ \u00a0]+)?|[ \u00a0]+(?:and|or)[ \u00a0]+)$")
_ARTICLE_BEFORE = re.compile(r"\b(?:the|The|these|those|its|their|his|her)[ \u00a0]+$")
_QUALIFIER_WORDS = {w.split()[0].lower() for w in _QUALIFIERS}

# --- attribution grammar (general English) ----------------------------------------------------

_BOUNDARY = re.compile(r";|:(?!\d)|\(|\)|\bwhile\b|\bwhereas\b|,?\s\bbut\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
_REPORTING = re.compile(
    r"\b(?:reported|reports|reporting|report|stated|states|stating|said|says|saying|claimed|"
    r"claims|claiming|estimated|estimates|estimate|calculated|calculates|counted|counts|"
    r"announced|announces|alleged|alleges|asserted|asserts|recorded|records|documented|"
    r"documents|wrote|writes|noted|notes|confirmed|confirms|cited|cites|told|put|puts|gave|"
    r"gives|found|finds|acknowledged|admitted)\b"
)
_QUOTED_AS = re.compile(r"\b(?:quoted|quotes|quoting|cited|cites|citing)\s+(?P<who>.+?),?\s+as\s+")
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$")
_PRONOUNS = {"he", "she", "it", "they", "this", "these"}
_TITLES = (
    r"President|Prime Minister|Minister|Foreign Minister|Defence Minister|Defense Minister|"
    r"Interior Minister|Secretary|General|general|Marshal|Colonel|commander|Commander|mayor|"
    r"Mayor|spokesman|spokeswoman|Spokesman|chairman|Chairman|leader|Ambassador|ambassador|"
    r"Mr|Mrs|Ms|Dr|professor|Professor|journalist|correspondent|biographer|official"
)
_APPOSITIVE_NAME = re.compile(
    rf"(?:\b(?:{_TITLES})|\b(?:organi[sz]ation|group|newspaper|agency|magazine|journal|paper|"
    rf"NGO|monitor|institute|watchdog))\.?\s+(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)$"
)


_BY_NAME = re.compile(r"\bby\s+(?:the\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)$")

# --- finding figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    start: int  # value_text span, qualifier included
    end: int
    low: int | None
    high: int | None
    single: int | None = None  # the value of a plain number ("one soldier")


class _Vocabulary:
    """The rules compiled into patterns that give positions."""

    def __init__(self, rules: FigureRules):
        designations = "|".join(f"(?:{d})" for d in rules.designations)
        self.classes = [
            (cls, pattern)
            for cls, pattern in (
                ("equipment", _phrases(rules.equipment, designations)),
                ("personnel", _phrases(rules.personnel)),
                ("people", _phrases(rules.people)),
            )
            if pattern is not None
        ]
        self.personnel = _phrases(rules.personnel)
        self.nouns = [(kind, _phrases(c.nouns)) for kind, c in rules.kinds if c.nouns]
        self.after = [(kind, _phrases(c.after)) for kind, c in rules.kinds if c.after]
        self.before = [
            (kind, _phrases(c.before, at_end=True)) for kind, c in rules.kinds if c.before
        ]
        self.measures = [(kind, _phrases(c.measures)) for kind, c in rules.kinds if c.measures]


@lru_cache(maxsize=8)
def _vocabulary(rules: FigureRules) -> _Vocabulary:
    return _Vocabulary(rules)


@lru_cache(maxsize=256)
def _phrases(words: tuple[str, ...], extra: str = "", at_end: bool = False) -> re.Pattern | None:
    """One pattern for a list of words: capitalised ones case-sensitive, `*` any ending;
    `at_end`: the phrase must end the text searched."""
    parts = []
    for word in words:
        body = re.escape(word.rstrip("*")).replace(r"\ ", r"[\s\u00a0]+")
        if word.endswith("*"):
            body += r"[\w'’-]*"
        parts.append(body if word != word.lower() else f"(?i:{body})")
    if extra:
        parts.append(extra)
    if not parts:
        return None
    body = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])" + (r"[\s\u00a0]*$" if at_end else ""))


def find_figures(
    text: str,
    dates: Sequence[DateMention],
    previous: str | None,
    rules: FigureRules,
    year: int | None = None,
) -> list[Figure]:
    """The figures one sentence states, in order.

    `dates` are the sentence's date mentions (their numbers are never counts); `previous` is
    the sentence before it in the source, which may name the claimant ("It quoted …");
    `year` is the year the narrative has reached there, if known (for group rules).
    """
    vocab = _vocabulary(rules)
    numbers = _numbers(text, dates)
    figures: list[Figure] = []
    counts = [n for n in numbers if n is not None]
    # What follows each number, read once: a number's own reading and the readings of those
    # listed with it need it.
    phrases = [
        _noun_phrase(text, n, counts[k + 1].start if k + 1 < len(counts) else len(text), vocab)
        for k, n in enumerate(counts)
    ]
    counted: list[_Counted] = []  # how each figure was read, for the numbers after it
    for k, num in enumerate(counts):
        later = list(zip(counts[k + 1 :], phrases[k + 1 :], strict=True))
        found = _count(text, num, phrases[k], later, figures, counted, vocab)
        if found is None:
            continue
        counted.append(found)
        claim = _attribution(text, num.start, dates, previous)
        figures.append(
            Figure(
                start=num.start,
                end=num.end,
                value_text=text[num.start : num.end],
                low=num.low,
                high=num.high,
                kind=found.kind,
                who=found.who,
                attribution=claim[0] if claim else None,
                group=None,
                attribution_start=claim[1] if claim else None,
                attribution_end=claim[2] if claim else None,
                attribution_in_previous=claim[3] if claim else False,
            )
        )
    out = []
    said = lru_cache(maxsize=None)(lambda words, where: bool(_phrases(words).search(where)))
    for f, found in zip(figures, counted, strict=True):
        group = _group(f, text, dates, previous, year, rules, said)
        if group is None and found.continues is not None:
            group = out[found.continues].group
        out.append(replace(f, group=group))
    return out


# Words one of which a sentence without digits must hold to state a figure at all.
_COUNT_WORDS = frozenset(
    [
        *_ONES,
        *_TENS,
        *_SCALES,
        "hundreds",
        "thousands",
        "millions",
        "several",
        "few",
        "couple",
        "dozen",
        "dozens",
        "scores",
        "handful",
        "tens",
    ]
)


def _numbers(text: str, dates: Sequence[DateMention]) -> list[_Number | None]:
    """Every number expression, None where it is plainly not a count."""
    out: list[_Number | None] = []
    if not _DIGIT.search(text) and _COUNT_WORDS.isdisjoint(words_of(text)):
        return out
    labelled_end = -1  # end of the last number that names something ("Resolutions 822, 853")
    for m in _FIGURE.finditer(text):
        start, end = m.start(), m.end()
        core = m.start("num")
        if any(d.start < end and start < d.end for d in dates):
            out.append(None)
            continue
        before, after = text[max(0, start - 40) : start], text[end : end + 40]
        if labelled_end >= 0 and _LIST_JOIN.match(text[labelled_end:start]):
            labelled_end = end
            out.append(None)
            continue
        if _is_label(text, start, end) or _MONEY_BEFORE.search(before):
            labelled_end = end
            out.append(None)
            continue
        if (
            _UNIT_AFTER.match(after)
            or _AGE_BEFORE.search(before)
            or _AGE_AFTER.match(after)
            or re.match(r"^-(?!strong\b)[A-Za-z]", after)  # a modifier: "three-day"
            or re.match(r"^[ \u00a0]*[/:]\d", after)  # "10/11", "2:45"
            or (not m.group("q") and _ARTICLE_BEFORE.search(before))  # "the three regions"
            or re.match(r"(?i)one[ \u00a0]+of\b", text[core:])
        ):
            out.append(None)
            continue
        out.append(_value(m, start, end))
    return out


def _is_label(text: str, start: int, end: int) -> bool:
    """ "Resolution 822", "No. 10/11", "Initiative 92": a word names the number rather than
    the number counting what follows it ("In Azerbaijan 1.3 million men" counts)."""
    before = text[max(0, start - 30) : start]
    if _LABEL_BEFORE.search(before):
        return True
    m = re.search(r"(?:^|\s)([A-Z][\w-]*)[ \u00a0]+$", before)
    if m is None or start - len(before) + m.start(1) == 0:
        return False  # no capitalised word before it, or only the sentence's first word
    if m.group(1).lower() in _QUALIFIER_WORDS | {"between", "from"}:
        return False
    return not re.match(r"[ \u00a0]+[A-Za-z]", text[end:])


def _value(m: re.Match, start: int, end: int) -> _Number | None:
    q = _QUALIFIERS.get(re.sub(r"[ \u00a0]+", " ", m.group("q").lower())) if m.group("q") else None
    if m.group("vague"):
        return _Number(start, end, None, None)
    if m.group("n"):
        text = m.group("n")
        value = parse_number(text)
        if value is None or value == 0:
            return None
        if "." in text and not re.search(r"[A-Za-z]", text):
            return None  # "99.89": a measure, never a count of people or things
        if re.fullmatch(r"1\d{3}|20\d{2}", text):
            return None  # a bare year the date reader left alone
        low = high = value
        if q == "low":
            high = None
        elif q == "high":
            low = None
        return _Number(start, end, low, high, value)
    a_text = m.group("a1") or m.group("a")
    b_text = m.group("b1") or m.group("b")
    a, b = parse_number(a_text), parse_number(b_text)
    if a is None or b is None:
        return None
    scale = re.search(_SCALE + r"$", b_text, re.IGNORECASE)
    if scale and not re.search(_SCALE, a_text, re.IGNORECASE) and a < 1000:
        a *= _SCALES[scale.group().lower()]  # "1 to 1.5 million"
    if b <= a:
        return None  # "voted 4–3": a score, not a range
    return _Number(start, end, a, b)


# --- what a number counts ----------------------------------------------------------------------

_STOP = {
    "were",
    "was",
    "are",
    "is",
    "be",
    "been",
    "being",
    "had",
    "have",
    "has",
    "who",
    "which",
    "that",
    "whom",
    "in",
    "on",
    "at",
    "from",
    "to",
    "with",
    "by",
    "during",
    "for",
    "after",
    "before",
    "as",
    "than",
    "while",
    "when",
    "would",
    "could",
    "will",
    "did",
    "also",
    "into",
    "since",
    "until",
}
_TOKEN = re.compile(r"[\w'’]+(?:[-.][\w'’]+)*|[^\w\s]")


@dataclass(frozen=True)
class _Phrase:
    """What follows a number."""

    who: str | None  # the counted noun phrase as written
    cls: str | None  # "equipment", "personnel", "people"; None: no counted noun
    noun_kind: str | None  # the kind the noun itself says ("deaths", "refugees")
    end: int  # where the phrase ends in the sentence
    other: bool = False  # it counts something the rules do not ("seven districts")
    # Only words that qualify a noun left out, which the next number of a list has: "19
    # Azerbaijani and 14 Armenian soldiers"; `who` holds them.
    elided: bool = False


@dataclass(frozen=True)
class _Counted:
    """How a number was read as a figure."""

    kind: str
    who: str | None
    continues: int | None  # the index of the figure it goes on from, if any
    end: int  # where its own noun phrase ends
    head: _Phrase  # what says what it counts: its own noun, or the list's where it has none


# A number after the one being read, with what follows it.
_Later = list[tuple[_Number, _Phrase]]


def _count(
    text: str,
    num: _Number,
    own: _Phrase,
    later: _Later,
    figures: list[Figure],
    counted: list[_Counted],
    vocab: _Vocabulary,
) -> _Counted | None:
    """How the number is read, if it counts something we know; `own` is what follows it,
    `figures` are those before it in the sentence, and `counted` how they were read."""
    strong = _STRONG.match(text, num.end)
    if strong:  # "a 10,000-strong force"
        phrase = _Phrase(strong.group("who"), "personnel", None, strong.end())
        return _Counted("personnel", phrase.who, None, phrase.end, phrase)
    total = _breakdown_total(text, num.start, [c.end for c in counted])
    head = phrase = own
    if own.elided:
        shared = _shared_head(
            text, own.end, later, counted[total].head if total is not None else None
        )
        if shared is None:
            return None
        head, phrase = shared, replace(shared, who=own.who, end=own.end)

    def read(kind: str, who: str | None, continues: int | None = None) -> _Counted:
        return _Counted(kind, who, continues, own.end, head)

    if phrase.other:
        return None
    if phrase.cls == "equipment":
        return read("equipment", phrase.who)
    segment_start, _ = _segment(text, num.start)
    start, end = _forward_window(text, phrase.end, later)
    _, clause_end = _segment(text, start)  # the clause the words after the number are in
    before_number = end < len(text) and end <= clause_end
    cue = _cue_after(text, start, min(end, clause_end), before_number, vocab) or _cue_before(
        text, max(segment_start, figures[-1].end if figures else 0), num.start, vocab
    )
    kind = cue
    # The noun's own kind wins over a cue of the same family, and over one found only past a
    # list, which says what happened to its last member ("14 wounded, and one soldier was
    # taken prisoner").
    if phrase.noun_kind is not None and (
        cue is None
        or start > phrase.end
        or any({cue, phrase.noun_kind} <= family for family in _FAMILIES)
    ):
        kind = phrase.noun_kind
    bare = phrase.cls is None and phrase.noun_kind is None
    if kind is not None:
        prev = _continues(text, num, figures) if phrase.who is None else None
        if prev is not None:
            return read(kind, _who_carried(text, figures[prev], num), prev)
        return read(kind, phrase.who)
    joined = total if total is not None else _joined(text, num, counted)
    if joined is not None and not bare:
        # One of a list, or of a total's parts, whose verb says what happened to them all.
        return read(figures[joined].kind, phrase.who, joined)
    if phrase.cls in (None, "people"):
        measure = _measure(text, num.start, vocab)
        if measure is not None:
            return read(measure[0], phrase.who or measure[1])
    if phrase.cls == "personnel":
        return read("personnel", phrase.who)
    prev = _continues(text, num, figures, bare=bare)
    if prev is not None:
        return read(figures[prev].kind, phrase.who or _who_carried(text, figures[prev], num), prev)
    return None


_BRACKETED = r"[ \u00a0]*\([^()]*\)"  # words in brackets, as "(11 non-combat)"
_BRACKET = re.compile(_BRACKETED)
_CLOSING = re.compile(r"[ \u00a0]*\)")


def _breakdown_total(text: str, pos: int, ends: list[int]) -> int | None:
    """The figure whose parts are listed in the brackets a position is in, right after its
    noun phrase: "15 civilians (nine Armenians and six Azerbaijanis)"."""
    opening = text.rfind("(", 0, pos)
    if opening < 0 or ")" in text[opening:pos]:
        return None
    return next(
        (j for j in range(len(ends) - 1, -1, -1) if not text[ends[j] : opening].strip(" \u00a0")),
        None,
    )


def _shared_head(text: str, pos: int, later: _Later, total: _Phrase | None) -> _Phrase | None:
    """What a number whose noun is left out counts: the noun phrase of the number it is listed
    with ("19 Azerbaijani and 14 Armenian soldiers", "two Azerbaijani and one Armenian
    soldier"), or, at the end of a total's parts in brackets, the `total`'s ("10 civilians (six
    Azerbaijani and four Armenian)"); None if that counts nothing we know ("two Armenian and
    three Azerbaijani delegations")."""
    for n, phrase in later:
        if not _CONJOINED.fullmatch(text, pos, n.start):
            if "(" in text[pos : n.start] and ")" not in text[text.index("(", pos) : n.start]:
                continue  # a number in brackets between the two: "91 Armenian (11 …) and 94"
            break
        if not phrase.elided:
            known = phrase.cls is not None or phrase.noun_kind is not None
            return phrase if known and not phrase.other else None
        pos = phrase.end
    return total if _CLOSING.match(text, pos) else None


# Words before a number that add it to what the figure before it says: "thousands were
# killed, mostly soldiers, but also almost two hundred civilians".
_ADDED = re.compile(
    r"(?:\b(?:but|and)[ \u00a0]+also|\bas[ \u00a0]+well[ \u00a0]+as|\bincluding"
    r"|\bamong[ \u00a0]+them)[ \u00a0]+$"
)


def _joined(text: str, num: _Number, counted: list[_Counted]) -> int | None:
    """The figure before a number that it is listed with, so that what happened to them is
    said once for both ("the deaths of five Azerbaijani and four Armenian soldiers")."""
    if not counted:
        return None
    end = counted[-1].end
    if _CONJOINED.fullmatch(text, end, num.start) or _ADDED.search(text, end, num.start):
        return len(counted) - 1
    return None


def _who_carried(text: str, before: Figure, num: _Number) -> str | None:
    """What a number that continues a figure counts: the same, unless a clause boundary lies
    between them ("Azerbaijan stated 11,557 of its soldiers were killed, while estimates of the
    dead on its side were 25,000–30,000": the second is not said to be soldiers)."""
    return None if _BOUNDARY.search(text, before.end, num.start) else before.who


_STRONG = re.compile(r"-strong(?:[ \u00a0]+(?P<who>[a-z][\w-]*))?")
# Between two numbers of one list: "600 Armenian and 1,000 Azerbaijani soldiers", "230,000
# Armenians from Azerbaijan and 800,000 Azerbaijanis", "91 Armenian (11 non-combat) and 94".
_CONJOINED = re.compile(
    rf"(?:{_BRACKETED})?"
    r"(?:[ \u00a0]+(?:from|in)[ \u00a0]+[A-Z][\w'’-]*(?:[ \u00a0]+[A-Z][\w'’-]*)?)?"
    r"[ \u00a0]*(?:,[ \u00a0]*)?(?:(?:and|or|as well as|including|plus)[ \u00a0]+)?"
)


def _forward_window(text: str, pos: int, later: _Later) -> tuple[int, int]:
    """Where to look for what happened to the people a number counts: up to the next number,
    or past a list of them ("600 Armenian and 1,000 Azerbaijani soldiers were killed"), or past
    its parts in brackets ("10 civilians (six Azerbaijani and four Armenian) were killed")."""
    bracket = _BRACKET.match(text, pos)
    if bracket and later and later[0][0].start < bracket.end():
        pos = bracket.end()
        later = [(n, phrase) for n, phrase in later if n.start >= pos]
    if not later or not _CONJOINED.fullmatch(text, pos, later[0][0].start):
        return pos, later[0][0].start if later else len(text)
    for k, (_, phrase) in enumerate(later):
        nxt = later[k + 1][0].start if k + 1 < len(later) else len(text)
        pos = phrase.end
        if k + 1 == len(later) or not _CONJOINED.fullmatch(text, pos, nxt):
            return pos, nxt
    return pos, len(text)


def _continues(text: str, num: _Number, figures: list[Figure], bare: bool = True) -> int | None:
    """The figure a number continues: a bare number ("… 500 railroad cars of ammunition compared
    to Azerbaijan's 10,000", "… 400,000 … and a further 30,000 came"), or one whose people are
    listed right after it ("613 civilians, of them 106 women")."""
    if not figures:
        return None
    if not bare and len(text[figures[-1].end : num.start].split()) > 4:
        return None
    return len(figures) - 1


_NUMBER_NEXT = re.compile(rf"[ \u00a0]+(?:\d|(?i:{_WORD_NUMBER})\b)")
_LEAD_IN = re.compile(
    r"[ \u00a0]+(?:more|further|other|additional|of(?:[ \u00a0]+(?:its|their|his|her|the|these|"
    r"those|them|whom|which))?)(?=[ \u00a0])"
)
# After the words qualifying a noun that is left out: the next number of the list ("19
# Azerbaijani and 14 Armenian soldiers"), or the end of a total's parts in brackets.
_ELIDED = re.compile(
    rf"(?:{_BRACKETED})?(?:[ \u00a0]*,[ \u00a0]*(?:(?:and|or)[ \u00a0]+)?"
    rf"|[ \u00a0]+(?:and|or)[ \u00a0]+)(?=\d|(?i:{_WORD_NUMBER})\b)|[ \u00a0]*\)"
)
# After a number, a word ending in -s is a plural noun (verbs agree without it): "seven
# districts", "34 passengers" count something; "30,000 killed", "Thousands died" are bare.
_PLURAL = re.compile(r"(?i)^[\w'’-]{2,}s$")
_NOT_PLURAL = {"was", "has", "is", "as", "its", "this", "thus", "his", "hers", "ours", "yes"}


def _noun_phrase(text: str, num: _Number, limit: int, vocab: _Vocabulary) -> _Phrase:
    pos = start = num.end
    m = _LEAD_IN.match(text, pos, limit)
    if m and m.group().split()[-1] in ("them", "whom", "which"):
        return _Phrase(None, None, None, start)  # "200 of them were killed": it stands alone
    if m:
        pos = m.end()
    window_end = pos
    for words, t in enumerate(_TOKEN.finditer(text, pos, limit)):
        tok = t.group()
        if not (tok[0].isalnum() or tok[0] in "'’") or tok.lower() in _STOP or words >= 7:
            break
        # "Su-22s and Su-17s", "tanks and armored fighting vehicles" go on; "… and 140" not.
        if tok.lower() in ("and", "or") and (not words or _NUMBER_NEXT.match(text, t.end())):
            break
        window_end = t.end()
    window = text[pos:window_end]
    classes = [
        (hit.start(), cls, hit)
        for cls, pattern in vocab.classes
        for hit in pattern.finditer(window)
    ]
    kinds = [(hit.start(), kind, hit) for kind, p in vocab.nouns for hit in p.finditer(window)]
    if not classes and num.single == 1:
        # "one soldier", "one Armenian soldier": a counted noun in the singular; the last one
        # before any "of" is the head of the phrase.
        for m in _TOKEN.finditer(window):
            if m.group().lower() == "of":
                break
            singular = [cls for cls, pattern in vocab.classes if pattern.fullmatch(m.group() + "s")]
            if singular:
                classes = [(m.start(), singular[0], m)]
    if not classes and not kinds:
        # Words before a verb of what happened ("… fled their homes") say what is counted.
        cues = [h.start() for _, p in vocab.after for h in p.finditer(window)]
        noun_end = pos + min(cues, default=len(window))
        words = [t.group() for t in _TOKEN.finditer(text, pos, noun_end)]
        plural = any(_PLURAL.match(w) and w.lower() not in _NOT_PLURAL for w in words)
        qualifiers = bool(words) and not cues and not plural and len(words) <= 3
        if qualifiers and _ELIDED.match(text, window_end):
            return _Phrase(window, None, None, window_end, elided=True)
        # "one village", "one factor": a noun in the singular
        other = plural or (num.single == 1 and bool(words))
        return _Phrase(None, None, None, start, other=other)
    cls = min(classes, key=lambda c: c[0])[1] if classes else None
    noun_kind = min(kinds, key=lambda k: k[0])[1] if kinds else None
    # who runs to the last counted noun of the phrase: "Su-25 ground support bombers".
    hits = [h for _, c, h in classes if c == cls] or [h for _, _, h in kinds]
    who_end = pos + max(h.end() for h in hits)
    complement = re.match(
        r"[ \u00a0]+of[ \u00a0]+(?:[\w'’-]+[ \u00a0]+){0,2}?[\w'’-]+(?=[ \u00a0]+(?:in|from|"
        r"on|at|who|which|were|was|had|have|left|fled)\b|[,.;]|$)",
        text[who_end:limit],
    )
    if complement and not re.search(r"\d", complement.group()):
        who_end += complement.end()
    who = text[pos:who_end].strip()
    if not classes and not who.endswith("s"):
        who = ""  # "140 wounded", "200 missing": the word says what happened, not who
    return _Phrase(who or None, cls, noun_kind, who_end)


def _cue_after(
    text: str, start: int, end: int, before_number: bool, vocab: _Vocabulary
) -> str | None:
    """The nearest kind cue after the number and its noun, within its clause (which ends at
    `end`, at the next number if `before_number`)."""
    window = text[start:end]
    words = list(re.finditer(r"\S+", window))
    if len(words) > 18:
        window = window[: words[18].start()]
    best = None
    for kind, pattern in vocab.after:
        for hit in pattern.finditer(window):
            if before_number and not window[hit.end() :].strip(" \u00a0"):
                continue  # "… and wounded 12": the cue belongs to the next number
            key = (hit.start(), -len(hit.group()))
            if best is None or key < best[0]:
                best = (key, kind)
            break
    return best[1] if best else None


def _cue_before(text: str, start: int, end: int, vocab: _Vocabulary) -> str | None:
    """A kind cue just before the number: "killing scores of", "the death of 18"."""
    window = text[start:end]
    words = list(re.finditer(r"\S+", window))
    if len(words) > 4:
        window = window[words[-4].start() :]
    # Read the cue right before the number, past an article: "killed the 12", "lost all 30".
    window = _DETERMINER_TAIL.sub("", window)
    for kind, pattern in vocab.before:
        if pattern.search(window):
            return kind
    return None


_DETERMINER_TAIL = re.compile(r"(?i)(?:\b(?:the|a|an|some|all|his|her|their|its))?[ \u00a0]*$")


def _measure(text: str, pos: int, vocab: _Vocabulary) -> tuple[str, str | None] | None:
    """A bare number stated as the value of a measure earlier in the sentence: "the death toll
    … is 613 civilians", "the number of men eligible for military service … totalled 550,000"."""
    before = text[:pos]
    for kind, pattern in vocab.measures:
        if pattern.search(before):
            return kind, None
    measured = list(_NUMBER_OF.finditer(before))
    if not measured:
        return None
    who = measured[-1].group("who")
    # What happened to them may be in the words measured: "the number of Azerbaijani dead",
    # "the number of Armenians killed".
    for kind, pattern in vocab.nouns:
        hit = pattern.search(who)
        if hit is not None:
            return kind, who[: hit.end()]
    for kind, pattern in vocab.after:
        hit = pattern.search(who)
        if hit is not None and who[: hit.start()].strip():
            return kind, who[: hit.start()].strip()
    if vocab.personnel is not None and vocab.personnel.fullmatch(who.split()[0]):
        return "personnel", who
    return None


_NUMBER_OF = re.compile(r"\bnumber of\s+(?P<who>[\w'’-]+(?:\s+(?!in\b|at\b|of\b)[\w'’-]+){0,4})")


def _segment(text: str, pos: int) -> tuple[int, int]:
    """The clause a position is in, between strong boundaries (";", "while", "but", brackets)."""
    spans = _boundaries(text)
    k = bisect.bisect_right([e for _, e in spans], pos)
    start = spans[k - 1][1] if k else 0
    end = next((s for s, _ in spans[k:] if s >= pos), len(text))
    return start, end


@lru_cache(maxsize=64)
def _boundaries(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BOUNDARY.finditer(text)]


# --- who states it -----------------------------------------------------------------------------


def _attribution(
    text: str, pos: int, dates: Sequence[DateMention], previous: str | None
) -> tuple[str, int, int, bool] | None:
    """(claimant as written, start, end, in the previous sentence?) or None."""
    seg_start, seg_end = _segment(text, pos)
    # A claimant is named near its figure; looking further only costs time on long texts.
    seg_start, seg_end = max(seg_start, pos - _CLAIM_REACH), min(seg_end, pos + _CLAIM_REACH)
    found = _claimant(text, seg_start, seg_end, pos, dates)
    if found is not None:
        name, start, end = found
        if name.split()[0].lower() in _PRONOUNS and previous:
            earlier = _claimant(previous, 0, len(previous), len(previous), ())
            if earlier is not None:
                return earlier[0], earlier[1], earlier[2], True
            return None
        return name, start, end, False
    # A report that goes on: "According to Memorial, the villages … were attacked. Houses
    # were burned and dozens of civilians were killed." Not if this sentence names its own.
    if previous and not dates:
        m = re.match(r"\s*According to\s+", previous)
        if m and _claimant(text, 0, len(text), len(text), dates) is None:
            found = _according(previous, m.end(), len(previous))
            if found is not None:
                return found[0], found[1], found[2], True
    return None


def _claimant(
    text: str, seg_start: int, seg_end: int, pos: int, dates: Sequence[DateMention]
) -> tuple[str, int, int] | None:
    segment = text[seg_start:seg_end]
    for m in _ACCORDING.finditer(segment):
        found = _according(text, seg_start + m.end(), seg_end)
        if found is not None:
            return found
    for m in _QUOTED_AS.finditer(text, seg_start, pos):
        found = _tidy(text, m.start("who"), m.end("who"))
        if found is not None:
            return found
    verbs = list(_REPORTING.finditer(text, seg_start, pos))
    for verb in reversed(verbs):
        if _PASSIVE.search(text[seg_start : verb.start()]):
            continue
        subject = _subject(text, seg_start, verb.start(), dates)
        if subject is not None:
            return subject
    trailing = _TRAILING_CLAIM.search(text, pos, seg_end)  # "…, the ministry said."
    words = trailing.group("who").split() if trailing else []
    if words and (
        re.search(r"[A-Z]", trailing.group("who")) or words[-1].lower() in _CLAIMANT_NOUNS
    ):
        return _tidy(text, trailing.start("who"), trailing.end("who"))
    return None


_CLAIM_REACH = 400  # characters
_TRAILING_CLAIM = re.compile(
    r",\s+(?P<who>[^,;]{2,60}?)\s+(?:said|says|reported|reports|claimed|claims|stated|states|"
    r"estimated|estimates|added|adds|announced|alleged)\s*(?:\.\s*)?$"
)


def _according(text: str, start: int, limit: int) -> tuple[str, int, int] | None:
    """The name after "according to", up to the end of its phrase."""
    m = re.match(
        r"(?P<who>.+?)(?=\s*(?:,|;|:|\(|\)|\.$|\s(?:and|who|which|that|including|as)\s"
        r"|\s(?:is|was|were|are|for|in|on|at|during)\s)|$)",
        text[start:limit],
    )
    if m is None:
        return None
    who = m.group("who")
    if not re.search(r"[A-Z]", who):
        return None
    return _tidy(text, start, start + len(who))


def _subject(
    text: str, seg_start: int, verb_start: int, dates: Sequence[DateMention]
) -> tuple[str, int, int] | None:
    """The claimant before a reporting verb: "the Boston Globe reported", "Serzh Sargsyan, the
    then-military leader …, calculated"."""
    region = text[seg_start:verb_start].rstrip()
    if region.endswith(","):  # an appositive: the name comes before it
        inner = region[:-1].rfind(",")
        if inner < 0:
            return None
        region = region[:inner]
    start = len(region)
    for m in reversed(list(re.finditer(r"[^\s,;:()]+|[,;:()]", region))):
        word = m.group()
        if word in ",;:()" or word.lower() in _SUBJECT_WORDS_STOP:
            break
        if any(d.start <= seg_start + m.start() < d.end for d in dates):
            break
        start = m.start()
    phrase = region[start:]
    words = phrase.split()
    if not words or len(words) > 10:
        return None
    start, end = seg_start + start, seg_start + len(region)
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return phrase, start, end
    named = any(w[0].isupper() for w in words if w not in ("The", "A", "An", "In", "On"))
    if not named and words[-1].lower() not in _CLAIMANT_NOUNS:
        return None
    return _tidy(text, start, end)


# Who may state a figure without being named: "the ministry said", "officials estimated".
_CLAIMANT_NOUNS = {
    "ministry",
    "government",
    "authorities",
    "officials",
    "official",
    "army",
    "military",
    "side",
    "police",
    "report",
    "investigators",
    "investigation",
    "inquiry",
    "observers",
    "witnesses",
    "sources",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "mayor",
    "commander",
    "governor",
    "president",
    "minister",
    "committee",
    "commission",
    "census",
    "survey",
    "organization",
    "organisation",
    "newspaper",
    "agency",
    "researchers",
    "historians",
}


_SUBJECT_WORDS_STOP = {
    "and",
    "that",
    "when",
    "after",
    "before",
    "because",
    "since",
    "as",
    "if",
    "which",
    "who",
    "while",
    "whereas",
    "but",
    "with",
    "then",
    "also",
    "later",
    "thus",
    "so",
}


def _tidy(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """Shorten a claimant to its name where the text gives one: "the Moscow-based Human Rights
    organization Memorial" → "Memorial", "Armenian President Serzh Sargsyan" → "Serzh Sargsyan",
    "the mayor of Khojaly, Elmar Mamedov" → "Elmar Mamedov"; drop a leading article. None if
    there is no word in it ("quoted , as saying")."""
    phrase = text[start:end]
    stripped = phrase.rstrip(" ,")
    end = start + len(stripped)
    appositive = re.search(r",\s+(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)+)$", stripped)
    if appositive:
        return appositive.group("name"), start + appositive.start("name"), end
    named = _APPOSITIVE_NAME.search(stripped) or _BY_NAME.search(stripped)
    if named and named.start("name") > 0:
        return named.group("name"), start + named.start("name"), end
    article = re.match(r"(?:the|The|a|an)\s+", stripped)
    if article:
        start += article.end()
    if not any(c.isalnum() for c in text[start:end]):
        return None
    return text[start:end], start, end


# --- groups --------------------------------------------------------------------------------------


def _group(
    f: Figure,
    text: str,
    dates: Sequence[DateMention],
    previous: str | None,
    year: int | None,
    rules: FigureRules,
    said,
) -> str | None:
    """The first group one of whose rules the figure meets. `said(words, text)` tells whether
    the text has one of the words (cached per sentence)."""
    for group in rules.groups:
        for rule in group.rules:
            if _meets(rule, f, text, dates, previous, year, said):
                return group.id
    return None


def _meets(
    rule: GroupRule,
    f: Figure,
    text: str,
    dates: Sequence[DateMention],
    previous: str | None,
    year: int | None,
    said,
) -> bool:
    if rule.kinds and f.kind not in rule.kinds:
        return False
    if rule.years is not None and year is not None and not rule.years[0] <= year <= rule.years[1]:
        return False
    if rule.who and not (f.who and said(rule.who, f.who)):
        return False
    if rule.at_least is not None:
        largest = max((v for v in (f.low, f.high) if v is not None), default=None)
        if largest is None or largest < rule.at_least:
            return False
    if rule.words and not said(rule.words, text):
        return False
    if rule.nearby and not (said(rule.nearby, text) or (previous and said(rule.nearby, previous))):
        return False
    if rule.dates is not None:
        low, high = (_date_key(d) for d in rule.dates)
        if not any(_within(d, low, high) for d in dates if d.is_event_date):
            return False
    return True


def _within(d: DateMention, low: tuple[int, ...], high: tuple[int, ...]) -> bool:
    """Whether all of a date mention lies in [low, high] (so "February 1992" is not within
    25–26 February 1992, but "25–26 February 1992" is)."""
    first = _date_key(d.date.iso())
    last = _date_key((d.date_end or d.date).iso())
    return _padded(low, False) <= _padded(first, False) and _padded(last, True) <= _padded(
        high, True
    )


def _padded(key: tuple[int, ...], end: bool) -> tuple[int, int, int]:
    year, month, day = (*key, None, None)[:3]
    if month is None:
        month = 12 if end else 1
    if day is None:
        day = 31 if end else 1
    return year, month, day
