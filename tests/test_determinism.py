"""Same inputs, byte-identical output, whatever the time zone, locale, hash seed or folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from helpers import build_args


def build_in(tmp: Path, **env: str) -> dict[str, bytes]:
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "out"
    environment = {**os.environ, **env}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "karabakh_site",
            *build_args(ROOT, out),
        ],
        check=True,
        cwd=tmp,
        env=environment,
        capture_output=True,
    )
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_builds_are_byte_identical(tmp_path):
    first = build_in(tmp_path / "a", TZ="UTC", LANG="C.UTF-8", PYTHONHASHSEED="1")
    second = build_in(
        tmp_path / "b",
        TZ="Asia/Yerevan",
        LANG="ru_RU.UTF-8",
        LC_ALL="ru_RU.UTF-8",
        PYTHONHASHSEED="4242",
    )
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_python_dash_m_and_console_script_agree(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "karabakh_site", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "build" in result.stdout and "check" in result.stdout and "serve" in result.stdout
