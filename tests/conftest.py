"""Shared fixtures: the project's own seeds, content and templates, and one real build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from karabakh_site.build import BuildReport, run_build
from karabakh_site.config import load_content
from karabakh_site.documents import build_source
from karabakh_site.loader import load_seeds
from karabakh_site.model import Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
GOLD = Path(__file__).resolve().parent / "gold"


def gold(name: str):
    with (GOLD / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def seed_text(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def sources(content) -> dict[str, Source]:
    """The real seeds, parsed, keyed by file name."""
    return {seed.name: build_source(seed, content.parse_settings) for seed in load_seeds(SEEDS)}


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> BuildReport:
    """The real seeds built and written to a folder, as `make build` does."""
    out = tmp_path_factory.mktemp("site") / "build"
    return run_build(SEEDS, CONTENT, TEMPLATES, out)


@pytest.fixture(scope="session")
def built_site(real_build) -> Path:
    return real_build.out


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A scratch copy of seeds/, content/ and templates/ that a test may break."""
    for name in ("seeds", "content", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
