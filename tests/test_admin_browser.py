"""The organisers' admin pages (/admin) in real Chromium against a real server.

The acceptance test prepares a different ceremony entirely in the browser (event, import with a preview,
running order), rehearses it on the console, goes live and downloads the report; the others check that edits
reach the big screen, that imported names stay text everywhere, and that the server's per-field errors are
shown next to their fields. Uses ``live_server`` and ``chromium`` from conftest.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import harness
import pytest
import requests
from harness import EventSpec, project, wait_until
from openpyxl import Workbook, load_workbook
from PIL import Image

pytestmark = pytest.mark.browser

# The ceremony these tests start from: made here, not the shipped sample, so that the sample may change.
NAMES = (
    "的卢智慧汽车及关键零部件项目",
    "北科株洲生命科学城项目",
    "石三门数创蔬菜工厂项目",
    "建筑新材料铝合金模板“双循环”基地建设项目",
    "易事特湖南株洲充电桩合作项目",
    "第七个签约项目（占位）",
    "株洲万洋众创城项目",
)
SPECS = [
    project(i, amount, name=name)
    for i, (name, amount) in enumerate(zip(NAMES, ("52", "30", "5", "12", "4", "3", "100"), strict=True), 1)
]


EVENT = EventSpec(title="株洲高新区（天元区）2021年第二季度重大招商签约活动", date="2021-06-21")


@pytest.fixture
def live_server(fresh_server):
    return fresh_server(SPECS, EVENT)


def P(server, n: int) -> str:
    """The id of the n-th project (1-based) of the ceremony made for the test."""
    return server.made_ids[n - 1]


HOLD_MS = 1100  # the console's 确认签约 needs 0.8 s
REST_MS = 1600  # and it rests 1.5 s after any command
SECTIONS = ("event", "projects", "import", "cards", "rehearsal", "report")
HEADER = [
    "序号",
    "项目名称",
    "签约企业",
    "投资额（亿元）",
    "用地（亩）",
    "产业类别",
    "签约代表",
    "服务专员",
    "专员电话",
    "备注",
]


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def log_in(page, url: str) -> None:
    harness.log_in(page, url, "/admin")
    page.wait_for_selector('body[data-conn="live"]')


def open_section(page, name: str) -> None:
    page.click(f'.nav-item[data-section="{name}"]')
    page.wait_for_selector(f"#sec-{name}:not([hidden])")


def admin_seq(page) -> int:
    return page.evaluate("() => window.__kiosk?.admin.state().seq")


def caught_up(page, server) -> None:
    """The admin page shows the server's latest state."""
    seq = server.state(operator=True)["seq"]
    page.wait_for_function(f"() => window.__kiosk?.admin.state().seq >= {seq}")


def xlsx_file(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def sign_on_console(console, server, project_id: str) -> None:
    """Select a row on the console, press and hold 确认签约, and wait for the signing to land.

    The console's clock is paused (Playwright's clock): its rest after a command and the hold are stepped
    over in the page's time instead of waited out."""
    console.wait_for_function("() => window.__kiosk?.console.pending() === null")
    console.clock.run_for(REST_MS)
    console.wait_for_function("() => !document.body.classList.contains('is-cooling')")
    console.locator(f'.row[data-id="{project_id}"] .row-btn').click()
    console.wait_for_function(f"() => window.__kiosk?.console.selection() === '{project_id}'")
    box = console.locator("#btn-confirm").bounding_box()
    console.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    console.mouse.down()
    console.clock.run_for(HOLD_MS + 100)
    console.mouse.up()
    wait_until(
        lambda: (
            next(p for p in server.state(operator=True)["projects"] if p["id"] == project_id)["status"]
            == "signed"
        ),
        message=f"the console did not sign {project_id}",
    )
    console.locator(f'.row[data-id="{project_id}"] .chip.is-signed').wait_for()


def drag_handle(page, source_id: str, target_id: str) -> None:
    """Drag a row's ⠿ handle onto another row (pointer events, as a finger or a mouse gives them)."""
    # The list is redrawn when a state arrives: take both boxes from one drawing of it.
    handle = target = None
    for _ in range(50):
        handle = page.locator(f'.prow[data-id="{source_id}"] .handle').bounding_box()
        target = page.locator(f'.prow[data-id="{target_id}"]').bounding_box()
        if handle and target:
            break
        page.wait_for_timeout(50)
    assert handle and target, "the rows to drag were not drawn"
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    goal = target["y"] + target["height"] * 0.25 if target["y"] < y else target["y"] + target["height"] * 0.75
    steps = 12
    for i in range(1, steps + 1):
        page.mouse.move(x, y + (goal - y) * i / steps)
        page.wait_for_timeout(20)
    page.mouse.up()


def confirm(page) -> None:
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-ok")
    page.wait_for_selector("#confirm-dialog", state="hidden")


def download(page, selector: str, folder: Path) -> Path:
    """Click a download link and keep the file under the name the server gave it."""
    with page.expect_download() as info:
        page.click(selector)
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def open_admin(chromium, server):
    """A logged-in admin page on a 1024x768 laptop screen (``page.errors``: what its scripts threw)."""
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    log_in(page, server.url)
    return page


@pytest.fixture
def admin(live_server, chromium):
    page = open_admin(chromium, live_server)
    yield page
    page.context.close()
    assert page.errors == [], page.errors


# ---------------------------------------------------------------------------------------------------------
# The acceptance test
# ---------------------------------------------------------------------------------------------------------

NEW_PROJECTS = [
    [
        1,
        "智能网联汽车测试基地项目",
        "湘江智能科技有限公司",
        35,
        420,
        "新能源汽车",
        "周明、吴刚",
        "赵一鸣",
        "0731-28800101",
        "",
    ],
    [
        2,
        "高端轴承产业园项目",
        "湖南精工轴承有限公司",
        12.5,
        260,
        "装备制造",
        "钱二",
        "钱二",
        "0731-28800102",
        "备注不导入",
    ],
    [
        3,
        "生物医药中试平台项目",
        "湖南康源生物有限公司",
        8,
        80,
        "生物医药",
        "孙三",
        "孙三",
        "0731-28800103",
        "",
    ],
    [
        4,
        "数字经济产业园项目",
        "株洲数智产业有限公司",
        20,
        150,
        "数字经济",
        "李四",
        "李四",
        "0731-28800104",
        "",
    ],
]


def test_a_different_ceremony_prepared_rehearsed_and_reported_in_the_browser(live_server, admin, tmp_path):
    page, server = admin, live_server
    old_names = {p["name"] for p in server.state(operator=True)["projects"]}

    # 1. The event, in the form.
    open_section(page, "event")
    page.fill('#event-form [name="title"]', "长沙经开区2026年第一季度重大项目集中签约仪式")
    page.fill('#event-form [name="subtitle"]', "四个项目同日落户")
    page.fill('#event-form [name="date"]', "2026-03-18")
    page.fill('#event-form [name="venue"]', "长沙经开区会展中心")
    page.fill('#event-form [name="host"]', "长沙经济技术开发区管委会")
    page.click('#event-form label:has(input[name="theme"][value="blue"])')
    assert page.is_checked('#event-form input[name="theme"][value="blue"]')
    page.locator("#event-dirty").wait_for()
    title = "长沙经开区2026年第一季度重大项目集中签约仪式"
    assert page.inner_text("#wall-title") == title  # the preview follows the typing
    page.click("#event-save")
    wait_until(lambda: server.state(operator=True)["event"]["title"] == title)
    event = server.state(operator=True)["event"]
    assert (event["date"], event["venue"], event["theme"]) == ("2026-03-18", "长沙经开区会展中心", "blue")
    page.locator("#event-title").filter(has_text="长沙经开区2026年第一季度").wait_for()
    page.locator("#event-dirty").wait_for(state="hidden")

    # 2. A file with a bad row: every row shown, the bad cells marked, nothing imported.
    open_section(page, "import")
    bad_rows = [list(r) for r in NEW_PROJECTS]
    bad_rows[1][2] = None  # no investor
    bad_rows[1][3] = "十二亿"  # a unit in the amount
    page.set_input_files("#import-file", str(xlsx_file(tmp_path / "签约项目.xlsx", bad_rows)))
    page.locator(".import-summary.is-bad").wait_for()
    assert page.locator("#preview-table tbody tr[data-row]").count() == 4
    bad = page.locator('#preview-table tr.row-bad[data-row="3"]')
    assert bad.locator('td.cell-bad[data-key="investor"]').count() == 1
    assert bad.locator('td.cell-bad[data-key="amount_yi"]').count() == 1
    assert page.locator("#preview-table td.cell-bad").count() == 2
    problems = page.locator("#preview-table .problems-row").inner_text()
    assert "第 3 行“签约企业”：必填" in problems
    assert "第 3 行“投资额（亿元）”：只填数字，不要带单位或文字" in problems
    assert "备注" in page.inner_text("#ignored-note")
    assert page.locator("#import-apply").is_disabled()
    assert {p["name"] for p in server.state(operator=True)["projects"]} == old_names

    # 3. The corrected file, applied with "replace".
    page.set_input_files("#import-file", str(xlsx_file(tmp_path / "签约项目-改.xlsx", NEW_PROJECTS)))
    page.locator(".import-summary.is-ok").wait_for()
    summary_text = page.inner_text("#import-summary")
    assert "可以导入：4 个项目，计划总投资 75.5亿元" in summary_text
    assert page.locator("#preview-table td.cell-bad").count() == 0
    page.check("#import-replace")
    page.click("#import-apply")
    confirm(page)  # replacing the running order asks first
    wait_until(
        lambda: [p["name"] for p in server.state(operator=True)["projects"]] == [r[1] for r in NEW_PROJECTS]
    )
    state = server.state(operator=True)
    assert state["planned"]["total_yi"] == "75.5" and state["project_count"] == 4
    page.wait_for_selector("#sec-projects:not([hidden])")  # the page moves on to the running order
    page.locator("#plist .prow[data-id] .p-name").filter(has_text="数字经济产业园项目").wait_for()
    assert page.locator("#plist .prow").count() == 4
    ids = [p["id"] for p in state["projects"]]

    # 4. Reorder: drag the last project to the top, then move the second one down with its button.
    drag_handle(page, ids[3], ids[0])
    expected = [ids[3], ids[0], ids[1], ids[2]]
    wait_until(
        lambda: [p["id"] for p in server.state(operator=True)["projects"]] == expected,
        message="drag did not reorder",
    )
    caught_up(page, server)
    page.click(f'.prow[data-id="{ids[0]}"] [data-action="down"]')
    expected = [ids[3], ids[1], ids[0], ids[2]]
    wait_until(
        lambda: [p["id"] for p in server.state(operator=True)["projects"]] == expected,
        message="↓ did not reorder",
    )
    caught_up(page, server)
    assert [page.locator("#plist .prow").nth(i).get_attribute("data-id") for i in range(4)] == expected

    # 5. The rehearsal, signed on the console in a second tab.
    open_section(page, "rehearsal")
    page.click("#run-rehearsal")
    confirm(page)
    wait_until(lambda: server.state(operator=True)["mode"] == "rehearsal")
    page.locator('body[data-mode="rehearsal"]').wait_for()
    assert page.inner_text("#mode-badge") == "彩排"
    assert page.inner_text("#run-mode-value") == "彩排"

    # Its own context (with the admin's login): Playwright's clock is a context's, and the admin page must
    # keep its real time.
    console_context = page.context.browser.new_context(
        viewport={"width": 1024, "height": 768}, storage_state=page.context.storage_state()
    )
    console = console_context.new_page()
    console.clock.install()
    console.goto(server.url + "/control")
    console.wait_for_selector("#rows .row")
    console.wait_for_function("() => window.__kiosk?.console && window.__kiosk?.console.state() !== null")
    console.locator('body[data-conn="live"]').wait_for()
    harness.pause_clock(console)
    sign_on_console(console, server, expected[0])
    sign_on_console(console, server, expected[1])
    assert server.state(operator=True)["signed_count"] == 2
    rehearsal_log = server.state(operator=True)["log_id"]

    open_section(page, "report")
    page.locator("#report-rehearsal").wait_for()  # figures from a rehearsal are marked as such
    page.wait_for_function("() => document.getElementById('fig-signed').textContent === '2'")

    # 6. Reset the rehearsal, then go live from an empty record.
    open_section(page, "rehearsal")
    assert page.inner_text("#run-rehearsal-label") == "重置彩排"
    page.click("#run-rehearsal")
    confirm(page)
    wait_until(lambda: server.state(operator=True)["log_id"] != rehearsal_log)
    state = server.state(operator=True)
    assert state["mode"] == "rehearsal" and state["signed_count"] == 0
    page.click("#run-live")
    confirm(page)
    wait_until(lambda: server.state(operator=True)["mode"] == "live")
    assert server.state(operator=True)["signed_count"] == 0
    page.locator('body[data-mode="live"]').wait_for()
    live_log = server.state(operator=True)["log_id"]
    # Newest first: this live run (the current one), the two rehearsals, the live run the test began in.
    page.locator(f'#runs-table tbody tr.is-current[data-run="{live_log}"]').wait_for()
    modes = page.locator("#runs-table tbody tr td:nth-child(2)").all_inner_texts()
    assert modes[:4] == ["正式", "彩排", "彩排", "正式"]

    # 7. Live: the console signs two projects (not the ones signed in the rehearsal).
    sign_on_console(console, server, expected[2])
    sign_on_console(console, server, expected[3])
    state = server.state(operator=True)
    assert state["signed_count"] == 2 and state["log_id"] == live_log

    # 8. The report: it matches the live state, and so do its downloads.
    open_section(page, "report")
    page.locator("#report-rehearsal").wait_for(state="hidden")
    caught_up(page, server)
    page.wait_for_function(
        "seq => document.getElementById('sec-report').dataset.seq === String(seq)", arg=state["seq"]
    )
    assert page.inner_text("#fig-signed") == "2"
    assert page.inner_text("#fig-total") == state["total_yi"] == "43"
    assert "2026年3月18日" in page.inner_text("#press-zh")
    assert "18 March 2026" in page.inner_text("#press-en")
    assert page.locator("#audit-table tbody tr").count() == 2
    status_of = {p["id"]: p["status"] for p in state["projects"]}
    name_of = {p["id"]: p["name"] for p in state["projects"]}

    data = json.loads(download(page, "#dl-json", tmp_path).read_text(encoding="utf-8"))
    assert data["totals"]["total_wan"] == state["total_wan"] == 430000
    assert data["totals"]["signed_count"] == state["signed_count"]
    assert {p["id"]: p["status"] for p in data["projects"]} == status_of
    assert data["run"]["mode"] == "live" and data["run"]["id"] == live_log
    # Only the live run's commands: the two signings, none of the rehearsal's.
    assert [(a["action"], a["project"], a["outcome"]) for a in data["audit"]] == [
        ("confirm", name_of[expected[2]], "ok"),
        ("confirm", name_of[expected[3]], "ok"),
    ]

    text = download(page, "#dl-csv", tmp_path).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    projects = rows[1 : 1 + len(state["projects"])]
    status_zh = {"pending": "待签约", "announced": "已宣布", "signed": "已签约"}
    assert {r[header.index("项目名称")]: r[header.index("状态")] for r in projects} == {
        name_of[pid]: status_zh[s] for pid, s in status_of.items()
    }
    summary = {r[0]: r[1] for r in rows if len(r) >= 2}
    assert summary["签约总额（万元）"] == str(state["total_wan"])
    assert summary["已签约项目"] == str(state["signed_count"])
    assert summary["模式"] == "正式"
    audit_start = next(i for i, r in enumerate(rows) if r[:2] == ["时间", "设备"])
    assert len([r for r in rows[audit_start + 1 :] if r]) == 2

    saved = download(page, "#dl-xlsx", tmp_path)
    assert saved.name == "ceremony-2026-03-18.xlsx"
    book = load_workbook(saved)
    sheet = book["项目"]
    cols = [c.value for c in sheet[1]]
    got = {
        r[cols.index("项目名称")]: r[cols.index("状态")] for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert got == {name_of[pid]: status_zh[s] for pid, s in status_of.items()}
    totals = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert totals["签约总额（万元）"] == state["total_wan"] and totals["已签约项目"] == state["signed_count"]
    assert book["审计日志"].max_row == 1 + 2
    console_context.close()


# ---------------------------------------------------------------------------------------------------------
# Live edits
# ---------------------------------------------------------------------------------------------------------


def test_editing_the_project_on_the_wall_reaches_the_state_and_the_big_screen(live_server, admin):
    page, server = admin, live_server
    server.command("confirm", project_id=P(server, 1))
    server.command("announce", project_id=P(server, 2))
    wall = page.context.browser.new_page(viewport={"width": 960, "height": 540})
    try:
        wall.goto(server.url + "/display?name=test")
        wall.wait_for_function("() => document.body.innerText.includes('北科株洲生命科学城项目')")

        open_section(page, "projects")
        caught_up(page, server)
        # The live run has its first signing: the running order is locked until the editor unlocks it.
        bar = page.locator("#lock-bar")
        bar.filter(has_text="项目与金额已锁定").wait_for()
        page.click("#lock-toggle")
        page.wait_for_selector("#confirm-dialog[open]")
        page.click("#confirm-ok")
        bar.filter(has_text="已由编辑者解锁").wait_for()
        assert page.locator("#lock-toggle").inner_text() == "重新锁定"
        row = page.locator(f'.prow[data-id="{P(server, 2)}"]')
        assert row.locator(".chip").inner_text() == "已宣布"
        signed = page.locator(f'.prow[data-id="{P(server, 1)}"]')
        assert signed.locator(".chip").inner_text() == "已签约"
        # A signed project cannot be deleted: the button says why instead.
        delete = signed.locator('[data-action="delete"]')
        assert delete.get_attribute("aria-disabled") == "true"
        assert "已签约的项目不能删除" in delete.get_attribute("title")
        delete.click(force=True)  # aria-disabled: a tap still explains
        page.locator(".toast").filter(has_text="已签约的项目不能删除").wait_for()
        assert page.locator("#confirm-dialog[open]").count() == 0

        row.locator('[data-action="edit"]').click()
        page.wait_for_selector("#project-dialog[open]")
        assert "正在大屏上显示" in page.inner_text("#project-dialog-live")
        assert page.input_value('#project-form [name="amount"]') == "30"
        page.fill('#project-form [name="name"]', "北科生命科学城（一期）")
        page.fill('#project-form [name="amount"]', "30.5")
        page.click("#project-save")
        page.wait_for_selector("#project-dialog", state="hidden")
        wait_until(lambda: server.state(operator=True)["projects"][1]["name"] == "北科生命科学城（一期）")
        p2 = server.state(operator=True)["projects"][1]
        assert (p2["amount_yi"], p2["amount_wan"], p2["status"]) == ("30.5", 305000, "announced")
        wall.wait_for_function("() => document.body.innerText.includes('北科生命科学城（一期）')")
        row.locator(".p-name").filter(has_text="北科生命科学城（一期）").wait_for()

        # And the other way round: a change made elsewhere shows here without a reload.
        server.editor().put(
            f"{server.url}/api/v1/projects/{P(server, 3)}",
            json={"name": "石三门数创蔬菜工厂（改）", "investor": "石三门", "amount_yi": "5"},
            timeout=10,
        ).raise_for_status()
        page.locator(f'.prow[data-id="{P(server, 3)}"] .p-name').filter(
            has_text="石三门数创蔬菜工厂（改）"
        ).wait_for()

        # Adding and deleting a project (the delete asks first).
        page.click("#project-add")
        page.wait_for_selector("#project-dialog[open]")
        page.fill('#project-form [name="name"]', "临时追加项目")
        page.fill('#project-form [name="investor"]', "追加企业")
        page.select_option('#project-form [name="amount_unit"]', "wan")
        page.fill('#project-form [name="amount"]', "8000")
        page.click("#project-save")
        wait_until(lambda: server.state(operator=True)["project_count"] == 8)
        added = server.state(operator=True)["projects"][-1]
        assert (added["name"], added["amount_yi"]) == ("临时追加项目", "0.8")
        page.locator(f'.prow[data-id="{added["id"]}"] [data-action="delete"]').click()
        page.wait_for_selector("#confirm-dialog[open]")
        assert "临时追加项目" in page.inner_text("#confirm-title")
        page.click("#confirm-cancel")
        assert server.state(operator=True)["project_count"] == 8
        page.locator(f'.prow[data-id="{added["id"]}"] [data-action="delete"]').click()
        confirm(page)
        wait_until(lambda: server.state(operator=True)["project_count"] == 7)

        # Two quick taps on ↓: both count (the second waits for the first to be saved).
        before = [p["id"] for p in server.state(operator=True)["projects"]]
        page.click(f'.prow[data-id="{P(server, 4)}"] [data-action="down"]')
        page.click(f'.prow[data-id="{P(server, 4)}"] [data-action="down"]')
        fourth = P(server, 4)
        after = [p for p in before if p != fourth]
        after.insert(before.index(fourth) + 2, fourth)
        wait_until(
            lambda: [p["id"] for p in server.state(operator=True)["projects"]] == after, message="two moves"
        )
        page.wait_for_function(
            "ids => [...document.querySelectorAll('#plist .prow')].map(r => r.dataset.id).join() === ids",
            arg=",".join(after),
        )
    finally:
        wall.close()


def test_leaving_a_live_run_with_commands_needs_the_word_typed(live_server, admin):
    page, server = admin, live_server
    server.command("confirm", project_id=P(server, 1))
    caught_up(page, server)
    open_section(page, "rehearsal")
    assert page.inner_text("#run-mode-value") == "正式"
    page.click("#run-rehearsal")
    page.wait_for_selector("#confirm-dialog[open]")
    page.locator("#confirm-type-wrap").wait_for()
    assert page.locator("#confirm-ok").is_disabled()
    page.fill("#confirm-type", "重")
    assert page.locator("#confirm-ok").is_disabled()
    page.press("#confirm-type", "Enter")  # not yet: the dialog stays
    page.wait_for_timeout(200)
    assert page.locator("#confirm-dialog[open]").count() == 1
    page.click("#confirm-cancel")
    page.wait_for_timeout(300)
    assert server.state(operator=True)["mode"] == "live" and server.state(operator=True)["signed_count"] == 1

    page.click("#run-rehearsal")
    page.wait_for_selector("#confirm-dialog[open]")
    page.fill("#confirm-type", "重置")
    page.press("#confirm-type", "Enter")
    wait_until(lambda: server.state(operator=True)["mode"] == "rehearsal")
    assert server.state(operator=True)["signed_count"] == 0
    page.locator('body[data-mode="rehearsal"]').wait_for()


def test_a_card_is_edited_and_its_address_rotated_only_after_a_warning(live_server, admin):
    page, server = admin, live_server
    auth = {"Authorization": f"Bearer {server.api_token}"}

    def card():
        return requests.get(
            f"{server.url}/api/v1/projects/{P(server, 2)}/card", headers=auth, timeout=10
        ).json()

    before = card()
    open_section(page, "cards")
    page.click(f'.card-item[data-id="{P(server, 2)}"]')
    page.wait_for_function(
        "url => document.getElementById('card-url').value === url", arg=before["url"], timeout=10000
    )
    # The server in the tests serves 127.0.0.1: phones could not open that, and the page says so.
    assert "KIOSK_PUBLIC_URL" in page.inner_text("#card-warning")
    page.fill('#card-form [name="contact_title"]', "招商合作局 项目专员")
    page.uncheck("#services-default")
    page.fill("#services-input", "人才公寓")
    page.keyboard.press("Enter")
    page.click("#card-save")
    page.locator(".toast").filter(has_text="服务卡已保存").wait_for()
    saved = card()
    assert saved["contact_title"] == "招商合作局 项目专员"
    assert saved["services_are_default"] is False and saved["services"][-1] == "人才公寓"

    page.click("#card-rotate")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "已打印" in page.inner_text("#confirm-text")
    page.click("#confirm-cancel")
    assert card()["url"] == before["url"]
    page.click("#card-rotate")
    confirm(page)
    wait_until(lambda: card()["url"] != before["url"])
    new = card()
    page.wait_for_function("url => document.getElementById('card-url').value === url", arg=new["url"])
    assert requests.get(before["url"], timeout=10).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Data is text
# ---------------------------------------------------------------------------------------------------------

EVIL_1 = "<img src=x onerror=window.__xss=1>"
EVIL_2 = "</script><script>window.__xss=2</script>"


def test_imported_markup_stays_text_in_every_section(live_server, admin, tmp_path):
    page, server = admin, live_server
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    rows = [
        [1, EVIL_1, "<b>公司</b>", 1, None, "<i>产业</i>", None, "<u>专员</u>", "0731-28800001", None],
        [2, EVIL_2, '"><svg onload=window.__xss=3>', 2, None, None, None, None, None, None],
    ]
    open_section(page, "import")
    page.set_input_files("#import-file", str(xlsx_file(tmp_path / "evil.xlsx", rows)))
    page.locator(".import-summary.is-ok").wait_for()
    names = page.locator('#preview-table td[data-key="name"]').all_inner_texts()
    assert names == [EVIL_1, EVIL_2]
    page.click("#import-apply")  # appended: the running order keeps the sample's seven
    wait_until(lambda: server.state(operator=True)["project_count"] == 9)
    evil_ids = [p["id"] for p in server.state(operator=True)["projects"] if p["name"] in (EVIL_1, EVIL_2)]
    assert len(evil_ids) == 2
    server.editor().put(
        f"{server.url}/api/v1/event",
        json={"title": "<img src=x onerror=window.__xss=4>"},
        timeout=10,
    ).raise_for_status()
    server.command("confirm", project_id=evil_ids[0])
    caught_up(page, server)

    for name in SECTIONS:
        open_section(page, name)
        page.wait_for_timeout(400)
        assert page.evaluate("() => typeof window.__xss") == "undefined", name
    page.reload()
    page.wait_for_function("() => window.__kiosk?.admin && window.__kiosk?.admin.state() !== null")
    for name in SECTIONS:
        open_section(page, name)
        page.wait_for_timeout(300)
        assert page.evaluate("() => typeof window.__xss") == "undefined", name

    open_section(page, "projects")
    assert page.locator(f'.prow[data-id="{evil_ids[0]}"] .p-name').inner_text() == EVIL_1
    assert page.locator(f'.prow[data-id="{evil_ids[1]}"] .p-name').inner_text() == EVIL_2
    assert page.locator(f'.prow[data-id="{evil_ids[0]}"] .p-sub').inner_text() == "<b>公司</b>"
    open_section(page, "cards")
    page.locator(".card-item-name").filter(has_text=EVIL_2).wait_for()
    open_section(page, "report")
    page.locator("#report-projects td").filter(has_text=EVIL_1).first.wait_for()
    page.locator("#audit-table td").filter(has_text=EVIL_1).first.wait_for()
    assert page.inner_text("#event-title") == "<img src=x onerror=window.__xss=4>"
    assert page.locator("#content img[src='x'], #content svg, #content script, #content u").count() == 0
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert dialogs == []


# ---------------------------------------------------------------------------------------------------------
# Per-field errors
# ---------------------------------------------------------------------------------------------------------


def field_error(page, form: str, field: str) -> str:
    box = page.locator(f'{form} .field[data-field="{field}"]')
    assert "is-invalid" in (box.get_attribute("class") or ""), f"{field} is not marked"
    return box.locator(".field-error").inner_text()


def test_the_servers_field_errors_are_shown_next_to_each_field(live_server, admin):
    page, server = admin, live_server
    start = server.state(operator=True)["seq"]

    # A project: the import's rules, field by field.
    open_section(page, "projects")
    page.click("#project-add")
    page.wait_for_selector("#project-dialog[open]")
    page.fill('#project-form [name="investor"]', "某企业")
    page.fill('#project-form [name="amount"]', "12亿")
    page.fill('#project-form [name="land_mu"]', "-3")
    page.fill('#project-form [name="concierge_phone"]', "电话待定")
    page.click("#project-save")
    page.wait_for_selector('#project-form .field.is-invalid[data-field="name"]')
    assert field_error(page, "#project-form", "name") == "必填"
    assert field_error(page, "#project-form", "amount") == "只填数字，不要带单位或文字"
    assert field_error(page, "#project-form", "land_mu") == "必须是不小于 0 的数字"
    assert "不是有效的电话号码" in field_error(page, "#project-form", "concierge_phone")
    assert page.locator('#project-form .field[data-field="investor"].is-invalid').count() == 0
    assert page.inner_text("#project-message") == "请修改标红的项目后再保存"
    # Typing into a field clears its mark; the others stay.
    page.fill('#project-form [name="name"]', "新项目")
    assert page.locator('#project-form .field[data-field="name"].is-invalid').count() == 0
    assert page.locator('#project-form .field[data-field="amount"].is-invalid').count() == 1
    page.fill('#project-form [name="name"]', "的卢智慧汽车及关键零部件项目")  # taken
    page.fill('#project-form [name="amount"]', "12")
    page.fill('#project-form [name="land_mu"]', "")
    page.fill('#project-form [name="concierge_phone"]', "")
    page.click("#project-save")
    page.wait_for_selector('#project-form .field.is-invalid[data-field="name"]')
    assert field_error(page, "#project-form", "name") == "已有同名项目"
    page.click("#project-cancel")
    assert server.state(operator=True)["seq"] == start

    # The event: title required, dates and colours checked.
    open_section(page, "event")
    page.fill('#event-form [name="title"]', " ")
    page.fill('#event-form [name="primary_color"]', "#12")
    page.click("#event-save")
    page.wait_for_selector('#event-form .field.is-invalid[data-field="title"]')
    assert field_error(page, "#event-form", "title") == "必填"
    assert field_error(page, "#event-form", "primary_color") == "颜色格式为 #rrggbb"
    assert server.state(operator=True)["seq"] == start
    page.click("#event-revert")
    assert page.locator("#event-form .field.is-invalid").count() == 0

    # A card: e-mail and phone.
    open_section(page, "cards")
    page.wait_for_selector("#card-body:not([hidden])")
    page.fill('#card-form [name="contact_email"]', "not-an-address")
    page.fill('#card-form [name="contact_phone"]', "abc")
    page.click("#card-save")
    page.wait_for_selector('#card-form .field.is-invalid[data-field="contact_email"]')
    assert field_error(page, "#card-form", "contact_email") == "不是有效的电子邮箱"
    # the same sentence the project editor and the importer give for the same field
    assert field_error(page, "#card-form", "contact_phone").startswith("不是有效的电话号码（5–20 位数字")


def test_the_organiser_publishes_the_figures_in_advance_and_the_wall_has_them(live_server, admin):
    page, server = admin, live_server
    pending = server.state()["projects"][2]
    assert pending["amount_wan"] is None and pending["name"]
    open_section(page, "event")
    assert page.input_value('#event-form [name="publish_in_advance"]') == "false"
    page.select_option('#event-form [name="publish_in_advance"]', "true")
    page.click("#event-save")
    wait_until(lambda: server.state()["event"]["publish_in_advance"] is True)
    assert (
        server.state()["projects"][2]["amount_wan"]
        == server.state(operator=True)["projects"][2]["amount_wan"]
    )
    page.reload()
    page.wait_for_selector('body[data-conn="live"]')
    # (the socket may be up a moment before the state it brings has filled the form: a loaded run read
    # the form's blank default in between)
    page.wait_for_function("() => window.__kiosk?.admin.state()?.event.publish_in_advance === true")
    assert page.input_value('#event-form [name="publish_in_advance"]') == "true"


# ---------------------------------------------------------------------------------------------------------
# Pictures, signing out
# ---------------------------------------------------------------------------------------------------------


def test_logo_and_background_are_uploaded_shown_and_removed(live_server, admin, tmp_path):
    page, server = admin, live_server
    open_section(page, "event")
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 60), (245, 198, 107, 255)).save(logo)
    page.set_input_files('.media[data-kind="logo"] .media-file', str(logo))
    wait_until(lambda: server.state(operator=True)["event"]["logo_url"])
    page.wait_for_selector('.media[data-kind="logo"] .media-thumb img:not([hidden])')
    page.wait_for_selector("#wall-logo:not([hidden])")  # in the preview too
    assert page.get_attribute("#wall-logo", "src") == server.state(operator=True)["event"]["logo_url"]

    bogus = tmp_path / "background.png"
    bogus.write_bytes(b"<svg onload=alert(1)></svg>")
    page.set_input_files('.media[data-kind="background"] .media-file', str(bogus))
    page.locator('.media[data-kind="background"] .media-error').filter(
        has_text="无法识别的图片文件"
    ).wait_for()
    assert server.state(operator=True)["event"]["background_url"] is None

    page.click('.media[data-kind="logo"] .media-remove')
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-ok")
    wait_until(lambda: server.state(operator=True)["event"]["logo_url"] is None)
    page.wait_for_selector("#wall-logo[hidden]", state="attached")
    page.wait_for_selector('.media[data-kind="logo"] .media-remove[hidden]', state="attached")


def test_signing_out_every_device_returns_them_to_the_pin_pad(live_server_with, chromium):
    server = live_server_with(SPECS, EVENT)  # every device of the process: a server of its own
    page = open_admin(chromium, server)
    console = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        tablet = console.new_page()
        log_in(tablet, server.url)  # another device, with its own session
        page.click("#account-btn")
        page.wait_for_selector("#account-dialog[open]")
        page.click("#sign-out-all")
        page.wait_for_selector("#confirm-dialog[open]")
        assert "所有控制台" in page.inner_text("#confirm-text")
        page.click("#confirm-ok")
        page.wait_for_selector("#pinpad", timeout=10000)
        tablet.wait_for_selector("#pinpad", timeout=15000)  # the other device notices by itself
        cookies = {c["name"]: c["value"] for c in console.cookies()}
        assert (
            requests.get(server.url + "/api/v1/session", cookies=cookies, timeout=5).json()["operator"]
            is False
        )
        assert page.errors == [], page.errors
    finally:
        console.close()
        page.context.close()


def test_a_workbooks_agenda_is_previewed_cue_by_cue_and_imported_with_its_projects(
    live_server, admin, tmp_path
):
    """Reported: the admin's 导入 ignored the workbook's 流程 sheet (the command line loads both): the old
    agenda stayed, its rounds cut to the new running order's numbers, with no warning."""
    page, server = admin, live_server
    with server.editor() as web:
        old = [
            {"kind": "opening", "title": "旧的开场"},
            {"kind": "speech", "title": "旧的致辞", "person": "旧人物"},
            {"kind": "signing", "title": "旧的第一轮", "projects": "1、2、3"},
            {"kind": "signing", "title": "旧的第二轮", "projects": "4、5"},
            {"kind": "signing", "title": "旧的第三轮", "projects": "6、7"},
            {"kind": "closing", "title": "旧的结束"},
        ]
        assert web.put(server.url + "/api/v1/agenda", json={"cues": old}, timeout=5).status_code == 200
    path = tmp_path / "签约项目与流程.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(HEADER)
    for row in NEW_PROJECTS:
        ws.append(row)
    agenda = wb.create_sheet("流程")
    agenda.append(["序号", "环节", "标题", "人物", "项目", "计划时间"])
    agenda.append([1, "开场", "签约仪式开始", "", "", "09:30"])
    agenda.append([2, "致辞", "区长致辞", "王区长", "", "09:35"])
    agenda.append([3, "签约", "第一轮签约", "", "1、2", "09:45"])
    agenda.append([4, "签约", "第二轮签约", "", "3、4", "09:50"])
    agenda.append([5, "结束", "结束", "", "", "10:00"])
    wb.save(path)

    open_section(page, "import")
    agenda.cell(row=5, column=5).value = "3、4、9"  # a project the running order will not have
    wb.save(path)
    page.set_input_files("#import-file", str(path))
    page.locator(".import-summary.is-ok").wait_for()  # appended after the seven, there is a project 9
    page.check("#import-replace")
    page.locator(".import-summary.is-bad").wait_for()
    page.locator("#import-agenda-problems li").filter(
        has_text="第 5 行“项目”：签约顺序里没有序号为 9"
    ).wait_for()
    assert page.locator("#import-apply").is_disabled()
    assert server.state(operator=True)["project_count"] == 7

    agenda.cell(row=5, column=5).value = "3、4"
    wb.save(path)
    page.set_input_files("#import-file", str(path))
    page.locator(".import-summary.is-ok").wait_for()
    page.locator("#import-agenda:not([hidden])").wait_for()
    # Appended after the seven, the sheet's numbers 1–4 name the projects already there: the preview says so.
    assert NAMES[0] in page.inner_text("#import-cues")
    page.check("#import-replace")
    cues = page.locator("#import-cues .import-cue")
    wait_until(lambda: "高端轴承产业园项目" in page.inner_text("#import-cues"))
    assert cues.count() == 5
    assert "替换现有流程（6 个环节）" in page.inner_text("#import-agenda-note")
    assert "第二轮签约" in cues.nth(3).inner_text() and "数字经济产业园项目" in cues.nth(3).inner_text()
    assert cues.nth(0).get_attribute("data-change") == "changed"
    assert "旧的结束" in page.inner_text("#import-agenda-removed")
    page.click("#import-apply")
    confirm(page)
    wait_until(lambda: server.state(operator=True)["project_count"] == 4)
    state = server.state(operator=True)
    assert [c["title"] for c in state["run_of_show"]["cues"]] == [
        "签约仪式开始",
        "区长致辞",
        "第一轮签约",
        "第二轮签约",
        "结束",
    ]
    ids = [p["id"] for p in state["projects"]]
    assert [c["project_ids"] for c in state["run_of_show"]["cues"] if c["kind"] == "signing"] == [
        ids[:2],
        ids[2:],
    ]
    page.wait_for_selector("#sec-projects:not([hidden])")
    open_section(page, "agenda")
    assert page.locator("#alist .arow").count() == 5
    assert (
        page.locator('#alist [data-field="projects"]').first.get_attribute("placeholder") == "例如：1、2、3"
    )
    assert "README" not in page.inner_text("#sec-agenda")
    assert "主持词" in page.inner_text("#agenda-guide")
