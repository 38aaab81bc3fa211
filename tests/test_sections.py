"""Topical segmentation: section rules, leads, paragraphs, headings, and the gold set."""

from __future__ import annotations

from collections import Counter

from conftest import gold
from helpers import make_source, rules
from karabakh_site.config import SectionRule, Subsection
from karabakh_site.sections import (
    KeywordScorer,
    ParagraphInfo,
    layout_source,
    lead_span,
    subsection_titles,
)

WAR = SectionRule(slug="war", title="War", years=(1990, 1995))
BEFORE = SectionRule(slug="before", title="Before", years=(None, 1989))
TALKS = SectionRule(
    slug="talks", title="Talks", keywords={"mediat*": 2, "peace talks": 2, "Minsk Group": 2}
)


def test_keyword_scorer():
    score = KeywordScorer({"mediat*": 1.5, "Minsk Group": 2, "peace talks": 1})
    assert score("Mediators from the Minsk Group held peace  talks.") == 4.5
    assert score("the minsk group") == 0  # a capitalised keyword is case-sensitive
    assert score("immediately") == 0  # whole words only


def test_years_and_keywords_decide_and_runs_stay_together():
    text = (
        "In 1985, the region was quiet. Life went on as before in the villages. "
        "In 1991, fighting broke out in the hills. Villages burned on both sides. "
        "Many people left their homes for the city. "
        "Mediators from the Minsk Group arrived. They proposed peace talks at once. "
        "Both sides accepted mediation in principle. "
        "In 1993, the offensive resumed. In 1994, towns fell one after another."
    )
    source = make_source(text)
    layout = layout_source(source.body, rules(BEFORE, WAR, TALKS))
    assert list(layout.labels) == (["before"] * 2 + ["war"] * 3 + ["talks"] * 3 + ["war"] * 2)


def test_one_stray_keyword_does_not_switch_section():
    text = (
        "In 1991, fighting broke out in the hills. Villages burned on both sides. "
        "A mediator visited briefly. Many people left their homes for the city. "
        "Towns fell one after another."
    )
    layout = layout_source(make_source(text).body, rules(WAR, TALKS))
    assert set(layout.labels) == {"war"}


def test_forced_placement_wins():
    text = "In 1991, fighting broke out. Villages burned. Towns fell. Winter came."
    layout = layout_source(make_source(text).body, rules(WAR, TALKS), forced={2: "talks"})
    assert layout.labels[2] == "talks"


def test_lead_ends_where_the_narrative_restarts_in_time():
    text = (
        "The war lasted from 1988 to 1994. It ended in a ceasefire in 1994. "
        "A second war followed in 2020. Its roots go back a century. "
        "In 1918, the empire collapsed. In 1920, new states formed. In 1923, borders were drawn. "
        "In 1936, a leader was killed. In 1963, a petition circulated."
    )
    body = make_source(text).body
    assert lead_span(body) == (3, 4)  # "Its roots go back a century." may go either way
    lead = SectionRule(slug="overview", title="Overview", lead=True)
    layout = layout_source(body, rules(lead, BEFORE, WAR))
    assert list(layout.labels[:3]) == ["overview"] * 3
    assert "overview" not in layout.labels[4:]


def test_a_century_in_the_lead_does_not_hide_the_restart():
    """ "Origins in the early 20th century" spans the years the body then starts from."""
    text = (
        "The conflict has its origins in the early 20th century, but it began in 1988. "
        "A ceasefire was signed in 1994. A second war followed in 2020. "
        "In 1918, the empire collapsed. In 1920, new states formed. In 1923, borders were drawn."
    )
    assert lead_span(make_source(text).body) == (3, 3)


def test_lead_ends_at_the_first_layout_break():
    text = "A standfirst.\nThe region is disputed. A war began in 1988.   It has old roots."
    body = make_source(text).body
    assert lead_span(body) == (3, 3)


def test_no_lead_when_nothing_marks_one():
    body = make_source("In 1991 it began. In 1992 it went on. In 1993 it went on.").body
    assert lead_span(body) == (0, 0)


def test_paragraphs_never_cross_sections_and_are_never_single_sentences():
    sentences = [f"In 199{i % 4}, event number {i} happened in the valley." for i in range(40)]
    text = " ".join(sentences)
    layout = layout_source(make_source(text).body, rules(WAR, TALKS))
    sizes = [len(p) for p in layout.paragraphs]
    assert sum(sizes) == 40
    assert min(sizes) >= 2 and max(sizes) <= 7
    for paragraph in layout.paragraphs:
        assert len({layout.labels[i] for i in paragraph}) == 1


def test_subsection_rules_and_time_headings():
    def para(text, year=None, month=None):
        return ParagraphInfo(text, year, month, "Source")

    rule = SectionRule(
        slug="c",
        title="C",
        subsections=(
            Subsection("Deaths", keywords={"killed": 1}),
            Subsection("Refugees", keywords={"refugees": 1}),
        ),
    )
    titles = subsection_titles(
        [
            para("Hundreds were killed."),
            para("More were killed."),
            para("Refugees fled."),
            para("Refugees returned."),
        ],
        rule,
        rules().settings,
    )
    assert titles == ["Deaths", "Deaths", "Refugees", "Refugees"]
    plain = SectionRule(slug="p", title="P")
    monthly = [para("x", 1992, m) for m in (1, 2, 2, 3, 5, 5, 6, 8)]
    titles = subsection_titles(monthly, plain, rules().settings)
    assert titles[0].endswith("1992") and titles[0].startswith("January")
    assert len(set(titles)) == 2
    yearly = [para("x", y) for y in (1918, 1919, 1920, 1921, 1936, 1963, 1965, 1985)]
    titles = subsection_titles(yearly, plain, rules().settings)
    spans = [tuple(map(int, t.split("–"))) for t in dict.fromkeys(titles)]
    assert len(spans) == 2 and spans[0][0] == 1918 and spans[-1][1] == 1985
    assert spans[0][1] < spans[1][0]


def test_gold_section_placement(content, sources):
    """Share of narrative sentences placed as tests/gold/sections.yaml (annotated by reading)."""
    runs = gold("sections.yaml")["runs"]
    correct = total = 0
    confusion: Counter = Counter()
    for name in sorted({r["seed"] for r in runs}):
        body = sources[name].body
        starts = [
            (next(i for i, s in enumerate(body) if r["from"] in s.text), r["section"])
            for r in runs
            if r["seed"] == name
        ]
        expected: list[str] = []
        for (start, section), (end, _) in zip(
            starts, [*starts[1:], (len(body), None)], strict=True
        ):
            expected.extend([section] * (end - start))
        layout = layout_source(body, content.sections)
        for got, want in zip(layout.labels, expected, strict=True):
            total += 1
            correct += got == want
            if got != want:
                confusion[(want, got)] += 1
    accuracy = correct / total
    print(
        f"sections: accuracy {accuracy:.3f} over {total} sentences; "
        f"most confused {confusion.most_common(3)}"
    )
    assert total >= 400
    assert accuracy >= 0.80
