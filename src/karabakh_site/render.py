"""Rendering the site model to HTML with Jinja (autoescape on, undefined names are errors).

Text from a source is never parsed as Markdown or HTML: it is escaped and
shown as written. Markdown (with raw HTML off) is only for pages maintainers
write in `content/pages/`.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, islice
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import dates
from .assemble import (
    ENTITIES_INDEX,
    HOME,
    REFERENCES,
    SEARCH,
    SOURCES_INDEX,
    TIMELINE,
    EntityPage,
    FigureView,
    KeyFactView,
    NarrativeSentence,
    Paragraph,
    SectionPage,
    Site,
    SourceCard,
    SourcePage,
    source_card,
)
from .charts import Bar, RangeRow, bar_chart, range_chart
from .dates import MONTH_NAMES
from .documents import slugify
from .errors import SiteError
from .model import Sentence
from .pagekeys import PageKeys
from .scripts import ScriptLanguages
from .timeline import Event
from .writer import FileData

ASSETS = "assets"
PIECES_PER_WRITE = 2048  # pieces of a page Jinja makes (tens of characters each) per write
NOT_FOUND = "404.html"


@dataclass(frozen=True)
class NavItem:
    title: str
    path: str
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class FigureFact:
    """A key fact on the home page made of the figures stated for one group."""

    title: str
    claims: tuple[FigureView, ...]  # one per distinct figure, smallest first
    url: str  # the group's table


def group_anchor(title: str | None) -> str:
    """The id of a figure group's table on its section page."""
    return "group-" + (slugify(title) if title else "other")


def relative(here: str, target: str) -> str:
    """A link from page `here` to `target` ("page.html#frag"), relative so the site
    works from any folder and from file://."""
    path, _, fragment = target.partition("#")
    if not path:
        return "#" + fragment
    return _relative_path(folder_of(here), path) + ("#" + fragment if fragment else "")


def folder_of(here: str) -> str:
    """The folder of a page ("" at the site's root): a relative link depends on it alone."""
    return here.rpartition("/")[0]


@functools.lru_cache(maxsize=8192)
def _relative_path(folder: str, path: str) -> str:
    if folder and path.startswith(folder + "/"):
        return path[len(folder) + 1 :]
    return "../" * (folder.count("/") + 1 if folder else 0) + path


def load_templates(templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The Jinja environment with every template compiled (so template errors come first,
    and forked workers share the result). `compiled` keeps compiled templates between
    builds; a template is compiled again when its text changes."""
    if not templates.is_dir():
        raise SiteError("templates folder not found", templates)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=_CompiledTemplates(compiled) if compiled else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["month_name"] = lambda n: MONTH_NAMES[n]
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["date_label"] = dates.label
    env.filters["bounds"] = bounds
    env.filters["span_of"] = span_of
    env.filters["claimants"] = lambda views: list(
        dict.fromkeys(v.figure.attribution or "the source's own statement" for v in views)
    )
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise SiteError(
                f"template syntax error: {exc.message}",
                templates / (exc.name or name),
                exc.lineno,
            ) from exc
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the build cache; a cache that cannot be written is skipped."""

    def __init__(self, folder: Path):
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bounds(figure) -> str:
    """A figure's range in words: "485", "300,000–500,000", "at least 161", "up to 30,000"."""
    low, high = figure.low, figure.high
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    if low is not None:
        return f"at least {low:,}"
    if high is not None:
        return f"up to {high:,}"
    return "not a number"


def span_of(views) -> str:
    """The range several figures cover: lowest stated bound to highest ("18–30,000")."""
    values = [v for f in views for v in (f.figure.low, f.figure.high) if v is not None]
    if not values:
        return "not given in numbers"
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


_TO_ESCAPE = re.compile("[&<>\"']")


def esc(text: str) -> str:
    """HTML-escaped text, as Jinja's autoescape does it, as a plain string (no Markup object
    made: this runs for every piece of source text on every page)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def inline(
    text: str, spans: list[tuple[int, int, str, str]], languages: ScriptLanguages | None = None
) -> Markup:
    """Source text escaped, with markup wrapped around non-overlapping (start, end) spans, and
    passages in another script marked with their language."""
    plain = languages is None or text.isascii()
    if plain and not _TO_ESCAPE.search(text):  # most sentences: their slices are their HTML
        if not spans:
            return Markup(text)
        out = []
        pos = 0
        for start, end, before, after in sorted(spans):
            out += (text[pos:start], before, text[start:end], after)
            pos = end
        out.append(text[pos:])
        return Markup("".join(out))
    piece = esc if plain else lambda s: languages.mark(esc(s))  # type: ignore[union-attr]
    if not spans:
        return Markup(piece(text))
    out = []
    pos = 0
    for start, end, before, after in sorted(spans):
        out.append(piece(text[pos:start]))
        out.append(before + piece(text[start:end]) + after)
        pos = end
    out.append(piece(text[pos:]))
    return Markup("".join(out))


class Citations:
    """The `[n]` links after a shown sentence or fact (or for given source sentences), one per
    source sentence behind it; and the sources a page has cited, printed as its notes."""

    def __init__(self, links: Links, pages: list[SourcePage]):
        self.links = links
        self.pages = pages
        self.numbers: set[int] = set()

    def __call__(self, ns: NarrativeSentence | KeyFactView | Sequence[Sentence]) -> Markup:
        html, numbers = self.links.cites(ns if isinstance(ns, tuple | list) else ns.citations)
        self.numbers.update(numbers)
        return Markup(html)

    def sources(self) -> list[SourceCard]:
        """The sources cited so far on this page, in number order."""
        return [source_card(p) for p in self.pages if p.number in self.numbers]


class Links:
    """The links of sentences to names and of citations to sources, as written on a page in
    one folder of the site (relative links depend on the folder alone)."""

    def __init__(self, site: Site, folder: str, languages: ScriptLanguages):
        self.folder = folder
        self.languages = languages
        self.entity_tags = {
            page.entity.id: (
                f'<a class="e" href="{esc(_relative_path(folder, page.path))}" '
                f'title="{esc(f"{page.entity.name} ({page.entity.type})")}">'
            )
            for page in site.entities
        }
        self.cite_tags = {
            card.file: (
                card.number,
                f'<a class="cite" href="{esc(_relative_path(folder, card.path))}#',
                f'" title="Source {card.number}: {esc(card.title)}">[{card.number}]</a>',
            )
            for card in map(source_card, site.sources)
        }

    def text(
        self,
        ns: NarrativeSentence,
        linked: set[str | None],
        mark: tuple[int, int] | None = None,
    ) -> Markup:
        """A sentence's text with a link at the first mention of each entity not in `linked`
        (which the names linked here join) and outside the marked words."""
        spans = []
        for m in ns.mentions:
            tag = self.entity_tags.get(m.entity_id)
            if (
                tag is None
                or m.entity_id in linked
                or (mark is not None and m.start < mark[1] and mark[0] < m.end)
            ):
                continue
            linked.add(m.entity_id)
            spans.append((m.start, m.end, tag, "</a>"))
        if mark is not None:
            spans.append((mark[0], mark[1], "<mark>", "</mark>"))
        return inline(ns.text, spans, self.languages)

    def cites(self, sentences: Sequence[Sentence]) -> tuple[str, list[int]]:
        """The `<sup>` of citation links for these source sentences, and their source numbers."""
        if len(sentences) == 1:  # most sentences: one source has them
            number, before, after = self.cite_tags[sentences[0].seed]
            return f'<sup class="c">{before}{esc(sentences[0].id)}{after}</sup>', [number]
        tags = sorted(((self.cite_tags[o.seed], o.id) for o in sentences), key=_source_number)
        links = "".join(f"{before}{esc(id)}{after}" for (_, before, after), id in tags)
        return f'<sup class="c">{links}</sup>', [n for (n, _, _), _ in tags]


def _source_number(tag: tuple[tuple[int, str, str], str]) -> int:
    return tag[0][0]


class Renderer:
    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        templates: Path,
        page_keys: PageKeys | None = None,
    ):
        self.site = site
        self.page_keys = page_keys
        self.keys: dict[str, str] = {}  # page → its content key, for the pages that have one
        self.templates = templates  # for error messages
        self.env = env
        self.languages = ScriptLanguages.of(dict(site.content.site.scripts))
        self.markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
        self.source_page = {p.source.file: p for p in site.sources}
        self.section_title = {s.rule.slug: s.rule.title for s in site.sections}
        self.entity_at = {p.path: p.entity.id for p in site.entities}  # page → its entity
        self._links: Links | None = None
        self.nav = self._navigation()
        self.paths: set[str] = set()  # every page of the site, once `jobs` has listed them
        self.reading_order = [s for s in site.sections]

    # --- pages -----------------------------------------------------------------------

    def jobs(self) -> list[tuple[str, Callable[[], FileData]]]:
        """Every file of the site as (path, function making it); independent of each other,
        so they can run in any order and in several processes."""
        site = self.site
        jobs: list[tuple[str, Callable[[], FileData]]] = []

        def add(path: str, make: Callable[[], FileData]) -> None:
            jobs.append((path, make))

        for page in site.sections:
            if not page.rule.lead:
                add(page.path, functools.partial(self._section_page, page))
        home = next((p for p in site.sections if p.rule.lead), None)
        add(HOME, functools.partial(self._home_page, home))
        add(
            TIMELINE,
            lambda: self.page("timeline.html", TIMELINE, "Timeline", **self._timeline_context()),
        )
        add(
            SOURCES_INDEX,
            lambda: self.page("sources.html", SOURCES_INDEX, "Sources", sources=site.sources),
        )
        card_of = {p.source.id: source_card(p) for p in site.sources}
        for source_page in site.sources:
            self._keyed(
                add,
                "source.html",
                source_page.path,
                source_page.source.title,
                page=source_page,
                repeats=[card_of[id] for id in source_page.duplicates],
            )
        for entity_page in site.entities:
            self._keyed(
                add, "entity.html", entity_page.path, entity_page.entity.name, page=entity_page
            )
        if site.entities:
            add(
                ENTITIES_INDEX,
                lambda: self.page(
                    "entities.html",
                    ENTITIES_INDEX,
                    "People, places and organisations",
                    groups=self._entity_index(),
                ),
            )
        if site.works:
            add(
                REFERENCES,
                lambda: self.page(
                    "references.html", REFERENCES, "References", **self._references_context()
                ),
            )
        for extra in site.content.pages:
            path = f"{extra.slug}.html"
            add(path, functools.partial(self._extra_page, extra, path))
        add(SEARCH, lambda: self.page("search.html", SEARCH, "Search"))
        self.paths = {path for path, _ in jobs} | {NOT_FOUND}
        for extra in site.content.pages:
            for href in _internal_links(self.markdown.parse(extra.markdown)):
                if not self._exists(href):
                    site.warnings.append(
                        str(
                            SiteError(
                                f"links to {href}, a page this build does not have (the link "
                                "is shown as plain text)",
                                site.content.root / "pages" / f"{extra.slug}.md",
                            )
                        )
                    )
        add(NOT_FOUND, lambda: self.page("404.html", NOT_FOUND, "Page not found"))
        add("robots.txt", self._robots)
        if site.content.site.base_url:
            add("sitemap.xml", functools.partial(self._sitemap, [path for path, _ in jobs]))
        folder = self.templates / ASSETS
        for asset in sorted(folder.glob("*")) if folder.is_dir() else []:
            if asset.is_file():
                add(f"{ASSETS}/{asset.name}", asset.read_bytes)
        return jobs

    def _keyed(self, add, template: str, here: str, title: str, **own) -> None:
        """A page that is given its own values only, so that it can have a content key: an
        unchanged key means its last build's file can be kept."""
        context = self.context(here, title, **own)
        if self.page_keys is not None:
            key = self.page_keys.key(template, context)
            if key is not None:
                self.keys[here] = key
        add(here, functools.partial(self._generate, template, context))

    def _robots(self) -> bytes:
        base = self.site.content.site.base_url
        sitemap = f"Sitemap: {base}sitemap.xml\n" if base else ""
        return f"User-agent: *\nAllow: /\n{sitemap}".encode()

    def _sitemap(self, paths: list[str]) -> bytes:
        """Every page readers may land on, by its full address (base_url is set)."""
        base = self.site.content.site.base_url or ""
        pages = sorted(p for p in paths if p.endswith(".html") and p not in (NOT_FOUND, SEARCH))
        urls = "".join(
            f"  <url><loc>{esc(base + ('' if p == HOME else p))}</loc></url>\n" for p in pages
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        ).encode()

    def _section_page(self, page: SectionPage) -> FileData:
        return self.page(
            "section.html",
            page.path,
            page.rule.title,
            section=page,
            figures=self._figures_context(page) if page.figures else None,
            **self._neighbours(page),
        )

    def _home_page(self, home: SectionPage | None) -> FileData:
        return self.page(
            "home.html",
            HOME,
            self.site.content.site.title,
            overview=home,
            key_facts=self.site.key_facts,
            figure_facts=self._figure_facts(),
            **self._neighbours(home),
        )

    def _figure_facts(self) -> list[FigureFact]:
        """The key facts made of figures: for each group marked `key_fact`, every distinct
        figure stated for it, side by side, each with who states it."""
        facts = []
        for group in self.site.content.figures.groups:
            members = [
                f for f in self.site.figures if group.key_fact and f.group_title == group.title
            ]
            host = next((p for p in self.site.sections if set(p.figures) & set(members)), None)
            if not members or host is None:
                continue
            claims: dict[tuple[str, str | None, str], FigureView] = {}
            for f in sorted(members, key=lambda f: f.figure.low or f.figure.high or 0):
                claims.setdefault((f.figure.value_text, f.figure.attribution, f.figure.kind), f)
            facts.append(
                FigureFact(
                    group.title, tuple(claims.values()), f"{host.path}#{group_anchor(group.title)}"
                )
            )
        return facts

    def _extra_page(self, extra, path: str) -> FileData:
        """A maintainer's Markdown page; a link to a page this build lacks becomes its text."""
        tokens = self.markdown.parse(extra.markdown)
        for block in tokens:
            if block.children:
                block.children = _unlink(block.children, self._exists)
        body = Markup(self.markdown.renderer.render(tokens, self.markdown.options, {}))
        return self.page("page.html", path, extra.title, body=body)

    def _exists(self, href: str) -> bool:
        """Whether a link from a page at the site's root lands on a page of this build."""
        return posixpath.normpath(href.partition("#")[0]) in self.paths

    def page(self, template: str, here: str, title: str, **context) -> Iterator[bytes]:
        """The page, a few thousand pieces at a time as Jinja makes them (a long page is never
        held whole)."""
        return self._generate(template, self.context(here, title, **context))

    def context(self, here: str, title: str, **context) -> dict[str, object]:
        """Everything a page's template is given: the page's own values, the site, and the
        helpers that write its sentences, names and citations."""
        url: Callable[[str], str]
        if here == NOT_FOUND:
            # A server shows the 404 page at any address, so its links start from the root.
            root = self.site.content.site.base_url or "/"
            url = lambda target: root + target  # noqa: E731
        else:
            url = lambda target: relative(here, target)  # noqa: E731
        links = self._links_for(folder_of(here))
        cites = Citations(links, self.site.sources)
        own = self.entity_at.get(here)
        narrative_sentence = self._narrative_sentence_for(links, own, cites)
        return {
            "site": self.site,
            "settings": self.site.content.site,
            "title": title,
            "here": here,
            "url": url,
            "nav": self.nav,
            "paragraph": self._paragraph_for(narrative_sentence),
            "mentions": self._mentions_for(narrative_sentence, url),
            "event_text": self._event_text_for(links, own),
            "quoted": self._quoted_for(links, own),
            "cites": cites,
            "cited_sources": cites.sources,
            "source_sentences": self._source_sentences_for(here),
            "source_text": self._source_text,
            "section_title": self.section_title,
            "source_pages": self.source_page,
            **context,
        }

    def _generate(self, template: str, context: dict[str, object]) -> Iterator[bytes]:
        try:
            pieces = self.env.get_template(template).generate(context)
            while batch := list(islice(pieces, PIECES_PER_WRITE)):
                yield "".join(batch).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise SiteError(
                f"template syntax error: {exc.message}",
                self.templates / (exc.name or template),
                exc.lineno,
            ) from exc
        except jinja2.TemplateNotFound as exc:
            raise SiteError("template not found", self.templates / exc.name) from exc
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, KeyError) as exc:
            name, line = _template_frame(exc, self.templates)
            raise SiteError(
                f"template error: {exc}", name or self.templates / template, line
            ) from exc

    # --- pieces the templates call --------------------------------------------------

    def _source_text(self, text: str) -> Markup:
        """Text quoted from a source, escaped, its passages in other scripts marked."""
        return inline(text, [], self.languages)

    def _links_for(self, folder: str) -> Links:
        """The links as written in `folder` (pages are made folder by folder)."""
        if self._links is None or self._links.folder != folder:
            self._links = Links(self.site, folder, self.languages)
        return self._links

    def _narrative_sentence_for(
        self, links: Links, own: str | None, cites: Citations
    ) -> Callable[[NarrativeSentence, set[str | None] | None], Markup]:
        """A sentence with its names linked, except the page's own entity and, within a
        paragraph (`linked`), names linked earlier in it."""

        def render(ns: NarrativeSentence, linked: set[str | None] | None = None) -> Markup:
            linked = set() if linked is None else linked
            linked.add(own)
            text = links.text(ns, linked)
            return Markup(
                f'<span class="s" id="{esc(ns.anchor)}"><span class="t">{text}</span>'
                f"{_flags(ns.markers)}{cites(ns)}</span>"
            )

        return render

    def _paragraph_for(
        self, sentence: Callable[[NarrativeSentence, set[str | None] | None], Markup]
    ) -> Callable[[Paragraph], Markup]:
        """A paragraph's sentences; each entity is linked at its first mention only."""

        def render(paragraph: Paragraph) -> Markup:
            linked: set[str | None] = set()
            return Markup(" ".join([sentence(ns, linked) for ns in paragraph.sentences]))

        return render

    def _mentions_for(
        self,
        sentence: Callable[[NarrativeSentence, set[str | None] | None], Markup],
        url: Callable[[str], str],
    ) -> Callable[[Sequence[NarrativeSentence]], Markup]:
        """A list's items: each sentence, its names linked, and a link to where the narrative
        shows it. Made here, not in a template loop, as a page of a name often lists
        thousands."""

        def render(sentences: Sequence[NarrativeSentence]) -> Markup:
            return Markup(
                "".join(
                    [
                        f'  <li>{sentence(ns, None)} <a class="in-text" href="{esc(url(ns.url))}"'
                        ' title="In the narrative" aria-label="In the narrative">↗</a></li>\n'
                        for ns in sentences
                    ]
                )
            )

        return render

    def _quoted_for(
        self, links: Links, own: str | None
    ) -> Callable[[NarrativeSentence, int, int], Markup]:
        """A sentence with the words start:end marked and its names linked."""

        def render(ns: NarrativeSentence, start: int, end: int) -> Markup:
            return links.text(ns, {own}, (start, end))

        return render

    def _event_text_for(self, links: Links, own: str | None) -> Callable[[Event], Markup]:
        """An event's sentence with its date marked and its names linked."""

        def render(event: Event) -> Markup:
            d = event.mention
            return links.text(event.sentence, {own}, (d.start, d.end))

        return render

    def _source_sentences_for(self, here: str) -> Callable[[Sequence[Sentence]], Markup]:
        """Sentences of a source as its page shows them, one after another: each with its
        anchor, and a link to where the narrative shows it or the reason it does not."""

        def render(sentences: Sequence[Sentence]) -> Markup:
            return Markup(" ".join([sentence_html(sentence) for sentence in sentences]))

        def sentence_html(sentence: Sentence) -> str:
            used = ""
            shown = self.site.narrative.get((sentence.seed, sentence.id))
            if shown is not None:
                href = relative(here, shown.url)
                where = self.section_title.get(shown.section, shown.section)
                same = shown.primary is sentence
                label = f"Shown in {where}" + ("" if same else " (from another source)")
                used = (
                    f' <a class="used" href="{esc(href)}" title="{esc(label)}" '
                    f'aria-label="{esc(label)}">↗</a>'
                )
            elif (sentence.seed, sentence.id) in self.site.excluded:
                reason = self.site.excluded[(sentence.seed, sentence.id)]
                used = (
                    f' <span class="excluded" title="Not shown in the narrative: '
                    f'{esc(reason)}">∅</span>'
                )
            return (
                f'<span class="s {sentence.role}" id="{esc(sentence.id)}">'
                f'<span class="t">{inline(sentence.text, [], self.languages)}</span>'
                f"{_flags(sentence.markers)}"
                f"{used}</span>"
            )

        return render

    # --- navigation --------------------------------------------------------------------

    def _navigation(self) -> tuple[NavItem, ...]:
        items: list[NavItem] = []
        groups = {g.id: g for g in self.site.content.sections.groups}
        pages = [p for p in self.site.sections if not p.rule.lead]
        for group_id, members in groupby(pages, key=lambda p: p.rule.group):
            members = list(members)
            if group_id is None:
                items.extend(NavItem(p.rule.title, p.path) for p in members)
            else:
                children = tuple(NavItem(p.rule.title, p.path) for p in members)
                items.append(NavItem(groups[group_id].title, members[0].path, children))
        items.append(NavItem("Timeline", TIMELINE))
        if self.site.entities:
            items.append(NavItem("Names", ENTITIES_INDEX))
        items.append(NavItem("Sources", SOURCES_INDEX))
        return tuple(items)

    def _figures_context(self, page: SectionPage) -> dict:
        """The tables and chart of stated figures on a section page."""
        figures = page.figures
        kinds = [k for k in page.rule.figures if any(f.figure.kind == k for f in figures)]
        sides = [side for side, _ in self.site.content.figures.sides]
        side_rows = []
        for side in [*sides, None]:
            cells = [
                [f for f in figures if f.side == side and f.figure.kind == kind] for kind in kinds
            ]
            if any(cells):
                side_rows.append((side or "Side not stated", cells))
        groups = []
        titles = [g.title for g in self.site.content.figures.groups]
        for title in [*titles, None]:
            members = [f for f in figures if f.group_title == title]
            if not members:
                continue
            contested = {
                kind
                for kind in {f.figure.kind for f in members}
                if len({(f.figure.low, f.figure.high) for f in members if f.figure.kind == kind})
                > 1
                and len({f.figure.attribution for f in members if f.figure.kind == kind}) > 1
            }
            groups.append((title or "Other figures", members, contested, group_anchor(title)))
        rows = [
            RangeRow(
                f"{f.group_title or 'Other'}: {f.figure.value_text} {f.figure.kind}"
                f" ({f.figure.attribution or 'the source'})",
                f.figure.low,
                f.figure.high,
                f"#{f.anchor}",
                "contested"
                if f.group_title
                and any(f.group_title == t and f.figure.kind in c for t, _, c, _ in groups)
                else "",
            )
            for title in [*titles, None]
            for f in figures
            if f.group_title == title
        ]
        numeric = [r for r in rows if r.low is not None or r.high is not None]
        chart = range_chart(
            numeric,
            title="Stated figures and their ranges",
            description=(
                f"{len(numeric)} figures with numbers, on a logarithmic scale, grouped as in "
                "the tables below; each links to its row. A bar is a range, a dot a single "
                "value, an arrow a figure given as 'at least' or 'up to'."
            ),
            chart_id=f"ranges-{page.rule.slug}",
        )
        return {"kinds": kinds, "sides": side_rows, "groups": groups, "chart": chart}

    def _references_context(self) -> dict:
        headings = {
            "book": "Books",
            "chapter": "Chapters",
            "journal": "Journal articles",
            "report": "Reports",
            "web": "Web pages",
            "other": "Other works",
        }
        categories = []
        for category, heading in headings.items():
            views = [v for v in self.site.works if v.work.category == category]
            if views:
                categories.append((category, heading, views))
        unresolved = [
            (page.source.file, c)
            for page in self.site.sources
            if page.source.back_matter is not None
            for c in page.source.back_matter.unresolved
        ]
        return {"categories": categories, "unresolved": unresolved}

    def _entity_index(self) -> list[tuple[str, str, list[tuple[str, list[EntityPage]]]]]:
        """(type, heading, [(letter, pages)]) for each entity type in use, A–Z."""
        headings = {
            "person": "People",
            "place": "Places",
            "organisation": "Organisations",
            "unit": "Military units",
            "event": "Named events",
        }
        out = []
        for kind, heading in headings.items():
            pages = sorted(
                (p for p in self.site.entities if p.entity.type == kind),
                key=lambda p: (_initial(p.entity.name), p.entity.name.casefold()),
            )
            if not pages:
                continue
            letters = [
                (letter, list(group))
                for letter, group in groupby(pages, key=lambda p: _initial(p.entity.name))
            ]
            out.append((kind, heading, letters))
        return out

    def _neighbours(self, page: SectionPage | None) -> dict:
        order = self.reading_order
        if page is None or page not in order:
            return {"previous": None, "next": order[0] if order else None}
        i = order.index(page)
        return {
            "previous": order[i - 1] if i > 0 else None,
            "next": order[i + 1] if i + 1 < len(order) else None,
        }

    def _timeline_context(self) -> dict:
        """Eras → years → months → events, the chart, and the categories in use."""
        site = self.site
        rules = site.content.timeline
        period = rules.period
        era_titles = {
            "before": "Before the war",
            "war": f"The war, {period.start.year}–{period.end.year}" if period else "Events",
            "after": "After the war",
        }
        eras = []
        for era, era_events in groupby(site.timeline, key=lambda e: e.era):
            years = []
            for year, events in groupby(list(era_events), key=lambda e: e.mention.date.year):
                events = list(events)
                months = [
                    (month, list(group))
                    for month, group in groupby(events, key=lambda e: e.mention.date.month)
                ]
                years.append((year, months, len(events)))
            eras.append((era, era_titles[era], years))
        counts = Counter((e.mention.date.year, e.era) for e in site.timeline)
        bars = [
            Bar(str(year), n, f"#y{year}", f"era-{era}")
            for (year, era), n in sorted(counts.items())
        ]
        per_year = Counter(e.mention.date.year for e in site.timeline)
        busiest = ", ".join(
            f"{y} ({n})" for y, n in sorted(per_year.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        )
        chart = bar_chart(
            bars,
            title="Timeline entries per year",
            description=(
                f"{len(site.timeline)} entries over {len(per_year)} years; the most are in "
                f"{busiest}. Each bar links to its year below."
            ),
            chart_id="per-year",
        )
        used = Counter(e.category for e in site.timeline)
        categories = [(c, used[c.id]) for c in rules.categories if used[c.id]]
        return {
            "eras": eras,
            "chart": chart,
            "categories": categories,
            "category_title": {c.id: c.title for c in rules.categories},
            "per_year": sorted(per_year.items()),
        }


def _initial(name: str) -> str:
    """The A–Z letter a name files under ("Şuşa" under S, "de Waal" under D)."""
    first = unicodedata.normalize("NFKD", name.lstrip("'\"“(")[:1])[:1].upper()
    return first if first.isalpha() else "#"


def _flags(markers: tuple[str, ...]) -> str:
    if not markers:
        return ""
    return "".join(
        f' <span class="flag" title="The source flags this sentence">{esc(m)}</span>'
        for m in markers
    )


def _is_internal(href: str) -> bool:
    return bool(href) and not href.startswith(("#", "/")) and ":" not in href.split("/")[0]


def _internal_links(tokens) -> list[str]:
    """The addresses of a Markdown page's links to other pages of the site."""
    return [
        href
        for block in tokens
        for token in block.children or ()
        if token.type == "link_open"
        and _is_internal(href := str(token.attrGet("href") or ""))
        and href.partition("#")[0]
    ]


def _unlink(children: list, exists: Callable[[str], bool]) -> list:
    """Inline tokens without the links (their text kept) to pages that do not exist."""
    out, dropping = [], []
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            dead = _is_internal(href) and bool(href.partition("#")[0]) and not exists(href)
            dropping.append(dead)
            if dead:
                continue
        elif token.type == "link_close" and dropping and dropping.pop():
            continue
        out.append(token)
    return out


def _template_frame(exc: BaseException, templates: Path) -> tuple[Path | None, int | None]:
    """The template file and line where a rendering error happened."""
    tb = exc.__traceback__
    found: tuple[Path | None, int | None] = (None, None)
    root = str(templates.resolve())
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(root) or filename.endswith(".html"):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_jobs(
    site: Site, env: jinja2.Environment, templates: Path, page_keys: PageKeys | None = None
) -> tuple[list[tuple[str, Callable[[], FileData]]], dict[str, str]]:
    """(path, function making it) for every page and asset; and, with `page_keys`, the
    content key of each page that has one."""
    renderer = Renderer(site, env, templates, page_keys)
    jobs = renderer.jobs()
    renderer.page_keys = None  # its digests are not needed while the pages are made
    return jobs, renderer.keys
