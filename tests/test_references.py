"""Back matter → notes, footnotes, works and short citations: the real article and small
synthetic back matters.

The counts for seed 001 were made by reading its back matter (printed with `fold`), not
from the parser's output; they are written next to each assertion.
"""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import CONTENT, seed_text
from helpers import make_source
from karabakh_site.errors import SiteError
from karabakh_site.references import (
    CATEGORIES,
    EXTERNAL_LINKS,
    FURTHER_READING,
    BackMatter,
    load_reference_rules,
    parse_back_matter,
)

ARTICLE = "001_6e4f82572dc41e76.txt"


@pytest.fixture(scope="module")
def rules():
    return load_reference_rules(CONTENT / "references.yaml")


@pytest.fixture(scope="module")
def article(sources, rules) -> BackMatter:
    back = [s for s in sources[ARTICLE].sentences if s.role == "back"]
    return parse_back_matter(back, seed_text(ARTICLE), rules.aliases, rules.headings)


def parse(text: str, aliases=None, headings=None) -> tuple[BackMatter, list]:
    """A synthetic back matter: every sentence of `text` counts as back matter."""
    sentences = list(make_source(text).sentences)
    return parse_back_matter(sentences, text, aliases or {}, headings), sentences


# --- the real article ---------------------------------------------------------------


def test_works_under_each_heading(article):
    counts = Counter(w.heading for w in article.works)
    assert counts == {
        # Ambrosio 2001 … Zubok 2021, counted by reading; de Waal 2013 is the "———" entry
        # and FRD 1995 the "Federal Research Division (1995)" one.
        "Books": 45,
        # Karim 2000, Panossian 2002, Walker 1996, Walker 1999.
        "Chapters": 4,
        # Aklar ("Ab imperio 2/2005"), Papazian 2008, Saporov 2012, Taarnby 2008, Yamskov 1991.
        "Journal articles": 5,
        # Cornell 1999, CSCE 1993, Denber & Goldman 1992, Denber, Petrov & Derry 1993,
        # ECRI 2003, HRW World Report (undated), HRW/Helsinki 1994, Kushen 1991, Wilson 1991.
        "Reports": 9,
        # No heading in the text: Altstadt 1992 … Taubman 2017 (the list restarts at "A").
        FURTHER_READING: 16,
        # No heading: the Commons box, one sentence in which the text runs eight links
        # together with nothing to separate them, and "BBC News, Regions and Territories- …".
        # The parser keeps the run-on sentence as one entry: 3, where a reader sees 10.
        EXTERNAL_LINKS: 3,
    }
    inferred = {w.heading for w in article.works if w.heading_inferred}
    assert inferred == {FURTHER_READING, EXTERNAL_LINKS}
    assert {w.category for w in article.works} <= set(CATEGORIES)
    assert Counter(w.category for w in article.works if w.heading == FURTHER_READING) == {
        "book": 12,
        "journal": 4,  # Broers 2005 (ISSN), Gahramanova 2010 (DOI), Hovannisian ×2 (volume)
    }
    assert all(w.category == "web" for w in article.works if w.heading == EXTERNAL_LINKS)


def test_work_ids_are_unique_slugs(article):
    ids = [w.id for w in article.works]
    assert len(ids) == len(set(ids))
    assert {"de-waal-2003", "de-waal-2010", "de-waal-2013", "brown-1996a", "brown-1996b"} <= set(
        ids
    )
    # The further-reading Hovannisian (Armenian Review, Summer 1971) shares a year with a book.
    assert {"hovannisian-1971", "hovannisian-1971-2"} <= set(ids)


def test_repeated_author_dash_and_a_b_suffixes(article):
    waal = article.work("de-waal-2013")
    assert waal.authors == ("de Waal, Thomas",)  # "——— (2013)."
    assert waal.title == "Black Garden: Armenia and Azerbaijan Through Peace and War"
    assert (waal.place, waal.publisher) == ("New York", "New York University Press")
    assert waal.raw.startswith("——— (2013).")
    assert article.work("de-waal-2010").title == "The Caucasus. An Introduction"
    a, b = article.work("brown-1996a"), article.work("brown-1996b")
    assert (a.authors, a.year, a.year_suffix) == (("Brown, Archie",), 1996, "a")
    assert (b.authors, b.year_suffix, b.isbn) == (("Brown, Michael E.",), "b", "0-262-52209-8")


def test_editors(article):
    edited = article.work("brzezinski-1997")  # "Brzezinski, Zbigniew; Sullivan, Paige, eds."
    assert edited.edited and edited.editors == ("Brzezinski, Zbigniew", "Sullivan, Paige")
    assert edited.authors == edited.editors and edited.year == 1997
    frd = article.work("federal-research-division-1995")
    assert frd.authors == ("Federal Research Division",)
    assert frd.editors == ("Curtis, Glenn E.",) and not frd.edited
    assert frd.title == "Armenia, Azerbaijan and Georgia: Country Studies"
    assert frd.isbn == "0-8444-0848-4"
    assert article.work("shahmuratian-1990").editors == ("Shahmuratian, Samvel",)
    denber = article.work("denber-1992")
    assert denber.authors == ("Denber, Rachel", "Goldman, Robert Kogod")
    assert denber.editors == ("Laber, Jeri",) and denber.category == "report"
    assert denber.publisher == "Human Rights Watch/Helsinki"


def test_chapters_in_edited_books(article):
    walker = article.work("walker-1996")
    assert walker.category == "chapter"
    assert walker.title == "The Armenian presence in mountainous Karabakh"
    assert walker.editors == ("Wright, John F. R.", "Goldenberg, Suzanne", "Schofield, Richard")
    assert walker.container == "Transcaucasian Boundaries"
    assert (walker.place, walker.publisher, walker.pages) == ("London", "UCL Press", "89–112")
    panossian = article.work("panossian-2002")  # begins after "Greenwood Publishing Group, 2000"
    assert panossian.editors == ("Hughes, James", "Sasse, Gwendolyn")
    assert panossian.isbn == "9781136342042"
    karim = article.work("karim-2000")  # year only in "Greenwood Publishing Group, 2000"
    assert karim.container == "The Global Dynamics of News"


def test_journal_articles_and_identifiers(article):
    saporov = article.work("saporov-2012")
    assert saporov.doi == "10.1080/09668136.2011.642583"
    assert saporov.container == "Europe-Asia Studies" and saporov.pages == "281–323"
    assert article.work("papazian-2008").doi == "10.4000/pipss.1623"
    aklar = article.work("aklar-2005")  # "Yasemin Kilit Aklar (Kocaeli University)."
    assert aklar.authors == ("Aklar, Yasemin Kilit",)
    assert (aklar.title, aklar.container) == (
        "The Teaching of History in Azerbaijan and Nationalism",
        "Ab imperio 2/2005",
    )


def test_translated_titles_and_languages(article):
    hakobyan = article.work("hakobyan-2008")
    assert hakobyan.title == "Կանաչ ու Սև: Արցախյան օրագիր"
    assert hakobyan.translated_title == "Green and Black: An Artsakh Diary"
    assert hakobyan.language == "Armenian"
    norin = article.work("norin-2017")
    assert norin.translated_title.startswith("Under the banner of democracy")
    assert norin.language == "Russian" and norin.isbn == "978-5-4461-0561-8"
    demoyan = article.work("demoyan-2006")
    assert demoyan.language == "Russian and English"
    assert demoyan.archive_date == "2013-09-21" and demoyan.retrieved == "2013-07-15"


def test_entries_run_together_in_one_sentence_are_split(article):
    by_id = {w.id: w for w in article.works}
    # "… Retrieved 15 July 2013.{{cite book}}: CS1 maint: … (link) Eichensehr, Kristen; …"
    assert by_id["eichensehr-1998"].authors == ("Eichensehr, Kristen", "Reisman, W. Michael")
    assert "CS1 maint" in by_id["demoyan-2006"].raw
    # "New York: M.E. Sharpe ISBN 0-7656-0244-X Geukjian, Ohannes (2016)."
    assert by_id["goltz-1998"].isbn == "0-7656-0244-X"
    assert by_id["geukjian-2016"].raw.startswith("Geukjian, Ohannes (2016).")
    # A report whose author is only named in its text: "Report by Professor Richard Wilson …"
    assert (by_id["wilson-1991"].authors, by_id["wilson-1991"].year) == (("Wilson, Richard",), 1991)


def test_short_citations_resolve(article):
    citations = article.citations
    # 97 short citations, from "Panossian 2002, p. 145." to "Karny 2000, pp. 405–406.",
    # three of them inside a longer sentence ("… region, Cooley 2002, pp. 150–51.").
    assert len(citations) == 97
    resolved = [c for c in citations if c.work]
    print(f"\nshort citations resolved: {len(resolved)}/{len(citations)}")
    for c in article.unresolved:
        print(f"  unresolved: {c.raw!r} (footnote {c.footnote}): {c.problem}")
    assert len(resolved) / len(citations) >= 0.95
    assert len(resolved) == 96  # the share achieved: 0.990
    # "HRW 1993": no work by Human Rights Watch is dated 1993. The 1993 report by Denber,
    # Petrov & Derry was published by Human Rights Watch/Helsinki, but the text does not say
    # that "HRW 1993" means it, so the citation is reported rather than guessed.
    assert [c.raw for c in article.unresolved] == ["HRW 1993"]
    assert "human-rights-watch-helsinki-1994" in article.unresolved[0].problem


def test_citations_find_the_right_work(article):
    work_of = {c.raw.replace("\xa0", " "): c.work for c in article.citations}
    assert work_of["Denber & Goldman 1992, pp. 19–21"] == "denber-1992"
    assert work_of["Denber, Petrov & Derry 1993, pp. 5, 11"] == "denber-1993"
    assert work_of["de Waal 2013, p. 327"] == "de-waal-2013"
    assert work_of["de Waal 2003, p. 286"] == "de-waal-2003"
    assert work_of["Brown 1996a, p. 262"] == "brown-1996a"
    assert work_of["Brown 1996b, p. 125"] == "brown-1996b"
    assert work_of["Chorbajian, Donabedian & Mutafian 1994, p. 9"] == "chorbajian-1994"
    assert work_of["Chorbajian 2001, pp. 1, 16"] == "chorbajian-2001"
    assert work_of["Hovannisian 1971, pp. 65–92"] == "hovannisian-1971"  # not further reading
    assert work_of["Broers 2019, pp. 27–28, 81"] == "broers-2019"
    assert work_of["Rubin & Kirişci 2001, p. 175"] == "rubin-2001"
    assert work_of["Gore 2008"] == "gore-2008"  # "… at the Wayback Machine Gore 2008."
    assert work_of["Wilson 1991"] == "wilson-1991"
    by_alias = {c.raw.replace("\xa0", " "): c for c in article.citations if c.match == "alias"}
    assert by_alias["HRW 1994, p. 14"].work == "human-rights-watch-helsinki-1994"
    assert by_alias["FRD 1995, p. 98"].work == "federal-research-division-1995"
    assert by_alias["CSCE 1993, p. 125"].work.startswith("commission-on-security-and-cooperation")
    assert by_alias["ECRI 2003, p. 2"].work.startswith("european-commission-against-racism")
    denber = next(c for c in article.citations if c.raw.startswith("Denber & Goldman"))
    assert (denber.names, denber.key, denber.year) == (
        ("Denber", "Goldman"),
        "denber & goldman",
        1992,
    )
    assert denber.pages == "p. 9"


def test_footnotes(article, sources):
    footnotes = article.footnotes
    assert [f.number for f in footnotes] == list(range(1, len(footnotes) + 1))
    assert Counter(f.kind for f in footnotes)["short"] == 97  # one per short citation
    assert all(len(f.citations) == 1 for f in footnotes if f.kind == "short")
    # The first reference starts inside a sentence that ends the last explanatory note.
    first = footnotes[0]
    assert first.raw.startswith('"В карабахском селе') and first.kind == "full"
    assert first.sentences[0] == article.notes[-1].sentences[-1]
    griffin = next(f for f in footnotes if f.raw.startswith("Griffin, Nicholas (2004)."))
    assert griffin.kind == "full" and len(griffin.sentences) == 4
    assert griffin.raw.endswith("ISBN\xa00-226-30859-6.")
    hrw = next(f for f in footnotes if f.raw.startswith("Azerbaijan: Seven Years"))
    assert hrw.work == "human-rights-watch-helsinki-1994"  # same ISBN as the report
    cornell = next(f for f in footnotes if f.raw.startswith("Cornell 1999, p. 26:"))
    assert cornell.kind == "short" and cornell.citations[0].raw == "Cornell 1999, p. 26"
    quote = next(f for f in footnotes if f.raw.startswith("But Turkey backs"))
    assert quote.kind == "note" and quote.raw.endswith("across its land to Armenia.")


def test_explanatory_notes(article):
    notes = article.notes
    # From "Nagorno-Karabakh Autonomous Oblast (NKAO) until 1991." to "… see human rights in
    # Nagorno-Karabakh": 23 sentences and the opening of the 24th.
    assert len(notes) == 24
    assert notes[0].raw == "Nagorno-Karabakh Autonomous Oblast (NKAO) until 1991."
    assert notes[-1].raw.endswith("see human rights in Nagorno-Karabakh")


def test_records_point_into_the_seed(article, sources):
    text = seed_text(ARTICLE)
    back = [s for s in sources[ARTICLE].sentences if s.role == "back"]
    order = {s.id: i for i, s in enumerate(back)}
    records = [*article.notes, *article.footnotes, *article.works, *article.citations]
    for r in records:
        assert text[r.start : r.end] == r.raw
    for r in [*article.notes, *article.footnotes, *article.works]:
        positions = [order[sid] for sid in r.sentences]
        assert positions == sorted(positions) and positions
        assert back[positions[0]].start <= r.start and r.end <= back[positions[-1]].end
    covered = {
        sid for r in [*article.notes, *article.footnotes, *article.works] for sid in r.sentences
    }
    assert covered == set(order)  # every back sentence is in some record


def test_a_work_and_an_unresolved_citation(article):
    waal = next(w for w in article.works if w.id == "de-waal-2013")
    assert waal.authors == ("de Waal, Thomas",) and waal.year == 2013
    hrw = next(c for c in article.citations if c.raw == "HRW 1993")
    assert hrw.work is None and not hrw.pages


def test_sources_without_back_matter_give_nothing(sources, rules):
    for name in ("000_1d31f53d277839b6.txt", "002_9276acad1e55b4fe.txt"):
        back = [s for s in sources[name].sentences if s.role == "back"]
        assert back == []
        assert parse_back_matter(back, seed_text(name), rules.aliases) == BackMatter()
    assert BackMatter().unresolved == []


# --- synthetic back matters -----------------------------------------------------------

HEADED = (
    "Notes The river was renamed in 1991. "
    "References Smith 2001a, p. 45. "
    'Jones & Brown 1999, pp. 12–14: "The bridge fell in the first week." '
    '"A Long Winter". The Daily Paper. 3 March 1993. '
    "Archived from the original on 5 May 2010. Retrieved 12 January 2021. "
    "ABC 1995, p. 7. Smith 2001, p. 9. Doe 2005. "
    "Bibliography Smith, John (2001a). The River War. Oxford: Oxford University Press. "
    'ISBN 0-19-927096-1. ——— (2001b). "Another Article". Journal of Wars. 12 (3): 45–67. '
    "doi:10.1000/xyz123. Jones, Ann; Brown, Bob, eds. (1999). Borders. London: Routledge. "
    "Agency for Border Control (1995). Annual Review. Geneva: Lakeside Press. "
    "Further reading Doe, Jane (2005). A Book About Rivers. New York: Penguin. "
    "External links Official website of the river museum: https://museum.example.org/river"
)


def test_headed_back_matter():
    back, _ = parse(HEADED, aliases={"ABC": "Agency for Border Control"})
    assert [n.raw for n in back.notes] == ["The river was renamed in 1991."]
    assert [f.kind for f in back.footnotes] == ["short", "short", "full", "short", "short", "short"]
    assert [(w.id, w.heading, w.category) for w in back.works] == [
        ("smith-2001a", "Bibliography", "book"),
        ("smith-2001b", "Bibliography", "journal"),
        ("jones-1999", "Bibliography", "book"),
        ("agency-for-border-control-1995", "Bibliography", "book"),
        ("doe-2005", "Further reading", "book"),
        ("official-website-of-the", "External links", "web"),
    ]
    assert not any(w.heading_inferred for w in back.works)
    assert back.work("official-website-of-the").url == "https://museum.example.org/river"
    smith_b = back.work("smith-2001b")
    assert smith_b.authors == ("Smith, John",) and smith_b.doi == "10.1000/xyz123"
    assert (smith_b.title, smith_b.container) == ("Another Article", "Journal of Wars")
    resolved = {c.raw: (c.work, c.match) for c in back.citations}
    assert resolved["Smith 2001a, p. 45"] == ("smith-2001a", "author")
    assert resolved["Jones & Brown 1999, pp. 12–14"] == ("jones-1999", "author")
    assert resolved["ABC 1995, p. 7"] == ("agency-for-border-control-1995", "alias")
    assert resolved["Doe 2005"] == ("doe-2005", "author")
    (unresolved,) = back.unresolved
    assert unresolved.raw == "Smith 2001, p. 9"  # no suffix: "a" or "b" cannot be told
    assert "smith-2001a, smith-2001b" in unresolved.problem


def test_alias_is_needed_for_an_abbreviation():
    back, _ = parse(HEADED)
    abc = next(c for c in back.citations if c.raw.startswith("ABC"))
    assert abc.work is None and "no work by ABC dated 1995" in abc.problem


def test_flattened_back_matter_without_headings_for_notes_and_footnotes():
    text = (
        "Soviet troops were withdrawn from the town in the spring of 1991. "
        "The government later denied that any withdrawal had been ordered. "
        "Roe 2004, p. 3. Poe 2010. "
        'Roe, Alan (2004). "Letters from the Front". The Evening Star. 12 May 2004. '
        "Archived from the original on 1 June 2010. Retrieved 2 June 2011. "
        "Books Poe, Edgar (2010). Tales of the Valley. New York: Penguin. ISBN 0-14-303-950-0. "
        "Reports Roe, Alan (2004). Field Report (PDF). Geneva: Lakeside Press. "
        "Sim, Tom (2002). Hill Forts. Leeds: Maney. "
        "Zed, Anna (2001). The Last Winter. London: Routledge. Abel, Carl (1999). "
        "Mountain Roads. Paris: Seuil. Bard, Dora (2003). River Towns. Rome: Laterza. "
        "Cole, Eve (2008). Old Bridges. Oslo: Gyldendal. "
        "Wikimedia Commons has media related to the valley."
    )
    back, sentences = parse(text)
    assert [n.raw for n in back.notes] == [
        "Soviet troops were withdrawn from the town in the spring of 1991.",
        "The government later denied that any withdrawal had been ordered.",
    ]
    assert [f.kind for f in back.footnotes] == ["short", "short", "full"]
    assert [(w.id, w.heading, w.heading_inferred) for w in back.works] == [
        ("poe-2010", "Books", False),
        ("roe-2004", "Reports", False),
        ("sim-2002", "Reports", False),
        ("zed-2001", "Reports", False),
        ("abel-1999", FURTHER_READING, True),  # the alphabet starts again
        ("bard-2003", FURTHER_READING, True),
        ("cole-2008", FURTHER_READING, True),
        ("wikimedia-commons-has-media", EXTERNAL_LINKS, True),
    ]
    assert [c.work for c in back.citations] == ["roe-2004", "poe-2010"]
    ids = {s.id for s in sentences}
    assert all(set(r.sentences) <= ids for r in [*back.notes, *back.footnotes, *back.works])


def test_et_al_and_several_citations_in_one_footnote():
    text = (
        "References Smith et al. 2001, p. 4. Smith 2001, p. 6; Jones 1999, p. 5. "
        "Bibliography Smith, Ann; Lee, Bo; Roe, Cy (2001). Three Authors. Leeds: Maney. "
        "Jones, Tom (1999). One Author. Leeds: Maney."
    )
    back, _ = parse(text)
    first, second = back.footnotes
    # The sentence splitter ends a sentence at "al."; the citation is put back together.
    assert first.raw == "Smith et al. 2001, p. 4." and len(first.sentences) == 2
    assert [(c.key, c.work) for c in first.citations] == [("smith et al.", "smith-2001")]
    assert second.kind == "short"
    assert [(c.raw, c.work) for c in second.citations] == [
        ("Smith 2001, p. 6", None),  # one author cited, three in the work
        ("Jones 1999, p. 5", "jones-1999"),
    ]


def test_translated_title_and_editor_line():
    text = (
        "Books Ivanov, Ivan (1999). Горная война [Mountain war] (in Russian). "
        "Petrov, Pyotr (ed.). Moscow: Nauka. ISBN 5-02-000000-1."
    )
    back, _ = parse(text)
    (work,) = back.works
    assert (work.title, work.translated_title, work.language) == (
        "Горная война",
        "Mountain war",
        "Russian",
    )
    assert work.editors == ("Petrov, Pyotr",) and not work.edited
    assert (work.place, work.publisher, work.isbn) == ("Moscow", "Nauka", "5-02-000000-1")


def test_extra_headings_from_the_rules():
    text = "Primary sources Roe, Alan (2004). Field Notes. Geneva: Lakeside Press."
    back, _ = parse(text)
    assert back.works == ()  # an unknown heading word is just text
    back, _ = parse(text, headings={"Primary sources": "report"})
    assert [(w.id, w.heading, w.category) for w in back.works] == [
        ("roe-2004", "Primary sources", "report")
    ]


def test_no_back_matter_gives_empty_results():
    assert parse_back_matter([], "", {"HRW": "Human Rights Watch"}) == BackMatter()


# --- content/references.yaml ----------------------------------------------------------


def test_rules_file(rules):
    assert rules.aliases["HRW"] == "Human Rights Watch"
    assert set(rules.aliases) >= {"HRW", "FRD", "CSCE", "ECRI"}


def test_missing_rules_file_gives_no_aliases(tmp_path):
    assert load_reference_rules(tmp_path / "references.yaml").aliases == {}


def test_unknown_key_in_rules_is_an_error(tmp_path):
    path = tmp_path / "references.yaml"
    path.write_text("aliases:\n  HRW: Human Rights Watch\nheadngs: {}\n", encoding="utf-8")
    with pytest.raises(SiteError) as err:
        load_reference_rules(path)
    message = str(err.value)
    assert str(path) in message and err.value.line == 3
    assert "unknown key 'headngs'" in message and "allowed keys: aliases, headings" in message


def test_unknown_heading_role_is_an_error(tmp_path):
    path = tmp_path / "references.yaml"
    path.write_text("headings:\n  Primary sources: bibliography\n", encoding="utf-8")
    with pytest.raises(SiteError) as err:
        load_reference_rules(path)
    assert "'bibliography' is not one of: notes, footnotes, works" in str(err.value)
