"""End to end against a real server process: a real Socket.IO client, kill -9, and the command line."""

from __future__ import annotations

import os
import queue
import sqlite3
import subprocess
import sys
import time

import pytest
import socketio
from conftest import ROOT

pytestmark = pytest.mark.live


class Viewer:
    """A python-socketio client that records every ``state`` it is sent, as a big screen would."""

    def __init__(self, url: str, role: str = "display", name: str = "测试大屏"):
        self.states: queue.Queue = queue.Queue()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("state", self.states.put)
        self.client.connect(url, auth={"role": role, "name": name}, transports=["websocket"], wait_timeout=10)

    def wait_for(self, predicate, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                state = self.states.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(state):
                return state
        raise AssertionError("no matching state arrived in time")

    def close(self):
        self.client.disconnect()


def run_cli(data_dir, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_confirmation_reaches_a_connected_client(live_server):
    viewer = Viewer(live_server.url)
    try:
        first = viewer.wait_for(lambda s: True)
        assert first["signed_count"] == 0
        r = live_server.command("confirm", project_id="p1")
        assert r.status_code == 200
        seq = r.json()["state"]["seq"]
        got = viewer.wait_for(lambda s: s["seq"] == seq)
        assert got["total_yi"] == "52" and got["projects"][0]["status"] == "signed"
        assert got["last"] == {
            "seq": seq,
            "action": "confirm",
            "project_id": "p1",
            "at": got["projects"][0]["signed_at"],
        }
    finally:
        viewer.close()


def test_kill_9_loses_nothing_and_a_connected_screen_catches_up(live_server):
    viewer = Viewer(live_server.url)
    try:
        viewer.wait_for(lambda s: True)
        for pid in ("p1", "p2", "p3"):
            assert live_server.command("confirm", project_id=pid).status_code == 200
        assert live_server.command("undo").status_code == 200
        before = live_server.state()
        assert before["signed_count"] == 2

        live_server.kill()
        live_server.start()
        assert live_server.state() == before

        # The screen that stayed open reconnects by itself and is sent the state without a reload.
        after = live_server.command("confirm", project_id="p4").json()["state"]
        got = viewer.wait_for(lambda s: s["seq"] == after["seq"], timeout=15)
        assert got["signed_count"] == 3 and got["total_yi"] == after["total_yi"]
    finally:
        viewer.close()
    db = sqlite3.connect(live_server.data_dir / "kiosk.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_repeated_command_over_http_changes_nothing(live_server):
    a = live_server.command("confirm", command_id="dup-1", project_id="p2")
    b = live_server.command("confirm", command_id="dup-1", project_id="p2")
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()
    assert live_server.state()["signed_count"] == 1


def test_cli_import_reaches_a_running_server(live_server, tmp_path):
    viewer = Viewer(live_server.url)
    try:
        viewer.wait_for(lambda s: True)
        csv = tmp_path / "more.csv"
        csv.write_text("项目名称,签约企业,投资额（万元）\n追加项目,追加企业,12345\n", encoding="utf-8")
        done = run_cli(live_server.data_dir, "import", str(csv))
        assert done.returncode == 0, done.stderr
        got = viewer.wait_for(lambda s: s["project_count"] == 8, timeout=10)
        assert got["projects"][-1]["name"] == "追加项目" and got["projects"][-1]["amount_wan"] == 12345
    finally:
        viewer.close()


def test_cli_import_rejects_a_bad_file_whole(tmp_path):
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("项目名称,签约企业,投资额（亿元）\n好项目,好企业,10\n坏项目,,abc\n", encoding="utf-8")
    done = run_cli(data, "import", str(bad))
    assert done.returncode == 2
    assert "row 3, column 签约企业:" in done.stderr
    assert "row 3, column 投资额（亿元）:" in done.stderr
    # nothing was stored: a following good import is the only thing there
    good = tmp_path / "good.csv"
    good.write_text("name,investor,amount_yi\nA,B,1.5\n", encoding="utf-8")
    assert run_cli(data, "import", str(good)).returncode == 0
    db = sqlite3.connect(data / "kiosk.sqlite3")
    assert db.execute("SELECT name, amount_wan FROM projects").fetchall() == [("A", 15000)]


def test_replace_is_refused_once_something_is_signed(live_server, tmp_path):
    assert live_server.command("confirm", project_id="p1").status_code == 200
    csv = tmp_path / "new.csv"
    csv.write_text("name,investor,amount_wan\nX,Y,1\n", encoding="utf-8")
    done = run_cli(live_server.data_dir, "import", str(csv), "--replace")
    assert done.returncode == 2 and "already_signed" in done.stderr
    assert live_server.state()["project_count"] == 7
