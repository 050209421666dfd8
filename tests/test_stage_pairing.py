"""A floor monitor's PC paired for the MC's monitor: its pairing link lands on /stage, paired, no PIN."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest


@pytest.fixture
def app(make_app):
    return make_app()


def test_a_pairing_link_for_the_mcs_monitor_lands_there_paired(app, operator):
    r = operator.post("/api/v1/screens/pairing-links", json={"name": "提词屏", "page": "stage"})
    assert r.status_code == 201
    url = r.get_json()["url"]
    assert url.endswith("?to=stage")
    floor = app.test_client()
    assert "pinpad" in floor.get("/stage").get_data(as_text=True)  # not paired yet: the PIN pad
    link = urlsplit(url)
    landed = floor.get(f"{link.path}?{link.query}")
    assert landed.status_code == 302 and landed.headers["Location"].endswith("/stage")
    page = floor.get("/stage").get_data(as_text=True)
    assert "pinpad" not in page and "stage/main.js" in page
    assert floor.get("/api/v1/state?view=stage").get_json()["run_of_show"]["cues"]
    # The wall's links land on the wall as before, and nothing else is a landing.
    wall = operator.post("/api/v1/screens/pairing-links", json={"name": "主屏"}).get_json()["url"]
    assert "?" not in wall
    bad = operator.post("/api/v1/screens/pairing-links", json={"name": "x", "page": "admin"})
    assert bad.status_code == 400
