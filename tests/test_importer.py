"""The project import format: real CSV/XLSX bytes in, drafts or exact problem messages out."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.reporting import report
from kiosk.setup import importer
from kiosk.setup.agenda import AGENDA_HEADERS
from kiosk.setup.fields import FIELDS, PROJECT_KEYS, FieldErrors, ProjectDraft, draft_from_cells
from kiosk.setup.importer import ImportFailed, Preview, Problem, parse_projects, preview_projects
from kiosk.words.catalogue import word
from kiosk.words.pages import ADMIN

HEADER = [
    "序号",
    "项目名称",
    "签约企业",
    "投资额（亿元）",
    "投资额（万元）",
    "用地（亩）",
    "产业类别",
    "签约代表",
    "服务专员",
    "专员电话",
    "项目简介",
    "备注",
]
ROW = ["1", "智能装备产业园", "湖南某某科技有限公司", "12.5", "", "300", "先进制造", "张三、李四", "王五"]
ROW += ["13800000001", "建设智能装备生产线。", "内部备注"]


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], extra_sheet: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("其他").append(["垃圾", "数据"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes, filename: str = "projects.csv") -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        parse_projects(data, filename)
    return [str(problem) for problem in failed.value.problems]


def simple(name: str = "项目A", **overrides: str) -> dict[str, str]:
    """A minimal valid row, as a mapping from header to cell."""
    return {"项目名称": name, "签约企业": "某公司", "投资额（亿元）": "1", **overrides}


def table(*rows: dict[str, str]) -> list[list[object]]:
    header = list(dict.fromkeys(key for row in rows for key in row))
    return [header] + [[row.get(key, "") for key in header] for row in rows]


EXPECTED = ProjectDraft(
    name="智能装备产业园",
    investor="湖南某某科技有限公司",
    amount_wan=125000,
    order=1,
    land_mu=Decimal("300"),
    industry="先进制造",
    signatories=("张三", "李四"),
    concierge_name="王五",
    concierge_phone="13800000001",
    summary="建设智能装备生产线。",
)


# --- encodings and file kinds ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_encoding_excel_writes(encoding):
    assert parse_projects(csv_bytes([HEADER, ROW], encoding), "项目.csv") == [EXPECTED]


def test_csv_that_is_neither_utf8_nor_gb18030():
    data = csv_bytes([HEADER, ROW]) + b"\xff\xfe\xff"
    assert problems_of(data) == ["无法识别文件编码：请把 CSV 保存为 UTF-8 或 GBK 编码"]


def test_xlsx_with_typed_cells():
    row = [3.0, "智能装备产业园", "湖南某某科技有限公司", 12.5, None, 300, "先进制造", "张三；李四"]
    row += ["王五", 13800000001, "建设智能装备生产线。", "内部备注"]
    assert parse_projects(xlsx_bytes([HEADER, row]), "项目.XLSX") == [EXPECTED]


def test_xlsx_reads_the_first_sheet_only():
    assert parse_projects(xlsx_bytes([HEADER, ROW], extra_sheet=True), "p.xlsx") == [EXPECTED]


def test_xlsx_renamed_to_csv_is_still_read_as_a_workbook():
    assert parse_projects(xlsx_bytes([HEADER, ROW]), "p.csv") == [EXPECTED]


def test_english_headers_any_case():
    header = ["ORDER", "Name", "investor", "Amount_Yi", "amount_wan", "Land_MU", "industry", "Signatories"]
    header += ["concierge_name", "Concierge_Phone", "SUMMARY", "remarks"]
    preview = preview_projects(csv_bytes([header, ROW]), "p.csv")
    assert preview.drafts() == [EXPECTED]
    assert preview.ignored_columns == ["remarks"]


def test_header_brackets_and_spaces_do_not_matter_and_messages_use_the_header_as_written():
    header = [" 项目 名称 ", "签约企业", "投资额(亿元)", "用地 【亩】"]
    rows = [header, ["项目A", "某公司", "1", "2"], ["项目B", "某公司", "1.23456", "x"]]
    assert problems_of(csv_bytes(rows)) == [
        "row 3, column 投资额(亿元): 必须是不小于 0 的数字，最多 4 位小数",
        "row 3, column 用地 【亩】: 只填数字，不要带单位或文字",
    ]


def test_unknown_file_type():
    assert problems_of(b"name\nx\n", "projects.txt") == ["不支持的文件类型：请上传 .xlsx 或 .csv 文件"]


def test_old_xls_by_name_or_content():
    hint = "这是旧版 Excel（.xls）或加密的工作簿，无法读取：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"
    assert problems_of(b"anything", "projects.xls") == [hint]
    assert problems_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "projects.xlsx") == [hint]


def test_xlsx_that_is_not_a_zip():
    assert problems_of(b"name,investor\n", "p.xlsx") == [
        "不是有效的 XLSX 文件（文件已损坏或不是 Excel 工作簿）：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"
    ]


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert problems_of(buffer.getvalue(), "p.xlsx") == [
        "无法读取 XLSX 文件，文件可能已损坏：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"
    ]


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_xml_entities_in_a_workbook_are_refused():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, ROW])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY big "aaaaaaaaaa"><!ENTITY bigger "&big;&big;&big;">]>'
                content = doctype + content.replace(b"<v>", b"<v>&bigger;", 1)
            archive.writestr(entry, content)
    assert problems_of(buffer.getvalue(), "p.xlsx") == [
        "无法读取 XLSX 文件，文件可能已损坏：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"
    ]


# --- limits ------------------------------------------------------------------------------------

BOMB = "XLSX 文件结构异常（疑似压缩炸弹），已拒绝"


def test_zip_bomb_is_rejected_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(40 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < importer.MAX_BYTES
    started = time.perf_counter()
    assert problems_of(data, "p.xlsx") == [BOMB]
    assert time.perf_counter() - started < 1


def test_zip_with_too_many_entries_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(importer.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/part{index}.xml", "<a/>")
    started = time.perf_counter()
    assert problems_of(buffer.getvalue(), "p.xlsx") == [BOMB]
    assert time.perf_counter() - started < 1


def test_zip_with_too_much_uncompressed_data_is_rejected(monkeypatch):
    data = xlsx_bytes([HEADER, ROW])
    monkeypatch.setattr(importer, "MAX_UNZIPPED_BYTES", 1000)
    assert problems_of(data, "p.xlsx") == [BOMB]


def test_file_too_big():
    assert problems_of(b"a" * (5 * 1024 * 1024 + 1)) == ["文件太大：不能超过 5 MB"]


def test_too_many_project_rows():
    rows = [["项目名称", "签约企业", "投资额（万元）"]]
    rows += [[f"项目{index}", "某公司", "1"] for index in range(2001)]
    assert problems_of(csv_bytes(rows)) == ["项目太多：最多 2000 行"]
    assert len(parse_projects(csv_bytes(rows[:2001]), "p.csv")) == 2000


# --- the header --------------------------------------------------------------------------------


def test_empty_file_and_blank_header():
    assert problems_of(b"") == ["文件是空的"]
    assert problems_of(csv_bytes([[], ["项目A", "某公司", "1"]])) == ["第 1 行必须是表头，但它是空的"]


def test_header_only_has_no_projects():
    assert problems_of(csv_bytes([HEADER, [""] * len(HEADER)])) == ["文件里没有项目：表头下面没有数据行"]


def test_missing_required_columns():
    """In the same ``row N, column NAME: reason`` shape as every other problem: the header is row 1."""
    assert problems_of(csv_bytes([["序号", "备注"], ["1", "x"]])) == [
        "row 1, column 项目名称: 缺少这一必填列",
        "row 1, column 签约企业: 缺少这一必填列",
        "row 1, column 投资额（亿元）: 缺少投资额列：需要“投资额（亿元）”或“投资额（万元）”",
    ]
    with pytest.raises(ImportFailed) as failed:
        parse_projects(csv_bytes([["order", "notes"], ["1", "x"]]), "p.csv")
    assert failed.value.lines("en") == [
        "row 1, column name: this required column is missing",
        "row 1, column investor: this required column is missing",
        "row 1, column amount_yi: no amount column: the file needs amount_yi or amount_wan",
    ]


def test_duplicate_headers_even_across_languages():
    rows = [["项目名称", "签约企业", "投资额（万元）", "name"], ["项目A", "某公司", "1", "项目A"]]
    assert problems_of(csv_bytes(rows)) == ["row 1, column name: 表头重复：第 A 列和第 D 列"]


# --- cells -------------------------------------------------------------------------------------


def test_every_problem_of_a_row_is_reported_with_row_and_header():
    rows = table(
        simple(), simple("", 签约企业="", 专员电话="abc", 项目简介="长" * 501, **{"投资额（亿元）": "-1"})
    )
    assert problems_of(csv_bytes(rows)) == [
        "row 3, column 项目名称: 必填",
        "row 3, column 签约企业: 必填",
        "row 3, column 投资额（亿元）: 必须是不小于 0 的数字，最多 4 位小数",
        "row 3, column 专员电话: "
        "不是有效的电话号码（5–20 位数字，可含空格、-、括号、开头的 +，分机写“转”、ext 或 x）",
        "row 3, column 项目简介: 不能超过 500 个字符",
    ]


def test_text_limits():
    assert parse_projects(csv_bytes(table(simple("名" * 120))), "p.csv")[0].name == "名" * 120
    assert problems_of(csv_bytes(table(simple("名" * 121)))) == [
        "row 2, column 项目名称: 不能超过 120 个字符"
    ]
    assert problems_of(csv_bytes(table(simple("两行\n名称")))) == [
        "row 2, column 项目名称: 不能包含换行或其他控制字符"
    ]


def test_text_is_trimmed_and_summary_keeps_line_breaks():
    [draft] = parse_projects(
        csv_bytes(table(simple("  项目A\u3000", 项目简介=" 第一行\r\n第二行 "))), "p.csv"
    )
    assert draft.name == "项目A"
    assert draft.summary == "第一行\n第二行"


def test_amount_in_yi_is_exact_to_four_places():
    [draft] = parse_projects(csv_bytes(table(simple(**{"投资额（亿元）": "0.0001"}))), "p.csv")
    assert draft.amount_wan == 1
    [draft] = parse_projects(csv_bytes(table(simple(**{"投资额（亿元）": "1.23450"}))), "p.csv")
    assert draft.amount_wan == 12345
    assert problems_of(csv_bytes(table(simple(**{"投资额（亿元）": "12.34567"})))) == [
        "row 2, column 投资额（亿元）: 必须是不小于 0 的数字，最多 4 位小数"
    ]


def test_amount_from_excel_floats_is_exact():
    header = ["项目名称", "签约企业", "投资额（亿元）"]
    rows = [header, ["A", "x", 0.0001], ["B", "x", 1234.5678], ["C", "x", 12.34567], ["D", "x", 1e-05]]
    assert problems_of(xlsx_bytes(rows), "p.xlsx") == [
        "row 4, column 投资额（亿元）: 必须是不小于 0 的数字，最多 4 位小数",
        "row 5, column 投资额（亿元）: 必须是不小于 0 的数字，最多 4 位小数",
    ]
    drafts = parse_projects(xlsx_bytes(rows[:3]), "p.xlsx")
    assert [draft.amount_wan for draft in drafts] == [1, 12345678]


def test_binary_noise_in_a_cached_formula_result_is_not_decimal_places():
    # Excel stores =0.1+0.2 as 0.30000000000000004; the cell shows 0.3.
    draft = draft_from_cells({"name": "A", "investor": "B", "amount_yi": 0.1 + 0.2, "land_mu": 0.1 + 0.2})
    assert (draft.amount_wan, draft.land_mu) == (3000, Decimal("0.3"))


def test_amount_in_wan_must_be_a_whole_number():
    rows = table(
        simple("A", **{"投资额（亿元）": "", "投资额（万元）": "1500.0"}),
        simple("B", **{"投资额（亿元）": "", "投资额（万元）": "1.5"}),
    )
    assert parse_projects(csv_bytes(rows[:2]), "p.csv")[0].amount_wan == 1500
    assert problems_of(csv_bytes(rows)) == ["row 3, column 投资额（万元）: 必须是不小于 0 的整数"]


@pytest.mark.parametrize("blank", [None, "", "  ", []])
def test_an_amount_sent_blank_is_missing_whatever_its_blank(blank):
    """The editors and the API send JSON: an empty list is as blank as an empty cell (the API fuzz sent
    ``amount_wan: []``, which the fields read as blank and the amount check did not, and got a 500)."""
    with pytest.raises(FieldErrors) as err:
        draft_from_cells({"name": "A", "investor": "x", "amount_wan": blank})
    assert [(p.field, p.code) for p in err.value.problems] == [("amount_yi", "amount_missing")]


def test_both_amounts_must_agree():
    rows = table(simple("A", **{"投资额（亿元）": "1.5", "投资额（万元）": "15000"}))
    assert parse_projects(csv_bytes(rows), "p.csv")[0].amount_wan == 15000
    rows = table(simple("A", **{"投资额（亿元）": "1.5", "投资额（万元）": "1500"}))
    assert problems_of(csv_bytes(rows)) == [
        "row 2, column 投资额（万元）: 与投资额（亿元）不一致：1.5 亿元 = 15000 万元"
    ]


def test_one_amount_is_required():
    rows = table(simple("A", **{"投资额（亿元）": "", "投资额（万元）": ""}))
    assert problems_of(csv_bytes(rows)) == [
        "row 2, column 投资额（亿元）: 投资额（亿元）或投资额（万元）必填一项"
    ]
    # When the file only has the 万元 column, that is the column to point at.
    rows = [["项目名称", "签约企业", "投资额 (万元)"], ["A", "x", ""]]
    assert problems_of(csv_bytes(rows)) == [
        "row 2, column 投资额 (万元): 投资额（亿元）或投资额（万元）必填一项"
    ]


def test_units_and_separators_in_numbers():
    def amount(text: str) -> list[str] | int:
        data = csv_bytes(table(simple(**{"投资额（亿元）": "", "投资额（万元）": text})))
        try:
            return parse_projects(data, "p.csv")[0].amount_wan
        except ImportFailed as failed:
            return [problem.reason() for problem in failed.problems]

    assert amount("1,000") == 1000
    assert amount("1,234,567") == 1234567
    assert amount("１２００") == 1200  # full-width digits from a Chinese IME
    assert amount("1,5") == ["必须是不小于 0 的整数"]
    assert amount("100亿") == ["只填数字，不要带单位或文字"]
    assert amount("1e3") == ["只填数字，不要带单位或文字"]
    assert amount("#N/A") == ["是 Excel 错误值 #N/A，请检查公式"]


def test_land_is_an_exact_decimal():
    [draft] = parse_projects(csv_bytes(table(simple(**{"用地（亩）": "12.345"}))), "p.csv")
    assert draft.land_mu == Decimal("12.345")
    assert problems_of(csv_bytes(table(simple(**{"用地（亩）": "12亩"})))) == [
        "row 2, column 用地（亩）: 只填数字，不要带单位或文字"
    ]


@pytest.mark.parametrize(
    "phone",
    ["13800000001", "0731-28888888", "+86 138 0000 0001", "(0731) 2888 8888", "0731-28888888转123", "12345"],
)
def test_phones_that_pass(phone):
    assert parse_projects(csv_bytes(table(simple(专员电话=phone))), "p.csv")[0].concierge_phone == phone


@pytest.mark.parametrize(
    "phone", ["1234", "138-0000-0001-2345-6789-01", "电话13800000001", "138/0000", "++86 1380000"]
)
def test_phones_that_fail(phone):
    [problem] = problems_of(csv_bytes(table(simple(专员电话=phone))))
    assert problem.startswith("row 2, column 专员电话: 不是有效的电话号码")


def test_phone_extension_written_ext():
    [draft] = parse_projects(csv_bytes(table(simple(专员电话="0731-28888888 EXT. 12"))), "p.csv")
    assert draft.concierge_phone == "0731-28888888 EXT. 12"


def test_signatories_split_on_every_separator():
    [draft] = parse_projects(csv_bytes(table(simple(签约代表="张三、李四，王五;赵六； 钱七 、"))), "p.csv")
    assert draft.signatories == ("张三", "李四", "王五", "赵六", "钱七")


def test_formula_without_cached_value_does_not_crash():
    rows = [["项目名称", "签约企业", "投资额（万元）"], ["=A1", "某公司", "=1+1"]]
    assert problems_of(xlsx_bytes(rows), "p.xlsx") == [
        "row 2, column 项目名称: 必填",
        "row 2, column 投资额（万元）: 投资额（亿元）或投资额（万元）必填一项",
    ]


# --- rows across the file ----------------------------------------------------------------------


def test_blank_rows_are_skipped_and_row_numbers_stay_as_in_the_sheet():
    rows = table(simple("A"), {}, simple("B", 签约企业=""))
    rows.insert(2, ["  ", "", ""])
    assert problems_of(csv_bytes(rows)) == ["row 5, column 签约企业: 必填"]
    workbook_rows = [rows[0], rows[1], [None, None, None], [None, None, None], ["B", "x", 2]]
    preview = preview_projects(xlsx_bytes(workbook_rows), "p.xlsx")
    assert [(row.row, row.draft.name if row.draft else None) for row in preview.rows] == [(2, "A"), (5, "B")]


def test_sorted_by_order_and_renumbered():
    rows = table(simple("C", 序号="30"), simple("A", 序号="5"), simple("B", 序号="10.0"))
    drafts = parse_projects(csv_bytes(rows), "p.csv")
    assert [(draft.order, draft.name) for draft in drafts] == [(1, "A"), (2, "B"), (3, "C")]


def test_without_order_the_file_order_is_kept():
    drafts = parse_projects(csv_bytes(table(simple("C"), simple("A"), simple("B"))), "p.csv")
    assert [(draft.order, draft.name) for draft in drafts] == [(1, "C"), (2, "A"), (3, "B")]


def test_order_must_be_all_or_none_unique_and_positive():
    rows = table(
        simple("A", 序号="1"), simple("B"), simple("C", 序号="1"), simple("D", 序号="0"), simple("E")
    )
    assert problems_of(csv_bytes(rows)) == [
        "row 3, column 序号: 其他行填写了序号，这一行也必须填写",
        "row 4, column 序号: 序号 1 与第 2 行重复",
        "row 5, column 序号: 必须是正整数",
        "row 6, column 序号: 其他行填写了序号，这一行也必须填写",
    ]


def test_duplicate_names_are_reported_on_the_later_row():
    rows = table(simple("项目 A"), simple("项目B"), simple("项目A", 签约企业=""))
    assert problems_of(csv_bytes(rows)) == [
        "row 4, column 项目名称: 与第 2 行的项目名称重复",
        "row 4, column 签约企业: 必填",
    ]


def test_all_or_nothing():
    rows = table(simple("A"), simple("B", **{"投资额（亿元）": "很多"}), simple("C"))
    with pytest.raises(ImportFailed) as failed:
        parse_projects(csv_bytes(rows), "p.csv")
    assert failed.value.problems == [Problem(3, "投资额（亿元）", "no_units")]
    assert str(failed.value) == "row 3, column 投资额（亿元）: 只填数字，不要带单位或文字"


def test_rows_shorter_than_the_header_are_padded():
    data = "项目名称,签约企业,投资额（亿元）,项目简介\nA,某公司,1\n".encode()
    assert parse_projects(data, "p.csv")[0].summary is None


def test_quoted_multiline_cells_count_as_one_row():
    rows = table(simple("A", 项目简介="第一行\n第二行"), simple("B", 签约企业=""))
    assert problems_of(csv_bytes(rows, "gb18030")) == ["row 3, column 签约企业: 必填"]


# --- preview -----------------------------------------------------------------------------------


def test_preview_shows_every_row_with_its_draft_or_problems():
    rows = [HEADER, ROW, ["2", "", "某公司", "abc"] + [""] * 8, ["3", "第三个项目", "某公司", "", "500"]]
    preview = preview_projects(csv_bytes(rows), "p.csv")
    assert isinstance(preview, Preview)
    assert not preview.ok
    assert preview.problems == []
    assert preview.ignored_columns == ["备注"]
    assert preview.columns["amount_yi"] == "投资额（亿元）"
    assert [row.row for row in preview.rows] == [2, 3, 4]
    first, second, third = preview.rows
    assert first.draft == EXPECTED and first.problems == []
    assert first.cells["name"] == "智能装备产业园"
    assert second.draft is None
    assert [str(problem) for problem in second.problems] == [
        "row 3, column 项目名称: 必填",
        "row 3, column 投资额（亿元）: 只填数字，不要带单位或文字",
    ]
    assert second.cells["amount_yi"] == "abc"
    assert third.draft is not None and third.draft.order == 2 and third.draft.amount_wan == 500
    assert [draft.name for draft in preview.drafts()] == ["智能装备产业园", "第三个项目"]


def test_preview_of_an_unreadable_file_has_only_file_problems():
    preview = preview_projects(b"", "p.csv")
    assert preview.rows == [] and [str(problem) for problem in preview.problems] == ["文件是空的"]
    assert preview.problems[0] == Problem(None, None, "empty_file")


def test_problem_strings():
    assert str(Problem(7, "项目名称", "必填")) == "row 7, column 项目名称: 必填"
    assert str(Problem(None, None, "文件是空的")) == "文件是空的"


# --- the shared field rules --------------------------------------------------------------------


def test_draft_from_cells_collects_every_error_and_what_parsed():
    with pytest.raises(FieldErrors) as failed:
        draft_from_cells({"order": 2.0, "name": "A", "amount_wan": -1, "land_mu": 1.5})
    assert [(p.field, p.code) for p in failed.value.problems] == [
        ("investor", "required"),
        ("amount_wan", "bad_amount_wan"),
    ]
    parsed = {k: v for k, v in failed.value.values.items() if v is not None}
    assert parsed == {"order": 2, "name": "A", "land_mu": Decimal("1.5")}


def test_draft_from_cells_takes_typed_values():
    draft = draft_from_cells(
        {"name": "A", "investor": "B", "amount_yi": Decimal("2.5"), "concierge_phone": 13800000001}
    )
    assert draft == ProjectDraft(name="A", investor="B", amount_wan=25000, concierge_phone="13800000001")


def test_draft_from_cells_rejects_unknown_keys():
    with pytest.raises(ValueError, match="unknown field keys"):
        draft_from_cells({"name": "A", "nmae": "B"})


# --- robustness --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["p.csv", "p.xlsx", "p.xls", "p", "p.txt"]))
def test_random_bytes_only_ever_fail_cleanly(data, filename):
    for candidate in (data, b"PK\x03\x04" + data):
        try:
            parse_projects(candidate, filename)
        except ImportFailed as failed:
            assert failed.problems


CELL = st.one_of(st.text(max_size=30), st.sampled_from(["1", "0.0001", "1,000", "", "#N/A", "13800000001"]))


@settings(max_examples=200, deadline=None)
@given(
    header=st.lists(st.sampled_from([*HEADER, "name", "Amount_Wan", "", "x"]), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=6),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_random_csv_text_only_ever_fails_cleanly(header, rows, encoding):
    data = csv_bytes([header, *rows], "utf-8").decode().encode(encoding, errors="replace")
    try:
        drafts = parse_projects(data, "p.csv")
    except ImportFailed as failed:
        assert failed.problems
    else:
        assert [draft.order for draft in drafts] == list(range(1, len(drafts) + 1))


def test_names_already_in_the_running_order_are_refused_by_row():
    rows = table(simple("A"), simple("B 项目"), simple("C"))
    with pytest.raises(ImportFailed) as failed:
        parse_projects(csv_bytes(rows), "p.csv", existing=["B项目", "X"])
    assert [str(p) for p in failed.value.problems] == [
        "row 3, column 项目名称: 签约顺序中已有同名项目「B项目」：要替换整个签约顺序请用 --replace，"
        "确需重名追加请用 --allow-same-name"
    ]
    assert len(parse_projects(csv_bytes(rows), "p.csv")) == 3  # nothing there yet: all three


def test_a_column_has_one_name_in_the_import_the_field_problems_the_form_and_the_report():
    """The import's Chinese header of a column is the label its field's problems, the admin's form and the
    report's sheet head it with (kiosk.words.columns), in both languages alike."""
    for key in (*PROJECT_KEYS, *AGENDA_HEADERS):
        names = importer.HEADERS.get(key) if key in PROJECT_KEYS else AGENDA_HEADERS[key]
        assert word(FIELDS[key].label, "zh") == names[0], key
    sheet = {lang: {k: word(v, lang) for k, v in report.PROJECT_COLUMNS} for lang in ("zh", "en")}
    for lang in ("zh", "en"):
        assert sheet[lang]["name"] == word(FIELDS["name"].label, lang) == word(ADMIN["f_name"], lang)
        assert (
            sheet[lang]["industry_label"]
            == word(FIELDS["industry"].label, lang)
            == word(ADMIN["f_industry"], lang)
        )
    agenda_sheet = {k: word(v, "en") for k, v in report.AGENDA_COLUMNS}
    assert agenda_sheet["role"] == word(FIELDS["cue_role"].label, "en") == "Role"
