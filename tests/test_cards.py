"""The golden key: card tokens, the card page, vCard, QR codes (decoded with a real decoder), print and PDF."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import vobject
import zxingcpp
from conftest import PIN
from PIL import Image

from kiosk.cards import CardInvalid, clean_edit, looks_like_token

TOKEN_IN_URL = re.compile(r"/c/([A-Za-z0-9_-]+)$")


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def card(operator, pid="p1") -> dict:
    r = operator.get(f"/api/v1/projects/{pid}/card")
    assert r.status_code == 200
    return r.get_json()


def path_of(url: str) -> str:
    return "/c/" + TOKEN_IN_URL.search(url).group(1)


def test_every_project_has_a_long_random_stable_token(operator, make_app, app):
    urls = {pid: card(operator, pid)["url"] for pid in (f"p{i}" for i in range(1, 8))}
    tokens = [TOKEN_IN_URL.search(u).group(1) for u in urls.values()]
    assert len(set(tokens)) == 7
    assert all(len(t) >= 22 for t in tokens)  # ≥ 128 bits in URL-safe base64
    # stable for good: a restart on the same folder gives the same addresses
    again = make_app(DATA_DIR=app.config["DATA_DIR"])
    assert again.extensions["kiosk"].card("p3").token == tokens[2]


def test_card_api_needs_an_operator(client):
    assert client.get("/api/v1/projects/p1/card").status_code == 401


def test_unknown_and_guessable_addresses_are_404(client):
    for path in ("/c/1", "/c/p1", "/c/" + "A" * 24, "/c/../api/v1/state", "/c/%00"):
        assert client.get(path).status_code == 404, path


def test_card_page_for_the_guest(client, operator):
    c = card(operator, "p7")
    r = client.get(path_of(c["url"]))
    assert r.status_code == 200
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in r.headers["X-Robots-Tag"]
    html = r.get_data(as_text=True)
    assert "株洲万洋众创城项目" in html and "万洋众创城投资集团有限公司" in html
    assert "刘一鸣" in html and 'href="tel:0731-28800001"' in html
    for service in ("项目报批报建", "用地规划", "创新发展", "科技金融", "产业政策兑现"):
        assert service in html
    assert "签约" in html and "投产" in html
    assert "<script" not in html  # light: no script at all on the guest's page


def test_card_shows_the_signing_once_signed(client, operator):
    c = card(operator, "p2")
    assert "待签约" in client.get(path_of(c["url"])).get_data(as_text=True)
    operator.post("/api/v1/commands", json={"command_id": "s", "action": "confirm", "project_id": "p2"})
    assert "已签约" in client.get(path_of(c["url"])).get_data(as_text=True)


def test_vcard_imports_with_name_phone_and_organisation(client, operator):
    operator.put(
        "/api/v1/projects/p7/card", json={"contact_title": "项目服务专员", "contact_email": "a@b.cn"}
    )
    r = client.get(path_of(card(operator, "p7")["url"]) + "/contact.vcf")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/vcard")
    v = vobject.readOne(r.get_data(as_text=True))
    assert v.version.value == "3.0"
    assert v.fn.value == "刘一鸣"
    assert v.tel.value == "0731-28800001"
    assert v.org.value == ["株洲高新区党工委、管委会（天元区委、区政府）"]
    assert v.title.value == "项目服务专员" and v.email.value == "a@b.cn"


def test_public_state_and_logs_carry_no_token_or_contact(app, client, operator, caplog):
    urls = [card(operator, f"p{i}")["url"] for i in range(1, 8)]
    operator.post("/api/v1/commands", json={"command_id": "x", "action": "confirm", "project_id": "p1"})
    operator.post("/api/v1/projects/p1/card/rotate")
    public = client.get("/api/v1/state").get_data(as_text=True)
    socketio = app.extensions["socketio"]
    viewer = socketio.test_client(app, auth={"role": "display"})
    pushed = repr(viewer.get_received())
    logged = caplog.text
    for url in [*urls, card(operator)["url"]]:
        token = TOKEN_IN_URL.search(url).group(1)
        assert token not in public and token not in pushed and token not in logged
    for secret in ("刘一鸣", "0731-28800001", "陈思远", "0731-28800002"):
        assert secret not in public and secret not in pushed


def test_qr_png_and_svg_carry_the_card_address(operator, chromium):
    c = card(operator, "p5")
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


def test_rotation_kills_the_old_address(client, operator):
    old = card(operator, "p3")
    assert client.get(path_of(old["url"])).status_code == 200
    r = operator.post("/api/v1/projects/p3/card/rotate")
    assert r.status_code == 200
    new = r.get_json()
    assert new["url"] != old["url"]
    assert client.get(path_of(old["url"])).status_code == 404
    assert client.get(path_of(new["url"])).status_code == 200
    assert decode(Image.open(io.BytesIO(operator.get(new["qr_png"]).data))) == [new["url"]]


def test_big_screen_qr_only_for_signed_projects(client, operator):
    assert client.get("/display/qr/p4.svg").status_code == 404
    operator.post("/api/v1/commands", json={"command_id": "c4", "action": "confirm", "project_id": "p4"})
    r = client.get("/display/qr/p4.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert client.get("/display/qr/nope.svg").status_code == 404


def test_card_edits_are_validated(operator):
    r = operator.put(
        "/api/v1/projects/p1/card",
        json={"contact_phone": "call me", "contact_email": "nope", "services": "all", "colour": "red"},
    )
    assert r.status_code == 400 and r.get_json()["reason"] == "invalid_card"
    fields = {e["field"] for e in r.get_json()["errors"]}
    assert fields == {"contact_phone", "contact_email", "services", "colour"}
    assert card(operator)["contact_phone"] == "0731-28800002"  # nothing half-applied
    ok = operator.put(
        "/api/v1/projects/p1/card", json={"services": ["用地规划", "人才公寓"], "notes": "周一至周五"}
    )
    assert ok.status_code == 200
    assert ok.get_json()["services"] == ["用地规划", "人才公寓"] and not ok.get_json()["services_are_default"]
    assert card(operator, "p2")["services_are_default"]


def test_clean_edit_rules():
    assert clean_edit({"contact_phone": " 0731-2880 0001 转 123 "}) == {
        "contact_phone": "0731-2880 0001 转 123"
    }
    assert clean_edit({"contact_title": ""}) == {"contact_title": None}
    with pytest.raises(CardInvalid):
        clean_edit({"notes": "x" * 501})
    assert not looks_like_token("1") and not looks_like_token("a/b" * 10)


def test_localhost_address_is_warned_about(make_app):
    app = make_app(PUBLIC_URL="http://127.0.0.1:5000")
    c = app.test_client()
    c.post("/api/v1/session", json={"pin": PIN})
    assert "手机无法访问" in c.get("/api/v1/projects/p1/card").get_json()["warning"]
    lan = make_app(PUBLIC_URL="http://192.168.1.20:5000")
    c = lan.test_client()
    c.post("/api/v1/session", json={"pin": PIN})
    body = c.get("/api/v1/projects/p1/card").get_json()
    assert body["warning"] is None and body["url"].startswith("http://192.168.1.20:5000/c/")


def test_print_view_and_pdf_give_every_card(operator, tmp_path):
    html = operator.get("/print/cards").get_data(as_text=True)
    assert html.count('class="card"') == 7 and "@page" not in html  # stylesheet linked, not inlined
    r = operator.get("/print/cards.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(r.data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 7  # one A5 page a card
    expected = [card(operator, f"p{i}")["url"] for i in range(1, 8)]
    decoded, sizes = [], []
    for page in pages:
        with Image.open(page) as image:
            decoded.append(decode(image))
            sizes.append(image.size)
    assert decoded == [[u] for u in expected]
    width, height = sizes[0]
    assert abs(width / height - 210 / 148) < 0.01  # A5 landscape


def test_print_of_one_card(operator):
    html = operator.get("/print/cards?project=p1").get_data(as_text=True)
    assert html.count('class="card"') == 1 and "的卢智慧汽车" in html
    assert operator.get("/print/cards?project=nope").status_code == 404
