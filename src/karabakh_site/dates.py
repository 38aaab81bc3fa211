"""Date expressions in English prose, and the narrative year that dates the rest.

`find_dates` reads one sentence and returns every date expression with its
offsets: full and partial dates ("20 February 1988", "February 1988"), vague
ones ("early 1992", "mid-1992", "the winter of 1991–1992"), ranges ("20–23
September", "May–July 1991", "1992–1997"), year-less ones ("On 19 December")
and relative ones ("a day later", "the following year").

`resolve_dates` then walks a source's sentences in order, keeping the
narrative's current date, and gives every year-less or relative expression its
year. Asides in parentheses, adjectival years ("his 1997 book") and numbers
that are not years never move the narrative.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .pickling import pickled_as_call

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = dict(
    enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
)
SEASONS = {
    "spring": "spring",
    "summer": "summer",
    "autumn": "autumn",
    "fall": "autumn",
    "winter": "winter",
}
PARTS = ("early", "mid", "late", "first-half", "second-half", *sorted(set(SEASONS.values())))
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
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
}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DASH = r"\s?[–—-]\s?"
_TO = rf"(?:{_DASH}|\s(?:to|until|till|through)\s)"
_PART = (
    r"(?:(?:[Ee]arly|[Ll]ate|[Mm]id)(?:-|\s)|the (?:early|late|middle) part of "
    r"|the (?:first|second) half of |the (?:beginning|start|end) of )"
)
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
# Words after a number that show it counts something rather than naming a year.
_COUNT_NOUNS = (
    "men|women|people|persons|troops|soldiers|civilians|tanks|vehicles|km|kilometres|kilometers|"
    "miles|metres|meters|tons|tonnes|rubles|roubles|dollars|manat|drams|aircraft|fighters|"
    "villages|houses|homes|refugees|prisoners|hostages|casualties|deaths|dead|killed|wounded|"
    "Armenians|Azerbaijanis|Azeris|residents|inhabitants|volunteers|members|votes|rockets|"
    "shells|guns|helicopters|planes|mercenaries|officers|families|children|cases|years|days"
)
_NOT_YEAR_BEFORE = re.compile(
    r"(?:(?:\b(?:No|Nos|no|p|pp)\.|\b(?:Resolutions?|Section|number|ISBN|Regiment|Division|"
    r"Brigade|Battalion|Flight|Route|Highway))[\s\u00a0]?|[#$€£§]|US\$|[-/:])$"
)
_NOT_YEAR_AFTER = re.compile(
    rf"^(?:[\d/%]|st\b|nd\b|rd\b|th\b|s\b|\s(?:{_COUNT_NOUNS})\b|-[a-zA-Z])"
)
_ADJECTIVAL_BEFORE = re.compile(r"(?:\b(?:the|The|his|her|its|their|a|an)|['’]s)\s$")
_ADJECTIVAL_AFTER = re.compile(
    r"^\s(?!(?:and|to|or|when|as|with|by|in|on|at|for|the|was|were|is|are|had)\b)[A-Za-z]"
)


@pickled_as_call
@dataclass(frozen=True, order=True, slots=True)
class Day:
    """A calendar point at year, month or day precision (month/day may be None)."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


@pickled_as_call
@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # offsets into the sentence text
    end: int
    text: str
    precision: str  # day | month | season | year | decade | century
    date: Day | None = None  # None until the year is known
    date_end: Day | None = None
    part: str | None = None  # early, mid, late, spring, … for vague dates
    explicit_year: bool = True
    relative: tuple[str, int] | None = None  # ("day", +1), ("year", 0), …
    aside: bool = False  # inside parentheses
    adjectival: bool = False  # "the 2016 clashes", "his 1997 book"
    anchored: bool = False  # a named date from content/, e.g. "the end of the war"
    month_only: tuple[int, int | None, int | None, int | None] | None = None
    # ^ (month, day, end_month, end_day) of a year-less expression, resolved later

    @property
    def is_event_date(self) -> bool:
        """Whether this expression dates an event (decades and centuries do not)."""
        return self.date is not None and self.precision in ("day", "month", "season", "year")

    @property
    def from_context(self) -> bool:
        return not self.explicit_year or self.relative is not None or self.anchored

    @property
    def looks_back(self) -> bool:
        """ "the previous year", "three years earlier": a reference back, not an event."""
        return self.relative is not None and self.relative[1] < 0

    @property
    def moves_narrative(self) -> bool:
        return not (self.aside or self.adjectival or self.anchored or self.looks_back)


@dataclass(frozen=True)
class DateAnchor:
    """A phrase that names a date the text does not write as one ("the end of the war")."""

    phrase: str
    date: Day
    precision: str

    @property
    def pattern(self) -> re.Pattern:
        words = r"\s+".join(re.escape(w) for w in self.phrase.split())
        # "the end of the war in 1994" gives its own year; the anchor then stays out.
        return re.compile(rf"(?<![\w-]){words}(?![\w-])(?!,? (?:in|of) \d{{4}})", re.I)


def _month(name: str) -> int:
    return MONTHS[name.rstrip(".")]


def _year2(start_year: int, text: str) -> int:
    """An end year written with two digits ("2010-11") takes the century of the start."""
    if len(text) == 2:
        value = start_year // 100 * 100 + int(text)
        return value if value >= start_year else value + 100
    return int(text)


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _valid(year: int, month: int | None = None, day: int | None = None) -> bool:
    if not 1000 <= year <= 2100:
        return False
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def _part_of(text: str) -> str:
    t = text.lower()
    if "early" in t or "beginning" in t or "start" in t:
        return "early"
    if "mid" in t or "middle" in t:
        return "mid"
    if "first half" in t:
        return "first-half"
    if "second half" in t:
        return "second-half"
    return "late"  # late, end of


# What a sentence must contain for a pattern to be worth trying: a month name (m), a
# digit (d), a season (s), a word of relative time (r).
_NEEDS = {
    "day_month_range": "md",
    "day_range": "md",
    "us_day_range": "md",
    "month_year_range": "md",
    "day_month_year": "md",
    "us_date": "md",
    "part_month": "m",
    "month_range": "m",
    "month_year": "md",
    "season_range_before": "sd",
    "season": "sd",
    "part_year": "d",
    "decade": "d",
    "century": "d",
    "year_range": "d",
    "month_of_relative_year": "mr",
    "relative": "r",
    "month_alone": "m",
    "year": "d",
}
_HINTS = {
    "m": re.compile(_MONTH),
    "d": re.compile(r"\d"),
    "s": re.compile(r"spring|summer|autumn|fall|winter", re.I),
    "r": re.compile(r"\b(?:day|week|month|year)s?\b", re.I),
}
# Each pattern builds mentions from its match; they run in this order and a later
# match may not overlap an earlier one, so longer, more specific forms come first.
_D, _M, _Y = _DAY, _MONTH, _YEAR
_PATTERNS: list[tuple[str, re.Pattern, str]] = [
    (kind, re.compile(pattern, flags), _NEEDS[kind])
    for kind, pattern, flags in [
        (
            "day_month_range",
            rf"\b(?P<d1>{_D}) (?P<m1>{_M}){_TO}(?P<d2>{_D}) (?P<m2>{_M})(?:,? (?P<y>{_Y}))?\b",
            0,
        ),
        ("day_range", rf"\b(?P<d1>{_D}){_DASH}(?P<d2>{_D}) (?P<m>{_M})(?:,? (?P<y>{_Y}))?\b", 0),
        ("us_day_range", rf"\b(?P<m>{_M}) (?P<d1>{_D}){_DASH}(?P<d2>{_D})(?:, (?P<y>{_Y}))?\b", 0),
        ("month_year_range", rf"\b(?P<m1>{_M}) (?P<y1>{_Y}){_TO}(?P<m2>{_M}) (?P<y2>{_Y})\b", 0),
        (
            "month_year_range",
            rf"\bbetween (?P<m1>{_M}) (?P<y1>{_Y}) and (?P<m2>{_M}) (?P<y2>{_Y})\b",
            0,
        ),
        ("day_month_year", rf"\b(?P<d>{_D}) (?P<m>{_M})(?:,? (?P<y>{_Y})\b)?", 0),
        ("us_date", rf"\b(?P<m>{_M}) (?P<d>{_D})(?:, (?P<y>{_Y}))?\b(?![\d:])", 0),
        ("part_month", rf"(?P<p>{_PART})(?P<m>{_M})(?: (?P<y>{_Y}))?\b", 0),
        ("month_range", rf"\b(?P<m1>{_M}){_DASH}(?P<m2>{_M})(?: (?P<y>{_Y}))?\b", 0),
        ("month_year", rf"\b(?P<m>{_M}),? (?P<y>{_Y})\b", 0),
        (
            "season_range_before",
            rf"\bthe (?P<y1>{_Y}){_DASH}(?P<y2>\d{{4}}|\d{{2}}) (?P<s>{_SEASON})\b",
            0,
        ),
        (
            "season",
            rf"\b(?P<s>{_SEASON}),? (?:of )?(?P<y1>{_Y})(?:{_DASH}(?P<y2>\d{{4}}|\d{{2}}))?\b",
            0,
        ),
        ("part_year", rf"(?P<p>{_PART})(?P<y>{_Y})\b", 0),
        ("decade", r"\b(?:the )?(?:(?P<p>early|mid-|late) ?)?(?P<y>1[0-9]{2}0|20[0-9]0)s\b", 0),
        (
            "century",
            r"\b(?:the )?(?:(?P<p>early|mid-|late) ?)?(?P<c>1[0-9]|20|21|[1-9])(?:st|nd|rd|th)"
            r" century\b",
            0,
        ),
        ("year_range", rf"\bbetween (?P<y1>{_Y}) and (?P<y2>{_Y})\b", 0),
        ("year_range", rf"(?:\bfrom )?\b(?P<y1>{_Y}){_TO}(?P<y2>{_Y}|\d{{2}})\b(?![\d,.]\d)", 0),
        (
            "month_of_relative_year",
            rf"\b(?:(?P<p>[Ee]arly|[Ll]ate|[Mm]id)[- ])?(?P<m>{_M}) of "
            r"(?P<rel>that|the same|the following|the next|the previous) year\b",
            0,
        ),
        (
            "relative",
            r"\b(?:(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
            r" (?P<u>day|week|month|year)s? (?P<dir>later|earlier|after|before|prior)"
            r"|the (?P<rel>next|following|previous|same) (?P<u2>day|month|year)"
            r"|the day (?P<after>after|before)"
            r"|(?P<that>that) year)\b",
            re.IGNORECASE,
        ),
        ("month_alone", rf"(?<![\w-])(?P<m>{_M})(?![\w-])", 0),
        ("year", rf"(?<![\w.,/$€£-])(?P<y>{_Y})(?![\w-])", 0),
    ]
]
_MONTH_ALONE_BEFORE = re.compile(
    r"(?:\b(?:[Ii]n|[Oo]n|[Bb]y|[Ss]ince|[Uu]ntil|[Dd]uring|[Oo]f|[Ff]rom|[Tt]hrough|[Bb]efore"
    r"|[Aa]fter|[Ee]arly|[Ll]ate|[Tt]ill)|\band)\s$"
)


def find_dates(sentence: str, anchors: Sequence[DateAnchor] = ()) -> list[DateMention]:
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for anchor in anchors:
        for m in anchor.pattern.finditer(sentence):
            taken.append((m.start(), m.end()))
            found.append(
                DateMention(
                    m.start(), m.end(), m.group(), anchor.precision, date=anchor.date, anchored=True
                )
            )
    hints = {hint for hint, rx in _HINTS.items() if rx.search(sentence)}
    for kind, pattern, needs in _PATTERNS:
        if not hints.issuperset(needs):
            continue
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            mention = _build(kind, m, sentence)
            if mention is _INVALID:
                taken.append((m.start(), m.end()))  # "31 February 1992" is no date at all
                continue
            if mention is None:
                continue
            taken.append((mention.start, mention.end))
            found.append(mention)
    found.sort(key=lambda d: d.start)
    return [_mark_aside(sentence, d) for d in found]


def _build(kind: str, m: re.Match, s: str) -> DateMention | None:
    g = m.groupdict()
    start, end, text = m.start(), m.end(), m.group()
    base = {"start": start, "end": end, "text": text}
    y = int(g["y"]) if g.get("y") else None
    if kind == "day_month_range":
        d1, m1, d2, m2 = _day(g["d1"]), _month(g["m1"]), _day(g["d2"]), _month(g["m2"])
        return _dated(base, "day", y, (m1, d1), (m2, d2))
    if kind in ("day_range", "us_day_range"):
        mo, d1, d2 = _month(g["m"]), _day(g["d1"]), _day(g["d2"])
        if d2 <= d1:
            return None
        return _dated(base, "day", y, (mo, d1), (mo, d2))
    if kind == "month_year_range":
        a = Day(int(g["y1"]), _month(g["m1"]))
        b = Day(int(g["y2"]), _month(g["m2"]))
        if not (_valid(a.year, a.month) and _valid(b.year, b.month)) or b <= a:
            return None
        return DateMention(**base, precision="month", date=a, date_end=b)
    if kind in ("day_month_year", "us_date"):
        if g["m"] == "May" and y is None and kind == "us_date":
            return None  # "May 5" without a year is too often the verb
        return _dated(base, "day", y, (_month(g["m"]), _day(g["d"])))
    if kind == "part_month":
        return _dated(base, "month", y, (_month(g["m"]), None), part=_part_of(g["p"]))
    if kind == "month_range":
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        if m2 <= m1:
            return None
        return _dated(base, "month", y, (m1, None), (m2, None))
    if kind == "month_year":
        if not _valid(y, _month(g["m"])):
            return None
        return DateMention(**base, precision="month", date=Day(y, _month(g["m"])))
    if kind in ("season", "season_range_before"):
        y1 = int(g["y1"])
        y2 = _year2(y1, g["y2"]) if g.get("y2") else None
        if not _valid(y1) or (y2 is not None and (y2 <= y1 or y2 - y1 > 1)):
            return None
        return DateMention(
            **base,
            precision="season",
            date=Day(y1),
            date_end=Day(y2) if y2 else None,
            part=SEASONS[g["s"]],
        )
    if kind == "part_year":
        if not _valid(y):
            return None
        return DateMention(**base, precision="season", date=Day(y), part=_part_of(g["p"]))
    if kind == "decade":
        y = int(g["y"])
        return DateMention(
            **base,
            precision="decade",
            date=Day(y),
            date_end=Day(y + 9),
            part=_part_of(g["p"]) if g.get("p") else None,
        )
    if kind == "century":
        c = int(g["c"])
        return DateMention(
            **base,
            precision="century",
            date=Day((c - 1) * 100 + 1),
            date_end=Day(c * 100),
            part=_part_of(g["p"]) if g.get("p") else None,
        )
    if kind == "year_range":
        y1 = int(g["y1"])
        y2 = _year2(y1, g["y2"])
        if not (_valid(y1) and _valid(y2)) or y2 <= y1 or y2 - y1 > 200:
            return None
        if not _is_year_context(s, start if not text[0].isalpha() else m.start("y1"), end):
            return None
        return DateMention(
            **base,
            precision="year",
            date=Day(y1),
            date_end=Day(y2),
            adjectival=_is_adjectival(s, start, end),
        )
    if kind == "relative":
        return _relative(base, g)
    if kind == "month_of_relative_year":
        step = {"that": 0, "the same": 0, "the following": 1, "the next": 1, "the previous": -1}
        return DateMention(
            **base,
            precision="month",
            explicit_year=False,
            relative=("year", step[g["rel"]]),
            month_only=(_month(g["m"]), None, None, None),
            part=_part_of(g["p"]) if g.get("p") else None,
        )
    if kind == "month_alone":
        before = s[max(0, start - 12) : start]
        if not _MONTH_ALONE_BEFORE.search(before) or g["m"].endswith("."):
            return None
        if g["m"] == "May" and re.match(r"\s(?:be|have|not|also|well)\b", s[end:]):
            return None
        return _dated(base, "month", None, (_month(g["m"]), None))
    if kind == "year":
        if not _valid(y) or not _is_year_context(s, start, end):
            return None
        return DateMention(
            **base, precision="year", date=Day(y), adjectival=_is_adjectival(s, start, end)
        )
    raise AssertionError(kind)


_INVALID = DateMention(0, 0, "", "day")  # a date form whose day cannot exist


def _dated(base, precision, year, first, last=None, part=None) -> DateMention | None:
    """A day or month expression; without a year it waits for the narrative's."""
    m1, d1 = first
    m2, d2 = last if last else (None, None)
    if year is None:
        if not _valid(2000, m1, d1) or (m2 is not None and not _valid(2000, m2, d2)):
            return _INVALID
        return DateMention(
            **base, precision=precision, explicit_year=False, part=part, month_only=(m1, d1, m2, d2)
        )
    if not _valid(year, m1, d1) or (m2 is not None and not _valid(year, m2, d2)):
        return _INVALID
    return DateMention(
        **base,
        precision=precision,
        date=Day(year, m1, d1),
        date_end=Day(year, m2, d2) if m2 else None,
        part=part,
    )


def _relative(base, g) -> DateMention:
    if g.get("that"):
        rel = ("year", 0)
    elif g.get("after"):
        rel = ("day", 1 if g["after"] == "after" else -1)
    elif g.get("rel"):
        step = {"next": 1, "following": 1, "previous": -1, "same": 0}[g["rel"].lower()]
        rel = (g["u2"].lower(), step)
    else:
        n = g["n"].lower()
        count = int(n) if n.isdigit() else NUMBER_WORDS[n]
        sign = 1 if g["dir"].lower() in ("later", "after") else -1
        unit = g["u"].lower()
        if unit == "week":
            unit, count = "day", count * 7
        rel = (unit, sign * count)
    precision = {"day": "day", "month": "month", "year": "year"}[rel[0]]
    return DateMention(**base, precision=precision, explicit_year=False, relative=rel)


def _is_year_context(s: str, start: int, end: int) -> bool:
    before = s[max(0, start - 12) : start]
    after = s[end : end + 16]
    return not (
        _NOT_YEAR_BEFORE.search(before)
        or _NOT_YEAR_AFTER.match(after)
        or _NUMBER_RANGE_AFTER.match(after)
        or _NUMBER_RANGE_BEFORE.search(before)
    )


# A number in a numeric range that is not a year range ("between 1500–3000").
_NUMBER_RANGE_AFTER = re.compile(r"^\s?[–—-]\s?\d")
_NUMBER_RANGE_BEFORE = re.compile(r"\d\s?[–—-]\s?$")


def _is_adjectival(s: str, start: int, end: int) -> bool:
    """A year used as a modifier: "the 2016 clashes", "Budjeryn's 2022 book"."""
    return bool(
        _ADJECTIVAL_BEFORE.search(s[max(0, start - 8) : start])
        and _ADJECTIVAL_AFTER.match(s[end : end + 12])
    )


def _mark_aside(s: str, d: DateMention) -> DateMention:
    """Inside parentheses: "the Sumgait (1988) … pogroms", "(in 1997 and 2010)"."""
    depth = 0
    for ch in s[: d.start]:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
    return replace(d, aside=True) if depth else d


# --- the narrative's current date -------------------------------------------------


@dataclass
class _Now:
    year: int | None = None
    month: int | None = None
    day: int | None = None


def resolve_dates(
    sentences: Sequence[tuple[str, Iterable[DateMention]]],
) -> list[list[DateMention]]:
    """Give year-less and relative dates their year from the narrative before them.

    `sentences` is a source's sentences in order, each as (text, its mentions).
    Returns the mentions with `date` filled where it can be known.
    """
    now = _Now()
    out: list[list[DateMention]] = []
    for text, mentions in sentences:
        mentions = _topic_year(text, _share_years(text, list(mentions)))
        resolved: list[DateMention] = []
        previous: DateMention | None = None
        for d in mentions:
            d = _resolve_one(d, now, previous)
            resolved.append(d)
            if d.date is not None and d.precision in ("day", "month", "season", "year"):
                previous = d
                if d.moves_narrative:
                    _advance(now, d)
        out.append(resolved)
    return out


_LIST_JOIN = re.compile(r"^(?:,|(?:,\s*)?and|(?:,\s*)?or|[–—-])$")


def _share_years(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """ "in May and November 2009": a year-less date listed with a dated one shares its year."""
    for i in range(len(mentions) - 2, -1, -1):
        d, nxt = mentions[i], mentions[i + 1]
        if (
            d.month_only is not None
            and d.date is None
            and nxt.explicit_year
            and nxt.date is not None
            and nxt.relative is None
            and _LIST_JOIN.match(text[d.end : nxt.start].strip())
        ):
            mentions[i] = _written_year(d, nxt.date.year)
    return mentions


def _written_year(d: DateMention, year: int) -> DateMention:
    """A year-less date given a year the sentence writes (unchanged if invalid in it)."""
    m1, d1, m2, d2 = d.month_only
    if not _valid(year, m1, d1) or (m2 is not None and not _valid(year, m2, d2)):
        return d
    return replace(
        d,
        date=Day(year, m1, d1),
        explicit_year=True,
        date_end=Day(year, m2, d2) if m2 else None,
    )


_TOPIC_OPENING = re.compile(r"(?:The|In the|During the)\s+")


def _topic_year(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """ "The 2008 Mardakert clashes began on 4 March": a sentence that opens by naming an event
    with its year gives that year to its year-less dates (an adjectival year elsewhere, as in
    "his 1997 book", gives none)."""
    first = mentions[0] if mentions else None
    if (
        first is None
        or not first.adjectival
        or first.date is None
        or first.precision != "year"
        or not _TOPIC_OPENING.fullmatch(text[: first.start])
    ):
        return mentions
    year = first.date.year
    for i, d in enumerate(mentions[1:], start=1):
        if d.month_only is not None and d.date is None and d.relative is None:
            mentions[i] = _written_year(d, year)
    return mentions


def _resolve_one(d: DateMention, now: _Now, previous: DateMention | None) -> DateMention:
    if d.date is not None:
        return d
    if d.relative is not None:
        anchor = previous if previous is not None else None
        return _apply_relative(d, now, anchor)
    if d.month_only is None or now.year is None:
        return d
    m1, d1, m2, d2 = d.month_only
    year = now.year
    if not _valid(year, m1, d1) or (m2 is not None and not _valid(year, m2, d2)):
        return d
    return replace(d, date=Day(year, m1, d1), date_end=Day(year, m2, d2) if m2 else None)


def _apply_relative(d: DateMention, now: _Now, anchor: DateMention | None) -> DateMention:
    import datetime as _dt

    unit, step = d.relative
    if anchor is not None and anchor.date is not None:
        base = anchor.date_end or anchor.date if step > 0 else anchor.date
        year, month, day = base.year, base.month, base.day
    else:
        year, month, day = now.year, now.month, now.day
    if year is None:
        return d
    if unit == "year":
        if d.month_only is not None:  # "June of that year"
            return replace(d, date=Day(year + step, d.month_only[0]), precision="month")
        return replace(d, date=Day(year + step), precision="year")
    if unit == "month":
        if month is None:
            return d
        index = year * 12 + (month - 1) + step
        return replace(d, date=Day(index // 12, index % 12 + 1), precision="month")
    if month is None or day is None:
        return d
    moved = _dt.date(year, month, day) + _dt.timedelta(days=step)
    return replace(d, date=Day(moved.year, moved.month, moved.day), precision="day")


def _advance(now: _Now, d: DateMention) -> None:
    date = d.date
    if d.explicit_year or d.relative is not None:
        now.year = date.year
    now.month, now.day = date.month, date.day


# --- labels ---------------------------------------------------------------------------


def label(d: DateMention) -> str:
    """A normalised, human-readable date that keeps the source's precision."""
    a, b = d.date, d.date_end
    if a is None:
        return d.text
    if d.precision == "day":
        if b is None or b == a:
            return f"{a.day} {MONTH_NAMES[a.month]} {a.year}"
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.day}–{b.day} {MONTH_NAMES[a.month]} {a.year}"
        if a.year == b.year:
            return f"{a.day} {MONTH_NAMES[a.month]} – {b.day} {MONTH_NAMES[b.month]} {a.year}"
        return f"{a.day} {MONTH_NAMES[a.month]} {a.year} – {b.day} {MONTH_NAMES[b.month]} {b.year}"
    if d.precision == "month":
        prefix = {"early": "early ", "mid": "mid-", "late": "late "}.get(d.part or "", "")
        if b is None or b == a:
            return f"{prefix}{MONTH_NAMES[a.month]} {a.year}"
        if a.year == b.year:
            return f"{MONTH_NAMES[a.month]}–{MONTH_NAMES[b.month]} {a.year}"
        return f"{MONTH_NAMES[a.month]} {a.year} – {MONTH_NAMES[b.month]} {b.year}"
    if d.precision == "season":
        years = f"{a.year}" if b is None else f"{a.year}–{b.year}"
        part = d.part or ""
        if part == "mid":
            return f"mid-{years}"
        if part in ("early", "late"):
            return f"{part} {years}"
        if part in ("first-half", "second-half"):
            return f"{part.replace('-', ' ')} of {years}"
        return f"{part} {years}".strip()
    if d.precision == "year":
        return f"{a.year}" if b is None else f"{a.year}–{b.year}"
    if d.precision == "decade":
        return f"{a.year}s"
    return d.text


def iso(d: DateMention) -> tuple[str, str | None]:
    """The data-export form: (date, date_end) as YYYY, YYYY-MM or YYYY-MM-DD."""
    end = d.date_end.iso() if d.date_end and d.date_end != d.date else None
    return d.date.iso(), end
