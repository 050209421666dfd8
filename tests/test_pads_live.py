"""The signing pads against a real server process: the links, a pad's socket, ink reaching a wall's
socket, the remote link shown once and revoked, and the 签约图 the server renders from the strokes."""

from __future__ import annotations

import io
import queue
import sqlite3
import uuid

import pytest
import requests
import socketio
from harness import Recorder, wait_until
from PIL import Image

pytestmark = pytest.mark.live


class Pad(Recorder):
    """A python-socketio client standing in for a signatory's tablet."""

    def __init__(self, server, token: str, cookies: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        super().__init__(server, {"role": "pad", "pad": token}, headers, wait=False)

    def state(self, predicate=lambda s: True, timeout: float = 10) -> dict:
        return self.wait_for(predicate, timeout)

    def sign(self, batches: int = 3) -> str:
        sig = "sig" + uuid.uuid4().hex[:16]
        assert self.call("attempt", {"signature_id": sig, "width": 800, "height": 320}) == {"ok": True}
        for b in range(1, batches + 1):
            points = [[b - 1, 200 + 40 * i, 120 + 30 * (i % 3), 0.5, 20 * i] for i in range(12)]
            assert self.call("ink", {"signature_id": sig, "batch": b, "points": points})["ok"]
        return sig


def open_link(url: str) -> tuple[requests.Response, dict]:
    r = requests.get(url, timeout=10)
    return r, dict(r.cookies)


@pytest.fixture
def setup(fresh_server):
    live_server = fresh_server()  # the sample
    web = live_server.editor()
    r = web.post(live_server.url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10)
    assert r.status_code == 200, r.text
    # Seven for the district, six for the companies (the sample names none for two projects, two for one).
    assert r.json()["created"] == 13
    pads = web.get(live_server.url + "/api/v1/pads", timeout=10).json()
    return live_server, web, pads


def test_a_local_link_is_kept_by_the_first_browser_and_a_new_link_cuts_it_off(setup):
    server, web, pads = setup
    first = pads[0]
    assert (first["party"], first["name"], first["state"], first["remote_url"]) == (
        "host",
        "周建光",
        "waiting",
        None,
    )
    # The local link as a QR code for the tablet's camera: it decodes to the link itself.
    import cairosvg
    import zxingcpp

    svg = web.get(server.url + f"/api/v1/pads/{first['id']}/qr.svg", timeout=10)
    assert (
        svg.status_code == 200
        and requests.get(server.url + f"/api/v1/pads/{first['id']}/qr.svg").status_code == 401
    )
    code = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.content, output_width=400))).convert("L")
    assert [r.text for r in zxingcpp.read_barcodes(code)] == [first["url"]]
    page, cookies = open_link(first["url"])
    assert page.status_code == 200 and "kiosk-words" in page.text
    again = requests.get(first["url"], cookies=cookies, timeout=10)
    assert again.status_code == 200
    stranger = requests.get(first["url"], timeout=10)
    assert stranger.status_code == 409
    with pytest.raises(socketio.exceptions.ConnectionError):
        Pad(server, first["url"].rsplit("/", 1)[1])
    pad = Pad(server, first["url"].rsplit("/", 1)[1], cookies)
    view = pad.state()
    assert view["state"] == "waiting" and view["pad"]["party_text"] == "甲方"
    # The console's device list names it, online, as a signing pad; signing it out cuts the tablet off.
    listed = web.get(server.url + "/api/v1/devices", timeout=10).json()["devices"]
    row = next(d for d in listed if d["kind"] == "pad")
    assert row["id"] == "pad:" + first["id"] and row["online"] == 1 and row["role_text"] == "签约方"
    assert web.delete(server.url + f"/api/v1/devices/{row['id']}", timeout=10).status_code == 200
    wait_until(lambda: not pad.client.connected, timeout=5, message="the old tablet stays connected")
    assert requests.get(first["url"], cookies=cookies, timeout=10).status_code == 404
    fresh = web.post(server.url + f"/api/v1/pads/{first['id']}/link", timeout=10).json()["url"]
    assert open_link(fresh)[0].status_code == 200
    listed = web.get(server.url + "/api/v1/pads", timeout=10).json()
    assert next(p for p in listed if p["id"] == first["id"])["claimed"] is True


def test_ink_reaches_the_wall_and_the_last_submission_signs_the_round(setup):
    server, web, pads = setup
    r = web.put(
        server.url + "/api/v1/certificate", json={"sign_on_submit": True, "ink": "#1a2f6b"}, timeout=10
    )
    assert r.status_code == 200 and r.json()["ink"] == "#1a2f6b"
    wall_ink: queue.Queue = queue.Queue()
    wall = socketio.Client(reconnection=False)
    wall.on("ink", wall_ink.put)
    wall.connect(
        server.url, auth={"role": "display", "name": "主屏"}, transports=["websocket"], wait_timeout=10
    )
    first_round = [p for p in pads if p["project_id"] == server.ids()[0]]
    opened = []
    for p in first_round:
        _, cookies = open_link(p["url"])
        opened.append(Pad(server, p["url"].rsplit("/", 1)[1], cookies))
    try:
        assert (
            opened[0].call("attempt", {"signature_id": "x" * 12, "width": 800, "height": 320})["reason"]
            == "not_armed"
        )
        assert server.command("announce", project_id=server.ids()[0]).status_code == 200
        armed = opened[0].state(lambda s: s["state"] == "armed")
        assert armed["signature"]["aspect"] == pytest.approx(2.5)
        public = server.state()
        cert = public["signing"]["certificates"][0]
        assert [pl["pad_id"] for pl in cert["places"]] == [p["id"] for p in first_round]
        blank = requests.get(server.url + cert["url"], timeout=10)
        assert blank.status_code == 200 and blank.headers["Content-Type"].startswith("image/svg+xml")
        sigs = [pad.sign() for pad in opened]
        got = [wall_ink.get(timeout=5) for _ in range(6)]
        assert {(g["pad_id"], g["batch"]) for g in got} == {
            (p["id"], b) for p in first_round for b in (1, 2, 3)
        }
        synced = wall.call("ink_sync", {"pad_ids": [p["id"] for p in first_round]}, timeout=10)
        assert (
            synced[first_round[0]["id"]]["batches"] == 3 and len(synced[first_round[0]["id"]]["points"]) == 36
        )
        listed = web.get(server.url + "/api/v1/pads", timeout=10).json()
        assert next(p for p in listed if p["id"] == first_round[0]["id"])["state"] == "signing"
        short = opened[0].call("submit", {"signature_id": sigs[0], "batches": 4, "command_id": "s-0"})
        assert short["ok"] is False and short["reason"] == "strokes_incomplete" and "3/4" in short["message"]
        assert opened[0].call("submit", {"signature_id": sigs[0], "batches": 3, "command_id": "s-1"}) == {
            "ok": True,
            "signed": False,
        }
        assert opened[1].call("submit", {"signature_id": sigs[1], "batches": 3, "command_id": "s-2"}) == {
            "ok": True,
            "signed": True,
        }
        done = opened[0].state(lambda s: s["state"] == "signed")
        assert done["state_text"] == "签约完成"
        assert server.state()["projects"][0]["status"] == "signed"
        # The picture the server renders from the stored strokes, in the organiser's ink.
        png = requests.get(server.url + f"/api/v1/projects/{server.ids()[0]}/certificate.png", timeout=20)
        assert png.status_code == 401
        png = web.get(server.url + f"/api/v1/projects/{server.ids()[0]}/certificate.png", timeout=20)
        assert png.status_code == 200
        image = Image.open(io.BytesIO(png.content)).convert("RGB")
        raw = image.tobytes()
        inked = sum(
            1
            for i in range(0, len(raw), 3)
            if abs(raw[i] - 0x1A) < 30 and abs(raw[i + 1] - 0x2F) < 30 and abs(raw[i + 2] - 0x6B) < 30
        )
        assert inked > 500
        first_id = server.ids()[0]
        assert (
            web.get(server.url + f"/api/v1/projects/{first_id}/certificate.pdf", timeout=20).content[:4]
            == b"%PDF"
        )
        # The company downloads it from its golden-key card page; another project's card may not.
        with sqlite3.connect(server.data_dir / "kiosk.sqlite3") as db:
            cards = dict(db.execute("SELECT project_id, token FROM cards").fetchall())
        token = cards[first_id]
        page = requests.get(server.url + f"/c/{token}", timeout=10).text
        assert f"/api/v1/projects/{first_id}/certificate.png?card={token}" in page
        own = requests.get(
            server.url + f"/api/v1/projects/{first_id}/certificate.png?card={token}", timeout=20
        )
        assert own.status_code == 200 and own.content == png.content
        other = cards[server.ids()[1]]
        assert (
            requests.get(
                server.url + f"/api/v1/projects/{first_id}/certificate.png?card={other}", timeout=10
            ).status_code
            == 401
        )
        # In the report (every attempt) and in the press folder.
        report = web.get(server.url + "/api/v1/report.json", timeout=20).json()
        row = next(r for r in report["signatures"] if r["project_id"] == first_id)
        assert row["certificate"]["png"].endswith("certificate.png")
        assert [a["status"] for a in row["attempts"]] == ["standing", "standing"]
        import zipfile

        folder = zipfile.ZipFile(io.BytesIO(web.get(server.url + "/api/v1/press.zip", timeout=30).content))
        assert "certificates/01.png" in folder.namelist() and "press-release-zh.txt" in folder.namelist()
        assert folder.read("certificates/01.png") == png.content
    finally:
        wall.disconnect()
        for pad in opened:
            pad.client.disconnect()


def test_a_remote_link_is_shown_once_and_revoked(setup):
    server, web, pads = setup
    target = pads[1]
    made = web.post(server.url + f"/api/v1/pads/{target['id']}/remote", timeout=10)
    assert made.status_code == 201
    remote = made.json()["remote_url"]
    listed = web.get(server.url + "/api/v1/pads", timeout=10).json()
    row = next(p for p in listed if p["id"] == target["id"])
    assert row["remote_url"] is None and row["remote_active"] is True
    # Any device holding it may open it, several times (a phone, then a tablet).
    assert requests.get(remote, timeout=10).status_code == 200
    assert requests.get(remote, timeout=10).status_code == 200
    pad = Pad(server, remote.rsplit("/", 1)[1])
    assert pad.state()["pad"]["id"] == target["id"]
    assert web.delete(server.url + f"/api/v1/pads/{target['id']}/remote", timeout=10).status_code == 200
    wait_until(lambda: not pad.client.connected, timeout=5, message="the revoked link stays connected")
    assert requests.get(remote, timeout=10).status_code == 404
    # Only an editor makes pads; an operator session is refused.
    r = requests.post(server.url + "/api/v1/pads", json={"name": "x"}, timeout=10)
    assert r.status_code == 401
