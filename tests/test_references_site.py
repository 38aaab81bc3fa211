"""References on the site: back matter on source pages, the References page, the exports."""

from __future__ import annotations

import json
import re
from collections import Counter

SOURCE = "sources/001-6e4f82572dc41e76.html"


def test_source_page_shows_every_back_sentence_once_in_entries(built_site):
    html = (built_site / SOURCE).read_text(encoding="utf-8")
    records = json.loads((built_site / "data" / "sentences.json").read_text(encoding="utf-8"))
    back = [r["sentence"] for r in records if r["seed"].startswith("001") and r["role"] == "back"]
    ids = Counter(re.findall(r'<span class="s back" id="(s[\w-]+)"', html))
    assert set(ids) == set(back) and set(ids.values()) == {1}
    for heading in (
        "Notes",
        "Footnotes",
        "Bibliography",
        "Books",
        "Chapters",
        "Journal articles",
        "Reports",
    ):
        assert re.search(rf"<h[34][^>]*>{heading}</h[34]>", html), heading
    assert 'id="fn-1"' in html and 'href="../references.html#de-waal-2013"' in html


def test_references_page(built_site):
    html = (built_site / "references.html").read_text(encoding="utf-8")
    for heading in ("Books", "Chapters", "Journal articles", "Reports", "Web pages"):
        assert f">{heading}</h2>" in html
    waal = re.search(r'<li id="de-waal-2013">.*?</li>', html, re.S).group()
    assert "Black Garden" in waal
    cited = int(re.search(r"cited in (\d+) notes", waal).group(1))
    assert cited >= 8  # "de Waal 2013" in the footnotes (counted by reading the seed)
    assert "Short citations that match no work" in html and "HRW 1993" in html


def test_bibliography_and_citations_exports(built_site):
    works = json.loads((built_site / "data" / "bibliography.json").read_text(encoding="utf-8"))
    assert len(works) >= 80
    categories = Counter(w["category"] for w in works)
    assert categories["book"] >= 45 and categories["report"] >= 9
    for w in works:
        assert {"id", "category", "authors", "year", "title", "raw", "url"} <= set(w)
    assert len({w["id"] for w in works}) == len(works)
    waal = next(w for w in works if w["id"] == "de-waal-2013")
    assert waal["authors"] == ["de Waal, Thomas"] and waal["year"] == 2013
    citations = json.loads((built_site / "data" / "citations.json").read_text(encoding="utf-8"))
    assert len(citations) >= 90
    ids = {w["id"] for w in works}
    resolved = [c for c in citations if c["work"] is not None]
    assert all(c["work"] in ids for c in resolved)
    share = len(resolved) / len(citations)
    print(
        f"short citations resolved: {share:.3f} ({len(resolved)}/{len(citations)}); "
        f"unresolved: {[c['raw'] for c in citations if c['work'] is None]}"
    )
    assert share >= 0.95
    assert all(c["problem"] for c in citations if c["work"] is None)
    hrw = next(c for c in citations if c["raw"] == "HRW 1993")
    assert hrw["work"] is None and hrw["pages"] is None


def test_facts_export_quotes_its_sources(built_site):
    facts = json.loads((built_site / "data" / "facts.json").read_text(encoding="utf-8"))
    records = json.loads((built_site / "data" / "sentences.json").read_text(encoding="utf-8"))
    text = {(r["seed"], r["sentence"]): r["text"] for r in records}
    kinds = Counter(f["kind"] for f in facts)
    assert kinds["key fact"] >= 5 and kinds["period"] == 1 and kinds["anchor"] >= 1
    for fact in facts:
        assert fact["sources"]
        quote = " ".join(fact["quote"].split())
        assert any(quote in text[(r["seed"], r["sentence"])] for r in fact["sources"])
