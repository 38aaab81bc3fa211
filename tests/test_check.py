"""The checker can fail: each kind of damage to a built site is caught and named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from karabakh_site.check import check_site
from karabakh_site.cli import main

SECTION = "war-1992.html"
SOURCE = "sources/001-6e4f82572dc41e76.html"


@pytest.fixture
def site(built_site, tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    return copy


@pytest.fixture
def seeds(tmp_path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    return copy


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def errors(site: Path, seeds: Path) -> list[str]:
    return check_site(site, seeds).errors


def test_intact_site_passes(site, seeds):
    assert errors(site, seeds) == []


def test_broken_link_is_caught(site, seeds):
    edit(site / SECTION, "<h1>", '<a href="no-such-page.html">x</a><h1>')
    (found,) = errors(site, seeds)
    assert SECTION in found and "no-such-page.html" in found and "broken link" in found


def test_dropped_fragment_is_caught(site, seeds):
    records = json.loads((site / "data" / "sentences.json").read_text(encoding="utf-8"))
    cited = next(r for r in records if r["url"] and r["url"].startswith(SECTION))
    edit(site / SOURCE, f'id="{cited["sentence"]}"', 'id="gone"')
    found = errors(site, seeds)
    assert any(f'no id "{cited["sentence"]}"' in e and SECTION in e for e in found)


def test_script_from_another_host_is_caught(site, seeds):
    edit(
        site / "index.html",
        "</head>",
        '<script src="https://cdn.example.com/x.js"></script></head>',
    )
    (found,) = errors(site, seeds)
    assert "index.html" in found and "cdn.example.com" in found and "another host" in found


def test_external_link_without_rel_is_caught(site, seeds):
    edit(site / "about.html", "<h1>", '<a href="https://example.com/">x</a><h1>')
    (found,) = errors(site, seeds)
    assert "about.html" in found and 'rel="noopener noreferrer"' in found


def test_javascript_link_is_caught(site, seeds):
    edit(site / "about.html", "<h1>", '<a href="javascript:alert(1)">x</a><h1>')
    assert any("javascript:" in e for e in errors(site, seeds))


def test_altered_cited_sentence_in_a_seed_is_caught(site, seeds):
    seed = seeds / "001_6e4f82572dc41e76.txt"
    edit(
        seed,
        "On 8 May a force of several hundred Armenian troops",
        "On 8 May a force of several thousand Armenian troops",
    )
    found = errors(site, seeds)
    assert any("001_6e4f82572dc41e76.txt" in e and "changed since the build" in e for e in found)


def test_missing_seed_is_caught(site, seeds):
    (seeds / "002_9276acad1e55b4fe.txt").unlink()
    assert any("002_9276acad1e55b4fe.txt" in e and "missing" in e for e in errors(site, seeds))


def test_narrative_text_that_differs_from_its_source_is_caught(site, seeds):
    edit(site / SECTION, "several hundred Armenian troops", "several thousand Armenian troops")
    found = errors(site, seeds)
    assert any(SECTION in e and "differs from the sentence cited" in e for e in found)


def test_sentence_without_citation_is_caught(site, seeds):
    text = (site / SECTION).read_text(encoding="utf-8")
    start = text.index('<sup class="c">')
    end = text.index("</sup>", start) + len("</sup>")
    (site / SECTION).write_text(text[:start] + text[end:], encoding="utf-8")
    (found,) = errors(site, seeds)
    assert SECTION in found and "has no citation" in found


def test_cli_exit_status_and_summary(site, seeds, capsys):
    assert main(["check", "--site", str(site), "--seeds", str(seeds)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("check ok:") and " 0 errors" in out
    edit(site / SECTION, "<h1>", '<a href="nowhere.html">x</a><h1>')
    assert main(["check", "--site", str(site), "--seeds", str(seeds), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and len(report["errors"]) == 1


def test_hand_written_fact_whose_quote_is_gone_is_caught(site, seeds):
    path = site / "data" / "facts.json"
    facts = json.loads(path.read_text(encoding="utf-8"))
    facts[0]["quote"] = "a quote no seed holds"
    path.write_text(json.dumps(facts), encoding="utf-8")
    (found,) = errors(site, seeds)
    assert (
        "facts.json" in found and "key fact" in found and "not in the sentences it cites" in found
    )


def test_hand_written_fact_without_citation_is_caught(site, seeds):
    html = (site / "index.html").read_text(encoding="utf-8")
    start = html.index('<dd class="fact">')
    sup = html.index('<sup class="c">', start)
    end = html.index("</sup>", sup) + len("</sup>")
    (site / "index.html").write_text(html[:sup] + html[end:], encoding="utf-8")
    (found,) = errors(site, seeds)
    assert found.startswith("index.html:") and "has no citation" in found
