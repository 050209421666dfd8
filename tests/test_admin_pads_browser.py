"""The admin's 签字板与签约图 section (static/js/admin/pads.js) in real Chromium against a real server.

The pads: made from the projects' signatories, one added by hand (the server's error on its field first),
edited, its remote link shown once and revoked, a tablet opening a local link seen by the list, a new
local link cutting the old one off, a pad deleted. The 签约图: a suggested ink, a rule and a template
saved and the preview drawn again; a bad ink shows the server's own words on the ink field; a background
picture uploaded and removed. Each test takes a fresh ceremony from the module's server (``fresh_server`` in conftest.py).
"""

from __future__ import annotations

import re

import harness
import pytest
import requests
from harness import EventSpec, project, wait_until
from PIL import Image

pytestmark = pytest.mark.browser

SPECS = [
    project(1, "52", signatories="周建光、陈立新"),
    project(2, "30", signatories="包磊"),
    project(3, "5", signatories="曹政文"),
]


@pytest.fixture
def live_server(fresh_server):
    return fresh_server(SPECS, EventSpec(title="签字板测试签约仪式", host="株洲高新区管委会"))


@pytest.fixture
def admin(live_server, chromium):
    """A logged-in admin page on a 1024x768 screen, open at the pads section."""
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    harness.log_in(page, live_server.url, "/admin")
    page.wait_for_selector('body[data-conn="live"]')
    page.click('.nav-item[data-section="pads"]')
    page.wait_for_selector("#sec-pads:not([hidden])")
    yield page
    context.close()
    assert errors == [], errors


def P(server, n: int) -> str:
    return server.made_ids[n - 1]


def row(page, name: str):
    """The pad row of the signatory ``name`` (exactly)."""
    return page.locator(".pad-row").filter(has=page.locator(".pad-name", has_text=re.compile(f"^{name}$")))


def toast(page, text: str) -> None:
    page.locator("#toasts .toast", has_text=text).first.wait_for()


def confirm(page, warn: str | None = None) -> None:
    page.wait_for_selector("#confirm-dialog[open]")
    if warn:
        assert warn in page.inner_text("#confirm-text")
    page.click("#confirm-ok")
    page.wait_for_selector("#confirm-dialog", state="hidden")


def field_error(page, form: str, field: str) -> str:
    box = page.locator(f'{form} .field[data-field="{field}"]')
    box.locator(".field-error:not(:empty)").wait_for()
    assert "is-invalid" in (box.get_attribute("class") or ""), f"{field} is not marked"
    return box.locator(".field-error").inner_text()


def server_pads(server, web) -> dict:
    r = web.get(server.url + "/api/v1/pads", timeout=10)
    r.raise_for_status()
    return {p["name"]: p for p in r.json()}


def test_pads_made_added_edited_linked_and_deleted(live_server, admin, chromium):
    page, server = admin, live_server
    web = server.editor()

    # Three projects in running order, none with a pad yet.
    page.wait_for_selector("#pad-groups .pad-group")
    groups = page.locator("#pad-groups .pad-group")
    assert [groups.nth(i).get_attribute("data-project") for i in range(3)] == server.made_ids
    assert page.locator(".pad-row").count() == 0

    # From the signatories, grouped under their projects; each with the party the server gave it.
    page.click("#pads-generate")
    toast(page, "已生成 4 块签字板")
    page.wait_for_function("() => document.querySelectorAll('.pad-row').length === 4")
    first = page.locator(f'.pad-group[data-project="{P(server, 1)}"]')
    assert first.locator(".pad-name").all_inner_texts() == ["周建光", "陈立新"]
    made = server_pads(server, web)
    assert set(made) == {"周建光", "陈立新", "包磊", "曹政文"}
    for name, pad in made.items():
        assert row(page, name).locator(".pad-party").inner_text() == pad["party_text"] != ""
        assert row(page, name).locator(".pad-state").inner_text() == pad["state_text"] == "等待签约"
        assert row(page, name).locator('input[data-action="url"]').input_value() == pad["url"]
    assert page.inner_text("#badge-pads") == "4"
    # The local link as a QR code for the tablet's camera, in a dialog.
    row(page, "周建光").locator('[data-action="qr"]').click()
    page.wait_for_function(
        "() => { const i = document.getElementById('pad-qr-img'); return i.complete && i.naturalWidth > 0; }"
    )
    assert page.inner_text("#pad-qr-title") == "「周建光」的签字板二维码"
    page.keyboard.press("Escape")
    page.wait_for_selector("#pad-qr-dialog", state="hidden")
    page.click("#pads-generate")
    toast(page, "每位签约代表都已有签字板")

    # Add one by hand: the server's word for a missing name is shown on the name field.
    page.click("#pad-add-toggle")
    page.wait_for_selector("#pad-add-form:not([hidden])")
    assert page.evaluate("() => document.activeElement.name") == "name"
    page.select_option('#pad-add-form [name="project_id"]', P(server, 2))
    page.click("#pad-add")
    assert field_error(page, "#pad-add-form", "name") == "必填"
    assert page.inner_text("#pad-add-message") == "请修改标红的项目后再保存"
    page.fill('#pad-add-form [name="name"]', "王小明")
    assert page.locator('#pad-add-form .field[data-field="name"].is-invalid').count() == 0
    page.select_option('#pad-add-form [name="party"]', "investor")
    page.fill('#pad-add-form [name="remote_place"]', "深圳分会场")
    page.click("#pad-add")
    toast(page, "已添加「王小明」的签字板")
    added = page.locator(f'.pad-group[data-project="{P(server, 2)}"] .pad-row').filter(has_text="王小明")
    added.wait_for()
    assert added.locator(".pad-remote").inner_text() == "远程签约 · 深圳分会场"
    assert added.locator(".pad-party").inner_text() == "乙方"
    assert page.input_value('#pad-add-form [name="name"]') == ""

    # Edit it in the dialog.
    added.locator('[data-action="edit"]').click()
    page.wait_for_selector("#pad-dialog[open]")
    assert page.input_value('#pad-form [name="name"]') == "王小明"
    assert page.input_value('#pad-form [name="party"]') == "investor"
    page.fill('#pad-form [name="name"]', "王晓明")
    page.fill('#pad-form [name="remote_place"]', "上海分会场")
    page.click("#pad-save")
    page.wait_for_selector("#pad-dialog", state="hidden")
    toast(page, "已保存「王晓明」的签字板")
    edited = row(page, "王晓明")
    edited.locator(".pad-remote", has_text="上海分会场").wait_for()
    assert server_pads(server, web)["王晓明"]["remote_place"] == "上海分会场"
    # The keyboard is back on the row's edit button.
    assert page.evaluate("() => document.activeElement.getAttribute('data-action')") == "edit"

    # Its remote link: shown once, in a dialog that says so.
    edited.locator('[data-action="remote"]').click()
    page.wait_for_selector("#remote-dialog[open]")
    remote = page.inner_text("#remote-url")
    assert remote.startswith(server.url + "/sign/"), remote
    assert "只显示这一次" in page.inner_text("#remote-once")
    assert page.inner_text("#remote-title") == "「王晓明」的远程签约链接"
    assert requests.get(remote, timeout=10).status_code == 200
    page.click("#remote-done")
    page.wait_for_selector("#remote-dialog", state="hidden")
    # (the dialog's close event, a task after it is hidden, forgets the link)
    page.wait_for_function("() => document.getElementById('remote-url').textContent === ''")
    assert remote not in page.content()
    edited.locator(".pad-remote-on").wait_for()
    assert edited.locator('[data-action="remote"]').count() == 0
    held = server_pads(server, web)["王晓明"]
    assert held["remote_active"] is True and held["remote_url"] is None

    # Revoked (after a question): the link is dead, and a new one may be made.
    edited.locator('[data-action="revoke"]').click()
    confirm(page, warn="立即失效")
    toast(page, "已撤销「王晓明」的远程链接")
    edited.locator('[data-action="remote"]').wait_for()
    assert edited.locator(".pad-remote-on").count() == 0
    assert requests.get(remote, timeout=10).status_code == 404

    # A tablet opens 周建光's local link: the list sees it (it asks every few seconds).
    local = row(page, "周建光").locator('input[data-action="url"]').input_value()
    assert local.startswith(server.url + "/sign/")
    assert row(page, "周建光").locator(".pad-claimed").inner_text() == "尚未在平板上打开"
    tablet = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        assert tablet.new_page().goto(local).status == 200
    finally:
        tablet.close()
    row(page, "周建光").locator(".pad-claimed.is-yes", has_text="已在平板上打开").wait_for(timeout=12_000)

    # A new local link (asked first): the old one stops working.
    row(page, "周建光").locator('[data-action="link"]').click()
    confirm(page, warn="旧链接立即失效")
    toast(page, "已为「周建光」生成新的本地链接")
    wait_until(lambda: row(page, "周建光").locator('input[data-action="url"]').input_value() != local)
    fresh = row(page, "周建光").locator('input[data-action="url"]').input_value()
    assert requests.get(local, timeout=10).status_code == 404
    assert requests.get(fresh, timeout=10).status_code == 200
    # Opening the new link claims the pad, and the list is drawn again when it hears so: a tap during that
    # redraw is lost (the list is redrawn whole), so the next one waits for it.
    row(page, "周建光").locator(".pad-claimed.is-yes").wait_for(timeout=12_000)

    # Delete (asked first; cancelling keeps it).
    row(page, "曹政文").locator('[data-action="delete"]').click()
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-cancel")
    page.wait_for_selector("#confirm-dialog", state="hidden")
    assert row(page, "曹政文").count() == 1
    row(page, "曹政文").locator('[data-action="delete"]').click()
    confirm(page)
    toast(page, "已删除「曹政文」的签字板")
    row(page, "曹政文").wait_for(state="detached")
    third = page.locator(f'.pad-group[data-project="{P(server, 3)}"]')
    assert third.locator(".pad-none").inner_text() == "这个项目还没有签字板。"
    assert "曹政文" not in server_pads(server, web)


def test_certificate_settings_preview_and_the_servers_errors(live_server, admin, tmp_path):
    page, server = admin, live_server
    web = server.editor()

    page.wait_for_selector('#cert-preview[data-state="ok"]')
    before = page.get_attribute("#cert-preview", "src")
    assert f"/api/v1/projects/{P(server, 1)}/certificate.svg?blank=1&v=" in before
    assert page.input_value("#cert-ink") == "#1b1b1b"
    assert page.get_attribute('.ink-swatch[data-ink="#1b1b1b"]', "aria-pressed") == "true"
    assert page.is_hidden("#cert-dirty")
    templates = page.locator("#cert-template option")
    assert templates.count() >= 2

    # A suggested ink, a rule and the other template; saved, and the preview is drawn again.
    page.click('.ink-swatch[data-ink="#1a2f6b"]')
    assert page.input_value("#cert-ink") == "#1a2f6b"
    assert page.get_attribute('.ink-swatch[data-ink="#1a2f6b"]', "aria-pressed") == "true"
    assert page.input_value("#cert-ink-pick") == "#1a2f6b"
    page.check('#cert-form [name="signatures_required"]')
    other = templates.nth(1).get_attribute("value")
    page.select_option("#cert-template", other)
    assert page.is_visible("#cert-dirty")
    page.click("#cert-save")
    toast(page, "签约图设置已保存")
    page.wait_for_function(
        "(before) => { const img = document.getElementById('cert-preview');"
        " return img.getAttribute('src') !== before && img.dataset.state === 'ok' && img.naturalWidth > 0; }",
        arg=before,
    )
    saved = web.get(server.url + "/api/v1/certificate", timeout=10).json()
    assert saved["ink"] == "#1a2f6b" and saved["template"] == other
    assert saved["signatures_required"] is True and saved["sign_on_submit"] is False
    assert page.is_hidden("#cert-dirty")

    # A bad ink: the server's own sentence, on the ink field, and the keyboard there.
    page.fill("#cert-ink", "blue")
    page.click("#cert-save")
    said = web.put(
        server.url + "/api/v1/certificate",
        json={"template": other, "ink": "blue", "signatures_required": True, "sign_on_submit": False},
        timeout=10,
    ).json()
    reason = said["errors"][0]["reason"]
    assert field_error(page, "#cert-form", "ink") == reason
    assert page.inner_text("#cert-message") == "请修改标红的项目后再保存"
    assert page.evaluate("() => document.activeElement.id") == "cert-ink"
    assert web.get(server.url + "/api/v1/certificate", timeout=10).json()["ink"] == "#1a2f6b"
    page.fill("#cert-ink", "#b8860b")
    assert page.locator('#cert-form .field[data-field="ink"].is-invalid').count() == 0
    page.click("#cert-revert")
    assert page.input_value("#cert-ink") == "#1a2f6b"

    # Another project in the preview.
    page.select_option("#cert-preview-project", P(server, 2))
    page.wait_for_function(
        f"() => document.getElementById('cert-preview').getAttribute('src').includes('/projects/{P(server, 2)}/')"
        " && document.getElementById('cert-preview').dataset.state === 'ok'"
    )

    # A background picture, uploaded and removed (asked first).
    picture = tmp_path / "paper.png"
    Image.new("RGB", (640, 400), (250, 240, 220)).save(picture)
    page.set_input_files("#cert-bg-file", str(picture))
    toast(page, "签约图背景已上传")
    page.wait_for_selector("#cert-bg-img:not([hidden])")
    assert page.get_attribute("#cert-bg-img", "src").startswith("/media/")
    assert page.inner_text("#cert-bg-upload-label") == "更换"
    assert web.get(server.url + "/api/v1/certificate", timeout=10).json()["background"]
    page.click("#cert-bg-remove")
    confirm(page)
    toast(page, "签约图背景已移除")
    page.wait_for_selector("#cert-bg-img", state="hidden")
    assert page.is_hidden("#cert-bg-remove")
    assert web.get(server.url + "/api/v1/certificate", timeout=10).json()["background"] is None
