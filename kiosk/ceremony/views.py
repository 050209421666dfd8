"""What each audience is shown, built by the server: one builder per audience, tested as a table.

A view is plain JSON-ready data with every figure already written in the event's language (through
``kiosk.words.format``) and every state-derived answer already worked out — which project is up, what undo
would take back, what a button would do — so the pages only draw. The public view is what the room, the
livestream and any script may see; the operator view adds what the console and the admin pages need.
Neither carries a card's address or a contact.
"""

from __future__ import annotations

from ..words import format as fmt
from ..words.catalogue import N_, gettext, language, word
from .access import edits_locked
from .model import LAYOUTS, SCREENS, SETUP_ACTION, Ceremony, Project, State
from .rules import (
    figures,
    following_id,
    is_public,
    milestone_crossed,
    milestones,
    next_pending_id,
    ordered,
    placeholder_fields,
    status_of,
    undo_target,
    up_now_id,
    yi,
)

# The wall's words for a project's state, and the console's (an announced project is "signing" to the
# room, "announced" to the operator).
PUBLIC_STATUS = {"pending": N_("待签约"), "announced": N_("签约中"), "signed": N_("已签约")}
OPERATOR_STATUS = {"pending": N_("待签约"), "announced": N_("已宣布"), "signed": N_("已签约")}
SCREEN_LABELS = {
    "title": N_("标题"),
    "spotlight": N_("聚焦"),
    "roll": N_("签约名单"),
    "finale": N_("总结"),
    "blank": N_("黑屏"),
}
# A project's next step on the console: announce it, confirm it, or (signed) show it again.
NEXT_ACTION = {"pending": "announce", "announced": "confirm", "signed": "show"}
# A paired screen's layout as the console names it.
LAYOUT_LABELS = {
    "main": N_("主屏"),
    "totem": N_("竖屏"),
    "side": N_("侧屏"),
    "lobby": N_("大厅二维码屏"),
}
# Industries as the English press release names them; any other keeps its name as typed (it is data).
KNOWN_INDUSTRIES = (
    N_("新能源汽车"),
    N_("生物医药"),
    N_("现代农业"),
    N_("新材料"),
    N_("产业综合平台"),
    N_("新能源"),
    N_("电子信息"),
    N_("装备制造"),
    N_("先进制造"),
    N_("数字经济"),
    N_("节能环保"),
    N_("文化旅游"),
    N_("现代服务业"),
    N_("人工智能"),
    N_("集成电路"),
    N_("轨道交通"),
    N_("航空航天"),
)

HINT_SIGNED = N_("「%(name)s」已于 %(time)s 签约，不能再次宣布或签约")
HINT_ANNOUNCED = N_("大屏正在宣布此项目 · 按住「确认签约」完成签约")
HINT_PENDING = N_("可先「宣布」，或直接按住「确认签约」")
HINT_OTHER_ON_AIR = N_("大屏正在显示其他项目：「宣布」会切换到此项目")
HINT_ALL_DONE = N_("全部 %(n)s 个项目已签约，可切换到「总结」画面")
HINT_NO_PROJECTS = N_("尚无签约项目：请先用 python -m kiosk import 导入项目清单")
ON_AIR_NOTES = {
    "announced": N_("宣布中 · 等待签约"),
    "signed": N_("签约庆祝 · %(time)s 已签约 · 金钥匙二维码展示中"),
    "pending": N_("项目介绍"),
    "title": N_("仪式标题页"),
    "roll": N_("已签约 %(count)s"),
    "finale": N_("总投资 %(total)s · %(count)s"),
    "blank": N_("大屏现在是黑屏"),
}
PROGRESS = N_("已签约 %(done)s/%(all)s 项 · %(total)s")
PLANNED = N_("计划 %(total)s")
# The goal gauge on the wall (when the organiser shows it): the planned total, and a milestone passed.
GOAL = N_("目标 %(total)s")
MILESTONE = N_("突破%(amount)s")
PLACEHOLDERS = N_("%(count)s仍像示例或占位数据（第 %(orders)s 项）：上大屏前请在「准备与报告」中改为真实名称")
LIST_SEP = N_("、")
EDITS_LOCKED = N_("正式签约已开始：项目与金额已锁定")
EDITS_UNLOCKED = N_("项目与金额已由编辑者解锁，可以修改（已记入审计）")
# The latest change in the log, as every console's status line says it (the same words a console uses
# for its own commands).
LAST_CHANGE = {
    "announce": N_("已宣布「%(name)s」"),
    "confirm": N_("已签约「%(name)s」"),
    "undo": N_("已撤销「%(name)s」的签约"),
    "show": N_("大屏已切换到「%(screen)s」"),
    "reshow": N_("大屏已重现「%(name)s」"),
}
BY_DEVICE = N_("%(what)s（%(device)s）")
UNDO_FACTS = N_("%(time)s 签约 · %(amount)s。撤销后累计：%(before)s → %(after)s（%(count)s）")


def industry_label(name: str, lang: str) -> str:
    return word(name, lang) if name in KNOWN_INDUSTRIES else name


class _Words:
    """The event's way of writing figures, bound once per view."""

    def __init__(self, ceremony: Ceremony):
        e = ceremony.event
        self.lang = language(e.language)
        self.unit, self.decimals = e.money_unit, e.money_decimals

    def money(self, wan: int) -> dict:
        return fmt.money(wan, self.lang, self.unit, self.decimals).json()

    def money_text(self, wan: int) -> str:
        return fmt.money(wan, self.lang, self.unit, self.decimals).text

    def land(self, mu, approx: bool = False) -> dict | None:
        figure = fmt.land(mu, self.lang, approx=approx)
        return None if figure is None else figure.json()

    def t(self, msgid: str, **params) -> str:
        return gettext(msgid, self.lang, **params)

    def projects(self, n: int) -> str:
        return fmt.count(n, "project", self.lang)


def _project(p: Project, state: State, w: _Words, statuses: dict) -> dict:
    status = status_of(state, p.id)
    signed_at = state.signed[p.id].at if p.id in state.signed else None
    return {
        "id": p.id,
        "order": p.order,
        "name": p.name,
        "investor": p.investor,
        "amount_wan": p.amount_wan,
        "amount_yi": yi(p.amount_wan),
        "amount": w.money(p.amount_wan),
        "land_mu": None if p.land_mu is None else format(p.land_mu.normalize(), "f"),
        "land": w.land(p.land_mu),
        "industry": p.industry,
        "industry_label": industry_label(p.industry, w.lang) if p.industry else None,
        "signatories": list(p.signatories),
        "summary": p.summary,
        "status": status,
        "status_text": w.t(statuses[status]),
        "signed_at": signed_at,
        "signed_time": fmt.time(signed_at),
    }


def _figures(projects: list[Project], w: _Words) -> dict:
    f = figures(projects)
    land = f["land_mu"] if f["has_land"] else None
    return {
        "total_wan": f["total_wan"],
        "total_yi": yi(f["total_wan"]),
        "total": w.money(f["total_wan"]),
        "land_mu": None if land is None else format(land.normalize(), "f"),
        "land": w.land(land, approx=True),
        "count": f["count"],
        "count_text": w.projects(f["count"]),
        "tiers": [
            {
                "min_yi": floor,
                "label": fmt.tier_label(floor, w.lang, w.unit, w.decimals),
                "count": n,
                "count_text": w.projects(n),
            }
            for floor, n in f["tiers"]
        ],
        "industries": [
            {
                "name": r["name"],
                "label": industry_label(r["name"], w.lang),
                "count": r["count"],
                "count_text": w.projects(r["count"]),
                "amount_wan": r["amount_wan"],
                "amount_yi": yi(r["amount_wan"]),
                "amount": w.money(r["amount_wan"]),
            }
            for r in f["industries"]
        ],
        "industries_in_order": f["industries_in_order"],
    }


def _event(c: Ceremony, w: _Words) -> dict:
    e = c.event
    return {
        "title": e.title,
        "subtitle": e.subtitle,
        "date": e.date,
        "date_text": fmt.date(e.date, w.lang) if e.date else "",
        "venue": e.venue,
        "host": e.host,
        "language": w.lang,
        "theme": e.theme,
        "colors": {"primary": e.primary_color, "accent": e.accent_color},
        "logo_url": f"/media/{e.logo}" if e.logo else None,
        "background_url": f"/media/{e.background}" if e.background else None,
        "money_unit": e.money_unit,
        "money_decimals": e.money_decimals,
        "publish_in_advance": e.publish_in_advance,
        "show_goal": e.show_goal,
        "calm": e.calm,
    }


def _base(c: Ceremony, w: _Words, statuses: dict) -> dict:
    order = ordered(c.projects)
    ids = {p.id for p in order}
    state = c.state
    signed = [p for p in order if p.id in state.signed]
    done, planned = _figures(signed, w), _figures(order, w)
    last = None
    if state.last is not None and state.last.action != SETUP_ACTION:
        last = {
            "seq": state.last.seq,
            "action": state.last.action,
            "project_id": state.last.project_id,
            "screen": state.last.screen,
            "at": state.last.at,
        }
    spotlight = state.spotlight_id if state.spotlight_id in ids else None
    # What the wall draws: a spotlight without a project (it was deleted) falls back to the title.
    wall = state.screen if state.screen in SCREENS else "title"
    if wall == "spotlight" and spotlight is None:
        wall = "title"
    return {
        "seq": state.seq,
        "log_id": c.run.id,
        # "rehearsal" or "live": the console shows it large; the big screen never does.
        "mode": c.run.mode,
        "lang": w.lang,
        "event": _event(c, w),
        "projects": [_project(p, state, w, statuses) for p in order],
        "total_wan": done["total_wan"],
        "total_yi": done["total_yi"],
        "total": done["total"],
        "signed_count": done["count"],
        "signed_text": done["count_text"],
        "signed_figure": fmt.count_figure(done["count"], w.lang).json(),
        "project_count": len(order),
        "land_mu": done["land_mu"],
        "land": done["land"],
        "tiers": done["tiers"],
        "industries": done["industries"],
        "planned": {k: planned[k] for k in ("total_wan", "total_yi", "total", "land_mu", "land", "count")},
        "screen": state.screen,
        "wall": {"screen": wall, "project_id": spotlight if wall == "spotlight" else None},
        "spotlight_id": spotlight,
        "next_id": next_pending_id(state, order),
        "last": last,
        # Newest signing first: lets a screen show "just signed" without re-sorting.
        "signing_order": [pid for pid in reversed(list(state.signed)) if pid in ids],
        "goal": _goal(c, done["total_wan"], w),
    }


def _goal(c: Ceremony, total_wan: int, w: _Words) -> dict | None:
    """The running total against the planned one, with the round figures on the way, when the organiser
    shows it (it makes the planned total public). ``crossed`` is the milestone the latest signing passed."""
    planned = sum(p.amount_wan for p in c.projects)
    if not c.event.show_goal or planned <= 0:
        return None
    marks = milestones(planned)
    crossed = milestone_crossed(c.state, c.projects, marks)
    return {
        "target": w.money(planned),
        "label": w.t(GOAL, total=w.money_text(planned)),
        "permille": min(1000, total_wan * 1000 // planned),
        "milestones": [
            {"permille": m * 1000 // planned, "text": w.money_text(m), "reached": total_wan >= m}
            for m in marks
        ],
        "crossed": {"seq": c.state.last.seq, "text": w.t(MILESTONE, amount=w.money_text(crossed))}
        if crossed
        else None,
    }


# What a project not yet shown carries in the public view: its order, name and investor, nothing more.
WITHHELD = {
    "amount_wan": None,
    "amount_yi": None,
    "amount": None,
    "land_mu": None,
    "land": None,
    "industry": None,
    "industry_label": None,
    "signatories": [],
    "summary": None,
}


def public(c: Ceremony) -> dict:
    """The room's view: the big screen, the livestream overlay, monitoring scripts, ``/api/v1/state``
    without credentials. Anyone on the venue's Wi-Fi can read it, so a project's figures are in it only
    once the wall has shown that project, unless the organiser publishes the running order in advance."""
    view = _base(c, _Words(c), PUBLIC_STATUS)
    advance = c.event.publish_in_advance
    view["projects"] = [
        p if is_public(c.state, p["id"], advance) else {**p, **WITHHELD} for p in view["projects"]
    ]
    if not advance:
        # The planned total would give the hidden amounts away by difference.
        view["planned"] = {"count": view["planned"]["count"]}
    return view


def operator(c: Ceremony) -> dict:
    """The console's and the admin pages' view: the public one with the operator's words, and what the
    console would otherwise have to work out for itself."""
    w = _Words(c)
    view = _base(c, w, OPERATOR_STATUS)
    state, order = c.state, ordered(c.projects)
    by_id = {p["id"]: p for p in view["projects"]}
    on_wall = view["wall"]

    rows = {}
    for p in view["projects"]:
        if p["status"] == "signed":
            hint = w.t(HINT_SIGNED, name=p["name"], time=p["signed_time"])
        elif p["status"] == "announced":
            hint = w.t(HINT_ANNOUNCED)
        elif on_wall["screen"] == "spotlight" and on_wall["project_id"] != p["id"]:
            hint = w.t(HINT_OTHER_ON_AIR)
        else:
            hint = w.t(HINT_PENDING)
        rows[p["id"]] = {
            # The command this project's main button sends next: what the preview monitor shows.
            "next_action": NEXT_ACTION[p["status"]],
            "following_id": following_id(state, order, p["id"]),
            "can_sign": p["status"] != "signed",
            "can_reshow": p["status"] == "signed" and on_wall["project_id"] != p["id"],
            "on_air": on_wall["project_id"] == p["id"],
            "hint": hint,
        }

    undo = None
    target = undo_target(state, order)
    if target is not None:
        p = by_id[target.project_id]
        after = view["total_wan"] - p["amount_wan"]
        undo = {
            "project_id": p["id"],
            "name": p["name"],
            "seq": target.seq,
            "facts": w.t(
                UNDO_FACTS,
                time=p["signed_time"],
                amount=p["amount"]["text"],
                before=view["total"]["text"],
                after=w.money_text(after),
                count=w.projects(view["signed_count"] - 1),
            ),
        }

    screen = on_wall["screen"]
    spot = by_id.get(on_wall["project_id"]) if screen == "spotlight" else None
    if spot is not None:
        title = spot["name"]
        note = w.t(ON_AIR_NOTES[spot["status"]], time=spot["signed_time"])
    elif screen == "title":
        title, note = c.event.title, w.t(ON_AIR_NOTES["title"])
    elif screen == "finale":
        title = ""
        note = w.t(ON_AIR_NOTES["finale"], total=view["total"]["text"], count=view["signed_text"])
    elif screen == "roll":
        title, note = "", w.t(ON_AIR_NOTES["roll"], count=view["signed_text"])
    else:
        title, note = "", w.t(ON_AIR_NOTES["blank"])

    idle_hint = w.t(HINT_ALL_DONE, n=len(order)) if order else w.t(HINT_NO_PROJECTS)
    last_change = None
    entry = state.last
    if entry is not None and entry.action in LAST_CHANGE:
        p = by_id.get(entry.project_id)
        key = "reshow" if entry.action == "show" and entry.screen == "spotlight" and p else entry.action
        what = w.t(
            LAST_CHANGE[key],
            name=p["name"] if p else "",
            screen=w.t(SCREEN_LABELS[entry.screen]) if entry.screen in SCREEN_LABELS else "",
        )
        last_change = {
            "seq": entry.seq,
            "time": fmt.time(entry.at),
            "text": w.t(BY_DEVICE, what=what, device=entry.device) if entry.device else what,
        }
    stand_ins = [p for p in order if placeholder_fields(p) and p.id not in state.signed]
    placeholders = None
    if stand_ins:
        placeholders = {
            "project_ids": [p.id for p in stand_ins],
            "text": w.t(
                PLACEHOLDERS,
                count=w.projects(len(stand_ins)),
                orders=w.t(LIST_SEP).join(str(p.order) for p in stand_ins),
            ),
        }
    view["console"] = {
        "up_id": up_now_id(state, order),
        "rows": rows,
        "undo": undo,
        "idle_hint": idle_hint,
        # The ceremony's latest change, whoever made it: every console's status line can say it.
        "last_change": last_change,
        # Unsigned projects whose name or investor reads like a stand-in: said before they reach the wall.
        "placeholders": placeholders,
        "on_air": {
            "screen": screen,
            "label": w.t(SCREEN_LABELS[screen]),
            "title": title,
            "note": note,
            "status": spot["status"] if spot else "",
        },
        "progress": _progress(view, w),
        "planned": w.t(PLANNED, total=view["planned"]["total"]["text"]),
    }
    view["screens"] = [{"id": s, "label": w.t(SCREEN_LABELS[s])} for s in SCREENS]
    view["layouts"] = [{"id": k, "label": w.t(LAYOUT_LABELS[k])} for k in LAYOUTS]
    # Whether the running order may be edited now (a live run locks it at its first signing).
    lockable = c.run.mode == "live" and state.signing_started
    view["edits"] = {
        "locked": edits_locked(c.run.mode, state.signing_started, state.edits_unlocked),
        "unlocked": lockable and state.edits_unlocked,
        "note": w.t(EDITS_UNLOCKED if lockable and state.edits_unlocked else EDITS_LOCKED)
        if lockable
        else "",
    }
    return view


def _progress(view: dict, w: _Words) -> str:
    """ "已签约 2/7 项 · 82亿元": the console's and the MC's line of how far the ceremony has come."""
    return w.t(PROGRESS, done=view["signed_count"], all=view["project_count"], total=view["total"]["text"])


def _brief(p: dict | None) -> dict | None:
    """A project as the MC calls it up: who, what, the figure to announce; never a contact."""
    if p is None:
        return None
    keys = ("id", "order", "name", "investor", "signatories", "amount", "land", "industry_label", "status")
    return {k: p[k] for k in keys} | {"status_text": p["status_text"]}


def stage(c: Ceremony) -> dict:
    """The MC's confidence monitor (``/stage``, and a paired screen at the stage's edge): what the wall
    shows, the project to call up now and the one after, with the figures to announce. For credentialed
    devices only: it carries the figures before the room sees them, but no contact."""
    w = _Words(c)
    view = _base(c, w, OPERATOR_STATUS)
    by_id = {p["id"]: p for p in view["projects"]}
    wall = view["wall"]
    now = by_id.get(wall["project_id"]) if wall["screen"] == "spotlight" else None
    state, order = c.state, ordered(c.projects)
    up = by_id.get(up_now_id(state, order))
    current = now or up
    after = by_id.get(following_id(state, order, current["id"])) if current else None
    view["stage"] = {
        "on_wall": {"screen": wall["screen"], "label": w.t(SCREEN_LABELS[wall["screen"]])},
        "current": _brief(current),
        "next": _brief(after),
        "progress": _progress(view, w),
    }
    return view


AUDIENCES = {"public": public, "operator": operator, "stage": stage}
