"""The columns of the import format (CONTRACT.md), named once: the importer matches them, the validators
label their problems with them, the admin's forms and the report's sheets head their columns with them.

Each column: its key -> (its label, a message id whose Chinese is the header the import takes; the English
header the import takes; other headers it takes too). The English header is the contract's identifier
("amount_yi"), not the label's English ("Investment (CNY 100m)"), which is the catalogue's.
"""

from __future__ import annotations

from .catalogue import N_, NC_

Column = tuple[str | tuple[str, str], ...]

PROJECT: dict[str, Column] = {
    "order": (N_("序号"), "order"),
    "name": (N_("项目名称"), "name"),
    "investor": (N_("签约企业"), "investor"),
    "amount_yi": (N_("投资额（亿元）"), "amount_yi"),
    "amount_wan": (N_("投资额（万元）"), "amount_wan"),
    "land_mu": (N_("用地（亩）"), "land_mu"),
    "industry": (N_("产业类别"), "industry"),
    "signatories": (N_("签约代表"), "signatories"),
    "concierge_name": (N_("服务专员"), "concierge_name"),
    "concierge_phone": (N_("专员电话"), "concierge_phone"),
    "summary": (N_("项目简介"), "summary"),
    # The English forms, all optional (an English ceremony shows the Chinese where one is blank).
    "name_en": (N_("项目名称（英文）"), "name_en"),
    "investor_en": (N_("签约企业（英文）"), "investor_en"),
    "industry_en": (N_("产业（英文）"), "industry_en", "产业类别（英文）"),
    "signatories_en": (N_("签约代表（英文）"), "signatories_en"),
}
# The agenda (流程): "职务" and "项目" say "Role" and "Projects" here, not a contact's title or one project.
AGENDA: dict[str, Column] = {
    "order": (N_("序号"), "order"),
    "cue_kind": (N_("环节"), "kind"),
    "cue_title": (N_("标题"), "title"),
    "cue_person": (N_("人物"), "person"),
    "cue_role": (NC_("agenda", "职务"), "role"),
    "cue_projects": (NC_("agenda", "项目"), "projects"),
    "cue_time": (N_("计划时间"), "time", "时间"),
    "cue_minutes": (N_("时长（分钟）"), "minutes", "时长"),
    "cue_script": (N_("主持词"), "script"),
    "cue_title_en": (N_("标题（英文）"), "title_en"),
    "cue_person_en": (N_("人物（英文）"), "person_en"),
    "cue_role_en": (NC_("agenda", "职务（英文）"), "role_en"),
    "cue_script_en": (N_("主持词（英文）"), "script_en"),
}


def project_label(key: str) -> str | tuple[str, str]:
    """A project column's label, to translate (``catalogue.word``)."""
    return PROJECT[key][0]


def agenda_label(key: str) -> str | tuple[str, str]:
    """An agenda column's label, to translate (``catalogue.word``)."""
    return AGENDA[key][0]


def headers(columns: dict[str, Column]) -> dict[str, tuple[str, ...]]:
    """Every header the import takes for each column: the Chinese first, then the English, then the rest."""
    return {
        key: (entry[1] if isinstance(entry, tuple) else entry, *rest)
        for key, (entry, *rest) in columns.items()
    }
