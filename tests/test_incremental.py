"""Incremental builds: after each kind of change, byte for byte what a clean build makes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from helpers import build_args
from karabakh_site import build as build_module
from karabakh_site import serve
from karabakh_site.cli import main
from karabakh_site.errors import SiteError


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


@pytest.mark.parametrize("change", [edit_seed, edit_rules, edit_template, edit_gazetteer])
def test_incremental_build_equals_clean_build(project_copy, capsys, change):
    build(project_copy, "build", capsys)  # fills the cache
    change(project_copy)
    summary = build(project_copy, "build", capsys)
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(project_copy / "build") == files(project_copy / "clean")
    if change is edit_seed:
        # the two unchanged seeds were neither parsed nor analysed again
        assert "reused 4 parsed or analysed sources" in summary
    if change is edit_template:
        assert "reused 6 parsed or analysed sources" in summary


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
        "render",
        "export",
        "search index",
        "write",
    ]
    assert all(ms >= 0 for ms in stages.values()) and stages["render"] > 0


def preview_rebuild(project: Path, generation: int, told: list) -> tuple[int, str | None]:
    """One rebuild as `serve` does it after an edit."""
    return serve._rebuild(
        project / "seeds",
        project / "content",
        project / "templates",
        project / "build",
        generation,
        lambda *state: told.append(state),
    )


def test_the_preview_shows_new_pages_before_their_search_index_is_made(
    project_copy, capsys, monkeypatch
):
    assert preview_rebuild(project_copy, 0, []) == (1, None)  # nothing open yet: indexed first
    site = project_copy / "build"
    index_before = files(site / "pagefind")
    edit_seed(project_copy)
    seen: dict = {}
    told: list = []
    refresh = build_module.refresh_index

    def refresh_and_look(out: Path, skip: frozenset[str]) -> None:
        # The moment open pages have been told to reload, just before indexing.
        seen["page"] = (site / "sources" / "002-9276acad1e55b4fe.html").read_text("utf-8")
        seen["index"] = files(site / "pagefind")
        seen["told"] = list(told)
        refresh(out, skip)

    monkeypatch.setattr(build_module, "refresh_index", refresh_and_look)
    assert preview_rebuild(project_copy, 1, told) == (2, None)
    assert seen["told"] == told == [(2, None)]  # told once, before indexing
    assert "In 1995 a new sentence was added." in seen["page"]
    assert seen["index"] == index_before  # the last index served meanwhile
    # When the index is ready the site is byte for byte a clean build, with nothing left over.
    build(project_copy, "clean", capsys, "--no-cache")
    assert files(site) == files(project_copy / "clean")
    assert files(site / "pagefind") != index_before
    assert sorted(p.name for p in project_copy.iterdir() if p.name.startswith(".build")) == []


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
    ['["pagefind/", "pagefind-2/"]', '["../seeds/"]', "not json", '{"pagefind/": 1}'],
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
