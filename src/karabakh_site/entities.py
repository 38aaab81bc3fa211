"""People, places, organisations, military units and named events, and where a text names them.

Everything specific to the war lives in the gazetteer, `content/entities.yaml`: each entity's
canonical name and type, the aliases and transliterations the sources use, its names in their
original script, and the short forms several entities share (a bare "Aliyev" is Heydar Aliyev
in 1993 and Ilham Aliyev in 2014). This module knows only general rules:

- a name matches whole words, exactly as written: another casing a source uses is another
  alias, and an abbreviation matches only in capitals. Spaces, hyphens and apostrophes in a
  name also match their typographic variants ("Iran-Iraq War" matches "Iran–Iraq War");
- at each place the longest name wins, so "Nagorno-Karabakh Autonomous Oblast" is one
  mention, and "Armenia" never matches inside "Armenian"; a possessive "'s" is left out of
  the mention ("Shusha's" names Shusha);
- nothing is linked inside a stretch of text in another script (a Russian quotation in a
  note), and names in that script (`native:`) are kept as data but never matched;
- a shared short form (`ambiguous:`) is linked only when the same text names exactly one of
  its entities in full, or else when the year the text is about falls in exactly one of their
  `years:`; otherwise it stays unlinked, because a wrong link is worse than none;
- a name that is also an everyday word (`common_words:`, e.g. "Time") is not linked as the
  first word of a sentence.

With an empty gazetteer nothing is linked. `suggest` lists the capitalised phrases that sources
use often and the gazetteer lacks, so that a maintainer can extend it for a new source.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from .dates import MONTHS
from .errors import SiteError
from .model import Sentence
from .pickling import pickled_as_call
from .sections import sentence_year
from .yamlschema import SLUG, Field, ListOf, Num, Optional, Record, Str, load_yaml

TYPES = ("person", "place", "organisation", "unit", "event")
PAGE_FOLDER = "entities"

# --- the gazetteer --------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    id: str  # page address: entities/<id>.html
    name: str  # canonical name, as shown
    type: str  # one of TYPES
    aliases: tuple[str, ...] = ()  # other names the sources use, in Latin script
    native: tuple[str, ...] = ()  # names in another script: recorded, never linked
    ambiguous: tuple[str, ...] = ()  # short forms other entities share ("Aliyev")
    years: tuple[int | None, int | None] | None = None  # when a shared form means this one
    common_words: tuple[str, ...] = ()  # of name and aliases: also everyday words ("Time")
    quote: str | None = None  # a description, quoted verbatim from a seed
    line: int = 0  # where the entry starts in the gazetteer file (0: not from a file)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that links to this entity alone."""
        return (self.name, *self.aliases)

    @property
    def url(self) -> str:
        return entity_url(self.id)

    def in_years(self, year: int) -> bool:
        if self.years is None:
            return False
        first, last = self.years
        return (first is None or first <= year) and (last is None or year <= last)


@dataclass(frozen=True)
class Gazetteer:
    """The entities of `content/entities.yaml`; constructing one validates it."""

    entities: tuple[Entity, ...] = ()
    path: Path | None = None

    def __post_init__(self) -> None:
        _validate(self.entities, self.path)

    @cached_property
    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    @cached_property
    def matcher(self) -> _Matcher | None:
        return _matcher(self.entities) if self.entities else None


def entity_url(entity_id: str) -> str:
    return f"{PAGE_FOLDER}/{entity_id}.html"


def slugify(name: str) -> str:
    """A page address from a name: "Kərkicahan" → "kerkicahan", "Yo'av Karny" → "yoav-karny"."""
    text = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’ʼ]", "", text.lower())
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:64].rstrip("-")


# Letters NFKD does not take apart into an ASCII letter and accents.
_ASCII_FOLD = str.maketrans(
    {"ə": "e", "Ə": "E", "ı": "i", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "Ae"}
    | {"œ": "oe", "Œ": "Oe", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "ð": "d"}
)

_NAMES = ListOf(Str(name="name"), single_ok=True)
_YEAR = Num(integer=True, minimum=1, maximum=2200, name="year")
_ENTITY = Record(
    {
        "name": Field(Str(name="name"), required=True),
        "type": Field(Str(choices=TYPES, name="entity type"), required=True),
        "id": Field(Optional(Str(pattern=SLUG, name="id (lowercase letters, digits, hyphens)"))),
        "aliases": Field(_NAMES, default_factory=list),
        "native": Field(_NAMES, default_factory=list),
        "ambiguous": Field(_NAMES, default_factory=list),
        "years": Field(Optional(ListOf(Optional(_YEAR), min_items=2))),
        "common_words": Field(_NAMES, default_factory=list),
        "quote": Field(Optional(Str(name="quote"))),
    },
    name="entity",
    keep_line=True,
)
_GAZETTEER = Record({"entities": Field(ListOf(_ENTITY), default_factory=list)}, name="gazetteer")


def load_gazetteer(path: Path) -> Gazetteer:
    """Read and validate a gazetteer file. A missing file is an empty gazetteer: the site is
    built with nothing linked."""
    if not path.exists():
        return Gazetteer(path=path)
    raw = load_yaml(path, _GAZETTEER)
    entities = []
    for item in raw["entities"]:
        years = item["years"]
        if years is not None and len(years) != 2:
            raise SiteError(
                f"years of '{item['name']}' must be [from, to] (either may be null)",
                path,
                item["line"],
            )
        entities.append(
            Entity(
                id=item["id"] or slugify(item["name"]),
                name=item["name"],
                type=item["type"],
                aliases=tuple(item["aliases"]),
                native=tuple(item["native"]),
                ambiguous=tuple(item["ambiguous"]),
                years=tuple(years) if years is not None else None,
                common_words=tuple(item["common_words"]),
                quote=item["quote"],
                line=item["line"],
            )
        )
    return Gazetteer(tuple(entities), path)


def _validate(entities: Sequence[Entity], path: Path | None) -> None:
    """Ids unique and well formed; every name links to one entity; shared forms can resolve."""

    def fail(entity: Entity, message: str) -> SiteError:
        return SiteError(message, path, entity.line or None)

    def where(entity: Entity) -> str:
        return f"'{entity.name}'" + (f" (line {entity.line})" if entity.line else "")

    ids: dict[str, Entity] = {}
    owners: dict[str, Entity] = {}  # normalised name → the one entity it links to
    shared: dict[str, Entity] = {}  # normalised shared form → first entity listing it
    for e in entities:
        if e.type not in TYPES:
            raise fail(e, f"type '{e.type}' of '{e.name}' is not one of: {', '.join(TYPES)}")
        if not re.fullmatch(SLUG, e.id):
            raise fail(e, f"'{e.name}' needs an 'id' (lowercase letters, digits, hyphens)")
        if e.id in ids:
            raise fail(
                e,
                f"'{e.name}' has the id '{e.id}', already used by {where(ids[e.id])}; "
                "give one of them its own 'id'",
            )
        ids[e.id] = e
        for name in e.names:
            if _other_script(name):
                raise fail(e, f"'{name}' is not in Latin script: list it under 'native'")
        for name in e.native:
            if not _other_script(name):
                raise fail(e, f"'{name}' is in Latin script: list it under 'aliases'")
        own = {normalise(n) for n in e.names}
        for word in e.common_words:
            if normalise(word) not in own:
                raise fail(e, f"common word '{word}' must be the name or an alias of '{e.name}'")
        if e.ambiguous and e.years is None:
            raise fail(e, f"'{e.name}' lists ambiguous forms but no 'years' to resolve them by")
        if e.years is not None and None not in e.years and e.years[0] > e.years[1]:
            raise fail(e, f"years of '{e.name}' run backwards: {list(e.years)}")
        for name in (*e.names, *e.native):
            key = normalise(name)
            other = owners.get(key) or shared.get(key)
            if other is not None and other is not e:
                raise fail(
                    e,
                    f"the name '{name}' is given to both {where(other)} and '{e.name}'; a name "
                    "must link to one entity (a short form several entities share goes under "
                    "'ambiguous', with 'years')",
                )
            owners[key] = e
        for form in e.ambiguous:
            key = normalise(form)
            if key in owners:
                raise fail(
                    e,
                    f"ambiguous form '{form}' of '{e.name}' is also a name of "
                    f"{where(owners[key])}; list it under 'ambiguous' there too, or not at all",
                )
            shared.setdefault(key, e)


# --- finding mentions ---------------------------------------------------------------


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Mention:
    start: int  # offsets into the text searched
    end: int
    entity_id: str
    text: str  # the words as written, without a possessive 's


@dataclass(frozen=True)
class _Form:
    entities: tuple[str, ...]  # the entity, or the candidates of a shared short form
    shared: bool = False
    common: bool = False


_UNIFY = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "’": "'", "ʼ": "'"})
# How each unified character of a name is matched in a text.
_CHAR_PATTERN = {" ": r"\s+", "-": "[-‐‑‒–]", "'": "['’ʼ]"}
# A name starts after no letter or digit (nor after "O'"), and ends before none; a possessive
# 's may follow. "$" is excluded after a name so that "US$1" names no country.
_BEFORE = r"(?<!\w)(?<!\w['’ʼ])"
_AFTER = r"(?![\w$])(?!['’ʼ](?!s\b)\w)"


def normalise(name: str) -> str:
    """The form names are compared in: NFC, one space, ASCII hyphens and apostrophes."""
    return " ".join(unicodedata.normalize("NFC", name).split()).translate(_UNIFY)


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern
    forms: dict[str, _Form]

    @staticmethod
    def build(entities: Sequence[Entity]) -> _Matcher:
        forms: dict[str, _Form] = {}
        for e in entities:
            common = {normalise(w) for w in e.common_words}
            for name in e.names:
                key = normalise(name)
                forms[key] = _Form((e.id,), common=key in common)
        candidates: dict[str, list[str]] = defaultdict(list)
        for e in entities:
            for form in e.ambiguous:
                if e.id not in candidates[normalise(form)]:
                    candidates[normalise(form)].append(e.id)
        for key, ids in candidates.items():
            forms[key] = _Form(tuple(ids), shared=True)
        # One regular expression for all names, shaped as a trie so that each character
        # is tried once: fast on thousands of sentences, and longest match first.
        pattern = _BEFORE + _trie_pattern(forms) + _AFTER
        return _Matcher(re.compile(pattern), forms)

    def spans(self, text: str) -> Iterable[tuple[int, int, _Form]]:
        """Every known name in `text`, before any rule decides whether to link it."""
        for m in self.pattern.finditer(text):
            yield m.start(), m.end(), self.forms[normalise(m.group())]


def _trie_pattern(forms: Iterable[str]) -> str:
    root: dict = {}
    for form in forms:
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(root)


def _node_pattern(node: dict) -> str:
    branches = [
        _CHAR_PATTERN.get(ch, re.escape(ch)) + _node_pattern(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    if "" in node:  # a name ends here; a longer one is tried first (greedy "?")
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@lru_cache(maxsize=2)
def _matcher(entities: tuple[Entity, ...]) -> _Matcher:
    """The matcher of a gazetteer, kept for the next build of a process that stays up."""
    return _Matcher.build(entities)


def find_mentions(text: str, year: int | None, gazetteer: Gazetteer) -> list[Mention]:
    """The entities `text` names, in order. `year` is the year the text is about (None if
    unknown); it decides which entity a shared short form means."""
    matcher = gazetteer.matcher
    if matcher is None or not text:
        return []
    foreign = _other_script_runs(text)
    found = []
    for start, end, form in matcher.spans(text):
        if foreign and any(a <= start < b for a, b in foreign):
            continue
        if form.common and _starts_sentence(text, start):
            continue
        found.append((start, end, form))
    named = {form.entities[0] for _, _, form in found if not form.shared}
    mentions = []
    for start, end, form in found:
        entity = _resolve(form, named, year, gazetteer) if form.shared else form.entities[0]
        if entity is not None:
            mentions.append(Mention(start, end, entity, text[start:end]))
    return mentions


def _resolve(form: _Form, named: set[str], year: int | None, gazetteer: Gazetteer) -> str | None:
    """Which entity a shared short form means here, or None when that is not certain."""
    in_text = [c for c in form.entities if c in named]
    if len(in_text) == 1:
        return in_text[0]
    if year is None:
        return None
    pool = in_text or form.entities
    fits = [c for c in pool if gazetteer.by_id[c].in_years(year)]
    return fits[0] if len(fits) == 1 else None


def sentence_years(sentences: Sequence[Sentence]) -> list[int | None]:
    """The year each sentence is about: the one it gives, else the last one given before it
    in the same source (the narrative's current year), else None."""
    years: list[int | None] = []
    current: dict[str, int | None] = {}
    for s in sentences:
        year, _ = sentence_year(s.dates)
        if year is not None:
            current[s.seed] = year
        years.append(current.get(s.seed))
    return years


def mentions_by_sentence(
    sentences: Sequence[Sentence], gazetteer: Gazetteer
) -> list[list[Mention]]:
    """`find_mentions` for each sentence, in order, each with its narrative year."""
    years = sentence_years(sentences)
    return [find_mentions(s.text, y, gazetteer) for s, y in zip(sentences, years, strict=True)]


# Letters that are not Latin (Latin: ASCII, Latin-1, Latin Extended, IPA such as "ə").
_FOREIGN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u0250-\u02af\u1e00-\u1eff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0250-\u02af\u1e00-\u1eff]")
# Quotations and brackets delimit the stretches of text whose script is judged.
_RUN_BREAK = re.compile(r"[\"“”„«»‘’‹›()\[\]{}]|\s[–—-]\s")
_OPENERS = "\"'“‘«‹([{„"


def _other_script(name: str) -> bool:
    return bool(_FOREIGN_LETTER.search(name)) and not _LATIN_LETTER.search(name)


def _other_script_runs(text: str) -> list[tuple[int, int]]:
    """Stretches between quotation marks and brackets written mostly in another script."""
    if not _FOREIGN_LETTER.search(text):
        return []
    runs = []
    start = 0
    for cut in [*(m.start() for m in _RUN_BREAK.finditer(text)), len(text)]:
        piece = text[start:cut]
        if len(_FOREIGN_LETTER.findall(piece)) > len(_LATIN_LETTER.findall(piece)):
            runs.append((start, cut))
        start = cut + 1
    return runs


def _starts_sentence(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and (text[j].isspace() or text[j] in _OPENERS):
        j -= 1
    return j < 0 or text[j] in ".!?"


# --- related names ------------------------------------------------------------------


def cooccurrence(
    mentions_per_group: Iterable[Iterable[Mention | str]],
) -> dict[str, list[tuple[str, int]]]:
    """For each entity, the others named in the same group (a sentence or a paragraph: the
    caller chooses), with the number of groups they share; most often first."""
    pairs: Counter[tuple[str, str]] = Counter()
    for group in mentions_per_group:
        ids = sorted({m if isinstance(m, str) else m.entity_id for m in group})
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs[a, b] += 1
    related: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (a, b), n in pairs.items():
        related[a].append((b, n))
        related[b].append((a, n))
    return {k: sorted(v, key=lambda p: (-p[1], p[0])) for k, v in sorted(related.items())}


def entity_records(gazetteer: Gazetteer, mentions: Iterable[Mention] = ()) -> list[dict]:
    """One plain record per entity, by id, for `data/entities.json`."""
    counts = Counter(m.entity_id for m in mentions)
    return [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": [*e.aliases, *e.native],
            "url": e.url,
            "mentions": counts.get(e.id, 0),
        }
        for e in sorted(gazetteer.entities, key=lambda e: e.id)
    ]


# --- suggestions for the gazetteer ---------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    phrase: str
    count: int  # occurrences in the sentences
    examples: tuple[str, ...]  # up to three sentences that use it


# General English: words capitalised only because they open a sentence or a title.
_FUNCTION_WORDS = frozenset(
    """a an the and or but nor so yet if in on at by for from of to with without within into
    onto upon about above across after against along amid amidst among around as before behind
    below beneath beside besides between beyond despite during except following inside near off
    out outside over past per since than through throughout till toward towards under unlike
    until via while when whenever where wherever whereas whether which who whom whose why how
    what this that these those it its he she they we you i me him her them us his hers their
    our your my there here then thus hence however therefore moreover furthermore meanwhile
    nonetheless nevertheless also although though because once both each either neither every
    all any some many most much more less few several such other another one two three four
    five six seven eight nine ten no not only even still already later earlier according
    regarding including instead rather almost nearly just""".split()
)
_TITLES = frozenset(
    """president vice prime minister general marshal colonel lieutenant captain major sergeant
    admiral commander chief deputy secretary chairman speaker ambassador senator governor mayor
    king queen prince princess lord lady baroness baron sir mr mrs ms dr prof professor pope
    patriarch sheikh acting former then late saint st""".split()
)
_CALENDAR = frozenset(m.lower() for m in MONTHS) | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# Adjectives every English text capitalises without naming anything, and adjectives of
# nationality (more are recognised from the gazetteer: "Armenia" gives "Armenian(s)").
_ADJECTIVES = frozenset(
    """western eastern northern southern central christian muslim islamic jewish catholic
    orthodox protestant sunni shia shiite communist socialist soviet slavic turkic arab arabic
    persian kurdish afghan american british english french german italian spanish portuguese
    dutch belgian swiss austrian swedish norwegian danish finnish polish czech slovak hungarian
    romanian bulgarian greek serbian croatian bosnian albanian macedonian ukrainian belarusian
    russian moldovan latvian lithuanian estonian georgian armenian azerbaijani azeri turkish
    iranian iraqi syrian lebanese israeli egyptian pakistani indian chinese japanese korean
    kazakh uzbek turkmen kyrgyz tajik chechen ossetian abkhaz abkhazian dagestani tatar
    canadian australian european asian african""".split()
)
_DEMONYM_ENDINGS = ("ians", "ian", "ans", "ns", "n", "ish", "ese", "is", "i", "s")
_COUNTRY_ENDINGS = ("istan", "stan", "ia", "ey", "y", "land")  # "Kazakh" of "Kazakhstan"
_CONNECTORS = frozenset("of the for de del da di du la le von van der bin ibn al".split())
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.)+(?![^\W\d_])"  # initials and dotted abbreviations: "H.", "U.S."
    r"|\d+(?:st|nd|rd|th)\b"  # ordinals: "366th"
    r"|[^\W_]\w*(?:['’ʼ\-‐‑–]\w+)*"  # words, with inner apostrophes and hyphens
)
_POSSESSIVE = re.compile(r"['’ʼ]s$")


def suggest(sentences: Iterable[str], gazetteer: Gazetteer, limit: int = 50) -> list[Suggestion]:
    """Capitalised phrases the sentences use that no gazetteer name covers, most used first.

    General English rules leave out function words, titles ("President"), months and days,
    adjectives of nationality ("Armenian", "Azerbaijanis": from a general list or derived
    from a known name), and words capitalised only because they open a sentence."""
    sentences = list(sentences)
    words = _Vocabulary.of(sentences, gazetteer)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for sentence in sentences:
        for phrase in _phrases(sentence, gazetteer, words):
            counts[phrase] += 1
            if len(examples[phrase]) < 3 and sentence not in examples[phrase]:
                examples[phrase].append(sentence)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Suggestion(p, n, tuple(examples[p])) for p, n in ranked[:limit]]


@dataclass(frozen=True)
class _Vocabulary:
    lowercase: frozenset[str]  # words the texts write in lowercase
    inside: frozenset[str]  # capitalised words the texts use inside a sentence
    stems: list[str]  # sorted words of every known name

    @staticmethod
    def of(sentences: Sequence[str], gazetteer: Gazetteer) -> _Vocabulary:
        lowercase, inside = set(), set()
        for s in sentences:
            for t in _TOKEN.finditer(s):
                word = t.group()
                if word[0].islower():
                    lowercase.add(word.lower())
                elif not _opens(s, t.start()):
                    inside.add(_POSSESSIVE.sub("", word))
        stems = set()
        for e in gazetteer.entities:
            for name in (*e.names, *e.ambiguous):
                stems.update(w for w in re.split(r"[\s\-–]+", name) if w[:1].isupper())
        return _Vocabulary(frozenset(lowercase), frozenset(inside), sorted(stems))


def _opens(sentence: str, i: int) -> bool:
    return not sentence[:i].strip(" \"'“‘«([")


def _phrases(sentence: str, gazetteer: Gazetteer, words: _Vocabulary) -> Iterable[str]:
    """Runs of capitalised words (with "of", "the" … between them) outside known names."""
    known = []
    if gazetteer.matcher is not None:
        known = [(a, b) for a, b, _ in gazetteer.matcher.spans(sentence)]

    def usable(tok: re.Match) -> bool:
        inside_known = any(a < tok.end() and tok.start() < b for a, b in known)
        return not inside_known and _is_name_word(tok.group())

    tokens = list(_TOKEN.finditer(sentence))
    run: list[re.Match] = []
    for i, tok in enumerate(tokens):
        joined = bool(run) and sentence[run[-1].end() : tok.start()] == " "
        if usable(tok):
            if run and not joined:
                yield from _clean(run, sentence, words)
                run = []
            run.append(tok)
            if _POSSESSIVE.search(tok.group()):  # a possessive ends a name
                yield from _clean(run, sentence, words)
                run = []
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            joined
            and tok.group() in _CONNECTORS
            and nxt is not None
            and sentence[tok.end() : nxt.start()] == " "
            and usable(nxt)
        ):
            run.append(tok)
            continue
        if run:
            yield from _clean(run, sentence, words)
            run = []
    if run:
        yield from _clean(run, sentence, words)


def _is_name_word(word: str) -> bool:
    if not word[:1].isupper():
        return False
    # "Moscow-based", "Russian-brokered": a compound adjective, not a name.
    return not any(part[:1].islower() for part in re.split(r"[-‐‑–]", word)[1:])


def _clean(run: list[re.Match], sentence: str, vocabulary: _Vocabulary) -> Iterable[str]:
    """The name in a run of capitalised words, if any: without the words around it that
    are capitalised for other reasons."""
    words = [_POSSESSIVE.sub("", t.group()) for t in run]
    opens = _opens(sentence, run[0].start())
    stems = vocabulary.stems

    def plain(word: str) -> bool:
        return all(
            p.lower() in _FUNCTION_WORDS
            or p.lower() in _TITLES
            or p.lower() in _CALENDAR
            or p.lower() in _CONNECTORS
            for p in re.split(r"[-‐‑–]", word)
        )

    def adjective(word: str) -> bool:
        return all(_is_demonym(p, stems) for p in re.split(r"[-‐‑–]", word))

    start, end = 0, len(words)
    while start < end and (
        (start == 0 and opens and _opens_sentence_only(words[0], vocabulary))
        or plain(words[start])
        # "Armenian Lieutenant Gurgen Markaryan", but "Turkish Airlines" is a name.
        or (adjective(words[start]) and (start + 1 == end or plain(words[start + 1])))
    ):
        start += 1
    while end > start and (plain(words[end - 1]) or adjective(words[end - 1])):
        end -= 1
    words = words[start:end]
    if not words:
        return
    if len(words) == 1:
        word = words[0]
        if len(word.rstrip(".")) < 2 or not word[0].isalpha() or _is_stem(word, stems):
            return
        if start == 0 and opens and word not in vocabulary.inside:
            return  # only ever seen opening a sentence: no evidence of a name
    yield " ".join(words)


def _opens_sentence_only(word: str, vocabulary: _Vocabulary) -> bool:
    """A sentence's first word that is capitalised only for that: the texts also use it in
    lowercase, or it has the ending of a verb or an adverb ("Frustrated", "Facing")."""
    low = word.lower()
    return low in vocabulary.lowercase or low.endswith(("ed", "ing", "ly"))


def _is_demonym(word: str, stems: list[str]) -> bool:
    """An adjective or noun of nationality: from a general list, or derived from a known name
    ("Armenians" from "Armenia", "Azeri" from "Azerbaijan", "Kazakh" from "Kazakhstan")."""
    low = word.lower()
    if low in _ADJECTIVES or (low.endswith("s") and low[:-1] in _ADJECTIVES):
        return True
    if "-" in word or not word.isalpha():
        return False
    for ending in _DEMONYM_ENDINGS:
        stem = word[: -len(ending)]
        if low.endswith(ending) and len(stem) >= 4 and _is_stem(stem, stems, prefix=True):
            return True
    i = bisect.bisect_left(stems, word)
    return (
        len(word) >= 4
        and i < len(stems)
        and stems[i].startswith(word)
        and stems[i][len(word) :] in _COUNTRY_ENDINGS
    )


def _is_stem(word: str, stems: list[str], prefix: bool = False) -> bool:
    """Whether `word` is a word of a known name (or, with `prefix`, begins one)."""
    i = bisect.bisect_left(stems, word)
    if i == len(stems):
        return False
    return stems[i].startswith(word) if prefix else stems[i] == word
