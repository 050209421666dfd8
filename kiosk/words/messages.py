"""What every stable code means, in words: command errors, field problems, import problems, API errors.

The rules and validators raise a code with parameters; the edge (HTTP, Socket.IO, CLI) asks ``text`` for
the sentence in the event's language. A code may have variants (``code:variant``) where one code is
answered with a more precise sentence — ``missing_project:nothing_pending`` — while clients keep matching
on the code alone.
"""

from __future__ import annotations

from .catalogue import N_, gettext, language
from .format import listing

# The roles (kiosk.core.access) and token scopes as people name them.
ROLE_LABELS = {"viewer": N_("查看者"), "operator": N_("操作员"), "editor": N_("编辑者")}
# A signing pad's part in the ceremony, as the device list names it (it holds no role's rights).
PARTY_ROLE = N_("签约方")
SCOPE_LABELS = {"read": N_("只读"), "control": N_("控制")}

MESSAGES: dict[str, str] = {
    # the ceremony's commands
    "seq_conflict": N_("画面已更新（当前 %(current)s，请求基于 %(expected)s），请核对后重试"),
    "missing_project": N_("请指定项目"),
    "missing_project:nothing_pending": N_("没有可聚焦的项目"),
    "unknown_project": N_("没有编号为 %(project_id)s 的项目"),
    "already_signed": N_("「%(name)s」已签约"),
    "already_signed:replace": N_("已有项目签约，不能替换整个签约顺序；请先撤销签约"),
    "already_signed:delete": N_("「%(name)s」已签约，不能删除；请先撤销签约"),
    "nothing_to_undo": N_("没有可撤销的签约"),
    "unknown_screen": N_("没有「%(screen)s」画面；可选：%(choices)s"),
    "unknown_action": N_("未知指令「%(action)s」"),
    "invalid_mode": N_("模式只能是 rehearsal（彩排）或 live（正式）"),
    "confirm_required": N_("正式签约记录已有操作：重置将把它归档并从头开始，请明确确认"),
    "invalid_order": N_("新顺序必须恰好包含每个项目一次"),
    # the run of show
    "no_agenda": N_("还没有流程：请先导入项目或流程"),
    "missing_cue": N_("请指定流程环节"),
    "unknown_cue": N_("流程中没有环节 %(cue_id)s"),
    "end_of_show": N_("流程已到最后一项"),
    "standby_moved": N_("待命环节已变为「%(title)s」：请看清待命行后再按 GO"),
    "round_unsigned": N_("本轮尚未签约（%(names)s）：请先按住「确认签约」，或用「跳转」越过本轮"),
    "at_first_cue": N_("已是第一个环节"),
    "already_panic": N_("大屏已是安全画面"),
    "not_panic": N_("大屏不在安全画面"),
    "note_too_long": N_("提示语最多 %(max)s 个字"),
    "no_note": N_("没有要清除的提示语"),
    "no_keys": N_("还没有已签约项目的金钥匙可以展示"),
    "unknown_order": N_("签约顺序中没有第 %(order)s 号项目"),
    # the signing pads
    "signatures_missing": N_("还有签约代表未提交签名（%(names)s）：请等签名全部提交后再确认签约"),
    "no_pads": N_("「%(name)s」没有签字板：请先在「准备与报告」中设置签字板"),
    "nothing_armed": N_("没有已启用的签字板"),
    "unknown_pad": N_("没有这个签字板"),
    "not_submitted": N_("%(name)s 还没有提交签名"),
    "not_armed": N_("「%(name)s」尚未开始签约：请等候主持人宣布"),
    "already_submitted": N_("%(name)s 的签名已提交"),
    "empty_signature": N_("请先签名"),
    "signature_cleared": N_("这次签名已清除，请重新签名"),
    "unknown_signature": N_("签名记录不存在，请重新签名"),
    "bad_signature": N_("签名数据无效，请重新签名"),
    "bad_points": N_("笔迹数据无效（%(reason)s）"),
    "strokes_incomplete": N_("笔迹尚未全部送达（%(have)s/%(want)s），请稍候自动补传后再提交"),
    "pad_armed": N_("%(name)s 的签字板正在签约中：请先停用本轮签字板"),
    "pad_elsewhere": N_("此签字板链接已在另一台设备上打开"),
    # requests that are not commands at all
    "invalid_request": N_("请求无效"),
    "invalid_request:not_object": N_("请求体必须是 JSON 对象"),
    "invalid_request:command_id": N_("command_id 必须是 1–%(max)s 个字符的字符串"),
    "invalid_request:action": N_("action 必须是 %(choices)s 之一"),
    "invalid_request:text": N_("%(key)s 必须是字符串"),
    "invalid_request:expected_seq": N_("expected_seq 必须是整数"),
    "invalid_request:project_ids": N_("project_ids 必须是最多 %(max)s 个项目编号的列表"),
    # access
    "unauthorized": N_("请先登录"),
    "csrf": N_("请求缺少有效的 CSRF 令牌，请刷新页面"),
    "wrong_pin": N_("PIN 不正确"),
    "throttled": N_("尝试次数过多，请 %(seconds)s 秒后再试"),
    "forbidden": N_("此操作需要%(needs)s权限；这台设备以%(role)s身份登录"),
    "show_locked": N_(
        "正式签约已开始，项目与金额已锁定；如确需修改，请编辑者先在「准备与报告」中解锁（会记入审计）"
    ),
    "unknown_device": N_("没有这台设备，或它已退出登录"),
    "invalid_token_name": N_("令牌名称必须是 1–%(max)s 个字符"),
    "invalid_scope": N_("权限只能是 read（只读）或 control（控制）"),
    "invalid_layout": N_("版式只能是 %(choices)s 之一，或 null（按屏幕形状）"),
    "pairing_expired": N_("配对链接无效或已过期，请在控制台重新生成"),
    "too_large": N_("请求过大"),
    "not_found": N_("没有这个地址"),
    # files and downloads
    "unknown_format": N_("格式只能是 csv、xlsx 或 json"),
    "missing_file": N_("请选择文件"),
    "missing_file:image": N_("请选择图片文件"),
    "missing_file:table": N_("请选择 CSV 或 XLSX 文件"),
    "upload_expired": N_("预览已过期，请重新选择文件"),
    "invalid_file": N_("文件有错误，未导入任何内容"),
    "invalid_project": N_("项目信息有误"),
    "invalid_event": N_("活动设置有误"),
    "invalid_card": N_("服务卡信息有误"),
    "invalid_image": N_("图片有误"),
    "unknown_media": N_("只能上传 logo 或 background"),
    # one field's value
    "required": N_("必填"),
    "too_long": N_("不能超过 %(max)s 个字符"),
    "name_too_long": N_("每个姓名不能超过 %(max)s 个字符"),
    "item_too_long": N_("每项不能超过 %(max)s 个字"),
    "too_many": N_("最多 %(max)s 项"),
    "not_text": N_("必须是文字"),
    "not_list": N_("必须是文字列表"),
    "control_chars": N_("不能包含换行或其他控制字符"),
    "line_control_chars": N_("不能包含控制字符"),
    "amount_missing": N_("投资额（亿元）或投资额（万元）必填一项"),
    "amount_mismatch": N_("与投资额（亿元）不一致：%(yi)s 亿元 = %(wan)s 万元"),
    "bad_amount_yi": N_("必须是不小于 0 的数字，最多 4 位小数"),
    "bad_amount_wan": N_("必须是不小于 0 的整数"),
    "bad_number": N_("必须是不小于 0 的数字"),
    "bad_order": N_("必须是正整数"),
    "bad_decimals": N_("必须是 0 到 %(max)s 的整数"),
    "bad_phone": N_("不是有效的电话号码（5–20 位数字，可含空格、-、括号、开头的 +，分机写“转”、ext 或 x）"),
    "bad_email": N_("不是有效的电子邮箱"),
    "bad_color": N_("颜色格式为 #rrggbb"),
    "bad_date": N_("日期格式为 YYYY-MM-DD"),
    "bad_timezone": N_("不是已知的时区名称（IANA 名称，如 %(example)s）"),
    "bad_choice": N_("只能是 %(choices)s 之一"),
    "bad_flag": N_("只能是“是”或“否”"),
    "no_units": N_("只填数字，不要带单位或文字"),
    "too_big": N_("数值过大"),
    "excel_error": N_("是 Excel 错误值 %(value)s，请检查公式"),
    "unknown_field": N_("未知字段"),
    "name_taken": N_("已有同名项目"),
    # a file to import
    "order_needed": N_("其他行填写了序号，这一行也必须填写"),
    "duplicate_order": N_("序号 %(order)s 与第 %(row)s 行重复"),
    "duplicate_name": N_("与第 %(row)s 行的项目名称重复"),
    "name_exists": N_(
        "签约顺序中已有同名项目「%(name)s」：要替换整个签约顺序请用 --replace，确需重名追加请用 --allow-same-name"
    ),
    "name_exists:page": N_("签约顺序中已有同名项目「%(name)s」"),
    "missing_column": N_("缺少这一必填列"),
    "missing_amount_column": N_("缺少投资额列：需要“投资额（亿元）”或“投资额（万元）”"),
    "duplicate_header": N_("表头重复：第 %(first)s 列和第 %(second)s 列"),
    "empty_file": N_("文件是空的"),
    "file_too_big": N_("文件太大：不能超过 %(mb)s MB"),
    "old_excel": N_(
        "这是旧版 Excel（.xls）或加密的工作簿，无法读取：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"
    ),
    "unsupported_file": N_("不支持的文件类型：请上传 .xlsx 或 .csv 文件"),
    "unknown_encoding": N_("无法识别文件编码：请把 CSV 保存为 UTF-8 或 GBK 编码"),
    "bad_csv": N_("CSV 格式有误（第 %(line)s 行附近）：%(error)s"),
    "no_header": N_("第 1 行必须是表头，但它是空的"),
    "no_rows": N_("文件里没有项目：表头下面没有数据行"),
    "too_many_rows": N_("项目太多：最多 %(max)s 行"),
    "no_safe_xml": N_("服务器未启用安全的 XML 解析（defusedxml），暂时不能导入 XLSX，请改用 CSV"),
    "damaged_xlsx": N_("无法读取 XLSX 文件，文件可能已损坏：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"),
    "not_xlsx": N_(
        "不是有效的 XLSX 文件（文件已损坏或不是 Excel 工作簿）：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"
    ),
    "no_sheet": N_("XLSX 文件里没有工作表"),
    "zip_bomb": N_("XLSX 文件结构异常（疑似压缩炸弹），已拒绝"),
    "no_project_sheet": N_("工作簿里只有流程工作表，没有项目工作表"),
    # the agenda (流程) to import
    "no_cues": N_("流程里没有环节：表头下面没有数据行"),
    "too_many_cues": N_("环节太多：最多 %(max)s 行"),
    "bad_cue_kind": N_("只能是 %(choices)s 之一（英文 %(ids)s）"),
    "bad_project_numbers": N_("填签约顺序中的项目序号，用、或逗号分隔，如 1、2、3"),
    "repeated_project": N_("项目 %(order)s 写了两次"),
    "bad_time": N_("时间格式为 HH:MM，如 09:30"),
    "bad_minutes": N_("必须是 1 到 %(max)s 的整数（分钟）"),
    "person_needed": N_("致辞和发言环节必须填写人物"),
    "projects_needed": N_("签约环节必须填写本轮签约的项目序号，如 1、2、3"),
    "projects_not_here": N_("只有签约和授钥匙环节可以填写项目"),
    "unknown_project_order": N_("签约顺序里没有序号为 %(order)s 的项目（共 %(count)s 个项目）"),
    "project_in_two_rounds": N_("项目 %(order)s 已在第 %(row)s 行的签约环节中"),
    # images
    "image_too_big": N_("图片不能超过 %(mb)s MB"),
    "image_format": N_("只接受 PNG、JPEG 或 WebP 图片"),
    "image_pixels": N_("图片像素过大"),
    "image_unreadable": N_("无法识别的图片文件"),
}


def text(code: str, lang: str, params: dict | None = None, variant: str | None = None) -> str:
    """The sentence for ``code`` (and ``variant``) in ``lang``, its parameters filled in; a parameter that
    is a list (the names a rule found) is written as the language lists things."""
    lang = language(lang)
    params = {
        k: listing([str(i) for i in v], lang) if isinstance(v, list | tuple) else v
        for k, v in (params or {}).items()
    }
    variant = variant or params.pop("variant", None)
    msgid = MESSAGES.get(f"{code}:{variant}") if variant else None
    msgid = msgid or MESSAGES.get(code)
    if msgid is None:
        return code
    try:
        return gettext(msgid, lang, **params) if params else gettext(msgid, lang)
    except (KeyError, ValueError, TypeError):
        # A parameter the sentence names is missing: say the sentence without it rather than fail.
        return gettext(msgid, lang).replace("%(", "(").replace(")s", ")")


def field_problems(problems, labels: dict[str, str], lang: str) -> list[dict]:
    """Field problems as the API answers them: ``{"field", "label", "reason", "code"}`` each."""
    return [
        {
            "field": p.field,
            "label": labels.get(p.field, p.field),
            "reason": text(p.code, lang, p.params),
            "code": p.code,
        }
        for p in problems
    ]


def problems_line(problems: list[dict], lang: str) -> str:
    """A form's problems (``field_problems``) in one line: "项目名称：必填；…" / "Project name: required; …"."""
    sep, colon = ("；", "：") if language(lang) == "zh" else ("; ", ": ")
    return sep.join(f"{p['label']}{colon}{p['reason']}" for p in problems)
