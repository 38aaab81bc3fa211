"""A register of diplomacy: agreements, ceasefires, resolutions, mediation, summits, referendums
and declarations, each tied to the sentence that names it.

`find_diplomacy` reads a source's narrative sentences in order. In each it finds mentions of
items, by the rules in `content/diplomacy.yaml`: names ("the Zheleznovodsk Communiqué",
"Resolution 822", "the Minsk Group"), unnamed mentions ("a referendum", "peace talks",
"declared its independence"). Mentions are then joined into items: a name seen again, "the
agreement" referring back to the item just mentioned, talks going on in the next sentence, the
same ceasefire dated alike in the lead and in the narrative. Each item gets

- a date: from the mention's own sentence (a date in its clause, or the one its list pairs it
  with: "874 and 884, in October and November"), else, for an item the text narrates as
  happening ("was signed", "proposed"), the narrative's date just before it;
- actors: names written in the sentence — after cues ("signed by …", "between … and …"), in
  hyphenated words ("Russian-brokered"), or before the mention in its clause ("the CSCE created
  the Minsk Group"); titles are dropped ("President Gorbachev" → "Gorbachev");
- an outcome: the sentence that says what came of it ("The peace talks came to an end"), as an
  offset from the item's sentence, never paraphrased.

English grammar (determiners, "referring back", outcome verbs, titles, negation) lives here;
the vocabulary of kinds, names and actor cues lives in the rules file.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .dates import DateMention
from .pickling import pickled_as_call
from .sentences import has_any, words_of
from .yamlschema import Field, ListOf, MapOf, Num, Record, Regex, Str, load_yaml

KINDS = ("agreement", "ceasefire", "resolution", "mediation", "summit", "referendum", "declaration")


@pickled_as_call
@dataclass(frozen=True, slots=True)
class DiplomaticItem:
    name: str  # the item's name as written ("Resolution 822"), else its mention ("peace talks")
    kind: str  # one of KINDS
    start: int  # where the item is mentioned in its sentence
    end: int
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str | None  # day, month, season or year, as the text gives it
    actors: tuple[str, ...]  # names as written
    outcome_sentence: int | None  # offset of the sentence telling what came of it (+1: next)
    mentions: tuple[int, ...] = (0,)  # offsets of every sentence that mentions it
    date_from_context: bool = False  # the date is the narrative's, not the sentence's
    outcome_start: int | None = None  # the outcome's words in that sentence
    outcome_end: int | None = None


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindRules:
    titles: tuple[str, ...] = ()
    numbered: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedItem:
    name: str
    kind: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class ActorCues:
    window: int = 15
    after: tuple[str, ...] = ()
    adjacent: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    joined: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiplomacyRules:
    kinds: tuple[tuple[str, KindRules], ...] = ()
    names: tuple[NamedItem, ...] = ()
    actors: ActorCues = ActorCues()


_WORDS = ListOf(Str(), single_ok=True)
_KIND_RULES = Record(
    {
        "titles": Field(_WORDS, default_factory=list),
        "numbered": Field(_WORDS, default_factory=list),
        "words": Field(_WORDS, default_factory=list),
        "patterns": Field(ListOf(Regex(), single_ok=True), default_factory=list),
    },
    name="kind rules",
)
_SCHEMA = Record(
    {
        "kinds": Field(
            MapOf(_KIND_RULES, key=Str(choices=KINDS, name="kind")), default_factory=dict
        ),
        "names": Field(
            ListOf(
                Record(
                    {
                        "name": Field(Str(), required=True),
                        "kind": Field(Str(choices=KINDS, name="kind"), required=True),
                        "words": Field(ListOf(Str(), min_items=1, single_ok=True), required=True),
                    },
                    name="named item",
                )
            ),
            default_factory=list,
        ),
        "actors": Field(
            Record(
                {
                    "window": Field(
                        Num(integer=True, minimum=1, maximum=60, name="window"), default=15
                    ),
                    "after": Field(_WORDS, default_factory=list),
                    "adjacent": Field(_WORDS, default_factory=list),
                    "before": Field(_WORDS, default_factory=list),
                    "joined": Field(_WORDS, default_factory=list),
                },
                name="actor cues",
            )
        ),
    },
    name="diplomacy rules",
)


def load_diplomacy_rules(path: Path) -> DiplomacyRules:
    """Read and validate `content/diplomacy.yaml`; unknown keys are errors naming the allowed."""
    raw = load_yaml(path, _SCHEMA)
    kinds = [
        (
            kind,
            KindRules(
                titles=tuple(r["titles"]),
                numbered=tuple(r["numbered"]),
                words=tuple(r["words"]),
                patterns=tuple(r["patterns"]),
            ),
        )
        for kind, r in raw["kinds"].items()
    ]
    a = raw["actors"]
    return DiplomacyRules(
        kinds=tuple(kinds),
        names=tuple(NamedItem(n["name"], n["kind"], tuple(n["words"])) for n in raw["names"]),
        actors=ActorCues(
            window=a["window"],
            after=tuple(a["after"]),
            adjacent=tuple(a["adjacent"]),
            before=tuple(a["before"]),
            joined=tuple(a["joined"]),
        ),
    )


# --- English grammar ---------------------------------------------------------------------

_SP = r"[\s\u00a0]+"
_CAP = r"[A-Z][\w'’-]*"
# A mention is made void by words just before it: "failed to produce a peace agreement",
# "any talks", "with the purpose of mediating a peace deal" …
_NEGATED = re.compile(
    r"\b(?:failed|fails|fail|struggled|tried|sought|attempts?|attempted|hoped|hopes?|wants?)"
    r"\s+(?:to|for)\s+(?:[\w'’-]+\s+){0,3}$"
    r"|\b(?:purpose|aim|goal|intention)\s+of\s+(?:[\w'’-]+\s+){0,3}$"
    r"|\b(?:could|would|might|should)\s+(?:not\s+)?(?:have\s+)?(?:[\w'’-]+\s+){0,2}$"
    r"|\b(?:no|not|never|without|any|instead of)\s+(?:[\w'’-]+\s+)?$",
    re.IGNORECASE,
)
# … or just after it: "a peace agreement could have been concluded", "ceasefire violations".
_VOID_AFTER = re.compile(
    r"[\s\u00a0]+(?:(?:could|would|might|should)\s+(?:not\s+)?have\b"
    r"|breach(?:es)?\b|violations?\b|lines?\b|regime\b|monitors?\b|observers?\b|zone\b)"
)
_DEFINITE = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose|[Ss]uch|[Bb]oth|[Ee]ither|[Ss]aid)"
    r"(?:\s+(?:same|previous|latest|earlier|new|above))?\s+$"
)
# Words after a definite mention that make it specific rather than referring back.
_COMPLEMENT = re.compile(
    r"[\s\u00a0]+(?:of|between|on|with|in|at|called|named|for|to|by)\b|[\s\u00a0]+[A-Z]"
)
_POSSESSIVE = re.compile(r"\b(?:[Tt]heir|[Ii]ts|[Hh]is|[Hh]er)(?:\s+[a-z][\w-]*){0,2}\s+$")
_YEAR_BEFORE = re.compile(r"(?P<y>\b1\d{3}|\b20\d{2})\s+$")
_INFINITIVE_BEFORE = re.compile(r"\bto\s+[a-z]+\s+$")
_NAMING = re.compile(r"[\s\u00a0]+(?:called|named|known as|dubbed|entitled)[\s\u00a0]+(?:the\s+)?")
# Words that narrate an item as happening, so that the narrative's date may date it.
_EVENT = re.compile(
    r"\b(?:signed|signing|agreed|agreeing|held|adopted|passed|proposed|declared|proclaimed|"
    r"resumed|initiated|launched|began|met|created|established|voted|brokered|conducted|"
    r"concluded|reached|convened|opened|mediated|put into effect|came into effect|"
    r"went into effect|entered into force|announced)\b"
)
_PLUPERFECT = re.compile(r"\bhad\s+(?:\w+ly\s+)?(?:been\s+)?\w+ed\b")
# Words telling what came of an item.
_OUTCOME = re.compile(
    r"\b(?:came to an end|broke down|break down|collapsed|failed|disrupted|never came to "
    r"fruition|came to nothing|came to naught|rejected|boycotted|stalled|thwarted|fade|faded|"
    r"reversed|violated|breached|abandoned|not implemented|did not hold|abide by|approved|"
    r"ratified|in favou?r|not (?:been )?recogni[sz]ed|declared illegitimate|ignored|"
    r"ended without|inconclusive|to no avail)\b",
    re.IGNORECASE,
)
# A clause for dating: split at semicolons, colons (not in times) and brackets.
_CLAUSE = re.compile(r";|:(?!\d)|\(|\)")
_CLAUSE_NO_BRACKETS = re.compile(r";|:(?!\d)")
# Where the clause before a mention begins, for the names of its subject.
_SUBJECT_START = re.compile(
    r";|:(?!\d)|\b(?:that|when|as|As|after|After|because|Because|since|Since|while|While|"
    r"whereas|but|which|who|where|although|though|if|until|before|Before)\b|,\s+and\b"
)
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|to|into|through|towards?|across|outside|inside|around|on)\s+(?:the\s+)?$"
)
_TITLES = {
    "President",
    "Vice-President",
    "Prime",
    "Minister",
    "Secretary",
    "General",
    "Marshal",
    "Colonel",
    "Commander",
    "Chairman",
    "Ambassador",
    "Senator",
    "Speaker",
    "King",
    "Queen",
    "Chancellor",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Foreign",
    "Defence",
    "Defense",
    "Interior",
}
# A title inside the name of a body is no title: "United Nations General Assembly".
_BODIES = {
    "Assembly",
    "Council",
    "Committee",
    "Ministry",
    "Ministers",
    "Group",
    "Conference",
    "Organization",
    "Organisation",
    "Union",
    "Nations",
    "Court",
    "Commission",
    "Office",
    "Staff",
    "Bureau",
    "Party",
    "Affairs",
    "Parliament",
}
_TITLE_OF = re.compile(
    r"\b(?:president|prime minister|minister|secretary|leader|commander|speaker|king|queen|"
    r"chancellor)\s+of\s+$",
    re.IGNORECASE,
)
# Lower-case words that end an actor's name: "the Karabakh government", "Azeri presidents".
_INSTITUTIONS = {
    "government",
    "governments",
    "parliament",
    "authorities",
    "leaders",
    "leadership",
    "officials",
    "delegation",
    "delegations",
    "side",
    "president",
    "presidents",
    "council",
    "committee",
    "assembly",
}
# Lower-case subjects that may stand for an actor: "the region's parliament voted".
_LOWER_SUBJECTS = {
    "parliament",
    "council",
    "committee",
    "assembly",
    "government",
    "leaders",
    "legislature",
    "soviet",
    "congress",
    "authorities",
    "leadership",
}
# Capitalised words that begin sentences without naming anyone.
_OPENERS = {
    "The", "A", "An", "In", "On", "At", "By", "For", "After", "Before", "During", "Since", "As",
    "When", "While", "With", "Following", "Despite", "Although", "However", "Both", "Several",
    "Many", "Most", "Some", "New", "This", "That", "These", "Those", "It", "Its", "Their",
    "His", "Her", "Our", "One", "Two", "Other", "Significant", "International", "Under",
    "Over", "From", "To", "Of", "If", "But", "And", "Or", "Because", "Once", "Then", "There",
    "Here", "Each", "All", "Any", "No", "Such", "Only", "Even", "Also", "Later", "Early",
    "Late", "Mid", "Numerous", "Various", "Sporadic", "Regular", "Until", "Among", "Between",
    "Through", "Against", "Without", "Within", "Towards", "Toward", "Why", "How", "What",
    "Who", "Where", "Due", "According", "Prior", "Amid", "Upon", "Throughout", "Thus",
    "Meanwhile", "Nevertheless", "Therefore", "Instead", "Around", "About", "Nearly", "Almost",
    "Soon", "Unlike", "Like", "Besides", "Along", "Near", "Via", "Whereas", "Though", "Yet",
    "So", "Still", "Now", "Today",
}  # fmt: skip
_MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Spring", "Summer", "Autumn", "Winter",
}  # fmt: skip
# A capitalised adjective before a lower-case noun modifies it ("Russian president",
# "Armenian forces"); by itself it names no actor.
_DEMONYM = re.compile(r"(?:ian|ani|eri|ese|ish|ean|ic|i)$")
_CONNECTORS = {"of", "for", "and", "in", "on", "de", "du", "al", "bin", "van", "von"}
_PRECISION_RANK = {"day": 4, "month": 3, "season": 2, "year": 1}
_ANAPHOR_LOOKBACK = 3  # sentences "the agreement" may look back
_NARRATIVE_LOOKBACK = 3  # sentences the narrative's date may come from
_HEAD_LOOKBACK = 6  # sentences "most autonomy proposals" may look back to "proposals"
_LONE_CUE_WORDS = 6  # "by", "with", "between" count only this close to a mention
_REACH = 300  # characters around a mention where its actors are looked for
# An anaphor may refer back to an item of a related kind: "the agreement" to a ceasefire.
_RELATED = {
    "agreement": {"agreement", "ceasefire"},
    "ceasefire": {"ceasefire"},
    "mediation": {"mediation", "summit"},
    "summit": {"summit", "mediation"},
    "resolution": {"resolution"},
    "referendum": {"referendum"},
    "declaration": {"declaration"},
}


# --- compiled rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    kind: str
    pattern: re.Pattern
    priority: int  # 0: a name from the rules, 1: a title, 2: a mention
    name: str | None = None  # the name the rules give
    # Words one of which a sentence must hold for the pattern to match ("" : always try).
    firsts: frozenset[str] = frozenset({""})
    stems: tuple[str, ...] = ()

    def may_match(self, words: frozenset[str]) -> bool:
        return "" in self.firsts or has_any(words, self.firsts, self.stems)


def _triggers(phrases: Sequence[str]) -> dict:
    """The first words of phrases (stems for `word*`), for `_Pattern.may_match`."""
    firsts: set[str] = set()
    stems: list[str] = []
    for phrase in phrases:
        first = phrase.split()[0] if phrase.split() else "*"
        if first == "*":
            return {}  # a phrase starting with any word: no quick test
        if first.endswith("*"):
            stems.append(first.rstrip("*").lower())
        else:
            firsts.update(re.findall(r"[\w-]+", first.lower())[:1])
    return {"firsts": frozenset(firsts), "stems": tuple(stems)}


class _Vocabulary:
    def __init__(self, rules: DiplomacyRules):
        self.patterns: list[_Pattern] = []
        self.numbered: list[tuple[str, str, re.Pattern]] = []
        for item in rules.names:
            self.patterns.append(
                _Pattern(item.kind, _phrases(item.words), 0, item.name, **_triggers(item.words))
            )
        for kind, k in rules.kinds:
            if k.titles:
                titles = "|".join(re.escape(t).replace(r"\ ", _SP) for t in k.titles)
                self.patterns.append(
                    _Pattern(
                        kind,
                        re.compile(
                            rf"(?P<name>(?:(?!The\b){_CAP}{_SP}){{1,4}}(?:{titles})(?![\w-])"
                            rf"(?!{_SP}[A-Z])|(?:{titles}){_SP}of{_SP}(?:the{_SP})?{_CAP}"
                            rf"(?:{_SP}{_CAP})*)"
                        ),
                        1,
                        **_triggers(k.titles),
                    )
                )
            number = r"(?:No\.\s*)?\d{1,5}(?:/\d{1,4})?"
            for word in k.numbered:
                noun = re.escape(word)
                listed = r"\d{2,5}(?:/\d+)?"
                self.numbered.append(
                    (
                        kind,
                        word,
                        re.compile(
                            rf"(?:(?P<body>{_CAP}(?:{_SP}(?:of{_SP}(?:the{_SP})?)?{_CAP})*)"
                            rf"{_SP})?(?P<noun>{noun}s?){_SP}(?P<ids>{number}"
                            rf"(?:(?:\s*,\s*|\s*,?\s+and\s+){number})*)(?![\w/])"
                            rf"|(?:(?P<body2>{_CAP}(?:{_SP}{_CAP})*){_SP})?"
                            rf"(?P<noun2>{noun.lower()}s)\b[^.;:()\d]{{0,80}}?"
                            rf"(?P<ids2>{listed}(?:(?:\s*,\s*|\s*,?\s+and\s+){listed})+)(?![\w/])"
                        ),
                    )
                )
            if k.words:
                self.patterns.append(_Pattern(kind, _phrases(k.words), 2, **_triggers(k.words)))
            for p in k.patterns:
                self.patterns.append(_Pattern(kind, re.compile(rf"(?P<name>{p})"), 2))
        a = rules.actors
        self.window = a.window
        self.after = _phrases(a.after) if a.after else None
        self.adjacent = _phrases(a.adjacent) if a.adjacent else None
        self.before = _phrases(a.before) if a.before else None
        joined = "|".join(re.escape(j.lstrip("-")) for j in a.joined)
        self.joined = re.compile(rf"(?P<name>{_CAP})-(?:{joined})\b") if a.joined else None


@lru_cache(maxsize=8)
def _vocabulary(rules: DiplomacyRules) -> _Vocabulary:
    return _Vocabulary(rules)


def _phrases(words: Sequence[str]) -> re.Pattern:
    """Words as in sections.yaml (capitalised: case-sensitive; `word*`: any ending), and a lone
    `*` for one to three words."""
    parts = []
    for word in words:
        pieces = []
        for piece in word.split():
            if piece == "*":
                pieces.append(r"[\w'’-]+(?:\s+[\w'’-]+){0,2}")
                continue
            body = re.escape(piece.rstrip("*"))
            if piece.endswith("*"):
                body += r"[\w'’-]*"
            pieces.append(body)
        body = _SP.join(pieces)
        parts.append(body if word != word.lower() else f"(?i:{body})")
    body = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?P<name>{body})(?![\w-])")


# --- mentions ------------------------------------------------------------------------------

_Name = tuple[str, int, int]  # as written, start, end


@dataclass
class _Mention:
    sentence: int
    start: int
    end: int
    kind: str
    text: str  # the mention as written
    lead: int = -1  # where a body named with it begins ("UN Security Council Resolutions")
    name: str | None = None  # the item's name if the mention names it
    key: str | None = None  # what equal names share
    anaphoric: bool = False  # "the agreement", referring back
    possessive: bool = False  # "their annual summit"
    year: int | None = None  # "the 1994 ceasefire"
    date: DateMention | None = None  # the date its own sentence gives it
    event: bool = False  # narrated as happening
    actors: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)  # the names before it in its clause
    cue_spans: list[tuple[int, int, bool]] = field(default_factory=list)  # (…, "by …"?)

    @property
    def head(self) -> str:
        return self.text.split()[-1].lower()


def _sentence_mentions(
    index: int, text: str, dates: Sequence[DateMention], vocab: _Vocabulary
) -> list[_Mention]:
    """The mentions in one sentence, described: names first, then the longest phrases."""
    found: list[tuple[int, int, _Mention]] = []  # (priority, -length, mention)
    words = words_of(text)
    for p in vocab.patterns:
        if not p.may_match(words):
            continue
        for m in p.pattern.finditer(text):
            start, end = m.span("name")
            if p.priority < 2 and _in_dates(start, end, dates):
                continue
            mention = _Mention(index, start, end, p.kind, text[start:end], lead=start)
            if p.priority < 2:
                mention.name = p.name or text[start:end]
                mention.key = _key(mention.name)
            found.append((p.priority, start - end, mention))
    for kind, word, pattern in vocab.numbered:
        if not words.has_prefix(word.lower()):
            continue
        for m in pattern.finditer(text):
            found.extend(
                (1, mention.start - mention.end, mention)
                for mention in _numbered(index, text, m, kind, word, dates)
            )
    found.sort(key=lambda f: (f[0], f[1], f[2].start))
    taken: list[tuple[int, int]] = []
    mentions = []
    for _, _, mention in found:
        if any(mention.start < e and s < mention.end for s, e in taken):
            continue
        if mention.name is None and _void(text, mention):
            continue
        taken.append((mention.start, mention.end))
        mentions.append(mention)
    mentions.sort(key=lambda m: m.start)
    mentions = _named_by_calling(text, mentions)
    spans = [(m.lead, m.end) for m in mentions]
    for mention in mentions:
        _describe(text, mention, dates, mentions, spans, vocab)
    # A name inside another mention's list of actors is an actor there, not a mention ("Aliyev
    # resumed talks with the Karabakh government and Minsk Group officials"), unless it is the
    # agent of an unnamed mention of its kind, which it then names ("peace talks … were
    # mediated by the OSCE Minsk Group").
    kept = []
    for m in mentions:
        holder = next(
            (
                o
                for o in mentions
                if o is not m and any(s <= m.start and m.end <= e for s, e, _ in o.cue_spans)
            ),
            None,
        )
        if holder is None:
            kept.append(m)
            continue
        agent = any(s <= m.start and m.end <= e and by for s, e, by in holder.cue_spans)
        if agent and m.key and holder.key is None and holder.kind == m.kind:
            holder.name, holder.key = m.name, m.key
    mentions = kept
    _pair_dates(mentions, dates)
    return mentions


def _numbered(
    index: int, text: str, m: re.Match, kind: str, word: str, dates: Sequence[DateMention]
) -> Iterator[_Mention]:
    """One mention per number: "Resolutions 822, 853 and 874" names three resolutions."""
    listed = m.group("ids2") is not None
    ids = "ids2" if listed else "ids"
    body = m.group("body2" if listed else "body")
    body_start = m.start("body2" if listed else "body")
    while body and body.split()[0] in _OPENERS:
        first = body.split()[0]
        body_start += len(first) + 1
        body = body[len(first) :].strip() or None
    noun_start = m.start("noun2" if listed else "noun")
    for n in re.finditer(r"(?:No\.\s*)?\d{1,5}(?:/\d{1,4})?", m.group(ids)):
        start, end = m.start(ids) + n.start(), m.start(ids) + n.end()
        if _in_dates(start, end, dates):
            continue
        first = n.start() == 0 and not listed
        span_start = noun_start if first else start
        mention = _Mention(index, span_start, end, kind, text[span_start:end])
        mention.lead = body_start if body else noun_start
        mention.name = f"{word} {n.group()}"
        mention.key = _key(f"{word} {_NUMBER_LABEL.sub('', n.group())}")
        if body:
            mention.actors.append(body)
        yield mention


_NUMBER_LABEL = re.compile(r"^No\.\s*")


def _in_dates(start: int, end: int, dates: Sequence[DateMention]) -> bool:
    return any(d.start < end and start < d.end for d in dates)


def _key(name: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"['’]s\b", "", name)
    return " ".join(name.replace("\u00a0", " ").split()).casefold()


_CAPITAL_NEXT = re.compile(r"[ \u00a0]+[A-Z]")


def _void(text: str, m: _Mention) -> bool:
    """A mention that names no item: negated or hypothetical, a reference ("ceasefire
    violations"), or a bare plural after an infinitive ("to monitor ceasefires")."""
    before = text[max(0, m.start - 60) : m.start]
    if _NEGATED.search(before) or _VOID_AFTER.match(text, m.end):
        return True
    if m.start > 0 and m.text[:1].isupper() and _CAPITAL_NEXT.match(text, m.end):
        return True  # a word of a longer name: "the Collective Security Treaty Organization"
    bare_plural = m.text.endswith("s") and not re.search(r"\b(?:a|an|the)\s+$", before)
    return bare_plural and bool(_INFINITIVE_BEFORE.search(before))


def _named_by_calling(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """ "a referendum called the Union Treaty": the name is the referendum's."""
    out = []
    skip = set()
    for i, m in enumerate(mentions):
        if i in skip:
            continue
        calling = _NAMING.match(text, m.end)
        if m.name is None and calling:
            following = next(
                (j for j in range(i + 1, len(mentions)) if mentions[j].start == calling.end()),
                None,
            )
            if following is not None:
                m.name = mentions[following].name or mentions[following].text
                skip.add(following)
            else:
                named = re.match(rf"{_CAP}(?:{_SP}{_CAP})*", text[calling.end() :])
                if named:
                    m.name = named.group()
            if m.name:
                m.key = _key(m.name)
        out.append(m)
    return out


def _describe(
    text: str,
    m: _Mention,
    dates: Sequence[DateMention],
    mentions: list[_Mention],
    spans: list[tuple[int, int]],
    vocab: _Vocabulary,
) -> None:
    """Whether it refers back, its own date, whether it is an event, and its actors."""
    before = text[: m.start]
    if m.name is None:
        year = _YEAR_BEFORE.search(before)
        if year and _in_dates(year.start("y"), year.end("y"), dates):
            m.year = int(year.group("y"))
            before = before[: year.start("y")]
        specific = re.search(r"\s(?:of|for|between)\s", m.text) or _COMPLEMENT.match(text, m.end)
        m.anaphoric = bool(_DEFINITE.search(before)) and not specific
        m.possessive = bool(_POSSESSIVE.search(before))
    clause_start, clause_end = _clause(text, m.start)
    clause = text[clause_start:clause_end]
    m.event = bool(_EVENT.search(clause)) and not _PLUPERFECT.search(clause)
    m.date = _own_date(m, dates, clause_start, clause_end)
    m.subject = _subject_names(text, m, dates, spans)
    m.actors.extend(m.subject)
    limit = _clause(text, m.end, brackets=False)[1]
    next_mention = min([x.lead for x in mentions if x.lead > m.end], default=limit)
    others = [(s, e) for s, e in spans if (s, e) != (m.lead, m.end)]
    for name, s, e, agent in _cue_names(
        text, m, dates, limit, next_mention, [(m.lead, m.end)], vocab
    ):
        if name[:1].islower() and any(s < end and start < e for start, end in others):
            continue  # another mention, not an actor: "established by the ceasefire agreement"
        m.actors.append(name)
        m.cue_spans.append((s, e, agent))


def _clause(text: str, pos: int, brackets: bool = True) -> tuple[int, int]:
    """The clause around a position: between semicolons and colons, and brackets."""
    spans = _boundaries(text, brackets)
    k = bisect.bisect_right([e for _, e in spans], pos)
    start = spans[k - 1][1] if k else 0
    end = next((s for s, _ in spans[k:] if s >= pos), len(text))
    return start, end


@lru_cache(maxsize=64)
def _boundaries(text: str, brackets: bool) -> list[tuple[int, int]]:
    return [b.span() for b in (_CLAUSE if brackets else _CLAUSE_NO_BRACKETS).finditer(text)]


def _event_dates(dates: Sequence[DateMention]) -> list[DateMention]:
    """Dates that may date an item: not references back ("the previous year") nor named
    periods from content/ ("after the end of the war")."""
    return [d for d in dates if d.is_event_date and not d.looks_back and not d.anchored]


def _own_date(
    m: _Mention, dates: Sequence[DateMention], clause_start: int, clause_end: int
) -> DateMention | None:
    """The date a sentence gives an item: one written into its mention ("a December 2006
    referendum", "the 1994 ceasefire"), else the nearest in its clause, else (unless it refers
    back) the nearest in the sentence."""
    candidates = _event_dates(dates)
    for d in candidates:
        if 0 <= m.start - d.end <= 1:
            return d
    if m.anaphoric and m.year is None:
        candidates = [d for d in candidates if clause_start <= d.start and d.end <= clause_end]
    in_clause = [d for d in candidates if clause_start <= d.start and d.end <= clause_end]
    pool = in_clause or candidates
    if not pool:
        return None
    return min(pool, key=lambda d: max(d.start - m.end, m.start - d.end, 0))


def _pair_dates(mentions: list[_Mention], dates: Sequence[DateMention]) -> None:
    """ "874 and 884, in October and November"; "No. 10/11 and No. 10/37, on 14 March 2008 and
    18–20 May 2010, respectively": a list of items and the list of dates after it pair up."""
    numbered = [m for m in mentions if m.key and re.search(r"\d", m.key)]
    if len(numbered) < 2:
        return
    after = [d for d in _event_dates(dates) if d.start > numbered[-1].end]
    if len(after) == len(numbered):
        for m, d in zip(numbered, after, strict=True):
            m.date = d


# --- names and actors ------------------------------------------------------------------------


def _name_phrases(
    text: str,
    start: int,
    end: int,
    dates: Sequence[DateMention],
    exclude: Sequence[tuple[int, int]] = (),
    keep_demonyms: bool = False,
) -> list[tuple[str, int, int, int]]:
    """Capitalised names in text[start:end] as (name, start, end, start of the words it was
    found in): "United Nations Security Council (UNSC)", "Conference for Security and
    Co-operation in Europe", "George H. W. Bush"; titles dropped ("President Gorbachev")."""
    tokens = [
        t
        for t in re.finditer(r"[\w'’.-]+|[(),;:]", text[start:end])
        if not any(s <= start + t.start() < e for s, e in exclude) or not _is_cap(t.group())
    ]
    names = []
    i = 0
    while i < len(tokens):
        if not _name_token(text, start, tokens[i], dates, exclude):
            i += 1
            continue
        last, j, joined = i, i, False
        while j + 1 < len(tokens) and tokens[j + 1].start() - tokens[j].end() <= 1:
            nxt = tokens[j + 1]
            if _name_token(text, start, nxt, dates, exclude):
                j = last = j + 1
                continue
            word = nxt.group()
            if word in _CONNECTORS and (word in ("of", "for") or joined):
                # "of", "for" join a name; "and", "in" only inside one ("Conference for
                # Security and Co-operation in Europe"), never two ("Armenia and Azerbaijan").
                k = j + 1
                if k + 1 < len(tokens) and tokens[k + 1].group() == "the":
                    k += 1
                if k + 1 < len(tokens) and _name_token(text, start, tokens[k + 1], dates, exclude):
                    joined = joined or word in ("of", "for")
                    j = k
                    continue
            break
        s, e = start + tokens[i].start(), start + tokens[last].end()
        acronym = re.match(r"\s*\([A-Z][A-Za-z.-]*\)", text[e:end])
        if acronym:
            e += acronym.end()
        following = re.match(r"\s+([a-z][\w-]*)(\s+[A-Z])?", text[e:end])
        if following and following.group(1) in _INSTITUTIONS and not following.group(2):
            e += len(following.group()) - len(following.group(2) or "")  # "Karabakh government"
        elif (
            not keep_demonyms
            and last == i
            and following
            and following.group(1) not in ("and", "or")
            and _DEMONYM.search(tokens[i].group())
            and not tokens[i].group().isupper()
        ):
            i = last + 1
            continue  # "Russian president …"
        name = _strip_titles(text, s, e)
        if name[0]:
            names.append((*name, s))
        i = last + 1
        while i < len(tokens) and start + tokens[i].start() < e:
            i += 1  # past "(UNSC)" and "government"
    return names


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _name_token(
    text: str, offset: int, token: re.Match, dates: Sequence[DateMention], exclude
) -> bool:
    word = token.group()
    pos = offset + token.start()
    if not _is_cap(word) or word.rstrip(".") in _MONTHS or _in_dates(pos, pos + len(word), dates):
        return False
    if any(s <= pos < e for s, e in exclude):
        return False
    if re.match(r"[A-Z][a-z]{2,}-[a-z]", word):
        return False  # "Russian-brokered", "Armenian-occupied": modifiers
    before = text[max(0, pos - 3) : pos]
    if pos == 0 or (before.isspace() and not text[:pos].strip()) or re.search(r"[.:;]\s*$", before):
        return word not in _OPENERS and not re.search(r"(?:ing|ed|ly)$", word)
    return True


def _strip_titles(text: str, s: int, e: int) -> tuple[str, int, int]:
    """ "President Gorbachev" → "Gorbachev", "Kazakhstan President Nursultan Nazarbayev" →
    "Nursultan Nazarbayev", "President of Armenia Levon Ter-Petrosian" → "Levon Ter-Petrosian",
    "(the new president of) Azerbaijan Yaqub Mammadov" → "Yaqub Mammadov"; an office without a
    name stays ("Interior Minister of Nagorno-Karabakh"), as do bodies ("General Assembly")."""
    words = list(re.finditer(r"\S+", text[s:e]))
    plain = [w.group().strip("(),") for w in words]
    if not any(p in _BODIES for p in plain):
        last_title = max((k for k, p in enumerate(plain) if p in _TITLES), default=None)
        if last_title is not None and last_title + 1 < len(words):
            rest = words[last_title + 1 :]
            if rest[0].group() == "of" and len(rest) >= 3:
                rest = rest[2:]
            if rest[0].group() != "of":
                s = s + rest[0].start()
        elif _TITLE_OF.search(text[max(0, s - 30) : s]) and len(words) >= 3:
            s = s + words[1].start()
    return _clean(text, s, e)


def _clean(text: str, s: int, e: int) -> tuple[str, int, int]:
    """A name as written, without a trailing full stop or possessive, brackets balanced."""
    name = text[s:e]
    name = re.sub(r"(?<=\w{2})\.$", "", name)
    name = re.sub(r"['’]s$", "", name)
    if name.count("(") != name.count(")"):
        name = name.replace("(", "").replace(")", "").strip()
        s = text.find(name, s) if name else s
    return name, s, s + len(name)


def _subject_names(
    text: str, m: _Mention, dates: Sequence[DateMention], spans: Sequence[tuple[int, int]]
) -> list[str]:
    """Names before a mention in its clause ("the CSCE … created the Minsk Group"), but not
    places ("met in Key West, Florida") and none for a mention governed by a noun
    ("implementation of UN Security Council Resolutions")."""
    end = m.lead if m.lead >= 0 else m.start
    if re.search(r"\bof\s+(?:the\s+|an?\s+)?$", text[max(0, end - 10) : end]):
        return []
    region_start = max(0, end - _REACH)
    for b in _SUBJECT_START.finditer(text, region_start, end):
        region_start = b.end()
    for d in _event_dates(dates):  # "On 5 May, …": a date and its comma end an adverbial
        comma = re.match(r"\s*,", text[d.end : end])
        if region_start <= d.end < end and comma:
            region_start = d.end + comma.end()
    names = []
    place = False
    for name, _, _, run in _name_phrases(text, region_start, end, dates, spans):
        head = text[region_start:run]
        place = bool(_LOCATIVE.search(head)) or (place and bool(re.search(r",\s*$", head)))
        if not place:
            names.append(name)
    if not names:
        words = list(re.finditer(r"[\w'’-]+", text[region_start:end]))[-3:]
        for k, w in enumerate(words):
            if w.group().lower() in _LOWER_SUBJECTS:
                first = k
                while (
                    first > 0
                    and words[first - 1].group().islower()
                    and words[first - 1].group() not in ("the", "a", "an")
                ):
                    first -= 1
                s = region_start + words[first].start()
                names.append(text[s : region_start + w.end()])  # "the region's parliament"
                break
    return names


def _cue_names(
    text: str,
    m: _Mention,
    dates: Sequence[DateMention],
    limit: int,
    next_mention: int,
    spans: Sequence[tuple[int, int]],
    vocab: _Vocabulary,
) -> list[tuple[str, int, int, bool]]:
    """Names that cues give, and whether each is an agent ("by …"): "signed by …", "between …
    and …", "the summit of …", "Russia acting as a mediator", "Russian-brokered". A cue counts
    before the next mention; the names it gives may run on ("talks with the Karabakh government
    and Minsk Group officials")."""
    names: list[tuple[str, int, int, bool]] = []
    window = _word_window(text, m.end, min(limit, next_mention), vocab.window, dates)
    near = _word_window(text, m.end, min(limit, next_mention), _LONE_CUE_WORDS, dates)
    if vocab.adjacent is not None:
        cue = vocab.adjacent.match(text, _skip_spaces(text, m.end))
        if cue:
            found = _name_list(text, cue.end(), limit, dates, spans, lower=False)
            names.extend((*n, False) for n in found)
    if vocab.after is not None:
        for cue in vocab.after.finditer(text, m.start, window):
            word = cue.group("name")
            if " " not in word and cue.start() > near:
                continue  # a lone "by" or "between" counts only close to the mention
            agent = word.endswith("by")
            found = _name_list(text, cue.end(), limit, dates, spans, lower=agent)
            names.extend((*n, agent) for n in found)
    if vocab.before is not None:
        for cue in vocab.before.finditer(text):
            found = _name_phrases(text, max(0, cue.start() - 40), cue.start(), dates, spans)
            if found:
                names.append((*found[-1][:3], False))
    if vocab.joined is not None:
        for j in vocab.joined.finditer(text, max(0, m.start - 30), m.end):
            names.append((j.group("name"), j.start("name"), j.end("name"), True))
    return names


def _skip_spaces(text: str, pos: int) -> int:
    return pos + len(text[pos:]) - len(text[pos:].lstrip())


def _word_window(
    text: str, start: int, limit: int, words: int, dates: Sequence[DateMention] = ()
) -> int:
    """Where the `words`-th word after `start` begins; a date counts as one word."""
    limit = min(limit, start + 40 * (words + 1))
    found = [
        w
        for w in re.finditer(r"\S+", text[start:limit])
        if not any(d.start < start + w.start() < d.end for d in dates)
    ]
    return limit if len(found) <= words else start + found[words].start()


# Before the first name of a list: determiners, or words ending "of"/"including" or a
# bracket ("the governments of Armenia", "the respective defence ministers … (Armenia, …").
_FIRST_GAP = re.compile(
    r"\s*(?:(?:the|a|an|both|either|several|some|all|its|their)\s+)?"
    r"(?:(?:[a-z][\w'’-]*\s+)*?(?:of|including|such as)\s+(?:the\s+)?"
    r"|(?:[a-z][\w'’-]*\s+)*[a-z][\w'’-]*\s*\(\s*)?"
)
_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:and|or|including|as well as|such as|plus)\s+)?\s*")
_LOWER_AGENT = re.compile(
    r"\s*(?:the\s+)?(?P<np>[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*){0,4}?)"
    r"(?=\s*(?:[(,;.]|$)|\s(?:in|on|at|to|for|following|with|which|who|that|during|and)\b)"
)


def _name_list(
    text: str,
    pos: int,
    limit: int,
    dates: Sequence[DateMention],
    spans: Sequence[tuple[int, int]],
    lower: bool,
) -> list[_Name]:
    """The names a cue introduces: "Yeltsin, Nazarbayev, Mutalibov and Ter-Petrosyan", "the
    respective defence ministers of … (Armenia, Azerbaijan and the Republic of Artsakh)";
    for an agent ("by …") with no name, the words themselves: "parliamentary leaders"."""
    out: list[_Name] = []
    cursor = pos
    limit = min(limit, pos + _REACH)
    for name, s, e, run in _name_phrases(text, pos, limit, dates, spans, keep_demonyms=True):
        gap = text[cursor:run]
        if out:
            gap = re.sub(r"\([^()]*\)|\bthe\b|[()]", " ", gap)
            if not _LIST_GAP.fullmatch(gap):
                break
        elif not _FIRST_GAP.fullmatch(gap):
            break
        out.append((name, s, e))
        cursor = e
    if not out and lower:
        agent = _LOWER_AGENT.match(text, pos, limit)
        if agent:
            out.append((agent.group("np"), agent.start("np"), agent.end("np")))
    return out


# --- items ---------------------------------------------------------------------------------


@dataclass
class _Item:
    kind: str
    mentions: list[_Mention]
    outcome: tuple[int, int, int] | None = None  # sentence, start, end

    @property
    def key(self) -> str | None:
        return next((m.key for m in self.mentions if m.key), None)

    @property
    def last(self) -> int:
        return max(m.sentence for m in self.mentions)

    @property
    def subjects(self) -> set[str]:
        return {_key(a) for m in self.mentions for a in m.subject}

    def best(self) -> _Mention | None:
        """The mention with the most precise date of its own (the earliest of equals)."""
        dated = [m for m in self.mentions if m.date is not None]
        if not dated:
            return None
        return max(dated, key=lambda m: (_PRECISION_RANK[m.date.precision], -m.sentence))

    def best_date(self) -> DateMention | None:
        best = self.best()
        return best.date if best else None


def find_diplomacy(
    sentences: Sequence[tuple[str, Sequence[DateMention]]],
    rules: DiplomacyRules,
    narrative: Sequence[DateMention | None] | None = None,
) -> list[tuple[int, DiplomaticItem]]:
    """The diplomatic items a source's narrative sentences mention, in order, each with the
    index of the sentence that describes it best (its most precisely dated mention).

    `sentences` are (text, resolved date mentions) in source order. `narrative`, if given, is
    the narrative's date at each sentence, for items the text narrates as happening without
    dating them; without it, the last date of the three sentences before is taken.
    """
    vocab = _vocabulary(rules)
    register = _Register()
    speaking: set[int] = set()  # sentences that mention diplomacy at all
    for i, (text, dates) in enumerate(sentences):
        mentions = _sentence_mentions(i, text, dates, vocab)
        if mentions:
            speaking.add(i)
        for group in _groups(mentions):
            target = register.target(group, i)
            if target is not None:
                register.extend(target, group, i)
            elif not all(m.anaphoric for m in group):
                register.extend(_Item(group[0].kind, []), group, i)
    items = _merge_by_date(register.items)
    _outcomes(items, sentences, speaking)
    out = [_finish(item, items, sentences, narrative) for item in items]
    out.sort(key=lambda pair: (pair[0], pair[1].start))
    return out


def _disjoint(a: set[str], b: set[str]) -> bool:
    return bool(a) and bool(b) and not a & b


def _groups(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Mentions in one sentence that are one item: a name and its repetitions; the unnamed
    and the referring-back with a named item of their kind ("a controversial resolution,
    Resolution 1416"), or with each other ("agreed to cease hostilities … a ceasefire") unless
    their subjects differ ("Azerbaijan declared …, the Armenian majority voted …")."""
    groups: list[list[_Mention]] = []
    for m in mentions:
        if m.key is not None:
            same = next((g for g in groups if g[0].key == m.key), None)
            if same is not None:
                same.append(m)
            else:
                groups.append([m])
    named = list(groups)
    for m in mentions:
        if m.key is not None:
            continue
        kinds = _RELATED[m.kind] if m.anaphoric else {m.kind}
        subjects = {_key(a) for a in m.subject}
        host = next(
            (
                g
                for g in [*named, *(g for g in groups if g not in named)]
                if g[0].kind in kinds
                and not _disjoint(subjects, {_key(a) for x in g for a in x.subject})
            ),
            None,
        )
        if host is not None:
            host.append(m)
        else:
            groups.append([m])
    groups.sort(key=lambda g: min(x.start for x in g))
    return groups


class _Register:
    """The items met so far, in the order they were met, with quick ways to the few a new
    group of mentions may belong to (so a long source costs time in proportion to its length):
    by name, by the years their mentions give, and those mentioned in the last sentences."""

    _WINDOW = max(_ANAPHOR_LOOKBACK, _HEAD_LOOKBACK)

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self._number: dict[int, int] = {}  # id(item) → its place in `items`
        self._by_key: dict[str, _Item] = {}
        self._by_year: dict[int, dict[int, _Item]] = defaultdict(dict)  # year → id → item
        self._last: dict[int, int] = {}  # id(item) → the last sentence that mentions it
        self._recent: dict[int, _Item] = {}  # items mentioned in the last _WINDOW sentences

    def extend(self, item: _Item, group: list[_Mention], i: int) -> None:
        if id(item) not in self._number:
            self._number[id(item)] = len(self.items)
            self.items.append(item)
        item.mentions.extend(group)
        if item.key is not None:
            self._by_key.setdefault(item.key, item)
        for m in group:
            if m.date is not None:
                self._by_year[m.date.date.year][id(item)] = item
        self._last[id(item)] = i
        self._recent[id(item)] = item

    def _latest_first(self, candidates) -> list[_Item]:
        return sorted(candidates, key=lambda it: -self._number[id(it)])

    def target(self, group: list[_Mention], i: int) -> _Item | None:
        """The item a sentence's group of mentions belongs to, if it is one already met."""
        self._recent = {
            k: it for k, it in self._recent.items() if self._last[k] >= i - self._WINDOW
        }
        head = next((m for m in group if m.key), group[0])
        if head.key is not None:
            return self._by_key.get(head.key)
        if all(m.anaphoric for m in group):
            related = _RELATED[head.kind]
            if head.year is not None:  # "the 1994 ceasefire"
                return next(
                    (
                        it
                        for it in self._latest_first(self._by_year.get(head.year, {}).values())
                        if it.kind in related
                        and it.best_date()
                        and it.best_date().date.year == head.year
                    ),
                    None,
                )
            return next(
                (
                    it
                    for it in self._latest_first(self._recent.values())
                    if it.kind in related and self._last[id(it)] >= i - _ANAPHOR_LOOKBACK
                ),
                None,
            )
        # Talks that go on in the next sentence, or "proposals" taken up again a little later.
        own = next((m.date for m in group if m.date is not None), None)
        subjects = {_key(a) for m in group for a in m.subject}
        for it in self._latest_first(self._recent.values()):
            if it.kind != head.kind or it.key is not None or _disjoint(subjects, it.subjects):
                continue
            date = it.best_date()
            if own is not None and date is not None and not _compatible(own, date):
                continue
            last = self._last[id(it)]
            if last == i - 1 or (
                last >= i - _HEAD_LOOKBACK
                and own is None
                and date is None
                and any(m.head == head.head for m in it.mentions)
            ):
                return it
        return None


def _compatible(a: DateMention, b: DateMention, strict: bool = False) -> bool:
    """Whether two dates may be one item's: equal at the precision both give. `strict`: and
    both give at least a month, or neither does."""
    ra, rb = _PRECISION_RANK[a.precision], _PRECISION_RANK[b.precision]
    if strict and min(ra, rb) < 3 <= max(ra, rb):
        return False
    if a.date.year != b.date.year:
        return False
    if min(ra, rb) >= 3 and a.date.month != b.date.month:
        return False
    return not (min(ra, rb) >= 4 and a.date.day != b.date.day)


def _same_day(a: DateMention, b: DateMention) -> bool:
    return a.precision == b.precision == "day" and a.date == b.date


def _merge_by_date(items: list[_Item]) -> list[_Item]:
    """Unnamed items of one kind dated alike are one: "A Russian-brokered ceasefire was signed
    in May 1994" (the lead) and "On 5 May, … all parties agreed to cease hostilities"."""
    out: list[_Item] = []
    for item in items:
        date = item.best_date()
        host = None
        if item.key is None and date is not None:
            host = next(
                (
                    o
                    for o in out
                    if o.kind == item.kind
                    and o.key is None
                    and o.best_date() is not None
                    and _compatible(o.best_date(), date, strict=True)
                    and (_same_day(o.best_date(), date) or not _disjoint(o.subjects, item.subjects))
                ),
                None,
            )
        if host is not None:
            host.mentions.extend(item.mentions)
        else:
            out.append(item)
    return out


def _outcomes(
    items: list[_Item],
    sentences: Sequence[tuple[str, Sequence[DateMention]]],
    speaking: set[int],
) -> None:
    """What came of each item: words such as "broke down" in a sentence that mentions it; for
    "The peace efforts were disrupted", also for the efforts mentioned just before; or in the
    sentence right after its last mention when that sentence mentions no diplomacy at all."""
    referring: list[int] = []
    cues: dict[int, list[re.Match]] = {}
    for item in items:
        for m in sorted(item.mentions, key=lambda x: x.sentence):
            if m.sentence not in cues:
                cues[m.sentence] = list(_OUTCOME.finditer(sentences[m.sentence][0]))
            own = [(x.start, x.end) for x in item.mentions if x.sentence == m.sentence]
            cue = next(
                (c for c in cues[m.sentence] if not any(s <= c.start() < e for s, e in own)),
                None,
            )
            if cue is not None:
                item.outcome = (m.sentence, cue.start(), cue.end())
                if m.anaphoric:
                    referring.append(m.sentence)
                break
    for item in items:
        if item.outcome is not None:
            continue
        j = next((j for j in referring if j - 2 <= item.last <= j - 1), None)
        if j is None:
            j = item.last + 1
            if j >= len(sentences) or j in speaking:
                continue
        cue = _OUTCOME.search(sentences[j][0])
        if cue is not None:
            item.outcome = (j, cue.start(), cue.end())


def _finish(
    item: _Item,
    items: list[_Item],
    sentences: Sequence[tuple[str, Sequence[DateMention]]],
    narrative: Sequence[DateMention | None] | None,
) -> tuple[int, DiplomaticItem]:
    primary = item.best()
    date = primary.date if primary else None
    from_context = False
    if primary is None:
        events = [m for m in item.mentions if m.event and not m.anaphoric]
        primary = (events or [m for m in item.mentions if not m.anaphoric] or item.mentions)[0]
        if events and not sentences[primary.sentence][1]:
            date = _narrative_date(primary.sentence, sentences, narrative)
            from_context = date is not None
    named = next((m for m in item.mentions if m.name), None)
    actors = _unique(a for m in item.mentions for a in m.actors)
    if not actors and primary.possessive:  # "In their annual summit": the subject before
        actors = _unique(
            a
            for it in items
            for m in it.mentions
            if primary.sentence - 2 <= m.sentence < primary.sentence
            for a in m.subject
        )
    outcome = item.outcome
    index = primary.sentence
    return index, DiplomaticItem(
        name=named.name if named else primary.text,
        kind=item.kind,
        start=primary.start,
        end=primary.end,
        date=date.date.iso() if date is not None else None,
        precision=date.precision if date is not None else None,
        actors=tuple(actors),
        outcome_sentence=outcome[0] - index if outcome else None,
        mentions=tuple(sorted({m.sentence - index for m in item.mentions})),
        date_from_context=from_context,
        outcome_start=outcome[1] if outcome else None,
        outcome_end=outcome[2] if outcome else None,
    )


def _narrative_date(
    index: int,
    sentences: Sequence[tuple[str, Sequence[DateMention]]],
    narrative: Sequence[DateMention | None] | None,
) -> DateMention | None:
    """The narrative's date at a sentence that gives none: the caller's, else the last date
    that moves the narrative in the few sentences before."""
    if narrative is not None:
        return narrative[index]
    for k in range(index - 1, max(-1, index - 1 - _NARRATIVE_LOOKBACK), -1):
        moving = [d for d in _event_dates(sentences[k][1]) if d.moves_narrative]
        if moving:
            return moving[-1]
    return None


def _unique(names) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        name = re.sub(r"^(?:the|The)\s+", "", name).strip()
        if name and _key(name) not in seen:
            seen.add(_key(name))
            out.append(name)
    return out
