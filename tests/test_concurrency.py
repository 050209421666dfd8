"""Two consoles at once, against a live server: exactly one effect, every other request answered with its code.

Each test runs on both stores: the SQLite file and a fresh PostgreSQL database (tests/services.py)."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests
import websocket
from harness import ProjectSpec, Recorder, csv_bytes, projects, run_kiosk
from services import store_fixture  # noqa: F401 - the fixture `store`

pytestmark = pytest.mark.live


@pytest.fixture
def live_server(store, tmp_path):
    """Five projects made for the test (these tests are about consoles, not about the sample)."""
    server = store.server(tmp_path / "live", projects("10", "20", "30", "40", "50"))
    yield server
    server.stop()


def at_once(n, send):
    """Run ``send(i)`` in n threads released together; returns the responses in thread order."""
    barrier = threading.Barrier(n)
    out = [None] * n

    def worker(i):
        barrier.wait()
        out[i] = send(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


def post(server, body, device):
    return requests.post(
        server.url + "/api/v1/commands",
        json=body,
        headers={"Authorization": f"Bearer {server.api_token}", "X-Kiosk-Device": device},
        timeout=10,
    )


def test_two_consoles_confirm_the_same_project(live_server):
    before = live_server.state()["seq"]
    for pid in live_server.made_ids[:3]:
        rs = at_once(
            4,
            lambda i, pid=pid: post(
                live_server,
                {"command_id": uuid.uuid4().hex, "action": "confirm", "project_id": pid},
                f"console {i}",
            ),
        )
        codes = sorted(r.status_code for r in rs)
        assert codes == [200, 400, 400, 400]
        assert {r.json()["reason"] for r in rs if r.status_code == 400} == {"already_signed"}
    state = live_server.state()
    assert state["signed_count"] == 3 and state["seq"] == before + 3  # one entry a signing, no more


def test_the_same_command_id_from_two_devices(live_server):
    body = {
        "command_id": "shared-" + uuid.uuid4().hex,
        "action": "confirm",
        "project_id": live_server.made_ids[4],
    }
    rs = at_once(6, lambda i: post(live_server, body, f"device {i}"))
    assert {r.status_code for r in rs} == {200}
    assert len({r.text for r in rs}) == 1  # everyone got the first answer, verbatim
    assert live_server.state()["signed_count"] == 1


def test_stale_expected_seq_loses(live_server):
    seq = live_server.state()["seq"]
    rs = at_once(
        5,
        lambda i: post(
            live_server,
            {
                "command_id": uuid.uuid4().hex,
                "action": "confirm",
                "project_id": live_server.made_ids[i],
                "expected_seq": seq,
            },
            f"console {i}",
        ),
    )
    assert sorted(r.status_code for r in rs) == [200, 409, 409, 409, 409]
    for r in rs:
        if r.status_code == 409:
            assert r.json()["reason"] == "seq_conflict" and r.json()["state"]["seq"] == seq + 1
    assert live_server.state()["signed_count"] == 1


def test_concurrent_undos_take_back_one_signing_each(live_server):
    for pid in live_server.made_ids[:2]:
        assert (
            post(
                live_server, {"command_id": uuid.uuid4().hex, "action": "confirm", "project_id": pid}, "setup"
            ).status_code
            == 200
        )
    rs = at_once(4, lambda i: post(live_server, {"command_id": uuid.uuid4().hex, "action": "undo"}, f"c{i}"))
    assert sorted(r.status_code for r in rs) == [200, 200, 400, 400]
    assert live_server.state()["signed_count"] == 0


def test_socket_handshakes_from_other_origins_are_refused(live_server):
    ws_url = live_server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(ws_url, origin="http://evil.example", timeout=5)
    assert refused.value.status_code == 400
    friend = websocket.create_connection(ws_url, origin=live_server.url, timeout=5)
    try:
        assert friend.recv().startswith("0{")  # Engine.IO's open packet: the handshake went through
    finally:
        friend.close()
    # a page served by this server (same origin) gets its socket as usual, and its first state
    viewer = Recorder(live_server, {"role": "viewer"})
    try:
        assert viewer.client.connected and viewer.seqs
    finally:
        viewer.close()


def test_a_cli_import_while_the_consoles_confirm_breaks_nothing(live_server, store, tmp_path):
    """Another process writing (``python -m kiosk import``) while the server takes confirms: no error, no
    gap and no duplicate in seq. (The service used to decide against its memory before the transaction,
    so the next confirm after an outside write failed with an IntegrityError, a 500, for up to a second.)"""
    files = []
    for round_ in range(6):
        path = tmp_path / f"more-{round_}.csv"
        path.write_bytes(
            csv_bytes(
                [
                    ProjectSpec(name=f"追加项目{round_}-{k}", investor="追加企业", amount_yi="1")
                    for k in range(3)
                ]
            )
        )
        files.append(path)
    # The editor opens the running order, as a live run locks it at its first signing.
    live_server.unlock_edits()
    errors: list = []
    answers: list = []
    stop = threading.Event()

    def importer():
        for path in files:
            done = run_kiosk(live_server.data_dir, "import", str(path), env=store.env)
            if done.returncode != 0:
                errors.append(done.stderr)
        stop.set()

    def console():
        # confirm and undo without pause until the importer is done
        while not stop.is_set():
            for body in ({"action": "confirm", "project_id": live_server.made_ids[0]}, {"action": "undo"}):
                r = post(live_server, {"command_id": uuid.uuid4().hex, **body}, "console")
                answers.append(r.status_code)
                if r.status_code >= 500:
                    errors.append(r.text)

    threads = [threading.Thread(target=importer), threading.Thread(target=console)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert answers.count(200) > 20  # the consoles really were busy throughout
    state = live_server.state()
    assert state["project_count"] == 5 + 6 * 3
    seqs = store.seqs(live_server.data_dir)
    assert seqs == list(range(1, len(seqs) + 1)) and seqs[-1] == state["seq"]
