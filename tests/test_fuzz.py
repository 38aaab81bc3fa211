"""Property-based tests: hostile and random text through the parse and through whole builds.

Budgets are bounded so `make test` stays quick; raise them with KARABAKH_FUZZ_SCALE=10.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import CONTENT, TEMPLATES
from helpers import make_source
from karabakh_site.backmatter import body_end
from karabakh_site.build import run_build
from karabakh_site.check import check_site
from karabakh_site.config import load_content
from karabakh_site.dates import find_dates, resolve_dates
from karabakh_site.errors import SiteError
from karabakh_site.sections import layout_source
from karabakh_site.sentences import display_text, split_sentences

SCALE = int(os.environ.get("KARABAKH_FUZZ_SCALE", "1"))
PARSE_EXAMPLES = 2500 * SCALE
BUILD_EXAMPLES = 60 * SCALE

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "{{ 7*7 }}",
    "{% include 'base.html' %}",
    "{# comment #}",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "&lt;escaped&gt; &amp; &#x3C;",
    "31 February 1992",
    "1 Smarch 1993",
    "On 19 December, troops left.",
    "between 20,000 and 30,000 people were killed.",
    "Stepanakert and Khankendi",
    "de Waal 2013, p. 327.",
    "Archived from the original on 5 May 2010.",
    "ISBN 0-19-927096-1.",
    "[citation needed]",
    "\u202eעברית\u202c",  # right-to-left override and Hebrew
    "مرحبا بالعالم",
    "Արցախյան ազատամարտ",
    "Он сказал. Мы ушли.",
    "U.S. Dr. e.g. i.e. p. 12 No. 5",
    "\u200b\u200d\ufeff",
    "\t\x0b\x0c\x1c\x1f",
    "...",
    "?!?!",
    "x" * 3000,
    "1234567890 " * 40,
]

words = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.from_regex(r"[A-Z][a-z]{1,12}( [a-z]{1,10}){0,12}[.!?]", fullmatch=True),
    st.integers(min_value=0, max_value=3000).map(str),
)
texts = st.lists(words, min_size=1, max_size=40).map(" ".join)

RULES = load_content(CONTENT).sections


@settings(
    max_examples=PARSE_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(texts)
def test_parse_never_crashes_and_keeps_its_invariants(text):
    spans = split_sentences(text)
    last = 0
    for span in spans:
        assert last <= span.start < span.end <= len(text)
        last = span.end
        shown = display_text(text, span)
        assert shown and shown == shown.strip()
    shown = [display_text(text, s) for s in spans]
    assert 0 <= body_end(shown) <= len(shown)
    resolved = resolve_dates([(s, find_dates(s)) for s in shown])
    for sentence, mentions in zip(shown, resolved, strict=True):
        for d in mentions:
            assert 0 <= d.start < d.end <= len(sentence)
            if d.date is not None:
                assert 1000 <= d.date.year <= 2200
    source = make_source(text)
    layout = layout_source(source.body, RULES)
    covered = [i for paragraph in layout.paragraphs for i in paragraph]
    assert covered == list(range(len(source.body)))


@pytest.mark.slow
@settings(
    max_examples=BUILD_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(texts, min_size=1, max_size=3))
def test_whole_builds_escape_everything_and_check_clean(tmp_path_factory, documents):
    root = tmp_path_factory.mktemp("fuzz")
    seeds = root / "seeds"
    seeds.mkdir()
    for n, text in enumerate(documents):
        (seeds / f"doc{n}.txt").write_text(text, encoding="utf-8")
    out = root / "site"
    try:
        run_build(seeds, CONTENT, TEMPLATES, out)
    except SiteError as exc:
        # Only input that really is unusable may fail, and with a message naming the file.
        assert "seeds" in str(exc) and ("empty" in str(exc) or "binary" in str(exc))
        assert any(not t.strip().lstrip("\ufeff").strip() or "\x00" in t for t in documents)
        return
    report = check_site(out, seeds)
    assert report.errors == []
    pages = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")
    }
    for name, html in pages.items():
        active = ActiveMarkup()
        active.feed(html)
        assert active.problems == [], name
    if any("{{ 7*7 }}" in t for t in documents):
        source_pages = [p for n, p in pages.items() if n.startswith("sources/doc")]
        assert any("{{ 7*7 }}" in p for p in source_pages)


SITE_SCRIPTS = ("assets/timeline.js", "assets/site.js", "assets/search.js")


class ActiveMarkup(HTMLParser):
    """Finds markup that would run or load something: what a source must never inject."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "img", "svg", "form", "base", "meta"):
            allowed = (
                (tag == "script" and a.get("src", "").endswith(SITE_SCRIPTS))
                or (
                    tag == "meta"
                    and set(a) <= {"charset", "name", "property", "content", "http-equiv"}
                )
                or (tag, a.get("class"))
                in {
                    ("svg", "chart"),
                    ("svg", "chart range-chart"),
                    ("form", "filter"),
                    ("form", "search-form"),
                    ("form", "search-page"),
                }
            )
            if not allowed:
                self.problems.append(f"<{tag} {a}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if value and value.strip().lower().startswith(("javascript:", "vbscript:")):
                self.problems.append(f"{name}={value!r} on <{tag}>")


def test_fuzz_budget_is_reported():
    print(f"fuzz budget: {PARSE_EXAMPLES} parse examples, {BUILD_EXAMPLES} whole builds")
    assert PARSE_EXAMPLES >= 1000
