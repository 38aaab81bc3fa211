"""From a loaded seed file to a `Source`: sentences with ids and roles, title, address."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

from . import backmatter, dates
from .config import ParseSettings
from .model import SeedFile, Sentence, Source
from .references import parse_back_matter
from .sentences import display_text, split_sentences

# A segment that is nothing but a web address (the address of a news page, say).
_ADDRESS = re.compile(
    r"^(?:(?:URL|Source|Address|Link):\s*)?(?P<url>(?:https?://)?(?:www\.)?"
    r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+(?::\d+)?(?:/[^\s]*)?)$",
    re.IGNORECASE,
)
# "The First Nagorno-Karabakh War was an ethnic …" → "First Nagorno-Karabakh War".
_DEFINITION = re.compile(
    r"^(?:The |An? )?(?P<subject>[A-Z0-9][^,;:()\"“]{2,80}?) (?:is|was|are|were) "
    r"(?:an?|the|one)\b"
)
_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)
ADDRESS_SEARCH_SEGMENTS = 6  # an address counts as the source's own only near the start


def dedup_key(text: str) -> str:
    """Sentences with the same key are the same sentence, wherever they occur."""
    key = " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())
    return text if key == text else key  # most often the text itself, not a second copy


def sentence_id(key: str, taken: set[str], repeats: Counter[str]) -> str:
    """A short id from the sentence text, so it survives edits elsewhere in the seed; the
    same sentence again is numbered: -2, -3, … (`repeats` counts them)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
    for length in (8, 12, 16):
        candidate = "s" + digest[:length]
        if candidate not in taken:
            return candidate
    repeats[digest] += 1
    return f"s{digest}-{repeats[digest] + 1}"


def build_source(seed: SeedFile, settings: ParseSettings | None = None) -> Source:
    settings = settings or ParseSettings()
    text = seed.text
    spans = split_sentences(text, settings.abbreviations)
    texts = [display_text(text, span) for span in spans]
    roles = ["body"] * len(spans)
    url = seed.meta.url
    for i, candidate in enumerate(texts[:ADDRESS_SEARCH_SEGMENTS]):
        m = _ADDRESS.match(candidate)
        if m and "." in m.group("url").split("/")[0]:
            roles[i] = "meta"
            if url is None:
                found = m.group("url")
                url = found if found.lower().startswith("http") else "https://" + found
            break
    body_positions = [i for i, r in enumerate(roles) if r == "body"]
    k = backmatter.body_end([texts[i] for i in body_positions])
    for i in body_positions[k:]:
        roles[i] = "back"

    body = [i for i, r in enumerate(roles) if r == "body"]
    resolved = dates.resolve_dates(
        [(texts[i], dates.find_dates(texts[i], settings.anchors)) for i in body]
    )
    mentions_at = dict(zip(body, resolved, strict=True))

    taken: set[str] = set()
    repeats: Counter[str] = Counter()
    sentences = []
    for i, (span, shown) in enumerate(zip(spans, texts, strict=True)):
        key = dedup_key(shown)
        sid = sentence_id(key, taken, repeats)
        taken.add(sid)
        sentences.append(
            Sentence(
                id=sid,
                seed=seed.name,
                index=i,
                start=span.start,
                end=span.end,
                text=shown,
                markers=tuple(m.label for m in span.markers),
                role=roles[i],
                hard_start=span.hard_start,
                key=key,
                dates=tuple(mentions_at.get(i, ())),
            )
        )
    title = seed.meta.title
    derived = title is None
    if title is None:
        title = derive_title([s.text for s in sentences if s.role == "body"], seed.stem)
    return Source(
        id=seed.stem,
        file=seed.name,
        slug=seed.meta.slug or slugify(seed.stem),
        title=title,
        title_derived=derived,
        url=url,
        publisher=seed.meta.publisher,
        date=seed.meta.date,
        language=seed.meta.language,
        sha256=seed.sha256,
        length=len(text),
        sentences=tuple(sentences),
        back_matter=parse_back_matter(
            [s for s in sentences if s.role == "back"],
            text,
            settings.references.aliases,
            settings.references.headings,
        ),
    )


def derive_title(body: list[str], fallback: str) -> str:
    """The subject of a defining first sentence, else the opening words."""
    for sentence in body[:3]:
        m = _DEFINITION.match(sentence)
        if m and len(m.group("subject").split()) <= 8:
            subject = m.group("subject").strip()
            return subject[0].upper() + subject[1:]
    if body:
        words = body[0].split()
        return " ".join(words[:8]).rstrip(",;:.") + ("…" if len(words) > 8 else "")
    return fallback


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "source"
