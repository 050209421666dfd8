"""The two commands' promises: the venv holds exactly the locked packages, and what the README tells a new
user to type exists and answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from harness import ROOT

LOCK = ROOT / "requirements.lock"


def _pinned(lines) -> set[str]:
    """name==version pairs, names folded as pip folds them (Flask-SocketIO = flask_socketio)."""
    out = set()
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            out.add((re.sub(r"[-_.]+", "-", name).lower(), version))
    return out


def test_the_venv_holds_exactly_the_locked_packages():
    frozen = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "freeze",
            "--all",
            "--exclude",
            "pip",
            "--exclude",
            "setuptools",
            "--exclude",
            "wheel",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    installed, locked = _pinned(frozen), _pinned(LOCK.read_text().splitlines())
    assert installed == locked, {
        "not locked": sorted(installed - locked),
        "missing": sorted(locked - installed),
    }


def test_every_direct_requirement_is_in_the_lock_at_its_version():
    locked = dict(_pinned(LOCK.read_text().splitlines()))
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                package = re.sub(r"\[.*\]", "", line.split("==")[0])
                key = re.sub(r"[-_.]+", "-", package).lower()
                assert locked.get(key) == line.split("==")[1].strip(), line


def test_the_readme_only_names_scripts_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"bash (scripts/[\w.-]+)", readme))
    assert {"scripts/run.sh", "scripts/test.sh", "scripts/kiosk.sh"} <= named
    for script in named:
        assert (ROOT / script).is_file(), script


def test_the_command_line_wrapper_works_from_any_folder(tmp_path):
    """``bash scripts/kiosk.sh export -o report.xlsx`` from the user's own folder (the file lands there)."""
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "kiosk.sh"), "export", "-o", "report.xlsx"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.xlsx").stat().st_size > 1000
