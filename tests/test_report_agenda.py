"""The report's agenda as it actually ran: planned and actual starts and lengths, delays, skipped and
re-fired cues, each round's signing, in every export format and in both languages; the press summary
naming who spoke, as the article does.

The domain is called directly (a temporary store, a clock that moves only when told): the seed article's
ceremony with an agenda, run cue by cue.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from kiosk.ceremony.service import Ceremony
from kiosk.core.clock import FixedClock
from kiosk.core.model import LogEntry
from kiosk.reporting import report as reporting
from kiosk.reporting.agenda import delay, run_of
from kiosk.setup.agenda import CueDraft, parse_agenda_sheet
from kiosk.setup.sample import load_sample
from kiosk.store.sqlite import Storage
from kiosk.words import format as fmt

SHANGHAI = "Asia/Shanghai"
ZHOU = ("高新区党工委书记、天元区委书记", "周建光")
WU = ("万洋众创城投资集团有限公司总裁", "吴建明")
BAO = ("深圳市北科生物有限公司副董事长", "包磊")
QIN = ("市委常委、统战部部长", "覃万成")

AGENDA = [
    CueDraft("opening", "仪式开始", planned_time="09:30", minutes=5, script="各位领导、各位来宾…"),
    CueDraft("speech", "区领导致辞", person=ZHOU[1], role=ZHOU[0], planned_time="09:35", minutes=10),
    CueDraft("video", "新区宣传片", planned_time="09:45", minutes=3),
    CueDraft("signing", "第一轮签约", project_orders=(1, 2), planned_time="09:48", minutes=10),
    CueDraft("remarks", "企业代表发言", person=WU[1], role=WU[0], planned_time="09:58", minutes=5),
    CueDraft("remarks", "企业代表发言", person=BAO[1], role=BAO[0], planned_time="10:03", minutes=5),
    CueDraft("signing", "第二轮签约", project_orders=(3, 4, 5, 6, 7), planned_time="10:08", minutes=10),
    CueDraft("speech", "市领导讲话", person=QIN[1], role=QIN[0], planned_time="10:18", minutes=8),
    CueDraft("closing", "签约仪式结束", planned_time="10:26", minutes=2),
]


@pytest.fixture
def show(tmp_path):
    """The sample ceremony with the agenda above, on a clock at 09:25 on the event's day."""
    clock = FixedClock("2021-06-21T09:25:00+08:00")
    storage = Storage(tmp_path / "kiosk.db", clock)
    ceremony = Ceremony(storage, clock=clock)
    load_sample(ceremony)
    ceremony.import_agenda(AGENDA)
    made = Show(ceremony, clock)
    yield made
    storage.close()


class Show:
    def __init__(self, ceremony: Ceremony, clock: FixedClock):
        self.ceremony, self.clock, self.n = ceremony, clock, 0

    def at(self, hhmmss: str) -> None:
        """Move the clock on to ``hhmmss`` on the same day."""
        h, m, s = (int(x) for x in hhmmss.split(":"))
        now = self.clock.now()
        target = now.replace(hour=h, minute=m, second=s)
        assert target >= now
        self.clock.advance((target - now).total_seconds())

    def do(self, when: str, action: str, **fields) -> dict:
        self.at(when)
        self.n += 1
        status, answer = self.ceremony.execute(
            {"command_id": f"c{self.n}", "action": action, **fields}, "test"
        )
        assert status == 200, answer
        return answer["state"]

    def cue(self, title: str, person: str | None = None) -> str:
        return next(
            q.id
            for q in self.ceremony.current().cues
            if q.title == title and (person is None or q.person == person)
        )

    def sign_round(self, when: str) -> list[str]:
        """Confirm the round the operator view says is waiting, at one moment."""
        ids = self.ceremony.view("operator")["run_of_show"]["round"]["project_ids"]
        self.do(when, "confirm", project_ids=ids)
        return ids


def run_the_show(s: Show) -> None:
    s.do("09:31:10", "go")  # opening, 70 s late
    s.do("09:34:40", "go")  # the district's speech, 20 s early: on time
    s.do("09:46:10", "jump", cue_id=s.cue("第一轮签约"))  # the film is skipped
    assert s.sign_round("09:50:00") == ["p1", "p2"]
    s.do("09:51:00", "go")  # 吴建明
    s.do("09:55:00", "go")  # 包磊
    s.do("09:57:00", "back")  # 吴建明 again (he had one more thing to say)
    s.do("09:58:30", "jump", cue_id=s.cue("第二轮签约"))
    assert s.sign_round("10:05:00") == ["p3", "p4", "p5", "p6", "p7"]
    s.do("10:06:00", "jump", cue_id=s.cue("签约仪式结束"))  # the city's speech is skipped
    s.do("10:08:00", "note", text="请嘉宾合影")  # the run's last entry


FIGURES = [
    # title, status, started, planned, actual seconds, delay seconds, delay minutes, fired again
    ("仪式开始", "done", "09:31:10", "09:30", 210, 70, 1, 0),
    ("区领导致辞", "done", "09:34:40", "09:35", 690, -20, 0, 0),
    ("新区宣传片", "skipped", "", "09:45", None, None, None, 0),
    ("第一轮签约", "done", "09:46:10", "09:48", 290, -110, -2, 0),
    ("企业代表发言", "done", "09:51:00", "09:58", 240, -420, -7, 1),
    ("企业代表发言", "done", "09:55:00", "10:03", 120, -480, -8, 0),
    ("第二轮签约", "done", "09:58:30", "10:08", 450, -570, -10, 0),
    ("市领导讲话", "skipped", "", "10:18", None, None, None, 0),
    ("签约仪式结束", "done", "10:06:00", "10:26", 120, -1200, -20, 0),
]


def test_the_agenda_as_it_ran(show):
    run_the_show(show)
    data = reporting.of(show.ceremony)
    agenda = data["agenda"]
    assert [
        (
            r["title"],
            r["status"],
            r["started_time"],
            r["planned_time"],
            r["actual_seconds"],
            r["delay_seconds"],
            r["delay_minutes"],
            r["refired"],
        )
        for r in agenda
    ] == FIGURES
    assert [r["kind_label"] for r in agenda] == [
        "开场",
        "致辞",
        "视频",
        "签约",
        "发言",
        "发言",
        "签约",
        "致辞",
        "结束",
    ]
    opening, speech, film, round1, wu, bao, round2, qin, closing = agenda
    assert (opening["planned_at"], opening["started_at"], opening["ended_at"]) == (
        "2021-06-21T09:30:00+08:00",
        "2021-06-21T09:31:10+08:00",
        "2021-06-21T09:34:40+08:00",
    )
    assert (opening["planned_minutes"], opening["planned_text"], opening["actual_text"]) == (
        5,
        "5分钟",
        "3分30秒",
    )
    assert (opening["delay_text"], speech["delay_text"], round1["delay_text"]) == (
        "晚1分钟",
        "准时",
        "早2分钟",
    )
    assert (speech["person"], speech["role"], speech["actual_text"]) == (ZHOU[1], ZHOU[0], "11分30秒")
    assert (closing["actual_text"], closing["delay_text"]) == ("2分钟", "早20分钟")
    # Skipped: never fired while a later cue was; nothing measured.
    for skipped in (film, qin):
        assert (skipped["status_text"], skipped["fired"], skipped["firings"]) == ("已跳过", 0, [])
        assert skipped["actual_text"] == skipped["delay_text"] == skipped["started_time"] == ""
        assert skipped["planned_at"] == f"2021-06-21T{skipped['planned_time']}:00+08:00"
    # Re-fired: its length is the first run's; each firing is kept with its own.
    assert (wu["person"], wu["fired"], wu["refired"]) == (WU[1], 2, 1)
    assert [(f["action"], f["time"], f["seconds"]) for f in wu["firings"]] == [
        ("go", "09:51:00", 240),
        ("back", "09:57:00", 90),
    ]
    assert (bao["person"], bao["refired"], bao["actual_text"]) == (BAO[1], 0, "2分钟")
    # Each round: when its confirm happened, all its projects at one moment.
    assert round1["round"] == {
        "project_count": 2,
        "signed_count": 2,
        "confirms": [
            {"seq": round1["round"]["confirms"][0]["seq"], "at": "2021-06-21T09:50:00+08:00"}
            | {"time": "09:50:00", "project_ids": ["p1", "p2"]}
        ],
        "signed_at": "2021-06-21T09:50:00+08:00",
        "signed_time": "09:50:00",
    }
    assert (round1["signed_time"], round2["signed_time"]) == ("09:50:00", "10:05:00")
    assert (round2["projects_text"], round2["round"]["signed_count"]) == ("3、4、5、6、7", 5)
    assert opening["script"] == "各位领导、各位来宾…" and wu["round"] is None
    assert (speech["speaker"], opening["speaker"]) == ("高新区党工委书记、天元区委书记周建光", "")


def test_a_show_still_running_and_an_undone_round(show):
    show.do("09:29:00", "go")
    first = reporting.of(show.ceremony)["agenda"]
    assert (first[0]["status"], first[0]["actual_seconds"], first[0]["actual_text"]) == (
        "running",
        None,
        "仍在进行",
    )
    assert (first[0]["status_text"], first[0]["delay_text"], first[0]["delay_minutes"]) == (
        "进行中",
        "早1分钟",
        -1,
    )
    # Not reached yet (the show has not got there) is not skipped.
    assert {r["status"] for r in first[1:]} == {"not_reached"} and first[1]["status_text"] == "未进行"
    # The admin's report draws each state in a project's colours, and greys what did not run.
    assert (first[0]["chip"], first[0]["ran"], first[1]["chip"], first[1]["ran"]) == (
        "announced",
        True,
        "pending",
        False,
    )

    show.do("09:30:00", "jump", cue_id=show.cue("第一轮签约"))
    show.sign_round("09:31:00")
    show.do("09:32:00", "undo")
    agenda = reporting.of(show.ceremony)["agenda"]
    # The round ran until the run's last entry (the undo); its confirm was taken back.
    assert (agenda[0]["actual_seconds"], agenda[3]["status"], agenda[3]["actual_seconds"]) == (
        60,
        "done",
        120,
    )
    assert agenda[3]["round"]["confirms"] == [] and agenda[3]["round"]["signed_at"] is None
    assert [r["status"] for r in agenda[1:3]] == ["skipped", "skipped"]
    assert [(r["chip"], r["ran"]) for r in agenda[:4]] == [
        ("signed", True),
        ("pending", False),
        ("pending", False),
        ("signed", True),
    ]


def test_a_signing_from_the_project_list_starts_its_round(show):
    """An operator who signs from the project list, without firing the cue, still starts the round: the
    console and the MC's monitor follow it, and so does the report."""
    show.do("09:30:00", "go")
    show.do("09:35:00", "confirm", project_ids=["p1", "p2"])
    show.do("09:40:00", "announce", project_id="p3")
    show.do("09:41:00", "confirm", project_id="p3")
    show.do("09:42:00", "confirm", project_id="p4")
    agenda = reporting.of(show.ceremony)["agenda"]
    round2 = agenda[6]
    assert (round2["started_time"], round2["fired"], round2["firings"][0]["action"]) == (
        "09:40:00",
        1,
        "announce",
    )
    assert [c["time"] for c in round2["round"]["confirms"]] == ["09:41:00", "09:42:00"]
    assert (round2["round"]["signed_count"], round2["signed_time"], round2["round"]["signed_at"]) == (
        2,
        "09:41:00、09:42:00",
        None,  # three of its projects are still to sign
    )
    assert (agenda[3]["started_time"], agenda[3]["firings"][0]["action"]) == ("09:35:00", "confirm")
    assert agenda[0]["actual_seconds"] == 300


def test_a_signing_out_of_order_starts_no_round(show):
    """Round 2's project signed while round 1 is unsigned: the agenda stays where it was (the state's rule,
    ``rules.in_order``), so the report starts neither round; the signing still stands in round 2's row."""
    show.do("09:30:00", "go")
    show.do("09:40:00", "announce", project_id="p3")
    show.do("09:41:00", "confirm", project_id="p3")
    agenda = reporting.of(show.ceremony)["agenda"]
    assert [(r["status"], r["fired"]) for r in (agenda[3], agenda[6])] == [("not_reached", 0)] * 2
    assert [c["time"] for c in agenda[6]["round"]["confirms"]] == ["09:41:00"]
    assert agenda[0]["actual_seconds"] == 660


def test_delays_by_time_of_day_without_a_date_or_on_another_day(show):
    show.ceremony.save_event(replace(show.ceremony.event, date=""))
    show.do("09:36:30", "go")
    row = reporting.of(show.ceremony)["agenda"][0]
    assert (row["planned_at"], row["delay_seconds"], row["delay_text"]) == (None, 390, "晚7分钟")
    # A rehearsal the evening before, or a run past midnight: the time of day, not the day.
    cue = show.ceremony.current().cues[0]
    assert delay(cue, "2021-06-20T09:29:00+08:00", SHANGHAI) == -60
    assert delay(replace(cue, planned_time="23:55"), "2021-06-22T00:05:00+08:00", SHANGHAI) == 600
    assert delay(replace(cue, planned_time=None), "2021-06-21T09:29:00+08:00", SHANGHAI) is None
    # Recorded by a server on UTC: the plan is still the venue's 09:30.
    assert delay(cue, "2021-06-21T01:29:00+00:00", SHANGHAI) == -60


def test_the_formatters():
    assert [fmt.duration(s, "zh") for s in (0, 45, 300, 270, 3600, 3900, 3930)] == [
        "0秒",
        "45秒",
        "5分钟",
        "4分30秒",
        "1小时",
        "1小时5分",
        "1小时5分30秒",
    ]
    assert [fmt.duration(s, "en") for s in (0, 45, 300, 270, 3900)] == [
        "0 s",
        "45 s",
        "5 min",
        "4 min 30 s",
        "1 h 5 min",
    ]
    assert [fmt.delay_minutes(s) for s in (0, 59, -59, 60, 89, 90, -90, -150)] == [0, 0, 0, 1, 1, 2, -2, -3]
    assert [fmt.delay(s, "zh") for s in (30, 90, -150)] == ["准时", "晚2分钟", "早3分钟"]
    assert [fmt.delay(s, "en") for s in (-30, 60, 90, -60, -150)] == [
        "on time",
        "1 minute late",
        "2 minutes late",
        "1 minute early",
        "3 minutes early",
    ]


def test_the_press_summary_names_who_spoke(show):
    summary = reporting.of(show.ceremony)["press_summary"]
    assert "致辞" not in summary["zh"] and "发言" not in summary["zh"]  # nothing has happened yet
    run_the_show(show)
    zh = reporting.of(show.ceremony)["press_summary"]["zh"]
    assert zh.endswith(
        "所涉及的产业均来自新能源汽车、生物医药、现代农业、新材料等。"
        "高新区党工委书记、天元区委书记周建光致辞。"
        "万洋众创城投资集团有限公司总裁吴建明、深圳市北科生物有限公司副董事长包磊作为企业代表发言。"
    )
    assert QIN[1] not in zh  # his speech never happened
    assert zh.count(WU[1]) == 1  # fired twice, named once

    show.ceremony.save_event(replace(show.ceremony.event, language="en"))
    en = reporting.of(show.ceremony)["press_summary"]["en"]
    assert en.endswith(
        " 周建光 (高新区党工委书记、天元区委书记) gave a speech."
        " 吴建明 (万洋众创城投资集团有限公司总裁) and 包磊 (深圳市北科生物有限公司副董事长)"
        " spoke as representatives of the companies."
    )


def test_several_speeches_in_one_sentence(show):
    show.ceremony.import_agenda(
        [
            CueDraft("speech", "致辞", person=QIN[1], role=QIN[0]),
            CueDraft("speech", "致辞", person=ZHOU[1], role=ZHOU[0]),
            CueDraft("speech", "致辞", person="姚永告", role="天元区区长"),
            CueDraft("remarks", "发言", person=BAO[1], role=BAO[0]),
        ]
    )
    for when in ("09:30:00", "09:40:00", "09:50:00"):
        show.do(when, "go")
    show.do("09:55:00", "jump", cue_id=show.cue("发言"))
    summary = reporting.of(show.ceremony)["press_summary"]
    # A title with "、" in it: the speakers are set apart with "，".
    assert summary["zh"].endswith(
        "签约尚未开始。市委常委、统战部部长覃万成，高新区党工委书记、天元区委书记周建光，天元区区长姚永告分别致辞。"
        "深圳市北科生物有限公司副董事长包磊作为企业代表发言。"
    )
    assert "Speeches were given by 覃万成 (市委常委、统战部部长), 周建光 (" in summary["en"]
    assert summary["en"].endswith(
        "包磊 (深圳市北科生物有限公司副董事长) spoke as a representative of the companies."
    )


def test_every_format_carries_the_agenda(show):
    run_the_show(show)
    data = reporting.of(show.ceremony)
    assert json.loads(reporting.to_json(data))["agenda"] == data["agenda"]

    rows = list(csv.reader(io.StringIO(reporting.to_csv(data).decode("utf-8-sig"))))
    head = rows.index(
        [
            "序号",
            "环节",
            "标题",
            "人物",
            "职务",
            "项目",
            "计划时间",
            "时长（分钟）",
            "实际开始",
            "实际时长",
            "偏差（分钟）",
            "与计划相比",
            "再次触发",
            "状态",
            "签约时间",
            "主持词",
        ]
    )
    body = rows[head + 1 : head + 10]
    assert body[0][:14] == [
        "1",
        "开场",
        "仪式开始",
        "",
        "",
        "",
        "09:30",
        "5",
        "09:31:10",
        "3分30秒",
        "1",
        "晚1分钟",
        "0",
        "已完成",
    ]
    assert body[2][1:3] + body[2][13:14] == ["视频", "新区宣传片", "已跳过"]
    assert body[3][5] == "1、2" and body[3][14] == "09:50:00"
    assert body[4][10:13] == ["-7", "早7分钟", "1"]
    assert rows[head + 10] == []  # then the audit

    book = load_workbook(io.BytesIO(reporting.to_xlsx(data)))
    assert book.sheetnames == ["项目", "流程", "汇总", "审计日志"]
    sheet = book["流程"]
    assert [c.value for c in sheet[1]][:3] == ["序号", "环节", "标题"]
    second = [c.value for c in sheet[3]]
    assert second[:8] == [2, "致辞", "区领导致辞", ZHOU[1], ZHOU[0], None, "09:35", 10]
    assert second[8:14] == ["09:34:40", "11分30秒", 0, "准时", 0, "已完成"]
    assert sheet["K5"].value == -2 and sheet["M6"].value == 1 and sheet.max_row == 10
    # Read back as an import, the report's workbook brings the same agenda.
    assert parse_agenda_sheet(reporting.to_xlsx(data), "report.xlsx", range(1, 8)) == AGENDA


def test_the_agenda_in_english(show):
    show.ceremony.save_event(replace(show.ceremony.event, language="en"))
    run_the_show(show)
    data = reporting.of(show.ceremony)
    opening, speech, film, round1, wu = data["agenda"][:5]
    assert (opening["planned_text"], opening["actual_text"], opening["delay_text"]) == (
        "5 min",
        "3 min 30 s",
        "1 minute late",
    )
    assert (speech["delay_text"], round1["delay_text"], wu["delay_text"]) == (
        "on time",
        "2 minutes early",
        "7 minutes early",
    )
    assert (film["status_text"], opening["status_text"]) == ("Skipped", "Done")
    assert speech["speaker"] == "周建光 (高新区党工委书记、天元区委书记)"

    book = load_workbook(io.BytesIO(reporting.to_xlsx(data)))
    assert "Agenda" in book.sheetnames
    head = [c.value for c in book["Agenda"][1]]
    assert head[1:9] == ["Kind", "Title", "Person", "Role", "Projects", "Time", "Minutes", "Started"]
    assert head[9:13] == ["Ran for", "Off plan (min)", "Against plan", "Fired again"]
    assert book["Agenda"]["L2"].value == "1 minute late"


def test_without_the_log_nothing_is_reported_as_run(show):
    show.do("09:30:00", "go")
    c = show.ceremony.current()
    data = reporting.build(c, {}, [], "2021-06-21T12:00:00+08:00")
    assert {r["status"] for r in data["agenda"]} == {"not_reached"}
    runs = run_of(c.cues, [LogEntry(seq=1, action="setup", at="2021-06-21T09:00:00+08:00")])
    assert [r.status for r in runs] == ["not_reached"] * len(AGENDA)


def test_a_server_on_utc_reports_on_the_venues_clock(tmp_path):
    """The laptop runs on UTC (no KIOSK_TIMEZONE): the log records 01:31:10+00:00 for the venue's 09:31:10.
    Every time the report shows is the venue's (Asia/Shanghai, the event's default), the delay is against
    the venue's plan, and the exports carry the zone: ISO with +08:00 for machines, "(UTC+8)" for people."""
    clock = FixedClock("2021-06-21T01:25:00+00:00")
    storage = Storage(tmp_path / "kiosk.db", clock)
    try:
        ceremony = Ceremony(storage, clock=clock)
        load_sample(ceremony)
        ceremony.import_agenda(AGENDA)
        s = Show(ceremony, clock)
        s.do("01:31:10", "go")  # the opening, planned for 09:30 in Shanghai: 70 s late
        s.do("01:34:40", "confirm", project_id="p1")
        data = reporting.of(ceremony)
        opening, p1 = data["agenda"][0], data["projects"][0]
        assert (opening["planned_at"], opening["started_at"]) == (
            "2021-06-21T09:30:00+08:00",
            "2021-06-21T09:31:10+08:00",
        )
        assert (opening["started_time"], opening["delay_seconds"], opening["delay_text"]) == (
            "09:31:10",
            70,
            "晚1分钟",
        )
        assert (p1["signed_at"], p1["signed_time"], p1["signed_text"]) == (
            "2021-06-21T09:34:40+08:00",
            "09:34",
            "2021年6月21日 09:34",
        )
        assert data["generated_time"] == "09:34" and data["generated_at"] == "2021-06-21T09:34:40+08:00"
        assert data["audit"][-1]["received_time"] == "09:34:40"
        assert json.loads(reporting.to_json(data))["projects"][0]["signed_at"].endswith("+08:00")

        book = load_workbook(io.BytesIO(reporting.to_xlsx(data)))
        projects = book["项目"]
        column = [c.value for c in projects[1]].index("签约时间")
        assert projects.cell(row=2, column=column + 1).value == "2021-06-21 09:34:40 (UTC+8)"
        assert book["审计日志"]["A2"].value.endswith("(UTC+8)")
        assert book["流程"]["I2"].value == "09:31:10"
        rows = list(csv.reader(io.StringIO(reporting.to_csv(data).decode("utf-8-sig"))))
        assert rows[1][column] == "2021-06-21 09:34:40 (UTC+8)"
    finally:
        storage.close()
