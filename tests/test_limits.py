"""Each limit has one definition, and every path applies that one: the import, the commands and the pages
(which receive it from the server). A limit copied into a second place drifts: an agenda round of 60
projects once imported (the agenda allowed 100) and then could not be confirmed (the command allowed 50)."""

from __future__ import annotations

import io
import json
import re
import uuid
from urllib.parse import urlsplit

import pytest
from conftest import operator_client
from harness import ROOT, projects, welcomed

from kiosk.ceremony import credentials as devices
from kiosk.ceremony.rules import CeremonyError
from kiosk.ceremony.service import Ceremony, CommandRejected, parse_command
from kiosk.certificate import ink
from kiosk.core.access import PIN_MAX_DIGITS
from kiosk.core.model import MAX_COMMAND_ID, MAX_NOTE, MAX_ROUND
from kiosk.setup import fields, importer
from kiosk.setup.agenda import parse_agenda
from kiosk.setup.event import MAX_IMAGE_BYTES
from kiosk.setup.importer import ImportFailed
from kiosk.store.sqlite import Storage
from kiosk.web import auth


def _agenda_csv(round_size: int) -> bytes:
    orders = "、".join(str(n) for n in range(1, round_size + 1))
    text = f"序号,环节,标题,项目\n1,开场,开场,\n2,签约,集中签约,{orders}\n"
    return text.encode()


def _command(editor, **body):
    return editor.post("/api/v1/commands", json={"command_id": uuid.uuid4().hex, **body})


def test_a_round_the_agenda_takes_is_a_round_the_console_can_confirm(make_app):
    size = 60  # more than the command once allowed, less than the agenda did
    app = make_app(projects=projects(*["1"] * size))
    editor = operator_client(app)
    r = editor.post("/api/v1/agenda/import", data={"file": (io.BytesIO(_agenda_csv(size)), "流程.csv")})
    assert r.status_code == 200, r.get_json()
    for _ in range(2):  # the opening, then the round on the wall
        state = _command(editor, action="go").get_json()["state"]
    ros = state["run_of_show"]
    assert ros["round"] and len(ros["round"]["project_ids"]) == size
    # What static/js/console/hold.js sends when Confirm is held on a round.
    r = _command(editor, action="confirm", project_ids=ros["round"]["project_ids"], expected_seq=state["seq"])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"]["signed_count"] == size


def test_a_round_of_the_limit_passes_and_one_more_is_refused_by_the_import_and_the_command():
    orders = list(range(1, MAX_ROUND + 2))
    at_limit = parse_agenda(_agenda_csv(MAX_ROUND), "流程.csv", orders)
    assert len(at_limit[1].project_orders) == MAX_ROUND
    with pytest.raises(ImportFailed) as failed:
        parse_agenda(_agenda_csv(MAX_ROUND + 1), "流程.csv", orders)
    assert [(p.code, p.params) for p in failed.value.problems] == [("too_many", {"max": MAX_ROUND})]

    def confirm(count: int):
        return parse_command(
            {"command_id": "c", "action": "confirm", "project_ids": [f"p{i}" for i in range(count)]}
        )

    assert len(confirm(MAX_ROUND).project_ids) == MAX_ROUND
    with pytest.raises(CommandRejected) as rejected:
        confirm(MAX_ROUND + 1)
    assert rejected.value.params == {"variant": "project_ids", "max": MAX_ROUND}


def test_a_command_id_of_the_limit_passes_and_one_more_is_refused_by_a_command_and_a_pads_submit(tmp_path):
    assert (
        parse_command({"command_id": "c" * MAX_COMMAND_ID, "action": "undo"}).command_id
        == "c" * MAX_COMMAND_ID
    )
    with pytest.raises(CommandRejected) as rejected:
        parse_command({"command_id": "c" * (MAX_COMMAND_ID + 1), "action": "undo"})
    assert rejected.value.params == {"variant": "command_id", "max": MAX_COMMAND_ID}

    service = Ceremony(Storage(tmp_path / "k.sqlite3"))
    try:

        def submit(command_id: str) -> str:
            with pytest.raises(CeremonyError) as refused:
                service.signing.submit("no-such-pad", "s" * 8, 1, command_id, "test")
            return refused.value.code

        # At the limit the id is taken and the next check speaks (the pad is unknown); past it, the id is bad.
        assert submit("c" * MAX_COMMAND_ID) == "unknown_pad"
        assert submit("c" * (MAX_COMMAND_ID + 1)) == "bad_signature"
    finally:
        service.storage.close()


# -- the pages receive their limits from the server --------------------------------------------------------

SETTINGS = re.compile(r'<script type="application/json" id="kiosk-settings">(.*?)</script>', re.S)


def _settings(response) -> dict:
    assert response.status_code == 200
    return json.loads(SETTINGS.search(response.get_data(as_text=True))[1])


def _maxlength(response, element_id: str) -> int:
    found = re.search(
        rf'<(?:input|textarea)[^>]*id="{element_id}"[^>]*maxlength="(\d+)"', response.get_data(as_text=True)
    )
    assert found, element_id
    return int(found[1])


def test_the_limits_each_page_receives_are_the_domains(small):
    editor = operator_client(small)
    admin = _settings(editor.get("/admin"))
    # Every field limit the admin pages get, the pattern the colour fields test included, is the field's own.
    assert admin["limits"] == {key: fields.FIELDS[key].limits() for key in admin["limits"]}
    assert {"primary_color", "accent_color", "ink_color", "pad_name", "services"} <= set(admin["limits"])
    assert admin["limits"]["ink_color"]["pattern"] == fields.COLOR_PATTERN
    assert (admin["token_name_max"], admin["max_image_bytes"], admin["max_import_bytes"]) == (
        devices.TOKEN_NAME_MAX,
        MAX_IMAGE_BYTES,
        importer.MAX_BYTES,
    )

    ink_settings = {"canonical_width": ink.CANONICAL_WIDTH, "max_batch": ink.MAX_BATCH, "pen": ink.PEN}
    assert _settings(small.test_client().get("/display")) == {"ink": ink_settings}
    assert editor.post("/api/v1/pads/from-signatories", json={"host_name": "周建光"}).status_code == 200
    link = urlsplit(editor.get("/api/v1/pads").get_json()[0]["url"]).path
    assert _settings(small.test_client().get(link)) == {"ink": ink_settings}

    # The PIN pad types as many digits as a configured PIN may hold (kiosk/config.py refuses a longer one).
    assert _settings(small.test_client().get("/control")) == {"pin_max_digits": PIN_MAX_DIGITS}

    console = editor.get("/control")
    assert _maxlength(console, "note-input") == MAX_NOTE
    assert _maxlength(console, "dev-link-name") == devices.SCREEN_NAME_MAX
    assert _maxlength(console, "device-input") == auth.DEVICE_NAME_MAX


STATIC_JS = ROOT / "static" / "js"
# Numbers a page keeps for itself: how it lays out or retries, no rule of the server's. A limit the server
# applies is handed to the page (its settings, or an attribute its template writes) and never declared here.
PAGE_OWN = {
    ("display/certificate.js", "GAP_TRIES"),  # syncs for one gap of batch numbers before waiting
    ("display/lobby.js", "MAX_PER_PAGE"),  # QR codes a lobby screen shows at once
    ("sign/outbox.js", "STALL_AFTER"),  # timeouts in a row that mean a half-open link
    ("sign/main.js", "UPRIGHT_MIN_ASPECT"),  # how tall a phone's upright signing field may get for its width
}
# A page's timings and sizes in its own units are its own too.
_OWN_UNITS = ("_MS", "_S", "_PX")
_NUMBER_CONSTANT = re.compile(r"^\s*(?:export\s+)?(?:const|let|var)\s+([A-Z][A-Z0-9_]*)\s*=\s*-?[0-9]", re.M)


def test_no_page_script_declares_a_limit_of_its_own():
    declared = {
        (path.relative_to(STATIC_JS).as_posix(), name)
        for path in STATIC_JS.rglob("*.js")
        for name in _NUMBER_CONSTANT.findall(path.read_text(encoding="utf-8"))
        if not name.endswith(_OWN_UNITS)
    }
    assert declared == PAGE_OWN
    # Nor a copy of a pattern a field checks (the colour, the time of a cue).
    patterns = {f.pattern for f in fields.FIELDS.values() if f.pattern}
    assert fields.COLOR_PATTERN in patterns
    for path in STATIC_JS.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not [p for p in patterns if p in text], path


def test_no_template_writes_a_length_limit_of_its_own():
    literal = re.compile(r'maxlength="\d')
    assert not [
        p.name for p in (ROOT / "templates").rglob("*.html") if literal.search(p.read_text(encoding="utf-8"))
    ]


def test_a_screens_name_is_cut_at_the_limit_the_pairing_link_applies(small):
    long = "屏" * (devices.SCREEN_NAME_MAX + 5)
    page = small.test_client().get("/display", query_string={"name": long})
    assert f'data-screen-name="{long[: devices.SCREEN_NAME_MAX]}"' in page.get_data(as_text=True)
    socketio = small.extensions["socketio"]
    wall = socketio.test_client(small, auth={"role": "display", "name": long})
    welcomed(wall)
    assert [w["name"] for w in small.extensions["kiosk_displays"].waiting()] == [
        long[: devices.SCREEN_NAME_MAX]
    ]
    wall.disconnect()
    link = operator_client(small).post("/api/v1/screens/pairing-links", json={"name": long})
    assert link.status_code == 400 and link.get_json()["params"] == {"max": devices.SCREEN_NAME_MAX}


def test_a_wall_gets_the_ink_of_every_pad_of_a_round_the_agenda_takes(make_app):
    """A round of 30 projects has 60 pads on the wall; the wall's ink_sync was cut at 50 of them."""
    app = make_app(projects=projects(*["1"] * 30))
    service = app.extensions["kiosk"]
    pads = service.signing.from_signatories(host_name="区长")
    assert len(pads) == 60
    service.execute(
        {"command_id": uuid.uuid4().hex, "action": "arm", "project_ids": list(app.ids)}, device="test"
    )
    for n, pad in enumerate(pads):
        sig = f"sig-{n:08d}"
        service.signing.begin(pad.id, sig, 600, 240, "local", "tablet")
        assert service.signing.add_ink(pad.id, sig, 1, [[0, 100, 100, 0.5, 0], [0, 200, 120, 0.5, 16]])
    wall = app.extensions["socketio"].test_client(app, auth={"role": "display", "name": "主屏"})
    welcomed(wall)
    synced = wall.emit("ink_sync", {"pad_ids": [p.id for p in pads]}, callback=True)
    assert {pad_id for pad_id, ink in synced.items() if ink} == {p.id for p in pads}


TEXT_FIELDS = sorted(
    key
    for key, f in fields.FIELDS.items()
    if f.parse.__qualname__ in ("line.<locals>.parse", "paragraph.<locals>.parse")
)


@pytest.mark.parametrize("key", TEXT_FIELDS)
def test_a_text_field_takes_the_length_the_pages_are_given_and_refuses_one_more(key):
    """The import, both editors and the API parse each field with ``fields.parse``; the pages get
    ``max_length`` for their ``maxlength``: the two are one number."""
    limit = fields.FIELDS[key].limits()["max_length"]
    assert fields.parse(key, "字" * limit) == "字" * limit
    with pytest.raises(fields.FieldError) as refused:
        fields.parse(key, "字" * (limit + 1))
    assert (refused.value.code, refused.value.params) == ("too_long", {"max": limit})


def test_the_text_fields_are_found():
    assert {"name", "summary", "pad_project", "cue_title", "cue_script"} <= set(TEXT_FIELDS)


@pytest.mark.parametrize("pin", ["1" * (PIN_MAX_DIGITS + 1), "12a4", "12 34", "１２３４"])
def test_a_configured_pin_the_pin_pad_cannot_type_is_named_at_start(make_app, caplog, pin):
    """The pad types ASCII digits, at most PIN_MAX_DIGITS: a configured PIN it cannot enter still logs in
    through the API (the contract sets no shape), and the server says at start that no tablet can type it."""
    with caplog.at_level("WARNING", logger="kiosk"):
        make_app(OPERATOR_PIN=pin)
    assert any("operator PIN" in r.getMessage() and "PIN pad" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING", logger="kiosk"):
        make_app(OPERATOR_PIN="9" * PIN_MAX_DIGITS)
    assert not any("PIN pad" in r.getMessage() for r in caplog.records)


def test_the_events_time_zone_is_a_name_the_zone_database_knows():
    """Checked once (kiosk.setup.fields), for the admin and PUT /api/v1/event alike: any IANA name, in its
    own spelling; an offset, a city alone or a path is refused, naming an example."""
    assert fields.parse("timezone", "Asia/Shanghai") == "Asia/Shanghai"
    assert fields.parse("timezone", " america/new_york ") == "America/New_York"
    assert fields.parse("timezone", "UTC") == "UTC"
    for bad in (
        "Shanghai",
        "UTC+8",
        "+08:00",
        "Mars/Olympus",
        "/etc/passwd",
        "../zoneinfo/UTC",
        "posixrules",
        8,
    ):
        with pytest.raises(fields.FieldError) as refused:
            fields.parse("timezone", bad)
        assert (refused.value.code, refused.value.params) == ("bad_timezone", {"example": "Asia/Shanghai"})
    # The admin's short list is all valid names, the default first.
    assert fields.COMMON_TIMEZONES[0] == fields.DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert all(fields.parse("timezone", name) == name for name in fields.COMMON_TIMEZONES)


def test_the_events_time_zone_is_set_through_the_api_and_kept(small):
    editor = operator_client(small)
    assert small.extensions["kiosk"].event.timezone == "Asia/Shanghai"
    assert editor.get("/api/v1/state").get_json()["event"]["timezone"] == "Asia/Shanghai"
    bad = editor.put("/api/v1/event", json={"timezone": "Beijing"})
    assert bad.status_code == 400 and "timezone" in json.dumps(bad.get_json())
    assert editor.put("/api/v1/event", json={"timezone": "europe/london"}).status_code == 200
    assert editor.get("/api/v1/state").get_json()["event"]["timezone"] == "Europe/London"
    # A blank value keeps the zone (the event always has one).
    assert editor.put("/api/v1/event", json={"timezone": ""}).status_code == 200
    assert small.extensions["kiosk"].event.timezone == "Europe/London"
