"""Page keys: digests of model values, and what templates read from the site model."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, replace

import jinja2
import pytest

from conftest import CONTENT, SEEDS, TEMPLATES
from helpers import make_source
from karabakh_site.build import build_site
from karabakh_site.dates import DateMention, Day
from karabakh_site.model import Sentence, Source
from karabakh_site.pagekeys import (
    HELPER_READS,
    Digests,
    PageKeys,
    SiteRead,
    Undigestable,
    template_facts,
    template_reads,
)
from karabakh_site.render import Renderer


@dataclass(frozen=True)
class Leaf:
    text: str
    number: int


@dataclass(frozen=True)
class Node:
    name: str
    leaves: tuple[Leaf, ...]
    children: tuple[Node, ...] = ()


def test_equal_values_have_equal_digests_and_any_difference_shows():
    one = Node("a", (Leaf("x", 1), Leaf("y", 2)), (Node("b", (Leaf("z", 3),)),))
    same = Node("a", (Leaf("x", 1), Leaf("y", 2)), (Node("b", (Leaf("z", 3),)),))
    digests = Digests({})
    assert digests.of(one) == digests.of(same)
    deep = Node("a", (Leaf("x", 1), Leaf("y", 2)), (Node("b", (Leaf("z", 4),)),))
    others = [
        deep,
        replace(one, name="A"),
        replace(one, leaves=one.leaves[:1]),
        replace(one, leaves=(Leaf("x", 1), Leaf("y", "2"))),  # type: ignore[arg-type]
        [one],
        {"a": one},
    ]
    found = {digests.of(value)[0] for value in [one, *others]}
    assert len(found) == len(others) + 1


def test_a_sentence_is_digested_by_value_and_names_its_seed():
    """Not by its source's key: an edit elsewhere in the source leaves its digest as it was."""
    source = make_source("The war began in 1988. It ended in 1994.", name="a.txt")
    edited = make_source("The war began in 1988. It ended in 1994. Talks went on.", name="a.txt")
    first, second = source.body
    digest, seeds = Digests({"a.txt": "key-1"}).of((first, Leaf("x", 1)))
    assert seeds == {"a.txt"}
    assert Digests({"a.txt": "key-2"}).of((edited.body[0], Leaf("x", 1))) == (digest, seeds)
    assert Digests({}).of((second, Leaf("x", 1)))[0] != digest
    assert Digests({}).of((replace(first, text="The war began."), Leaf("x", 1)))[0] != digest
    # The repr is the value: every field of a sentence, and of its dates, is in it.
    kinds, seen = [Sentence], set()
    while kinds:
        kind = kinds.pop()
        seen.add(kind)
        for f in dataclasses.fields(kind):
            assert f.repr, f"{kind.__name__}.{f.name}"
            kinds += [k for k in (DateMention, Day) if k.__name__ in str(f.type) and k not in seen]
    assert seen == {Sentence, DateMention, Day}
    # A whole source is digested by the key it was parsed under.
    assert Digests({"a.txt": "key-1"}).of(source) != Digests({"a.txt": "key-2"}).of(source)
    with pytest.raises(Undigestable):
        Digests({}).of(source)  # a source this build did not parse


@dataclass(frozen=True)
class OwnPage:
    source: Source
    sentences: tuple[Sentence, ...]


def test_on_the_page_of_its_source_a_sentence_is_digested_by_its_place(monkeypatch):
    """The page's digest changes with its source's key anyway, which determines the source's
    sentences; so they are not written out there. Anywhere else, and for a sentence of
    another source or a copy made after parsing, the sentence is digested by value."""
    source = make_source("The war began in 1988. It ended in 1994.", name="a.txt")
    other = make_source("Talks began in 1992.", name="b.txt")
    first, second = source.body
    keys = {"a.txt": "key-1", "b.txt": "key-b"}
    by_value = {
        value: Digests(keys, [source, other]).of(value)
        for value in [(first, Leaf("x", 1)), OwnPage(other, (first,))]
    }
    assert by_value[(first, Leaf("x", 1))] == Digests(keys).of((first, Leaf("x", 1)))

    def no_repr(sentence: Sentence) -> str:
        raise AssertionError(f"{sentence.id} written out on its own source's page")

    monkeypatch.setattr(Sentence, "__repr__", no_repr)
    page = OwnPage(source, (first, second))
    digest, seeds = Digests(keys, [source, other]).of(page)
    assert seeds == {"a.txt"}
    assert Digests({**keys, "a.txt": "key-2"}, [source, other]).of(page)[0] != digest
    assert Digests(keys, [source, other]).of(OwnPage(source, (second, first)))[0] != digest
    with pytest.raises(AssertionError, match="written out"):  # elsewhere, by value
        Digests(keys, [source, other]).of((first, Leaf("x", 1)))
    with pytest.raises(AssertionError, match="written out"):  # a copy
        Digests(keys, [source, other]).of(OwnPage(source, (replace(first, text="The war."),)))
    with pytest.raises(AssertionError, match="written out"):  # another source's sentence
        Digests(keys, [source, other]).of(OwnPage(source, (other.body[0],)))
    monkeypatch.undo()
    assert (
        Digests(keys, [source, other]).of(OwnPage(other, (first,)))
        == by_value[OwnPage(other, (first,))]
    )


def test_a_value_of_an_unknown_kind_cannot_be_digested():
    with pytest.raises(Undigestable):
        Digests({}).of((1, object()))


def reads(templates: dict[str, str], name: str = "page.html"):
    env = jinja2.Environment(loader=jinja2.DictLoader(templates))
    return template_reads(env, name, functools.partial(template_facts, env))


def test_templates_are_read_for_what_they_take_from_the_site_model():
    found = reads(
        {
            "base.html": "{{ site.sources|length }} {% block main %}{% endblock %}",
            "page.html": (
                '{% extends "base.html" %}{% block main %}{% if site.works %}w{% endif %}'
                "{% for s in site.sections %}{{ s.title }}{% endfor %}"
                "{{ site.content.pages }}{% if not site.timeline %}-{% endif %}"
                "{{ cites(page) }}{% endblock %}"
            ),
        }
    )
    assert found is not None
    assert found.site == {
        SiteRead(("sources",), "length"),
        SiteRead(("works",), "truth"),
        SiteRead(("sections",), "value"),
        SiteRead(("content", "pages"), "value"),
        SiteRead(("timeline",), "truth"),
    }
    assert {"site", "cites", "page"} <= found.names


@pytest.mark.parametrize(
    "text",
    [
        "{% set s = site %}{{ s.sources|length }}",  # the model passed on whole
        "{{ site['sources'] }}",
        "{% include name %}",  # a template chosen at render time
    ],
)
def test_a_template_whose_reads_cannot_be_told_gives_no_key(text):
    assert reads({"page.html": text}) is None


def test_a_change_to_any_template_a_page_uses_changes_its_digest():
    base = {"base.html": "{% block main %}{% endblock %}", "page.html": '{% extends "base.html" %}'}
    before = reads(base)
    after = reads({**base, "base.html": "<p>{% block main %}{% endblock %}"})
    assert before is not None and after is not None
    assert before.digest != after.digest


@pytest.fixture(scope="module")
def seeds_model():
    return build_site(SEEDS, CONTENT, TEMPLATES)


def test_every_helper_given_to_the_templates_declares_what_it_reads(seeds_model):
    """A helper not in HELPER_READS would leave every page that uses it without a key."""
    renderer = Renderer(seeds_model.site, seeds_model.templates, TEMPLATES)
    context = renderer.context("entities/x.html", "X")
    helpers = {name for name, value in context.items() if callable(value)}
    assert helpers == set(HELPER_READS)


def keys_of(model, version: str) -> dict[str, str]:
    """The content key of each page of `model`, with `version` as the code's version."""
    keys = PageKeys(model.site, model.templates, model.analysis_keys, version)
    renderer = Renderer(model.site, model.templates, TEMPLATES, keys)
    renderer.jobs()
    return renderer.keys


def test_source_and_entity_pages_have_keys_that_differ_page_by_page(seeds_model):
    site = seeds_model.site
    keys = keys_of(seeds_model, "v1")
    expected = {p.path for p in site.sources} | {p.path for p in site.entities}
    assert set(keys) == expected
    assert len(set(keys.values())) == len(expected)
    assert keys_of(seeds_model, "v1") == keys  # the same model gives the same keys
    # new code: every key is new
    assert not set(keys_of(seeds_model, "v2").values()) & set(keys.values())
