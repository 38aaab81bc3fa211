"""Classify and extract, one source at a time: sections, names, figures, diplomacy.

Everything here depends on one source and the rules only, never on the other
sources, so each source's analysis can be computed in its own process and
kept in the build cache until the source or the rules change.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import entities
from .config import Category, Placement, SectionRules
from .diplomacy import DiplomacyRules, DiplomaticItem, find_diplomacy
from .entities import Gazetteer, Mention
from .figures import Figure, FigureRules, find_figures
from .model import Sentence, Source, find_quotes
from .sections import Layout, layout_source
from .sentences import reads_as_table
from .timeline import Categoriser, event_dates


@dataclass(frozen=True)
class Rules:
    """The rules an analysis follows (all from content/)."""

    sections: SectionRules
    figures: FigureRules
    diplomacy: DiplomacyRules
    gazetteer: Gazetteer
    placements: tuple[Placement, ...] = ()  # sentences a maintainer put in a section
    categories: tuple[Category, ...] = ()  # of the timeline's events


@dataclass(frozen=True)
class SourceAnalysis:
    layout: Layout  # section and paragraph of each narrative sentence
    mentions: tuple[tuple[Mention, ...], ...]  # names in each narrative sentence
    figures: tuple[tuple[Figure, ...], ...]  # stated figures in each narrative sentence
    diplomacy: tuple[tuple[int, DiplomaticItem], ...]  # (sentence index, item)
    # The timeline category of each narrative sentence that dates an event (else None), by
    # its words and its section.
    categories: tuple[str | None, ...]
    tables: tuple[int, ...] = ()  # narrative sentences that are flattened tables, not prose


def analyse(source: Source, rules: Rules) -> SourceAnalysis:
    body = source.body
    years = entities.sentence_years(body)
    layout = layout_source(body, rules.sections, placed_sections(source, rules.placements))
    return SourceAnalysis(
        layout=layout,
        mentions=tuple(
            tuple(entities.find_mentions(s.text, year, rules.gazetteer))
            for s, year in zip(body, years, strict=True)
        ),
        figures=tuple(
            tuple(
                find_figures(s.text, s.dates, body[i - 1].text if i else None, rules.figures, year)
            )
            for i, (s, year) in enumerate(zip(body, years, strict=True))
        ),
        diplomacy=tuple(find_diplomacy([(s.text, s.dates) for s in body], rules.diplomacy)),
        tables=tuple(i for i, s in enumerate(body) if reads_as_table(s.text)),
        categories=_categories(body, layout, Categoriser(rules.categories)),
    )


def _categories(
    body: tuple[Sentence, ...], layout: Layout, categorise: Categoriser
) -> tuple[str | None, ...]:
    # A sentence is shown in its paragraph's section (as `assemble` places it).
    section = {i: layout.labels[paragraph[0]] for paragraph in layout.paragraphs for i in paragraph}
    return tuple(
        categorise(s.text, section[i]) if event_dates(s.dates) else None for i, s in enumerate(body)
    )


def placed_sections(source: Source, placements: tuple[Placement, ...]) -> dict[int, str]:
    """Body positions of the sentences a maintainer put in a section (corrections.yaml)."""
    if not placements:
        return {}
    found = find_quotes([source], (item.quote for item in placements))
    position = {s.id: i for i, s in enumerate(source.body)}
    return {
        position[sentence.id]: item.section for item in placements for sentence in found[item.quote]
    }
