"""Plain data passed between pipeline stages. Nothing here does I/O or parsing."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .dates import DateMention
from .pickling import pickled_as_call

if TYPE_CHECKING:
    from .references import BackMatter

# --- inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceMeta:
    """What a sidecar `NAME.yaml` may say about a seed; all optional."""

    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    language: str = "en"
    slug: str | None = None


@dataclass(frozen=True)
class SeedFile:
    name: str  # file name, e.g. "001_x.txt"
    stem: str
    text: str  # the file's bytes decoded as UTF-8, unchanged
    sha256: str
    meta: SourceMeta = field(default_factory=SourceMeta)


# --- parsed sources -----------------------------------------------------------------


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Sentence:
    id: str  # anchor; derived from the text, unique within the source
    seed: str  # file name of the source
    index: int  # position in the source
    start: int  # character offsets into the decoded seed text
    end: int
    text: str  # as shown: maintenance markers removed, whitespace collapsed
    markers: tuple[str, ...]  # e.g. ("citation needed",)
    role: str  # "body" (narrative), "back" (notes and references) or "meta" (an address line)
    hard_start: bool  # follows a line break or a wide gap in the seed
    key: str  # normalised text: equal keys are the same sentence in different sources
    dates: tuple[DateMention, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str  # the seed's file stem
    file: str
    slug: str  # page address: sources/<slug>.html
    title: str
    title_derived: bool
    url: str | None
    publisher: str | None
    date: str | None
    language: str
    sha256: str
    length: int  # characters in the decoded text
    sentences: tuple[Sentence, ...]
    back_matter: BackMatter | None = None  # notes, footnotes and works, if it has any

    @cached_property
    def body(self) -> list[Sentence]:
        return [s for s in self.sentences if s.role == "body"]

    @cached_property
    def meta(self) -> list[Sentence]:
        """Lines about the document (its address, a byline), not part of its text."""
        return [s for s in self.sentences if s.role == "meta"]


def find_quotes(
    sources: Iterable[Source], quotes: Iterable[str], roles: tuple[str, ...] = ("body",)
) -> dict[str, list[Sentence]]:
    """For each quote, the sentences (of the given roles) that hold it, in source order; the
    match ignores differences in white space, and a quote never spans two sentences. The
    sources are searched one at a time, so only one source's text is joined at a time."""
    wanted = {q: " ".join(q.split()) for q in quotes}
    found: dict[str, list[Sentence]] = {q: [] for q in wanted}
    searched = {q: w for q, w in wanted.items() if w and "\n" not in w}
    if not searched:
        return found
    for source in sources:
        chosen = [s for s in source.sentences if s.role in roles]
        starts, pos = [], 0
        for s in chosen:
            starts.append(pos)
            pos += len(s.text) + 1
        joined = "\n".join(s.text for s in chosen)
        for quote, text in searched.items():
            at = joined.find(text)
            while at != -1:
                i = bisect.bisect_right(starts, at) - 1
                found[quote].append(chosen[i])
                at = joined.find(text, starts[i] + len(chosen[i].text) + 1)
    return found
