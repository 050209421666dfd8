"""The agenda (流程) import: CSV/XLSX bytes in, cues or exact ``row N, column NAME: reason`` problems out;
the command line stores both sheets of a workbook or neither."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from harness import run_kiosk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.model import CUE_KINDS, SPEAKING_KINDS
from kiosk.setup import fields
from kiosk.setup.agenda import (
    AGENDA_HEADERS,
    MAX_CUES,
    PROJECT_KINDS,
    ROUND_KINDS,
    CueDraft,
    cue_from_cells,
    parse_agenda,
    parse_agenda_sheet,
)
from kiosk.setup.fields import FieldErrors
from kiosk.setup.importer import ImportFailed, parse_projects
from kiosk.setup.sample import sample_agenda_csv, sample_csv
from kiosk.words.show import CUE_KIND_WORDS

HEADER = ["序号", "环节", "标题", "人物", "职务", "项目", "计划时间", "时长", "主持词", "备注"]
ENGLISH = ["ORDER", "Kind", "title", "Person", "role", "Projects", "TIME", "minutes", "Script", "notes"]
ROWS = [
    [1, "开场", "签约仪式开始", "", "", "", "9:30", "5", "各位领导、各位来宾：\n大家上午好！", "示意"],
    [2, "致辞", "书记致辞", "周建光", "党工委书记", "", "09:35", "8", "", ""],
    [3, "签约", "第一轮签约", "", "", "1、2、3", "09:43", "6", "", ""],
    [4, "授钥匙", "授予金钥匙", "", "", "1，2;3", "", "", "", ""],
    [5, "结束", "结束", "", "", "", "10:00", "", "", ""],
]
EXPECTED = [
    CueDraft(
        "opening",
        "签约仪式开始",
        planned_time="09:30",
        minutes=5,
        script="各位领导、各位来宾：\n大家上午好！",
    ),
    CueDraft("speech", "书记致辞", "周建光", "党工委书记", planned_time="09:35", minutes=8),
    CueDraft("signing", "第一轮签约", project_orders=(1, 2, 3), planned_time="09:43", minutes=6),
    CueDraft("handover", "授予金钥匙", project_orders=(1, 2, 3)),
    CueDraft("closing", "结束", planned_time="10:00"),
]
SEVEN = range(1, 8)


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                # Text that starts with "=" stays text, as Excel keeps it when typed after a quote.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_of(rows: list[list[object]], orders=SEVEN) -> list[str]:
    """The problems of an agenda CSV, [] when it is read."""
    try:
        parse_agenda(csv_bytes(rows), "agenda.csv", orders)
    except ImportFailed as failed:
        return failed.lines("zh")
    return []


def table(*rows: dict[str, object]) -> list[list[object]]:
    """Rows given as header -> cell, in a file with every header any of them uses."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    return [header] + [[row.get(key, "") for key in header] for row in rows]


def cue(**cells: object) -> dict[str, object]:
    return {"环节": "开场", "标题": "开场", **cells}


# --- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_with_chinese_headers(encoding):
    assert parse_agenda(csv_bytes([HEADER, *ROWS], encoding), "流程.csv", SEVEN) == EXPECTED


def test_english_headers_any_case_and_an_ignored_notes_column():
    assert parse_agenda(csv_bytes([ENGLISH, *ROWS]), "agenda.csv", SEVEN) == EXPECTED


def test_xlsx_with_typed_cells():
    rows = [
        [1.0, "开场", "签约仪式开始", None, None, None, time(9, 30), 5, "各位领导、各位来宾：\n大家上午好！"],
        [2, "speech", "书记致辞", "周建光", "党工委书记", None, datetime(2021, 6, 21, 9, 35), 8.0, None],
        [3, "SIGNING", "第一轮签约", None, None, "1、2、3", "09:43", 6, None],
        [4, "授钥匙", "授予金钥匙", None, None, "1,2,3", None, None, None],
        [5, "结束", "结束", None, None, None, timedelta(hours=10), None, None],
    ]
    data = workbook(("流程", [HEADER[:9], *rows]))
    assert parse_agenda(data, "流程.xlsx", SEVEN) == EXPECTED


def test_a_single_number_cell_names_one_project():
    rows = [HEADER[:6], [1, "签约", "压轴签约", "", "", 7]]
    data = workbook(("Sheet", rows))
    assert parse_agenda(data, "a.xlsx", SEVEN)[0].project_orders == (7,)


def test_sorted_by_order_or_kept_in_file_order():
    rows = [HEADER[:3], [3, "结束", "c"], [1, "开场", "a"], [2, "合影", "b"]]
    assert [c.title for c in parse_agenda(csv_bytes(rows), "a.csv", SEVEN)] == ["a", "b", "c"]
    rows = [["环节", "标题"], ["结束", "c"], ["开场", "a"]]
    assert [c.title for c in parse_agenda(csv_bytes(rows), "a.csv", SEVEN)] == ["c", "a"]


def test_every_kind_in_chinese_or_english_and_the_handover_aliases():
    assert set(CUE_KIND_WORDS.values()) == set(CUE_KINDS)
    words = [*CUE_KIND_WORDS, *CUE_KINDS, "授牌", "授予金钥匙", " Opening ", "ＶＩＤＥＯ"]
    rows = [["环节", "标题", "人物", "项目"]]
    for number, word in enumerate(words, start=1):
        kind = fields.parse("cue_kind", word)
        person = "某人" if kind in SPEAKING_KINDS else ""
        rows.append([word, "标题", person, number if kind == "signing" else ""])
    kinds = [c.kind for c in parse_agenda(csv_bytes(rows), "a.csv", range(1, len(words) + 1))]
    assert kinds == [*CUE_KIND_WORDS.values(), *CUE_KINDS, "handover", "handover", "opening", "video"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9:05", "09:05"),
        ("09:05", "09:05"),
        ("9：05", "09:05"),
        ("０９:３０", "09:30"),
        ("23:59", "23:59"),
        ("10:00:00", "10:00"),
        (time(9, 5), "09:05"),
        (time(9, 4, 59, 999_999), "09:05"),
        (datetime(2021, 6, 21, 14, 0), "14:00"),
        (timedelta(hours=9, minutes=30), "09:30"),
        (0.3958333333333333, "09:30"),  # 09:30 in a cell formatted as a number
    ],
)
def test_planned_times(typed, stored):
    assert fields.parse("cue_time", typed) == stored


@pytest.mark.parametrize(
    "typed", ["24:00", "9.30", "930", "09:30:15", "9点30", time(9, 30, 15), 1.5, 930, timedelta(days=1)]
)
def test_planned_times_that_fail(typed):
    with pytest.raises(fields.FieldError) as err:
        fields.parse("cue_time", typed)
    assert err.value.code == "bad_time"


def test_the_header_of_a_minutes_column_may_name_its_unit():
    rows = [["环节", "标题", "时长（分钟）"], ["开场", "开场", "600"]]
    assert parse_agenda(csv_bytes(rows), "a.csv", SEVEN)[0].minutes == 600


def test_cue_from_cells_is_the_one_rule_for_a_cue():
    assert cue_from_cells({"cue_kind": "发言", "cue_title": "发言", "cue_person": "包磊"}) == CueDraft(
        "remarks", "发言", "包磊"
    )
    with pytest.raises(FieldErrors) as err:
        cue_from_cells({"cue_kind": "签约", "cue_title": "", "cue_minutes": "0"})
    assert [(p.field, p.code) for p in err.value.problems] == [
        ("cue_title", "required"),
        ("cue_projects", "projects_needed"),
        ("cue_minutes", "bad_minutes"),
    ]
    with pytest.raises(ValueError, match="unknown field keys"):
        cue_from_cells({"kind": "开场"})


# --- problems --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            cue(环节="飞行"),
            "column 环节: 只能是 开场、致辞、发言、签约、授钥匙、视频、合影、结束 之一"
            "（英文 opening, speech, remarks, signing, handover, video, photo, closing）",
        ),
        (cue(环节=""), "column 环节: 必填"),
        (cue(标题=" "), "column 标题: 必填"),
        (cue(标题="长" * 121), "column 标题: 不能超过 120 个字符"),
        (cue(环节="致辞"), "column 人物: 致辞和发言环节必须填写人物"),
        (cue(环节="发言", 人物="张\n三"), "column 人物: 不能包含换行或其他控制字符"),
        (cue(环节="签约"), "column 项目: 签约环节必须填写本轮签约的项目序号，如 1、2、3"),
        (cue(项目="1"), "column 项目: 只有签约和授钥匙环节可以填写项目"),
        (cue(环节="签约", 项目="1、x"), "column 项目: 填签约顺序中的项目序号，用、或逗号分隔，如 1、2、3"),
        (cue(环节="签约", 项目="0"), "column 项目: 填签约顺序中的项目序号，用、或逗号分隔，如 1、2、3"),
        (cue(环节="签约", 项目="1.5"), "column 项目: 填签约顺序中的项目序号，用、或逗号分隔，如 1、2、3"),
        (cue(环节="签约", 项目="2、2"), "column 项目: 项目 2 写了两次"),
        (cue(环节="签约", 项目="8"), "column 项目: 签约顺序里没有序号为 8 的项目（共 7 个项目）"),
        (cue(环节="授钥匙", 项目="1、9"), "column 项目: 签约顺序里没有序号为 9 的项目（共 7 个项目）"),
        (cue(计划时间="9.30"), "column 计划时间: 时间格式为 HH:MM，如 09:30"),
        (cue(时长="0"), "column 时长: 必须是 1 到 600 的整数（分钟）"),
        (cue(时长="601"), "column 时长: 必须是 1 到 600 的整数（分钟）"),
        (cue(时长="1.5"), "column 时长: 必须是 1 到 600 的整数（分钟）"),
        (cue(时长="5分钟"), "column 时长: 只填数字，不要带单位或文字"),
        (cue(主持词="词" * 4001), "column 主持词: 不能超过 4000 个字符"),
        (cue(主持词="#REF!"), "column 主持词: 是 Excel 错误值 #REF!，请检查公式"),
    ],
)
def test_every_problem_names_its_row_and_column(cells, expected):
    good = cue(环节="结束", 标题="结束")
    assert problems_of(table(good, cells)) == [f"row 3, {expected}"]


def test_every_problem_of_every_row_is_reported_in_column_order():
    rows = table(
        cue(序号="1", 环节="发言", 项目="3", 时长="x"),
        cue(序号="1", 标题="", 计划时间="25:00"),
    )
    assert problems_of(rows) == [
        "row 2, column 人物: 致辞和发言环节必须填写人物",
        "row 2, column 项目: 只有签约和授钥匙环节可以填写项目",
        "row 2, column 时长: 只填数字，不要带单位或文字",
        "row 3, column 序号: 序号 1 与第 2 行重复",
        "row 3, column 标题: 必填",
        "row 3, column 计划时间: 时间格式为 HH:MM，如 09:30",
    ]


def test_order_for_every_row_or_none():
    rows = table(cue(序号="1"), cue(序号=""), cue(序号="第一"), cue(序号="0"))
    assert problems_of(rows) == [
        "row 3, column 序号: 其他行填写了序号，这一行也必须填写",
        "row 4, column 序号: 只填数字，不要带单位或文字",
        "row 5, column 序号: 必须是正整数",
    ]


def test_no_project_in_two_signing_rounds_but_a_handover_may_name_any():
    rows = table(
        cue(环节="签约", 项目="1、2、3"),
        cue(环节="签约", 项目="3、4、2"),
        cue(环节="授钥匙", 项目="1、2、3、4"),
    )
    assert problems_of(rows) == [
        "row 3, column 项目: 项目 3 已在第 2 行的签约环节中",
        "row 3, column 项目: 项目 2 已在第 2 行的签约环节中",
    ]


def test_the_project_numbers_are_those_given():
    rows = table(cue(环节="签约", 项目="5、9"))
    assert problems_of(rows, orders=[5, 9]) == []
    assert problems_of(rows, orders=[]) == [
        "row 2, column 项目: 签约顺序里没有序号为 5 的项目（共 0 个项目）",
        "row 2, column 项目: 签约顺序里没有序号为 9 的项目（共 0 个项目）",
    ]


def test_missing_columns_are_named_in_the_readers_language():
    with pytest.raises(ImportFailed) as failed:
        parse_agenda(csv_bytes([["序号", "人物"], ["1", "某人"]]), "a.csv", SEVEN)
    assert failed.value.lines("zh") == [
        "row 1, column 环节: 缺少这一必填列",
        "row 1, column 标题: 缺少这一必填列",
    ]
    assert [p.where_column("en") for p in failed.value.problems] == ["kind", "title"]
    assert failed.value.sentences("zh")[0] == "第 1 行“环节”：缺少这一必填列"


def test_a_required_person_or_round_in_a_column_the_file_lacks_still_names_it():
    with pytest.raises(ImportFailed) as failed:
        parse_agenda(csv_bytes([["环节", "标题"], ["致辞", "致辞"], ["签约", "签约"]]), "a.csv", SEVEN)
    assert failed.value.lines("zh") == [
        "row 2, column 人物: 致辞和发言环节必须填写人物",
        "row 3, column 项目: 签约环节必须填写本轮签约的项目序号，如 1、2、3",
    ]
    assert [p.where_column("en") for p in failed.value.problems] == ["person", "projects"]


def test_duplicate_headers_even_across_languages():
    rows = [["环节", "标题", "kind"], ["开场", "开场", "开场"]]
    assert problems_of(rows) == ["row 1, column kind: 表头重复：第 A 列和第 C 列"]


def test_file_level_problems():
    assert problems_of([["环节", "标题"]]) == ["流程里没有环节：表头下面没有数据行"]
    too_many = [["环节", "标题"]] + [["开场", "开场"]] * (MAX_CUES + 1)
    assert problems_of(too_many) == [f"环节太多：最多 {MAX_CUES} 行"]
    with pytest.raises(ImportFailed) as failed:
        parse_agenda(b"kind,title\n", "agenda.txt", SEVEN)
    assert failed.value.lines("zh") == ["不支持的文件类型：请上传 .xlsx 或 .csv 文件"]
    with pytest.raises(ImportFailed) as failed:
        parse_agenda(b"kind,title\n", "agenda.xlsx", SEVEN)
    assert failed.value.problems[0].code == "not_xlsx"


# --- a workbook with both sheets -------------------------------------------------------------------

PROJECTS = [
    ["序号", "项目名称", "签约企业", "投资额（亿元）"],
    [1, "项目甲", "甲公司", 1],
    [2, "项目乙", "乙公司", 2],
]
AGENDA = [["序号", "环节", "标题", "项目"], [1, "开场", "开场", None], [2, "签约", "签约", "1、2"]]


@pytest.mark.parametrize("title", ["流程", "agenda", "Agenda", " 流 程 "])
def test_the_projects_come_from_the_first_sheet_that_is_not_the_agenda(title):
    data = workbook((title, AGENDA), ("项目", PROJECTS))
    assert [p.name for p in parse_projects(data, "book.xlsx")] == ["项目甲", "项目乙"]
    agenda = parse_agenda_sheet(data, "book.xlsx", [1, 2])
    assert agenda is not None
    assert [c.kind for c in agenda] == ["opening", "signing"]
    assert parse_agenda(data, "book.xlsx", [1, 2]) == agenda


def test_only_a_sheet_named_so_is_the_agenda_of_a_projects_workbook():
    data = workbook(("项目", PROJECTS), ("其他", AGENDA))
    assert parse_agenda_sheet(data, "book.xlsx", [1, 2]) is None
    assert parse_agenda_sheet(csv_bytes(AGENDA), "agenda.csv", [1, 2]) is None
    # Alone, any workbook's agenda is its first sheet.
    assert len(parse_agenda(workbook(("Sheet1", AGENDA)), "a.xlsx", [1, 2])) == 2


def test_a_workbook_of_the_agenda_alone_has_no_projects():
    with pytest.raises(ImportFailed) as failed:
        parse_projects(workbook(("流程", AGENDA)), "book.xlsx")
    assert failed.value.lines("zh") == ["工作簿里只有流程工作表，没有项目工作表"]


def test_the_agenda_sheet_reports_its_own_rows():
    agenda = [*AGENDA, [3, "签约", "", "3"]]
    with pytest.raises(ImportFailed) as failed:
        parse_agenda_sheet(workbook(("项目", PROJECTS), ("流程", agenda)), "book.xlsx", [1, 2])
    assert failed.value.lines("zh") == [
        "row 4, column 标题: 必填",
        "row 4, column 项目: 签约顺序里没有序号为 3 的项目（共 2 个项目）",
    ]


# --- the sample ------------------------------------------------------------------------------------


def test_the_sample_agenda_is_the_articles_morning():
    projects = parse_projects(sample_csv(), "sample_ceremony.csv")
    cues = parse_agenda(sample_agenda_csv(), "sample_agenda.csv", range(1, len(projects) + 1))
    kinds = [c.kind for c in cues]
    assert kinds[0] == "opening" and kinds[-1] == "closing"
    assert {"speech", "remarks", "signing", "handover", "photo"} <= set(kinds)
    rounds = [c.project_orders for c in cues if c.kind == "signing"]
    assert sorted(n for r in rounds for n in r) == list(range(1, len(projects) + 1))
    assert max(len(r) for r in rounds) >= 3
    handover = next(c for c in cues if c.kind == "handover")
    assert "金钥匙" in handover.title and handover.project_orders == tuple(range(1, len(projects) + 1))
    speakers = {c.person: c.role for c in cues if c.kind in SPEAKING_KINDS}
    assert speakers == {
        "周建光": "高新区党工委书记、天元区委书记",
        "覃万成": "市委常委、统战部部长",
        "吴建明": "万洋众创城投资集团有限公司总裁",
        "包磊": "深圳市北科生物有限公司副董事长",
    }
    assert all(c.script for c in cues)
    # The planned times follow from 09:30 and the lengths, without gaps or overlaps.
    assert cues[0].planned_time == "09:30"
    for before, after in itertools.pairwise(cues):
        h, m = map(int, before.planned_time.split(":"))
        assert (
            after.planned_time == f"{(h * 60 + m + before.minutes) // 60:02d}:{(m + before.minutes) % 60:02d}"
        )


def test_the_empty_data_folder_loads_the_sample_agenda(client):
    state = client.get("/api/v1/state").get_json()
    cues = state["cues"]
    assert [c["kind"] for c in cues][:3] == ["opening", "speech", "signing"]
    rounds = [c["project_ids"] for c in cues if c["kind"] == "signing"]
    order = {p["id"]: p["order"] for p in state["projects"]}
    assert [[order[pid] for pid in r] for r in rounds] == [[1, 2, 3], [4, 5], [6, 7]]


# --- properties ------------------------------------------------------------------------------------

# What a person types in a cell; Excel's error values (#N/A…) are refused by every text field, on purpose.
_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
        max_size=20,
    )
    .map(str.strip)
    .filter(lambda text: text.upper() not in fields.EXCEL_ERRORS)
)


@st.composite
def cues(draw) -> CueDraft:
    kind = draw(st.sampled_from(CUE_KINDS))
    orders: tuple[int, ...] = ()
    if kind in PROJECT_KINDS:
        orders = tuple(draw(st.lists(st.integers(1, 7), unique=True, min_size=kind in ROUND_KINDS)))
    minute = draw(st.none() | st.integers(0, 24 * 60 - 1))
    script = draw(
        st.lists(_text, max_size=3)
        .map("\n".join)
        .map(str.strip)
        .filter(lambda text: text.upper() not in fields.EXCEL_ERRORS)
    )
    return CueDraft(
        kind=kind,
        title=draw(_text.filter(bool)),
        person=draw(_text.filter(bool) if kind in SPEAKING_KINDS else _text),
        role=draw(_text),
        project_orders=orders,
        planned_time=None if minute is None else f"{minute // 60:02d}:{minute % 60:02d}",
        minutes=draw(st.none() | st.integers(1, 600)),
        script=script,
    )


def _no_repeated_rounds(agenda: list[CueDraft]) -> bool:
    signed = [n for c in agenda if c.kind in ROUND_KINDS for n in c.project_orders]
    return len(signed) == len(set(signed))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(cues(), min_size=1, max_size=6).filter(_no_repeated_rounds), st.booleans())
def test_what_an_organiser_writes_is_what_is_read(agenda, as_xlsx):
    header = list(AGENDA_HEADERS)
    names = [AGENDA_HEADERS[key][1 if as_xlsx else 0] for key in header]
    rows = [names]
    for order, c in enumerate(agenda, start=1):
        projects = "、".join(map(str, c.project_orders))
        minutes = "" if c.minutes is None else c.minutes
        rows.append(
            [order, c.kind, c.title, c.person, c.role, projects, c.planned_time or "", minutes, c.script]
        )
    data = workbook(("流程", rows)) if as_xlsx else csv_bytes(rows)
    assert parse_agenda(data, "agenda.xlsx" if as_xlsx else "agenda.csv", SEVEN) == agenda


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.text(max_size=8), min_size=1, max_size=9), min_size=1, max_size=6))
def test_any_cells_either_read_or_fail_with_every_problem_placed(body):
    rows = [HEADER[:9], *body]
    try:
        parse_agenda(csv_bytes(rows), "a.csv", SEVEN)
    except ImportFailed as failed:
        assert failed.problems
        for problem in failed.problems:
            assert (problem.row is None) == (problem.where_column("zh") is None), problem
            assert problem.reason("zh") != problem.code, problem  # every code has its words


# --- the command line ------------------------------------------------------------------------------


def stored(data_dir: Path) -> tuple[list[str], list[tuple[str, tuple[int, ...]]]]:
    """The running order's names, and the agenda's kinds with the running-order numbers of its projects."""
    from kiosk.store.sqlite import Storage

    storage = Storage(data_dir / "kiosk.sqlite3")
    try:
        projects = storage.load_projects()
        order = {p.id: p.order for p in projects}
        cues = [(c.kind, tuple(order[pid] for pid in c.project_ids)) for c in storage.load_cues()]
        return [p.name for p in projects], cues
    finally:
        storage.close()


@pytest.fixture
def seven(tmp_path) -> Path:
    """A data folder with the sample's seven projects and no agenda."""
    data = tmp_path / "data"
    (tmp_path / "projects.csv").write_bytes(sample_csv())
    done = run_kiosk(data, "import", str(tmp_path / "projects.csv"))
    assert done.returncode == 0, done.stderr
    return data


def test_cli_agenda_all_or_nothing(seven, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(table(cue(环节="签约", 项目="1、8"), cue(环节="致辞"), cue(时长="0"))))
    done = run_kiosk(seven, "import", "--agenda", str(bad))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "row 2, column 项目: 签约顺序里没有序号为 8 的项目（共 7 个项目）",
        "row 3, column 人物: 致辞和发言环节必须填写人物",
        "row 4, column 时长: 必须是 1 到 600 的整数（分钟）",
        "共 3 处问题，未导入任何内容。",
    ]
    assert stored(seven)[1] == []

    good = tmp_path / "sample_agenda.csv"
    good.write_bytes(sample_agenda_csv())
    done = run_kiosk(seven, "import", str(good), "--agenda")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "已导入流程 11项（sample_agenda.csv）。"
    names, agenda = stored(seven)
    assert len(names) == 7
    assert [n for kind, n in agenda if kind == "signing"] == [(1, 2, 3), (4, 5), (6, 7)]

    # A failing import leaves the agenda that is there.
    assert run_kiosk(seven, "import", "--agenda", str(bad)).returncode == 2
    assert stored(seven)[1] == agenda


def test_cli_agenda_refuses_the_projects_options(seven, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(sample_agenda_csv())
    done = run_kiosk(seven, "import", "--agenda", "--replace", str(path))
    assert done.returncode == 2 and "--agenda" in done.stderr
    assert stored(seven)[1] == []


def test_cli_workbook_loads_projects_and_agenda_together(tmp_path):
    data = tmp_path / "data"
    book = tmp_path / "book.xlsx"
    bad_agenda = [*AGENDA, [3, "签约", "第二轮", "2、3"]]
    book.write_bytes(workbook(("项目", [*PROJECTS, [3, "项目丙", "", 1]]), ("流程", bad_agenda)))
    done = run_kiosk(data, "import", str(book))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "项目工作表：",
        "row 4, column 签约企业: 必填",
        "流程工作表：",
        "row 4, column 项目: 项目 2 已在第 3 行的签约环节中",
        "共 2 处问题，未导入任何内容。",
    ]
    assert stored(data) == ([], [])

    # The projects' sheet alone being right is not enough: nothing is stored.
    book.write_bytes(workbook(("项目", PROJECTS), ("流程", bad_agenda)))
    done = run_kiosk(data, "import", str(book))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "流程工作表：",
        "row 4, column 项目: 项目 2 已在第 3 行的签约环节中",
        "row 4, column 项目: 签约顺序里没有序号为 3 的项目（共 2 个项目）",
        "共 2 处问题，未导入任何内容。",
    ]
    assert stored(data) == ([], [])

    book.write_bytes(workbook(("项目", PROJECTS), ("流程", AGENDA)))
    done = run_kiosk(data, "import", str(book))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "已导入流程 2项（book.xlsx）。"
    assert stored(data) == (["项目甲", "项目乙"], [("opening", ()), ("signing", (1, 2))])


def test_cli_workbook_appended_names_the_running_order_after_the_append(seven, tmp_path):
    book = tmp_path / "more.xlsx"
    more = [PROJECTS[0], [1, "项目八", "八公司", 1], [2, "项目九", "九公司", 1]]
    agenda = [
        ["环节", "标题", "项目"],
        ["签约", "第一轮", "1、2、3、4、5、6、7"],
        ["签约", "加签", "8、9、10"],
    ]
    book.write_bytes(workbook(("项目", more), ("流程", agenda)))
    done = run_kiosk(seven, "import", str(book))
    assert done.returncode == 2
    assert "row 3, column 项目: 签约顺序里没有序号为 10 的项目（共 9 个项目）" in done.stderr.splitlines()
    assert len(stored(seven)[0]) == 7

    agenda[2][2] = "8、9"
    book.write_bytes(workbook(("项目", more), ("流程", agenda)))
    done = run_kiosk(seven, "import", str(book))
    assert done.returncode == 0, done.stderr
    names, cues = stored(seven)
    assert names[7:] == ["项目八", "项目九"]
    assert cues == [("signing", (1, 2, 3, 4, 5, 6, 7)), ("signing", (8, 9))]
