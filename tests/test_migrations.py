"""The schema ladder: a database made by kiosk 0.1 (before migrations existed) upgrades in place and the
new version serves the same ceremony from it; a fresh database gets every step; steps run once each."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from conftest import operator_client

from kiosk.store.sqlite import SCHEMA_VERSION, Storage, migrations

OLD = Path(__file__).with_name("data") / "kiosk-0.1"


@pytest.fixture
def old_folder(tmp_path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(OLD / "kiosk.sqlite3", folder / "kiosk.sqlite3")
    return folder


def instant(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def test_a_database_from_kiosk_0_1_upgrades_and_serves_the_same_ceremony(old_folder, make_app):
    expected = json.loads((OLD / "expected.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(old_folder / "kiosk.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0  # as 0.1 left it
    db.close()

    app = make_app(DATA_DIR=str(old_folder))
    storage = app.extensions["kiosk"].storage
    assert storage.schema_version() == SCHEMA_VERSION > 1
    served = app.extensions["kiosk"].view("operator")
    old = expected["state"]
    for key in (
        "seq",
        "log_id",
        "screen",
        "spotlight_id",
        "total_wan",
        "total_yi",
        "signed_count",
        "land_mu",
    ):
        assert served[key] == old[key], key
    assert served["signing_order"] == old["signing_order"]
    # (the same instants: the view writes them on the venue's clock, 0.1 wrote the server's offset)
    assert [
        (p["id"], p["name"], p["amount_wan"], p["status"], instant(p["signed_at"]))
        for p in served["projects"]
    ] == [
        (p["id"], p["name"], p["amount_wan"], p["status"], instant(p["signed_at"])) for p in old["projects"]
    ]
    assert all(p["signed_at"].endswith("+08:00") for p in served["projects"] if p["signed_at"])
    assert served["event"]["theme"] == "blue" and served["event"]["colors"] == old["event"]["colors"]
    # the new settings take their defaults
    assert (served["event"]["money_unit"], served["event"]["money_decimals"]) == ("auto", 2)
    # an old ceremony has no English forms: blank, so an English screen shows the Chinese
    assert storage.load_event().title_en == ""
    assert {(p.name_en, p.investor_en, p.industry_en, p.signatories_en) for p in storage.load_projects()} == {
        ("", "", "", ())
    }
    assert served["total"]["text"] == "152亿元"

    # printed cards still open, with what the organiser typed into them
    client = app.test_client()
    for token in expected["tokens"].values():
        assert client.get(f"/c/{token}").status_code == 200
    card = storage.card_by_token(expected["tokens"]["p3"])
    assert (card.contact_email, card.notes) == ("zhao@example.gov.cn", "周一至周五")
    # the record of the morning is intact, and the show goes on from where it was
    report = operator_client(app).get("/api/v1/report.json").get_json()
    assert [[a["command_id"], a["outcome"], a["seq"]] for a in report["audit"]] == expected["audit"]
    op = operator_client(app)
    r = op.post("/api/v1/commands", json={"command_id": "after", "action": "confirm", "project_id": "p3"})
    assert r.status_code == 200 and r.get_json()["seq"] == old["seq"] + 1
    assert storage.integrity_check() == "ok"


def test_every_step_runs_once(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    storage = Storage(path)
    try:
        assert storage.schema_version() == SCHEMA_VERSION == migrations()[-1][0]
        assert storage.migrate() == []  # nothing left to do
    finally:
        storage.close()
    again = Storage(path)  # a second start changes nothing either
    try:
        assert again.schema_version() == SCHEMA_VERSION
        columns = {r[1] for r in again._db.execute("PRAGMA table_info(event)")}
        assert {"money_unit", "money_decimals", "title_en", "host_en"} <= columns
        cues = {r[1] for r in again._db.execute("PRAGMA table_info(cues)")}
        assert {"title_en", "person_en", "role_en", "script_en"} <= cues
    finally:
        again.close()


def test_the_steps_are_numbered_without_gaps():
    assert [version for version, _name, _sql in migrations()] == list(range(1, SCHEMA_VERSION + 1))
