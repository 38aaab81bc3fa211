"""Sentence segmentation: rule cases, and precision/recall against the annotated gold set."""

from __future__ import annotations

import pytest

from conftest import gold, seed_text
from karabakh_site.sentences import display_text, reads_as_table, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # initials and abbreviations never end a sentence
        (
            "Calls came from Boris Yeltsin and George H. W. Bush. Fighting went on.",
            ["Calls came from Boris Yeltsin and George H. W. Bush.", "Fighting went on."],
        ),
        (
            "Russian professor Georgiy I. Mirsky wrote a book. It sold well.",
            ["Russian professor Georgiy I. Mirsky wrote a book.", "It sold well."],
        ),
        ("See de Waal 2013, p. 327. Also p. 12.", ["See de Waal 2013, p. 327.", "Also p. 12."]),
        ("The U.S. Congress voted. Aid stopped.", ["The U.S. Congress voted.", "Aid stopped."]),
        ("Aid came from the U.S. The war went on.", ["Aid came from the U.S.", "The war went on."]),
        (
            "Some villages (e.g., Imereti) burned. Others did not.",
            ["Some villages (e.g., Imereti) burned.", "Others did not."],
        ),
        (
            "Dr. Smith and Gen. Lee met. They talked.",
            ["Dr. Smith and Gen. Lee met.", "They talked."],
        ),
        (
            "It adopted Resolution No. 10/11 in 2008. Nobody objected.",
            ["It adopted Resolution No. 10/11 in 2008.", "Nobody objected."],
        ),
        # a Roman numeral after "War" is not an initial
        (
            "Its roots lie in World War I. Amid the collapse, states formed.",
            ["Its roots lie in World War I.", "Amid the collapse, states formed."],
        ),
        # decimals and thousands
        (
            "Turnout was 82.2% and 99.89% voted yes. Then 1,000 fled.",
            ["Turnout was 82.2% and 99.89% voted yes.", "Then 1,000 fled."],
        ),
        # a full stop before a lowercase word is not a boundary
        (
            "Talks ended in late September. with the final blow in October. Then winter.",
            ["Talks ended in late September. with the final blow in October.", "Then winter."],
        ),
        # a quotation of several sentences inside a reporting clause is one sentence
        (
            'He noted that, "It is cold. It is late." The next day it snowed.',
            ['He noted that, "It is cold. It is late."', "The next day it snowed."],
        ),
        (
            'The region was called "Xankandi." In response, a vote was held.',
            ['The region was called "Xankandi."', "In response, a vote was held."],
        ),
        ("He said «Wait. Stay.» They stayed.", ["He said «Wait. Stay.»", "They stayed."]),
        # brackets
        (
            "Aliyev (who moved. Then left) returned. Later he ruled.",
            ["Aliyev (who moved. Then left) returned.", "Later he ruled."],
        ),
        # line breaks and wide gaps always end a sentence
        (
            "A first line\nnews.example.org/page\nThe text begins.",
            ["A first line", "news.example.org/page", "The text begins."],
        ),
        ("It ended.   The next part", ["It ended.", "The next part"]),
        # a missing full stop before "The"/"During" in run-together text
        (
            "a thaw appeared in 2008 The two groups lived in peace.",
            ["a thaw appeared in 2008", "The two groups lived in peace."],
        ),
        (
            "but not in the film The Promise which was shown.",
            ["but not in the film The Promise which was shown."],
        ),
        # other scripts
        ("Он сказал. Мы ушли. Then English.", ["Он сказал.", "Мы ушли.", "Then English."]),
        # a question and an exclamation
        ("Why? Because! It was so.", ["Why?", "Because!", "It was so."]),
        # a reference list starting with a lowercase particle
        (
            "Retrieved 2010. de Waal 2013, p. 326. Bertsch 1999.",
            ["Retrieved 2010.", "de Waal 2013, p. 326.", "Bertsch 1999."],
        ),
    ],
)
def test_segmentation_cases(text, expected):
    assert sentences(text) == expected


def test_maintenance_markers_are_flags_not_text():
    text = "Winter was cold.[full citation needed] Grain ran out.[citation needed] It ended."
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "Winter was cold.",
        "Grain ran out.",
        "It ended.",
    ]
    assert [m.label for m in spans[0].markers] == ["full citation needed"]
    assert [m.label for m in spans[1].markers] == ["citation needed"]
    assert spans[2].markers == ()


def test_marker_inside_a_sentence_is_removed_from_the_shown_text():
    text = "Aid arrived[citation needed] in December. Then spring."
    first = split_sentences(text)[0]
    assert text[first.start : first.end] == "Aid arrived[citation needed] in December."
    assert display_text(text, first) == "Aid arrived in December."
    assert [m.label for m in first.markers] == ["citation needed"]


def test_editorial_brackets_stay_text():
    text = 'It would "place us [the Commonwealth] on the verge". Then it ended.'
    first = split_sentences(text)[0]
    assert first.markers == ()
    assert "[the Commonwealth]" in display_text(text, first)


def test_offsets_cover_text_and_tolerate_bom_and_crlf():
    text = "\ufeffFirst line here.\r\nSecond one. Third one.\r\n"
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "First line here.",
        "Second one.",
        "Third one.",
    ]
    assert spans[0].hard_start and spans[1].hard_start and not spans[2].hard_start


def test_very_long_run_without_punctuation_is_cut():
    text = " ".join(["word"] * 2000)
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(s.end - s.start <= 1500 for s in spans)
    assert all(s.cut for s in spans[:-1])


def test_gold_precision_and_recall():
    """Exact sentence spans against tests/gold/segmentation.yaml (annotated by reading)."""
    true_pos = false_pos = false_neg = 0
    for passage in gold("segmentation.yaml")["passages"]:
        text = seed_text(passage["seed"])
        expected = set()
        pos = passage["start"]
        for sentence in passage["sentences"]:
            at = text.index(sentence, pos)
            expected.add((at, at + len(sentence)))
            pos = at + len(sentence)
        found = {
            (s.start, s.end)
            for s in split_sentences(text)
            if s.start >= passage["start"] and s.end <= passage["end"]
        }
        true_pos += len(expected & found)
        false_pos += len(found - expected)
        false_neg += len(expected - found)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(f"segmentation: precision {precision:.3f}, recall {recall:.3f} ({true_pos} exact)")
    assert true_pos + false_neg >= 250
    assert precision >= 0.97
    assert recall >= 0.94


TABLE = (
    "Year Norland Ostra Total 2008 N/A N/A 30 soldiers 2009 N/A N/A 19 soldiers 2010 7 soldiers "
    "18 soldiers 25 soldiers 2011 10 soldiers 4+ soldiers, 1 civilian 14+ soldiers, 1 civilian"
)


def test_a_flattened_table_is_not_prose():
    assert reads_as_table(TABLE)
    assert not reads_as_table(
        "According to the institute, Russia supplied 55% of the weaponry in 2007–11, 85% in "
        "2010–14 and 31% in 2015–19."
    )
    assert not reads_as_table(
        "His forces alone had captured or destroyed a total of 55 T-72s, 24 BMP-2s, 6 BM-21s, "
        "4 tanks and 12 guns between 1992 and 1993, losing 8 men."
    )
