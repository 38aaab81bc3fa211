"""Entities: gazetteer rules, mention finding, suggestions, related names, and the gold set."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CONTENT, gold
from karabakh_site.assemble import ALL_ROLES
from karabakh_site.entities import (
    TYPES,
    Gazetteer,
    Mention,
    cooccurrence,
    entity_records,
    find_mentions,
    load_gazetteer,
    normalise,
    sentence_years,
    slugify,
    suggest,
)
from karabakh_site.errors import SiteError
from karabakh_site.model import find_quotes

SMALL = """\
entities:
  - name: Armenia
    type: place
    aliases: [Republic of Armenia]
  - name: Nagorno-Karabakh
    type: place
  - name: Nagorno-Karabakh Autonomous Oblast
    type: place
    aliases: [NKAO]
  - name: Shusha
    type: place
    aliases: [Shushi]
  - name: Moscow
    type: place
    native: [Москва]
  - name: Heydar Aliyev
    type: person
    ambiguous: [Aliyev]
    years: [1969, 2003]
  - name: Ilham Aliyev
    type: person
    ambiguous: [Aliyev]
    years: [2003, null]
  - name: Time
    type: organisation
    aliases: [Time magazine]
    common_words: [Time]
  - name: United States
    type: place
    aliases: [US]
  - name: Iran–Iraq War
    type: event
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "entities.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path) -> Gazetteer:
    return load_gazetteer(write(tmp_path, SMALL))


def found(text: str, gazetteer: Gazetteer, year: int | None = None) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in find_mentions(text, year, gazetteer)]


# --- matching rules ---------------------------------------------------------------------


def test_whole_words_only(small):
    assert found("Armenian forces entered Armenia.", small) == [("Armenia", "armenia")]
    assert found("the pro-Armenianism of Armenias", small) == []
    assert found("a Moscow-based group", small) == [("Moscow", "moscow")]
    assert found("costs of US$1 billion, paid by the US", small) == [("US", "united-states")]


def test_longest_match_wins(small):
    text = "the Nagorno-Karabakh Autonomous Oblast (NKAO) and Nagorno-Karabakh"
    assert found(text, small) == [
        ("Nagorno-Karabakh Autonomous Oblast", "nagorno-karabakh-autonomous-oblast"),
        ("NKAO", "nagorno-karabakh-autonomous-oblast"),
        ("Nagorno-Karabakh", "nagorno-karabakh"),
    ]


def test_offsets_possessives_and_typographic_variants(small):
    text = "Shusha's fall, Shushi’s walls and the Iran-Iraq War"
    mentions = find_mentions(text, None, small)
    assert [(m.text, m.entity_id) for m in mentions] == [
        ("Shusha", "shusha"),
        ("Shushi", "shusha"),
        ("Iran-Iraq War", "iran-iraq-war"),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert found("the Nagorno-Karabakh\nAutonomous Oblast", small)[0][0].endswith("Oblast")


def test_case_sensitive_names_and_exact_abbreviations(small):
    assert found("armenia, ARMENIA, nkao, Nkao, us and Us", small) == []


def test_ambiguous_surname_resolved_by_year_or_context_else_unlinked(small):
    assert found("Aliyev was elected.", small, 1993) == [("Aliyev", "heydar-aliyev")]
    assert found("Aliyev threatened war.", small, 2014) == [("Aliyev", "ilham-aliyev")]
    assert found("Aliyev spoke.", small, 2003) == []  # both in office that year
    assert found("Aliyev spoke.", small, None) == []
    assert found("Aliyev spoke.", small, 1950) == []  # neither
    # A full name in the same text decides, whatever the year.
    text = "Heydar Aliyev tried; Aliyev himself moved to Moscow."
    assert found(text, small, None) == [
        ("Heydar Aliyev", "heydar-aliyev"),
        ("Aliyev", "heydar-aliyev"),
        ("Moscow", "moscow"),
    ]
    both = "Heydar Aliyev and Ilham Aliyev: Aliyev spoke."
    assert [e for _, e in found(both, small, None)] == ["heydar-aliyev", "ilham-aliyev"]


def test_never_inside_another_script(small):
    text = (
        'Mutalibov said, "Я помню, как мы в Москва и Moscow Armenia сёла..." '
        "(I remember how we in Moscow)."
    )
    assert found(text, small) == [("Moscow", "moscow")]
    assert found("Москва", small) == []  # native names are data, never linked


def test_everyday_word_names_not_linked_at_sentence_start(small):
    assert found("Time was short. A reporter from Time confirmed it.", small) == [("Time", "time")]
    assert found("Time magazine reported it.", small) == [("Time magazine", "time")]


def test_empty_gazetteer_links_nothing(tmp_path):
    for gazetteer in (
        Gazetteer(),
        load_gazetteer(write(tmp_path, "entities: []\n")),
        load_gazetteer(tmp_path / "missing.yaml"),
    ):
        assert gazetteer.entities == ()
        assert find_mentions("Armenia and Azerbaijan fought over Karabakh.", 1992, gazetteer) == []
        assert suggest(["Armenia and Azerbaijan."], gazetteer) != []


def test_an_unseen_subject_links_nothing():
    gazetteer = load_gazetteer(CONTENT / "entities.yaml")
    text = (
        "The Battle of Hastings was fought on 14 October 1066 between the Norman-French army "
        "of William, the Duke of Normandy, and an English army under King Harold Godwinson."
    )
    assert find_mentions(text, 1066, gazetteer) == []


_REAL = load_gazetteer(CONTENT / "entities.yaml")
_PIECES = sorted({n for e in _REAL.entities for n in (*e.names, *e.ambiguous, *e.native)})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_PIECES),
            st.sampled_from([" ", ", ", "'s ", "-", "n ", ". ", " (", ") ", '"', "’s", "\n"]),
            st.text(alphabet="abcXYZ Яж-'’.", max_size=6),
        ),
        max_size=12,
    ).map("".join),
    st.one_of(st.none(), st.integers(1900, 2030)),
)
def test_mentions_are_ordered_disjoint_whole_word_names(text, year):
    mentions = find_mentions(text, year, _REAL)
    previous_end = 0
    for m in mentions:
        assert previous_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        entity = _REAL.by_id[m.entity_id]
        assert normalise(m.text) in {normalise(n) for n in (*entity.names, *entity.ambiguous)}
        assert not (m.start and text[m.start - 1].isalnum())
        assert not (m.end < len(text) and text[m.end].isalnum())
        previous_end = m.end


# --- validation ---------------------------------------------------------------------


def test_alias_clash_names_both_entities_and_the_line(tmp_path):
    text = SMALL + "  - name: Shushi Fortress\n    type: place\n    aliases: [Shushi]\n"
    with pytest.raises(SiteError) as err:
        load_gazetteer(write(tmp_path, text))
    message = str(err.value)
    assert "entities.yaml:" in message and err.value.line == SMALL.count("\n") + 1
    assert "'Shusha' (line 10)" in message and "'Shushi Fortress'" in message
    assert "ambiguous" in message  # and says what to do


def test_unknown_key_lists_the_allowed_keys(tmp_path):
    with pytest.raises(SiteError) as err:
        load_gazetteer(write(tmp_path, "entities:\n  - name: X\n    type: place\n    alias: [Y]\n"))
    message = str(err.value)
    assert err.value.line == 4 and "unknown key 'alias'" in message
    assert "did you mean 'aliases'" in message and "allowed keys: name, type, id" in message


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("  - name: X\n    type: planet\n", "is not one of: person, place"),
        ("  - name: Armenia\n    type: place\n    id: armenia-2\n", "given to both"),
        ("  - name: Armenia!\n    type: place\n", "has the id 'armenia'"),
        ("  - name: Москва\n    type: place\n", "needs an 'id'"),
        ("  - name: X\n    type: place\n    aliases: [Москва]\n", "list it under 'native'"),
        ("  - name: X\n    type: place\n    native: [Moskva]\n", "list it under 'aliases'"),
        ("  - name: X\n    type: person\n    ambiguous: [Y]\n", "no 'years'"),
        ("  - name: X\n    type: person\n    ambiguous: [Armenia]\n    years: [1, 2]\n", "also a"),
        ("  - name: X\n    type: person\n    years: [1, 2, 3]\n", "[from, to]"),
        ("  - name: X\n    type: person\n    years: [1990, 1980]\n", "backwards"),
        ("  - name: X\n    type: place\n    common_words: [Y]\n", "must be the name or an alias"),
    ],
)
def test_invalid_entries_are_errors_with_a_line(tmp_path, entry, expected):
    with pytest.raises(SiteError) as err:
        load_gazetteer(write(tmp_path, SMALL + entry))
    assert expected in str(err.value)
    assert err.value.line >= SMALL.count("\n") + 1


def test_ids_are_stable_slugs():
    assert slugify("Kərkicahan") == "kerkicahan"
    assert slugify("Malıbəyli") == "malibeyli"
    assert slugify("Yo'av Karny") == "yoav-karny"
    assert slugify("George H. W. Bush") == "george-h-w-bush"
    assert slugify("Tansu Çiller") == "tansu-ciller"
    assert slugify("Iran–Iraq War") == "iran-iraq-war"
    assert slugify("Москва") == ""


# --- the project's gazetteer ------------------------------------------------------------


def test_the_gazetteer_is_large_valid_and_its_quotes_are_verbatim(sources):
    gazetteer = load_gazetteer(CONTENT / "entities.yaml")
    by_type = Counter(e.type for e in gazetteer.entities)
    print("gazetteer:", len(gazetteer.entities), "entities,", dict(sorted(by_type.items())))
    assert len(gazetteer.entities) >= 150 and set(by_type) == set(TYPES)
    quoted = [e for e in gazetteer.entities if e.quote is not None]
    found = find_quotes(
        sources.values(), [e.quote for e in quoted] + ["not in any seed"], ALL_ROLES
    )
    assert [e.name for e in quoted if not found[e.quote]] == []
    assert len(quoted) >= 10
    assert not found["not in any seed"]


def test_matching_is_fast_on_thousands_of_sentences(sources):
    gazetteer = load_gazetteer(CONTENT / "entities.yaml")
    texts = [s.text for source in sources.values() for s in source.sentences] * 4
    started = time.perf_counter()
    total = sum(len(find_mentions(t, 1992, gazetteer)) for t in texts)
    elapsed = time.perf_counter() - started
    print(f"matching: {len(texts)} sentences, {total} mentions in {elapsed:.2f}s")
    assert len(texts) > 5000 and total > 3000
    assert elapsed < 5


# --- suggestions, related names, records --------------------------------------------------


def test_suggest_finds_frequent_unknown_names_only(small):
    sentences = [
        "The Kelbajar Brigade attacked Shusha in May.",
        "Later the Kelbajar Brigade withdrew to Armenia.",
        "Colonel Ruben Vartanian led the Kelbajar Brigade.",
        "Meanwhile Ruben Vartanian met Aliyev in Moscow on Monday.",
        "Armenian and Azerbaijani forces clashed; the Armenians held.",
        "Heavy fighting followed.",
        "Fighting resumed near the Tartar River, and heavy fighting went on.",
        "Mr Vartanian's men held the Tartar River.",
        "Iranian diplomats arrived; President Vartanian agreed.",
    ]
    suggestions = suggest(sentences, small)
    got = [(s.phrase, s.count) for s in suggestions]
    assert got == [
        ("Kelbajar Brigade", 3),
        ("Ruben Vartanian", 2),
        ("Tartar River", 2),
        ("Vartanian", 2),
    ]
    phrases = {s.phrase for s in suggestions}
    # Known names, sentence openers, titles, months, days and nationalities are left out.
    assert phrases.isdisjoint(
        {"Shusha", "Aliyev", "Moscow", "The", "Later", "Meanwhile", "Heavy", "Fighting"}
    )
    assert phrases.isdisjoint({"May", "Monday", "Colonel", "Mr", "President"})
    assert phrases.isdisjoint({"Armenian", "Azerbaijani", "Armenians", "Iranian"})
    first = suggestions[0]
    assert first.examples == tuple(sentences[:3])
    assert len(suggest(sentences, small, limit=2)) == 2


def test_cooccurrence_counts_shared_sentences():
    groups = [
        [Mention(0, 1, "a", "A"), Mention(2, 3, "b", "B"), Mention(4, 5, "a", "A")],
        ["a", "c"],
        ["a", "b"],
        ["c"],
    ]
    related = cooccurrence(groups)
    assert related == {
        "a": [("b", 2), ("c", 1)],
        "b": [("a", 2)],
        "c": [("a", 1)],
    }


def test_entity_records(small):
    mentions = find_mentions("Shusha, Shushi and Moscow", None, small)
    records = {r["id"]: r for r in entity_records(small, mentions)}
    assert records["shusha"] == {
        "id": "shusha",
        "name": "Shusha",
        "type": "place",
        "aliases": ["Shushi"],
        "url": "entities/shusha.html",
        "mentions": 2,
    }
    assert records["moscow"]["aliases"] == ["Москва"] and records["armenia"]["mentions"] == 0
    assert list(records) == sorted(records)


# --- the gold set -----------------------------------------------------------------------


def _names(*groups) -> set[str]:
    return {normalise(n).casefold() for group in groups for n in group}


def _map_to_gold(gazetteer: Gazetteer, entities: list[dict]) -> dict[str, dict]:
    """Each of our entities → the gold entity sharing most names with it (canonical names
    first); several of ours may map to one gold entity."""
    mapping = {}
    for e in gazetteer.entities:
        ours = _names(e.names, e.native)
        best, best_key = None, (0, 0)
        for g in entities:
            theirs = _names([g["name"]], g.get("aliases") or [])
            key = (normalise(g["name"]).casefold() in ours, len(ours & theirs))
            if key[1] and key > best_key:
                best, best_key = g, key
        if best is not None:
            mapping[e.id] = best
    return mapping


def _locate(quote: str, body) -> int | None:
    """The sentence a gold quote comes from: its mentions are the whole sentence's."""
    want = normalise(quote)
    return next((i for i, s in enumerate(body) if want in normalise(s.text)), None)


def _gold_spans(sentence: str, mentions: list[dict]) -> list[tuple[int, int, str, str]]:
    """Gold mentions as spans in the sentence: whole words, longest first, never overlapping,
    repeated ones in order."""
    spans: list[tuple[int, int, str, str]] = []
    for m in sorted(mentions, key=lambda m: -len(m["text"])):
        text = normalise(m["text"])
        for hit in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", sentence):
            start, end = hit.span()
            if any(start < b and a < end for a, b, _, _ in spans):
                continue
            if text.endswith("'s"):  # a possessive is not part of the name
                end -= 2
            spans.append((start, end, sentence[start:end], m["entity"]))
            break
    return sorted(spans)


def test_gold_entity_mentions(sources):
    """Mentions found in the sentences of tests/gold/entities.yaml, which were annotated by
    reading the seeds; our entities are mapped to the gold ones by shared names."""
    data = gold("entities.yaml")
    gazetteer = load_gazetteer(CONTENT / "entities.yaml")
    gold_entities = {g["name"]: g for g in data["entities"]}
    mapping = _map_to_gold(gazetteer, data["entities"])
    mapped = {g["name"] for g in mapping.values()}

    tp = n_gold = n_found = n_unplaced = 0
    missed, wrong, unlocated = [], [], []
    years = {name: sentence_years(source.body) for name, source in sources.items()}
    for item in data["sentences"]:
        body = sources[item["seed"]].body
        index = _locate(item["quote"], body)
        if index is None:
            unlocated.append(item["quote"][:60])
            continue
        sentence = body[index]
        year = years[item["seed"]][index]
        # Offsets in the normalised text are offsets in the text (one space, one
        # character for one), so our mentions are found in the sentence as written.
        text = normalise(sentence.text)
        assert len(text) == len(sentence.text)
        ours = [
            (m.start, m.end, m.text, m.entity_id)
            for m in find_mentions(sentence.text, year, gazetteer)
        ]
        theirs = _gold_spans(text, item["mentions"])
        n_unplaced += len(item["mentions"]) - len(theirs)
        n_gold += len(theirs)
        n_found += len(ours)
        unmatched = list(theirs)
        for start, end, surface, entity in ours:
            target = mapping.get(entity, {}).get("name")
            hit = next((g for g in unmatched if g[:2] == (start, end) and g[3] == target), None)
            if hit is None:
                wrong.append(f"{surface!r} → {entity} (gold: {target})  in: {text[:70]}")
            else:
                unmatched.remove(hit)
                tp += 1
        missed.extend(f"{g[2]!r} ({g[3]})  in: {text[:70]}" for g in unmatched)

    typed = [(e, mapping[e.id]) for e in gazetteer.entities if e.id in mapping]
    type_ok = sum(e.type == g["type"] for e, g in typed)
    recall = tp / n_gold
    precision = tp / n_found
    print(
        f"\nentities: recall {recall:.3f} ({tp}/{n_gold}), precision {precision:.3f} "
        f"({tp}/{n_found}) over {len(data['sentences'])} sentences; "
        f"type accuracy {type_ok / len(typed):.3f} ({type_ok}/{len(typed)})"
    )
    print(f"gold entities: {len(mapped)}/{len(gold_entities)} mapped to ours")
    print("not in our gazetteer:", sorted(set(gold_entities) - mapped))
    print("ours not in the gold:", sorted(e.id for e in gazetteer.entities if e.id not in mapping))
    print(
        "type differences:", [(e.name, e.type, g["type"]) for e, g in typed if e.type != g["type"]]
    )
    print("missed:", *missed, sep="\n  ")
    print("false links:", *wrong, sep="\n  ")
    assert not unlocated, unlocated
    assert n_unplaced == 0, f"{n_unplaced} gold mentions not found in their sentence"
    assert all(m["entity"] in gold_entities for s in data["sentences"] for m in s["mentions"])
    assert recall >= 0.90
    assert precision >= 0.95
    assert type_ok / len(typed) >= 0.90
