"""Shared fixtures: app factories for in-process tests, live servers (real processes) and real Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PIN = "246810"


@pytest.fixture
def make_app(tmp_path):
    """Factory: a fresh app on its own data folder (sample loaded unless told otherwise)."""
    from kiosk import create_app

    made = []

    def make(**config):
        folder = tmp_path / f"data{len(made)}"
        app = create_app({"DATA_DIR": str(folder), "OPERATOR_PIN": PIN, "TESTING": True, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["kiosk"].storage.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def operator(app):
    """A test client logged in as an operator, sending its CSRF token on every write."""
    c = app.test_client()
    r = c.post("/api/v1/session", json={"pin": PIN})
    assert r.status_code == 200
    c.environ_base["HTTP_X_CSRF_TOKEN"] = r.get_json()["csrf_token"]
    return c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``python -m kiosk serve`` in a real process, on its own port and data folder, as a user runs it."""

    def __init__(self, data_dir: Path, port: int | None = None, env: dict | None = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 20) -> LiveServer:
        env = {
            **os.environ,
            "KIOSK_DATA_DIR": str(self.data_dir),
            "KIOSK_OPERATOR_PIN": PIN,
            "KIOSK_PUBLIC_URL": self.url,
            **self.extra_env,
        }
        env.pop("PYTHONWARNINGS", None)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not come up")

    def kill(self) -> None:
        """SIGKILL: the crash a power cut or the OOM killer would cause."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def api_token(self) -> str:
        return (self.data_dir / "api_token.txt").read_text().strip()

    def state(self) -> dict:
        return requests.get(self.url + "/api/v1/state", timeout=5).json()

    def command(self, action: str, command_id: str | None = None, **fields) -> requests.Response:
        body = {"command_id": command_id or uuid.uuid4().hex, "action": action, **fields}
        return requests.post(
            self.url + "/api/v1/commands",
            json=body,
            headers={"Authorization": f"Bearer {self.api_token}"},
            timeout=10,
        )


@pytest.fixture
def live_server(tmp_path):
    """A started server with the sample ceremony. ``.kill()``/``.start()`` restart it on the same port."""
    server = LiveServer(tmp_path / "live-data").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (Playwright's own browser downloads are not used)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: the README's test command installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
