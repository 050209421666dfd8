"""Every API input is validated: random JSON at every write endpoint never gives a 500 or an unclear answer.

Knob: ``KIOSK_FUZZ_EXAMPLES`` (default 150 per endpoint).
"""

from __future__ import annotations

import os

import pytest
from conftest import PIN
from harness import fill, projects
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "150"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=300),
    st.sampled_from(
        [
            "p1",
            "p7",
            "confirm",
            "undo",
            "show",
            "finale",
            "spotlight",
            "",
            "#ffffff",
            "2021-06-21",
            "<img src=x onerror=alert(1)>",
            "=1+1",
            "\x00",
            "../../etc/passwd",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
    max_leaves=12,
)
KEYS = [
    "command_id",
    "action",
    "project_id",
    "screen",
    "expected_seq",
    "name",
    "investor",
    "amount_yi",
    "amount_wan",
    "land_mu",
    "industry",
    "signatories",
    "concierge_name",
    "concierge_phone",
    "summary",
    "title",
    "subtitle",
    "date",
    "venue",
    "host",
    "language",
    "theme",
    "primary_color",
    "accent_color",
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_wechat",
    "services",
    "notes",
    "ids",
    "mode",
    "confirm",
    "upload_id",
    "replace",
    "pin",
]
bodies = st.one_of(values, st.dictionaries(st.sampled_from(KEYS), values, max_size=8))

ENDPOINTS = [
    ("post", "/api/v1/commands"),
    ("put", "/api/v1/event"),
    ("post", "/api/v1/projects"),
    ("put", "/api/v1/projects/{1}"),
    ("put", "/api/v1/projects/order"),
    ("put", "/api/v1/projects/{2}/card"),
    ("post", "/api/v1/run"),
    ("post", "/api/v1/import/apply"),
    ("post", "/api/v1/session"),
]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from kiosk import create_app

    settings = {"DATA_DIR": str(tmp_path_factory.mktemp("fuzz")), "EDITOR_PIN": PIN, "TESTING": True}
    app = create_app({**settings, "LOAD_SAMPLE": False})
    app.ids = fill(app.extensions["kiosk"], projects("100", "52.3", "0.0001", "12"))
    yield app
    app.extensions["kiosk"].storage.close()


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_random_json_gets_a_clear_answer(fuzz_app, method, path):
    path = path.format(*fuzz_app.ids)
    client = fuzz_app.test_client()
    token = client.post("/api/v1/session", json={"pin": PIN}).get_json()["csrf_token"]
    headers = {"X-CSRF-Token": token}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=bodies)
    def check(body):
        if path == "/api/v1/session":
            # a wrong PIN must not lock out the test client: each example comes from its own address
            environ = {"REMOTE_ADDR": f"10.9.{abs(hash(repr(body))) % 250}.{abs(hash(str(body))) % 250}"}
        else:
            environ = {}
        r = getattr(client, method)(path, json=body, headers=headers, environ_base=environ)
        assert r.status_code < 500, (path, body, r.get_data(as_text=True)[:300])
        data = r.get_json()
        assert isinstance(data, dict), (path, body)
        if r.status_code >= 400:
            assert data.get("reason") and data.get("message"), (path, body, data)
        # the ceremony stays consistent whatever was accepted
        snap = fuzz_app.extensions["kiosk"].snapshot()
        amounts = {p["id"]: p["amount_wan"] for p in snap["projects"]}
        signed = [p["id"] for p in snap["projects"] if p["status"] == "signed"]
        assert snap["total_wan"] == sum(amounts[i] for i in signed)

    check()
