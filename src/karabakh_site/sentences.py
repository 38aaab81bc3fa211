"""Sentence segmentation with character offsets.

The seeds are flattened text: no paragraph breaks, no markup. A sentence is a
span `text[start:end]` of the decoded seed. The rules are general English
punctuation rules (abbreviations, initials, decimals, quotations, brackets),
not knowledge of any one source; maintainers can add abbreviations in
`content/site.yaml`.

Wiki maintenance markers such as "[citation needed]" are recorded on the
sentence they follow (or sit inside) as flags and never become sentence text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

# Abbreviations that never end a sentence.
TITLE_ABBREVIATIONS = frozenset(
    """Mr Mrs Ms Messrs Mme Mlle Dr Prof Gen Col Lt Capt Cpt Sgt Maj Adm Brig Cpl Pvt Cmdr
    Rev Hon Gov Sen Rep Pres Supt St Ste Mt Ft Jr Sr vs e.g i.e cf viz approx ca incl
    Dept Univ Assn Bros Gens Lts Cols Sts Дж""".split()
)
# Abbreviations that do not end a sentence when a number follows ("p. 327").
NUMBER_ABBREVIATIONS = frozenset(
    """p pp No no Nos nos Vol vol Vols vols Art art Ch ch Fig fig para paras Sec sec Sect
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec c nr Nr op ed eds fn n nn""".split()
)
# Capitalised words that start a new sentence after a dotted acronym ("U.S. The …")
# or after a missing full stop in run-together fact boxes ("… in 2008 The two …").
SENTENCE_STARTERS = frozenset(
    """The A An In On At It He She They We This That These Those His Her Its Their But
    However After Before During When While Although As Since By From For With Following
    According Some Many Most Both Each There Here Despite Under""".split()
)
# Starters trusted to open a new sentence even without a full stop, and the words
# before them that mean a title is being named instead ("the film The Promise").
RUN_ON_STARTERS = frozenset({"The", "During"})
TITLE_CONTEXT = frozenset(
    """a an the of by in on at to for from with and or his her their its our my your
    book books film films novel song album newspaper magazine journal paper daily weekly
    series show game documentary play poem called titled entitled named dubbed
    as than into onto""".split()
)
# Words followed by a Roman numeral rather than an initial ("World War I.").
NUMERAL_NOUNS = frozenset(
    """War Part Phase Volume Vol Book Chapter Article Section Stage Round Title Act Annex
    Appendix Schedule Protocol Pope King Queen Tsar Czar Emperor Empress""".split()
)
# Lowercase surname particles that may start a sentence in a list of references.
NAME_PARTICLES = frozenset(
    ["de", "van", "von", "der", "den", "du", "da", "di", "al", "el", "le", "la", "ter", "ten"]
)

OPENERS = "\"“‘'«„(["
CLOSERS = "\"”’'»)]"
TERMINALS = ".!?…"
MAX_PROTECTED = 800  # a quotation or bracket longer than this is not trusted to close
MAX_SENTENCE = 1500  # longer runs of text are cut at the best break so pages stay readable

_MARKER_RE = re.compile(
    r"(?<=\S)\[(?:[a-z][a-z ?]{0,38}[a-z?]|[a-z]|\d{1,3})\]"  # text[citation needed]
    r"|(?<=\s)\[[a-z]{2}\](?=\s)"  # interlanguage hint: "Fyodor Lukyanov [ru]"
)
_HARD_BREAK_RE = re.compile(r"[\r\n]+[ \t\u00a0\r\n]*|[ \t\u00a0]{3,}")
_TERMINAL_RE = re.compile(r"[.!?…]+")
_WORD_BEFORE_RE = re.compile(r"([^\s\"“‘'«„(\[]*)$")
_DOTTED_ACRONYM_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_NON_SPACE = re.compile(r"\S+")
_LOWER_WORD = re.compile(r"[a-z]+")
_RUN_ON_RE = re.compile(r"(?<=[a-z0-9]) (The|During) (?=[a-z0-9])")


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    label: str  # the text inside the brackets, e.g. "citation needed"


@dataclass(frozen=True)
class Span:
    """One sentence as offsets into the seed text."""

    start: int
    end: int
    markers: tuple[Marker, ...] = ()
    hard_start: bool = False  # first sentence after a line break or a wide gap
    cut: bool = False  # cut because it ran past MAX_SENTENCE without punctuation


_FIGURE_TOKEN = re.compile(r"\d|^(?:N/?A|[–—-])$")
TABLE_MIN_FIGURES = 12  # a flattened table has at least this many figures …
TABLE_MIN_SHARE = 0.4  # … and they are at least this share of its words


def reads_as_table(text: str) -> bool:
    """Whether a "sentence" is a table flattened into running text ("Year Armenia Azerbaijan
    Total 2008 N/A N/A 30 soldiers 2009 …"): mostly figures, no prose to show or to date."""
    tokens = text.split()
    figures = sum(1 for token in tokens if _FIGURE_TOKEN.search(token))
    return figures >= TABLE_MIN_FIGURES and figures >= TABLE_MIN_SHARE * len(tokens)


def find_markers(text: str) -> list[Marker]:
    return [Marker(m.start(), m.end(), m.group()[1:-1]) for m in _MARKER_RE.finditer(text)]


def display_text(text: str, span: Span) -> str:
    """The sentence as a reader sees it: markers removed, whitespace collapsed."""
    parts: list[str] = []
    pos = span.start
    for marker in span.markers:
        if span.start <= marker.start and marker.end <= span.end:
            parts.append(text[pos : marker.start])
            pos = marker.end
    parts.append(text[pos : span.end])
    return normalise_space("".join(parts))


_SPACE_RE = re.compile(r"[\s\u00a0\ufeff]+")


def normalise_space(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


_WORD = re.compile(r"[\w-]+")


class Words(frozenset):
    """A text's lowercase words, also kept sorted so that prefixes are found by bisection."""

    @cached_property
    def ordered(self) -> list[str]:
        return sorted(self)

    def has_prefix(self, stem: str) -> bool:
        ordered = self.ordered
        i = bisect.bisect_left(ordered, stem)
        return i < len(ordered) and ordered[i].startswith(stem)


@lru_cache(maxsize=1024)
def words_of(text: str) -> Words:
    """The lowercase words of a text, with each hyphenated word's leading parts ("mig" of
    "mig-25"): a quick necessary test before running keyword patterns over a sentence."""
    words = set()
    for word in _WORD.findall(text.lower()):
        words.add(word)
        while "-" in word:
            word = word.rpartition("-")[0]
            words.add(word)
    return Words(words)


def has_any(words: Words, firsts: frozenset[str], stems: tuple[str, ...]) -> bool:
    """Whether `words` holds one of `firsts`, or a word starting with one of `stems`."""
    return not firsts.isdisjoint(words) or any(words.has_prefix(s) for s in stems)


def split_sentences(text: str, abbreviations: Iterable[str] = ()) -> list[Span]:
    """Split `text` into sentence spans, in order, covering all non-space text."""
    titles = TITLE_ABBREVIATIONS | frozenset(abbreviations)
    markers = _Markers(find_markers(text))
    marker_at = markers.starting_at
    spans: list[Span] = []
    for seg_start, seg_end in _segments(text):
        cuts = _boundaries(text, seg_start, seg_end, titles, marker_at)
        first = True
        for start, end in zip([seg_start, *cuts], [*cuts, seg_end], strict=True):
            for piece_start, piece_end, was_cut in _cap_length(text, start, end):
                span = _trim(text, piece_start, piece_end, markers, first)
                if span is not None:
                    if was_cut:
                        span = Span(span.start, span.end, span.markers, span.hard_start, True)
                    spans.append(span)
                    first = False
    return spans


def _segments(text: str) -> list[tuple[int, int]]:
    """Stretches of text between layout breaks (line breaks, wide gaps)."""
    out = []
    pos = 0
    for m in _HARD_BREAK_RE.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _protected_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Balanced quotations and brackets inside which no sentence ends.

    Straight double quotes are paired by position: one after a space or an
    opening bracket opens, one before a space or punctuation closes.
    """
    regions: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for m in _QUOTE_OR_BRACKET.finditer(text, start, end):
        i, ch = m.start(), m.group()
        # Forget openers that have gone unclosed for too long.
        while stack and i - stack[0][1] > MAX_PROTECTED:
            stack.pop(0)
        if ch == '"':
            prev = text[i - 1] if i > start else " "
            nxt = text[i + 1] if i + 1 < end else " "
            opens = (prev.isspace() or prev in "([{—–-/") and not nxt.isspace()
            if opens:
                stack.append(('"', i))
            elif stack and stack[-1][0] == '"':
                _close(stack, len(stack) - 1, i, regions)
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if ch in _CLOSING.get(stack[depth][0], ""):
                _close(stack, depth, i, regions)
                break
        else:
            if ch in _CLOSING:
                stack.append((ch, i))
    return regions


_QUOTE_OR_BRACKET = re.compile(r'["“”„«»()\[\]]')


# Opening marks and the marks that may close them („…“ and „…” both occur).
_CLOSING = {"“": "”", "„": "“”", "«": "»", "(": ")", "[": "]"}


def _close(
    stack: list[tuple[str, int]], depth: int, i: int, regions: list[tuple[int, int]]
) -> None:
    at = stack[depth][1]
    del stack[depth:]
    if i - at <= MAX_PROTECTED:
        regions.append((at, i + 1))


def _boundaries(text, seg_start, seg_end, titles, marker_at) -> list[int]:
    protected = _protected_regions(text, seg_start, seg_end)
    inside = _Inside(protected)
    cuts: list[int] = []
    for m in _TERMINAL_RE.finditer(text, seg_start, seg_end):
        p = m.end()  # just past the terminal punctuation
        q = p
        while q < seg_end and text[q] in CLOSERS:
            q += 1
        while q in marker_at:
            q = marker_at[q].end
        if q >= seg_end or not text[q].isspace():
            continue
        r = q
        while r < seg_end and text[r].isspace():
            r += 1
        if r >= seg_end or not _starts_sentence(text, r, seg_end):
            continue
        if inside.extends_past(m.start(), q):
            continue  # inside a quotation or bracket that goes on after this point
        if m.group()[-1] == "." and _is_abbreviation(text, m.start(), r, titles):
            continue
        cuts.append(q)
    for m in _RUN_ON_RE.finditer(text, seg_start, seg_end):
        word = _previous_word(text, m.start())
        if word.lower() in TITLE_CONTEXT or inside(m.start()):
            continue
        cuts.append(m.start() + 1)
    return sorted(set(cuts))


class _Inside:
    """Which protected regions contain a position (regions are few and short)."""

    def __init__(self, regions: list[tuple[int, int]]):
        self.regions = sorted(regions)
        self.starts = [start for start, _ in self.regions]

    def extends_past(self, pos: int, limit: int) -> bool:
        """True if a region holding `pos` ends after `limit`."""
        i = bisect.bisect_right(self.starts, pos)
        for start, end in self.regions[max(0, i - 64) : i]:
            if start <= pos < end and end > limit:
                return True
        return False

    def __call__(self, pos: int) -> bool:
        return self.extends_past(pos, pos)


def _previous_word(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _starts_sentence(text: str, r: int, end: int) -> bool:
    ch = text[r]
    if ch.isdigit() or ch in OPENERS:
        return True
    if ch.isalpha() and not ch.islower():
        return True
    word = _LOWER_WORD.match(text, r, end)
    if word and word.group() in NAME_PARTICLES:
        after = text[r + len(word.group()) : r + len(word.group()) + 2]
        return len(after) == 2 and after[0] in " -" and after[1].isupper()
    return False


def _is_abbreviation(text: str, period: int, next_start: int, titles: frozenset[str]) -> bool:
    word = _WORD_BEFORE_RE.search(text[max(0, period - 40) : period]).group(1)
    next_word = _NON_SPACE.match(text, next_start)
    nxt = next_word.group().strip("\"“‘'«(,;:") if next_word else ""
    if word in titles:
        return True
    if word in NUMBER_ABBREVIATIONS and text[next_start].isdigit():
        return True
    if _DOTTED_ACRONYM_RE.fullmatch(word):
        return nxt not in SENTENCE_STARTERS
    # A single capital before the full stop is an initial ("George H. W. Bush"),
    # unless it is a Roman numeral after a word that takes one ("World War I.").
    if len(word) == 1 and word.isalpha() and word.isupper():
        before = text[max(0, period - 40) : period - 1].split()
        return not (word in "IVX" and before and before[-1] in NUMERAL_NOUNS)
    return False


def _cap_length(text: str, start: int, end: int):
    """Cut runs longer than MAX_SENTENCE at the last ';', ',' or space before the limit."""
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = -1
        for sep in ("; ", ", ", " "):
            cut = text.rfind(sep, start + MAX_SENTENCE // 2, limit)
            if cut != -1:
                cut += len(sep) - 1
                break
        if cut == -1:
            cut = limit
        yield start, cut, True
        start = cut
    yield start, end, False


def _trim(text: str, start: int, end: int, markers: _Markers, hard: bool) -> Span | None:
    """Strip whitespace and leading/trailing markers; keep markers inside as flags."""
    attached: list[Marker] = []
    changed = True
    while changed:
        changed = False
        while start < end and (text[start].isspace() or text[start] == "\ufeff"):
            start += 1
            changed = True
        while end > start and text[end - 1].isspace():
            end -= 1
            changed = True
        ending = markers.ending_at.get(end)
        if ending is not None and ending.start >= start:
            attached.append(ending)
            end = ending.start
            changed = True
        opening = markers.starting_at.get(start)
        if opening is not None and opening.end <= end:
            start = opening.end
            changed = True
    if start >= end:
        return None
    inner = markers.within(start, end)
    return Span(start, end, tuple(sorted(inner + attached, key=lambda m: m.start)), hard)


class _Markers:
    """The markers of a text, indexed for the lookups `_trim` makes per sentence."""

    def __init__(self, markers: list[Marker]):
        self.markers = markers
        self.starts = [m.start for m in markers]
        self.starting_at = {m.start: m for m in markers}
        self.ending_at = {m.end: m for m in markers}

    def within(self, start: int, end: int) -> list[Marker]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.markers) and self.markers[i].end <= end:
            out.append(self.markers[i])
            i += 1
        return out
