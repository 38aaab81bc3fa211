"""Timeline: events from the narrative, eras, categories, anchors, the page and the data."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from conftest import gold
from helpers import make_source, rules
from karabakh_site.analysis import Rules, analyse
from karabakh_site.config import Category, Period, SectionRule, TimelineRules
from karabakh_site.dates import DateAnchor, Day, find_dates, resolve_dates
from karabakh_site.diplomacy import DiplomacyRules
from karabakh_site.entities import Gazetteer
from karabakh_site.figures import FigureRules
from karabakh_site.timeline import Categoriser, era, timeline_events, verify_quotes

PERIOD = TimelineRules(period=Period(Day(1988, 2), Day(1994, 5), "q"))


def mention(text: str, anchors=()):
    (found,) = [d for d in find_dates(text, anchors) if d.is_event_date]
    return found


def test_eras_compare_at_the_shared_precision():
    assert era(mention("in 1987"), PERIOD) == "before"
    assert era(mention("in January 1988"), PERIOD) == "before"
    assert era(mention("in 1988"), PERIOD) == "war"
    assert era(mention("on 20 February 1988"), PERIOD) == "war"
    assert era(mention("in 1994"), PERIOD) == "war"
    assert era(mention("on 12 May 1994"), PERIOD) == "war"
    assert era(mention("in June 1994"), PERIOD) == "after"
    assert era(mention("between October 1987 and April 1988"), PERIOD) == "war"
    assert era(mention("in 2008"), TimelineRules()) == "war"  # no period: no eras


def test_categories_by_keywords_sections_and_default():
    categorise = Categoriser(
        [
            Category("military", "Military", {"offensive": 2, "captur*": 2}, ("war",)),
            Category("diplomatic", "Diplomatic", {"ceasefire": 2, "talks": 2}, ("talks",)),
            Category("other", "Other", default=True),
        ]
    )
    assert categorise("The offensive captured three towns.", "x") == "military"
    assert categorise("A ceasefire was agreed at the talks.", "war") == "diplomatic"
    assert categorise("Nothing to go by here.", "talks") == "diplomatic"
    assert categorise("Nothing to go by here.", "x") == "other"
    assert Categoriser([])("anything", "x") is None


def test_anchor_dates_the_end_of_the_war_but_not_when_a_year_follows():
    end = DateAnchor("the end of the war", Day(1994, 5), "month")
    d = mention("By the end of the war, he held the position of Chief of Staff.", [end])
    assert d.anchored and d.date.iso() == "1994-05" and d.from_context
    d = mention("By the end of the war in 1994, the Armenians were in control.", [end])
    assert not d.anchored and d.date.iso() == "1994"
    texts = ["In 1992 it began.", "By the end of the war, it was over.", "On 3 May it rained."]
    resolved = resolve_dates([(t, find_dates(t, [end])) for t in texts])
    assert resolved[2][0].date.iso() == "1992-05-03"  # the anchor did not move the narrative


def test_one_event_per_distinct_date_and_no_references_back():
    def sentence(text):
        (dates,) = resolve_dates([(text, find_dates(text))])
        return SimpleNamespace(
            text=text, dates=tuple(dates), section="s", page="p.html", anchor="a", category="c"
        )

    events = timeline_events(
        [
            sentence("The Sumgait (1988) and Gugark (1988) pogroms began in 1988."),
            sentence("In 1993 the winter was as cold as in the previous year."),
            sentence("Mirsky supported this in his 1997 book."),
        ],
        PERIOD,
    )
    assert [(e.mention.date.iso(), e.sentence.text[:6], e.category) for e in events] == [
        ("1988", "The Su", "c"),
        ("1993", "In 199", "c"),
    ]


def test_a_sources_analysis_categorises_the_sentences_that_date_events_in_their_section():
    text = (
        "In 1991, fighting broke out in the hills. Villages burned on both sides. "
        "In 1992 both sides met. In 1993, the offensive captured three towns. Towns fell."
    )
    categories = (
        Category("military", "Military", {"offensive": 2, "captur*": 2}),
        Category("diplomatic", "Diplomatic", sections=("talks",)),
        Category("other", "Other", default=True),
    )

    def categorised(section: SectionRule) -> tuple[str | None, ...]:
        rules_of = Rules(
            rules(section), FigureRules(), DiplomacyRules(), Gazetteer(), (), categories
        )
        analysis = analyse(make_source(text), rules_of)
        assert set(analysis.layout.labels) == {section.slug}
        return analysis.categories

    # Undated sentences have none; the section counts as much as a keyword.
    assert categorised(SectionRule("war", "War")) == ("other", None, "other", "military", None)
    talks = categorised(SectionRule("talks", "Talks"))
    assert talks == ("diplomatic", None, "diplomatic", "military", None)


def test_period_and_anchors_need_a_quote_a_seed_holds(tmp_path):
    rules = TimelineRules(period=Period(Day(1988, 2), Day(1994, 5), "not in any seed", 3))
    kept, warnings = verify_quotes(rules, ["Some seed text."], tmp_path / "timeline.yaml")
    assert kept.period is None
    assert len(warnings) == 1 and "timeline.yaml:3" in warnings[0]
    kept, warnings = verify_quotes(rules, ["It is not in  any\nseed indeed."], tmp_path)
    assert kept.period is not None and warnings == []


def test_timeline_data_against_the_gold_set(built_site):
    """End to end: each annotated dated event is on the timeline with its date and precision."""
    records = json.loads((built_site / "data" / "timeline.json").read_text(encoding="utf-8"))
    events = gold("timeline.yaml")["events"]
    found = correct = 0
    misses, wrong = [], []
    for event in events:
        quote = " ".join(event["quote"].split())
        date_text = event["date_text"].replace("\u00a0", " ")
        hits = [
            r
            for r in records
            if quote in r["text"] and (date_text in r["date_text"] or r["date_text"] in date_text)
        ]
        if not hits:
            misses.append(f"{date_text} ({event['quote'][:30]})")
            continue
        found += 1
        r = hits[0]
        want = (
            str(event["date"]),
            event["precision"],
            str(event["date_end"]) if event["date_end"] else None,
        )
        if (r["date"], r["precision"], r["date_end"]) == want:
            correct += 1
        else:
            wrong.append((date_text, want, (r["date"], r["precision"], r["date_end"])))
    recall, accuracy = found / len(events), correct / max(found, 1)
    print(
        f"timeline (built): recall {recall:.3f} ({found}/{len(events)}), "
        f"date accuracy {accuracy:.3f}; misses {misses}; wrong {wrong}"
    )
    assert len(events) >= 60 and sum(e["from_context"] for e in events) >= 15
    assert recall >= 0.90
    assert accuracy >= 0.95


def test_timeline_records(built_site, content):
    records = json.loads((built_site / "data" / "timeline.json").read_text(encoding="utf-8"))
    ids = {c.id for c in content.timeline.categories}
    assert {r["category"] for r in records} <= ids
    assert len({r["category"] for r in records}) >= 4
    assert {r["era"] for r in records} == {"before", "war", "after"}
    eras = [r["era"] for r in records]
    assert eras == sorted(eras, key=["before", "war", "after"].index)
    chief = [r for r in records if r["text"].startswith("By the end of the war, he held")]
    assert [(r["date"], r["precision"], r["from_context"]) for r in chief] == [
        ("1994-05", "month", True)
    ]
    assert not [r for r in records if "previous year" in r["date_text"]]


def test_timeline_page(built_site):
    page = (built_site / "timeline.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group()
    assert 'role="group"' in svg and "<title id=" in svg and "<desc id=" in svg
    years = set(re.findall(r'href="#y(\d{4})"', svg))
    assert years and all(f'id="y{y}"' in page for y in years)
    assert 'class="era-war"' in svg and 'class="era-before"' in svg
    # without JavaScript the filter stays hidden and every entry shows
    assert re.search(r'<form class="filter" id="timeline-filter" hidden', page)
    assert not re.search(r"<li[^>]+data-category[^>]*hidden", page)
    assert '<script src="assets/timeline.js"></script>' in page
    assert (built_site / "assets" / "timeline.js").is_file()
    for title in ("Before the war", "The war, 1988–1994", "After the war"):
        assert title in page
    assert "year from context" in page and "<mark>19 December</mark>" in page
