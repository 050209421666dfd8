"""The public live page's own words (/live), by key, as ``kiosk.words.pages`` keeps them for the other
pages. Statuses, figures and names arrive ready-made in the live projection; these are the page's labels.
Where a page already says the same thing, the same message id is used, so it reads the same everywhere."""

from __future__ import annotations

from .catalogue import N_

LIVE = {
    "title": N_("签约仪式直播"),
    "description": N_("签约仪式实时进展：累计签约金额、正在签约的项目与已签约项目名单"),
    "live": N_("实时"),
    "total": N_("累计签约"),
    "count": N_("已签约 %(n)s / %(m)s 个项目"),
    "now": N_("正在签约"),
    "kicker": N_("第 %(n)s 个签约项目 · 共 %(m)s 个"),
    "idle": N_("请关注下一项签约"),
    "before": N_("签约仪式即将开始"),
    "done": N_("全部项目签约完成"),
    "roll": N_("已签约项目"),
    "roll_none": N_("尚无项目签约"),
    "signed_at": N_("%(time)s 签约"),
    "conn_connecting": N_("连接中…"),
    "conn_reconnecting": N_("连接中断 · 正在重连"),
    "conn_lost": N_("连接中断 · 以下为 %(time)s 的信息"),
    "conn_never": N_("暂时无法连接，请稍后刷新"),
}
