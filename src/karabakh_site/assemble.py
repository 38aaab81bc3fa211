"""The site model: every sentence placed once, cited everywhere it occurs.

Input: parsed sources and the maintainers' content. Output: pages with their
paragraphs, each narrative sentence with all its citations, timeline events,
key facts tied to the sentences that support them. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from . import entities
from . import sections as layout
from .analysis import SourceAnalysis
from .config import Content, SectionRule
from .dates import DateMention
from .diplomacy import DiplomaticItem
from .documents import slugify
from .entities import Entity, Gazetteer, Mention
from .errors import SiteError
from .figures import Figure, FigureRules, side_of
from .model import Sentence, Source, find_quotes
from .references import Work
from .timeline import Event, timeline_events

HOME = "index.html"
TIMELINE = "timeline.html"
SOURCES_INDEX = "sources/index.html"
ENTITIES_INDEX = "entities/index.html"
REFERENCES = "references.html"
SEARCH = "search.html"
RESERVED = {HOME, TIMELINE, SOURCES_INDEX, ENTITIES_INDEX, REFERENCES, SEARCH, "404.html"}


@dataclass(frozen=True, slots=True)
class NarrativeSentence:
    """A sentence as the narrative shows it: once, citing every source that has it."""

    anchor: str
    text: str
    section: str
    page: str
    citations: tuple[Sentence, ...]  # the primary occurrence first
    mentions: tuple[Mention, ...] = ()  # names of gazetteer entities, offsets into `text`
    category: str | None = None  # on the timeline, if it dates an event

    @property
    def primary(self) -> Sentence:
        return self.citations[0]

    @property
    def url(self) -> str:
        return f"{self.page}#{self.anchor}"

    @property
    def dates(self) -> tuple[DateMention, ...]:
        return self.primary.dates

    @property
    def markers(self) -> tuple[str, ...]:
        return self.primary.markers


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[NarrativeSentence, ...]


@dataclass(frozen=True)
class Block:
    """Paragraphs under one subheading."""

    title: str
    anchor: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class FigureView:
    figure: Figure
    sentence: NarrativeSentence
    side: str | None
    group_title: str | None

    @property
    def anchor(self) -> str:
        return f"f-{self.sentence.anchor}-{self.figure.start}"


@dataclass(frozen=True, slots=True)
class DiplomacyView:
    item: DiplomaticItem
    sentence: NarrativeSentence
    outcome: NarrativeSentence | None  # the sentence that says what came of it

    @property
    def anchor(self) -> str:
        return f"d-{self.sentence.anchor}-{self.item.start}"


@dataclass(frozen=True)
class SectionPage:
    rule: SectionRule
    path: str
    blocks: tuple[Block, ...]
    figures: tuple[FigureView, ...] = ()  # the figures of the kinds this page tabulates
    register: tuple[DiplomacyView, ...] = ()

    @property
    def sentence_count(self) -> int:
        return sum(len(p.sentences) for b in self.blocks for p in b.paragraphs)

    @property
    def sentences(self) -> list[NarrativeSentence]:
        return [s for b in self.blocks for p in b.paragraphs for s in p.sentences]


@dataclass(frozen=True, slots=True)
class SourceParagraph:
    sentences: tuple[Sentence, ...]
    section: str | None  # where its sentences went (None for back matter)


@dataclass(frozen=True, slots=True)
class BackEntry:
    """A note, footnote or work on a source page, with the sentences shown in it.

    A sentence that two entries share is shown in the first, so that every
    sentence appears (and has its anchor) exactly once on the page.
    """

    anchor: str  # "note-3", "fn-12", or the work's uid
    sentences: tuple[Sentence, ...]
    works: tuple[str, ...] = ()  # uids of the works it cites
    label: str = ""  # "Books", … for works; the kind for footnotes


@dataclass(frozen=True)
class WorkView:
    uid: str  # unique across the site (the work's id, namespaced only on a clash)
    work: Work
    source: str  # seed file name
    sentences: tuple[Sentence, ...]
    cited_by: tuple[tuple[str, int], ...] = ()  # (seed, footnote number)

    @property
    def text(self) -> str:
        """The entry as the bibliography gives it."""
        return " ".join([s.text for s in self.sentences])

    @property
    def sentence_ids(self) -> str:
        return " ".join([s.id for s in self.sentences])


@dataclass(frozen=True)
class SourcePage:
    source: Source
    number: int  # 1-based, in file order; what citation links show
    path: str
    paragraphs: tuple[SourceParagraph, ...]  # the body, as paragraphs
    back: tuple[Sentence, ...]  # notes and references
    duplicates: tuple[str, ...]  # ids of sources whose sentences this one repeats
    notes: tuple[BackEntry, ...] = ()
    footnotes: tuple[BackEntry, ...] = ()
    works: tuple[BackEntry, ...] = ()
    loose: tuple[Sentence, ...] = ()  # back sentences in no entry


@dataclass(frozen=True)
class SourceCard:
    """What a citation, or a page's printed list of the sources it cites, shows of a source:
    all that pages other than its own read of it, so that they follow its edits only here."""

    number: int
    path: str
    file: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None


def source_card(page: SourcePage) -> SourceCard:
    s = page.source
    return SourceCard(page.number, page.path, s.file, s.title, s.publisher, s.date, s.url)


@dataclass(frozen=True)
class EntityPage:
    entity: Entity
    path: str
    sentences: tuple[NarrativeSentence, ...]  # every narrative sentence naming it, in site order
    events: tuple[Event, ...]  # timeline entries whose sentence names it
    related: tuple[tuple[Entity, int], ...]  # named in the same paragraphs, most often first
    description: tuple[Sentence, ...]  # the seed sentences holding its `quote`, if any
    figures: tuple[FigureView, ...] = ()  # stated figures whose sentence names it


@dataclass(frozen=True)
class KeyFactView:
    label: str
    value: str
    quote: str
    sentence: NarrativeSentence | None  # where the quote is shown in the narrative
    citations: tuple[Sentence, ...]


@dataclass
class Site:
    content: Content
    sources: list[SourcePage]
    sections: list[SectionPage]
    timeline: list[Event]
    key_facts: list[KeyFactView]
    narrative: dict[tuple[str, str], NarrativeSentence] = field(default_factory=dict)
    # ^ (seed, sentence id) of every occurrence → where the reader sees it
    excluded: dict[tuple[str, str], str] = field(default_factory=dict)  # occurrence → reason
    entities: list[EntityPage] = field(default_factory=list)
    works: list[WorkView] = field(default_factory=list)  # every bibliography entry
    figures: list[FigureView] = field(default_factory=list)  # in narrative order
    diplomacy: list[DiplomacyView] = field(default_factory=list)  # in date order
    warnings: list[str] = field(default_factory=list)


def section_path(rule: SectionRule) -> str:
    return HOME if rule.lead else f"{rule.slug}.html"


def assemble(
    sources: list[Source],
    analyses: list[SourceAnalysis],
    content: Content,
    warnings: list[str] | None = None,
    gazetteer: Gazetteer | None = None,
) -> Site:
    """The site model, from the sources and their analyses (in the same order).

    `warnings` (from earlier stages) is extended, not replaced.
    """
    gazetteer = gazetteer or Gazetteer()
    rules = content.sections
    _check_addresses(sources, content, gazetteer)
    primary_of = _primaries(sources)
    warnings = [] if warnings is None else warnings
    corrections = content.corrections
    quotes = find_quotes(
        sources,
        [
            *(item.quote for item in corrections.placements),
            *(item.quote for item in corrections.exclusions),
            *(fact.quote for fact in content.site.key_facts),
        ],
    )
    _placement_warnings(quotes, content, warnings)
    excluded = _exclusions(quotes, content, warnings)
    analysis_of = {source.file: a for source, a in zip(sources, analyses, strict=True)}
    for source, analysis in zip(sources, analyses, strict=True):
        for i in analysis.tables:
            excluded.setdefault(source.body[i].key, TABLE_REASON)
    body_index = {(s.seed, s.id): i for source in sources for i, s in enumerate(source.body)}

    pages: dict[str, list[tuple[Source, tuple[int, ...], list[Sentence]]]] = defaultdict(list)
    source_paragraphs: dict[str, list[SourceParagraph]] = {}
    narrative: dict[tuple[str, str], NarrativeSentence] = {}
    order = sorted(sources, key=lambda s: (-len(s.body), s.file))
    for source in order:
        body = source.body
        result = analysis_of[source.file].layout
        paras = []
        for indices in result.paragraphs:
            slug = result.labels[indices[0]]
            paras.append(SourceParagraph(tuple(body[i] for i in indices), slug))
            shown = [
                body[i]
                for i in indices
                if primary_of[body[i].key] == (source.file, body[i].id)
                and body[i].key not in excluded
            ]
            if shown:
                pages[slug].append((source, indices, shown))
        source_paragraphs[source.file] = paras

    occurrences: dict[str, list[Sentence]] = defaultdict(list)
    source_rank = {s.file: n for n, s in enumerate(sorted(sources, key=lambda s: s.file))}
    for source in sources:
        for sentence in source.body:
            occurrences[sentence.key].append(sentence)

    section_pages = []
    for rule in rules.sections:
        path = section_path(rule)
        infos, paragraphs = [], []
        for source, _indices, shown in pages.get(rule.slug, []):
            cited = []
            for sentence in shown:
                others = sorted(
                    (o for o in occurrences[sentence.key] if o is not sentence),
                    key=lambda o: source_rank[o.seed],
                )
                analysis = analysis_of[sentence.seed]
                index = body_index[(sentence.seed, sentence.id)]
                ns = NarrativeSentence(
                    anchor=sentence.id,
                    text=sentence.text,
                    section=rule.slug,
                    page=path,
                    citations=(sentence, *others),
                    mentions=analysis.mentions[index],
                    category=analysis.categories[index],
                )
                for occurrence in ns.citations:
                    narrative[(occurrence.seed, occurrence.id)] = ns
                cited.append(ns)
            year, month = layout.paragraph_date(shown)
            infos.append(
                layout.ParagraphInfo(" ".join(s.text for s in shown), year, month, source.title)
            )
            paragraphs.append(Paragraph(tuple(cited)))
        if not paragraphs and not rule.lead:
            continue
        titles = layout.subsection_titles(infos, rule, rules.settings)
        blocks = _blocks(paragraphs, titles, [info.year for info in infos])
        section_pages.append(SectionPage(rule, path, blocks))

    works = _works(sources)
    source_pages = _source_pages(sources, source_paragraphs, primary_of, works)
    site = Site(
        content=content,
        sources=source_pages,
        sections=section_pages,
        timeline=[],
        key_facts=[],
        narrative=narrative,
        works=works,
        excluded={
            (o.seed, o.id): reason
            for s in sources
            for o in s.body
            if (reason := excluded.get(o.key)) is not None
        },
    )
    site.timeline = timeline_events(
        [s for page in section_pages for s in page.sentences], content.timeline
    )
    site.figures = _figures(section_pages, analysis_of, body_index, content.figures)
    site.diplomacy = _diplomacy(sources, analysis_of, narrative)
    site.sections = section_pages = [
        replace(
            page,
            figures=tuple(f for f in site.figures if f.figure.kind in page.rule.figures),
            register=tuple(site.diplomacy) if page.rule.register else (),
        )
        for page in section_pages
    ]
    site.key_facts = _key_facts(quotes, content, narrative, warnings)
    site.entities = _entity_pages(
        sources, section_pages, site.timeline, site.figures, gazetteer, warnings
    )
    site.warnings = warnings
    return site


def _figures(section_pages, analysis_of, body_index, rules: FigureRules) -> list[FigureView]:
    """Every stated figure in the narrative, in the order a reader meets them."""
    views = []
    for page in section_pages:
        for ns in page.sentences:
            primary = ns.primary
            for figure in analysis_of[primary.seed].figures[body_index[(primary.seed, primary.id)]]:
                views.append(
                    FigureView(figure, ns, side_of(figure, rules), rules.group_title(figure.group))
                )
    return views


def _diplomacy(sources, analysis_of, narrative) -> list[DiplomacyView]:
    """The register: each agreement, talk or resolution once, by date (undated last)."""
    views = []
    seen = set()
    for source in sorted(sources, key=lambda s: (-len(s.body), s.file)):
        body = source.body
        for index, item in analysis_of[source.file].diplomacy:
            ns = narrative.get((body[index].seed, body[index].id))
            if ns is None:
                continue  # excluded from the narrative
            key = (ns.anchor, item.name.casefold(), item.kind)
            if key in seen:
                continue
            seen.add(key)
            outcome = None
            if item.outcome_sentence is not None and 0 <= index + item.outcome_sentence < len(body):
                later = body[index + item.outcome_sentence]
                outcome = narrative.get((later.seed, later.id))
            views.append(DiplomacyView(item, ns, outcome))
    views.sort(key=lambda v: (v.item.date is None, v.item.date or "", v.item.name.casefold()))
    return views


def _entity_pages(
    sources, section_pages, timeline, figures, gazetteer, warnings
) -> list[EntityPage]:
    """A page for every gazetteer entity the narrative names."""
    naming: dict[str, list[NarrativeSentence]] = defaultdict(list)
    groups = []
    for page in section_pages:
        for block in page.blocks:
            for paragraph in block.paragraphs:
                groups.append({m.entity_id for s in paragraph.sentences for m in s.mentions})
                for sentence in paragraph.sentences:
                    for entity_id in dict.fromkeys(m.entity_id for m in sentence.mentions):
                        naming[entity_id].append(sentence)
    related = entities.cooccurrence(groups)
    events_naming: dict[str, list[Event]] = defaultdict(list)
    for event in timeline:
        for entity_id in dict.fromkeys(m.entity_id for m in event.sentence.mentions):
            events_naming[entity_id].append(event)
    figures_naming: dict[str, list[FigureView]] = defaultdict(list)
    for view in figures:
        for entity_id in dict.fromkeys(m.entity_id for m in view.sentence.mentions):
            figures_naming[entity_id].append(view)
    quoted = find_quotes(sources, (e.quote for e in gazetteer.entities if e.quote), ALL_ROLES)
    descriptions = {e.id: tuple(quoted[e.quote]) for e in gazetteer.entities if e.quote}
    for entity in gazetteer.entities:
        if entity.quote and not descriptions[entity.id]:
            warnings.append(
                str(
                    SiteError(
                        f"entity '{entity.name}': its quote is not found in any seed, so it is "
                        f"not shown: {entity.quote!r}",
                        gazetteer.path,
                        entity.line,
                    )
                )
            )
    pages = []
    for entity in gazetteer.entities:
        if entity.id not in naming:
            continue
        pages.append(
            EntityPage(
                entity=entity,
                path=entity.url,
                sentences=tuple(naming[entity.id]),
                events=tuple(events_naming[entity.id]),
                related=tuple(
                    (gazetteer.by_id[other], n)
                    for other, n in related.get(entity.id, [])
                    if other in naming
                ),
                description=descriptions.get(entity.id, ()),
                figures=tuple(figures_naming[entity.id]),
            )
        )
    pages.sort(key=lambda p: (p.entity.name.casefold(), p.entity.id))
    return pages


def _blocks(
    paragraphs: list[Paragraph], titles: list[str], years: list[int | None]
) -> tuple[Block, ...]:
    """Consecutive paragraphs with one heading form a block.

    A heading that comes back later in the page names the years its block is
    about ("Mediation and talks, 1995–2008"), so the table of contents stays
    readable.
    """
    runs = []
    start = 0
    for i in range(1, len(paragraphs) + 1):
        if i == len(paragraphs) or titles[i] != titles[i - 1]:
            runs.append((start, i))
            start = i
    repeated = {t for t, n in Counter(titles[a] for a, _ in runs).items() if n > 1}
    blocks: list[Block] = []
    used: set[str] = set()
    for a, b in runs:
        title = titles[a]
        if title in repeated:
            known = sorted({y for y in years[a:b] if y is not None})
            if known:
                span = str(known[0]) if len(known) == 1 else f"{known[0]}–{known[-1]}"
                title = f"{title}, {span}"
        anchor = base = "h-" + slugify(title)
        n = 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        blocks.append(Block(title, anchor, tuple(paragraphs[a:b])))
    return tuple(blocks)


def _primaries(sources: list[Source]) -> dict[str, tuple[str, str]]:
    """For each sentence text, the occurrence the narrative shows.

    The occurrence in the source with the most narrative sentences wins, as its
    placement was decided with the most context; ties go to the first file.
    """
    primary: dict[str, tuple[str, str]] = {}
    for source in sorted(sources, key=lambda s: (-len(s.body), s.file)):
        for sentence in source.body:
            primary.setdefault(sentence.key, (source.file, sentence.id))
    return primary


ALL_ROLES = ("body", "back", "meta")


def _locate(
    quotes: dict[str, list[Sentence]], quote: str, what: str, path, line: int, warnings: list[str]
) -> list[Sentence]:
    """The sentences a maintainer's quote points at; a warning if there are none.

    Not an error: the same content/ serves any folder of seeds, and a quote
    from one seed simply does not apply when that seed is absent.
    """
    found = quotes[quote]
    if not found:
        warnings.append(
            str(
                SiteError(
                    f"{what} quote not found in any seed's narrative, so it is not used: {quote!r}",
                    path,
                    line,
                )
            )
        )
    return found


TABLE_REASON = "a table flattened into the text (mostly figures), not prose"


def _exclusions(
    quotes: dict[str, list[Sentence]], content: Content, warnings: list[str]
) -> dict[str, str]:
    out = {}
    path = content.root / "corrections.yaml"
    for item in content.corrections.exclusions:
        for sentence in _locate(quotes, item.quote, "exclusion", path, item.line, warnings):
            out[sentence.key] = item.reason
    return out


def _placement_warnings(
    quotes: dict[str, list[Sentence]], content: Content, warnings: list[str]
) -> None:
    """Placements are applied per source by the analysis; here only the ones no source has."""
    path = content.root / "corrections.yaml"
    for item in content.corrections.placements:
        _locate(quotes, item.quote, "placement", path, item.line, warnings)


def _check_addresses(sources: list[Source], content: Content, gazetteer: Gazetteer) -> None:
    """Two things must never be written to one file."""
    claimed: dict[str, str] = {}

    def claim(path: str, what: str) -> None:
        if path in claimed:
            raise SiteError(
                f"two pages want the address {path}: {claimed[path]} and {what}", content.root
            )
        claimed[path] = what

    for path in RESERVED:
        claim(path, "a built-in page")
    for rule in content.sections.sections:
        if not rule.lead:
            claim(section_path(rule), f"section '{rule.slug}'")
    for page in content.pages:
        claim(f"{page.slug}.html", f"content/pages/{page.slug}.md")
    for source in sources:
        claim(f"sources/{source.slug}.html", f"source {source.file}")
    for entity in gazetteer.entities:
        claim(entity.url, f"entity '{entity.name}' in {gazetteer.path}")


def _works(sources: list[Source]) -> list[WorkView]:
    """Every work in every source's bibliography, with a site-wide id and who cites it."""
    views: list[WorkView] = []
    taken: set[str] = set()
    for source in sorted(sources, key=lambda s: s.file):
        back = source.back_matter
        if back is None:
            continue
        by_id = {s.id: s for s in source.sentences}
        citing: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for footnote in back.footnotes:
            for work_id in dict.fromkeys(
                [c.work for c in footnote.citations if c.work] + [footnote.work or ""]
            ):
                if work_id:
                    citing[work_id].append((source.file, footnote.number))
        for work in back.works:
            uid = work.id if work.id not in taken else f"{work.id}-{source.slug}"
            taken.add(uid)
            views.append(
                WorkView(
                    uid=uid,
                    work=work,
                    source=source.file,
                    sentences=tuple(by_id[i] for i in work.sentences),
                    cited_by=tuple(citing[work.id]),
                )
            )
    return views


def _source_pages(sources, source_paragraphs, primary_of, works) -> list[SourcePage]:
    pages = []
    ordered = sorted(sources, key=lambda s: s.file)
    uid_of = {(w.source, w.work.id): w.uid for w in works}
    for number, source in enumerate(ordered, start=1):
        repeats = sorted(
            {primary_of[s.key][0] for s in source.body if primary_of[s.key][0] != source.file}
        )
        repeat_ids = tuple(next(x.id for x in sources if x.file == f) for f in repeats)
        back = tuple(s for s in source.sentences if s.role == "back")
        notes, footnotes, entries, loose = _back_entries(source, back, uid_of)
        pages.append(
            SourcePage(
                source=source,
                number=number,
                path=f"sources/{source.slug}.html",
                paragraphs=tuple(source_paragraphs[source.file]),
                back=back,
                duplicates=repeat_ids,
                notes=notes,
                footnotes=footnotes,
                works=entries,
                loose=loose,
            )
        )
    return pages


def _back_entries(source: Source, back: tuple[Sentence, ...], uid_of):
    """The back matter as entries, each sentence in the first entry that holds it."""
    matter = source.back_matter
    if matter is None or not back:
        return (), (), (), back
    by_id = {s.id: s for s in back}
    shown: set[str] = set()

    def take(ids) -> tuple[Sentence, ...]:
        out = tuple(by_id[i] for i in ids if i in by_id and i not in shown)
        shown.update(s.id for s in out)
        return out

    notes = tuple(BackEntry(f"note-{n.number}", take(n.sentences)) for n in matter.notes)
    footnotes = tuple(
        BackEntry(
            f"fn-{f.number}",
            take(f.sentences),
            works=tuple(
                uid_of[(source.file, w)]
                for w in dict.fromkeys(
                    [c.work for c in f.citations if c.work] + ([f.work] if f.work else [])
                )
            ),
            label=f.kind,
        )
        for f in matter.footnotes
    )
    entries = tuple(
        BackEntry(uid_of[(source.file, w.id)], take(w.sentences), label=w.heading)
        for w in matter.works
    )
    loose = tuple(s for s in back if s.id not in shown)
    return notes, footnotes, entries, loose


def _key_facts(
    quotes: dict[str, list[Sentence]], content: Content, narrative, warnings: list[str]
) -> list[KeyFactView]:
    """Hand-written facts, each shown only with the seed sentences its quote is found in."""
    out = []
    path = content.root / "site.yaml"
    for fact in content.site.key_facts:
        found = _locate(quotes, fact.quote, f"key fact '{fact.label}':", path, fact.line, warnings)
        if not found:
            continue
        shown = next(
            (narrative[(s.seed, s.id)] for s in found if (s.seed, s.id) in narrative), None
        )
        out.append(KeyFactView(fact.label, fact.value, fact.quote, shown, tuple(found)))
    return out
