"""The search index in bundles: what goes in which, which are taken from the last build, and
how many indexer runs go at once (with a stand-in indexer that logs what it is asked)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from karabakh_site import search
from karabakh_site.errors import SiteError

# Stands in for Pagefind: logs when each run starts and ends, makes the output folder with the
# entry file the manifest check looks for, and fails for an output folder named fail-….
FAKE_INDEXER = """#!/bin/sh
if [ "$1" = --version ]; then echo "fake indexer 1.0"; exit 0; fi
out=""
while [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done
name=$(basename "$out")
echo "start $name" >> "{log}"
case $name in fail-*) echo "disk full" >&2; exit 1;; esac
sleep 0.3
echo "end $name" >> "{log}"
mkdir -p "$out" && echo '{{}}' > "$out/pagefind-entry.json"
"""


@pytest.fixture
def indexer(tmp_path, monkeypatch) -> Path:
    log = tmp_path / "runs.log"
    binary = tmp_path / "indexer"
    binary.write_text(FAKE_INDEXER.format(log=log), encoding="utf-8")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search, "_binary", lambda: binary)
    return log


def make_site(root: Path, pages: dict[str, int]) -> Path:
    for rel, size in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("<p>" + "x" * (size - 3), encoding="utf-8")
    return root


def manifest(site: Path) -> list[str]:
    return json.loads((site / search.MANIFEST).read_text(encoding="utf-8"))


def label(entry: str) -> str:
    return entry.removeprefix("pagefind/").rsplit("-", 1)[0]


def test_a_large_folder_is_a_bundle_and_small_folders_go_with_the_top_pages(
    tmp_path, indexer, monkeypatch
):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 3)
    pages = {"index.html": 10, "404.html": 10, "about/x.html": 10}
    pages |= {f"names/n{i}.html": 10 for i in range(3)}
    site = make_site(tmp_path / "site", pages)
    planned = search.plan_bundles(site, frozenset({"404.html"}), "fake 1")
    assert [(b.name.rsplit("-", 1)[0], b.pages, b.size) for b in planned] == [
        ("top", ["about/x.html", "index.html"], 20),
        ("names", ["names/n0.html", "names/n1.html", "names/n2.html"], 30),
    ]
    # The name is a digest of the pages' paths and bytes and of what indexes them.
    (site / "names" / "n1.html").write_text("<p>changed", encoding="utf-8")
    again = search.plan_bundles(site, frozenset({"404.html"}), "fake 1")
    assert again[0].name == planned[0].name and again[1].name != planned[1].name
    assert search.plan_bundles(site, frozenset({"404.html"}), "fake 2")[0].name != again[0].name


def test_a_large_folder_is_shared_out_among_bundles_that_an_edit_changes_one_of(
    tmp_path, indexer, monkeypatch
):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 4)
    pages = {"index.html": 10} | {f"names/n{i}.html": 10 for i in range(13)}
    site = make_site(tmp_path / "site", pages)
    planned = search.plan_bundles(site, frozenset(), "fake 1")
    assert [b.name.rsplit("-", 1)[0] for b in planned] == ["top", "names-0", "names-1", "names-2"]
    shared = [page for b in planned[1:] for page in b.pages]
    assert sorted(shared) == sorted(p for p in pages if p.startswith("names/"))
    assert all(3 <= len(b.pages) <= 6 for b in planned[1:])  # by path digest: near even
    # An edit changes the name of its page's bundle only; a new page joins one bundle and
    # leaves the others' pages where they were.
    (site / "names" / "n1.html").write_text("<p>changed", encoding="utf-8")
    edited = search.plan_bundles(site, frozenset(), "fake 1")
    changed = [a.name != b.name for a, b in zip(planned, edited, strict=True)]
    assert changed.count(True) == 1 and "names/n1.html" in edited[changed.index(True)].pages
    make_site(site, {"names/n13.html": 10})
    grown = search.plan_bundles(site, frozenset(), "fake 1")
    assert [sorted(set(a.pages) - {"names/n13.html"}) for a in grown] == [b.pages for b in edited]
    assert sum(a.name != b.name for a, b in zip(edited, grown, strict=True)) == 1


def test_pages_with_many_bytes_are_shared_out_by_size_at_the_top_of_the_site_too(
    tmp_path, indexer, monkeypatch
):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 50)
    monkeypatch.setattr(search, "SHARE_BYTES", 100)
    pages = {f"p{i}.html": 40 for i in range(10)}  # 400 bytes at the top: 4 shares
    pages |= {f"names/n{i}.html": 30 for i in range(60)}  # 1,800 bytes: 18 shares, not 1
    site = make_site(tmp_path / "site", pages)
    planned = search.plan_bundles(site, frozenset(), "fake 1")
    labels = [b.name.rsplit("-", 1)[0] for b in planned]
    tops = [n for n in labels if n.startswith("top-")]
    names = [n for n in labels if n.startswith("names-")]
    assert labels == tops + names  # the top pages' bundles first
    assert 2 <= len(tops) <= 4 and set(tops) <= {f"top-{k}" for k in range(4)}
    assert 10 <= len(names) <= 18 and set(names) <= {f"names-{k}" for k in range(18)}
    assert sorted(p for b in planned for p in b.pages) == sorted(pages)
    # Each page is in the share its path picks, so an edit changes its own bundle only.
    (site / "p3.html").write_text("<p>changed", encoding="utf-8")
    edited = search.plan_bundles(site, frozenset(), "fake 1")
    changed = [b for a, b in zip(planned, edited, strict=True) if a.name != b.name]
    assert len(changed) == 1 and "p3.html" in changed[0].pages
    assert all("/" not in page for page in changed[0].pages)


def test_a_page_of_half_a_share_or_more_is_a_bundle_that_edits_to_other_pages_leave_alone(
    tmp_path, indexer, monkeypatch
):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 4)
    monkeypatch.setattr(search, "SHARE_BYTES", 100)
    pages = {"index.html": 20, "refs.html": 70, "timeline.html": 50, "about.html": 49}
    pages |= {f"names/n{i}.html": 10 for i in range(8)} | {"names/big one.html": 60}
    site = make_site(tmp_path / "site", pages)
    planned = search.plan_bundles(site, frozenset(), "fake 1")
    # 69 bytes shared out at the top, in one share, and two pages alone; then the names
    assert [(b.name.rsplit("-", 1)[0], b.pages) for b in planned[:3]] == [
        ("top", ["about.html", "index.html"]),
        ("top-refs", ["refs.html"]),
        ("top-timeline", ["timeline.html"]),
    ]
    names = [b for b in planned if b.name.startswith("names-")]
    assert [b.pages for b in names if b.name.startswith("names-big-one-")] == [
        ["names/big one.html"]
    ]
    assert sorted(p for b in names for p in b.pages) == sorted(p for p in pages if "/" in p)
    # 80 bytes of 8 names in two shares (by their number), and the large one alone
    assert [b.name.rsplit("-", 1)[0] for b in names] == ["names-0", "names-1", "names-big-one"]
    # An edit to a shared page leaves the large pages' bundles as they were.
    (site / "index.html").write_text("<p>changed", encoding="utf-8")
    edited = search.plan_bundles(site, frozenset(), "fake 1")
    assert [a.name == b.name for a, b in zip(planned, edited, strict=True)][:3] == [
        False,
        True,
        True,
    ]


def test_bundles_are_made_side_by_side_within_the_cores_and_the_byte_limit(
    tmp_path, indexer, monkeypatch
):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 1)
    monkeypatch.setattr(search, "PART_BYTES", 100)
    monkeypatch.setattr(search, "cores", lambda: 2)
    sizes = {"index.html": 200, "a/p.html": 60, "b/p.html": 30, "c/p.html": 30}
    site = make_site(tmp_path / "site", sizes)
    search.index_site(site)
    bytes_of = {"top": 200, "a": 60, "b": 30, "c": 30}
    assert [label(entry) for entry in manifest(site)] == list(bytes_of)
    running: set[str] = set()
    most = 0
    for line in indexer.read_text().splitlines():
        event, name = line.split()
        if event == "start":
            running.add(label(name))
            assert len(running) <= 2
            assert len(running) == 1 or sum(bytes_of[n] for n in running) <= 100
            most = max(most, len(running))
        else:
            running.remove(label(name))
    assert most == 2  # the small ones did run side by side


def test_a_failed_indexer_run_is_an_error_that_says_why_and_stops_the_others(
    tmp_path, indexer, monkeypatch
):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 1)
    site = make_site(tmp_path / "site", {"index.html": 10, "fail/p.html": 50})
    with pytest.raises(SiteError, match="search index could not be built: disk full"):
        search.index_site(site)
    # The other run, started with it (the largest first), was stopped, not waited for.
    assert not any(line.startswith("end top-") for line in indexer.read_text().splitlines())


def test_a_bundle_the_last_site_has_is_taken_from_it_not_made_again(tmp_path, indexer, monkeypatch):
    monkeypatch.setattr(search, "OWN_BUNDLE_PAGES", 1)
    pages = {"index.html": 10, "names/a.html": 10}
    last = make_site(tmp_path / "last", pages)
    search.index_site(last)
    site = make_site(tmp_path / "site", pages | {"index.html": 20})
    indexer.write_text("")
    search.index_site(site, last=last)
    top, names = manifest(site)
    assert manifest(last)[1] == names and manifest(last)[0] != top
    assert indexer.read_text().split() == ["start", top.split("/")[1], "end", top.split("/")[1]]
    entry = Path(names, "pagefind-entry.json")
    assert (site / entry).stat().st_ino == (last / entry).stat().st_ino  # a hard link
    # A manifest that names a bundle the site does not have names none to take.
    (last / search.MANIFEST).write_text(
        json.dumps([*manifest(last), "pagefind/x-0123456789abcdef/"])
    )
    assert search.bundles(last) == []
