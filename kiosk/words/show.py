"""The run of show's words: what each kind of cue is called, and how a cue is headed.

A cue's kind is one word that serves twice: organisers type it in the agenda's 环节 column, and every
screen labels the cue with it. Both read this table, so the word the import accepts is the word the
console shows.
"""

from __future__ import annotations

from .catalogue import NC_

# kiosk.core.model.CUE_KINDS as people name them; the Chinese is what the 环节 column takes.
CUE_KIND_LABELS = {
    "opening": NC_("cue", "开场"),
    "speech": NC_("cue", "致辞"),
    "remarks": NC_("cue", "发言"),
    "signing": NC_("cue", "签约"),
    "handover": NC_("cue", "授钥匙"),
    "video": NC_("cue", "视频"),
    "photo": NC_("cue", "合影"),
    "closing": NC_("cue", "结束"),
}
# What organisers write in the 环节 column for each kind: its label, or for the golden keys what they are
# often handed over as (a plaque, 授牌) or the name the article gives them in full.
CUE_KIND_WORDS: dict[str, str] = {label: kind for kind, (_, label) in CUE_KIND_LABELS.items()}
CUE_KIND_ALIASES = {"授牌": "handover", "授予金钥匙": "handover", "授金钥匙": "handover"}


def cue_heading(kind_label: str, title: str) -> str:
    """ "签约 · 第一轮": a cue named where it stands alone (GO's line, the status line, the report)."""
    return f"{kind_label} · {title}"
