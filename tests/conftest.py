"""Shared fixtures: apps made to order (factories), live servers in real processes, and real Chromium.

Most tests make their own ceremony (``make_app(projects=projects("10", "20"))``, ``fresh_server``)
so that a change to the shipped sample breaks only the tests that are about the sample; those use the
plain ``app`` / ``live_server`` fixtures, which load it as a fresh install does.

The tests against a server process share one per module (``shared_server``): each takes a fresh ceremony
from it through the API (``fresh_server``, ``live_server``). The tests about the process itself (it
restarts, it is killed, its environment, its login throttle, a sign-out of every device) start their own
(``live_server_with``).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import random
from pathlib import Path

import pytest
import socketio.client as socketio_client
from harness import (
    OPERATOR_PIN,
    PIN,
    ROOT,
    VIEWER_PIN,
    EventSpec,
    LiveServer,
    fill,
    launch_chromium,
    prepare_data,
    projects,
)

import kiosk

__all__ = ["PIN", "ROOT"]

# Every module of kiosk imported before any test runs. Hypothesis draws examples from the constants of the
# project's modules loaded so far (sys.modules), so a module that kiosk imports lazily, first loaded in the
# middle of a property test, changed what the test drew between two runs of one example and failed it as
# "Inconsistent data generation" (FlakyStrategyDefinition, test_importer, a fresh clone's run).
for _module in pkgutil.walk_packages(kiosk.__path__, "kiosk."):
    if _module.name != "kiosk.__main__":  # (it would run the command line)
        importlib.import_module(_module.name)

# A test's own Socket.IO clients draw their reconnection jitter from a generator of their own. python-socketio
# draws it from the process's global `random`, and a client left reconnecting in its background thread (its
# reconnect task clears the abort a disconnect() just set, when the two race) moved that state while Hypothesis
# drew another test's example, which Hypothesis reports as a strategy using `random` (a fresh clone's run:
# test_importer failed as "produces unreliable results"). tests/test_harness.py proves the isolation.
socketio_client.random = random.Random()

# Every server and command-line process the tests start (a few hundred) keeps the bytecode it compiled beside
# the sources and reads what setup compiled: where PYTHONDONTWRITEBYTECODE is set (this container sets it;
# scripts/test.sh unsets it for the whole run), each start compiled kiosk/ again, ~0.1 s a start
# (docs/BENCHMARK.md finding 11).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.fixture
def make_app(tmp_path):
    """Factory: a fresh app on its own data folder.

    ``make_app()`` loads the sample ceremony (as a fresh install does); ``make_app(projects=[...],
    event=EventSpec(...))`` makes that ceremony instead (``app.ids``: its project ids in running order).
    Other keywords are app settings.
    """
    from kiosk import create_app

    made = []

    def make(projects=None, event=None, **config):
        folder = tmp_path / f"data{len(made)}"
        custom = projects is not None or event is not None
        settings = {
            "DATA_DIR": str(folder),
            "EDITOR_PIN": PIN,
            "OPERATOR_PIN": OPERATOR_PIN,
            "VIEWER_PIN": VIEWER_PIN,
            "TESTING": True,
            **config,
        }
        if custom:
            settings["LOAD_SAMPLE"] = False
        app = create_app(settings)
        made.append(app)
        ceremony = app.extensions["kiosk"]
        app.ids = fill(ceremony, projects, event) if custom else [p.id for p in ceremony.projects]
        return app

    yield make
    for app in made:
        app.extensions["kiosk"].storage.close()


@pytest.fixture
def app(make_app):
    """The sample ceremony, as a fresh install loads it."""
    return make_app()


@pytest.fixture
def small(make_app):
    """A ceremony of three projects made for the test: 10, 20 and 30 亿元."""
    return make_app(projects=projects("10", "20", "30"))


def operator_client(app, pin: str = PIN):
    """A test client logged in (as the editor unless ``pin`` says otherwise), sending its CSRF token on
    every write."""
    c = app.test_client()
    r = c.post("/api/v1/session", json={"pin": pin})
    assert r.status_code == 200
    c.environ_base["HTTP_X_CSRF_TOKEN"] = r.get_json()["csrf_token"]
    return c


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def operator(app):
    return operator_client(app)


@pytest.fixture
def live_server(fresh_server):
    """The sample ceremony, fresh, on the module's server (a test that restarts its server, or changes
    its environment, takes ``live_server_with()`` instead)."""
    return fresh_server()


@pytest.fixture
def live_server_with(tmp_path):
    """Factory: a started server of the test's own on a ceremony made for it
    (``live_server_with(projects(...))``; neither projects nor event: the sample, as a fresh install)."""
    started = []

    def start(specs=None, event: EventSpec | None = None, env: dict | None = None) -> LiveServer:
        folder = tmp_path / f"live-{len(started)}"
        sample = specs is None and event is None
        ids = None if sample else prepare_data(folder, specs, event)
        server = LiveServer(folder, env=env).start()
        server.made_ids = server.ids() if sample else ids
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One started server for the whole module: its tests take a fresh ceremony from it (``fresh_server``)
    instead of paying a process start each. A test about the process itself (a restart, a kill, its
    environment, a sign-out of every device) starts its own with ``live_server_with``."""
    server = LiveServer(tmp_path_factory.mktemp("shared") / "data").start()
    yield server
    server.stop()


@pytest.fixture
def fresh_server(shared_server):
    """Factory: the module's server with a fresh ceremony made through its API
    (``fresh_server(projects(...), EventSpec(...))``; no projects: the sample, as a fresh install)."""

    def make(specs=None, event: EventSpec | None = None) -> LiveServer:
        return shared_server.fresh(specs, event)

    return make


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (``--dist loadgroup``): a module whose tests share a server runs on one worker,
    so it starts one server, not one per worker; the tests marked ``serial`` (they measure time, or want
    the machine's cores) all run on one worker, one after the other."""
    units: dict[str, list] = {}
    for item in items:
        if item.get_closest_marker("serial"):
            unit = "serial"
        elif "shared_server" in item.fixturenames:
            unit = item.module.__name__
        else:
            unit = None
        if unit is not None:
            item.add_marker(pytest.mark.xdist_group(unit))
        # A module's other tests stay together in the queue (each is still handed out alone), so a worker
        # running several of them sets their module's fixtures up once.
        units.setdefault(unit or item.module.__name__ + "::", []).append(item)
    # The longest first (run with --no-loadscope-reorder, which keeps this order): a long group handed out
    # last keeps one worker busy while the other has nothing left (the whole morning alone, 35 s, did).
    known = _durations()
    weight = {unit: sum(_duration(known, item) for item in members) for unit, members in units.items()}
    items[:] = [item for unit in sorted(units, key=lambda u: -weight[u]) for item in units[unit]]


DURATIONS = Path(__file__).with_name("durations.json")


def _durations() -> dict[str, float]:
    """Each test's seconds (setup to teardown) in a whole run on this kind of machine: only the order the
    tests are handed out in depends on it, so an old figure costs time, never a result. Refreshed with
    ``--record-durations``."""
    try:
        return json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return {}


def _duration(known: dict[str, float], item) -> float:
    if item.nodeid in known:
        return known[item.nodeid]
    # A test not measured yet: what such tests take.
    return 4.0 if item.get_closest_marker("browser") else 1.0 if item.get_closest_marker("live") else 0.1


def pytest_addoption(parser):
    parser.addoption(
        "--record-durations",
        action="store_true",
        help="write each test's seconds to tests/durations.json (the order the workers are given tests in)",
    )


_measured: dict[str, float] = {}


def pytest_runtest_logreport(report):
    _measured[report.nodeid.split("@")[0]] = _measured.get(report.nodeid.split("@")[0], 0) + report.duration


def pytest_sessionfinish(session):
    if session.config.getoption("--record-durations") and not os.environ.get("PYTEST_XDIST_WORKER"):
        table = {nodeid: round(seconds, 2) for nodeid, seconds in sorted(_measured.items())}
        DURATIONS.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    """A browser context a test leaves open keeps its pages drawing (a wall animates, a socket reconnects)
    through every test after it on that worker: closed here, and the test named in the warnings."""
    yield
    browser = getattr(item, "funcargs", {}).get("chromium")
    if browser is None or not browser.is_connected() or not browser.contexts:
        return
    item.warn(pytest.PytestWarning(f"left {len(browser.contexts)} browser context(s) open"))
    for context in list(browser.contexts):
        with contextlib.suppress(Exception):  # (one closing itself meanwhile)
            context.close()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, one browser for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def paired_client(app, name: str = "主屏"):
    """A test client holding a paired screen's key, as the wall PC's browser does after its pairing link."""
    link = operator_client(app).post("/api/v1/screens/pairing-links", json={"name": name})
    assert link.status_code == 201, link.get_json()
    wall = app.test_client()
    path = link.get_json()["url"].split("://", 1)[1].split("/", 1)[1]
    assert wall.get("/" + path).status_code == 302
    return wall
