"""An English ceremony's data: the English forms the organiser types (fields, import, store, API), the one
function that makes a ceremony English (never blank: the Chinese where the English is missing), what the
admin and the console count as missing, and the English report and press release without Chinese."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from kiosk.ceremony.english import in_language
from kiosk.ceremony.rules import missing_english
from kiosk.core.model import Ceremony, Cue, Event, Pad, Project, Run, State
from kiosk.setup.agenda import parse_agenda
from kiosk.setup.event import clean_event
from kiosk.setup.fields import FIELDS, FieldErrors
from kiosk.setup.importer import parse_projects
from kiosk.setup.template import xlsx
from kiosk.words.views import KNOWN_INDUSTRIES

CJK = re.compile(r"[\u3400-\u9fff]")


def ceremony(**event) -> Ceremony:
    return Ceremony(
        event=Event(title="签约仪式", venue="会展中心", **event),
        projects=(
            Project(
                "p1",
                1,
                "智能制造产业园",
                "湘江科技有限公司",
                10_000,
                industry="新一代信息技术",
                signatories=("张三", "李四"),
                name_en="Smart Manufacturing Park",
                signatories_en=("Zhang San",),
            ),
            Project(
                "p2", 2, "文创园", "湘江文化集团", 5_000, industry="新一代信息技术", industry_en="New IT"
            ),
            Project("p3", 3, "医药园", "康瑞医疗", 5_000, industry="生物医药"),
        ),
        state=State(),
        run=Run("r1", "rehearsal", "2026-12-08T01:00:00+00:00"),
        cues=(
            Cue("c1", 1, "speech", "书记致辞", person="周明", role="区委书记", person_en="Zhou Ming"),
            Cue("c2", 2, "signing", "", project_ids=("p1",)),
        ),
        pads=(Pad("d1", 1, "李四", "p1", "investor"), Pad("d2", 2, "张三", "p1", "investor")),
    )


def test_an_english_ceremony_uses_each_english_form_and_the_chinese_where_one_is_blank():
    c = ceremony(title_en="Signing Ceremony")
    en = in_language(c, "en")
    assert (en.event.title, en.event.venue) == ("Signing Ceremony", "会展中心")
    p1, p2, p3 = en.projects
    assert (p1.name, p1.investor) == ("Smart Manufacturing Park", "湘江科技有限公司")
    # person by person: the second signatory has no English yet
    assert p1.signatories == ("Zhang San", "李四")
    # an industry's English given on one project names it on every project (one bar on the chart)
    assert (p1.industry, p2.industry, p3.industry) == ("New IT", "New IT", "生物医药")
    assert [(q.title, q.person, q.role) for q in en.cues] == [
        ("书记致辞", "Zhou Ming", "区委书记"),
        ("", "", ""),
    ]
    assert [d.name for d in en.pads] == ["李四", "Zhang San"]
    # never blank where the Chinese has something; the Chinese ceremony is left as it is; twice is once
    for before, after in zip(c.projects, en.projects, strict=True):
        assert after.name and after.investor and len(after.signatories) == len(before.signatories)
    assert in_language(c, "zh") is c
    assert in_language(en, "en") == en


def test_missing_english_lists_what_an_english_screen_would_show_in_chinese():
    c = ceremony(title_en="Signing Ceremony")
    missing = missing_english(c.event, c.projects, c.cues, KNOWN_INDUSTRIES)
    # p1 lacks its investor and a signatory; 生物医药 has its English in the catalogue; c2 is untitled
    assert missing == {"event": ("venue",), "projects": ("p1", "p2", "p3"), "industries": (), "cues": ("c1",)}
    done = replace(
        c,
        event=replace(c.event, venue_en="Expo Centre"),
        projects=tuple(
            replace(p, name_en="N", investor_en="I", signatories_en=("A", "B")[: len(p.signatories)])
            for p in c.projects
        ),
        cues=(replace(c.cues[0], title_en="Address", role_en="Secretary"), c.cues[1]),
    )
    assert missing_english(done.event, done.projects, done.cues, KNOWN_INDUSTRIES) == {
        "event": (),
        "projects": (),
        "industries": (),
        "cues": (),
    }
    alone = (replace(c.projects[0], industry_en=""), replace(c.projects[1], industry_en=""))
    assert missing_english(c.event, alone, (), KNOWN_INDUSTRIES)["industries"] == ("新一代信息技术",)


PROJECTS_ZH = (
    "项目名称,签约企业,投资额（亿元）,产业类别,签约代表,项目名称（英文）,签约企业(英文),产业（英文）,签约代表（英文）\n"
    '智能制造产业园,湘江科技,1,新一代信息技术,张三、李四,Smart Park,Xiangjiang Tech,New IT,"Zhang San, Li Si"\n'
)
PROJECTS_EN = (
    "name,investor,amount_yi,industry,signatories,name_en,investor_en,industry_en,signatories_en\n"
    "智能制造产业园,湘江科技,1,新一代信息技术,张三、李四,Smart Park,Xiangjiang Tech,New IT,Zhang San；Li Si\n"
)


@pytest.mark.parametrize("text", [PROJECTS_ZH, PROJECTS_EN], ids=["chinese headers", "english headers"])
def test_the_import_takes_the_english_forms_under_either_header(text):
    (draft,) = parse_projects(text.encode(), "p.csv")
    assert (draft.name_en, draft.investor_en, draft.industry_en) == (
        "Smart Park",
        "Xiangjiang Tech",
        "New IT",
    )
    assert draft.signatories_en == ("Zhang San", "Li Si")


AGENDA_ZH = "环节,标题,人物,职务,主持词,标题（英文）,人物（英文）,职务（英文）,主持词（英文）\n致辞,书记致辞,周明,区委书记,有请,Address,Zhou Ming,Secretary,Welcome\n"
AGENDA_EN = "kind,title,person,role,script,title_en,person_en,role_en,script_en\nspeech,书记致辞,周明,区委书记,有请,Address,Zhou Ming,Secretary,Welcome\n"


@pytest.mark.parametrize("text", [AGENDA_ZH, AGENDA_EN], ids=["chinese headers", "english headers"])
def test_the_agenda_import_takes_the_english_forms_under_either_header(text):
    (cue,) = parse_agenda(text.encode(), "a.csv", ())
    assert (cue.title_en, cue.person_en, cue.role_en, cue.script_en) == (
        "Address",
        "Zhou Ming",
        "Secretary",
        "Welcome",
    )


def test_each_english_field_has_its_chinese_fields_limit():
    for english, chinese in (
        ("name_en", "name"),
        ("investor_en", "investor"),
        ("industry_en", "industry"),
        ("signatories_en", "signatories"),
        ("title_en", "title"),
        ("subtitle_en", "subtitle"),
        ("venue_en", "venue"),
        ("host_en", "host"),
        ("cue_title_en", "cue_title"),
        ("cue_person_en", "cue_person"),
        ("cue_role_en", "cue_role"),
        ("cue_script_en", "cue_script"),
    ):
        assert FIELDS[english].limits() == FIELDS[chinese].limits(), english
    event = clean_event({"title_en": " Signing ", "venue_en": ""}, Event(title="签约"))
    assert (event.title_en, event.venue_en) == ("Signing", "")
    with pytest.raises(FieldErrors) as refused:
        clean_event({"title_en": "x" * 121}, Event(title="签约"))
    assert [(p.field, p.code) for p in refused.value.problems] == [("title_en", "too_long")]


def test_the_template_has_the_english_columns():
    sheet = load_workbook(io.BytesIO(xlsx("zh"))).active
    header = [cell.value for cell in sheet[1]]
    assert header[-4:] == ["项目名称（英文）", "签约企业（英文）", "产业（英文）", "签约代表（英文）"]
    assert [cell.value for cell in load_workbook(io.BytesIO(xlsx("en"))).active[1]][-4:] == [
        "name_en",
        "investor_en",
        "industry_en",
        "signatories_en",
    ]


def test_the_api_takes_the_english_forms_and_the_admin_counts_what_is_missing(app, operator):
    r = operator.put("/api/v1/event", json={"title_en": "Signing Ceremony", "host_en": "", "language": "en"})
    assert r.status_code == 200, r.get_json()
    event = r.get_json()
    assert event["title"] == "Signing Ceremony"
    assert event["typed"]["title"] == "株洲高新区（天元区）2021年第二季度重大招商签约活动"
    assert event["typed"]["host_en"] == ""
    projects = operator.get("/api/v1/projects").get_json()["projects"]
    cells = {k: projects[0][k] for k in ("name", "investor", "industry", "signatories")}
    r = operator.put(
        "/api/v1/projects/p1",
        json={**cells, "amount_wan": projects[0]["amount_wan"], "name_en": "", "investor_en": "Dilu"},
    )
    assert r.status_code == 200, r.get_json()
    # the editor gets what was typed; the screens the English, or the Chinese where it is blank
    edited = operator.get("/api/v1/projects").get_json()["projects"][0]
    assert (edited["name"], edited["name_en"], edited["investor_en"]) == (cells["name"], "", "Dilu")
    public = app.extensions["kiosk"].view("public")
    assert (public["projects"][0]["name"], public["projects"][0]["investor"]) == (cells["name"], "Dilu")
    assert public["event"]["host"] == "株洲高新区党工委、管委会（天元区委、区政府）"
    missing = app.extensions["kiosk"].view("operator")["missing_english"]
    assert missing["projects"] == ["p1"] and missing["on_screens"]
    assert (
        missing["text"]
        == "The event's title, subtitle, venue or host has no English; 1 project has no English name"
    )
    operator.put("/api/v1/event", json={"language": "zh"})
    missing = app.extensions["kiosk"].view("operator")["missing_english"]
    assert missing["text"] == "活动名称、副标题、地点或主办单位缺少英文；1个项目缺少英文名称"
    assert not missing["on_screens"]
    rows = [
        {**{k: r["typed"][k] for k in ("title", "person", "role", "script")}, "kind": r["kind"]}
        for r in app.extensions["kiosk"].view("operator")["run_of_show"]["cues"]
    ]
    assert rows[1]["title"].endswith("周建光致辞")


def test_the_english_report_and_press_release_of_the_sample_have_no_chinese(app, operator):
    operator.put("/api/v1/event", json={"language": "en"})
    for i in range(1, 8):
        operator.post(
            "/api/v1/commands", json={"command_id": f"s{i}", "action": "confirm", "project_id": f"p{i}"}
        )
    assert app.extensions["kiosk"].view("operator")["missing_english"]["text"] == ""
    report = operator.get("/api/v1/report.json").get_json()
    press = report.pop("press_summary")
    assert press["en"].startswith(
        "On 21 June 2021, the Zhuzhou High-tech Zone (Tianyuan District) 2021 Q2 Major Investment Signing "
        "Ceremony was held."
    )
    assert not CJK.search(press["en"]), press["en"]
    # the Chinese release stays offered beside the English one
    assert press["zh"].startswith("2021年6月21日，株洲高新区")
    # What the organiser typed for their own eyes has no English form: the concierge (a contact), and
    # the "industry" key, data beside its English label.
    contacts = {p["concierge_name"] for p in report["projects"]}
    industries = report.pop("industries")
    assert not [r["label"] for r in industries if CJK.search(r["label"])]
    leftover = [text for text in _texts(report, skip=("industry", "concierge_name")) if CJK.search(text)]
    assert not leftover, leftover
    sheets = load_workbook(io.BytesIO(operator.get("/api/v1/report.xlsx").data))
    cells = {
        cell.value
        for sheet in sheets.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and CJK.search(cell.value)
    }
    assert cells - contacts <= {press["zh"]}, cells - contacts


def _texts(value, skip=()) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in ("typed", *skip) for t in _texts(v, skip)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v, skip)]
    return []


def test_the_signing_picture_names_the_english_forms(app, operator):
    operator.put("/api/v1/event", json={"language": "en"})
    svg = operator.get("/api/v1/projects/p1/certificate.svg?blank=1").get_data(as_text=True)
    assert "Dilu Smart Vehicle and Key Components Project" in svg and not CJK.search(svg)


def test_the_mcs_monitor_reads_the_english_script(app, operator):
    operator.put("/api/v1/event", json={"language": "en"})
    operator.post("/api/v1/commands", json={"command_id": "g1", "action": "go"})
    operator.post("/api/v1/commands", json={"command_id": "g2", "action": "go"})
    current = app.extensions["kiosk"].view("stage")["run_of_show"]["current"]
    assert (current["person"], current["role"]) == (
        "Zhou Jianguang",
        "Party Secretary of the High-tech Zone and of Tianyuan District",
    )
    assert current["script"].startswith("Since the start of the year") and not CJK.search(current["heading"])
