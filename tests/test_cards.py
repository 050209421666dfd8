"""The golden key: card tokens, the card page, vCard, QR codes (decoded with a real decoder), print and PDF."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import vobject
import zxingcpp
from conftest import PIN, operator_client, paired_client
from harness import EventSpec, projects, welcomed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.setup.cards import clean_edit, looks_like_token
from kiosk.setup.fields import FieldErrors

TOKEN_IN_URL = re.compile(r"/c/([A-Za-z0-9_-]+)$")


@pytest.fixture
def app(make_app):
    """Three projects made for these tests, each with a concierge (专员一, 0731-28800001, …)."""
    return make_app(projects=projects("10", "20", "30"), event=EventSpec(host="测试主办单位"))


@pytest.fixture
def ids(app):
    return app.ids


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def card(operator, pid) -> dict:
    r = operator.get(f"/api/v1/projects/{pid}/card")
    assert r.status_code == 200
    return r.get_json()


def path_of(url: str) -> str:
    return "/c/" + TOKEN_IN_URL.search(url).group(1)


def test_every_project_has_a_long_random_stable_token(operator, make_app, app, ids):
    urls = {pid: card(operator, pid)["url"] for pid in ids}
    tokens = [TOKEN_IN_URL.search(u).group(1) for u in urls.values()]
    assert len(set(tokens)) == 3
    assert all(len(t) >= 22 for t in tokens)  # ≥ 128 bits in URL-safe base64
    # stable for good: a restart on the same folder gives the same addresses
    again = make_app(DATA_DIR=app.config["DATA_DIR"])
    assert again.extensions["kiosk"].card(ids[2]).token == tokens[2]


def test_card_api_needs_an_operator(client, ids):
    assert client.get(f"/api/v1/projects/{ids[0]}/card").status_code == 401


def test_unknown_and_guessable_addresses_are_404(client):
    for path in ("/c/1", "/c/p1", "/c/" + "A" * 24, "/c/../api/v1/state", "/c/%00"):
        assert client.get(path).status_code == 404, path


def test_card_page_for_the_guest(client, operator, ids):
    c = card(operator, ids[2])
    r = client.get(path_of(c["url"]))
    assert r.status_code == 200
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in r.headers["X-Robots-Tag"]
    # (names carry <wbr> between their words: kiosk/web/typeset.py)
    html = r.get_data(as_text=True).replace("<wbr>", "")
    assert "测试项目三" in html and "测试企业三有限公司" in html
    assert "专员三" in html and 'href="tel:0731-28800003"' in html
    assert "<b>30</b> 亿元" in html and "<b>300</b> 亩" in html
    for service in ("项目报批报建", "用地规划", "创新发展", "科技金融", "产业政策兑现"):
        assert service in html
    assert "签约" in html and "投产" in html
    assert "<script" not in html  # light: no script at all on the guest's page


def test_card_shows_the_signing_once_signed(client, operator, ids, app):
    c = card(operator, ids[1])
    assert "待签约" in client.get(path_of(c["url"])).get_data(as_text=True)
    operator.post("/api/v1/commands", json={"command_id": "s", "action": "confirm", "project_id": ids[1]})
    html = client.get(path_of(c["url"])).get_data(as_text=True)
    signed_at = app.extensions["kiosk"].snapshot()["projects"][1]["signed_at"]
    # the signing in the event's words on the venue's clock (the event's zone, whatever the server's),
    # never an ISO timestamp from the server
    at = datetime.fromisoformat(signed_at).astimezone(ZoneInfo("Asia/Shanghai"))
    assert "已签约" in html and f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}" in html
    assert f">{signed_at}<" not in html


def test_vcard_imports_with_name_phone_and_organisation(client, operator, ids):
    operator.put(
        f"/api/v1/projects/{ids[2]}/card", json={"contact_title": "项目服务专员", "contact_email": "a@b.cn"}
    )
    r = client.get(path_of(card(operator, ids[2])["url"]) + "/contact.vcf")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/vcard")
    v = vobject.readOne(r.get_data(as_text=True))
    assert v.version.value == "3.0"
    assert v.fn.value == "专员三"
    assert v.tel.value == "0731-28800003"
    assert v.org.value == ["测试主办单位"]
    assert v.title.value == "项目服务专员" and v.email.value == "a@b.cn"


def test_public_state_and_logs_carry_no_token_or_contact(app, client, operator, caplog, ids):
    urls = [card(operator, pid)["url"] for pid in ids]
    operator.post("/api/v1/commands", json={"command_id": "x", "action": "confirm", "project_id": ids[0]})
    operator.post(f"/api/v1/projects/{ids[0]}/card/rotate")
    public = client.get("/api/v1/state").get_data(as_text=True)
    socketio = app.extensions["socketio"]
    viewer = socketio.test_client(app, auth={"role": "display"})
    pushed = repr(welcomed(viewer))
    logged = caplog.text
    for url in [*urls, card(operator, ids[0])["url"]]:
        token = TOKEN_IN_URL.search(url).group(1)
        assert token not in public and token not in pushed and token not in logged
    for secret in ("专员一", "0731-28800001", "专员二", "0731-28800002"):
        assert secret not in public and secret not in pushed


def test_qr_png_and_svg_carry_the_card_address(operator, chromium, ids):
    c = card(operator, ids[1])
    png = operator.get(c["qr_png"])
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decode(Image.open(io.BytesIO(png.data))) == [c["url"]]

    svg = operator.get(c["qr_svg"])
    assert svg.mimetype == "image/svg+xml"
    page = chromium.new_page(viewport={"width": 400, "height": 400})
    try:
        page.set_content(
            f"<body style='margin:0'><div style='width:360px;height:360px'>{svg.get_data(as_text=True)}"
            "</div><style>svg{width:100%;height:100%}</style></body>"
        )
        shot = page.screenshot()
    finally:
        page.close()
    assert decode(Image.open(io.BytesIO(shot))) == [c["url"]]


def test_rotation_kills_the_old_address(client, operator, ids):
    old = card(operator, ids[2])
    assert client.get(path_of(old["url"])).status_code == 200
    r = operator.post(f"/api/v1/projects/{ids[2]}/card/rotate")
    assert r.status_code == 200
    new = r.get_json()
    assert new["url"] != old["url"]
    assert client.get(path_of(old["url"])).status_code == 404
    assert client.get(path_of(new["url"])).status_code == 200
    assert decode(Image.open(io.BytesIO(operator.get(new["qr_png"]).data))) == [new["url"]]


def test_big_screen_qr_only_for_a_paired_screen_and_the_signed_project_on_the_wall(
    app, client, operator, ids
):
    """Before: every signed project's QR stayed public, so walking p1…pN collected every card's address;
    then the one on the wall was still public to anyone in the hall's Wi-Fi. Now only a paired screen gets
    it, and only while the room sees that project celebrated."""

    def command(action, **fields):
        body = {"command_id": f"{action}-{fields}", "action": action, **fields}
        assert operator.post("/api/v1/commands", json=body).status_code == 200

    guest = client
    client = paired_client(app, "主屏")
    assert client.get(f"/display/qr/{ids[1]}.svg").status_code == 404
    command("announce", project_id=ids[1])
    assert client.get(f"/display/qr/{ids[1]}.svg").status_code == 404  # on the wall, not yet signed
    command("confirm", project_id=ids[1])
    r = client.get(f"/display/qr/{ids[1]}.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    command("confirm", project_id=ids[2])
    assert client.get(f"/display/qr/{ids[1]}.svg").status_code == 404  # signed, but the wall moved on
    assert client.get(f"/display/qr/{ids[2]}.svg").status_code == 200
    command("show", screen="roll")
    assert [client.get(f"/display/qr/{pid}.svg").status_code for pid in ids] == [404] * len(ids)
    command("show", screen="spotlight", project_id=ids[1])  # brought back on the wall: its key again
    assert client.get(f"/display/qr/{ids[1]}.svg").status_code == 200
    assert client.get("/display/qr/nope.svg").status_code == 404
    # a guest on the Wi-Fi, looking at the same wall, gets nothing
    assert guest.get(f"/display/qr/{ids[1]}.svg").status_code == 404


def test_card_edits_are_validated(operator, ids):
    r = operator.put(
        f"/api/v1/projects/{ids[0]}/card",
        json={"contact_phone": "call me", "contact_email": "nope", "services": "all", "colour": "red"},
    )
    assert r.status_code == 400 and r.get_json()["reason"] == "invalid_card"
    fields = {e["field"] for e in r.get_json()["errors"]}
    assert fields == {"contact_phone", "contact_email", "services", "colour"}
    assert card(operator, ids[0])["contact_phone"] == "0731-28800001"  # nothing half-applied
    ok = operator.put(
        f"/api/v1/projects/{ids[0]}/card", json={"services": ["用地规划", "人才公寓"], "notes": "周一至周五"}
    )
    assert ok.status_code == 200
    assert ok.get_json()["services"] == ["用地规划", "人才公寓"] and not ok.get_json()["services_are_default"]
    assert card(operator, ids[1])["services_are_default"]


def test_clean_edit_rules():
    assert clean_edit({"contact_phone": " 0731-2880 0001 转 123 "}) == {
        "contact_phone": "0731-2880 0001 转 123"
    }
    assert clean_edit({"contact_title": ""}) == {"contact_title": None}
    with pytest.raises(FieldErrors):
        clean_edit({"notes": "x" * 501})
    assert not looks_like_token("1") and not looks_like_token("a/b" * 10)


def test_localhost_address_is_warned_about(make_app):
    app = make_app(projects=projects("1"), PUBLIC_URL="http://127.0.0.1:5000")
    c = app.test_client()
    c.post("/api/v1/session", json={"pin": PIN})
    assert "手机无法访问" in c.get(f"/api/v1/projects/{app.ids[0]}/card").get_json()["warning"]
    lan = make_app(projects=projects("1"), PUBLIC_URL="http://192.168.1.20:5000")
    c = lan.test_client()
    c.post("/api/v1/session", json={"pin": PIN})
    body = c.get(f"/api/v1/projects/{lan.ids[0]}/card").get_json()
    assert body["warning"] is None and body["url"].startswith("http://192.168.1.20:5000/c/")


def test_print_view_and_pdf_give_every_card(operator, tmp_path, ids):
    html = operator.get("/print/cards").get_data(as_text=True)
    assert html.count('class="card"') == 3 and "@page" not in html  # stylesheet linked, not inlined
    r = operator.get("/print/cards.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(r.data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3  # one A5 page a card
    expected = [card(operator, pid)["url"] for pid in ids]
    decoded, sizes = [], []
    for page in pages:
        with Image.open(page) as image:
            decoded.append(decode(image))
            sizes.append(image.size)
    assert decoded == [[u] for u in expected]
    width, height = sizes[0]
    assert abs(width / height - 210 / 148) < 0.01  # A5 landscape


def test_print_of_one_card(operator, ids):
    html = operator.get(f"/print/cards?project={ids[0]}").get_data(as_text=True).replace("<wbr>", "")
    assert html.count('class="card"') == 1 and "测试项目一" in html
    assert operator.get("/print/cards?project=nope").status_code == 404


# -- one validator for the concierge's name and phone ---------------------------------------------------

PHONES = st.one_of(
    st.sampled_from(
        [
            "0731 2880 x12",
            "0731-2880 0001 转 123",
            "+86 (731) 2880-0001",
            "１３８００１３８０００",
            "12",
            "x12",
        ]
    ),
    st.text(alphabet="0123456789 -()+x转ext.", max_size=45),
    st.text(max_size=10),
)
NAMES = st.one_of(
    st.text(min_size=1, max_size=130), st.sampled_from(["名" * 60, "名" * 61, "名" * 100, "王\n五"])
)


def _project_body(app, pid: str, **changes) -> dict:
    c = operator_client(app)
    row = next(p for p in c.get("/api/v1/projects").get_json()["projects"] if p["id"] == pid)
    body = {
        k: row[k]
        for k in ("name", "investor", "land_mu", "industry", "summary", "concierge_name", "concierge_phone")
    }
    body["amount_yi"] = row["amount_yi"]
    body["signatories"] = "、".join(row["signatories"])
    return {**body, **changes}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phone=PHONES, name=NAMES)
def test_card_editor_and_project_editor_agree_on_every_value(app, operator, ids, phone, name):
    """The same two columns, written from two pages: both accept a value or both refuse it, and keep it
    the same. (Before one validator per field, a card saved with "0731 2880 x12" broke the project
    editor's next save, and a 100-character name from the project editor was refused by the card.)"""
    pid = ids[0]
    for key, value in (("phone", phone), ("name", name)):
        by_card = operator.put(f"/api/v1/projects/{pid}/card", json={f"contact_{key}": value})
        stored_card = card(operator, pid)[f"contact_{key}"]
        by_project = operator.put(
            f"/api/v1/projects/{pid}", json=_project_body(app, pid, **{f"concierge_{key}": value})
        )
        stored_project = card(operator, pid)[f"contact_{key}"]
        assert (by_card.status_code, by_project.status_code) in ((200, 200), (400, 400)), (key, value)
        if by_card.status_code == 200:
            assert stored_card == stored_project, (key, value)
            # and the other editor's next save of the stored value goes through
            again = operator.put(f"/api/v1/projects/{pid}", json=_project_body(app, pid))
            assert again.status_code == 200, (key, value, again.get_json())


def test_the_reported_values_now_work_both_ways(app, operator, ids):
    pid = ids[0]
    assert (
        operator.put(f"/api/v1/projects/{pid}/card", json={"contact_phone": "0731 2880 x12"}).status_code
        == 200
    )
    assert operator.put(f"/api/v1/projects/{pid}", json=_project_body(app, pid)).status_code == 200
    long_name = "名" * 100
    refused = operator.put(f"/api/v1/projects/{pid}", json=_project_body(app, pid, concierge_name=long_name))
    assert refused.status_code == 400
    assert refused.get_json()["errors"][0]["reason"] == "不能超过 60 个字符"
    assert operator.put(f"/api/v1/projects/{pid}/card", json={"contact_name": long_name}).status_code == 400
