"""The site in a real browser: Debian's Chromium driven by Playwright, the site served on
127.0.0.1. Every page type loads without a console error or a failed request; search finds
and lands on the passage; at 360 px nothing scrolls sideways and the menu works; axe-core
finds no serious or critical problem; the W3C Nu HTML checker finds no error.

The site is built into build/ as `make build` does, and screenshots of the main page types
at desktop and mobile widths are written to build/screenshots/ for review.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import CONTENT, ROOT, SEEDS, TEMPLATES
from karabakh_site.build import run_build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 780}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site() -> Path:
    out = ROOT / "build"
    run_build(SEEDS, CONTENT, TEMPLATES, out)
    return out


@pytest.fixture(scope="module")
def base_url(site) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run tools/system-packages (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page_types(site) -> dict[str, str]:
    """One page of each kind the site has."""
    sources = json.loads((site / "data" / "sources.json").read_text(encoding="utf-8"))
    largest = max(sources, key=lambda s: s["sentences"])
    return {
        "home": "index.html",
        "section": "war-1992.html",
        "figures": "casualties.html",
        "register": "diplomacy.html",
        "timeline": "timeline.html",
        "sources": "sources/index.html",
        "source": largest["page"],
        "entities": "entities/index.html",
        "entity": "entities/stepanakert.html",
        "references": "references.html",
        "about": "about.html",
        "search": "search.html",
        "not found": "404.html",
    }


class Problems:
    """Console errors, uncaught exceptions and failed or refused requests of one page."""

    def __init__(self, page: Page):
        self.found: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.found.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.found.append(f"exception: {e}"))
        page.on("requestfailed", lambda r: self.found.append(f"failed: {r.url}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.found.append(f"HTTP {r.status}: {r.url}"),
        )


def test_every_page_type_loads_cleanly(browser, base_url, page_types, site):
    shots = site / "screenshots"
    shots.mkdir(exist_ok=True)
    for width, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        context = browser.new_context(viewport=viewport)
        for kind, path in page_types.items():
            page = context.new_page()
            problems = Problems(page)
            page.goto(base_url + path, wait_until="networkidle")
            assert problems.found == [], f"{kind} ({path}, {width}): {problems.found}"
            if kind in ("home", "section", "timeline", "entity"):
                page.screenshot(path=shots / f"{kind}-{width}.png", full_page=False)
            page.close()
        context.close()
    print(f"screenshots in {shots}")
    assert len(list(shots.glob("*.png"))) == 8


def test_search_finds_khojaly_and_lands_on_the_passage(browser, base_url):
    page = browser.new_page(viewport=DESKTOP)
    problems = Problems(page)
    page.goto(base_url + "search.html")
    page.keyboard.type("Khojaly")  # the search box has the focus
    page.keyboard.press("Enter")
    results = page.locator("#search-results li")
    results.first.wait_for()
    assert results.count() >= 5
    assert "found for “Khojaly”" in page.inner_text("#search-status")
    assert page.locator("#search-results mark").count() >= 1  # context, highlighted
    first = results.first.locator("a")
    href = first.get_attribute("href")
    first.focus()
    page.keyboard.press("Enter")  # by keyboard
    page.wait_for_url(f"**{href.split('#')[0].split('?')[0]}*")
    page.wait_for_load_state("load")
    hit = page.locator("mark.search-hit.current")
    hit.wait_for()
    assert hit.inner_text().lower() == "khojaly"
    box = hit.bounding_box()
    assert box is not None and 0 <= box["y"] <= DESKTOP["height"] - box["height"]
    assert problems.found == []
    page.close()


def test_search_from_the_header_form(browser, base_url):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "war-1992.html")
    page.fill("#site-search", "Shusha")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search.html?q=Shusha")
    page.locator("#search-results li").first.wait_for()
    assert page.locator("#search-results li").count() >= 1
    page.close()


def search_results(browser, base_url, query: str) -> tuple[str, list[list[str]]]:
    """The search page's status line, and the words marked in each result."""
    page = browser.new_page(viewport=DESKTOP)
    problems = Problems(page)
    page.goto(base_url + "search.html?q=" + query)
    page.wait_for_function(
        "() => / found for /.test(document.getElementById('search-status').textContent)"
    )
    status = page.inner_text("#search-status")
    marks = page.eval_on_selector_all(
        "#search-results li",
        "items => items.map(li => [...li.querySelectorAll('mark')].map(m => m.textContent))",
    )
    assert problems.found == []
    page.close()
    return status, marks


@pytest.mark.parametrize("query", ["Bishkek", "Kocharian"])
def test_a_word_no_page_has_finds_nothing(browser, base_url, query):
    """Pagefind answers a word its index lacks with pages holding the longest word the query
    begins with, such as the letter "B" in the list of names; the search page drops those."""
    assert not any(query.lower() in p.read_text("utf-8").lower() for p in SEEDS.glob("*.txt"))
    assert search_results(browser, base_url, query) == (f"Nothing found for “{query}”.", [])


def test_every_result_marks_a_word_that_begins_as_the_query_does(browser, base_url):
    """ "refugees": the names' bundle has no such word, so Pagefind answers from it with the
    letter "R" of the list of names, which is dropped; the other bundle's results stay."""
    status, marks = search_results(browser, base_url, "refugees")
    assert status.startswith(f"{len(marks)} pages found") and len(marks) >= 3
    assert all(any(m.lower().startswith("refugee") for m in found) for found in marks)


def test_nothing_scrolls_sideways_at_360px_and_the_menu_works(browser, base_url, page_types):
    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    for kind, path in page_types.items():
        page.goto(base_url + path, wait_until="load")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{kind} ({path}) is {overflow}px wider than the screen"
    page.goto(base_url + "index.html")
    menu = page.locator(".menu-toggle")
    nav_link = page.locator("#main-nav a", has_text="Timeline")
    assert menu.is_visible() and not nav_link.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and nav_link.is_visible()
    page.keyboard.press("Escape")
    assert not nav_link.is_visible()
    menu.click()
    nav_link.click()
    page.wait_for_url("**/timeline.html")
    context.close()


def test_axe_finds_no_serious_or_critical_violation(browser, base_url, page_types):
    axe = Axe()
    scanned, counts, serious = 0, {}, []
    for width, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page = browser.new_page(viewport=viewport)
        for kind, path in page_types.items():
            page.goto(base_url + path, wait_until="networkidle")
            violations = axe.run(page).response["violations"]
            scanned += 1
            for v in violations:
                counts[v["impact"]] = counts.get(v["impact"], 0) + len(v["nodes"])
                if v["impact"] in ("serious", "critical"):
                    serious.append(f"{kind} ({width}): {v['id']}: {v['help']} ({len(v['nodes'])})")
        page.close()
    print(f"axe: {scanned} pages scanned; violations by impact: {counts or 'none'}")
    assert serious == []


def test_nu_html_checker_finds_no_error(site):
    jar = os.environ.get("VNU_JAR") or str(
        ROOT / ".venv/node/node_modules/vnu-jar/build/dist/vnu.jar"
    )
    if not Path(jar).is_file():
        pytest.fail("the Nu HTML checker is missing: make test installs it (npm vnu-jar)")
    pages = sorted(str(p) for p in site.rglob("*.html"))
    done = subprocess.run(
        ["java", "-jar", jar, "--errors-only", "--format", "gnu", *pages],
        capture_output=True,
        text=True,
    )
    errors = [line for line in done.stderr.splitlines() if ": error" in line]
    print(f"Nu HTML checker: {len(pages)} pages, {len(errors)} errors")
    assert done.returncode == 0 and errors == [], "\n".join(errors[:20])


def test_print_shows_the_cited_sources_as_notes(browser, base_url):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "war-1992.html")
    notes = page.locator(".print-notes")
    assert not notes.is_visible()  # on screen, each [n] links to its source instead
    page.emulate_media(media="print")
    assert notes.is_visible() and not page.locator(".site-header").is_visible()
    cited = set(page.eval_on_selector_all("a.cite", "links => links.map(a => a.textContent)"))
    listed = page.eval_on_selector_all(".print-notes li", "items => items.map(li => li.value)")
    assert cited == {f"[{n}]" for n in listed}  # every number in the text has its note
    page.close()


def test_dark_mode_follows_the_system_setting(browser, base_url):
    def background(scheme: str) -> list[int]:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(base_url + "index.html")
        rgb = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        context.close()
        return [int(n) for n in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]

    assert sum(background("light")) > 600 and sum(background("dark")) < 150


def test_search_over_an_index_in_parts(browser, tmp_path, monkeypatch):
    from karabakh_site import search

    monkeypatch.setattr(search, "PART_BYTES", 400_000)  # as a large site is indexed
    out = tmp_path / "site"
    run_build(SEEDS, CONTENT, TEMPLATES, out)
    assert len(json.loads((out / "pagefind" / "bundles.json").read_text())) >= 3
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=out))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page(viewport=DESKTOP)
        problems = Problems(page)
        page.goto(f"http://127.0.0.1:{server.server_port}/search.html?q=Khojaly")
        results = page.locator("#search-results li")
        results.first.wait_for()
        titles = page.eval_on_selector_all("#search-results a", "as => as.map(a => a.href)")
        assert any("/entities/" in t for t in titles) and any("/entities/" not in t for t in titles)
        assert problems.found == []
        page.close()
    finally:
        server.shutdown()
