"""The data exports in `build/data/`, as the data contract describes them."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator

import orjson

from . import dates
from .assemble import ALL_ROLES, NarrativeSentence, Site
from .model import Sentence, find_quotes
from .writer import FileData


def _dump(records: Iterable[dict]) -> Iterator[bytes]:
    """A JSON array with one record per line: quick to write, easy to diff. Made and
    written a record at a time, so a large export never sits in memory whole. Encoded by
    orjson: five times as fast as the standard library's encoder, which took half of the
    exports' time at 100× the seeds."""
    opening = b"[\n"
    for record in records:
        yield opening + orjson.dumps(record)
        opening = b",\n"
    yield b"\n]\n" if opening == b",\n" else b"[]\n"


def source_refs(sentences: tuple[Sentence, ...] | list[Sentence]) -> list[dict]:
    return [{"seed": s.seed, "sentence": s.id, "start": s.start, "end": s.end} for s in sentences]


def span_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FOLDER = "data"  # of the site, holding every export


def export_jobs(site: Site, seed_texts: dict[str, str]) -> list[tuple[str, Callable[[], FileData]]]:
    """(path, function making it) for each data export."""
    return [
        (f"{FOLDER}/sources.json", lambda: _dump(_sources(site))),
        (f"{FOLDER}/sections.json", lambda: _dump(_sections(site))),
        (f"{FOLDER}/timeline.json", lambda: _dump(_timeline(site))),
        (f"{FOLDER}/sentences.json", lambda: _dump(_sentences(site, seed_texts))),
        (f"{FOLDER}/entities.json", lambda: _dump(_entities(site))),
        (f"{FOLDER}/bibliography.json", lambda: _dump(_bibliography(site))),
        (f"{FOLDER}/citations.json", lambda: _dump(_citations(site))),
        (f"{FOLDER}/facts.json", lambda: _dump(_facts(site))),
        (f"{FOLDER}/figures.json", lambda: _dump(_figures(site))),
        (f"{FOLDER}/figures.csv", lambda: _csv(_figures(site))),
        (f"{FOLDER}/diplomacy.json", lambda: _dump(_diplomacy(site))),
    ]


def _sources(site: Site) -> list[dict]:
    records = []
    for page in site.sources:
        s = page.source
        records.append(
            {
                "id": s.id,
                "file": s.file,
                "title": s.title,
                "url": s.url,
                "publisher": s.publisher,
                "date": s.date,
                "page": page.path,
                "number": page.number,
                "sentences": len(s.sentences),
                "narrative_sentences": len(s.body),
                "back_matter_sentences": len(page.back),
                "duplicates": list(page.duplicates),
                "sha256": s.sha256,
            }
        )
    return records


def _sections(site: Site) -> list[dict]:
    return [
        {
            "slug": page.rule.slug,
            "title": page.rule.title,
            "group": page.rule.group,
            "url": page.path,
            "sentences": page.sentence_count,
            "subsections": [block.title for block in page.blocks],
        }
        for page in site.sections
    ]


def _timeline(site: Site) -> Iterator[dict]:
    for event in site.timeline:
        d = event.mention
        date, date_end = dates.iso(d)
        yield {
            "date": date,
            "precision": d.precision,
            "date_end": date_end,
            "part": d.part,
            "label": dates.label(d),
            "date_text": d.text,
            "from_context": d.from_context,
            "text": event.sentence.text,
            "category": event.category,
            "era": event.era,
            "section": event.sentence.section,
            "url": event.sentence.url,
            "sources": source_refs(event.sentence.citations),
        }


def _entities(site: Site) -> Iterator[dict]:
    """The entities the narrative names, by id, each with where it is named."""
    for page in sorted(site.entities, key=lambda p: p.entity.id):
        e = page.entity
        yield {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": [*e.aliases, *e.native],
            "url": page.path,
            "mentions": sum(1 for s in page.sentences for m in s.mentions if m.entity_id == e.id),
            "sentences": [s.url for s in page.sentences],
            "related": [other.id for other, _ in page.related],
        }


def _bibliography(site: Site) -> Iterator[dict]:
    """Every work in every source's bibliography (the data contract's fields first)."""
    for view in site.works:
        w = view.work
        yield {
            "id": view.uid,
            "category": w.category,
            "authors": list(w.authors),
            "year": w.year,
            "title": w.title,
            "raw": w.raw,
            "url": w.url or None,
            "editors": list(w.editors),
            "publisher": w.publisher or None,
            "place": w.place or None,
            "isbn": w.isbn or None,
            "doi": w.doi or None,
            "language": w.language or None,
            "translated_title": w.translated_title or None,
            "heading": w.heading,
            "cited_by": len(view.cited_by),
            "source": view.source,
            "page": f"references.html#{view.uid}",
            "sources": source_refs(view.sentences),
        }


def _citations(site: Site) -> Iterator[dict]:
    """Every short citation in the notes, with the work it resolves to (or null)."""
    uid = {(v.source, v.work.id): v.uid for v in site.works}
    for page in site.sources:
        back = page.source.back_matter
        if back is None:
            continue
        by_id = {s.id: s for s in page.source.sentences}
        for c in back.citations:
            yield {
                "raw": c.raw,
                "work": uid.get((page.source.file, c.work)) if c.work else None,
                "pages": c.pages or None,
                "footnote": c.footnote,
                "problem": c.problem or None,
                "url": f"{page.path}#fn-{c.footnote}",
                "sources": source_refs([by_id[c.sentence]]),
            }


def _figures(site: Site) -> list[dict]:
    """Every stated figure, in the order the narrative gives them."""
    return [
        {
            "value_text": f.figure.value_text,
            "low": f.figure.low,
            "high": f.figure.high,
            "kind": f.figure.kind,
            "who": f.figure.who,
            "attribution": f.figure.attribution,
            "side": f.side,
            "group": f.group_title,
            "text": f.sentence.text,
            "url": f.sentence.url,
            "sources": source_refs(f.sentence.citations),
        }
        for f in site.figures
    ]


CSV_FIELDS = (
    "value_text",
    "low",
    "high",
    "kind",
    "who",
    "attribution",
    "side",
    "group",
    "text",
    "url",
    "seed",
    "sentence",
    "start",
    "end",
)


def _csv(records: list[dict]) -> bytes:
    """The figures as a spreadsheet: one row per figure, cited by its first source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in records:
        ref = r["sources"][0]
        row = {**r, **ref}
        writer.writerow(["" if row[k] is None else row[k] for k in CSV_FIELDS])
    return out.getvalue().encode("utf-8")


def _diplomacy(site: Site) -> Iterator[dict]:
    """The register of agreements, ceasefires, resolutions, talks and declarations."""
    for view in site.diplomacy:
        item = view.item
        yield {
            "name": item.name,
            "kind": item.kind,
            "date": item.date,
            "precision": item.precision,
            "date_from_context": item.date_from_context,
            "actors": list(item.actors),
            "text": view.sentence.text,
            "url": view.sentence.url,
            "outcome": view.outcome.text if view.outcome else None,
            "outcome_url": view.outcome.url if view.outcome else None,
            "sources": source_refs(view.sentence.citations),
        }


def _facts(site: Site) -> list[dict]:
    """Facts written by hand in content/, each with the seed sentences holding its quote.

    `karabakh-site check` verifies that every quote is still found in those sentences.
    """
    records = [
        {
            "kind": "key fact",
            "label": f.label,
            "value": f.value,
            "quote": f.quote,
            "sources": source_refs(f.citations),
        }
        for f in site.key_facts
    ]
    rules = site.content.timeline
    quotes = find_quotes(
        [page.source for page in site.sources],
        [*([rules.period.quote] if rules.period else []), *(r.quote for r in rules.anchors)],
        ALL_ROLES,
    )
    if rules.period is not None:
        p = rules.period
        records.append(
            {
                "kind": "period",
                "label": "period",
                "value": f"{p.start.iso()} to {p.end.iso()}",
                "quote": p.quote,
                "sources": source_refs(quotes[p.quote]),
            }
        )
    for rule in rules.anchors:
        records.append(
            {
                "kind": "anchor",
                "label": rule.anchor.phrase,
                "value": rule.anchor.date.iso(),
                "quote": rule.quote,
                "sources": source_refs(quotes[rule.quote]),
            }
        )
    for page in site.entities:
        if page.description:
            records.append(
                {
                    "kind": "entity description",
                    "label": page.entity.name,
                    "value": page.entity.quote,
                    "quote": page.entity.quote,
                    "sources": source_refs(page.description),
                }
            )
    return records


def _sentences(site: Site, seed_texts: dict[str, str]) -> Iterator[dict]:
    """Every sentence of every source, with a hash of its exact text in the seed.

    `karabakh-site check` compares these hashes with the seed files, so a seed
    edited after the build is caught.
    """
    for page in site.sources:
        text = seed_texts[page.source.file]
        for s in page.source.sentences:
            shown: NarrativeSentence | None = site.narrative.get((s.seed, s.id))
            yield {
                "seed": s.seed,
                "sentence": s.id,
                "start": s.start,
                "end": s.end,
                "role": s.role,
                "text": s.text,
                "sha256": span_digest(text[s.start : s.end]),
                "url": shown.url if shown else None,
                "page": f"{page.path}#{s.id}",
            }
