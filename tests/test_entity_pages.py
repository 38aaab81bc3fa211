"""Names on the site: entity pages, the index, links in the text, and the export."""

from __future__ import annotations

import json
import re
from collections import Counter

from helpers import build_args
from karabakh_site.cli import main


def links_in(html: str) -> list[str]:
    return re.findall(r'<a class="e" href="([^"]+)"', html)


def test_entity_pages_and_index(built_site):
    index = (built_site / "entities" / "index.html").read_text(encoding="utf-8")
    for heading in ("People", "Places", "Organisations", "Military units", "Named events"):
        assert f">{heading}</h2>" in index
    for name in ("heydar-aliyev", "stepanakert", "human-rights-watch", "operation-ring"):
        assert f'href="{name}.html"' in index
        assert (built_site / "entities" / f"{name}.html").is_file()
    page = (built_site / "entities" / "stepanakert.html").read_text(encoding="utf-8")
    assert "Khankendi" in page and "Xankandi" in page  # the other spellings
    assert "Every sentence that names Stepanakert" in page
    assert "Named together with" in page and "On the timeline" in page
    assert 'href="stepanakert.html"' not in page  # no link to itself


def test_names_are_linked_once_per_paragraph_and_never_nested(built_site):
    html = (built_site / "war-1992.html").read_text(encoding="utf-8")
    for paragraph in re.findall(r"<p>(.*?)</p>", html, re.S):
        counts = Counter(links_in(paragraph))
        assert all(n == 1 for n in counts.values()), counts.most_common(2)
    assert not re.search(r'<a class="e"[^>]*>[^<]*<a ', html)
    assert 'href="entities/shusha.html"' in html
    # the transliteration "Khankendi" links to the entity Stepanakert
    background = (built_site / "background.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a class="e" href="entities/stepanakert.html"[^>]*>Khankendi</a>', background
    )


def test_bare_surname_is_resolved_by_year_or_left_alone(built_site):
    html = (built_site / "war-1993.html").read_text(encoding="utf-8")
    assert re.search(r'href="entities/heydar-aliyev.html"[^>]*>Heydar Aliyev<', html) or re.search(
        r'href="entities/heydar-aliyev.html"[^>]*>Aliyev<', html
    )
    assert "ilham-aliyev" not in html
    aftermath = (built_site / "aftermath.html").read_text(encoding="utf-8")
    assert "entities/ilham-aliyev.html" in aftermath


def test_timeline_links_names_outside_the_date_mark(built_site):
    html = (built_site / "timeline.html").read_text(encoding="utf-8")
    assert 'class="e" href="entities/' in html
    for mark in re.findall(r"<mark>(.*?)</mark>", html):
        assert "<a" not in mark


def test_entities_export(built_site):
    records = json.loads((built_site / "data" / "entities.json").read_text(encoding="utf-8"))
    assert len(records) >= 100
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    for r in records:
        assert {"name", "type", "aliases", "url", "mentions"} <= set(r)
        assert r["type"] in {"person", "place", "organisation", "unit", "event"}
        assert (built_site / r["url"]).is_file() and r["mentions"] >= 1
    stepanakert = next(r for r in records if r["id"] == "stepanakert")
    assert {"Khankendi", "Xankandi"} <= set(stepanakert["aliases"])


def test_suggest_lists_names_the_gazetteer_lacks(project_copy, capsys):
    (project_copy / "content" / "entities.yaml").write_text("entities: []\n")
    code = main(
        [
            "entities",
            "--suggest",
            "--seeds",
            str(project_copy / "seeds"),
            "--content",
            str(project_copy / "content"),
            "--limit",
            "20",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Stepanakert" in out and "Khojaly" in out
    assert re.search(r"^\s+\d+\s+Shusha$", out, re.M)


def test_without_a_gazetteer_nothing_is_linked(project_copy, capsys):
    (project_copy / "content" / "entities.yaml").unlink()
    code = main(build_args(project_copy))
    assert code == 0, capsys.readouterr().err
    html = (project_copy / "build" / "war-1992.html").read_text(encoding="utf-8")
    assert 'class="e"' not in html
    assert not (project_copy / "build" / "entities").exists()


def test_a_description_quote_no_seed_has_is_a_warning_and_not_shown(project_copy, capsys):
    gazetteer = project_copy / "content" / "entities.yaml"
    text = gazetteer.read_text(encoding="utf-8")
    quote = "The landlocked mountainous region of Nagorno-Karabakh"
    assert f"quote: {quote}" in text
    gazetteer.write_text(text.replace(quote, "A region no seed describes this way"))
    line = text[: text.index("- name: Nagorno-Karabakh\n")].count("\n") + 1  # the entity's
    code = main(build_args(project_copy))
    err = capsys.readouterr().err
    assert code == 0
    assert f"entities.yaml:{line}: entity 'Nagorno-Karabakh': its quote is not found" in err
    page = (project_copy / "build" / "entities" / "nagorno-karabakh.html").read_text("utf-8")
    assert "A region no seed describes this way" not in page


def test_entity_page_lists_the_figures_stated_where_it_is_named(built_site):
    figures = json.loads((built_site / "data" / "figures.json").read_text(encoding="utf-8"))
    entities = json.loads((built_site / "data" / "entities.json").read_text(encoding="utf-8"))
    khojaly = next(e for e in entities if e["id"] == "khojaly")
    naming = set(khojaly["sentences"])
    stated = [f for f in figures if f["url"] in naming]
    assert len(stated) >= 2
    page = (built_site / "entities" / "khojaly.html").read_text(encoding="utf-8")
    section = page[page.index('id="figures"') : page.index('id="mentions"')]
    assert sorted(re.findall(r"<strong>(.*?)</strong>", section)) == sorted(
        f["value_text"] for f in stated
    )
