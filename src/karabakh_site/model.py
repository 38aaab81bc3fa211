"""Plain data passed between pipeline stages. Nothing here does I/O or parsing."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .dates import DateMention

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


@dataclass(frozen=True)
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
