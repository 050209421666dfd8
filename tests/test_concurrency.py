"""Two consoles at once, against a live server: exactly one effect, every other request answered with its code."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests
import socketio
import websocket

pytestmark = pytest.mark.live


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
    for pid in ("p1", "p2", "p3"):
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
    assert state["signed_count"] == 3 and state["seq"] == 2 + 3  # two setup entries, then one per signing


def test_the_same_command_id_from_two_devices(live_server):
    body = {"command_id": "shared-" + uuid.uuid4().hex, "action": "confirm", "project_id": "p5"}
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
                "project_id": f"p{i + 1}",
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
    for pid in ("p1", "p2"):
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
    # a page served by this server (same origin) gets its socket as usual
    viewer = socketio.Client(reconnection=False)
    viewer.connect(live_server.url, transports=["websocket"], wait_timeout=5)
    assert viewer.connected
    viewer.disconnect()
