"""The suite's own machinery: what one test leaves behind does not change what another draws."""

from __future__ import annotations

import contextlib
import random
import threading
import time

import socketio
from harness import free_port


def test_a_client_left_reconnecting_does_not_move_the_global_random_state():
    """A client reconnecting in its background thread (to a server gone: a dead port) while another test's
    Hypothesis draws an example: the process's global `random` must not move (Hypothesis fails a test whose
    strategies seem to use it). Before conftest gave python-socketio a generator of its own, each attempt
    drew its jitter from the global one."""
    # (a bounded number of attempts: the loop ends by itself even if disconnect() loses the race with it)
    client = socketio.Client(
        reconnection=True, reconnection_delay=0.05, reconnection_delay_max=0.05, reconnection_attempts=80
    )
    before = random.getstate()

    def connect():
        with contextlib.suppress(Exception):
            client.connect(f"http://127.0.0.1:{free_port()}", retry=True, wait_timeout=1)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            assert random.getstate() == before, "a reconnect attempt drew from the global random"
            time.sleep(0.01)
        assert thread.is_alive(), "the client stopped retrying: nothing was proved"
    finally:
        client.disconnect()
