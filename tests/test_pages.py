"""The server-rendered pages: each one extends the base template."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import ROOT

# Pages that are whole documents; the others under templates/ are pieces included into them.
DOCUMENTS = sorted(p for p in (ROOT / "templates").rglob("*.html") if not p.name.startswith("_"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_every_page_extends_the_base_template(path: Path):
    if path.name == "base.html":
        return
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{% extends "base.html" %}'), "the page repeats its own <head>"
    assert "<head>" not in text and "<!doctype" not in text.lower()
