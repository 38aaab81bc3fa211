"""Dates: every form the seeds use, narrative years, and the annotated timeline gold set."""

from __future__ import annotations

import pytest

from conftest import gold
from karabakh_site.dates import find_dates, label, resolve_dates


def in_order(sentences: list[str]):
    """The dates of consecutive sentences, each resolved by the ones before it."""
    return resolve_dates([(t, find_dates(t)) for t in sentences])


def one(text: str):
    found = [d for d in find_dates(text) if d.date is not None or d.month_only or d.relative]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "iso", "precision", "end", "part"),
    [
        ("voted on 20 February 1988.", "1988-02-20", "day", None, None),
        ("In February 1988, protests began.", "1988-02", "month", None, None),
        ("began in 1988 in Yerevan", "1988", "year", None, None),
        ("On 4 July 1921 the committee voted", "1921-07-21"[:0] + "1921-07-04", "day", None, None),
        ("erupted in early 1992.", "1992", "season", None, "early"),
        ("In mid-1992, the CSCE", "1992", "season", None, "mid"),
        ("Starting in late 1991, when", "1991", "season", None, "late"),
        ("in the spring of 1918 came", "1918", "season", None, "spring"),
        ("During the winter of 1991–1992 Stepanakert", "1991", "season", "1992", "winter"),
        ("the 1992–1993 winter was cold", "1992", "season", "1993", "winter"),
        ("in the first half of 1992, after", "1992", "season", None, "first-half"),
        ("By late February 1992, it", "1992-02", "month", None, "late"),
        ("seized in May–July 1991.", "1991-05", "month", "1991-07", None),
        ("for five years (1992–1997)", "1992", "year", "1997", None),
        ("on 18–20 May 2010, respectively", "2010-05-18", "day", "2010-05-20", None),
        ("between October 1991 and April 1992", "1991-10", "month", "1992-04", None),
        ("in 2010-11 there were", "2010", "year", "2011", None),
        ("from 2001 to 2007, Mr Sahakyan", "2001", "year", "2007", None),
        ("a tentative armistice on November 10, 2020, by which", "2020-11-10", "day", None, None),
    ],
)
def test_explicit_forms(text, iso, precision, end, part):
    d = one(text)
    assert d.date.iso() == iso
    assert d.precision == precision
    assert (d.date_end.iso() if d.date_end else None) == end
    assert d.part == part
    assert d.explicit_year


@pytest.mark.parametrize(
    "text",
    [
        "around 1,000 people",
        "the 366th Regiment",
        "a salary of over 5,000 rubles",
        "aged 18–40",
        "voted 4–3 in favor",
        "Resolution 1416 was adopted",
        "fluctuated between 1500–3000",
        "At 2:45 pm the attack",
        "1500 men arrived",
        "It may be true.",
    ],
)
def test_numbers_that_are_not_dates(text):
    assert [d for d in find_dates(text) if d.precision != "decade"] == []


def test_fake_dates_are_not_dates():
    assert find_dates("on 31 February 1992 it") == []
    assert find_dates("on 1 Smarch 1993") == [] or all(
        d.precision == "year" for d in find_dates("on 1 Smarch 1993")
    )


def test_decades_and_centuries_are_not_event_dates():
    decade, century = find_dates("by the late 1980s, and in the 19th century")
    assert decade.precision == "decade" and not decade.is_event_date
    assert century.precision == "century" and century.date.year == 1801


def test_year_less_dates_take_the_narrative_year():
    text = [
        "In late 1991, militias launched operations.",
        "On 19 December, interior ministry troops began to withdraw, completing "
        "their departure on 27 December.",
        "On 6 January 1992, the region declared its independence.",
        "On 8 May a force of several hundred troops attacked.",
    ]
    resolved = in_order(text)
    assert [d.date.iso() for d in resolved[1]] == ["1991-12-19", "1991-12-27"]
    assert all(not d.explicit_year for d in resolved[1])
    assert resolved[3][0].date.iso() == "1992-05-08"


def test_asides_and_adjectival_years_do_not_move_the_narrative():
    text = [
        "In March 1993, attacks were reported.",
        "Armenia (which signed treaties in 1997 and 2010) stayed out.",
        "Mirsky supported this in his 1997 book.",
        "On 2 April, forces advanced.",
    ]
    resolved = in_order(text)
    assert resolved[1][0].aside and resolved[2][0].adjectival
    assert resolved[3][0].date.iso() == "1993-04-02"


def test_a_sentence_naming_its_event_by_year_dates_its_days():
    text = [
        "A ceasefire was signed in May 1994.",
        "The 2008 Mardakert clashes began on 4 March after the election protests.",
        "Following the incident, on March 14 the General Assembly adopted a resolution.",
        "In his 1997 book, he wrote that on 4 May the troops left.",
    ]
    resolved = in_order(text)
    assert resolved[1][1].date.iso() == "2008-03-04"
    assert resolved[2][0].date.iso() == "2008-03-14"  # and the narrative is now in 2008
    assert resolved[3][1].date.iso() == "2008-05-04"  # "his 1997 book" names no event


def test_relative_dates():
    text = [
        "On 4 July 1921 the committee voted, but a day later it reversed its decision.",
        "On 28 March, troops attacked.",
        "During the afternoon of the next day, units took up positions.",
        "After losses in 1992, shipments started in the following year.",
        "The same year saw clashes.",
    ]
    resolved = in_order(text)
    assert [d.date.iso() for d in resolved[0]] == ["1921-07-04", "1921-07-05"]
    assert resolved[1][0].date.iso() == "1921-03-28"
    assert resolved[2][0].date.iso() == "1921-03-29"
    assert [d.date.iso() for d in resolved[3]] == ["1992", "1993"]
    assert resolved[4][0].date.iso() == "1993"


def test_listed_month_shares_the_year_written_after_it():
    t = "Progress was reported at talks in May and November 2009."
    ((may, november),) = resolve_dates([(t, find_dates(t))])
    assert may.date.iso() == "2009-05" and november.date.iso() == "2009-11"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("on 20 February 1988", "20 February 1988"),
        ("in mid-1992", "mid-1992"),
        ("on 20–23 September 1991", "20–23 September 1991"),
        ("the winter of 1991–1992", "winter 1991–1992"),
        ("in May–July 1991", "May–July 1991"),
        ("late February 1992", "late February 1992"),
        ("1992–1997", "1992–1997"),
    ],
)
def test_labels_keep_the_precision(text, shown):
    assert label(one(text)) == shown


def test_timeline_gold_recall_and_accuracy(sources):
    """Every annotated date in tests/gold/timeline.yaml found, with date, precision and end."""
    events = gold("timeline.yaml")["events"]
    assert len(events) >= 60
    assert sum(1 for e in events if e["from_context"]) >= 15
    found = correct = 0
    misses = []
    for event in events:
        source = sources[event["seed"]]
        at = source_text_offset(event["seed"], event["quote"])
        sentence = next(s for s in source.body if s.start <= at < s.end)
        pos = sentence.text.find(event["date_text"].replace("\u00a0", " "))
        hits = [
            d
            for d in sentence.dates
            if pos >= 0
            and d.start < pos + len(event["date_text"])
            and pos < d.end
            and d.date is not None
        ]
        if not hits:
            misses.append(event["date_text"])
            continue
        found += 1
        d = hits[0]
        got = (d.date.iso(), d.precision, d.date_end.iso() if d.date_end else None)
        want = (
            str(event["date"]),
            event["precision"],
            str(event["date_end"]) if event["date_end"] else None,
        )
        correct += got == want
    recall, accuracy = found / len(events), correct / max(found, 1)
    print(f"timeline: recall {recall:.3f}, date accuracy {accuracy:.3f}, misses {misses}")
    assert recall >= 0.90
    assert accuracy >= 0.95


def source_text_offset(seed: str, quote: str) -> int:
    from conftest import seed_text

    return seed_text(seed).index(quote)
