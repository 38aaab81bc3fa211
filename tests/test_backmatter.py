"""Body / back matter split: real seeds and synthetic documents."""

from __future__ import annotations

from karabakh_site.backmatter import body_end, score

PROSE = [
    "The offensive began in the spring and soon reached the river valley.",
    "Several villages were taken by the advancing units within a week.",
    "The government in the capital responded by calling up reservists.",
    "Talks between the two sides were held in a neutral city but failed.",
    "By the end of the year the front line had barely moved.",
    "Both armies suffered heavy losses during the winter that followed.",
    "Foreign observers reported that civilians had fled the border areas.",
    "A ceasefire was finally agreed after a second round of talks.",
] * 3
REFERENCES = [
    "Smith 2001, p. 45.",
    "Jones & Brown 1999, pp. 12–14.",
    '"A Long Winter". The Daily Paper. 3 March 1993. Archived from the original on 5 May 2010.',
    "Retrieved 12 January 2021.",
    "Smith, John (2001). The River War. Oxford: Oxford University Press. ISBN 0-19-927096-1.",
    "Books",
    "Brown, Anna (1999). Borders. London: Routledge.",
]


def test_real_article_splits_where_the_notes_begin(sources):
    article = sources["001_6e4f82572dc41e76.txt"]
    body = article.body
    back = [s for s in article.sentences if s.role == "back"]
    assert body[-1].text == "It was directed by Rufat Asadov and written by Orkhan Fikratoglu."
    assert back[0].text == "Nagorno-Karabakh Autonomous Oblast (NKAO) until 1991."
    assert back[0].start == 68427
    assert any(s.text.startswith("de Waal 2013, p. 327") for s in back)
    assert not any("Archived from the original" in s.text for s in body)


def test_texts_without_back_matter_keep_everything(sources):
    for name in ("000_1d31f53d277839b6.txt", "002_9276acad1e55b4fe.txt"):
        assert all(s.role != "back" for s in sources[name].sentences), name


def test_synthetic_article_with_reference_list():
    assert body_end(PROSE + REFERENCES) == len(PROSE)


def test_prose_only_has_no_back_matter():
    assert body_end(PROSE) == len(PROSE)


def test_one_citation_like_sentence_in_prose_is_not_back_matter():
    text = [*PROSE[:10], "See Smith 2001, p. 45.", *PROSE[10:]]
    assert body_end(text) == len(text)


def test_prose_notes_after_a_cluster_of_fragments_go_with_the_references():
    notes = [
        "Autonomous Region (NKAO) until 1991.",
        "Republic of Armenia (Soviet Armenia) until 1990.",
        '"Soviet troops have been in the region for two years ..."',
        "The government denies that such an event took place at all.",
        "During the crisis, one of the leaders was reported to be preparing withdrawals.",
    ]
    document = PROSE + notes + REFERENCES
    assert body_end(document) == len(PROSE)


def test_signals():
    assert score("Archived from the original on 5 May 2010.").reference >= 0.6
    assert score("de Waal 2013, p. 327.").reference == 1.0
    assert score("Human Rights Watch.").reference >= 0.4
    prose = score("The offensive began in the spring and soon reached the river valley.")
    assert prose.reference == 0.0 and prose.prose > 0.8
