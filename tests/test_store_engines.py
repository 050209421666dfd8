"""The two stores, SQLite and PostgreSQL, behind one interface: the same migrations, the same answers to the
same calls, one writer at a time across processes (no lost or doubled seq), ``data_version`` moving for
another connection's commit only, psycopg under gevent, and the CLI on PostgreSQL.

Each PostgreSQL test runs on a database of its own (tests/services.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import asdict, replace
from decimal import Decimal

import pytest
from harness import ROOT, ProjectSpec, csv_bytes, projects, run_kiosk, wait_until
from services import Store, pg_url_fixture, store_fixture  # noqa: F401 - the fixtures `pg_url`, `store`

from kiosk.ceremony.service import Ceremony
from kiosk.config import ConfigError, database_url
from kiosk.core.access import Device
from kiosk.core.model import Cue, Event, Pad
from kiosk.setup.fields import draft_from_cells
from kiosk.store.base import Store as StoreInterface
from kiosk.store.sqlite import SCHEMA_VERSION, migrations

AT = "2026-06-21T09:00:00+08:00"


def test_every_step_runs_once(store, tmp_path):
    first = store.open(tmp_path)
    try:
        assert first.schema_version() == SCHEMA_VERSION == migrations()[-1][0]
        assert first.migrate() == []
    finally:
        first.close()
    again = store.open(tmp_path)  # a second start changes nothing either
    try:
        assert again.schema_version() == SCHEMA_VERSION
        assert again.migrate() == []
        assert again.integrity_check() == "ok" and again.writable()
    finally:
        again.close()


def test_each_engine_is_the_store_the_domain_knows(store, tmp_path):
    """Above kiosk/store only ``kiosk.store.base.Store`` is named: each engine has every call of it, and
    it has every public call of the engines (one added to an engine alone would go around it)."""
    storage = store.open(tmp_path)
    try:
        assert isinstance(storage, StoreInterface)
        calls = {
            n for n in dir(StoreInterface) if not n.startswith("_") and callable(getattr(StoreInterface, n))
        }
        assert {n for n in dir(type(storage)) if not n.startswith("_")} == calls
    finally:
        storage.close()


def exercise(storage) -> dict:
    """Every kind of call the service makes, with fixed times; what came back, with the random parts
    (run ids, card and pad tokens) left out so two stores can be compared."""
    seen: dict = {}
    ceremony = Ceremony(storage)
    event = replace(
        Event(title="签约仪式"),
        publish_in_advance=True,
        calm=True,
        money_decimals=3,
        title_en="Signing",
        timezone="America/New_York",
    )
    storage.save_event(event, AT)
    drafts = [
        draft_from_cells(s.cells() | {"name_en": "Park", "signatories_en": "Zhang San, Li Si"})
        for s in projects("10", "20.5", "3", land_mu="12.5", signatories="张三、李四")
    ]
    seen["import"] = storage.add_projects(drafts, AT)
    seen["event"] = asdict(storage.load_event())
    seen["projects"] = [asdict(p) for p in storage.load_projects()]
    assert isinstance(storage.load_projects()[0].land_mu, Decimal)
    storage.update_card("p2", {"contact_email": "a@example.cn", "services": ["接送", "翻译"]})
    seen["cards"] = {k: replace(c, token="") for k, c in sorted(storage.load_cards().items())}
    storage.reorder_projects(["p3", "p1", "p2"], AT)
    storage.replace_cues([Cue(id="", order=1, kind="opening", title="开场", minutes=5)], AT)
    first_cue = storage.load_cues()[0].id
    storage.replace_cues(
        [
            Cue(id="nope", order=1, kind="signing", title="签约", project_ids=("p1",), script_en="Sign."),
            Cue(id=first_cue, order=2, kind="opening", title="开场", planned_time="09:30"),
        ],
        AT,
    )
    seen["cues"] = [asdict(c) for c in storage.load_cues()]
    storage.add_pad(Pad(id="d1", order=0, name="甲", project_id="p1", party="host"), "tok-1", AT)
    storage.add_pad(Pad(id="d2", order=0, name="乙", project_id="p1", party="investor"), "tok-2", AT)
    seen["claim"] = [storage.claim_pad("d1", "h1"), storage.claim_pad("d1", "h2")]
    storage.set_pad_secret("d2", AT, remote_hash="r2")
    seen["pad_by_token"] = [storage.pad_by_token("tok-1", "x"), storage.pad_by_token("?", "r2")]
    seen["pads"] = [asdict(p) for p in storage.load_pads()]
    for sid in ("s1", "s2"):
        storage.begin_signature(
            {
                "id": sid,
                "pad_id": "d1",
                "project_id": "p1",
                "started_at": AT,
                "width": 1000.25,
                "height": 400,
                "via": "local",
                "device": None,
            }
        )
    seen["strokes_added"] = [
        storage.add_strokes("s2", 1, [[0, 1.5, 2, 0.5, 10]], AT),
        storage.add_strokes("s2", 1, [[0, 9, 9, 0.5, 10]], AT),  # a pad re-sending after a cut
        storage.add_strokes("s2", 2, [[1, 3, 4, 0.5, 20]], AT),
    ]
    seen["strokes"] = storage.strokes("s2")
    storage.mark_signature("s1", "cleared_at", AT)
    seen["open"] = {k: {**v, "run": ""} for k, v in storage.open_signatures().items()}
    seen["signatures"] = [{**s, "run": ""} for s in storage.signatures_of()]
    for i, kind in enumerate(("session", "token", "screen")):
        storage.add_device(
            Device(
                id=f"v{i}",
                kind=kind,
                name=f"设备{i}",
                role=None if kind == "screen" else "operator",
                created_at=AT,
                scope="read" if kind == "token" else None,
            ),
            secret_hash=f"hash{i}",
        )
    seen["layout"] = storage.set_layout("v2", "totem")
    seen["revoked"] = [
        storage.revoke_devices(AT, kinds=("session", "token")),
        storage.revoke_devices(AT, kinds=()),
    ]
    seen["devices"] = [[asdict(d) for d in storage.devices()], [asdict(d) for d in storage.devices(True)]]
    seen["by_secret"] = asdict(storage.device_by_secret("hash2"))
    storage.set_meta("k", "v1")
    storage.set_meta("k", "v2")
    seen["meta"] = storage.get_meta("k")
    for body in (
        {"command_id": "c1", "action": "confirm", "project_id": "p1"},
        {"command_id": "c2", "action": "confirm", "project_id": "p1"},  # refused: already signed
        {"command_id": "c3", "action": "confirm", "project_id": "p2"},
        {"command_id": "c4", "action": "undo"},
        {"command_id": "c1", "action": "confirm", "project_id": "p1"},  # repeated: the stored answer
    ):
        status, answer = ceremony.execute(body)
        seen.setdefault("answers", []).append([status, answer.get("seq"), answer.get("reason")])
    seen["record_setup"] = storage.record_setup("unlock", AT, "v0")
    seen["delete"] = storage.delete_project("p3", AT)
    seen["head_seq"] = storage.head()[1]
    seen["log"] = [asdict(e) | {"at": "", "command_id": _fixed(e.command_id)} for e in storage.load_log()]
    seen["audit"] = [a | {"received_at": "", "command_id": _fixed(a["command_id"])} for a in storage.audit()]
    seen["runs"] = [{k: v for k, v in r.items() if k not in ("id", "started_at")} for r in storage.runs()]
    status, answer = storage.find_command("c3")
    seen["find"] = [status, answer["seq"], answer["state"]["signed_count"]]
    storage.start_run("rehearsal", AT)
    seen["after_new_run"] = [storage.head()[1], len(storage.load_log()), len(storage.runs())]
    return seen


def _fixed(command_id: str | None) -> str | None:
    """A setup entry's command id without its random part."""
    return "setup-" if command_id and command_id.startswith("setup-") else command_id


def test_both_stores_answer_every_call_the_same(tmp_path, pg_url):
    sqlite_store, pg_store = Store("sqlite").open(tmp_path), Store("postgres", pg_url).open(tmp_path)
    try:
        on_sqlite, on_postgres = exercise(sqlite_store), exercise(pg_store)
    finally:
        sqlite_store.close()
        pg_store.close()
    for key in on_sqlite:
        assert on_postgres[key] == on_sqlite[key], key
    assert on_sqlite["strokes_added"] == [True, False, True]
    assert on_sqlite["revoked"] == [["v0", "v1"], []]
    assert on_sqlite["event"]["publish_in_advance"] is True
    # The English forms come back from either engine as they went in.
    assert on_sqlite["event"]["title_en"] == "Signing"
    assert {(p["name_en"], p["signatories_en"]) for p in on_sqlite["projects"]} == {
        ("Park", ("Zhang San", "Li Si"))
    }
    assert [c["script_en"] for c in on_sqlite["cues"]] == ["Sign.", ""]
    assert on_sqlite["event"]["timezone"] == "America/New_York"


def test_a_failed_transaction_leaves_nothing(store, tmp_path):
    storage = store.open(tmp_path)
    try:
        before = storage.head()
        with pytest.raises(RuntimeError), storage.transaction():
            storage.set_meta("half", "done")
            storage.add_projects([draft_from_cells(projects("1")[0].cells())], AT)
            raise RuntimeError("the power went")
        assert storage.head() == before and storage.get_meta("half") is None
        assert storage.load_projects() == []
        storage.set_meta("after", "fine")  # the connection is usable again
        assert storage.get_meta("after") == "fine"
    finally:
        storage.close()


def test_data_version_moves_for_another_connections_commit_only(store, tmp_path):
    """SQLite reads its data_version from the file, so what it says after a commit is final. PostgreSQL's
    counts the NOTIFYs the listener has read: one is in flight until then, but they come in the order of the
    commits, so once another connection's later write is heard, one from before it would have been too
    (and counted: the counter moves by one per notification heard)."""
    mine, other = store.open(tmp_path), store.open(tmp_path)
    postgres = store.kind == "postgres"

    def heard_after(write) -> int:
        """The version once ``write`` (another connection's commit) has been heard."""
        before = mine.data_version()
        write()
        return wait_until(lambda: mine.data_version() != before and mine.data_version(), 5, "never moved")

    try:
        start = mine.data_version()
        mine.set_meta("mine", "1")
        assert mine.data_version() == start
        moved = heard_after(lambda: other.set_meta("other", "1"))
        if postgres:
            assert moved == start + 1  # ours was not counted
        with other.transaction():  # a read-only transaction (what reload() does) is no change
            other.head()
        assert mine.data_version() == moved
        if postgres:
            assert heard_after(lambda: other.set_meta("other", "2")) == moved + 1  # the read told nobody
    finally:
        mine.close()
        other.close()


def test_a_change_by_another_connection_reaches_the_service(store, tmp_path):
    storage = store.open(tmp_path)
    ceremony = Ceremony(storage)
    ids = [p.id for p in sorted(ceremony.projects, key=lambda p: p.order)] or None
    assert ids is None
    elsewhere = Ceremony(store.open(tmp_path))
    try:
        elsewhere.import_projects([draft_from_cells(s.cells()) for s in projects("10", "20")])
        seq = elsewhere.view("public")["seq"]
        wait_until(lambda: ceremony.view("public")["seq"] == seq, 5, "the service never caught up")
        assert len(ceremony.view("public")["projects"]) == 2
    finally:
        elsewhere.storage.close()
        storage.close()


def test_two_stores_writing_from_threads_make_one_sequence(store, tmp_path):
    store.prepare(tmp_path, projects("10"))
    services = [Ceremony(store.open(tmp_path)) for _ in range(3)]
    answers: list = []

    def write(ceremony, n):
        for k in range(15):
            answers.append(ceremony.execute({"command_id": f"{n}-{k}", "action": "note", "text": f"第{k}条"}))

    threads = [threading.Thread(target=write, args=(c, n)) for n, c in enumerate(services)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert [status for status, _ in answers] == [200] * 45
        seqs = sorted(answer["seq"] for _, answer in answers)
        assert seqs == list(range(seqs[0], seqs[0] + 45))
        assert store.seqs(tmp_path) == list(range(1, seqs[-1] + 1))
    finally:
        for c in services:
            c.storage.close()


WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from kiosk.ceremony.service import Ceremony
    from kiosk.store import open_storage

    folder, url, name, count, start_at = sys.argv[1], sys.argv[2] or None, sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    ceremony = Ceremony(open_storage(Path(folder), None, url))
    time.sleep(max(0.0, start_at - time.time()))  # every process starts writing at the same moment
    acked = []
    for k in range(count):
        status, answer = ceremony.execute({"command_id": f"{name}-{k}", "action": "note", "text": name})
        acked.append([status, answer.get("seq")])
    print(json.dumps(acked))
    """
)


def test_processes_writing_at_once_make_one_sequence(store, tmp_path):
    """N real processes, each its own connection, writing commands at once: seq 1..M, no gap, no double."""
    store.prepare(tmp_path, projects("10"))
    before = store.seqs(tmp_path)[-1]
    n, count = 4, 30
    start_at = time.time() + 3  # past every process's start-up
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(tmp_path),
                store.url or "",
                f"w{i}",
                str(count),
                str(start_at),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    acked = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        acked += json.loads(out)
    assert {status for status, _ in acked} == {200}
    seqs = sorted(seq for _, seq in acked)
    assert seqs == list(range(before + 1, before + n * count + 1))  # every one acknowledged, once each
    assert store.seqs(tmp_path) == list(range(1, before + n * count + 1))
    storage = store.open(tmp_path)
    try:
        assert len([a for a in storage.audit() if a["request"].get("action") == "note"]) == n * count
        assert storage.integrity_check() == "ok"
    finally:
        storage.close()


GEVENT = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    import json, sys, time
    import gevent
    from kiosk.store.postgres import PostgresStorage

    url = sys.argv[1]
    stores = [PostgresStorage(url) for _ in range(3)]
    ticks = []

    def ticker():
        while True:
            ticks.append(time.monotonic())
            gevent.sleep(0.01)

    def read_slowly(s, spans):
        with s._lock:
            started = time.monotonic()
            s._db.execute("SELECT pg_sleep(0.4)")
            spans.append((started, time.monotonic()))

    def write_slowly(s, spans):
        with s.transaction() as db:
            locked = time.monotonic()  # the advisory lock is held from here to the commit
            db.execute("SELECT pg_sleep(0.3)")
            s.set_meta("slow", "1")
            spans.append((locked, time.monotonic()))

    beat = gevent.spawn(ticker)
    reads = []
    gevent.joinall([gevent.spawn(read_slowly, s, reads) for s in stores])
    seen = stores[0].data_version()
    # Two writers: the second waits for the advisory lock in the server, and the hub must run meanwhile.
    writes = []
    gevent.joinall([gevent.spawn(write_slowly, s, writes) for s in stores[1:]])
    deadline = time.monotonic() + 5
    while stores[0].data_version() == seen and time.monotonic() < deadline:
        gevent.sleep(0.01)
    beat.kill()
    print(json.dumps({"reads": reads, "writes": sorted(writes), "ticks": ticks,
                      "moved": stores[0].data_version() != seen}))
    """
)


def test_psycopg_cooperates_with_gevent(pg_url):
    """Under gevent (as ``python -m kiosk serve`` runs), a query or a wait for the write lock blocks only
    its greenlet: three 0.4 s queries run at the same time, and the hub keeps running while two writers
    take turns. Shown by what overlapped, not by how long it took: a query that blocked the process would
    end before the next one started, and no tick would fall inside it."""
    done = subprocess.run(
        [sys.executable, "-c", GEVENT, pg_url], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    reads, writes, ticks = figures["reads"], figures["writes"], figures["ticks"]
    # The three reads were all running at once: every one started before any ended.
    assert max(start for start, _ in reads) < min(end for _, end in reads), reads
    # The writers took turns: the second held the lock only after the first's commit.
    (_, first_end), (second_start, _) = writes
    assert first_end <= second_start, writes
    # The hub ran while the first writer held the lock (and the second waited for it in the server).
    assert sum(writes[0][0] < t < writes[0][1] for t in ticks) >= 2, figures
    assert figures["moved"], figures


def test_the_store_comes_back_after_its_connections_are_cut(pg_url, tmp_path):
    import psycopg

    storage = Store("postgres", pg_url).open(tmp_path)
    try:
        start = storage.data_version()
        with psycopg.connect(pg_url, autocommit=True) as admin:
            others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            admin.execute(f"SELECT pg_terminate_backend(pid) {others}")
            # The signal is sent at once; the sessions end when their backends next look.
            wait_until(
                lambda: admin.execute(f"SELECT count(*) {others}").fetchone()[0] == 0, 5, "not terminated"
            )
        # Notifications may have been missed while the listener was gone: that counts as a change, once the
        # close has reached this end of the listener's socket (a backend leaves the list a moment before).
        wait_until(lambda: storage.data_version() != start, 5, "the cut listener passed for a quiet one")
        storage.set_meta("after", "the cut")  # a new write connection for the next transaction
        assert storage.get_meta("after") == "the cut"
        moved = storage.data_version()
        other = Store("postgres", pg_url).open(tmp_path)
        other.set_meta("from", "elsewhere")
        wait_until(lambda: storage.data_version() != moved, 5, "the new listener hears nothing")
        other.close()
    finally:
        storage.close()


def test_integrity_check_and_writable_on_postgres(pg_url, tmp_path):
    import psycopg

    storage = Store("postgres", pg_url).open(tmp_path)
    try:
        ceremony = Ceremony(storage)
        for k in range(3):
            ceremony.execute({"command_id": f"n{k}", "action": "note", "text": "x"})
        assert storage.integrity_check() == "ok" and storage.writable()
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute("DELETE FROM log WHERE seq = 2")
        assert storage.integrity_check().startswith("log with gaps")
        storage._db.conn.execute("SET default_transaction_read_only = on")
        assert storage.writable() is False
    finally:
        storage.close()


def test_the_cli_works_on_postgres(pg_url, tmp_path):
    env = {"KIOSK_DATABASE_URL": pg_url}
    sheet = tmp_path / "projects.csv"
    sheet.write_bytes(
        csv_bytes([ProjectSpec(name=f"项目{k}", investor="企业", amount_yi="2") for k in range(3)])
    )
    done = run_kiosk(tmp_path / "data", "import", str(sheet), env=env)
    assert done.returncode == 0, done.stderr
    assert "3" in done.stdout
    exported = run_kiosk(tmp_path / "data", "export", "--format", "json", env=env)
    assert exported.returncode == 0, exported.stderr
    report = json.loads(exported.stdout)
    assert len(report["projects"]) == 3
    assert not (tmp_path / "data" / "kiosk.sqlite3").exists()  # nothing went to a SQLite file
    storage = Store("postgres", pg_url).open(tmp_path)
    try:
        assert [p.name for p in storage.load_projects()] == ["项目0", "项目1", "项目2"]
    finally:
        storage.close()


def test_a_database_url_that_is_not_postgresql_is_refused(tmp_path):
    assert database_url(None) is None and database_url("") is None
    assert database_url("postgresql://u@h/db") == "postgresql://u@h/db"
    with pytest.raises(ConfigError):
        database_url("mysql://u@h/db")
    done = run_kiosk(tmp_path, "export", "--format", "json", env={"KIOSK_DATABASE_URL": "sqlite:///x.db"})
    assert done.returncode == 2 and "KIOSK_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr


def test_commands_on_postgres_through_the_app(pg_url, make_app):
    """The app built on PostgreSQL (``DATABASE_URL``) serves and records a command like the file does."""
    from conftest import operator_client

    app = make_app(projects=projects("10", "20"), DATABASE_URL=pg_url)
    assert type(app.extensions["kiosk"].storage).__name__ == "PostgresStorage"
    op = operator_client(app)
    r = op.post(
        "/api/v1/commands",
        json={"command_id": uuid.uuid4().hex, "action": "confirm", "project_id": app.ids[0]},
    )
    assert r.status_code == 200, r.get_json()
    assert app.test_client().get("/healthz?deep=1").get_json()["status"] == "ok"
    assert app.test_client().get("/api/v1/state").get_json()["signed_count"] == 1


def test_processes_on_one_database_server_share_the_pins_and_the_session_key(pg_url, tmp_path, monkeypatch):
    """Two servers, each with its own data folder and no KIOSK_* secrets: the second takes the PINs, the session
    key and the API token the first put in the database, so a console's session survives a failover."""
    from kiosk import create_app

    for variable in ("KIOSK_OPERATOR_PIN", "KIOSK_VIEWER_PIN", "KIOSK_EDITOR_PIN", "KIOSK_SECRET_KEY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("KIOSK_API_TOKEN", raising=False)
    monkeypatch.setenv("KIOSK_DATABASE_URL", pg_url)
    apps = [create_app({"DATA_DIR": str(tmp_path / f"server{i}")}) for i in (1, 2)]
    try:
        one, two = (a.config for a in apps)
        for key in ("OPERATOR_PIN", "VIEWER_PIN", "EDITOR_PIN", "SECRET_KEY", "API_TOKEN"):
            assert one[key] == two[key], key
        # The second server's own file now holds the PIN that works, and the banner names the database,
        # without its password.
        assert (tmp_path / "server2" / "operator_pin.txt").read_text().strip() == one["OPERATOR_PIN"]
        assert (
            two["OPERATOR_PIN_SOURCE"].startswith("postgresql://")
            and ":kiosk@" not in two["OPERATOR_PIN_SOURCE"]
        )
        assert len({one["OPERATOR_PIN"], one["VIEWER_PIN"], one["EDITOR_PIN"]}) == 3

        console = apps[0].test_client()
        r = console.post("/api/v1/session", json={"pin": one["OPERATOR_PIN"]})
        assert r.status_code == 200 and r.get_json()["role"] == "operator"
        cookie = console.get_cookie("session")
        assert cookie is not None
        other = apps[1].test_client()
        other.set_cookie("session", cookie.value)
        assert other.get("/api/v1/state").get_json().get("cues") is not None
        assert other.get("/api/v1/pads").status_code == 200  # an operator's right, on the other server
        bearer = {"Authorization": f"Bearer {one['API_TOKEN']}"}
        assert apps[1].test_client().get("/api/v1/pads", headers=bearer).status_code == 200
    finally:
        for app in apps:
            app.extensions["kiosk"].storage.close()


def test_secrets_given_in_variables_stay_as_given_on_a_database_server(pg_url, tmp_path, monkeypatch):
    from kiosk import create_app

    monkeypatch.setenv("KIOSK_DATABASE_URL", pg_url)
    monkeypatch.setenv("KIOSK_OPERATOR_PIN", "112358")
    first = create_app({"DATA_DIR": str(tmp_path / "a")})
    monkeypatch.setenv("KIOSK_OPERATOR_PIN", "853211")
    second = create_app({"DATA_DIR": str(tmp_path / "b")})
    try:
        assert first.config["OPERATOR_PIN"] == "112358" and second.config["OPERATOR_PIN"] == "853211"
        assert second.config["OPERATOR_PIN_SOURCE"] == "KIOSK_OPERATOR_PIN"
    finally:
        for app in (first, second):
            app.extensions["kiosk"].storage.close()
