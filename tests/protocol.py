"""Raw Engine.IO / Socket.IO clients for protocol tests: what a script on the venue Wi-Fi could send.

Nothing here uses a Socket.IO client library on purpose: the point is to send what no library would.
Websockets through ``websocket-client``; long-polling through bare sockets, so a request can be left
half-answered the way a hostile client leaves it.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass

import websocket

RECORD = "\x1e"  # Engine.IO's separator of packets in one polling body


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"


def open_websocket(base: str, timeout: float = 5) -> websocket.WebSocket:
    """A websocket whose Engine.IO handshake (``0{...}``) has been read."""
    ws = websocket.create_connection(ws_url(base), timeout=timeout, enable_multithread=True)
    opened = ws.recv()
    assert opened.startswith("0{"), opened
    return ws


def socketio_connect(ws: websocket.WebSocket, auth: dict | None = None) -> list[str]:
    """Send a Socket.IO connect and return the packets up to and including the first ``state``."""
    ws.send("40" + (json.dumps(auth) if auth else ""))
    got = []
    while True:
        packet = ws.recv()
        if packet == "2":  # the server's ping
            ws.send("3")
            continue
        got.append(packet)
        if packet.startswith('42["state"'):
            return got


def read_until_closed(ws: websocket.WebSocket, timeout: float = 5) -> tuple[int | None, list[str]]:
    """Read until the server closes: (the close frame's status code or None, text packets before it).

    Raw frames, so the client does not answer the close itself; the socket is closed afterwards.
    """
    ws.settimeout(timeout)
    texts: list[str] = []
    try:
        while True:
            try:
                frame = ws.recv_frame()
            except (websocket.WebSocketConnectionClosedException, ConnectionError):
                return None, texts
            except websocket.WebSocketProtocolException as err:
                # Not a websocket frame at all: what a server writing HTTP into the stream produces.
                texts.append(f"<invalid frame: {err}>")
                return None, texts
            if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                data = frame.data
                return (int.from_bytes(data[:2], "big") if len(data) >= 2 else None), texts
            if frame.opcode == websocket.ABNF.OPCODE_TEXT:
                texts.append(frame.data.decode("utf-8"))
    finally:
        ws.shutdown()


def polling_session(base: str) -> str:
    """Open a long-polling session; returns its sid."""
    host, port = address(base)
    status, body = http(host, port, "GET", "/socket.io/?EIO=4&transport=polling")
    assert status == 200, (status, body)
    return json.loads(body.decode()[1:])["sid"]


def address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def http(
    host: str,
    port: int,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict | None = None,
    timeout: float = 5,
    source: str | None = None,
) -> tuple[int | None, bytes]:
    """One request on its own connection: (status, body), or (None, b"") if none came within ``timeout``."""
    sock = socket.create_connection(
        (host, port), timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        head = {"Host": f"{host}:{port}", "Connection": "close", **(headers or {})}
        if body and "Transfer-Encoding" not in head:
            head["Content-Length"] = str(len(body))
        lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in head.items()), "", ""]
        sock.sendall("\r\n".join(lines).encode() + body)
        return read_response(sock)
    finally:
        sock.close()


def read_response(sock: socket.socket) -> tuple[int | None, bytes]:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None, data
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            None,
        )
        while length is not None and len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, rest
    except TimeoutError:
        return None, data


def post_unanswered(host: str, port: int, sid: str, size: int) -> socket.socket:
    """Send a polling POST of ``size`` bytes and return the socket without reading the answer."""
    sock = socket.create_connection((host, port), timeout=5)
    head = (
        f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {size}\r\n\r\n"
    )
    sock.sendall(head.encode() + b"4" + b"x" * (size - 1))
    return sock


@dataclass
class Process:
    """A server process seen from outside: its open files and resident memory, from /proc."""

    pid: int

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_mb(self) -> float:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def settle_fds(self, baseline: int, within: float = 5.0, slack: int = 2) -> int:
        """Open files once they are back within ``slack`` of ``baseline`` (or after ``within`` seconds)."""
        deadline = time.monotonic() + within
        while True:
            now = self.fds()
            if now <= baseline + slack or time.monotonic() > deadline:
                return now
            time.sleep(0.05)


# -- churn: many short websocket connections, fast enough to make thousands from one Python process -----

UPGRADE = (
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A client's websocket frame; the all-zero mask is valid and leaves the payload as it is."""
    assert len(payload) < 126
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + b"\0\0\0\0" + payload


CLOSE = client_frame((1000).to_bytes(2, "big"), opcode=0x8)


def receive_until(sock: socket.socket, want: bytes, data: bytes = b"") -> bytes:
    while want not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before {want!r}: {data[:200]!r}")
        data += chunk
    return data


def churn_once(host: str, port: int, connect: dict | None = None, timeout: float = 10) -> None:
    """Open a websocket, optionally connect to Socket.IO and wait for ``state``, then close it."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(UPGRADE.format(host=host).encode())
        # RFC 6455: a client sends nothing more until the server's 101 has arrived.
        data = receive_until(sock, b'0{"sid"')
        if connect is not None:
            sock.sendall(client_frame(b"40" + json.dumps(connect).encode()))
            receive_until(sock, b'42["state"', data)
        sock.sendall(CLOSE)
        # The server's close frame (or the end of the connection) ends it; a server that leaves the
        # connection open after the closing handshake (gevent before kiosk's guard) must not hang us.
        tail = b""
        while b"\x88" not in tail:
            chunk = sock.recv(65536)
            if not chunk:
                break
            tail = (tail + chunk)[-4096:]
