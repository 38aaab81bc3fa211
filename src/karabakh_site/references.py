"""A source's back matter as explanatory notes, footnotes, bibliography works and citations.

The seeds are flattened pages: list items run together and the sentence splitter
cuts one reference entry into several sentences ("Griffin, Nicholas (2004)." |
"Caucasus: …" | "Chicago: University of Chicago Press." | "ISBN …"), or runs two
entries into one ("… Press. ——— (2013)."). So the back sentences are first cut
into *pieces* wherever an entry plainly starts inside a sentence (an author and
date, a short citation, a quoted title, a heading word), and the pieces are then
regrouped into entries by the shape of a citation: an entry opens with an author
or a title and is closed by "Retrieved …", "Archived from the original …" or an
identifier; a short citation ("de Waal 2013, p. 327.") is an entry by itself;
prose between citations is a note.

Headings ("Books", "References", …) split the back matter into lists; where a
flattened page lost them, further reading is where an alphabetical list starts
again at the top of the alphabet, and external links start at a sister-project
box ("Wikimedia Commons has media related to …"). Before the first heading,
explanatory notes run until citations become dense.

Short citations resolve to works by author surnames and year (with "a"/"b"
suffixes), through abbreviation aliases from `content/references.yaml`; a
citation that does not resolve keeps `work=None` and says why in `problem`.
Every record carries the ids of the sentences it spans and its offsets into
the seed text, so `text[start:end] == raw`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .backmatter import score
from .dates import MONTH_NAMES, MONTHS
from .model import Sentence
from .pickling import pickled_as_call
from .sentences import NAME_PARTICLES, find_markers
from .yamlschema import Field, MapOf, Record, Str, load_yaml

# --- records ------------------------------------------------------------------------

CATEGORIES = ("book", "chapter", "journal", "report", "web", "other")
FOOTNOTE_KINDS = ("short", "full", "note")
# What a heading introduces: explanatory notes, numbered footnotes, works whose category
# is read from their form ("works", "further"), works of one category, or external links.
HEADING_ROLES = ("notes", "footnotes", "works", "further", "links", *CATEGORIES[:-1])
FURTHER_READING = "Further reading"
EXTERNAL_LINKS = "External links"
# English-language headings of reference sections; content/references.yaml may add more.
DEFAULT_HEADINGS: Mapping[str, str] = {
    "Notes": "notes",
    "Explanatory notes": "notes",
    "Footnotes": "footnotes",
    "References": "footnotes",
    "Citations": "footnotes",
    "Notes and references": "footnotes",
    "Bibliography": "works",
    "Sources": "works",
    "Works cited": "works",
    "Cited sources": "works",
    "Books": "book",
    "Chapters": "chapter",
    "Book chapters": "chapter",
    "Journal articles": "journal",
    "Reports": "report",
    "Online sources": "web",
    "Web sources": "web",
    FURTHER_READING: "further",
    EXTERNAL_LINKS: "links",
}


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Citation:
    """A short citation ("de Waal 2013, p. 327") and the work it points to."""

    raw: str  # as in the seed, without the closing full stop
    start: int
    end: int
    names: tuple[str, ...]  # the author names as cited: ("Denber", "Goldman")
    key: str  # normalised author key: "denber & goldman"
    year: int
    suffix: str  # "a", "b" or ""
    pages: str  # "p. 327", "pp. 19–21" or ""
    work: str | None  # the id of the work it resolves to
    footnote: int  # number of the footnote that holds it
    sentence: str  # id of the sentence that holds it
    # How it resolved: "author" (surnames and year), "alias" (an abbreviation in
    # references.yaml), "text" (the name is in the opening of an entry with no parsed author).
    match: str = ""
    problem: str = ""  # why it did not resolve


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Note:
    """An explanatory note (before the numbered references)."""

    number: int
    raw: str
    start: int
    end: int
    sentences: tuple[str, ...]


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Footnote:
    number: int  # 1-based order in the source; the flattened text keeps no numbers
    raw: str
    start: int
    end: int
    kind: str  # "short" (a short citation), "full" (a full citation) or "note" (prose)
    sentences: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    work: str | None = None  # a bibliography work with the same ISBN or DOI


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Work:
    id: str  # "de-waal-2013": first author (or title) + year + suffix, unique per source
    category: str  # one of CATEGORIES
    heading: str  # as found, or FURTHER_READING / EXTERNAL_LINKS when inferred
    heading_inferred: bool
    authors: tuple[str, ...]  # "Surname, Given" (people) or a body's name, as filed
    editors: tuple[str, ...]
    edited: bool  # the names it is filed under are its editors ("Cohen, Ariel, ed.")
    year: int | None
    year_suffix: str
    title: str
    container: str  # the book a chapter is in, the journal an article is in
    publisher: str
    place: str
    pages: str
    isbn: str
    doi: str
    url: str
    archive_date: str  # ISO date when it parses, else as written
    retrieved: str
    language: str  # "Russian" from "(in Russian)"
    translated_title: str  # "[…]" after a title in another script
    raw: str
    start: int
    end: int
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class BackMatter:
    notes: tuple[Note, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    works: tuple[Work, ...] = ()
    citations: tuple[Citation, ...] = ()

    @property
    def unresolved(self) -> list[Citation]:
        return [c for c in self.citations if c.work is None]

    def work(self, work_id: str) -> Work:
        return next(w for w in self.works if w.id == work_id)


@dataclass(frozen=True)
class ReferenceRules:
    aliases: Mapping[str, str] = field(default_factory=dict)  # "HRW" → "Human Rights Watch"
    headings: Mapping[str, str] = field(default_factory=dict)  # extra heading → role


_RULES_SCHEMA = Record(
    {
        "aliases": Field(
            MapOf(Str(name="author name"), key=Str(name="abbreviation")), default_factory=dict
        ),
        "headings": Field(
            MapOf(Str(choices=HEADING_ROLES, name="heading role"), key=Str(name="heading")),
            default_factory=dict,
        ),
    },
    name="reference rules",
)


def load_reference_rules(path: Path) -> ReferenceRules:
    """`content/references.yaml`, validated; an absent file gives no aliases."""
    if not path.is_file():
        return ReferenceRules()
    raw = load_yaml(path, _RULES_SCHEMA)
    return ReferenceRules(aliases=dict(raw["aliases"]), headings=dict(raw["headings"]))


# --- patterns -----------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁԱ-ՖΑ-Ω"
_CAP = f"[{_UPPER}]"
_W = r"[\w'’-]"
_PARTICLE = "(?:" + "|".join(sorted(NAME_PARTICLES, key=len, reverse=True)) + ")"
_MONTH = "(?:" + "|".join(MONTH_NAMES.values()) + ")"
_SEASON = "(?:Spring|Summer|Autumn|Fall|Winter)"
# Capitalised words that precede a year without being an author.
_NOT_AUTHOR = (
    rf"(?:{_MONTH}|{_SEASON}|Archived|Retrieved|Accessed|Vol|Volume|No|Report|Resolution)\b"
)
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DATE_PREFIX = rf"(?:(?:\d{{1,2}} )?{_MONTH} (?:\d{{1,2}}, )?|{_SEASON} )?"
_DATE = rf"{_DATE_PREFIX}(?P<year>{_YEAR})(?P<suffix>[a-z]?)"
_ANY_DATE = rf"{_DATE_PREFIX}{_YEAR}[a-z]?"
_SURNAME = rf"(?:{_PARTICLE} )*{_CAP}{_W}+"
_GIVEN_WORD = rf"{_CAP}(?:{_W}|\.)*"
_GIVEN = rf"{_GIVEN_WORD}(?: {_GIVEN_WORD}){{0,3}}"
_INVERTED = rf"{_SURNAME}(?: {_CAP}{_W}+)?, {_GIVEN}"  # "de Waal, Thomas"
_DIRECT = rf"{_GIVEN_WORD}(?: {_GIVEN_WORD}){{1,3}}"  # "Zarema Velikhanova"
_ANY_NAME = rf"(?:{_INVERTED}|{_DIRECT})"
_JOIN = r"(?:; |,? and | & )"
_AUTHORS = rf"{_INVERTED}(?:{_JOIN}{_ANY_NAME})*"
_HINT = r"(?: \[[^\]]{1,30}\])?"  # "[in German]": a link to another language's wiki
_EDS = r"(?:,? (?P<eds>eds?)\.|\s?\((?P<eds2>eds?)\.\))?"
_ORG_WORD = rf"(?:{_CAP}[\w'’./&-]*|of|on|for|and|against|in|the|de|du|des|la|für|und|&)"

# "Surname, Given; Surname, Given, eds. (September 1992)" at the start of a piece.
_OPENER = re.compile(
    rf"^(?:\((?:in|In) [^)]{{2,40}}\) )?(?P<names>{_AUTHORS}|—{{2,}}){_HINT}{_EDS}"
    rf"(?: \((?P<date>{_DATE})\))?"
)
# "Federal Research Division (1995)." / "Jean-Christophe Peuch (25 July 2001)."
_BODY_OPENER = re.compile(
    rf"^(?P<names>{_CAP}[\w'’./&-]*(?: {_ORG_WORD}){{0,10}}) \((?P<date>{_DATE})\)"
    r"(?: \[[^\]]*\])?\.?$"
)
# "Yasemin Kilit Aklar (Kocaeli University)." — a name and an affiliation.
_AFFILIATED = re.compile(
    rf"^(?P<names>{_DIRECT}) \((?!in |In |PDF)(?P<aff>{_CAP}[^()]{{2,80}})\)\.?$"
)
_YEAR_PIECE = re.compile(rf"^\((?P<date>{_DATE})\)\.?$")
_MID_OPENER = re.compile(
    rf"(?<=\s)(?:{_SURNAME}, {_GIVEN}(?:{_JOIN}{_ANY_NAME})*{_HINT}"
    rf"(?:,? eds?\.)? \({_ANY_DATE}\)\.(?=\s|$)|—{{2,}} \({_ANY_DATE}\)\.)"
)
_MID_NAMED_TITLE = re.compile(rf"(?<=\. ){_SURNAME}, {_GIVEN} [\"“]")
_EDITOR = re.compile(rf"^(?P<names>{_AUTHORS}){_HINT} \((?:eds?)\.\)\.?$")
_IN_EDITORS = re.compile(
    rf"(?:^|\s)[Ii]n (?P<names>{_ANY_NAME}(?:(?:{_JOIN}|, ){_ANY_NAME})*)(?P<eds> \(eds?\.\))?\.?$"
)
_BY = re.compile(
    rf"\b[Bb]y (?:(?:Professor|Prof\.|Dr\.?|Sir|Ambassador|Baroness|Lord) )?(?P<name>{_DIRECT})"
)

_KEY = rf"(?!{_NOT_AUTHOR})(?:{_PARTICLE} )*{_CAP}[\w'’-]+"
_PAGE = r"(?:[\dxivlc]+(?:\.\d+)?(?:[–-][\dxivlc]+)?)"
_LOCATOR = (
    rf"(?:pp?\.) ?(?:passim|{_PAGE}(?:, ?{_PAGE})*)"
    r"(?:, (?:Appendix|Table|Figure|Fig\.|Map|note|n\.)[^.:;\"“]*)?"
)
# "Chorbajian, Donabedian & Mutafian 1994, pp. 13–18"
_SHORT = re.compile(
    rf"(?P<names>{_KEY}(?:(?:, | & | and ){_KEY})*)(?P<etal> et al\.?)? "
    rf"(?P<year>{_YEAR})(?P<suffix>[a-z]?)(?![\w–-])(?:, (?P<pages>{_LOCATOR}))?"
)
_CHAIN = re.compile(r"\.?; ")
_AFTER_SHORT = re.compile(r"^\.?\s*$|^[:,]?\s*[\"“«]|^:\s")
# A quoted title inside a sentence, known by what follows it: '"…" (in Russian)', '"…" (PDF)'.
_MID_TITLE = re.compile(r"(?<=\s)[\"“](?=[^\"”]{2,300}[\"”]\s\((?:in [A-Z]|PDF\)))")
_QUOTED_TITLE = re.compile(r"^[\"“]+(?P<title>.+?)[\"”]+(?=[.,]?(?:\s|$))")
_QUOTATION = re.compile(r"^[\"“«].*[.!?…]+[\"”»]$")
_BRACKET = re.compile(r"^\[[^\]]{3,}\]")  # a translation of what comes before it
_RETRIEVED = re.compile(r"^(?:Retrieved|Accessed) ")
_ARCHIVED = re.compile(r"^Archived (?:\(PDF\) )?from the original")
_IDENT = re.compile(r"^(?:ISBN|ISSN|S2CID|OCLC|JSTOR|PMID|PMC|Bibcode|hdl:|doi:|arXiv)")
_DATE_PIECE = re.compile(rf"^(?:\d{{1,2}} )?(?:{_MONTH} )?(?:\d{{1,2}}, )?{_YEAR}\b[.,]?")
_LANGUAGE = re.compile(r"\((?:in|In) (?P<lang>[A-Z][a-z]+(?: and [A-Z][a-z]+)?)\)")
_LINKS_OPENER = re.compile(r"^(?:Wiki[a-z]+(?: Commons)?|Library resources) (?:has|about)\b")
_ARCHIVED_AT = r"Archived \d.*?(?:Wayback Machine|archive\.today)"
# Marks of a citation that prose does not carry.
_STRONG = re.compile(
    r"Archived|Retrieved \d|Accessed \d|Wayback Machine|archive\.today|\bISBN|\bISSN|\bdoi:|"
    r"\(PDF\)|\((?:in|In) [A-Z][a-z]+|\bpp?\. ?[\dxivl]|"
    r"\b[\w-]+\.(?:com|org|net|info|gov|edu|int|ru|am|az|ge|uk|ch)\b|https?://"
)
_ISBN = re.compile(r"ISBN(?:-1[03])?:?\s?(?P<isbn>[\dX][\dX -]{8,16}[\dX])")
_DOI = re.compile(r"\bdoi: ?(?P<doi>10\.\d{4,9}/\S+)")
_URL = re.compile(r"\bhttps?://[^\s\"<>]+|\bwww\.[\w-]+\.[^\s\"<>]+")
_FULL_DATE = rf"\d{{1,2}} {_MONTH} {_YEAR}|{_MONTH} \d{{1,2}}, {_YEAR}"
_ARCHIVE_DATE = re.compile(
    r"Archived (?:\(PDF\) )?(?:from the original (?:\(PDF\) )?on )?"
    rf"(?P<date>{_FULL_DATE})"
)
_RETRIEVED_DATE = re.compile(rf"(?:Retrieved|Accessed) (?:on )?(?P<date>{_FULL_DATE})")
_BRACKETED = re.compile(r"\[(?P<tr>[^\[\]]{3,300})\]")
_PLACE = re.compile(
    rf"^(?P<place>{_CAP}[\w.'’-]*(?:[ -]{_CAP}[\w.'’-]*){{0,3}}(?:, {_CAP}[\w.'’ ]{{1,20}})?"
    r"(?: \[u\.a\.\])?): (?P<publisher>[^\d:].*)$"
)
_YEAR_ANY = re.compile(rf"(?<![\d/-]){_YEAR}(?![\d])|(?<=/){_YEAR}(?!\d)")
_JOURNAL_TAIL = re.compile(r"[.,]? (?:\d+ )?\(\d[^)]*\):?.*$|\.? \d+ \(.*$|\.? \d+:.*$")
_PAGES = re.compile(r"\bpp?\. ?(?P<pages>[\dxivl]+(?:[–-][\dxivl]+)?)|\): (?P<jp>\d+[–-]\d+)")
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0530-\u058f\u0590-\u06ff\u10a0-\u10ff]")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ſ]")
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_ORG_HINTS = frozenset(
    """Agency Association Bank Bureau Center Centre Commission Committee Conference Congress
    Council Court Department Division Foundation Fund Government Group Institute Institution
    International League Library Ministry Nations News Office Organisation Organization
    Parliament Press Service Society Union University Watch""".split()
)


# --- pieces -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    start: int  # offsets into the seed text
    end: int
    sentences: tuple[int, ...]  # indexes into the back sentences
    text: str  # markers removed, whitespace collapsed
    offsets: tuple[int, ...]  # where each character of `text` is in the seed text
    kind: str = ""

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Seed offsets of `text[a:b]`."""
        return self.offsets[a], self.offsets[b - 1] + 1


def _clean(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The span with markers blanked and whitespace collapsed, and each character's offset
    (a collapsed gap stands at the offset of its first character)."""
    span = text[start:end]
    markers = find_markers(span)
    if markers:
        parts, at = [], 0
        for marker in markers:
            parts += [span[at : marker.start], " " * (marker.end - marker.start)]
            at = marker.end
        span = "".join([*parts, span[at:]])
    chars: list[str] = []
    offsets: list[int] = []
    gap = 0  # where the whitespace after the last word starts
    for word in _WORD.finditer(span):
        if chars:
            chars.append(" ")
            offsets.append(start + gap)
        chars.append(word.group())
        offsets.extend(range(start + word.start(), start + word.end()))
        gap = word.end()
    return "".join(chars), offsets


_WORD = re.compile(r"[^\s\ufeff]+")  # \s includes the no-break space


def _heading_re(headings: Mapping[str, str]) -> re.Pattern[str]:
    words = "|".join(re.escape(h) for h in sorted(headings, key=len, reverse=True))
    return re.compile(rf"^(?P<h>{words})(?:[.:]?$|\s+(?=[{_UPPER}\"“«(—'\[]))")


def _cuts(clean: str, heading_re: re.Pattern[str]) -> list[int]:
    """Positions in a cleaned sentence where a new piece starts (besides 0)."""
    cuts: set[int] = set()
    body = 0
    m = heading_re.match(clean)
    if m and m.end() < len(clean):
        body = m.end()
        cuts.add(body)
    for rx in (_MID_OPENER, _MID_NAMED_TITLE):
        for m in rx.finditer(clean, body):
            before = clean[body : m.start()].rstrip()
            last = before.split()[-1] if before else ""
            if last and last[-1] not in ";,&" and last not in NAME_PARTICLES | {"and"}:
                cuts.add(m.start())
    chained_to = -1
    for m in _SHORT.finditer(clean, body):
        if not _short_ok(clean, m, body):
            continue
        if m.start() != chained_to:
            cuts.add(m.start())
        rest = clean[m.end() :]
        chain = _CHAIN.match(rest)
        if chain and _SHORT.match(rest, chain.end()):
            chained_to = m.end() + chain.end()  # "Smith 2001, p. 4; Jones 1999, p. 5."
        elif not _AFTER_SHORT.match(rest):
            after = m.end() + (1 if rest.startswith(".") else 0)
            cuts.add(after + len(clean[after:]) - len(clean[after:].lstrip()))
    for m in _MID_TITLE.finditer(clean, body):
        before = clean[body : m.start()].rstrip()
        if (
            before
            and not before.endswith(":")
            and not re.search(r"\bpp?\. ?\w+$", before)
            and not re.fullmatch(r"\((?:in|In) [^)]+\)", before)
        ):
            cuts.add(m.start())
    return sorted(c for c in cuts if body <= c < len(clean) and (c > 0))


def _short_ok(clean: str, m: re.Match[str], body: int) -> bool:
    """A short citation found inside a sentence, not a name and a year in prose."""
    if m.start() == body:
        return bool(_AFTER_SHORT.match(clean[m.end() :]) or m.group("pages"))
    if clean[m.start() - 1] not in " .":
        return False
    if m.group("pages"):
        return True
    before = clean[body : m.start()].rstrip()
    at_end = re.fullmatch(r"\.?", clean[m.end() :]) is not None
    return at_end and (before.endswith(("Machine", "archive.today")) or before[-1:] in ".,;")


def _pieces(back: Sequence[Sentence], text: str, heading_re: re.Pattern[str]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for index, sentence in enumerate(back):
        clean, offsets = _clean(text, sentence.start, sentence.end)
        if not clean:
            continue
        bounds = [0, *_cuts(clean, heading_re), len(clean)]
        for a, b in itertools.pairwise(bounds):
            part = clean[a:b]
            lead = len(part) - len(part.lstrip())
            part = part.strip()
            if not part:
                continue
            at = tuple(offsets[a + lead : a + lead + len(part)])
            if pieces and pieces[-1].text.endswith(" et al.") and re.match(_YEAR, part):
                # "Smith et al." | "2001, p. 4.": the splitter took "al." for a full stop.
                prev = pieces.pop()
                at = (*prev.offsets, prev.end, *at)
                part = f"{prev.text} {part}"
                indexes = (*prev.sentences, index)
            else:
                indexes = (index,)
            pieces.append(_Piece(at[0], at[-1] + 1, indexes, part, at))
    return [replace(p, kind=_classify(p.text, pieces, i, heading_re)) for i, p in enumerate(pieces)]


def _classify(t: str, pieces: list[_Piece], i: int, heading_re: re.Pattern[str]) -> str:
    nxt = pieces[i + 1].text if i + 1 < len(pieces) else ""
    m = heading_re.match(t)
    if m and m.end() == len(t):
        return "heading"
    if _LINKS_OPENER.match(t):
        return "links"
    if _short_at_start(t):
        return "short"
    if _RETRIEVED.match(t):
        return "retrieved"
    if _ARCHIVED.match(t):
        return "archived"
    if _IDENT.match(t):
        return "ident"
    if _EDITOR.match(t) and not _YEAR_PIECE.match(nxt):
        return "editor"
    if _is_opener(t, nxt):
        return "opener"
    if _YEAR_PIECE.match(t):
        return "year"
    if _BRACKET.match(t):
        return "bracket"
    if _QUOTATION.match(t):
        return "prose"
    if _QUOTED_TITLE.match(_strip_lang(t)):
        return "title"
    if _IN_EDITORS.search(t) and t.startswith("In "):
        return "in"
    if _DATE_PIECE.match(t):
        return "date"
    if _NON_LATIN.match(t) and ("[" in t or nxt.startswith("[")):
        return "foreign-title"
    if _is_prose(t):
        return "prose"
    return "fragment"


def _short_at_start(t: str) -> bool:
    """The piece is short citations, "; "-separated, and perhaps a quotation."""
    pos = 0
    while m := _SHORT.match(t, pos):
        chain = _CHAIN.match(t, m.end())
        if not chain:
            return bool(_AFTER_SHORT.match(t[m.end() :]))
        pos = chain.end()
    return False


def _is_opener(t: str, nxt: str) -> bool:
    m = _OPENER.match(t)
    if m:
        tail = t[m.end() :]
        if m.group("date"):
            return bool(re.match(r"^(?: \[[^\]]*\])?\.?(?:\s|$)", tail))
        if m.group("eds") or m.group("eds2"):
            return bool(re.fullmatch(r"\.?", tail)) and bool(_YEAR_PIECE.match(nxt))
        if m.group("names").startswith("—"):
            return False
        if "," in m.group("names") and re.fullmatch(r"\.?", tail):
            return tail == "." or m.group("names").endswith(".")  # "Nuykin, Andrey."
        if re.match(r"^,? [\"“]", tail) or re.match(r"^\. [\"“]", tail):
            return "," in m.group("names")
    if _BODY_OPENER.match(t):
        return True
    m = _AFFILIATED.match(t)
    return bool(m and not re.search(_YEAR, m.group("aff")))


def _is_prose(t: str) -> bool:
    if _STRONG.search(t):
        return False
    words = _WORDS.findall(t)
    if score(t).prose >= 0.35 and len(words) >= 6:
        return True
    non_latin = len(_NON_LATIN.findall(t)) > len(_LATIN.findall(t))
    return non_latin and len(words) >= 8 and t[-1:] in '.!?…»"'


# --- regions ------------------------------------------------------------------------


@dataclass
class _Region:
    role: str  # a HEADING_ROLES value, or "lead" for back matter before any heading
    heading: str
    inferred: bool
    pieces: list[_Piece] = field(default_factory=list)


def _regions(pieces: list[_Piece], headings: Mapping[str, str]) -> list[_Region]:
    regions = [_Region("lead", "", True)]
    for p in pieces:
        if p.kind == "heading":
            name = p.text.rstrip(".:")
            regions.append(_Region(headings[name], name, False))
        elif p.kind == "links" and regions[-1].role != "links":
            regions.append(_Region("links", EXTERNAL_LINKS, True, [p]))
        else:
            regions[-1].pieces.append(p)
    return [r for r in regions if r.pieces]


def _notes_end(pieces: list[_Piece], window: int = 6, needed: int = 4) -> int:
    """Where citations become dense: explanatory notes come before, footnotes after."""
    strong = [
        p.kind in {"short", "opener", "title", "retrieved", "archived", "ident", "date"}
        or bool(_LANGUAGE.search(p.text))
        for p in pieces
    ]
    for i, is_strong in enumerate(strong):
        if is_strong and sum(strong[i : i + window]) >= min(needed, len(pieces) - i):
            return i
    return len(pieces)


# --- grouping pieces into entries ---------------------------------------------------


@dataclass
class _Entry:
    pieces: list[_Piece]
    kind: str  # "short", "cite" or "prose"
    has_title: bool = False

    @property
    def last(self) -> str:
        return self.pieces[-1].kind


def _terminated(entry: _Entry, piece: _Piece) -> bool:
    last = entry.last
    if last == "retrieved":
        return True
    if last == "archived":
        return piece.kind not in {"retrieved", "ident"}
    if last == "ident":
        return piece.kind not in {"archived", "retrieved", "ident"}
    return False


def _group_footnotes(pieces: list[_Piece]) -> list[_Entry]:
    entries: list[_Entry] = []
    for p in pieces:
        cur = entries[-1] if entries else None
        kind = "prose" if p.kind == "prose" else "short" if p.kind == "short" else "cite"
        if cur is not None and _continues_title(cur, p):
            cur.pieces.append(p)
            cur.has_title = True
            continue
        new = (
            cur is None
            or p.kind == "short"
            or cur.kind == "short"
            or _terminated(cur, p)
            or (p.kind == "opener" and (cur.has_title or cur.kind == "prose"))
            or (p.kind in {"title", "foreign-title"} and (cur.has_title or cur.kind == "prose"))
            or (p.kind == "prose" and cur.kind != "prose")
            or (cur.kind == "prose" and p.kind not in {"prose", "bracket"})
        )
        if new and cur is not None and p.kind == "foreign-title" and _name_like(cur):
            # "Laura Baghdasaryan and Arif Yunusov." opens the entry whose title follows.
            moved = cur.pieces.pop()
            entries.append(_Entry([moved, p], "cite", True))
            continue
        if new:
            title = p.kind in {"title", "foreign-title"} or (
                p.kind in {"fragment", "prose"} and len(_WORDS.findall(_strip_lang(p.text))) >= 3
            )
            entries.append(_Entry([p], kind, title))
            continue
        if p.kind in {"title", "foreign-title"} and cur.kind != "prose":
            cur.has_title = True
        cur.pieces.append(p)
    return [e for e in entries if e.pieces]


def _continues_title(cur: _Entry, p: _Piece) -> bool:
    """An entry that has an author but no title yet takes the next piece as its title, and a
    title in another script that the sentence splitter cut goes on in the next piece."""
    if cur.kind != "cite" or _terminated(cur, p):
        return False
    if not cur.has_title and cur.last in {"opener", "year", "editor"}:
        return p.kind in {"prose", "title", "foreign-title", "fragment"}
    return p.kind == "foreign-title" and bool(_NON_LATIN.search(cur.pieces[-1].text[-12:]))


def _name_like(entry: _Entry) -> bool:
    if len(entry.pieces) < 2 or entry.last != "fragment":
        return False
    t = entry.pieces[-1].text.rstrip(".")
    names = re.split(r" and |, | & ", t)
    return all(re.fullmatch(rf"{_GIVEN_WORD}(?: {_GIVEN_WORD}){{1,2}}", n) for n in names)


def _strip_lang(t: str) -> str:
    return re.sub(r"^\((?:in|In) [^)]+\)\s*", "", t)


def _group_works(pieces: list[_Piece]) -> list[_Entry]:
    entries: list[_Entry] = []
    for p in pieces:
        cur = entries[-1] if entries else None
        if cur is None or p.kind == "opener" or _terminated(cur, p):
            entries.append(_Entry([p], "cite"))
        else:
            cur.pieces.append(p)
    return entries


def _group_links(pieces: list[_Piece]) -> list[_Entry]:
    entries: list[_Entry] = []
    for p in pieces:
        if entries and p.kind == "bracket":
            entries[-1].pieces.append(p)
        else:
            entries.append(_Entry([p], "cite"))
    return entries


def _restart(letters: list[str], drop: int = 3) -> int | None:
    """Index where an alphabetical list starts again from the top (an unheaded new list)."""
    for i in range(3, len(letters) - 2):
        before, here = letters[i - 1], letters[i]
        if not (before and here) or ord(before) - ord(here) < drop:
            continue
        ordered = all(
            a and b and ord(b) - ord(a) > -drop for a, b in itertools.pairwise(letters[:i])
        )
        after = letters[i : i + 3]
        if ordered and all(a and b and b >= a for a, b in itertools.pairwise(after)):
            return i
    return None


# --- works --------------------------------------------------------------------------


def _span(
    pieces: Sequence[_Piece], text: str, back: Sequence[Sentence]
) -> tuple[str, int, int, tuple[str, ...]]:
    start, end = pieces[0].start, pieces[-1].end
    ids: list[str] = []
    for p in pieces:
        for k in p.sentences:
            if back[k].id not in ids:
                ids.append(back[k].id)
    return text[start:end], start, end, tuple(ids)


def _person(name: str) -> str:
    """ "Zarema Velikhanova" → "Velikhanova, Zarema"; inverted names and bodies unchanged."""
    name = re.sub(r"\s*\[[^\]]*\]", "", name).strip().rstrip(",")
    if "," in name or not re.fullmatch(_DIRECT, name) or _is_body(name):
        return name
    words = name.split()
    return f"{words[-1]}, {' '.join(words[:-1])}"


def _is_body(name: str) -> bool:
    words = re.split(r"[ /]", name)
    return "/" in name or any(w in _ORG_HINTS for w in words) or len(words) > 4


def _split_names(names: str) -> list[str]:
    names = re.sub(r"\s*\[[^\]]*\]", "", names)
    parts = re.split(r"; |,? and | & ", names)
    return [_person(p) for p in parts if p.strip()]


def _surname(name: str) -> str:
    return name.split(",")[0].strip() if "," in name else name


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("’", "'").split())


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _iso(date: str) -> str:
    m = re.fullmatch(rf"(\d{{1,2}}) ({_MONTH}) ({_YEAR})", date) or re.fullmatch(
        rf"({_MONTH}) (\d{{1,2}}), ({_YEAR})", date
    )
    if not m:
        return date
    day, month, year = (m[1], m[2], m[3]) if m[1].isdigit() else (m[2], m[1], m[3])
    return f"{year}-{MONTHS[month]:02d}-{int(day):02d}"


def _unquote(t: str) -> str:
    """A title or name as written, without quotation marks, "(PDF)" or the closing full stop."""
    t = re.sub(r"\s*\(PDF\)", "", t.strip())
    t = _end_stop(t)
    if t[:1] in '"“' and t[-1:] in '"”' and len(t) > 2:
        t = t[1:-1]
    elif t[:1] in '"“':
        m = _QUOTED_TITLE.match(t)
        if m:
            t = m.group("title").rstrip(",")
            if t.count('"') % 2:
                t += '"'
    return t.replace('""', '"').strip()


def _end_stop(t: str) -> str:
    """Drop a closing full stop, but not one that ends an abbreviation ("n.p.", "Ltd.")."""
    t = t.strip()
    if t.endswith(".") and not re.search(r"(?:^|[\s.])\w\.$", t):
        t = t[:-1]
    return t.strip()


def _is_field(t: str) -> bool:
    return bool(
        _PLACE.match(t)
        or _IDENT.match(t)
        or _ARCHIVED.match(t)
        or _RETRIEVED.match(t)
        or _BRACKET.match(t)
        or t.startswith(("Vol.", "In "))
    )


def _subtitle_part(t: str) -> bool:
    """ "An Introduction." after "The Caucasus." — a title the sentence splitter cut."""
    words = t.rstrip(".").split()
    return (
        1 < len(words) <= 4
        and words[0] in {"A", "An", "The"}
        and all(w[:1].isupper() or w in {"of", "and", "the", "in", "to"} for w in words)
        and not _STRONG.search(t)
        and not any(w in _ORG_HINTS for w in words)
    )


def _publisher_like(t: str) -> bool:
    words = t.rstrip(".").split()
    return (
        0 < len(words) <= 6
        and (words[0][:1].isupper() or words[0][:1] in '"“')
        and not re.search(r"\d", t)
        and not _STRONG.search(t)
        and ":" not in t
    )


def _category_by_form(raw: str, has_in: bool) -> str:
    if has_in:
        return "chapter"
    if _DOI.search(raw) or re.search(r"\bISSN\b|\b\d+ \((?:\d+|[^)]*\d{4}[^)]*)\)", raw):
        return "journal"
    if _ISBN.search(raw) or re.search(r"\bUniversity Press\b|\bPublish|: [A-Z][\w.]+ Press\b", raw):
        return "book"
    if re.search(r"\b[A-Z][a-z]+ ?: [A-Z]", raw) and re.search(r"^[^\"“]*\(\d{4}[a-z]?\)", raw):
        return "book"
    if re.search(r"\bReport\b", raw):
        return "report"
    if _URL.search(raw) or re.search(r"Archived|Retrieved|\.(?:com|org|net)\b", raw):
        return "web"
    return "other"


@dataclass
class _Lead:
    """What the opening of an entry says: who, when, and sometimes the title."""

    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    edited: bool = False
    year: int | None = None
    suffix: str = ""
    title: str = ""
    next: int = 0  # index of the first piece after the lead


def _lead(pieces: Sequence[_Piece], previous: tuple[str, ...]) -> _Lead:
    texts = [p.text for p in pieces]
    first = texts[0]
    m = _OPENER.match(first)
    if m and pieces[0].kind == "opener":
        names = m.group("names")
        lead = _Lead(authors=list(previous) if names.startswith("—") else _split_names(names))
        if m.group("eds") or m.group("eds2"):
            lead.editors, lead.edited = list(lead.authors), True
        lead.next = 1
        year_piece = _YEAR_PIECE.match(texts[1]) if len(texts) > 1 else None
        if m.group("date"):
            lead.year, lead.suffix = int(m.group("year")), m.group("suffix")
        elif year_piece:
            lead.year, lead.suffix, lead.next = int(year_piece["year"]), year_piece["suffix"], 2
        quoted = re.match(r"^[.,]? ?(?P<q>[\"“].*)$", first[m.end() :])
        if quoted:
            lead.title = _unquote(quoted.group("q"))
        return lead
    m = _BODY_OPENER.match(first)
    if m:
        return _Lead([_person(m["names"])], year=int(m["year"]), suffix=m["suffix"], next=1)
    m = _AFFILIATED.match(first)
    if m:
        return _Lead([_person(m["names"])], next=1)
    lead = _Lead()
    by = _BY.search(first.split('"')[0])
    if by:
        words = []
        for w in by.group("name").split():
            if w in {"Archived", "Retrieved", "Accessed", "In", "The"}:
                break
            words.append(w)
        if len(words) >= 2:
            lead.authors = [_person(" ".join(words))]
    quoted = re.search(r"[\"“](?P<t>[^\"”]{3,300})[\"”]", first)
    if quoted:
        lead.title = quoted.group("t").strip().rstrip(",")
    if lead.title or lead.authors:
        lead.next = 1
    return lead


def _title(texts: list[str], lead: _Lead) -> tuple[str, int]:
    """The title and the index of the piece that holds it (-1: the lead holds it)."""
    if lead.title:
        return lead.title, -1
    i = lead.next
    while i < len(texts) and (_EDITOR.match(texts[i]) or _YEAR_PIECE.match(texts[i])):
        i += 1
    if i >= len(texts):
        return "", -1
    title = _unquote(texts[i])
    if (
        i + 2 < len(texts)
        and not texts[i].startswith(('"', "“"))
        and _subtitle_part(texts[i + 1])
        and _is_field(texts[i + 2])
    ):
        title = f"{title}. {_end_stop(texts[i + 1])}"
        i += 1
    return title, i


def _translation(title: str, flat: str) -> tuple[str, str]:
    """A title in another script and its translation in brackets: ("Կանաչ ու Սև", "Green …")."""
    if not _NON_LATIN.search(flat):
        return title, ""
    for orig, translated in _bracketed(title):
        if _NON_LATIN.search(orig):
            return orig.strip(), translated.strip()
        break
    for orig, translated in _bracketed(flat):
        if _NON_LATIN.search(orig[-40:]):
            return title, translated.strip()
    return title, ""


def _bracketed(text: str) -> Iterator[tuple[str, str]]:
    """(text before, text inside) for each "[…]" of 3–300 characters, in linear time.

    The text before runs back to the previous bracket (or the previous match)."""
    last = 0
    for m in _BRACKETED.finditer(text):
        start = m.start()
        previous = max(text.rfind("[", last, start), text.rfind("]", last, start))
        yield text[previous + 1 if previous >= 0 else last : start], m.group("tr")
        last = m.end()


def _part_of(texts: list[str], after: int) -> tuple[bool, list[str], str]:
    """For a chapter: whether it is "In" a book, that book's editors, and the book."""
    editors: list[str] = []
    for j in range(after, len(texts)):
        m = _IN_EDITORS.search(texts[j])
        if m and (m.group("eds") or not texts[j].startswith("In ")):
            if m.group("eds"):
                editors = _split_names(m.group("names"))
            return True, editors, _unquote(texts[j + 1]) if j + 1 < len(texts) else ""
    return False, editors, ""


def _publication(texts: list[str], category: str, container: str) -> tuple[str, str]:
    """Place and publisher: "London: Routledge." or a bare name after the title."""
    for t in texts:
        m = _PLACE.match(t)
        if m:
            publisher = re.split(r"\.? (?:pp?\. ?\d|ISBN)", m.group("publisher"))[0]
            return m.group("place"), _end_stop(publisher)
    if category in {"journal", "chapter"}:
        return "", ""
    for t in texts:
        if _EDITOR.match(t) or _IN_EDITORS.search(t) or _unquote(t) == container:
            continue
        if _publisher_like(t):
            return "", _unquote(t)
    return "", ""


def _fallback_year(flat: str, title: str) -> int | None:
    """A year anywhere but in the title or an archive or access date."""
    rest = flat.replace(title, " ") if title else flat
    rest = _ARCHIVE_DATE.sub(" ", _RETRIEVED_DATE.sub(" ", rest))
    m = _YEAR_ANY.search(rest)
    return int(m.group()) if m else None


def _parse_work(
    entry: _Entry,
    text: str,
    back: Sequence[Sentence],
    region: _Region,
    previous: tuple[str, ...],
) -> dict[str, Any]:
    texts = [p.text for p in entry.pieces]
    raw, start, end, ids = _span(entry.pieces, text, back)
    flat = " ".join(texts)
    if region.role == "links":
        lead = _Lead()
        title, at = _unquote(re.sub(rf" {_ARCHIVED_AT}", "", texts[0])), 0
    else:
        lead = _lead(entry.pieces, previous)
        title, at = _title(texts, lead)
    after = max(at, lead.next - 1) + 1
    title, translated = _translation(title, flat)
    has_in, book_editors, container = _part_of(texts, after)
    editors = lead.editors + book_editors
    for t in texts[lead.next :]:
        m = _EDITOR.match(t)
        if m and not t.startswith("In "):
            editors.extend(_split_names(m["names"]))
    category = _category(region, raw, has_in)
    if category == "journal" and not container:
        if " // " in title:
            title, container = (part.strip() for part in title.split(" // ", 1))
        elif after < len(texts):
            container = _unquote(_JOURNAL_TAIL.sub("", texts[after]))
    place, publisher = _publication(texts[after:], category, container)
    year = lead.year
    if year is None and region.role != "links":
        year = _fallback_year(flat, title)
    pages = _PAGES.search(" ".join(texts[after:]))
    isbn, doi, url = _ISBN.search(flat), _DOI.search(flat), _URL.search(flat)
    archived, retrieved = _ARCHIVE_DATE.search(flat), _RETRIEVED_DATE.search(flat)
    language = _LANGUAGE.search(flat)
    return {
        "category": category,
        "heading": region.heading,
        "heading_inferred": region.inferred,
        "authors": tuple(lead.authors),
        "editors": tuple(dict.fromkeys(editors)),
        "edited": lead.edited,
        "year": year,
        "year_suffix": lead.suffix,
        "title": title,
        "container": container,
        "publisher": publisher,
        "place": place,
        "pages": (pages["pages"] or pages["jp"]) if pages else "",
        "isbn": isbn["isbn"].strip() if isbn else "",
        "doi": doi["doi"].rstrip(".,;") if doi else "",
        "url": url.group().rstrip(".,;)") if url else "",
        "archive_date": _iso(archived["date"]) if archived else "",
        "retrieved": _iso(retrieved["date"]) if retrieved else "",
        "language": language["lang"] if language else "",
        "translated_title": translated,
        "raw": raw,
        "start": start,
        "end": end,
        "sentences": ids,
    }


def _category(region: _Region, raw: str, has_in: bool) -> str:
    if region.role in CATEGORIES:
        return region.role
    if region.role == "links":
        return "web"
    return _category_by_form(raw, has_in)


def _work_id(fields: dict[str, Any], taken: set[str]) -> str:
    names = fields["authors"] or fields["editors"]
    base = _slug(_surname(names[0])) if names else ""
    if not base:
        base = "-".join(_slug(fields["title"]).split("-")[:4]) or "work"
    year = f"{fields['year']}{fields['year_suffix']}" if fields["year"] else "nd"
    candidate = base if fields["category"] == "web" and not fields["year"] else f"{base}-{year}"
    n = 2
    while candidate in taken:
        candidate = f"{base}-{year}-{n}"
        n += 1
    return candidate


# --- short citations ----------------------------------------------------------------


def _citations(piece: _Piece, text: str, back: Sequence[Sentence], footnote: int) -> list[Citation]:
    """The short citations a piece opens with ("Smith 2001, p. 4; Jones 1999.")."""
    out = []
    pos = 0
    while m := _SHORT.match(piece.text, pos):
        start, end = piece.span(m.start(), m.end())
        names = tuple(re.split(r", | & | and ", m.group("names")))
        out.append(
            Citation(
                raw=text[start:end],
                start=start,
                end=end,
                names=names,
                key=" & ".join(_fold(n) for n in names) + (" et al." if m["etal"] else ""),
                year=int(m.group("year")),
                suffix=m.group("suffix"),
                pages=m.group("pages") or "",
                work=None,
                footnote=footnote,
                sentence=back[piece.sentences[0]].id,
            )
        )
        more = _CHAIN.match(piece.text, m.end())
        if not more:
            break
        pos = more.end()
    return out


def _resolve(citation: Citation, works: Sequence[Work], aliases: Mapping[str, str]) -> Citation:
    """The work a short citation names: by author surnames and year (with its suffix), else
    through an alias, else by the name in the opening of an entry whose author was not read."""
    same_year = [w for w in works if w.year == citation.year and w.year_suffix == citation.suffix]
    cited = citation.key.removesuffix(" et al.").split(" & ")
    etal = citation.key.endswith(" et al.")

    def keys(w: Work) -> list[str]:
        return [_fold(_surname(n)) for n in (w.authors or w.editors)]

    def by_author(w: Work) -> bool:
        k = keys(w)
        return k[: len(cited)] == cited and (len(k) > len(cited) if etal else len(k) == len(cited))

    found = _best([w for w in same_year if by_author(w)])
    how = "author"
    if not found and len(citation.names) == 1 and citation.names[0] in aliases:
        target = _fold(aliases[citation.names[0]])

        def by_alias(w: Work) -> bool:
            k = keys(w)
            return len(k) == 1 and (k[0] == target or re.match(re.escape(target) + r"\W", k[0]))

        found, how = _best([w for w in same_year if by_alias(w)]), "alias"
    if not found:
        lead = [
            w
            for w in same_year
            if all(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", _fold(w.raw[:200])) for n in cited)
            and not w.authors
        ]
        found, how = _best(lead), "text"
    if len(found) == 1:
        return replace(citation, work=found[0].id, match=how)
    if len(found) > 1:
        ids = ", ".join(w.id for w in found)
        return replace(citation, problem=f"ambiguous: {len(found)} works match ({ids})")
    return replace(citation, problem=_why(citation, works, aliases, cited))


def _best(candidates: list[Work]) -> list[Work]:
    """Of several matches, prefer works in the cited lists over further reading."""
    if len(candidates) > 1:
        candidates = [w for w in candidates if w.heading != FURTHER_READING] or candidates
    return candidates


def _why(
    citation: Citation, works: Sequence[Work], aliases: Mapping[str, str], cited: list[str]
) -> str:
    """Why a citation did not resolve, naming the works a reader might have meant."""
    name = " & ".join(citation.names)
    first = cited[0]
    if len(citation.names) == 1 and citation.names[0] in aliases:
        name = f"{name} ({aliases[citation.names[0]]})"
        first = _fold(aliases[citation.names[0]])
    by_author = [
        w
        for w in works
        if (w.authors or w.editors)
        and re.match(re.escape(first) + r"(?:\W|$)", _fold(_surname((w.authors or w.editors)[0])))
    ]
    that_year = [w for w in works if w.year == citation.year]
    why = f"no work by {name} dated {citation.year}{citation.suffix}"
    if by_author:
        why += "; by that author: " + ", ".join(w.id for w in by_author)
    if that_year:
        why += f"; dated {citation.year}: " + ", ".join(w.id for w in that_year)
    return why


# --- the whole back matter ----------------------------------------------------------


def parse_back_matter(
    back: Sequence[Sentence],
    text: str,
    aliases: Mapping[str, str],
    headings: Mapping[str, str] | None = None,
) -> BackMatter:
    """Notes, footnotes, works and resolved short citations from a source's back sentences.

    `back` are the sentences with role "back", in order; `text` is the decoded seed.
    `aliases` maps abbreviations to author names ("HRW" → "Human Rights Watch");
    `headings` adds heading words (heading → role) to DEFAULT_HEADINGS.
    """
    if not back:
        return BackMatter()
    all_headings = {**DEFAULT_HEADINGS, **(headings or {})}
    regions = _split_lists(_regions(_pieces(back, text, _heading_re(all_headings)), all_headings))
    # With a heading of its own for the footnotes, whatever comes before them is notes.
    headed = any(r.role == "footnotes" for r in regions)
    notes: list[Note] = []
    footnote_entries: list[_Entry] = []
    work_fields: list[dict[str, Any]] = []
    for region in regions:
        if region.role in {"lead", "notes"}:
            k = _notes_end(region.pieces) if region.role == "lead" and not headed else None
            k = len(region.pieces) if k is None else k
            for p in region.pieces[:k]:
                raw, start, end, ids = _span([p], text, back)
                notes.append(Note(len(notes) + 1, raw, start, end, ids))
            footnote_entries += _group_footnotes(region.pieces[k:])
        elif region.role == "footnotes":
            footnote_entries += _group_footnotes(region.pieces)
        else:
            group = _group_links if region.role == "links" else _group_works
            previous: tuple[str, ...] = ()  # the authors "———" repeats
            for entry in group(region.pieces):
                fields = _parse_work(entry, text, back, region, previous)
                previous = fields["authors"] or previous
                work_fields.append(fields)
    taken: set[str] = set()
    works = []
    for fields in work_fields:
        work_id = _work_id(fields, taken)
        taken.add(work_id)
        works.append(Work(id=work_id, **fields))
    footnotes = [
        _footnote(number, entry, text, back, works, aliases)
        for number, entry in enumerate(footnote_entries, start=1)
    ]
    return BackMatter(
        notes=tuple(notes),
        footnotes=tuple(footnotes),
        works=tuple(works),
        citations=tuple(c for f in footnotes for c in f.citations),
    )


def _footnote(
    number: int,
    entry: _Entry,
    text: str,
    back: Sequence[Sentence],
    works: Sequence[Work],
    aliases: Mapping[str, str],
) -> Footnote:
    raw, start, end, ids = _span(entry.pieces, text, back)
    citations = tuple(
        _resolve(c, works, aliases)
        for p in entry.pieces
        if p.kind == "short"
        for c in _citations(p, text, back, number)
    )
    kind = "short" if entry.kind == "short" else _footnote_kind(entry)
    footnote = Footnote(number, raw, start, end, kind, ids, citations)
    return _link_identifiers(footnote, works) if kind == "full" else footnote


def _split_lists(regions: list[_Region]) -> list[_Region]:
    """Split an unheaded further-reading list off the works list it follows."""
    out: list[_Region] = []
    for region in regions:
        if region.role in {"lead", "notes", "footnotes", "links", "further"}:
            out.append(region)
            continue
        entries = _group_works(region.pieces)
        letters = [_sort_letter(e) for e in entries]
        k = _restart(letters)
        if k is None:
            out.append(region)
            continue
        cut = entries[k].pieces[0]
        at = region.pieces.index(cut)
        out.append(_Region(region.role, region.heading, region.inferred, region.pieces[:at]))
        out.append(_Region("further", FURTHER_READING, True, region.pieces[at:]))
    return out


def _sort_letter(entry: _Entry) -> str:
    t = _strip_lang(entry.pieces[0].text).lstrip("\"“'‘[(")
    m = _AFFILIATED.match(t)
    if m:
        t = m.group("names").split()[-1]
    t = _fold(t)
    return t[:1] if t[:1].isalpha() and t[:1].isascii() else ""


def _footnote_kind(entry: _Entry) -> str:
    if entry.kind == "prose":
        return "note"
    kinds = {p.kind for p in entry.pieces}
    if kinds & {"opener", "title", "foreign-title", "retrieved", "archived", "ident", "date"}:
        return "full"
    if any(_STRONG.search(p.text) for p in entry.pieces):
        return "full"
    return "note"


def _link_identifiers(footnote: Footnote, works: Sequence[Work]) -> Footnote:
    """A full footnote with a work's ISBN or DOI points to that work."""
    isbn = _ISBN.search(footnote.raw)
    doi = _DOI.search(footnote.raw)
    for w in works:
        if isbn and w.isbn and _digits(w.isbn) == _digits(isbn.group("isbn")):
            return replace(footnote, work=w.id)
        if doi and w.doi and w.doi.casefold() == doi.group("doi").rstrip(".,;").casefold():
            return replace(footnote, work=w.id)
    return footnote


def _digits(isbn: str) -> str:
    return re.sub(r"[^\dX]", "", isbn.upper())
