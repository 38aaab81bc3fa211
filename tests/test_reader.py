"""What a reader's browser and a search engine get besides the text: language marks on
passages in other scripts, the search index, robots.txt, sitemap.xml, canonical and Open
Graph metadata, notes for print."""

from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from karabakh_site import search
from karabakh_site.build import run_build
from karabakh_site.config import load_content
from karabakh_site.errors import SiteError
from karabakh_site.scripts import ScriptLanguages

# --- language marks -----------------------------------------------------------------------


def test_passages_in_a_configured_script_get_its_language():
    marks = ScriptLanguages.of({"Cyrillic": "ru", "Armenian": "hy", "Hebrew": "he"})
    assert marks.mark("plain text") == "plain text"
    assert (
        marks.mark("the slogan &#34;ни войны, ни мира&#34; (no war)")
        == 'the slogan &#34;<span lang="ru">ни войны, ни мира</span>&#34; (no war)'
    )
    assert marks.mark("Արցախյան ազատամարտ and Москва") == (
        '<span lang="hy">Արցախյան ազատամարտ</span> and <span lang="ru">Москва</span>'
    )
    assert marks.mark("שלום") == '<span lang="he" dir="rtl">שלום</span>'
    assert ScriptLanguages.of({}).mark("Москва") == "Москва"  # nothing configured, no guess


def test_an_unknown_script_is_an_error_naming_the_known_ones(project_copy):
    site = project_copy / "content" / "site.yaml"
    site.write_text(site.read_text().replace("Cyrillic: ru", "Cyrilic: ru"))
    with pytest.raises(SiteError, match=r"site\.yaml:\d+:\d+: 'Cyrilic' is not one of: .*Cyrillic"):
        load_content(project_copy / "content")


class TextLanguages(HTMLParser):
    """Each run of page text with the language it is marked as (the nearest `lang`)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "wbr", "hr", "source"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.runs: list[tuple[str, str]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.stack.append(dict(attrs).get("lang"))
        self.skip += tag in ("title", "script", "style")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.skip -= tag in ("title", "script", "style")
        self.stack.pop()

    def handle_data(self, data):
        if not self.skip:
            lang = next((x for x in reversed(self.stack) if x), "")
            self.runs.append((data, lang))


def script_of(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    return next((s for s in ("CYRILLIC", "ARMENIAN") if name.startswith(s)), None)


def test_every_russian_and_armenian_letter_on_the_site_is_marked(built_site):
    expected = {"CYRILLIC": "ru", "ARMENIAN": "hy"}
    seen = {"CYRILLIC": 0, "ARMENIAN": 0}
    for page in built_site.rglob("*.html"):
        parser = TextLanguages()
        parser.feed(page.read_text(encoding="utf-8"))
        for text, lang in parser.runs:
            for ch in text:
                script = script_of(ch)
                if script:
                    seen[script] += 1
                    assert lang == expected[script], f"{page.name}: {text!r} marked {lang!r}"
    assert seen["CYRILLIC"] > 100 and seen["ARMENIAN"] > 10


# --- search index, robots, sitemap, metadata ---------------------------------------------


def indexed_pages(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    return sum(lang["page_count"] for lang in entry["languages"].values())


def test_search_index_covers_every_content_page(built_site):
    bundles = json.loads((built_site / "pagefind" / "bundles.json").read_text())
    # The names (a folder with many pages) have bundles of their own, one for each
    # OWN_BUNDLE_PAGES of them, after the other pages.
    shares = len(list((built_site / "entities").glob("*.html"))) // search.OWN_BUNDLE_PAGES
    assert shares > 1
    assert [re.sub("-[0-9a-f]{16}/$", "", b) for b in bundles] == [
        "pagefind/top",
        *[f"pagefind/entities-{share}" for share in range(shares)],
    ]
    pages = [p for p in built_site.rglob("*.html") if "pagefind" not in p.parts]
    indexed = [p for p in pages if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert {p.name for p in pages} - {p.name for p in indexed} == {"404.html", "search.html"}
    names = [p for p in indexed if p.parent.name == "entities"]
    assert sum(indexed_pages(built_site / bundle) for bundle in bundles[1:]) == len(names)
    assert indexed_pages(built_site / bundles[0]) == len(indexed) - len(names)
    for bundle in bundles:
        assert (built_site / bundle / "pagefind.js").is_file()
        assert not (built_site / bundle / "pagefind-ui.js").exists()  # unused UI removed
    assert sorted(p.name + "/" for p in (built_site / "pagefind").iterdir() if p.is_dir()) == [
        b.removeprefix("pagefind/") for b in sorted(bundles)
    ]


def test_without_a_base_url_no_sitemap_and_no_canonical(built_site):
    assert (built_site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    assert not (built_site / "sitemap.xml").exists()
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in home and 'property="og:title"' in home


def test_with_a_base_url_sitemap_canonical_and_open_graph(project_copy):
    site = project_copy / "content" / "site.yaml"
    site.write_text(site.read_text().replace("base_url: null", "base_url: https://example.org/nk"))
    out = project_copy / "build"
    run_build(project_copy / "seeds", project_copy / "content", project_copy / "templates", out)
    assert "Sitemap: https://example.org/nk/sitemap.xml" in (out / "robots.txt").read_text()
    locs = re.findall(r"<loc>(.*?)</loc>", (out / "sitemap.xml").read_text())
    pages = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if p.name not in ("404.html", "search.html")
    }
    assert len(locs) == len(set(locs)) == len(pages)
    assert {loc.removeprefix("https://example.org/nk/") or "index.html" for loc in locs} == pages
    page = (out / "war-1992.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/nk/war-1992.html">' in page
    assert '<meta property="og:url" content="https://example.org/nk/war-1992.html">' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/nk/">' in home
    assert 'rel="canonical"' not in (out / "404.html").read_text(encoding="utf-8")


def test_print_notes_list_exactly_the_sources_a_page_cites(built_site: Path):
    for name in ("war-1992.html", "index.html", "entities/stepanakert.html"):
        html = (built_site / name).read_text(encoding="utf-8")
        cited = set(re.findall(r'class="cite"[^>]*>\[(\d+)\]<', html))
        notes = html[html.index('<section class="print-notes"') :]
        listed = set(re.findall(r'<li value="(\d+)">', notes))
        assert cited and cited == listed, name


def test_a_large_site_is_indexed_in_parts_that_the_search_page_merges(project_copy, monkeypatch):
    from karabakh_site import search

    assert search.parts([("a", 5), ("b", 5), ("c", 20), ("d", 1)], 10) == [["a", "b"], ["c"], ["d"]]
    monkeypatch.setattr(search, "PART_BYTES", 400_000)
    out = project_copy / "build"
    run_build(project_copy / "seeds", project_copy / "content", project_copy / "templates", out)
    bundles = json.loads((out / "pagefind" / "bundles.json").read_text())
    assert len(bundles) >= 3 and bundles[0].startswith("pagefind/top-")
    counts = [indexed_pages(out / b) for b in bundles]
    indexed = [p for p in out.rglob("*.html") if "data-pagefind-body" in p.read_text("utf-8")]
    assert sum(counts) == len(indexed)  # every page in exactly one part


def test_a_maintainers_link_to_a_page_the_build_lacks_is_text_and_a_warning(project_copy):
    page = project_copy / "content" / "pages" / "about.md"
    page.write_text(
        page.read_text()
        + "\nSee [the missing page](nowhere.html#x) and [the timeline](timeline.html).\n"
    )
    out = project_copy / "build"
    report = run_build(
        project_copy / "seeds", project_copy / "content", project_copy / "templates", out
    )
    assert any("pages/about.md" in w and "nowhere.html" in w for w in report.warnings)
    html = (out / "about.html").read_text(encoding="utf-8")
    assert "See the missing page and" in html and 'href="nowhere.html' not in html
    assert '<a href="timeline.html">the timeline</a>' in html
    with pytest.raises(SiteError, match=r"nowhere\.html"):
        run_build(
            project_copy / "seeds",
            project_copy / "content",
            project_copy / "templates",
            out,
            strict=True,
        )
