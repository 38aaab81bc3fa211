"""End to end: the real seeds built into a site; what readers and reusers get."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import SEEDS
from karabakh_site.check import check_site

FIRST = "The First Nagorno-Karabakh War was an ethnic and territorial conflict"


class Paragraphs(HTMLParser):
    """Collects narrative paragraphs as lists of sentence ids, and h1/h2 texts."""

    def __init__(self):
        super().__init__()
        self.paragraphs: list[list[str]] = []
        self.headings: list[str] = []
        self._in_p = False
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p":
            self._in_p = True
            self.paragraphs.append([])
        if tag == "span" and self._in_p and a.get("class") == "s" and "id" in a:
            self.paragraphs[-1].append(a["id"])
        if tag in ("h1", "h2"):
            self._heading = []

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_p = False
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)


def parse(path: Path) -> Paragraphs:
    parser = Paragraphs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def text_of(html: str) -> str:
    """What a reader sees of some HTML: the tags dropped."""
    return re.sub(r"<[^>]+>", "", html)


def narrative_pages(site: Path) -> list[Path]:
    sections = json.loads((site / "data" / "sections.json").read_text(encoding="utf-8"))
    return [site / s["url"] for s in sections]


def test_pages_exist(built_site):
    for page in (
        "index.html",
        "background.html",
        "war-1988-1991.html",
        "war-1992.html",
        "war-1993.html",
        "war-1994.html",
        "casualties.html",
        "diplomacy.html",
        "aftermath.html",
        "human-rights.html",
        "media.html",
        "timeline.html",
        "sources/index.html",
        "about.html",
        "404.html",
        "assets/style.css",
    ):
        assert (built_site / page).is_file(), page
    for seed in SEEDS.glob("*.txt"):
        slug = seed.stem.lower().replace("_", "-")
        assert (built_site / "sources" / f"{slug}.html").is_file()


def test_check_passes_with_no_errors(built_site):
    report = check_site(built_site, SEEDS)
    print(report.summary())
    assert report.errors == []
    assert report.citations >= 450


def test_section_pages_read_as_prose(built_site, real_build):
    counts = {}
    for page in narrative_pages(built_site):
        parsed = parse(page)
        paragraphs = [p for p in parsed.paragraphs if p]
        counts[page.name] = sum(len(p) for p in paragraphs)
        if page.name == "index.html":
            continue
        assert parsed.headings[0], page  # the h1
        assert len(parsed.headings) >= 2, f"{page.name} has no subheadings"
        singles = [p for p in paragraphs if len(p) == 1]
        assert len(singles) <= max(1, len(paragraphs) // 10), page.name
        assert max(len(p) for p in paragraphs) <= 8
    print("sentences per page:", counts)
    assert counts["war-1992.html"] >= 60
    assert all(n >= 5 for n in counts.values())


def test_every_narrative_sentence_is_shown_once(built_site):
    seen: dict[str, str] = {}
    for page in narrative_pages(built_site):
        for paragraph in parse(page).paragraphs:
            for sid in paragraph:
                assert sid not in seen, f"{sid} on {page.name} and {seen[sid]}"
                seen[sid] = page.name
    records = json.loads((built_site / "data" / "sentences.json").read_text(encoding="utf-8"))
    shown = {r["url"].split("#")[1] for r in records if r["url"]}
    assert shown == set(seen)


def test_repeated_lead_is_shown_once_and_cites_both_sources(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert text_of(home).count(FIRST) == 1
    spans = re.findall(r'<span class="s" id="(s\w+)">(.*?)</sup></span>', home)
    sid, span = next((sid, span) for sid, span in spans if text_of(span).startswith(FIRST))
    cites = re.findall(r'href="(sources/[^"]+)"', span)
    assert cites == [
        f"sources/000-1d31f53d277839b6.html#{sid}",
        f"sources/001-6e4f82572dc41e76.html#{sid}",
    ]
    for page in narrative_pages(built_site):
        if page.name != "index.html":
            assert FIRST not in text_of(page.read_text(encoding="utf-8"))
    sources = json.loads((built_site / "data" / "sources.json").read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in sources}
    assert by_id["000_1d31f53d277839b6"]["duplicates"] == ["001_6e4f82572dc41e76"]
    assert by_id["001_6e4f82572dc41e76"]["duplicates"] == []


def test_source_page_has_every_sentence_with_a_link_back(built_site):
    page = (built_site / "sources" / "002-9276acad1e55b4fe.html").read_text(encoding="utf-8")
    assert 'href="http://news.bbc.co.uk/2/hi/europe/country_profiles/3658938.stm"' in page or (
        'href="https://news.bbc.co.uk/2/hi/europe/country_profiles/3658938.stm"' in page
    )
    records = json.loads((built_site / "data" / "sentences.json").read_text(encoding="utf-8"))
    mine = [r for r in records if r["seed"] == "002_9276acad1e55b4fe.txt"]
    assert len(mine) >= 38
    for record in mine:
        assert f'id="{record["sentence"]}"' in page
        if record["url"]:
            assert f'href="../{record["url"]}"' in page


def test_back_matter_is_not_narrative(built_site):
    for page in narrative_pages(built_site):
        html = page.read_text(encoding="utf-8")
        assert "Archived from the original" not in html, page.name
        assert "de Waal 2013, p. 327" not in html, page.name
    source = (built_site / "sources" / "001-6e4f82572dc41e76.html").read_text(encoding="utf-8")
    assert "Notes and references" in source and "de Waal 2013, p. 327." in source


def test_exports_follow_the_data_contract(built_site):
    sources = json.loads((built_site / "data" / "sources.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in sources] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for s in sources:
        assert {"id", "file", "title", "url", "sentences", "duplicates"} <= set(s)
    sections = json.loads((built_site / "data" / "sections.json").read_text(encoding="utf-8"))
    for s in sections:
        assert {"slug", "title", "url", "sentences"} <= set(s)
        assert (built_site / s["url"]).is_file()
    records = json.loads((built_site / "data" / "sentences.json").read_text(encoding="utf-8"))
    texts = {p.name: p.read_bytes().decode("utf-8") for p in SEEDS.glob("*.txt")}
    for r in records:
        span = texts[r["seed"]][r["start"] : r["end"]]
        assert " ".join(span.split()).startswith(r["text"][:20])
    timeline = json.loads((built_site / "data" / "timeline.json").read_text(encoding="utf-8"))
    assert len(timeline) >= 150
    for event in timeline:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"])
        assert event["precision"] in ("year", "season", "month", "day")
        for ref in event["sources"]:
            assert texts[ref["seed"]][ref["start"] : ref["end"]]
    assert timeline == sorted(timeline, key=lambda e: e["date"])


def test_home_page(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "Key facts" in home and "February 1988 – May 1994" in home
    assert "Ways in" in home and 'href="timeline.html"' in home
    assert "How to read this site" in home


def test_timeline_dates_year_less_events_from_context(built_site):
    timeline = json.loads((built_site / "data" / "timeline.json").read_text(encoding="utf-8"))
    withdrawal = [e for e in timeline if "interior ministry troops began to withdraw" in e["text"]]
    assert {e["date"] for e in withdrawal} == {"1991-12-19", "1991-12-27"}
    shusha = [e for e in timeline if e["text"].startswith("On 8 May a force of several hundred")]
    assert [e["date"] for e in shusha] == ["1992-05-08"]
    page = (built_site / "timeline.html").read_text(encoding="utf-8")
    assert "19 December 1991" in page


def test_external_links_are_safe_and_nothing_loads_from_elsewhere(built_site):
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html)
        for tag in re.findall(r'<a [^>]*href="https?://[^>]*>', html):
            assert 'rel="noopener noreferrer"' in tag
