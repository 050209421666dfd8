"""Operator access: PIN throttling, session cookie, idle timeout, sign out everywhere, CSRF and origins."""

from __future__ import annotations

import time
from datetime import timedelta

import itsdangerous.timed
from conftest import PIN
from harness import welcomed

from kiosk.core.clock import FixedClock
from kiosk.web.auth import FREE_TRIES, GLOBAL_FAILURES_PER_MIN, Throttle


def login(client, pin, addr="10.0.0.9"):
    return client.post("/api/v1/session", json={"pin": pin}, environ_base={"REMOTE_ADDR": addr})


def test_guessing_is_slowed_per_client_but_the_operators_get_in(app, caplog):
    guest = app.test_client()
    for _ in range(FREE_TRIES):
        assert login(guest, "000000", "10.0.0.66").status_code == 401
    blocked = login(guest, "000000", "10.0.0.66")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    # even the right PIN waits from the guessing device...
    assert login(guest, PIN, "10.0.0.66").status_code == 429
    # ...while the operators' tablet logs in at once
    assert login(app.test_client(), PIN, "10.0.0.2").status_code == 200
    # every attempt is in the log, with where it came from
    assert caplog.text.count("login failed from 10.0.0.66") == FREE_TRIES
    assert "login throttled for 10.0.0.66" in caplog.text
    assert "editor logged in from 10.0.0.2" in caplog.text


def test_throttle_waits_grow_and_are_capped():
    clock = FixedClock()
    t = Throttle(clock=clock)
    waits = []
    for _ in range(FREE_TRIES + 12):
        clock.advance(t.wait_for("a") + 0.001)
        t.failed("a")
        waits.append(t.wait_for("a"))
    assert waits[: FREE_TRIES - 1] == [0.0] * (FREE_TRIES - 1)
    assert waits[FREE_TRIES] > waits[FREE_TRIES - 1] > 0
    assert max(waits) <= 300
    t.succeeded("a")
    assert t.wait_for("a") == 0


def test_many_devices_guessing_together_are_capped_overall():
    clock = FixedClock()
    t = Throttle(clock=clock)
    for i in range(GLOBAL_FAILURES_PER_MIN):
        t.failed(f"guest{i}")
    # a device that already failed now waits for the overall window, and so does a new address (before,
    # every new address got a free first try past the cap)...
    assert t.wait_for("guest0") > 0
    assert t.wait_for("guest-from-a-new-address") > 0
    # ...but a device that has logged in before (the operators' tablet) is never held back by the others
    assert t.wait_for("tablet", known=True) == 0
    clock.advance(61)
    assert t.wait_for("guest0") == 0 and t.wait_for("guest-from-a-new-address") == 0


def test_past_the_overall_cap_only_a_device_that_logged_in_before_gets_in(app):
    tablet = app.test_client()
    r = login(tablet, PIN, "10.0.0.2")
    assert r.status_code == 200 and "kiosk_known=" in r.headers["Set-Cookie"]
    tablet.delete("/api/v1/session", headers={"X-CSRF-Token": r.get_json()["csrf_token"]})
    for i in range(GLOBAL_FAILURES_PER_MIN):  # one guess from each of many addresses
        assert login(app.test_client(), "000000", f"10.9.0.{i}").status_code == 401
    assert login(app.test_client(), "000000", "10.9.1.1").status_code == 429  # a new address waits too
    assert login(app.test_client(), PIN, "10.9.1.2").status_code == 429
    assert login(tablet, PIN, "10.0.0.2").status_code == 200  # the known tablet is not held back

    # "sign out every device" voids the cookie: a stolen tablet is a stranger again
    token = login(tablet, PIN, "10.0.0.2").get_json()["csrf_token"]
    assert tablet.post("/api/v1/session/sign-out-all", headers={"X-CSRF-Token": token}).status_code == 200
    assert login(tablet, PIN, "10.0.0.2").status_code == 429


def test_the_throttle_tables_are_bounded():
    """A guesser with a million addresses (one IPv6 prefix) cannot grow the server's tables without end."""
    from kiosk.store.shared import MemoryShared

    clock = FixedClock()
    t = Throttle(MemoryShared(clock, max_keys=2000), clock)
    for i in range(20_000):
        t.failed(f"2001:db8::{i:x}")
    assert len(t.shared._values) <= 2000
    assert t.wait_for("2001:db8::1") > 0  # still slowed: past the overall cap


def test_the_throttle_forgets_by_itself():
    """An address that failed once is not kept for ever (the tables used to grow with every guess)."""
    clock = FixedClock()
    t = Throttle(clock=clock)
    for i in range(1000):
        t.failed(f"10.0.{i // 250}.{i % 250}")
    clock.advance(Throttle.FORGET_S + 1)
    for i in range(600):  # writes sweep what has expired
        t.shared.set(f"x{i}", "1", ttl=1)
    assert sum(1 for k in t.shared._values if k.startswith("throttle:")) == 0


def test_session_cookie_flags_and_a_fresh_session_at_login(app):
    c = app.test_client()
    c.get("/control")
    before = c.get_cookie("session")
    r = login(c, PIN)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert before is None or before.value != c.get_cookie("session").value
    # logging in again gives a different session value (nonce), so an old copy of the cookie is not the new one
    first = c.get_cookie("session").value
    login(c, PIN)
    assert c.get_cookie("session").value != first


def test_secure_cookie_under_https(make_app):
    app = make_app(PUBLIC_URL="https://kiosk.example", SESSION_COOKIE_SECURE=True)
    r = app.test_client().post("/api/v1/session", json={"pin": PIN}, base_url="https://kiosk.example")
    assert "Secure" in r.headers["Set-Cookie"]


def test_idle_session_expires(make_app, monkeypatch):
    app = make_app(PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    c = app.test_client()
    assert login(c, PIN).status_code == 200
    assert c.get("/api/v1/session").get_json()["operator"] is True
    # Two seconds later by the session signer's clock (no real wait).
    later = int(time.time()) + 2
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: later)
    assert c.get("/api/v1/session").get_json()["operator"] is False


def test_sign_out_every_device(app, operator):
    other = app.test_client()
    login(other, PIN)
    socketio = app.extensions["socketio"]
    console = socketio.test_client(app, flask_test_client=other, auth={"role": "console"})
    assert console.is_connected()
    welcomed(console)
    assert operator.post("/api/v1/session/sign-out-all").status_code == 200
    assert other.get("/api/v1/session").get_json()["operator"] is False
    assert operator.get("/api/v1/session").get_json()["operator"] is False
    assert not console.is_connected()
    # a fresh login works again
    assert login(other, PIN).status_code == 200
    assert other.get("/api/v1/session").get_json()["operator"] is True


def test_sign_out_every_device_is_all_or_nothing(app, operator, monkeypatch):
    """Voiding the sessions, revoking the tokens and refusing KIOSK_API_TOKEN is one transaction: a failure
    after the first write (the sessions' new epoch) leaves every credential as it was, not the sessions
    void while a leaked token still runs the show."""
    storage = app.extensions["kiosk"].storage
    bearer = {"Authorization": "Bearer " + app.config["API_TOKEN"]}
    epoch = storage.get_meta("session_epoch")

    def fails(*_args, **_kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(storage, "revoke_devices", fails)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert operator.post("/api/v1/session/sign-out-all").status_code == 500
    assert storage.get_meta("session_epoch") == epoch
    assert operator.get("/api/v1/session").get_json()["operator"] is True
    assert app.test_client().get("/api/v1/devices", headers=bearer).status_code == 200
    monkeypatch.undo()
    assert operator.post("/api/v1/session/sign-out-all").status_code == 200
    assert operator.get("/api/v1/session").get_json()["operator"] is False
    assert app.test_client().get("/api/v1/devices", headers=bearer).status_code == 401


def test_cross_origin_writes_are_refused(app, operator):
    r = operator.post(
        "/api/v1/commands",
        json={"command_id": "o1", "action": "show", "screen": "roll"},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    r = operator.post(
        "/api/v1/commands",
        json={"command_id": "o2", "action": "show", "screen": "roll"},
        headers={"Origin": "http://localhost"},
    )
    assert r.status_code == 200


def test_login_by_form_post_is_not_possible(client):
    # a cross-site form can only send form or text bodies: those never reach the PIN check
    r = client.post("/api/v1/session", data=f'{{"pin": "{PIN}"}}', content_type="text/plain")
    assert r.status_code == 401


def test_requests_over_the_size_limit_are_refused(operator):
    r = operator.post(
        "/api/v1/commands", data=b"{" + b" " * (7 * 1024 * 1024) + b"}", content_type="application/json"
    )
    assert r.status_code == 413


def test_logging_out_needs_the_csrf_token(app):
    """Before: any site could sign the console out mid-ceremony with a cross-site DELETE."""
    c = app.test_client()
    token = login(c, PIN).get_json()["csrf_token"]
    assert c.delete("/api/v1/session").status_code == 403
    assert c.delete("/api/v1/session", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.get("/api/v1/session").get_json()["operator"] is True
    assert c.delete("/api/v1/session", headers={"X-CSRF-Token": token}).status_code == 200
    assert c.get("/api/v1/session").get_json()["operator"] is False
    assert app.test_client().delete("/api/v1/session").status_code == 200  # nothing to log out of


def test_no_token_is_in_any_page_nor_served_to_one(app, operator, client):
    """Before: the console page carried the AV desk's token in its HTML, with no Cache-Control; then an
    operator could still fetch it. Now tokens are made in the admin and shown once, in the answer that
    made them, and no page or endpoint serves one again."""
    token = app.config["API_TOKEN"]
    made = operator.post("/api/v1/tokens", json={"name": "AV 中控", "scope": "control"}).get_json()["token"]
    for path in (
        "/control",
        "/admin",
        "/display",
        "/",
        "/api/v1/devices",
        "/api/v1/state",
        "/api/v1/report.json",
    ):
        page = operator.get(path, follow_redirects=True).get_data(as_text=True)
        assert token not in page and made not in page, path
    assert operator.get("/api/v1/av-token").status_code == 404
    assert client.get("/control").headers["Cache-Control"] == "no-store"


def test_behind_a_trusted_proxy_the_client_is_the_one_behind_it(make_app):
    """Before: behind an HTTPS reverse proxy the Origin check failed and every client shared one throttle key."""
    app = make_app(TRUSTED_PROXIES=1)
    via = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "kiosk.example"}

    def guest(addr):
        c = app.test_client()
        c.environ_base.update(via, HTTP_X_FORWARDED_FOR=addr, REMOTE_ADDR="127.0.0.1")
        return c

    guesser = guest("203.0.113.7")
    for _ in range(FREE_TRIES + 1):
        guesser.post("/api/v1/session", json={"pin": "000000"})
    assert guesser.post("/api/v1/session", json={"pin": PIN}).status_code == 429
    # the operators' tablet, through the same proxy, is another client
    tablet = guest("203.0.113.8")
    r = tablet.post("/api/v1/session", json={"pin": PIN})
    assert r.status_code == 200
    write = tablet.post(
        "/api/v1/commands",
        json={"command_id": "p1", "action": "show", "screen": "roll"},
        headers={"X-CSRF-Token": r.get_json()["csrf_token"], "Origin": "https://kiosk.example"},
    )
    assert write.status_code == 200


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app):
    """A guesser cannot dodge the throttle by inventing X-Forwarded-For."""
    for _ in range(FREE_TRIES + 1):
        login(app.test_client(), "000000", "10.0.0.77")
    spoof = app.test_client()
    spoof.environ_base.update(HTTP_X_FORWARDED_FOR="198.51.100.9", REMOTE_ADDR="10.0.0.77")
    assert spoof.post("/api/v1/session", json={"pin": PIN}).status_code == 429
