"""The whole morning, played as an organiser and an operator who never read the code would play it (issue 26):
a workbook with four projects and an agenda imported through the admin, the pads made there, a rehearsal,
then live: GO through every cue, the pads signing, the rounds confirmed with the console's hold, an
announce out of order, a round undone, a note to the MC, the safe look on and off, the language switched
to English mid-show, and the report downloaded at the end.

The console, a paired wall, /stage, /overlay and /live stay open throughout. After every step ``Checker``
reads the server's state (the operator's, the public, the MC's and the live views, and the wall's ``seen``
as the server records it) and what each page draws, and notes every disagreement, naming the step, the page
and both sides; the test fails at the end if there is any. A screen that says something untrue in front of
the room is the failure this test exists for, so it compares words and figures, not only seqs.
"""

from __future__ import annotations

import contextlib
import queue
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
from harness import PIN, hold, log_in, pair_page, pause_clock, wait_until
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOLD_MS = 900  # the console's confirm is held 0.8 s
REST_MS = 1700  # the console rests 1.5 s after a command, and takes no second GO within a second
WAIT_MS = 10_000  # the longest any page may take to draw a change

HOST = "周建光"
# Four projects with long real names and their amounts in 万元, as an organiser types them (the import
# format has no English forms of names: in English the wall shows the Chinese ones).
PROJECTS = [
    (
        "株洲高新区新能源汽车关键零部件及智能驾驶系统研发生产基地项目",
        "湖南湘江智能网联汽车科技有限公司",
        520000,
        "800",
        "新能源汽车",
        "张英",
    ),
    (
        "北科生命科学城干细胞与精准医疗产业化项目",
        "深圳市北科生物科技有限公司",
        300000,
        "600",
        "生物医药",
        "包磊",
    ),
    (
        "石三门数字农业蔬菜工厂及冷链物流中心项目",
        "湖南石三门现代农业发展有限公司",
        48500,
        "120",
        "现代农业",
        "曹政文",
    ),
    (
        "万洋众创城智能制造与数字经济产业园项目",
        "万洋众创城投资集团有限公司",
        1000000,
        "2630",
        "新材料",
        "吴建明",
    ),
]
AGENDA = [
    (
        "开场",
        "签约仪式开始",
        "",
        "",
        "",
        "09:30",
        5,
        "尊敬的各位领导、各位嘉宾：大家上午好！现在，我宣布签约仪式正式开始！",
    ),
    ("致辞", "高新区党工委书记致辞", HOST, "高新区党工委书记", "", "09:35", 8, "有请周建光书记致辞。"),
    ("签约", "第一轮签约", "", "", "1、2", "09:43", 6, "首先进行第一轮签约。有请签约双方代表上台。"),
    ("签约", "第二轮签约", "", "", "3", "09:49", 4, "下面进行第二轮签约。"),
    ("签约", "第三轮签约", "", "", "4", "09:53", 4, "下面进行压轴签约。"),
    ("授钥匙", "授予项目专属服务金钥匙", "", "", "1、2、3、4", "09:57", 5, "有请领导授予金钥匙。"),
    ("结束", "签约仪式结束", "", "", "", "10:02", 2, "签约仪式到此圆满结束。"),
]
TITLE = "株洲高新区（天元区）2026年第四季度重大招商签约活动"

# The wall's pictures that show the projects of a spotlight: one project, a round together, or their 签约图.
SPOTLIGHT = {"spotlight", "round", "signing"}


def family(screen: str | None) -> str | None:
    """A picture's kind: the spotlight's several forms are one, and the safe look is the title."""
    if screen in SPOTLIGHT:
        return "spotlight"
    return "title" if screen == "safe" else screen


def flat(text: str | None) -> str:
    """Text as read: whitespace collapsed, the soft breaks a fitted name carries removed."""
    return " ".join((text or "").replace("\u200b", "").replace("\u00ad", "").split())


def workbook(path: Path) -> Path:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "签约项目"
    sheet.append(
        [
            "序号",
            "项目名称",
            "签约企业",
            "投资额（万元）",
            "用地（亩）",
            "产业类别",
            "签约代表",
            "服务专员",
            "专员电话",
        ]
    )
    for i, (name, investor, wan, mu, industry, who) in enumerate(PROJECTS, 1):
        sheet.append([i, name, investor, wan, mu, industry, who, f"专员{i}", f"0731-2880000{i}"])
    agenda = wb.create_sheet("流程")
    agenda.append(["序号", "环节", "标题", "人物", "职务", "项目", "计划时间", "时长", "主持词"])
    for i, row in enumerate(AGENDA, 1):
        agenda.append([i, *row])
    wb.save(path)
    return path


# -- what each page draws ------------------------------------------------------------------------------

WALL_JS = """() => {
  const k = window.__kiosk?.display;
  const active = document.querySelector('#screens .screen.is-active');
  const cap = document.getElementById('caption');
  const band = document.getElementById('band');
  const total = document.getElementById('total-value');
  const shown = (n) => !!n && n.offsetWidth > 0 && n.offsetHeight > 0 &&
    getComputedStyle(n).visibility !== 'hidden' && getComputedStyle(n).display !== 'none';
  return {
    seq: k ? k.seq : null, screen: k ? k.screen : null, layout: k ? k.layout : null,
    text: (active ? active.textContent : '') + ' ' +
      (active ? [...active.querySelectorAll('img[alt]')].map(i => i.alt).join(' ') : ''),
    // A golden key's QR code is shown once its picture has arrived (until then its box waits, empty).
    qr: active ? [...active.querySelectorAll('.gk-qr img, .lobby-qr img')]
      .filter(i => shown(i) && i.complete && i.naturalWidth > 0).length : 0,
    pending: active ? active.querySelectorAll('.img-pending, [data-animating]').length : 0,
    signed: active ? active.querySelectorAll('.spot.is-signed, .round-card.is-signed').length : 0,
    places: Object.fromEntries([...(active ? active.querySelectorAll('.cert-place[data-pad]') : [])]
      .map(n => [n.getAttribute('data-pad'), n.getAttribute('data-state')])),
    count: document.getElementById('band-count').textContent,
    caption: cap && cap.classList.contains('on') ? cap.querySelector('.caption-name').textContent : null,
    band: shown(band),
    total: (document.getElementById('total-prefix').hidden ? '' :
      document.getElementById('total-prefix').textContent + ' ') + total.textContent,
    unit: document.getElementById('total-unit').textContent,
    animating: total.hasAttribute('data-animating'),
  };
}"""

CONSOLE_JS = """() => {
  const $ = (id) => document.getElementById(id);
  const s = window.__kiosk.console.state();
  const rows = {};
  for (const li of document.querySelectorAll('#rows .row[data-id]')) {
    rows[li.getAttribute('data-id')] = li.querySelector('.chip').textContent;
  }
  return {
    seq: s ? s.seq : null, running: $('go-now-title').textContent,
    label: $('onair-screen').textContent, title: $('onair-project').textContent,
    confirmed: $('onair').getAttribute('data-confirmed'),
    note: $('onair-note').textContent, progress: $('progress').textContent, rows,
    mc: $('note-up').hidden ? null : $('note-up-text').textContent,
    go: $('go-line').textContent, undo: $('undo-sub').textContent,
    unready: $('btn-confirm').classList.contains('is-unready'),
    hold: $('btn-confirm').querySelector('.cmd-sub').textContent,
    // The red program monitor: the wall's own page, drawing what the wall draws.
    pgm: (() => {
      const w = $('pgm-frame').contentWindow;
      const k = w && w.__kiosk && w.__kiosk.display;
      const active = w && w.document.querySelector('#screens .screen.is-active');
      return k ? {seq: k.seq, screen: k.screen, text: active ? active.textContent : ''} : null;
    })(),
    cues: Object.fromEntries([...document.querySelectorAll('#cues .cue[data-id]')]
      .map(li => [li.getAttribute('data-id'), li.getAttribute('data-place')])),
    rehearsal: document.body.classList.contains('is-rehearsal'),
  };
}"""

STAGE_JS = """() => {
  const $ = (id) => document.getElementById(id);
  const k = window.__kiosk?.stage || {};
  return {
    seq: k.seq, current: k.current, standby: k.standby, reading: k.reading, lang: k.lang,
    title: $('cue-title').textContent,
    figure: $('figure').hidden ? '' : $('figure-text').textContent,
    names: [...document.querySelectorAll('#names .name')].map(n => n.firstChild ? n.firstChild.textContent : ''),
    note: $('note').hidden ? null : $('note-text').textContent,
    panic: !$('panic').hidden, wall: $('wall').textContent,
    next: $('next-title').textContent, progress: $('progress').textContent,
  };
}"""

OVERLAY_JS = """() => {
  const $ = (id) => document.getElementById(id);
  const root = $('overlay');
  const k = window.__kiosk?.overlay || {};
  return {
    seq: k.seq, screen: root.getAttribute('data-screen'), up: root.classList.contains('has-project'),
    name: $('lt-name').textContent, sub: $('lt-sub').textContent,
    total: $('bug-prefix').textContent + $('bug-number').textContent, unit: $('bug-unit').textContent,
  };
}"""

LIVE_JS = """() => {
  const $ = (id) => document.getElementById(id);
  const k = window.__kiosk?.live || {};
  return {
    version: k.version, now: k.now || [],
    total: $('total-prefix').textContent + $('total-value').textContent, unit: $('total-unit').textContent,
    names: [...document.querySelectorAll('#now-body .card-name')].map(n => n.textContent),
    roll: document.querySelectorAll('#roll .roll-item').length,
  };
}"""


class Seen:
    """The walls as the server records them (each one's ``seen``): what the operators' room hears."""

    def __init__(self, url: str, token: str):
        self.latest: list[dict] = []
        self.heard: queue.Queue = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("displays", self._displays)
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def _displays(self, msg: dict) -> None:
        self.latest = msg.get("displays") or []
        self.heard.put(1)

    def wall(self, name: str) -> dict | None:
        return next((w for w in self.latest if w.get("name") == name), None)

    def close(self) -> None:
        self.client.disconnect()


class Pads:
    """The signing pads, each a socket as its tablet's page holds it (cheaper than a browser each)."""

    def __init__(self, server, listed: list[dict]):
        self.server = server
        self.by_project: dict[str, list] = {}
        self.clients = []
        for pad in listed:
            opened = requests.get(pad["url"], timeout=10)  # the tablet opens its link once: it keeps it
            assert opened.status_code == 200, opened.text[:200]
            cookie = "; ".join(f"{k}={v}" for k, v in opened.cookies.items())
            client = socketio.Client(reconnection=False)
            client.connect(
                server.url,
                auth={"role": "pad", "pad": pad["url"].rsplit("/", 1)[1]},
                headers={"Cookie": cookie},
                transports=["websocket"],
                wait_timeout=10,
            )
            self.clients.append(client)
            self.by_project.setdefault(pad["project_id"], []).append((pad, client))

    def sign(self, project_ids: list[str]) -> None:
        """Every pad of these projects signs and submits, as a signatory does with a finger."""
        for pid in project_ids:
            for pad, client in self.by_project[pid]:
                sig = "sig" + uuid.uuid4().hex[:16]
                answer = client.call(
                    "attempt", {"signature_id": sig, "width": 800, "height": 320}, timeout=10
                )
                assert answer == {"ok": True}, (pad["name"], answer)
                for b in (1, 2):
                    points = [[b - 1, 200 + 40 * i, 120 + 30 * (i % 3), 0.5, 20 * i] for i in range(10)]
                    batch = {"signature_id": sig, "batch": b, "points": points}
                    assert client.call("ink", batch, timeout=10)["ok"]
                submit = {"signature_id": sig, "batches": 2, "command_id": uuid.uuid4().hex}
                answer = client.call("submit", submit, timeout=10)
                assert answer.get("ok"), (pad["name"], answer)

    def close(self) -> None:
        for client in self.clients:
            client.disconnect()


class Checker:
    """After every step: the server's state against what every page draws. Each disagreement is noted
    with the step, the page and both sides; ``assert_none`` fails the test on any."""

    def __init__(self, server, pages: dict, seen: Seen, wall_name: str):
        self.server, self.pages, self.seen, self.wall_name = server, pages, seen, wall_name
        self.problems: list[str] = []
        self.steps: list[str] = []
        # (each step's seconds: the step itself, then its check)
        self.times: list[tuple[str, float, float, str]] = []
        self.mark = time.monotonic()
        self.drawn = ""  # what the wall drew at the last check, for the log of steps
        self.headers = {"Authorization": f"Bearer {server.api_token}"}
        from kiosk.words.catalogue import word
        from kiosk.words.views import SCREEN_LABELS

        self._word, self._labels = word, SCREEN_LABELS

    def get(self, path: str, **kw) -> dict:
        r = requests.get(self.server.url + path, timeout=10, **kw)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r.json()

    def differ(self, step: str, page: str, what: str, drawn, server) -> None:
        self.problems.append(f"[{step}] {page}: {what}: the page draws {drawn!r}, the server says {server!r}")

    def settled(self, page, js: str, ready, timeout: float = WAIT_MS, reached=None) -> dict:
        """What ``page`` draws once ``ready(drawn)`` holds (bounded: a page that never gets there is
        itself a disagreement, reported with what it drew last). With ``reached``, the first drawing that
        satisfied it is kept as ``self.first`` (what the room saw at once)."""
        deadline = time.monotonic() + timeout / 1000
        self.first = None
        while True:
            try:
                drawn = page.evaluate(js)
            except PlaywrightError:
                # (a page reloading itself: /live does when the event's language changes)
                if time.monotonic() > deadline:
                    raise
                page.wait_for_timeout(100)
                continue
            if reached is not None and self.first is None and reached(drawn):
                self.first = drawn
            if ready(drawn) or time.monotonic() > deadline:
                return drawn
            page.wait_for_timeout(50)

    def __call__(self, step: str) -> None:
        self.steps.append(step)
        began = time.monotonic()
        self.compare(step)
        self.times.append((step, began - self.mark, time.monotonic() - began, self.drawn))
        self.mark = time.monotonic()

    def compare(self, step: str) -> None:
        op = self.get("/api/v1/state", headers=self.headers)
        # Nothing may move while the pages are read: every step's command has landed before the check.
        seq = op["seq"]
        public = self.get("/api/v1/state")
        stage_view = self.get("/api/v1/state?view=stage", headers=self.headers)
        lang = op["lang"]
        for name, view in (("public view", public), ("stage view", stage_view)):
            if view["seq"] != seq:
                self.differ(step, "server", f"the {name}'s seq", view["seq"], seq)
            if view["total"]["text"] != op["total"]["text"]:
                self.differ(step, "server", f"the {name}'s total", view["total"]["text"], op["total"]["text"])
        names = {p["id"]: p["name"] for p in op["projects"]}
        wall_view = op["wall"]
        wall_ids = wall_view["project_ids"]
        wall = self.check_wall(step, op, seq, names)
        self.drawn = f"wall {wall['screen']} · seq {seq}"
        self.check_seen(step, seq, wall, names)
        self.check_console(step, op, seq, wall, lang)
        self.check_stage(step, op, stage_view, seq, wall, lang)
        self.check_overlay(step, public, seq, names)
        self.check_live(step, op, wall_ids, names)

    # -- the wall --------------------------------------------------------------------------------------

    def check_wall(self, step: str, op: dict, seq: int, names: dict) -> dict:
        page = self.pages["wall"]
        total = op["total"]
        expected_total = (total.get("prefix") + " " if total.get("prefix") else "") + total["value"]

        def ready(d):
            done = d["seq"] == seq and not d["animating"] and not d["pending"]
            return done and (not d["band"] or (d["total"] == expected_total and d["unit"] == total["unit"]))

        d = self.settled(page, WALL_JS, ready, reached=lambda d: d["seq"] == seq)
        if d["seq"] != seq:
            self.differ(step, "wall", "seq drawn", d["seq"], seq)
            return d
        # A total only climbs: an undo sets the lower one at once, never counting down in front of the
        # room (issue 26 item 5).
        if (op["last"] or {}).get("action") == "undo" and self.first and self.first["animating"]:
            self.differ(step, "wall", "the total after an undo", "counting", total["text"])
        want = op["wall"]["screen"]
        if family(d["screen"]) != want:
            self.differ(step, "wall", "screen", d["screen"], want)
        text = flat(d["text"])
        for pid in op["wall"]["project_ids"]:
            if flat(names[pid]) not in text:
                self.differ(step, "wall", "a project on it", text[:200], names[pid])
        if want == "title" and flat(op["event"]["title"]) not in text:
            self.differ(step, "wall", "the title", text[:200], op["event"]["title"])
        if want == "finale" and flat(total["value"]) not in text:
            self.differ(step, "wall", "the finale's total", text[:200], total["text"])
        if want == "keys":
            signed = [
                p for p in op["projects"] if p["id"] in op["wall"]["project_ids"] and p["status"] == "signed"
            ]
            if d["qr"] != len(signed):
                self.differ(step, "wall", "golden-key QR codes shown", d["qr"], len(signed))
        shown = {p["id"]: p for p in op["projects"] if p["id"] in op["wall"]["project_ids"]}
        if d["screen"] in ("spotlight", "round"):
            for p in shown.values():
                if flat(p["amount"]["value"]) not in text:
                    self.differ(step, "wall", f"{p['name']}'s figure", text[:200], p["amount"]["text"])
            signed = sum(1 for p in shown.values() if p["status"] == "signed")
            if d["signed"] != signed:
                self.differ(step, "wall", "projects sealed as signed", d["signed"], signed)
        if d["screen"] == "signing":
            places = {
                pl["pad_id"]: pl["state"] for cert in op["signing"]["certificates"] for pl in cert["places"]
            }
            # (an armed place whose ink is arriving is drawn as being signed: the wall sees the strokes)
            drawn = {
                k: ("armed" if v == "signing" and places.get(k) == "armed" else v)
                for k, v in d["places"].items()
            }
            if drawn != places:
                self.differ(step, "wall", "the pads' places on the 签约图", d["places"], places)
        if d["band"] and not (
            str(op["signed_count"]) in d["count"] and str(op["project_count"]) in d["count"]
        ):
            self.differ(step, "wall", "the count of signed projects", d["count"], op["signed_text"])
        if d["band"] and (d["total"], d["unit"]) != (expected_total, total["unit"]):
            self.differ(step, "wall", "the total", d["total"] + d["unit"], total["text"])
        lower = op["cue"]["lower_third"]
        if (d["caption"] or None) != (lower["name"] if lower else None):
            self.differ(step, "wall", "the speaker's lower third", d["caption"], lower and lower["name"])
        return d

    def check_seen(self, step: str, seq: int, wall: dict, names: dict) -> None:
        """The wall's report as the server keeps it: the seq and layout it drew and, where it reports
        them, its picture, the projects on it and the QR codes that arrived: what the console's words about
        the wall are made from."""

        def agrees(entry) -> bool:
            drawn = entry.get("drawn") if entry else None
            return (
                entry is not None
                and entry.get("seq") == seq
                and (not drawn or len(drawn.get("qr") or []) == wall["qr"])
            )

        deadline = time.monotonic() + WAIT_MS / 1000
        entry = self.seen.wall(self.wall_name)
        while not agrees(entry) and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self.seen.heard.get(timeout=0.2)
            entry = self.seen.wall(self.wall_name)
        if entry is None:
            self.differ(step, "wall's seen", "listed as a paired wall", None, self.wall_name)
            return
        if entry.get("seq") != seq:
            self.differ(step, "wall's seen", "seq reported", entry.get("seq"), seq)
        if entry.get("drawn_layout") != wall["layout"]:
            self.differ(step, "wall's seen", "layout reported", entry.get("drawn_layout"), wall["layout"])
        drawn = entry.get("drawn") or {}
        if "screen" in drawn and family(drawn["screen"]) != family(wall["screen"]):
            self.differ(step, "wall's seen", "picture reported", drawn["screen"], wall["screen"])
        for pid in drawn.get("project_ids") or []:
            if flat(names.get(pid)) not in flat(wall["text"]):
                self.differ(
                    step, "wall's seen", "a project reported on it", names.get(pid), flat(wall["text"])[:120]
                )
        if "qr" in drawn and len(drawn["qr"]) != wall["qr"]:
            self.differ(step, "wall's seen", "QR codes reported", len(drawn["qr"]), wall["qr"])

    # -- the console -----------------------------------------------------------------------------------

    def screen_named(self, label: str, lang: str) -> str | None:
        """The screen whose word ``label`` is (None: a word that names no screen)."""
        return next((k for k, v in self._labels.items() if self._word(v, lang) == flat(label)), None)

    def check_console(self, step: str, op: dict, seq: int, wall: dict, lang: str) -> None:
        page = self.pages["console"]
        d = self.settled(
            page,
            CONSOLE_JS,
            # (the on-air line is confirmed once the wall's report of this seq has come back to the console)
            lambda d: d["seq"] == seq and (d["pgm"] or {}).get("seq") == seq and d["confirmed"] != "false",
        )
        if d["seq"] != seq:
            self.differ(step, "console", "seq", d["seq"], seq)
            return
        ros = op["run_of_show"]
        running = ros["current"]["title"] if ros["current"] else None
        if running is not None and flat(d["running"]) != flat(running):
            self.differ(step, "console", "the running cue", d["running"], running)
        if running is None and d["running"] in {c["title"] for c in op["cues"]}:
            self.differ(step, "console", "the running cue", d["running"], None)
        want_progress = op["console"]["progress"] + op["console"]["planned"]
        if flat(d["progress"]) != flat(want_progress):
            self.differ(step, "console", "the progress line", d["progress"], want_progress)
        for p in op["projects"]:
            if d["rows"].get(p["id"]) != p["status_text"]:
                self.differ(
                    step, "console", f"row {p['order']}'s status", d["rows"].get(p["id"]), p["status_text"]
                )
        if flat(d["go"]) != flat(ros["go"]["line"]):
            self.differ(step, "console", "what GO does next", d["go"], ros["go"]["line"])
        places = {c["id"]: c["place"] for c in ros["cues"]}
        if d["cues"] != places:
            self.differ(step, "console", "the agenda's places", d["cues"], places)
        undo = op["console"]["undo"]
        pgm = d["pgm"] or {}
        if pgm.get("seq") != seq or family(pgm.get("screen")) != family(wall["screen"]):
            self.differ(
                step,
                "console (program monitor)",
                "the picture",
                pgm,
                f"the wall draws {wall['screen']} at {seq}",
            )
        for pid in op["wall"]["project_ids"]:
            name = next(p["name"] for p in op["projects"] if p["id"] == pid)
            if wall["screen"] != "keys" and flat(name) not in flat(pgm.get("text")):
                self.differ(
                    step,
                    "console (program monitor)",
                    "a project on the wall",
                    flat(pgm.get("text"))[:120],
                    name,
                )
        # The hold says what it waits for before the press, and looks it (issue 26 item 9).
        wait = ros["round"]["confirm_wait"] if ros["round"] else None
        if ros["round"] and (d["unready"] != bool(wait) or (wait and flat(d["hold"]) != flat(wait["text"]))):
            self.differ(step, "console", "the confirm's readiness", (d["unready"], d["hold"]), wait)
        by_id = {p["id"]: p["name"] for p in op["projects"]}
        # Every project the undo would take back, named (issue 26 item 5: a round's undo named one of two).
        if undo and not all(flat(by_id[pid]) in flat(d["undo"]) for pid in undo["project_ids"]):
            self.differ(step, "console", "what undo takes back", d["undo"], undo["name"])
        note = ros["note"]["text"] if ros["note"] else None
        if d["mc"] != note:
            self.differ(step, "console", "the MC's line shown as up", d["mc"], note)
        if d["rehearsal"] != (op["mode"] == "rehearsal"):
            self.differ(step, "console", "rehearsal marked", d["rehearsal"], op["mode"])
        # What the console says is on air, against what the wall draws (issue 26 item 4: the console's
        # words come from the wall's report, not from the command sent).
        named = self.screen_named(d["label"], lang)
        if named is not None and family(named) != family(wall["screen"]):
            self.differ(
                step,
                "console (on air)",
                "the screen it names",
                d["label"],
                f"the wall draws {wall['screen']}",
            )
        says = flat(d["note"]).lower()
        if ("二维码" in says or "qr" in says) and wall["qr"] == 0:
            self.differ(
                step, "console (on air)", "a QR code on the wall", d["note"], "the wall shows no QR code"
            )
        if ("黑屏" in says or "black" in says) and wall["screen"] != "blank":
            self.differ(
                step, "console (on air)", "a black wall", d["note"], f"the wall draws {wall['screen']}"
            )
        if d["confirmed"] == "false":
            self.differ(
                step, "console (on air)", "confirmed by the wall", d["note"], f"the wall drew seq {seq}"
            )
        # What it names is on the wall: the projects it lists, else its title (the event's).
        listed = [p["name"] for p in op["projects"] if flat(p["name"]) in flat(d["title"])]
        for name in listed or ([d["title"]] if flat(d["title"]) else []):
            if flat(name) not in flat(wall["text"]):
                self.differ(step, "console (on air)", "what is on the wall", name, flat(wall["text"])[:120])
        for pid in op["wall"]["project_ids"]:
            name = next(p["name"] for p in op["projects"] if p["id"] == pid)
            if flat(name) not in flat(wall["text"]):
                continue  # (not drawn: a key whose project is unsigned)
            if flat(name) not in flat(d["title"]):
                self.differ(step, "console (on air)", "a project on the wall", d["title"], name)

    # -- the MC's monitor ------------------------------------------------------------------------------

    def check_stage(self, step: str, op: dict, view: dict, seq: int, wall: dict, lang: str) -> None:
        page = self.pages["stage"]
        d = self.settled(page, STAGE_JS, lambda d: d["seq"] == seq and d["lang"] == lang)
        if d["seq"] != seq:
            self.differ(step, "stage", "seq", d["seq"], seq)
            return
        ros = view["run_of_show"]
        cue = ros["on_wall"] or ros["current"]
        if d["current"] != op["cue"]["current_id"]:
            self.differ(step, "stage", "the running cue", d["current"], op["cue"]["current_id"])
        if d["standby"] != op["cue"]["standby_id"]:
            self.differ(step, "stage", "the standby cue", d["standby"], op["cue"]["standby_id"])
        if cue is not None and flat(d["title"]) != flat(cue["title"]):
            self.differ(step, "stage", "the cue it reads", d["title"], cue["title"])
        figure = cue["amount"]["text"] if cue and cue.get("amount") else ""
        if d["figure"] != figure:
            self.differ(step, "stage", "the figure", d["figure"], figure)
        if cue is not None and d["names"] != (cue.get("names") or []):
            self.differ(step, "stage", "the names to call up", d["names"], cue.get("names"))
        # Against the wall: the MC announces the figure of what the room sees (issue 26 item 1).
        if op["wall"]["screen"] == "spotlight" and d["figure"]:
            ids = set(op["wall"]["project_ids"])
            wan = sum(p["amount_wan"] for p in op["projects"] if p["id"] in ids)
            shown = [p for p in op["projects"] if p["id"] in ids]
            expected = (
                op["wall"]["round"]["amount"]["text"] if op["wall"]["round"] else shown[0]["amount"]["text"]
            )
            if d["figure"] != expected:
                self.differ(step, "stage", f"the figure beside the wall's {wan} 万元", d["figure"], expected)
        note = ros["note"]["text"] if ros["note"] else None
        if d["note"] != note:
            self.differ(step, "stage", "the MC's line", d["note"], note)
        if d["panic"] != op["cue"]["panic"]:
            self.differ(step, "stage", "the safe look", d["panic"], op["cue"]["panic"])
        standby = ros["standby"]
        if standby is not None and not flat(d["next"]).startswith(flat(standby["title"])):
            self.differ(step, "stage", "the next cue", d["next"], standby["title"])
        if flat(d["progress"]) != flat(view["stage"]["progress"]):
            self.differ(step, "stage", "the progress line", d["progress"], view["stage"]["progress"])
        # /stage names the very picture the wall draws (签约图 with a round's pads up, 安全画面 for the safe look).
        key = "safe" if wall["screen"] == "title" and op["cue"]["panic"] else wall["screen"]
        label = self._word(self._labels[key], lang) if key in self._labels else None
        if label and label not in d["wall"]:
            self.differ(step, "stage", "what the wall shows", d["wall"], f"the wall draws {wall['screen']}")

    # -- the livestream's overlay and the public live page ---------------------------------------------

    def check_overlay(self, step: str, public: dict, seq: int, names: dict) -> None:
        page = self.pages["overlay"]
        d = self.settled(page, OVERLAY_JS, lambda d: d["seq"] == seq)
        if d["seq"] != seq:
            self.differ(step, "overlay", "seq", d["seq"], seq)
            return
        total = public["total"]
        want = (total.get("prefix") + " " if total.get("prefix") else "") + total["value"]
        if (d["total"], d["unit"]) != (want, total["unit"]):
            self.differ(step, "overlay", "the total", d["total"] + d["unit"], total["text"])
        wall = public["wall"]
        lower = public["cue"]["lower_third"]
        if d["screen"] != wall["screen"]:
            self.differ(step, "overlay", "the wall's screen", d["screen"], wall["screen"])
        by_id = {p["id"]: p for p in public["projects"]}
        if lower:
            expected, sub = lower["name"], lower["role"] or ""
        elif wall["screen"] == "spotlight" and wall["round"]:
            expected, sub = wall["round"]["names"], wall["round"]["amount"]["text"]
        elif wall["screen"] == "spotlight":
            p = by_id[wall["project_id"]]
            expected = p["name"]
            sub = " · ".join([p["investor"]] + ([p["amount"]["text"]] if p["amount"] else []))
        else:
            expected = sub = None
        if d["up"] != (expected is not None) or (expected is not None and flat(d["name"]) != flat(expected)):
            self.differ(step, "overlay", "the lower third", d["name"] if d["up"] else None, expected)
        elif expected is not None and flat(d["sub"]) != flat(sub):
            self.differ(step, "overlay", "the lower third's second line", d["sub"], sub)

    def check_live(self, step: str, op: dict, wall_ids: list[str], names: dict) -> None:
        page = self.pages["live"]
        projection = self.get("/live/state.json")
        version = projection["version"]
        d = self.settled(page, LIVE_JS, lambda d: d["version"] is not None and d["version"] >= version)
        if d["version"] != version:
            self.differ(step, "live", "version", d["version"], version)
            return
        total = op["total"]
        want = (total.get("prefix") + " " if total.get("prefix") else "") + total["value"]
        if (d["total"], d["unit"]) != (want, total["unit"]):
            self.differ(step, "live", "the total", d["total"] + d["unit"], total["text"])
        shown = op["wall"]["screen"] in ("spotlight", "keys") and not op["cue"]["panic"]
        lower = op["cue"]["lower_third"]
        # The projects the wall shows, else the speaker its lower third names.
        expected = [names[i] for i in wall_ids] if shown else [lower["name"]] if lower else []
        if [flat(n) for n in d["names"]] != [flat(n) for n in expected]:
            self.differ(step, "live", "the projects of the moment", d["names"], expected)
        if d["roll"] != op["signed_count"]:
            self.differ(step, "live", "the roll of signed projects", d["roll"], op["signed_count"])

    def assert_none(self) -> None:
        assert not self.problems, (
            f"{len(self.problems)} disagreement(s) over {len(self.steps)} steps:\n" + "\n".join(self.problems)
        )


# -- the operator's hands ----------------------------------------------------------------------------


class Console:
    """The console on a 1024x768 tablet, its clock paused: the rest after a command and the hold are
    stepped through in the page's time, not waited out."""

    def __init__(self, page, server):
        self.page, self.server = page, server

    def rested(self) -> None:
        page = self.page
        page.wait_for_function("() => window.__kiosk?.console.pending() === null")
        page.clock.run_for(REST_MS)
        page.wait_for_function("() => !document.body.classList.contains('is-cooling')")

    def caught_up(self) -> int:
        seq = self.server.state(operator=True)["seq"]
        self.page.wait_for_function("s => window.__kiosk?.console.state()?.seq >= s", arg=seq)
        return seq

    def landed(self, before: int) -> None:
        """Until the server has taken a command made after ``before`` and the console has it."""
        wait_until(
            lambda: self.server.state(operator=True)["seq"] > before, message="the command never landed"
        )
        self.caught_up()

    def go(self) -> None:
        seq = self.caught_up()
        self.rested()
        self.page.click("#btn-go")
        self.landed(seq)

    def select(self, project_id: str) -> None:
        self.rested()
        self.page.click(f'.row[data-id="{project_id}"] .row-btn')
        self.page.wait_for_function("id => window.__kiosk?.console.selection() === id", arg=project_id)

    def confirm(self) -> None:
        seq = self.caught_up()
        self.rested()
        # The hold button says what it waits for until the last pad submits: then it is ready.
        self.page.wait_for_function(
            "() => !document.getElementById('btn-confirm').classList.contains('is-unready')"
        )
        hold(self.page, "#btn-confirm", HOLD_MS)
        self.landed(seq)

    def dialog(self, opener: str, dialog: str, ok: str) -> str:
        """Open a question with ``opener``, answer it with ``ok``; returns what it asked."""
        seq = self.caught_up()
        self.rested()
        self.page.click(opener)
        self.page.locator(dialog).wait_for(state="visible")
        asked = self.page.locator(dialog).inner_text()
        self.page.click(ok)
        self.landed(seq)
        return asked

    def note(self, text: str) -> None:
        seq = self.caught_up()
        self.rested()
        self.page.click("#btn-note")
        self.page.locator("#note-dialog").wait_for(state="visible")
        self.page.fill("#note-input", text)
        self.page.click("#note-send")
        self.landed(seq)

    def panic(self) -> None:
        seq = self.caught_up()
        self.rested()
        self.page.click("#btn-panic")
        self.landed(seq)


def admin_section(page, name: str) -> None:
    page.click(f'.nav-item[data-section="{name}"]')
    page.wait_for_selector(f"#sec-{name}:not([hidden])")


def admin_confirm(page) -> None:
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-ok")
    page.wait_for_selector("#confirm-dialog", state="hidden")


def test_the_whole_morning(fresh_server, chromium, tmp_path):
    server = fresh_server()  # the sample, as a fresh install has it: the organiser replaces it
    editor = server.editor()
    event = {"title": TITLE, "date": "2026-12-18", "language": "zh"}
    assert editor.put(server.url + "/api/v1/event", json=event, timeout=10).status_code == 200

    contexts = []

    def page_of(size: dict, **options):
        context = chromium.new_context(viewport=size, **options)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        return page

    seen = Seen(server.url, server.api_token)
    pads = check = None
    try:
        admin = page_of({"width": 1280, "height": 900}, accept_downloads=True)
        log_in(admin, server.url, "/admin")
        admin.wait_for_selector('body[data-conn="live"]')

        wall = page_of({"width": 1920, "height": 1080})
        pair_page(wall, server, "主屏", editor)
        wall.wait_for_function("() => typeof window.__kiosk?.display?.seq === 'number'")
        console = page_of({"width": 1024, "height": 768}, has_touch=True)
        console.clock.install()
        log_in(console, server.url, monitors=True)
        console.wait_for_selector('body[data-conn="live"]')
        pause_clock(console)
        stage = page_of({"width": 1024, "height": 768})  # (the MC's tablet)
        assert stage.context.request.post(server.url + "/api/v1/session", data={"pin": PIN}).status == 200
        stage.goto(server.url + "/stage")
        overlay = page_of({"width": 1920, "height": 1080})
        overlay.goto(server.url + "/overlay")
        live = page_of({"width": 390, "height": 844})
        live.goto(server.url + "/live")
        pages = {"wall": wall, "console": console, "stage": stage, "overlay": overlay, "live": live}
        check = Checker(server, pages, seen, "主屏")
        desk = Console(console, server)
        check("the sample, every page open")

        # -- the organiser: the workbook through the import page, previewed, then applied ---------------
        admin_section(admin, "import")
        admin.set_input_files("#import-file", str(workbook(tmp_path / "签约项目与流程.xlsx")))
        admin.locator(".import-summary.is-ok").wait_for()
        admin.check("#import-replace")
        admin.locator("#import-agenda:not([hidden])").wait_for()
        wait_until(lambda: PROJECTS[3][0] in admin.inner_text("#import-cues"))
        assert admin.locator("#import-cues .import-cue").count() == len(AGENDA)
        admin.click("#import-apply")
        admin_confirm(admin)
        wait_until(lambda: server.state(operator=True)["project_count"] == 4)
        state = server.state(operator=True)
        ids = [p["id"] for p in sorted(state["projects"], key=lambda p: p["order"])]
        cues = state["run_of_show"]["cues"]
        assert [c["title"] for c in cues] == [a[1] for a in AGENDA]
        assert [c["project_ids"] for c in cues if c["kind"] == "signing"] == [ids[:2], [ids[2]], [ids[3]]]
        assert state["planned"]["total"]["text"] == "186.85亿元"
        check("imported")

        # -- the pads: made from the signatories, every signature required before a confirm -------------
        admin_section(admin, "pads")
        admin.fill("#pads-host-name", HOST)
        admin.click("#pads-generate")
        admin.wait_for_function("() => document.querySelectorAll('.pad-row').length === 8")
        admin.check('input[name="signatures_required"]')
        admin.click("#cert-save")
        wait_until(
            lambda: editor.get(server.url + "/api/v1/certificate", timeout=10).json()["signatures_required"]
        )
        listed = editor.get(server.url + "/api/v1/pads", timeout=10).json()
        assert sorted(p["name"] for p in listed) == sorted([HOST] * 4 + [p[5] for p in PROJECTS])
        pads = Pads(server, listed)
        check("pads made")

        # -- the rehearsal the evening before --------------------------------------------------------------
        admin_section(admin, "rehearsal")
        admin.click("#run-rehearsal")
        admin_confirm(admin)
        wait_until(lambda: server.state(operator=True)["mode"] == "rehearsal")
        check("rehearsal started")
        desk.go()
        check("rehearsal: GO, the opening")
        desk.go()
        check("rehearsal: GO, the speech")

        # -- live -----------------------------------------------------------------------------------------
        admin.click("#run-live")
        admin_confirm(admin)
        wait_until(lambda: server.state(operator=True)["mode"] == "live")
        check("live, from a clean record")

        desk.go()
        check("GO: the opening")
        desk.go()
        check("GO: the speech")
        desk.note("请放慢语速")
        check("a line to the MC")
        desk.panic()
        check("the safe look")
        desk.panic()
        check("the look back")

        desk.go()
        assert server.state(operator=True)["run_of_show"]["note"] is None  # the line went with the cue
        check("GO: round 1, its pads armed")
        pads.sign(ids[:2])
        check("round 1's pads submitted")
        desk.confirm()
        check("round 1 confirmed")

        asked = desk.dialog("#btn-undo", "#undo-dialog", "#undo-ok")
        for pid in ids[:2]:
            assert flat(server.name_of(pid)) in flat(asked), asked
        check("round 1 undone")
        desk.confirm()
        check("round 1 confirmed again")

        # Project 4 (round 3) while round 2 is unsigned: the console asks first.
        desk.select(ids[3])
        asked = desk.dialog("#btn-announce", "#order-dialog", "#order-ok")
        assert "不按流程宣布" in asked, asked
        after = server.state(operator=True)
        assert after["cue"]["current_id"] == cues[2]["id"] and after["cue"]["standby_id"] == cues[3]["id"]
        check("project 4 announced out of order")
        pads.sign([ids[3]])
        check("project 4's pads submitted")
        desk.confirm()
        check("project 4 confirmed out of order")

        # -- English from here on, switched in the admin while the show runs ----------------------------
        admin_section(admin, "event")
        admin.click('label:has(input[name="language"][value="en"])')
        admin.click("#event-save")
        wait_until(lambda: server.state(operator=True)["lang"] == "en")
        check("the language switched to English")

        desk.go()
        check("GO: round 2")
        pads.sign([ids[2]])
        desk.confirm()
        check("round 2 confirmed")
        desk.go()
        check("GO: round 3, signed already")
        desk.go()
        check("GO: the golden keys")
        desk.go()
        check("GO: the close")
        final = server.state(operator=True)
        assert final["signed_count"] == 4 and final["total_wan"] == 1868500, final["total"]

        # -- the report, downloaded through the page --------------------------------------------------------
        admin_section(admin, "report")
        with admin.expect_download() as info:
            admin.click("#dl-xlsx")
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        book = load_workbook(path, read_only=True)
        cells = " ".join(
            str(c)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
        for p in final["projects"]:
            assert flat(p["name"]) in flat(cells), p["name"]
        # The total, in 亿元 and in 万元 (the report's summary carries both figures).
        assert "186.85" in cells.split() and "1868500" in cells.split(), "the report's total"
        check("the report downloaded")

        for name, page in {"admin": admin, **pages}.items():
            assert page.errors == [], (name, page.errors)
        check.assert_none()
    finally:
        if check is not None:
            print(
                "\n".join(
                    f"{a:5.1f}s + check {b:4.1f}s  {step} ({drawn})" for step, a, b, drawn in check.times
                )
            )
            print("\n".join(check.problems))  # (also when a later step broke the test outright)
        if pads is not None:
            pads.close()
        seen.close()
        editor.close()
        for context in contexts:
            context.close()
