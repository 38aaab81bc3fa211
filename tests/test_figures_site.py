"""Figures and the diplomacy register on the site and in the exports."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape


def load(site, name):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def test_figures_export_and_csv(built_site):
    figures = load(built_site, "figures.json")
    assert len(figures) >= 50
    kinds = {
        "killed",
        "wounded",
        "displaced",
        "expelled",
        "refugees",
        "missing",
        "hostages",
        "prisoners",
        "personnel",
        "equipment",
    }
    for f in figures:
        assert {
            "value_text",
            "low",
            "high",
            "kind",
            "who",
            "attribution",
            "text",
            "url",
            "sources",
        } <= set(f)
        assert f["kind"] in kinds and f["value_text"] in f["text"]
        if f["low"] is not None and f["high"] is not None:
            assert f["low"] <= f["high"]
    hrw = next(f for f in figures if f["value_text"] == "at least 161")
    assert (hrw["low"], hrw["high"], hrw["kind"], hrw["attribution"]) == (
        161,
        None,
        "killed",
        "Human Rights Watch",
    )
    assert hrw["group"] == "Khojaly"
    rows = list(
        csv.DictReader(
            io.StringIO((built_site / "data" / "figures.csv").read_text(encoding="utf-8"))
        )
    )
    assert len(rows) == len(figures)
    assert rows[0]["seed"] and rows[0]["sentence"] and rows[0]["url"]


def test_casualties_page_shows_contested_figures_side_by_side(built_site):
    html = (built_site / "casualties.html").read_text(encoding="utf-8")
    assert "By side and kind" in html and 'href="data/figures.csv"' in html
    svg = re.search(r'<svg class="chart range-chart".*?</svg>', html, re.S).group()
    assert 'role="group"' in svg and "<desc" in svg and "<a href" in svg
    khojaly = unescape(html[html.index('<h3 id="group-khojaly">Khojaly') :])
    khojaly = khojaly[: khojaly.index("</table>")]
    assert "contested" in khojaly
    for claimant in ("Human Rights Watch", "Azerbaijani authorities", "the source's own statement"):
        assert claimant in khojaly
    assert "<mark>at least 161</mark>" in khojaly
    forces = (built_site / "forces.html").read_text(encoding="utf-8")
    assert ">Personnel</th>" in forces and ">Equipment</th>" in forces


def test_diplomacy_register(built_site):
    items = load(built_site, "diplomacy.json")
    assert len(items) >= 25
    for item in items:
        assert {"name", "kind", "date", "precision", "actors", "text", "url", "sources"} <= set(
            item
        )
    dated = [i["date"] for i in items if i["date"]]
    assert dated == sorted(dated)
    tehran = next(i for i in items if i["name"] == "Tehran Communiqué")
    assert tehran["kind"] == "agreement" and tehran["date"].startswith("1992-05")
    assert tehran["outcome"] and "disrupted" in tehran["outcome"]
    html = (built_site / "diplomacy.html").read_text(encoding="utf-8")
    assert "Register of agreements, talks and resolutions" in html
    assert "What came of it:" in html and 'href="timeline.html#y1992"' in html


def test_home_key_facts_show_every_casualty_and_displacement_claim(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    facts = home[home.index('<aside class="facts"') : home.index("</aside>")]
    figures = json.loads((built_site / "data" / "figures.json").read_text(encoding="utf-8"))
    for group in ("Total killed", "Azerbaijanis displaced", "Armenians displaced"):
        assert f"<dt>{group}</dt>" in facts
        stated = {f["value_text"] for f in figures if f["group"] == group}
        block = facts[facts.index(f"<dt>{group}</dt>") :].split("</dd>")[0]
        claims = re.findall(r'<li class="fact">(.*?)</li>', block, re.S)
        # every distinct figure the sources give is shown, none chosen over another
        values = [
            unescape(re.search(r'<span class="value">(.*?)</span>', c).group(1)) for c in claims
        ]
        assert set(values) == stated  # every figure the sources give, none chosen over another
        assert all('class="cite"' in c for c in claims)
        anchor = re.search(r'href="casualties\.html#(group-[a-z-]+)"', block).group(1)
        casualties = (built_site / "casualties.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in casualties
    assert "between 20,000 and 30,000" in facts and "up to 30,000" in facts
