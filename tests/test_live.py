"""End to end against a real server process: a real Socket.IO client, kill -9, and the command line."""

from __future__ import annotations

import sqlite3

import pytest
from harness import Recorder, csv_bytes, projects, run_kiosk

pytestmark = pytest.mark.live


FOUR = ("52", "30", "5", "12")


@pytest.fixture
def server(fresh_server):
    """The module's server with a fresh ceremony of four projects: 52, 30, 5 and 12 亿元."""
    return fresh_server(projects(*FOUR))


def test_a_confirmation_reaches_a_connected_client(server):
    first_id = server.made_ids[0]
    viewer = Recorder(server, reconnect=True)
    try:
        first = viewer.wait_for(lambda s: True)
        assert first["signed_count"] == 0
        r = server.command("confirm", project_id=first_id)
        assert r.status_code == 200
        seq = r.json()["state"]["seq"]
        got = viewer.wait_for(lambda s: s["seq"] == seq)
        assert got["total_yi"] == "52" and got["total"]["text"] == "52亿元"
        assert got["projects"][0]["status"] == "signed"
        assert got["last"] == {
            "seq": seq,
            "action": "confirm",
            "project_id": first_id,
            "screen": None,
            "at": got["projects"][0]["signed_at"],
        }
    finally:
        viewer.close()


def test_kill_9_loses_nothing_and_a_connected_screen_catches_up(live_server_with):
    server = live_server_with(projects(*FOUR))
    ids = server.made_ids
    viewer = Recorder(server, reconnect=True)
    try:
        viewer.wait_for(lambda s: True)
        for pid in ids[:3]:
            assert server.command("confirm", project_id=pid).status_code == 200
        assert server.command("undo").status_code == 200
        before = server.state()
        assert before["signed_count"] == 2

        server.kill()
        server.start()
        assert server.state() == before

        # The screen that stayed open reconnects by itself and is sent the state without a reload.
        after = server.command("confirm", project_id=ids[3]).json()["state"]
        got = viewer.wait_for(lambda s: s["seq"] == after["seq"], timeout=15)
        assert got["signed_count"] == 3 and got["total_yi"] == after["total_yi"]
    finally:
        viewer.close()
    db = sqlite3.connect(server.data_dir / "kiosk.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_repeated_command_over_http_changes_nothing(server):
    pid = server.made_ids[1]
    a = server.command("confirm", command_id="dup-1", project_id=pid)
    b = server.command("confirm", command_id="dup-1", project_id=pid)
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()
    assert server.state()["signed_count"] == 1


def test_cli_import_reaches_a_running_server_at_once(server, tmp_path):
    viewer = Recorder(server, reconnect=True)
    try:
        viewer.wait_for(lambda s: True)
        csv = tmp_path / "more.csv"
        csv.write_text("项目名称,签约企业,投资额（万元）\n追加项目,追加企业,12345\n", encoding="utf-8")
        done = run_kiosk(server.data_dir, "import", str(csv))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "已导入 1个项目（more.csv），共 1.23亿元。"
        # the state over HTTP has it the moment the import returned (no waiting for a watcher) ...
        assert server.state()["project_count"] == 5
        # ... and the connected screens within the watcher's second
        got = viewer.wait_for(lambda s: s["project_count"] == 5, timeout=10)
        assert got["projects"][-1]["name"] == "追加项目"
        assert server.state(operator=True)["projects"][-1]["amount_wan"] == 12345
    finally:
        viewer.close()


def test_importing_the_same_file_twice_is_refused_with_a_clear_message(tmp_path):
    data = tmp_path / "data"
    file = tmp_path / "projects.csv"
    file.write_bytes(csv_bytes(projects("10", "20")))
    assert run_kiosk(data, "import", str(file)).returncode == 0
    again = run_kiosk(data, "import", str(file))
    assert again.returncode == 2
    assert again.stderr.splitlines() == [
        "row 2, column 项目名称: 签约顺序中已有同名项目「测试项目一」：要替换整个签约顺序请用 --replace，"
        "确需重名追加请用 --allow-same-name",
        "row 3, column 项目名称: 签约顺序中已有同名项目「测试项目二」：要替换整个签约顺序请用 --replace，"
        "确需重名追加请用 --allow-same-name",
        "共 2 处问题，未导入任何内容。",
    ]
    assert run_kiosk(data, "import", str(file), "--replace").returncode == 0
    assert run_kiosk(data, "import", str(file), "--allow-same-name").returncode == 0
    db = sqlite3.connect(data / "kiosk.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 4


def test_cli_import_rejects_a_bad_file_whole(tmp_path):
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("项目名称,签约企业,投资额（亿元）\n好项目,好企业,10\n坏项目,,abc\n", encoding="utf-8")
    done = run_kiosk(data, "import", str(bad))
    assert done.returncode == 2
    assert "row 3, column 签约企业:" in done.stderr
    assert "row 3, column 投资额（亿元）:" in done.stderr
    # nothing was stored: a following good import is the only thing there
    good = tmp_path / "good.csv"
    good.write_text("name,investor,amount_yi\nA,B,1.5\n", encoding="utf-8")
    assert run_kiosk(data, "import", str(good)).returncode == 0
    db = sqlite3.connect(data / "kiosk.sqlite3")
    assert db.execute("SELECT name, amount_wan FROM projects").fetchall() == [("A", 15000)]


def test_replace_is_refused_once_something_is_signed(server, tmp_path):
    assert server.command("confirm", project_id=server.made_ids[0]).status_code == 200
    csv = tmp_path / "new.csv"
    csv.write_text("name,investor,amount_wan\nX,Y,1\n", encoding="utf-8")
    done = run_kiosk(server.data_dir, "import", str(csv), "--replace")
    # the live run is locked at its first signing, also for the command line
    assert done.returncode == 2 and "show_locked" in done.stderr
    server.unlock_edits()
    done = run_kiosk(server.data_dir, "import", str(csv), "--replace")
    assert done.returncode == 2 and "already_signed" in done.stderr
    assert server.state()["project_count"] == 4


def test_an_english_event_speaks_english_on_the_command_line(live_server_with, tmp_path):
    from harness import EventSpec

    server = live_server_with(projects("1"), EventSpec(title="Signing Day", language="en"))
    bad = tmp_path / "bad.csv"
    bad.write_text("name,investor,amount_yi\nA,,-1\n", encoding="utf-8")
    done = run_kiosk(server.data_dir, "import", str(bad))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "row 2, column investor: required",
        "row 2, column amount_yi: must be a number, 0 or more, with at most 4 decimal places",
        "2 problem(s); nothing was imported.",
    ]
    good = tmp_path / "good.csv"
    good.write_text("name,investor,amount_wan\nB,C,8500\n", encoding="utf-8")
    done = run_kiosk(server.data_dir, "import", str(good))
    assert done.stdout.strip() == "added 1 project (good.csv), CNY 85 million in all."
    out = tmp_path / "r.csv"
    done = run_kiosk(server.data_dir, "export", "-o", str(out))
    assert done.returncode == 0 and "wrote" in done.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("No.,Project name,Investor,")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_the_server_stops_with_one_clear_line(live_server_with, how):
    """Ctrl-C (SIGINT) and a service manager's SIGTERM: one line, no traceback, the database folded back
    into its file (the write-ahead log emptied) so it can be copied away as one file."""
    import signal

    server = live_server_with(projects("10"))
    assert server.command("confirm", project_id=server.made_ids[0]).status_code == 200
    server.proc.send_signal(getattr(signal, how))
    assert server.proc.wait(15) == 0
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "KeyboardInterrupt" not in log
    assert log.rstrip().splitlines()[-1] == f"kiosk：已停止（{how}），数据库已写入磁盘。"
    wal = server.data_dir / "kiosk.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    db = sqlite3.connect(server.data_dir / "kiosk.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM log WHERE action = 'confirm'").fetchone()[0] == 1
