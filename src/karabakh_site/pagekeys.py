"""Which pages a change leaves as they were: a content key for each page, made from digests of
the model objects it shows and of everything else its templates and helpers read.

A page whose key equals the one recorded with the last build is not rendered again; its file
is taken from that build. The key must change whenever the page's bytes could:

- The parts of the model a page is given are digested by value (`Digests`), each object once
  per build, and a sentence by its repr wherever it is: an edit to a source changes the keys
  of the pages that show what it changed, not of every page that shows one of its sentences.
  A whole source, given to its own page, is digested by the cache key of its analysis (the
  seed's bytes, its sidecar, the parse settings, the rules and the code), which determines it.
- The templates are read for what they take from the site model (`TemplateReads`): a page
  whose templates pass `site` on whole, index it, or include a template by a computed name,
  gets no key and is always rendered.
- What the helper functions read beyond their arguments (which pages entities and sources
  are on, where a source's sentences are shown) is declared in `HELPER_READS`, and digested for
  the sources whose sentences the page holds.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2
from jinja2 import meta, nodes

from .assemble import source_card
from .model import Sentence, Source

if TYPE_CHECKING:
    from .assemble import Site

# What each helper function given to the templates reads beyond its arguments (besides the
# site settings, which every key covers):
# - "entities": the page, name and type of every entity (names in a sentence link to them);
# - "sources": what citations show of the sources whose sentences the page holds (their
#   `SourceCard`: number, page, title, publisher, date, address);
# - "landings": where the narrative shows each sentence of those sources, and section titles.
HELPER_READS: dict[str, frozenset[str]] = {
    "url": frozenset(),
    "source_text": frozenset(),
    "paragraph": frozenset({"entities", "sources"}),
    "mentions": frozenset({"entities", "sources"}),
    "event_text": frozenset({"entities"}),
    "quoted": frozenset({"entities"}),
    "cites": frozenset({"sources"}),
    "cited_sources": frozenset({"sources"}),
    "source_sentences": frozenset({"landings"}),
}
_ALWAYS = frozenset({"here", "title", "settings"})  # what the page's address, links and
# passages in other scripts depend on, whether or not a template names them
_PLAIN = frozenset({str, int, float, bool, type(None)})
_NO_SEEDS: frozenset[str] = frozenset()


class Undigestable(TypeError):
    """A value of a type `Digests` does not know: the page gets no key."""


class Digests:
    """Content digests of model values. Dataclass objects are digested once per build (they
    are shared between pages); with each digest comes the set of seeds whose sentences the
    value holds. What is fed to a digest is self-delimiting, so different values never feed
    the same bytes."""

    def __init__(self, source_keys: Mapping[str, str], sources: Iterable[Source] = ()):
        """`sources`: this build's parsed sources, whose sentences a source's page may
        digest by their place in it (`_sentence`)."""
        self.source_keys = source_keys  # seed file name → the key it was parsed under
        self._parsed = {s.file: s.sentences for s in sources}  # seed → its parsed sentences
        self._holder: str | None = None  # the seed of the source the object being fed holds
        # id → (the object, so that its id stays its own; its digest; its seeds)
        self._objects: dict[int, tuple[object, bytes, frozenset[str]]] = {}
        self._values: dict[int, tuple[object, bytes, frozenset[str]]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def of(self, value: object) -> tuple[bytes, frozenset[str]]:
        """The digest of `value`, and the seeds whose sentences it holds."""
        known = self._values.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        digest = hashlib.blake2b(digest_size=16)
        seeds: set[str] = set()
        self._feed(digest, value, seeds)
        result = digest.digest(), frozenset(seeds)
        self._values[id(value)] = (value, *result)  # shared values (the navigation) come again
        return result

    def _feed(self, digest, value: object, seeds: set[str]) -> None:
        kind = type(value)
        if kind in _PLAIN or isinstance(value, str):
            digest.update(repr(value).encode() + b",")
        elif (kind is tuple or kind is list) and _PLAIN.issuperset(map(type, value)):
            digest.update(f"{kind.__name__}{value!r}".encode())  # names, markers, (): at once
        elif kind is tuple or kind is list:
            digest.update(b"(%d" % len(value))
            objects = self._objects
            for item in value:  # the commonest items are handled here, without a call
                if type(item) is Sentence:
                    seeds.add(item.seed)
                    digest.update(self._sentence(item))
                    continue
                known = objects.get(id(item))
                if known is not None and known[0] is item:
                    digest.update(known[1])
                    if known[2]:
                        seeds.update(known[2])
                else:
                    self._feed(digest, item, seeds)
        elif kind is dict:
            digest.update(b"{%d" % len(value))
            for k, v in value.items():
                self._feed(digest, k, seeds)
                self._feed(digest, v, seeds)
        elif kind is Sentence:
            seeds.add(value.seed)
            digest.update(self._sentence(value))
        elif kind is Source:
            seeds.add(value.file)
            digest.update(b"source:" + self._source_key(value.file).encode())
        elif kind in self._fields or _is_dataclass_object(value):
            own, held = self._object(value)
            digest.update(own)
            if held:
                seeds.update(held)
        else:
            raise Undigestable(f"cannot digest a {kind.__qualname__}")

    def _sentence(self, sentence: Sentence) -> bytes:
        """What is fed for a sentence: its repr (the dataclass's own, which writes out every
        field, the dates' too). Within an object that holds the sentence's source (a source's
        page), which changes with any edit of that source anyway: the key the source was
        parsed under and the sentence's place in it, which determine it."""
        if self._holder == sentence.seed:
            parsed = self._parsed.get(sentence.seed, ())
            i = sentence.index
            if i < len(parsed) and parsed[i] is sentence:  # not a copy made after parsing
                return b"#%s:%d," % (self._source_key(sentence.seed).encode(), i)
        return repr(sentence).encode()

    def _source_key(self, seed: str) -> str:
        try:
            return self.source_keys[seed]
        except KeyError:
            raise Undigestable(f"no parse key for {seed}") from None

    def _object(self, value: object) -> tuple[bytes, frozenset[str]]:
        """A dataclass object's digest; one whose fields are all plain values is written out
        instead (it is small, and seldom shared)."""
        known = self._objects.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        values = [getattr(value, name) for name in names]
        kinds = set(map(type, values))
        if _PLAIN.issuperset(kinds):
            return f"{kind.__qualname__}{values!r}".encode(), _NO_SEEDS
        # The plain fields in one repr, `...` standing for each of the others, fed after it.
        plain = [v if type(v) in _PLAIN else ... for v in values]
        digest = hashlib.blake2b(f"{kind.__qualname__}{plain!r}".encode(), digest_size=16)
        seeds: set[str] = set()
        holder = self._holder
        if Source in kinds:  # a source's page: its sentences are fed by their place in it
            self._holder = next(v.file for v in values if type(v) is Source)
        try:
            for item in values:
                if type(item) not in _PLAIN:
                    self._feed(digest, item, seeds)
        finally:
            self._holder = holder
        held = frozenset(seeds)
        result = b"@" + digest.digest(), self._sets.setdefault(held, held)  # one copy of each
        self._objects[id(value)] = (value, *result)
        return result


def _is_dataclass_object(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


@dataclass(frozen=True)
class SiteRead:
    """Something a template reads from `site`: the value at `path`, or only its length or
    whether it is empty (`use`)."""

    path: tuple[str, ...]
    use: str  # "value", "length" or "truth"


@dataclass(frozen=True)
class TemplateReads:
    """What a template, with every template it extends, includes or imports, reads from its
    context: the names it uses, and the parts of `site`; and a digest of their text."""

    names: frozenset[str]
    site: frozenset[SiteRead]
    digest: bytes


@dataclass(frozen=True)
class TemplateFacts:
    """What one template's text reads, before the templates it refers to are added."""

    names: frozenset[str]  # every name it loads (its own variables too: a superset is safe)
    site: frozenset[SiteRead] | None  # None: it uses `site` otherwise than by attribute paths
    refers: tuple[str | None, ...]  # the templates it extends, includes or imports


def template_reads(
    env: jinja2.Environment, name: str, known: Callable[[str, str], TemplateFacts]
) -> TemplateReads | None:
    """What rendering template `name` reads; None where its text does not tell (a template
    named by an expression, `site` used whole or indexed). `known(name, text)` gives a
    template's facts, from a cache or by `template_facts`."""
    if env.loader is None:
        return None
    names: set[str] = set()
    reads: set[SiteRead] = set()
    texts: dict[str, str] = {}
    todo, seen = [name], {name}
    while todo:
        current = todo.pop()
        source = texts[current] = env.loader.get_source(env, current)[0]
        facts = known(current, source)
        if facts.site is None or None in facts.refers:
            return None
        names |= facts.names
        reads |= facts.site
        for ref in facts.refers:
            if ref is not None and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    digest, _ = Digests({}).of(sorted(texts.items()))
    return TemplateReads(frozenset(names), frozenset(reads), digest)


def template_facts(env: jinja2.Environment, name: str, source: str) -> TemplateFacts:
    tree = env.parse(source, name)
    names: set[str] = set()
    reads: set[SiteRead | None] = set()
    _walk(tree, [], names, reads)
    site = None if None in reads else frozenset(r for r in reads if r is not None)
    return TemplateFacts(frozenset(names), site, tuple(meta.find_referenced_templates(tree)))


def _walk(
    node: nodes.Node, above: list[nodes.Node], names: set[str], reads: set[SiteRead | None]
) -> None:
    """The names loaded under `node`, and each read of `site` (None for a use of `site` that
    is not an attribute path); `above`: the node's ancestors, nearest last."""
    if isinstance(node, nodes.Name) and node.ctx == "load":
        names.add(node.name)
        if node.name == "site":
            reads.add(_read_at(node, above))
        return
    above.append(node)
    for child in node.iter_child_nodes():
        _walk(child, above, names, reads)
    above.pop()


def _read_at(name: nodes.Name, above: list[nodes.Node]) -> SiteRead | None:
    path: list[str] = []
    top: nodes.Node = name
    i = len(above) - 1
    while i >= 0 and isinstance(above[i], nodes.Getattr) and above[i].node is top:
        path.append(above[i].attr)
        top = above[i]
        i -= 1
    if not path:
        return None
    parent = above[i] if i >= 0 else None
    use = "value"
    if isinstance(parent, nodes.Filter) and parent.node is top and parent.name in _LENGTH:
        use = "length"
    elif (isinstance(parent, nodes.If | nodes.CondExpr) and parent.test is top) or (
        isinstance(parent, nodes.Not) and parent.node is top
    ):
        use = "truth"
    return SiteRead(tuple(path), use)


_LENGTH = frozenset({"length", "count"})


class PageKeys:
    """The content key of a page, from its template and context; None for a page that must
    always be rendered. One instance serves one build (its digests are of that build's model)."""

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        source_keys: Mapping[str, str],
        base: str,
        known: Callable[[str, str], TemplateFacts] | None = None,
    ):
        """`base`: the code's version (the filters and helpers are code); `known(name, text)`:
        a template's facts, if they may come from a cache."""
        self.site = site
        self.env = env
        self.base = base.encode()
        self.known = known or functools.partial(template_facts, env)
        self.digests = Digests(source_keys, [page.source for page in site.sources])
        self._reads: dict[str, TemplateReads | None] = {}
        self._source_page = {page.source.file: page for page in site.sources}
        self._tables: dict[tuple[str, str], bytes] = {}
        self._section_titles = tuple((s.rule.slug, s.rule.title) for s in site.sections)

    def key(self, template: str, context: Mapping[str, object]) -> str | None:
        try:
            if template not in self._reads:
                self._reads[template] = template_reads(self.env, template, self.known)
            reads = self._reads[template]
            return None if reads is None else self._key(template, reads, context)
        except (Undigestable, AttributeError, KeyError, jinja2.TemplateError):
            # A value of an unknown kind, a path the model lacks or a template missing or
            # broken: no key (rendering the page reports the last two).
            return None

    def _key(self, template: str, reads: TemplateReads, context: Mapping[str, object]) -> str:
        digest = hashlib.blake2b(self.base, digest_size=20)
        digest.update(template.encode() + b"\0" + reads.digest)
        seeds: set[str] = set()
        tables: set[str] = set()
        used = sorted(reads.names & context.keys() | _ALWAYS)
        for name in used:
            value = context[name]
            if name == "site":
                continue
            if name in HELPER_READS:
                tables |= HELPER_READS[name]
                continue
            if callable(value):
                raise Undigestable(f"what the helper {name} reads is not declared")
            own, held = self.digests.of(value)
            digest.update(name.encode() + b"=" + own)
            seeds |= held
        if "site" in used:
            for read in sorted(reads.site, key=lambda r: (r.path, r.use)):
                value = functools.reduce(getattr, read.path, self.site)
                digest.update(".".join(read.path).encode() + b":" + read.use.encode())
                if read.use == "length":
                    digest.update(b"%d" % len(value))
                elif read.use == "truth":
                    digest.update(b"%d" % bool(value))
                else:
                    own, held = self.digests.of(value)
                    digest.update(own)
                    seeds |= held
        for table in sorted(tables):
            digest.update(table.encode() + b":")
            for seed in sorted(seeds) if table != "entities" else [""]:
                digest.update(self._table(table, seed))
        return digest.hexdigest()

    def _table(self, table: str, seed: str) -> bytes:
        """A digest of what a helper reads about one source (or, for "entities", the site)."""
        key = (table, seed)
        if key not in self._tables:
            site = self.site
            if table == "entities":
                value: object = [
                    (p.entity.id, p.entity.name, p.entity.type, p.path) for p in site.entities
                ]
            elif table == "sources":
                value = source_card(self._source_page[seed])
            else:
                source = self._source_page[seed].source
                value = [self._landing(s.seed, s.id) for s in source.sentences]
                value.append(self._section_titles)
            self._tables[key] = self.digests.of(value)[0]
        return self._tables[key]

    def _landing(self, seed: str, id: str) -> tuple[str | None, ...]:
        """Where the narrative shows a sentence, and from which source; else why not."""
        shown = self.site.narrative.get((seed, id))
        if shown is not None:
            return (shown.page, shown.anchor, shown.section, shown.primary.seed, shown.primary.id)
        return (self.site.excluded.get((seed, id)),)
