"""A folder holding one source the generator was not written around still gives a good site."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import CONTENT, SEEDS, TEMPLATES
from karabakh_site.build import run_build
from karabakh_site.check import check_site

# A made-up article in the shape of a flattened encyclopaedia page: lead, body, then notes,
# footnotes and a bibliography, all on one line.
ARTICLE = (
    "The Valley War was an armed conflict fought from March 1991 to June 1993 between the "
    "Republic of Norland and separatists in the valley of Ostra. Fighting began after the "
    "valley council voted to secede in March 1991. A ceasefire brokered by neighbouring states "
    "was signed in June 1993. About 12,000 people were killed and 80,000 were displaced. "
    "The valley's status remains disputed. "
    "In 1921, the valley was attached to Norland by a treaty. Over the following decades the "
    "valley's people complained of neglect by the capital. In 1989, protests spread to every "
    "town in the valley. On 3 March 1991, the council voted to secede. On 9 March, government "
    "troops entered the valley. Heavy fighting followed through the spring. "
    "In 1992, the separatists took the river crossings. On 14 May, they captured the town of "
    "Tell after a week of shelling. Several hundred civilians were killed. The government "
    "called up reservists. Mediators from two neighbouring states proposed talks in July. "
    "The talks failed in August. "
    "In early 1993, both sides were exhausted. A ceasefire was signed on 2 June 1993. "
    "Observers arrived to monitor it. Since then, talks have been held every year. "
    'Norland Province (NP) until 1991. "The valley was quiet ..." '
    'Smith 2001, p. 45. Jones & Brown 1999, pp. 12–14. "Valley talks fail". The Daily Paper. '
    "3 August 1992. Archived from the original on 5 May 2010. Retrieved 12 January 2021. "
    "Books Smith, John (2001). The Valley War. Oxford: Oxford University Press. "
    "ISBN 0-19-927096-1. Brown, Anna (1999). Borders. London: Routledge."
)


def build_one(tmp: Path, name: str, text: bytes) -> tuple[Path, dict]:
    seeds = tmp / "seeds"
    seeds.mkdir()
    (seeds / name).write_bytes(text)
    out = tmp / "site"
    result = run_build(seeds, CONTENT, TEMPLATES, out)
    report = check_site(out, seeds)
    assert report.errors == [], report.errors
    return out, {"result": result, "report": report}


def sections(out: Path) -> dict[str, int]:
    data = json.loads((out / "data" / "sections.json").read_text(encoding="utf-8"))
    return {s["slug"]: s["sentences"] for s in data}


def test_made_up_article(tmp_path):
    out, _ = build_one(tmp_path, "valley.txt", ARTICLE.encode())
    source = json.loads((out / "data" / "sources.json").read_text(encoding="utf-8"))[0]
    assert source["title"] == "Valley War"
    assert source["back_matter_sentences"] >= 8
    counts = sections(out)
    assert counts["overview"] == 5
    assert sum(counts.values()) == source["narrative_sentences"]
    assert len([s for s, n in counts.items() if n]) >= 3
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "The Valley War was an armed conflict" in home
    timeline = json.loads((out / "data" / "timeline.json").read_text(encoding="utf-8"))
    assert {"1991-03-09", "1992-05-14", "1993-06-02"} <= {e["date"] for e in timeline}


def test_news_profile_alone(tmp_path):
    name = "002_9276acad1e55b4fe.txt"
    out, _ = build_one(tmp_path, name, (SEEDS / name).read_bytes())
    source = json.loads((out / "data" / "sources.json").read_text(encoding="utf-8"))[0]
    assert source["url"] == "https://news.bbc.co.uk/2/hi/europe/country_profiles/3658938.stm"
    assert source["back_matter_sentences"] == 0
    assert sum(sections(out).values()) == source["narrative_sentences"]


def test_single_sentence_source(tmp_path):
    out, _ = build_one(tmp_path, "note.txt", b"A single sentence about 1992 and nothing else.")
    assert sum(sections(out).values()) == 1


def test_many_copies_of_one_source_are_deduplicated(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(3):
        shutil.copy(SEEDS / "002_9276acad1e55b4fe.txt", seeds / f"copy{n}.txt")
    out = tmp_path / "site"
    run_build(seeds, CONTENT, TEMPLATES, out)
    data = json.loads((out / "data" / "sources.json").read_text(encoding="utf-8"))
    assert [s["duplicates"] for s in data] == [[], ["copy0"], ["copy0"]]
    assert sum(sections(out).values()) == data[0]["narrative_sentences"]
    assert check_site(out, seeds).errors == []


def test_a_flattened_table_stays_on_its_source_page_only(tmp_path):
    table = (
        "Year Norland Ostra Total 2008 N/A N/A 30 soldiers 2009 N/A N/A 19 soldiers 2010 "
        "7 soldiers 18 soldiers 25 soldiers 2011 10 soldiers 4+ soldiers, 1 civilian 14+ "
        "soldiers, 1 civilian Although no precise figures exist, hundreds died."
    )
    place = "Heavy fighting followed through the spring. "
    text = ARTICLE.replace(place, f"{place}{table} ")
    out, _ = build_one(tmp_path, "valley.txt", text.encode())
    timeline = (out / "data" / "timeline.json").read_text(encoding="utf-8")
    assert "Year Norland Ostra" not in timeline and '"2009' not in timeline
    figures = (out / "data" / "figures.json").read_text(encoding="utf-8")
    assert "Year Norland Ostra" not in figures
    narrative = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))
    assert "Year Norland Ostra" not in narrative
    source = (out / "sources" / "valley.html").read_text(encoding="utf-8")
    assert "Year Norland Ostra" in source and "a table flattened into the text" in source
