"""Every API input is validated: random input at every write endpoint never gives a 500 or an unclear answer.

The endpoints are the app's own: every rule of ``app.url_map`` with POST, PUT, PATCH or DELETE is sent random
JSON (a route added later is fuzzed without anyone listing it), its path parameters filled with the ids the
ceremony holds at that moment and with hostile ones ("../", very long, unicode, ids that do not exist). The
routes that read an uploaded file are also sent random bytes under random file names, as multipart forms and
as malformed ones. Each route gets a fresh ceremony (projects, pads, a token, a paired screen, a previewed
upload); what an example deletes is made again when the next one needs it, and a route that signs the
fuzzing console out is followed by a new login.

Knob: ``KIOSK_FUZZ_EXAMPLES`` (examples per endpoint; default 150 for the first nine endpoints fuzzed, 60
for the others, so the module stays under ~40 s on two cores).
"""

from __future__ import annotations

import inspect
import io
import os
import re
import tempfile
from urllib.parse import quote, unquote, urlsplit

import pytest
from harness import PIN, csv_bytes, fill, project, projects
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.setup import fields

WRITE = {"POST", "PUT", "PATCH", "DELETE"}
_knob = os.environ.get("KIOSK_FUZZ_EXAMPLES")
# The endpoints this fuzz covered first keep their 150 examples; the others get 60 (time: see the docstring).
FIRST = {
    ("POST", "/api/v1/commands"),
    ("PUT", "/api/v1/event"),
    ("POST", "/api/v1/projects"),
    ("PUT", "/api/v1/projects/<project_id>"),
    ("PUT", "/api/v1/projects/order"),
    ("PUT", "/api/v1/projects/<project_id>/card"),
    ("POST", "/api/v1/run"),
    ("POST", "/api/v1/import/apply"),
    ("POST", "/api/v1/session"),
}


def examples(route: tuple[str, str]) -> int:
    """How many examples a route gets (``route``: (method, rule), or ("bearer", rule) sent with a token)."""
    return int(_knob) if _knob else (150 if route in FIRST else 60)


# Write routes the random-JSON fuzz leaves out, and why. Empty: every write route is sent random JSON (the
# upload routes too: a JSON body is one more thing a client may send them). Keep it small and say why.
EXCLUDED: dict[tuple[str, str], str] = {}

# The routes that read an uploaded file (``request.files``), fuzzed with random bytes and file names besides.
UPLOADS = {
    ("POST", "/api/v1/import/preview"): "the projects' CSV/XLSX, previewed",
    ("POST", "/api/v1/agenda/import"): "the agenda's CSV/XLSX",
    ("POST", "/api/v1/event/media/<kind>"): "the logo or the background picture",
    ("POST", "/api/v1/certificate/background"): "the 签约图's background picture",
}

# Routes after which the fuzzing console may be signed out: it logs in again before the next example.
SIGNS_OUT = {
    ("DELETE", "/api/v1/session"): "logs this console out",
    ("POST", "/api/v1/session/sign-out-all"): "signs every session and token out",
    (
        "DELETE",
        "/api/v1/devices/<device_id>",
    ): "may sign out a device the fuzz uses (a token, KIOSK_API_TOKEN)",
}

# Bodies: random JSON, or objects with the keys the handlers read (the field names of commands, event,
# projects, cards, pads, the 签约图, the agenda, screens, tokens, runs, imports and the session).
WORDS = [
    "p1",
    "p7",
    "confirm",
    "undo",
    "show",
    "announce",
    "go",
    "standby",
    "back",
    "jump",
    "panic",
    "unpanic",
    "note",
    "arm",
    "disarm",
    "reopen",
    "finale",
    "spotlight",
    "keys",
    "roll",
    "title",
    "blank",
    "auto-opening",
    "auto-p1",
    "auto-closing",
    "rehearsal",
    "live",
    "host",
    "investor",
    "read",
    "control",
    "display",
    "stage",
    "main",
    "totem",
    "side",
    "lobby",
    "classic",
    "modern",
    "signing",
    "speech",
    "handover",
    "auto",
    "yi",
    "wan",
    "是",
    "否",
    "1、2",
    "09:43",
    "25:99",
    "1234",
    "",
    "#ffffff",
    "2021-06-21",
    "<img src=x onerror=alert(1)>",
    "=1+1",
    "\x00",
    "../../etc/passwd",
    "x" * 5000,
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=300),
    st.sampled_from(WORDS),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
    max_leaves=12,
)
# The keys the handlers read, by what they are about.
GROUPS = {
    "commands": [
        "command_id",
        "action",
        "project_id",
        "project_ids",
        "screen",
        "expected_seq",
        "cue_id",
        "text",
        "pad_id",
    ],
    # The fields' own lists (kiosk.setup.fields): a field added there is fuzzed here too.
    "projects": [*fields.PROJECT_KEYS, "ids"],
    "event": list(fields.EVENT_KEYS),
    "cards": list(fields.CARD_KEYS),
    "pads": ["name", "project_id", "party", "remote_place", "host_name"],
    "certificate": ["template", "ink", "signatures_required", "sign_on_submit"],
    "agenda": ["cues"],
    "devices": ["name", "page", "code", "layout", "scope", "unlocked"],
    "runs": ["mode", "confirm", "upload_id", "replace", "pin"],
}
KEYS = sorted({k for keys in GROUPS.values() for k in keys})
# Handlers that pass the body on to the service name no key themselves: the keys they are sent more often.
HINTS = {
    "api.commands": "commands",
    "api.preview": "commands",
    "admin.put_event": "event",
    "admin.add_project": "projects",
    "admin.edit_project": "projects",
    "concierge.card_edit": "cards",
    "pads.add_pad": "pads",
    "pads.update_pad": "pads",
    "pads.put_certificate_settings": "certificate",
}


def keys_of(app, endpoint: str) -> list[str]:
    """The keys a route reads: those its handler's source names, and its HINTS group."""
    source = inspect.getsource(inspect.unwrap(app.view_functions[endpoint]))
    named = {k for k in KEYS if f'"{k}"' in source}
    return sorted(named | set(GROUPS.get(HINTS.get(endpoint, ""), [])))


CUE_FIELDS = ["id", "kind", "title", "person", "role", "projects", "time", "minutes", "script"]
cue_rows = st.lists(st.dictionaries(st.sampled_from(CUE_FIELDS), values, max_size=9), max_size=4)


def bodies(real: list[str], own: list[str]):
    """Random JSON, and objects of the handlers' keys (``own``: the route's, more often) whose values are
    sometimes the ids the ceremony holds."""
    known = st.sampled_from(real) if real else st.nothing()
    value = values | known
    shaped = {
        "cues": cue_rows | value,
        "project_ids": st.lists(known | value, max_size=4) | value,
        "ids": st.lists(known | value, max_size=6) | value,
        "services": st.lists(st.text(max_size=40), max_size=6) | value,
    }

    def keyed(keys):
        return st.lists(st.sampled_from(keys), unique=True, max_size=8).flatmap(
            lambda chosen: st.fixed_dictionaries({k: shaped.get(k, value) for k in chosen})
        )

    return st.one_of(values, keyed(KEYS), *([keyed(own)] * 2 if own else []))


# Path parameters: an id the ceremony holds when the example runs (drawn as an index: ids come and go), or a
# hostile one, percent-encoded or sent as is.
HOSTILE_IDS = [
    "..",
    "../",
    "../../etc/passwd",
    "..%2F..%2Fetc",
    "%2e%2e",
    "x" * 3000,
    "签约☃🎉",
    "nonexistent",
    "p999",
    "pad:",
    "pad:nope",
    "pad:../x",
    "env-token",
    "certificate_background",
    " ",
    "\x00",
    "<script>",
    "a b",
    "?x=1",
    "#frag",
    "%",
    "NaN",
    "-1",
]


class Real(int):
    """The n-th (modulo) of the ids the ceremony holds for a parameter when the example runs."""


hostile_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
path_values = st.one_of(
    st.integers(0, 63).map(Real),
    st.integers(0, 63).map(Real),
    st.tuples(st.sampled_from(HOSTILE_IDS) | hostile_text, st.booleans()),
)
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def write_routes(app) -> set[tuple[str, str]]:
    return {(m, rule.rule) for rule in app.url_map.iter_rules() for m in (rule.methods or set()) & WRITE}


def _new_app(folder: str):
    from kiosk import create_app

    config = {"DATA_DIR": folder, "EDITOR_PIN": PIN, "TESTING": True, "LOAD_SAMPLE": False}
    return create_app(config)


def _routes_of_the_app() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        app = _new_app(folder)
        try:
            return sorted(write_routes(app))
        finally:
            app.extensions["kiosk"].storage.close()


ROUTES = _routes_of_the_app()


class Fuzzer:
    """One fresh ceremony and the editor's console on it (session and CSRF header, as the admin sends)."""

    def __init__(self, folder: str):
        self.app = _new_app(folder)
        self.c = self.app.extensions["kiosk"]
        self.client = self.app.test_client()
        self.upload_ids: list[str] = []
        self.stock()

    def login(self) -> None:
        r = self.client.post("/api/v1/session", json={"pin": PIN})
        assert r.status_code == 200, r.get_json()
        self.client.environ_base["HTTP_X_CSRF_TOKEN"] = r.get_json()["csrf_token"]
        self.me = self.client.get("/api/v1/session").get_json()["device_id"]

    def signed_in(self) -> bool:
        return self.client.get("/api/v1/session").get_json().get("role") == "editor"

    def stock(self) -> None:
        """Whatever the routes act on: projects, pads, a token, a paired screen, a previewed upload."""
        if not self.c.projects:
            fill(self.c, projects("100", "52.3", "0.0001", "12"))
        self.login()
        if not self.c.pads:
            r = self.client.post("/api/v1/pads/from-signatories", json={"host_name": "区长"})
            assert r.status_code == 200, r.get_json()
        if not self.others():
            r = self.client.post("/api/v1/tokens", json={"name": "调音台", "scope": "control"})
            assert r.status_code == 201, r.get_json()
            link = self.client.post("/api/v1/screens/pairing-links", json={"name": "主屏"}).get_json()["url"]
            assert (
                self.app.test_client().get("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 302
            )
        if not self.uploads():
            table = csv_bytes([project(5, "3"), project(6, "4")])
            r = self.client.post("/api/v1/import/preview", data={"file": (io.BytesIO(table), "新项目.csv")})
            assert r.get_json()["upload_id"], r.get_json()
            self.upload_ids.append(r.get_json()["upload_id"])

    def uploads(self) -> list[str]:
        from kiosk.web.admin import Uploads

        shared = Uploads(self.app.extensions["kiosk_shared"])
        self.upload_ids = [k for k in self.upload_ids if shared.get(k) is not None]
        return self.upload_ids

    def others(self) -> list[str]:
        """Devices other than this console that are still signed in."""
        return [d.id for d in self.c.storage.devices() if d.active and d.id != self.me]

    def real(self, name: str) -> list[str]:
        """The ids the ceremony holds now for a path parameter."""
        if name == "project_id":
            return [p.id for p in self.c.projects]
        if name == "pad_id":
            return [d.id for d in self.c.pads]
        if name == "device_id":
            return self.others() + ["pad:" + d.id for d in self.c.pads] + ["env-token"]
        if name == "upload_id":
            return self.uploads()
        if name == "kind":
            return ["logo", "background"]
        raise AssertionError(f"no real value for <{name}>: add it to Fuzzer.real")

    def known_ids(self) -> list[str]:
        return [*self.real("project_id"), *self.real("pad_id"), *self.others(), *self.uploads(), "auto-p1"]

    def path(self, rule: str, drawn: dict) -> str:
        def fill_in(match: re.Match) -> str:
            name = match.group(1)
            value = drawn[name]
            if isinstance(value, Real):
                ids = self.real(name)
                if not ids:
                    self.stock()
                    ids = self.real(name)
                return quote(ids[value % len(ids)], safe="")
            text, raw = value
            return text if raw else quote(text, safe="")

        return ARGUMENT.sub(fill_in, rule)

    def check(self, r, path: str, what) -> None:
        assert r.status_code < 500, (what, r.get_data(as_text=True)[:300])
        sent = unquote(path.split("?")[0])
        if r.status_code == 308 and "//" in sent:
            # the router merges a path's doubled slashes (an id sent as "../" makes one): a redirect, no error
            merged = unquote(urlsplit(r.headers["Location"]).path)
            assert merged == re.sub("/+", "/", sent), (what, r.headers)
            return
        data = r.get_json(silent=True)
        assert isinstance(data, dict), (what, r.status_code, r.get_data(as_text=True)[:300])
        if r.status_code >= 400:
            assert data.get("reason") and data.get("message"), (what, data)
        # the ceremony stays consistent whatever was accepted
        snap = self.c.snapshot()
        amounts = {p["id"]: p["amount_wan"] for p in snap["projects"]}
        signed = [p["id"] for p in snap["projects"] if p["status"] == "signed"]
        assert snap["total_wan"] == sum(amounts[i] for i in signed), what

    def after(self, route: tuple[str, str]) -> None:
        if route in SIGNS_OUT and not self.signed_in():
            self.login()

    def close(self) -> None:
        self.c.storage.close()


@pytest.fixture
def fuzzer(tmp_path):
    f = Fuzzer(str(tmp_path))
    yield f
    f.close()


def _arguments(rule: str) -> list[str]:
    return ARGUMENT.findall(rule)


def _fuzz_settings(route):
    slow = [HealthCheck.too_slow, HealthCheck.data_too_large]
    return settings(max_examples=examples(route), deadline=None, suppress_health_check=slow)


JSON_ROUTES = [r for r in ROUTES if r not in EXCLUDED]


@pytest.mark.parametrize(
    ("method", "rule", "bearer"),
    [(m, r, False) for m, r in JSON_ROUTES] + [("POST", "/api/v1/commands", True)],
    ids=lambda v: {True: "bearer", False: "session"}.get(v, v) if isinstance(v, bool) else v,
)
def test_random_json_gets_a_clear_answer(fuzzer, method, rule, bearer):
    route = (method, rule)
    client = fuzzer.client
    params = {name: path_values for name in _arguments(rule)}
    headers = {"Authorization": "Bearer " + fuzzer.app.config["API_TOKEN"]} if bearer else {}

    endpoint = next(
        r.endpoint for r in fuzzer.app.url_map.iter_rules() if r.rule == rule and method in r.methods
    )
    own = keys_of(fuzzer.app, endpoint)

    @_fuzz_settings(("bearer", rule) if bearer else route)
    @given(body=bodies(fuzzer.known_ids(), own), drawn=st.fixed_dictionaries(params))
    def check(body, drawn):
        path = fuzzer.path(rule, drawn)
        if rule == "/api/v1/session" and method == "POST":
            # a wrong PIN must not lock out the test client: each example comes from its own address
            environ = {"REMOTE_ADDR": f"10.9.{abs(hash(repr(body))) % 250}.{abs(hash(str(body))) % 250}"}
        else:
            environ = {}
        if bearer:
            # a token's request carries no session: a client of its own (a press without command_id is
            # named by the server)
            r = fuzzer.app.test_client().open(path, method=method, json=body, headers=headers)
        else:
            r = client.open(path, method=method, json=body, environ_base=environ)
        fuzzer.check(r, path, (method, path[:200], body))
        fuzzer.after(route)

    check()


# -- uploads: random bytes under random file names ---------------------------------------------------------


def _image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def _bomb() -> bytes:
    """A PNG that says it is 60000 × 60000 pixels in a few bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


AGENDA_CSV = "序号,环节,标题,人物,职务,项目,计划时间,时长,主持词\n1,开场,开场,,,,09:00,5,\n2,签约,签约仪式,,,1、2,09:05,10,\n"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """Files the routes accept, to cut and splice: pictures, the import template, a report's workbook."""
    f = Fuzzer(str(tmp_path_factory.mktemp("fuzz-seeds")))
    try:
        made = [
            _image("PNG"),
            _image("JPEG"),
            _image("WEBP"),
            _image("GIF"),
            _bomb(),
            csv_bytes(projects("1", "2.5")),
            AGENDA_CSV.encode(),
            AGENDA_CSV.encode("gbk"),
            f.client.get("/api/v1/import/template.xlsx").data,
            f.client.get("/api/v1/report.xlsx").data,
            b"PK\x03\x04",
            b"\xef\xbb\xbf",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        ]
    finally:
        f.close()
    return made


FILE_NAMES = [
    "a.csv",
    "a.xlsx",
    "a.png",
    "a.jpg",
    "a.webp",
    "A.CSV",
    "a.xlsx.csv",
    ".csv",
    "../../etc/passwd",
    "..\\..\\x.csv",
    "签约项目.xlsx",
    "x" * 300 + ".xlsx",
    "a.csv\x00.png",
    "a;b=c.csv",
    'a".csv',
]


def _flip(data: bytes, at: int, mask: int) -> bytes:
    if not data:
        return data
    at %= len(data)
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def contents(made: list[bytes]):
    """Random bytes, a seed, a seed cut short with random bytes after, a seed with one byte flipped."""
    seed = st.sampled_from(made)
    cut = st.tuples(seed, st.integers(0, 4096), st.binary(max_size=64)).map(lambda t: t[0][: t[1]] + t[2])
    flipped = st.builds(_flip, seed, st.integers(0, 2**31), st.integers(1, 255))
    return st.one_of(st.binary(max_size=2048), seed, cut, flipped)


file_names = st.sampled_from(FILE_NAMES) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), max_size=60
)


@pytest.mark.parametrize(("method", "rule"), sorted(UPLOADS))
def test_random_uploads_get_a_clear_answer(fuzzer, seeds, method, rule):
    route = (method, rule)
    params = {name: path_values for name in _arguments(rule)}
    form = st.fixed_dictionaries(
        {
            "field": st.sampled_from(["file", "file", "file", "upload", ""]),
            "data": contents(seeds),
            "name": file_names,
            "type": st.sampled_from(
                ["application/octet-stream", "text/csv", "image/png", "", "x/y; charset=gbk"]
            ),
            "extra": st.dictionaries(
                st.sampled_from(["file", "name", "replace", "upload_id"]), st.text(max_size=20)
            ),
        }
    )
    raw = st.tuples(
        st.binary(max_size=1024),
        st.sampled_from(["multipart/form-data", "multipart/form-data; boundary=zz", "text/csv", "image/png"]),
    )

    @_fuzz_settings(route)
    @given(sent=form | raw, drawn=st.fixed_dictionaries(params))
    def check(sent, drawn):
        path = fuzzer.path(rule, drawn)
        if isinstance(sent, dict):
            data = dict(sent["extra"])
            data[sent["field"]] = (io.BytesIO(sent["data"]), sent["name"], sent["type"] or None)
            r = fuzzer.client.open(path, method=method, data=data, content_type="multipart/form-data")
        else:
            r = fuzzer.client.open(path, method=method, data=sent[0], content_type=sent[1])
        fuzzer.check(r, path, (method, path[:200], repr(sent)[:300]))

    check()


# -- every write route is fuzzed --------------------------------------------------------------------------


def test_every_write_route_is_fuzzed(fuzzer):
    """The routes fuzzed are the app's own (read from ``app.url_map`` now): a new write route is fuzzed with
    random JSON unless EXCLUDED says why not, and one that reads an uploaded file is listed in UPLOADS."""
    routes = write_routes(fuzzer.app)
    assert set(ROUTES) == routes
    assert routes == set(JSON_ROUTES) | set(EXCLUDED)
    assert set(EXCLUDED) <= routes and all(EXCLUDED.values())
    assert set(UPLOADS) | set(SIGNS_OUT) | FIRST <= routes, "a listed route no longer exists"
    for rule in fuzzer.app.url_map.iter_rules():
        if not (rule.methods or set()) & WRITE:
            continue
        for name in _arguments(rule.rule):
            assert fuzzer.real(name), f"<{name}> of {rule.rule}: the fixture makes none"
        reads_files = "request.files" in inspect.getsource(
            inspect.unwrap(fuzzer.app.view_functions[rule.endpoint])
        )
        for method in (rule.methods or set()) & WRITE:
            assert reads_files == ((method, rule.rule) in UPLOADS), (method, rule.rule, "request.files")


def test_what_the_fuzz_found(fuzzer):
    """Each answer the fuzz once got wrong, kept as a plain test."""
    client = fuzzer.client

    def refused(r, status: int, reason: str) -> dict:
        assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:200])
        body = r.get_json()
        assert body["reason"] == reason and body["message"], body
        return body

    # A token's scope or a pairing link's page that is not text was looked up in a dict: 500 (unhashable).
    refused(client.post("/api/v1/tokens", json={"name": "p1", "scope": []}), 400, "invalid_scope")
    refused(client.post("/api/v1/tokens", json={"name": "p1", "scope": {"a": 1}}), 400, "invalid_scope")
    pairing = client.post("/api/v1/screens/pairing-links", json={"name": "主屏", "page": ["stage"]})
    refused(pairing, 400, "invalid_request")
    # The card of a project that does not exist was the framework's HTML page, without reason or message.
    refused(client.put("/api/v1/projects/nope/card", json={"notes": "x"}), 404, "unknown_project")
    refused(client.post("/api/v1/projects/nope/card/rotate"), 404, "unknown_project")
    # So was an /api/ address that names nothing (an id with a slash in it, a picture of no kind), and a
    # method an address does not take.
    refused(client.delete("/api/v1/pads/../../etc/passwd"), 404, "not_found")
    refused(
        client.post("/api/v1/event/media/icon", data={"file": (io.BytesIO(b"x"), "a.png")}), 404, "not_found"
    )
    refused(client.delete("/api/v1/event/media/x%2Fy"), 404, "not_found")
    wrong_method = refused(client.patch("/api/v1/projects/p1", json={}), 405, "invalid_request")
    assert wrong_method["status"] == "error"
    assert set(client.patch("/api/v1/projects/p1", json={}).headers["Allow"].split(", ")) >= {"PUT", "DELETE"}
    # Pages keep the framework's own.
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
