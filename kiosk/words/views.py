"""The words the views write: each audience's labels for a state, a screen, a cue, a pad, the console's hints
and its sentence for each change (``kiosk.ceremony.views`` picks them; the catalogue translates them)."""

from __future__ import annotations

from .catalogue import LANGUAGES, N_, NP_, gettext
from .pages import CONSOLE

# The wall's words for a project's state, and the console's (an announced project is "signing" to the
# room, "announced" to the operator).
PUBLIC_STATUS = {"pending": N_("待签约"), "announced": N_("签约中"), "signed": N_("已签约")}
OPERATOR_STATUS = {"pending": N_("待签约"), "announced": N_("已宣布"), "signed": N_("已签约")}
# Every picture a screen can draw, by the code it reports (kiosk.core.model.DRAWN_SCREENS): the one name
# each has in every sentence that names one (the console's buttons and its on-air line, its status line,
# the MC's monitor, the audit). The first six are also what ``show`` switches to.
SCREEN_LABELS = {
    "title": N_("标题"),
    "spotlight": N_("聚焦"),
    "roll": N_("签约名单"),
    "finale": N_("总结"),
    "blank": N_("黑屏"),
    "keys": N_("金钥匙"),
    "round": N_("集中签约"),
    "signing": N_("签约图"),
    "lobby": N_("大厅二维码屏"),
    "safe": N_("安全画面"),
}
# A cue's place in the run as the console's list and the MC's monitor mark it.
# "unsigned": a round before the running cue with a project still to sign (a jump passed it, an undo
# took it back): never "done".
CUE_STATES = {
    "done": N_("已完成"),
    "current": N_("进行中"),
    "standby": N_("待命"),
    "later": N_("未开始"),
    "unsigned": N_("未签约"),
}
ROUND_LINE = N_("集中签约 · %(count)s")
GO_NEXT = N_("GO → %(title)s")
GO_END = N_("流程已到最后一项")
GO_WAITS = N_("本轮尚未签约：先按住「确认签约」")
# What announcing a project out of order does to the agenda (rules.in_order), asked before it is sent.
OUT_OF_ORDER = N_(
    "「%(name)s」属于「%(round)s」，而「%(skipped)s」尚未签约：流程停在原处，不会把它标为完成。"
)
OUT_OF_ORDER_GO = N_(
    "「%(name)s」属于「%(round)s」，而「%(skipped)s」尚未签约：流程停在原处，不会把它标为完成；GO 仍将进入「%(cue)s」。"
)
# What the hold button says it waits for, before the press: submitted and required signatures.
WAITING_SIGNATURES = N_("等待签名 %(done)s/%(all)s")
PANIC_ON = N_("%(screen)s中 · 大屏只显示标题与标志")
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
HINT_ALL_DONE = N_("全部 %(n)s 个项目已签约，可切换到「%(screen)s」画面")
HINT_NO_PROJECTS = N_("尚无签约项目：请先用 python -m kiosk import 导入项目清单")
# The console's on-air line under the name of the picture the main wall reports drawing: said from that
# report only (a golden key's QR code only once the wall says it has drawn it), never from the command.
ON_AIR_NOTES = {
    "pending": N_("项目介绍"),
    "announced": N_("宣布中 · 等待签约"),
    "signed": N_("签约庆祝 · %(time)s 已签约"),
    "signed_qr": N_("签约庆祝 · %(time)s 已签约 · 金钥匙二维码展示中"),
    "round_signed": N_("签约庆祝 · %(count)s已签约"),
    "signing": N_("签名实时上屏 · 等待签约"),
    "keys_qr": N_("金钥匙二维码展示中 · %(count)s"),
    "keys_no_qr": N_("二维码尚未显示"),
    "roll": N_("已签约 %(count)s"),
    "finale": N_("总投资 %(total)s · %(count)s"),
    "blank": N_("观众现在看不到任何画面"),
    "safe": N_("只显示标题与标志"),
}
# No main wall has reported drawing the latest change: the line names what was sent and says so.
ON_AIR_UNCONFIRMED = {
    "waiting": N_("已发送 · 大屏尚未确认"),
    "none": N_("已发送 · 大屏尚未确认：没有主屏在线"),
}
PROGRESS = N_("已签约 %(done)s/%(all)s 项 · %(total)s")
PLANNED = N_("计划 %(total)s")
# The goal gauge on the wall (when the organiser shows it): the planned total, and a milestone passed.
GOAL = N_("目标 %(total)s")
MILESTONE = N_("突破%(amount)s")
PLACEHOLDERS = N_("%(count)s仍像示例或占位数据（第 %(orders)s 项）：上大屏前请在「准备与报告」中改为真实名称")
# What an English ceremony still lacks (kiosk.ceremony.rules.missing_english), before the show.
MISSING_ENGLISH = {
    "event": N_("活动名称、副标题、地点或主办单位缺少英文"),
    "projects": NP_("%(count)s缺少英文名称", "%(count)s缺少英文名称"),
    "industries": NP_("%(count)s缺少英文名称", "%(count)s缺少英文名称"),
    "cues": NP_("%(count)s缺少英文", "%(count)s缺少英文"),
}
MISSING_JOIN = N_("；")
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
    "go": N_("GO：%(cue)s"),
    "jump": N_("已跳转到：%(cue)s"),
    "back": N_("已返回：%(cue)s"),
    "standby": N_("待命：%(cue)s"),
    "panic": N_("大屏已切到「%(screen)s」"),
    "unpanic": N_("大屏已恢复"),
    "note": N_("已更新给主持人的提示"),
}
BY_DEVICE = N_("%(what)s（%(device)s）")
# What the server calls a console that sent no name of its own (kiosk.web.auth.device_name).
UNNAMED_CONSOLE = "console"


def device_text(device: str | None, lang: str) -> str | None:
    """A device as the audit and the consoles' status line name it, in ``lang``. An unnamed console is
    recorded under its page's default name in the language the page had then ("控制台 192.0.2.2") or the
    server's own; that word follows the event's language, a name the operator gave stays as typed."""
    if not device:
        return device
    word, sep, rest = device.partition(" ")
    unnamed = {UNNAMED_CONSOLE} | {gettext(CONSOLE["device_default"], code) for code in LANGUAGES}
    # Exactly the default word and an address: "Console 2 192.0.2.2" is a name someone chose.
    if sep and word in unnamed and " " not in rest:
        return gettext(CONSOLE["device_default"], lang) + sep + rest
    return device


# The signing pads: the two parties, what a pad is at, and the line its signatory reads.
PARTY_LABELS = {"host": N_("甲方"), "investor": N_("乙方")}
PAD_STATE_LABELS = {
    "waiting": N_("等待签约"),
    "armed": N_("请签名"),
    "signing": N_("签名中"),
    "submitted": N_("已提交签名"),
    "signed": N_("签约完成"),
}
PAD_HINTS = {
    "waiting": N_("请稍候：主持人宣布本轮签约后即可签名"),
    "armed": N_("请在签名区域内签名，写好后点「确认签名」"),
    "submitted": N_("签名已提交，请稍候签约完成"),
    "signed": N_("签约完成，感谢您"),
}
REMOTE_PLACE = N_("远程签约 · %(place)s")
# The commands that changed the pads, as the consoles' status line says them.
LAST_CHANGE_PADS = {
    "arm": N_("签字板已启用：%(name)s"),
    "disarm": N_("签字板已停用：%(name)s"),
    "submit": N_("%(pad)s 已提交签名"),
    "reopen": N_("已允许 %(pad)s 重新签名"),
}
UNDO_FACTS = N_("%(time)s 签约 · %(amount)s。撤销后累计：%(before)s → %(after)s（%(count)s）")
# The admin's import preview: what the file does to the agenda (流程), per way of importing.
IMPORT_AGENDA_NOTES = {
    "sheet": N_("文件的流程工作表有 %(count)s 个环节：导入后替换现有流程（%(before)s 个环节）。"),
    "sheet_bad": N_("文件的流程工作表有错误：改好后才能导入（项目和流程一起导入，或都不导入）。"),
    "kept": N_("文件没有流程工作表：现有流程保留不变。"),
    "kept_changed": N_(
        "文件没有流程工作表：现有流程保留，其签约环节按序号对应新的签约顺序，下面标出的环节会变化。"
    ),
    "made": N_("文件没有流程工作表：流程按导入后的签约项目自动生成。"),
}
