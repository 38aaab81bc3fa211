"""Incremental builds: after each kind of change, byte for byte what a clean build makes."""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import pickle
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CONTENT
from helpers import build_args
from karabakh_site import build as build_module
from karabakh_site import search, serve
from karabakh_site.analysis import Rules, analyse
from karabakh_site.build import Resident
from karabakh_site.cache import package_version
from karabakh_site.cli import main
from karabakh_site.entities import load_gazetteer
from karabakh_site.errors import SiteError
from karabakh_site.model import Sentence
from karabakh_site.pickling import pickled_as_call


def build(project: Path, out: str, capsys, *extra: str) -> str:
    code = main(
        [
            *build_args(project, project / out),
            "--verbose",
            *extra,
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def keyed_build(project: Path, capsys) -> None:
    """Build twice, so that the pages have content keys: a first build into a folder records
    none (no later build could use them), the second does."""
    assert kept(build(project, "build", capsys)) == (0, 0)
    (project / "templates" / "unused.txt").write_text("a file no template uses\n")
    assert kept(build(project, "build", capsys))[0] == 0  # no keys recorded to compare with


def edit_seed(project: Path) -> None:
    seed = project / "seeds" / "002_9276acad1e55b4fe.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8") + " In 1995 a new sentence was added.", encoding="utf-8"
    )


def edit_rules(project: Path) -> None:
    rules = project / "content" / "sections.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("switch_penalty: 2.5", "switch_penalty: 3.0"),
        encoding="utf-8",
    )


def edit_template(project: Path) -> None:
    template = project / "templates" / "entity.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("<h1>", '<h1 class="name">', 1),
        encoding="utf-8",
    )


def edit_gazetteer(project: Path) -> None:
    gazetteer = project / "content" / "entities.yaml"
    text = gazetteer.read_text(encoding="utf-8")
    assert "aliases: [Shushi, Şuşa]" in text
    gazetteer.write_text(
        text.replace("aliases: [Shushi, Şuşa]", "aliases: [Şuşa]"), encoding="utf-8"
    )


def edit_timeline_categories(project: Path) -> None:
    """Events in the war's sections no longer count as military for their section alone: 22
    of the seeds' events change category, which each source's cached analysis holds."""
    timeline = project / "content" / "timeline.yaml"
    text = timeline.read_text(encoding="utf-8")
    sections = "sections: [war-1988-1991, war-1992, war-1993, war-1994, forces]"
    assert text.count(sections) == 1
    timeline.write_text(text.replace(sections, "sections: [forces]"), encoding="utf-8")


def edit_source_title(project: Path) -> None:
    """Citations of 002 on other pages show its new title."""
    sidecar = project / "seeds" / "002_9276acad1e55b4fe.yaml"
    text = sidecar.read_text(encoding="utf-8")
    assert 'title: "Regions and territories: Nagorno-Karabakh"' in text
    sidecar.write_text(text.replace("Regions and territories", "Regions"), encoding="utf-8")


def repeat_a_sentence(project: Path) -> None:
    """A sentence of 001 also in 002: pages showing it, which held nothing of 002 (Robert
    Kocharyan's), now cite 002 too."""
    sentence = (
        "Power was subsequently assumed by a council called the State Defense Committee and "
        "chaired by Robert Kocharyan."
    )
    assert sentence in (project / "seeds" / "001_6e4f82572dc41e76.txt").read_text("utf-8")
    seed = project / "seeds" / "002_9276acad1e55b4fe.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + " " + sentence, encoding="utf-8")


def exclude_a_sentence(project: Path) -> None:
    """A sentence of 001 kept out of the narrative: 001's page marks it, though nothing 001's
    page is made from changed but where its sentences are shown."""
    corrections = project / "content" / "corrections.yaml"
    text = corrections.read_text(encoding="utf-8")
    assert text.count("exclusions:\n") == 1
    corrections.write_text(
        text.replace(
            "exclusions:\n",
            "exclusions:\n  - quote: chaired by Robert Kocharyan\n    reason: a test\n",
        ),
        encoding="utf-8",
    )


def renumber_the_sources(project: Path) -> None:
    """000 renamed to come last: 001 and 002 are numbered again, so citations of them change
    on pages that hold nothing of 000."""
    for path in (project / "seeds").glob("000_*"):
        path.rename(path.with_name("003" + path.name[3:]))


def edit_site_settings(project: Path) -> None:
    settings = project / "content" / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("title: The First Nagorno-Karabakh War", "title: Karabakh 1988–1994", 1),
        encoding="utf-8",
    )


KEPT = re.compile(r"kept (\d+) pages unchanged from the last build \((\d+) have a content key\)")


def kept(printed: str) -> tuple[int, int]:
    """(pages kept from the last build, pages with a content key), as `--verbose` says."""
    found = KEPT.search(printed)
    assert found, printed
    return int(found[1]), int(found[2])


CHANGES = [
    edit_seed,
    edit_rules,
    edit_template,
    edit_gazetteer,
    edit_timeline_categories,
    edit_source_title,
    repeat_a_sentence,
    exclude_a_sentence,
    renumber_the_sources,
    edit_site_settings,
]


@pytest.mark.parametrize("change", CHANGES)
def test_incremental_build_equals_clean_build(project_copy, capsys, change):
    keyed_build(project_copy, capsys)  # fills the cache, records content keys
    change(project_copy)
    summary = build(project_copy, "build", capsys)
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(project_copy / "build") == files(project_copy / "clean")
    kept_pages, keyed = kept(summary)
    if change is edit_seed:
        # the two unchanged seeds were neither parsed nor analysed again
        assert "reused 4 parsed or analysed sources" in summary
    if change is edit_template:
        assert "reused 6 parsed or analysed sources" in summary
        # entity.html changed; the source pages, made from source.html, are kept
        assert kept_pages == len(list((project_copy / "seeds").glob("*.txt")))
    if change in (edit_seed, edit_source_title, repeat_a_sentence, exclude_a_sentence):
        assert 0 < kept_pages < keyed  # some pages depend on the change, others do not
    if change in (edit_rules, edit_gazetteer):
        # The sources' pages follow the rules; a name's page only what it shows.
        assert 0 < kept_pages <= keyed - len(list((project_copy / "seeds").glob("*.txt")))
    if change is edit_site_settings:
        assert kept_pages == 0  # every page depends on these


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino
        for p in folder.rglob("*.html")
        if p.is_file()
    }


def test_a_seed_edit_renders_again_only_the_pages_that_show_what_it_changed(project_copy, capsys):
    keyed_build(project_copy, capsys)
    site = project_copy / "build"

    def rebuild(edit: Callable[[Path], None]) -> set[str]:
        before = inodes(site)
        edit(project_copy)
        printed = build(project_copy, "build", capsys)
        kept_pages = {path for path, inode in inodes(site).items() if before.get(path) == inode}
        assert len(kept_pages) == kept(printed)[0]
        build(project_copy, "clean", capsys, "--no-cache")
        assert files(site) == files(project_copy / "clean")
        return kept_pages

    kept_pages = rebuild(edit_seed)  # a sentence appended to 002
    # The edited source's page is made again; the other sources' pages are kept.
    assert {p for p in kept_pages if p.startswith("sources/")} == {
        "sources/000-1d31f53d277839b6.html",
        "sources/001-6e4f82572dc41e76.html",
    }
    # A name whose page shows sentences of 002, none of them changed, is kept.
    assert "entities/stepanakert.html" in kept_pages
    # Pages without a content key (sections, timeline, home) are always made.
    assert "timeline.html" not in kept_pages and "index.html" not in kept_pages

    def edit_a_sentence_naming_stepanakert(project: Path) -> None:
        seed = project / "seeds" / "002_9276acad1e55b4fe.txt"
        text = seed.read_text(encoding="utf-8")
        assert text.count("born in 1960 in Stepanakert") == 1
        seed.write_text(text.replace("born in 1960 in", "born in 1960, in"), encoding="utf-8")

    kept_pages = rebuild(edit_a_sentence_naming_stepanakert)
    assert "entities/stepanakert.html" not in kept_pages
    assert "entities/robert-kocharyan.html" in kept_pages


def test_a_rebuild_indexes_again_only_the_search_bundles_whose_pages_changed(project_copy, capsys):
    """The names' pages have bundles of the search index of their own: a seed edit that
    leaves them as they were takes those bundles from the last build, and an edit that
    changes some of them indexes again only the bundles those pages are in."""
    site = project_copy / "build"

    def index() -> tuple[list[str], dict[str, int]]:
        listed = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
        inodes = {
            p.as_posix(): p.stat().st_ino for p in site.glob("pagefind/*/**/*") if p.is_file()
        }
        return listed, inodes

    build(project_copy, "build", capsys)
    (top, *names), inodes_before = index()
    assert len(names) > 1
    edit_seed(project_copy)  # a sentence that names no one
    build(project_copy, "build", capsys)
    (new_top, *new_names), inodes_after = index()
    assert new_top != top and new_names == names
    taken = {p: n for p, n in inodes_after.items() if any(f"/{b}" in p + "/" for b in names)}
    assert taken and all(inodes_before[p] == n for p, n in taken.items())
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(site) == files(project_copy / "clean")
    pages_before = files(site / "entities")
    edit_gazetteer(project_copy)  # Shusha's page changes
    build(project_copy, "build", capsys)
    pages_after = files(site / "entities")
    changed = {f"entities/{p}" for p in pages_after if pages_before.get(p) != pages_after[p]}
    assert "entities/shusha.html" in changed
    shares = {search._share(page, len(names)) for page in changed}
    assert 0 < len(shares) < len(names)
    after = index()[0][1:]
    assert [i for i in range(len(names)) if after[i] != new_names[i]] == sorted(shares)


def test_a_page_edited_by_hand_in_the_output_is_made_again(project_copy, capsys):
    keyed_build(project_copy, capsys)
    page = project_copy / "build" / "entities" / "robert-kocharyan.html"
    page.write_text("edited by hand", encoding="utf-8")
    edit_seed(project_copy)
    build(project_copy, "build", capsys)
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(project_copy / "build") == files(project_copy / "clean")


def seed_edit_after_entity_template_shows(project: Path, capsys, markup: str) -> str:
    """entity.html with `markup` before its heading; a keyed build, then a seed edit that adds a
    dated sentence: the rebuild (checked against a clean build) prints what it kept."""
    template = project / "templates" / "entity.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("<h1>", markup + "<h1>", 1), encoding="utf-8")
    keyed_build(project, capsys)
    edit_seed(project)
    printed = build(project, "build", capsys)
    build(project, "clean", capsys, "--no-cache")
    assert files(project / "build") == files(project / "clean")
    return printed


def test_pages_follow_what_an_edited_template_reads_from_the_site_model(project_copy, capsys):
    """entity.html made to show the number of timeline entries: a seed edit that adds one
    makes every entity page again, although most hold nothing of that seed."""
    printed = seed_edit_after_entity_template_shows(
        project_copy, capsys, '<p class="n">{{ site.timeline|length }} entries</p>'
    )
    entity_pages = len(list((project_copy / "build" / "entities").glob("*.html"))) - 1  # index
    sources = len(list((project_copy / "seeds").glob("*.txt")))
    assert kept(printed) == (sources - 1, entity_pages + sources)


def test_a_template_that_passes_the_site_model_on_whole_has_its_pages_always_made(
    project_copy, capsys
):
    printed = seed_edit_after_entity_template_shows(
        project_copy, capsys, '{% set all = site %}<p class="n">{{ all.timeline|length }}</p>'
    )
    sources = len(list((project_copy / "seeds").glob("*.txt")))
    assert kept(printed) == (sources - 1, sources)  # only the source pages have keys


def test_unchanged_inputs_are_not_built_again(project_copy, capsys):
    build(project_copy, "build", capsys)
    assert "is up to date" in build(project_copy, "build", capsys)
    # A file touched in the output means it is built again.
    (project_copy / "build" / "index.html").write_text("edited by hand")
    assert "built" in build(project_copy, "build", capsys)
    assert "edited by hand" not in (project_copy / "build" / "index.html").read_text()


def test_verbose_build_times_each_stage_as_the_benchmark_reads_them(
    project_copy, capsys, monkeypatch
):
    spec = importlib.util.spec_from_file_location(
        "bench_run", Path(__file__).resolve().parent.parent / "bench" / "run.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclasses look themselves up
    monkeypatch.setattr(sys, "path", list(sys.path))  # it puts bench/ on the path
    spec.loader.exec_module(bench)
    printed = build(project_copy, "build", capsys)
    stages = {m[1]: float(m[2]) for m in bench.STAGE_LINE.finditer(printed)}
    # Pages (render) and data exports (export) are timed apart: the benchmark compares the
    # pages alone with other generators, which make no data exports.
    assert list(stages) == [
        "load",
        "parse and analyse",
        "assemble",
        "plan pages",
        "render",
        "export",
        "search index",
        "write",
    ]
    assert all(ms >= 0 for ms in stages.values()) and stages["render"] > 0


@functools.cache
def resident(project: Path) -> Resident:
    """What the serving process keeps between builds, one per project as `serve` keeps one."""
    return Resident()


def preview_rebuild(
    project: Path, generation: int, told: list, look: Callable[[], object] = lambda: None
) -> tuple[int, str | None]:
    """One rebuild as `serve` does it after an edit; `look()` runs when open pages are told."""

    def tell(*state) -> None:
        told.append(state)
        look()

    return serve._rebuild(
        project / "seeds",
        project / "content",
        project / "templates",
        project / "build",
        resident(project),
        generation,
        tell,
    )


def test_the_preview_shows_new_pages_before_their_data_and_search_index_are_made(
    project_copy, capsys
):
    assert preview_rebuild(project_copy, 0, []) == (1, None)  # nothing open yet: all first
    site = project_copy / "build"
    index_before, data_before = files(site / "pagefind"), files(site / "data")
    edit_seed(project_copy)
    seen: dict = {}

    def look() -> None:  # the moment open pages are told to reload
        seen["page"] = (site / "sources" / "002-9276acad1e55b4fe.html").read_text("utf-8")
        seen["index"] = files(site / "pagefind")
        seen["data"] = files(site / "data")

    told: list = []
    assert preview_rebuild(project_copy, 1, told, look) == (2, None)
    assert told == [(2, None)]  # told once
    assert "In 1995 a new sentence was added." in seen["page"]
    # The last build's exports and index served meanwhile.
    assert seen["index"] == index_before
    assert seen["data"] == data_before
    # When they are ready the site is byte for byte a clean build, with nothing left over.
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(site) == files(project_copy / "clean")
    assert files(site / "pagefind") != index_before
    assert b"In 1995 a new sentence was added." in files(site / "data")["sentences.json"]
    assert sorted(p.name for p in project_copy.iterdir() if p.name.startswith(".build")) == []


def test_a_preview_keeps_pages_from_its_first_build_on(project_copy):
    """A command-line build into a new folder makes no content keys; the preview's first build
    does, since every edit builds again: its first edit renders only what the edit changes."""
    site = project_copy / "build"
    assert preview_rebuild(project_copy, 0, []) == (1, None)
    before = inodes(site)
    edit_seed(project_copy)
    assert preview_rebuild(project_copy, 1, []) == (2, None)
    after = inodes(site)
    assert after["sources/000-1d31f53d277839b6.html"] == before["sources/000-1d31f53d277839b6.html"]
    assert after["sources/002-9276acad1e55b4fe.html"] != before["sources/002-9276acad1e55b4fe.html"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_preview_rebuild_equals_a_clean_build(project_copy, capsys, change):
    """The serving process keeps the content it loaded and the sources it parsed and analysed
    in memory from one build to the next; after each kind of change it still builds byte for
    byte a clean build, and keeps only what the last build used."""
    assert preview_rebuild(project_copy, 0, []) == (1, None)
    memory = resident(project_copy).values
    seeds = len(list((project_copy / "seeds").glob("*.txt")))
    before = dict(memory)
    change(project_copy)
    assert preview_rebuild(project_copy, 1, []) == (2, None)
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(project_copy / "build") == files(project_copy / "clean")
    assert len(memory) == 2 * seeds + 1  # each seed's source and analysis, and the content
    taken = {key for key in before if key in memory and memory[key] is before[key]}
    if change is edit_template:
        assert taken == set(before)  # templates are no part of the model
    if change is edit_seed:
        assert len(taken) == 2 * (seeds - 1) + 1  # all but the edited seed's
    if change in (edit_rules, edit_gazetteer):
        assert len(taken) == seeds  # the sources; their analyses follow the rules


def test_a_preview_whose_index_fails_keeps_its_new_pages_and_shows_the_error(
    project_copy, monkeypatch
):
    preview_rebuild(project_copy, 0, [])
    edit_seed(project_copy)

    def fail(out: Path, skip: frozenset[str]) -> None:
        raise SiteError("the search index could not be built: disk full", out)

    monkeypatch.setattr(build_module, "refresh_index", fail)
    told: list = []
    generation, error = preview_rebuild(project_copy, 1, told)
    # Open pages reloaded to the new pages, so the next good build must be a newer generation.
    assert told == [(2, None)] and generation == 2
    assert "disk full" in error
    page = project_copy / "build" / "sources" / "002-9276acad1e55b4fe.html"
    assert "In 1995 a new sentence was added." in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "manifest",
    [
        '["pagefind/", "pagefind-2/"]',
        '["pagefind/top-0123456789abcdef/"]',
        '["../seeds/"]',
        "not json",
        '{"pagefind/": 1}',
    ],
)
def test_a_preview_after_the_search_index_was_edited_by_hand_indexes_first(
    project_copy, capsys, manifest
):
    preview_rebuild(project_copy, 0, [])
    site = project_copy / "build"
    (site / "pagefind" / "bundles.json").write_text(manifest, encoding="utf-8")
    edit_seed(project_copy)
    told: list = []
    assert preview_rebuild(project_copy, 1, told) == (2, None)
    assert told == []  # not told early: the index it would have served is not whole
    assert (project_copy / "seeds").is_dir()  # a manifest never names what to copy or remove
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(site) == files(project_copy / "clean")


def test_a_preview_after_the_data_exports_were_removed_by_hand_writes_them_first(
    project_copy, capsys
):
    preview_rebuild(project_copy, 0, [])
    site = project_copy / "build"
    shutil.rmtree(site / "data")
    edit_seed(project_copy)
    told: list = []
    assert preview_rebuild(project_copy, 1, told) == (2, None)
    assert told == []  # not told early: there were no exports to serve meanwhile
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(site) == files(project_copy / "clean")


def test_a_preview_on_a_file_system_without_hard_links_indexes_first(
    project_copy, capsys, monkeypatch
):
    preview_rebuild(project_copy, 0, [])
    edit_seed(project_copy)

    def no_links(src, dst, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr("os.link", no_links)
    told: list = []
    assert preview_rebuild(project_copy, 1, told) == (2, None)
    assert told == []
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(project_copy / "build") == files(project_copy / "clean")


def test_a_preview_survives_files_that_vanish_while_it_reads_the_inputs(project_copy, monkeypatch):
    preview_rebuild(project_copy, 0, [])
    swap = project_copy / "templates" / ".section.html.swp"  # as an editor leaves one
    swap.write_text("x", encoding="utf-8")
    real_stat, real_read = Path.stat, Path.read_bytes
    looked: list[Path] = []

    def stat_then_gone(path: Path, *args, **kwargs):
        # Listed, found once, gone by the next look: an editor removing its swap file.
        if path.name == swap.name:
            looked.append(path)
            if len(looked) > 1:
                raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat_then_gone)
    serve.snapshot([project_copy / "templates"])  # no error

    def gone_when_read(path: Path) -> bytes:
        if path.name == swap.name:
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "stat", real_stat)
    monkeypatch.setattr(Path, "read_bytes", gone_when_read)
    assert preview_rebuild(project_copy, 1, []) == (2, None)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serve, "run_build", disk_full)
    generation, error = preview_rebuild(project_copy, 2, [])
    assert generation == 2 and "No space left on device" in error


def test_a_package_version_changes_with_its_code_and_not_with_its_byte_compiled_copies(
    tmp_path,
):
    package = tmp_path / "markupsafe"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("def escape(s): return s\n", encoding="utf-8")
    (package / "_speedups.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF 1")
    (package / "py.typed").write_text("", encoding="utf-8")
    first = package_version(package)
    (package / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"compiled")
    (package / "py.typed").write_text("partial\n", encoding="utf-8")
    assert package_version(package) == first
    (package / "_speedups.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF 2")
    second = package_version(package)
    assert second != first
    (package / "__init__.py").write_text("def escape(s): return s.upper()\n", encoding="utf-8")
    assert package_version(package) not in (first, second)


def test_a_parsed_source_and_its_analysis_come_back_from_a_pickle_equal(sources, content):
    rules = Rules(
        content.sections,
        content.figures,
        content.diplomacy,
        load_gazetteer(CONTENT / "entities.yaml"),
        content.corrections.placements,
        content.timeline.categories,
    )
    for source in sources.values():
        analysis = analyse(source, rules)
        for value in (source, analysis):
            again = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            assert again == value and repr(again) == repr(value)
    # A sentence is pickled as a call of its constructor, with its fields in order.
    sentence = next(iter(sources.values())).body[0]
    rebuild, fields = sentence.__reduce__()
    assert rebuild is Sentence and rebuild(*fields) == sentence
    assert fields == tuple(getattr(sentence, f.name) for f in dataclasses.fields(Sentence))


def test_a_record_that_its_fields_cannot_rebuild_is_refused_when_defined():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        text: str
        length: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="Derived cannot be rebuilt from its fields"):
        pickled_as_call(Derived)
