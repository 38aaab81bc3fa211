"""Building sources and rules in memory for unit tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from karabakh_site.config import SectionRule, SectionRules, SectionSettings
from karabakh_site.documents import build_source
from karabakh_site.model import SeedFile, Source, SourceMeta


def make_source(text: str, name: str = "test.txt", **meta) -> Source:
    seed = SeedFile(
        name=name,
        stem=name.rsplit(".", 1)[0],
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        meta=SourceMeta(**meta),
    )
    return build_source(seed)


def rules(*sections: SectionRule, **settings) -> SectionRules:
    return SectionRules(settings=SectionSettings(**settings), groups=(), sections=tuple(sections))


def build_args(project: Path, out: Path | None = None) -> list[str]:
    """`build` from a project folder's seeds/, content/ and templates/ into `out` (its build/)."""
    return [
        "build",
        "--seeds",
        str(project / "seeds"),
        "--content",
        str(project / "content"),
        "--templates",
        str(project / "templates"),
        "--out",
        str(out or project / "build"),
    ]
