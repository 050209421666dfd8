"""The server-rendered pages: each one extends the base template, and what the server writes into them is
the page's words, never a Python object's repr (both languages, every surface, through the test client)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import operator_client
from harness import ROOT

PAGES = ("/admin", "/control", "/stage", "/display", "/overlay", "/live", "/print/cards")
# Pages that are whole documents (the others under templates/ are pieces included into them), but the base.
DOCUMENTS = sorted(
    p for p in (ROOT / "templates").rglob("*.html") if not p.name.startswith("_") and p.name != "base.html"
)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_every_page_extends_the_base_template(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{% extends "base.html" %}'), "the page repeats its own <head>"
    assert "<head>" not in text and "<!doctype" not in text.lower()


def pad_links(editor) -> list[str]:
    assert editor.post("/api/v1/pads/from-signatories", json={"host_name": "区长"}).status_code < 300
    return [pad["url"].split("://", 1)[1].split("/", 1)[1] for pad in editor.get("/api/v1/pads").get_json()]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_page_shows_a_python_object(app, language):
    editor = operator_client(app)
    assert editor.put("/api/v1/event", json={"language": language}).status_code == 200
    card = editor.get(f"/api/v1/projects/{app.ids[0]}/card").get_json()["url"]
    pages = {path: editor.get(path) for path in PAGES}
    pages["/sign"] = app.test_client().get("/" + pad_links(editor)[0])
    pages["/c"] = app.test_client().get("/c/" + card.rsplit("/c/", 1)[1])
    pages["/control (PIN pad)"] = app.test_client().get("/control")
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        # A word looked up as ``w.copy`` is the dict's own method, drawn until the page's script replaces it.
        leaked = re.findall(r"&lt;(?:built-in|bound) method [^&]*&gt;", html)
        assert not leaked, f"{name}: {leaked[:2]}"


def test_what_the_tests_read_of_a_page_is_behind_one_switch(make_app):
    """The pages expose their test hooks (window.__kiosk, static/js/common/hooks.js) only when the server
    marks them, and no other script puts anything of its own on window."""
    quiet, hooked = make_app(), make_app(TEST_HOOKS=True)
    for path in ("/display", "/live", "/overlay"):
        assert " data-hooks" not in quiet.test_client().get(path).get_data(as_text=True)
        assert " data-hooks" in hooked.test_client().get(path).get_data(as_text=True)
    globals_ = re.compile(r"window\.(__\w+|Kiosk\w+)")
    for script in (ROOT / "static" / "js").rglob("*.js"):
        if script.name != "hooks.js":
            found = globals_.findall(script.read_text(encoding="utf-8"))
            assert not found, f"{script.relative_to(ROOT)}: {found}"
