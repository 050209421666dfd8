"""Read the project list organisers prepare in Excel: CSV or XLSX, one header row, one project per row.

The format is a contract other tools rely on; the column set and per-field rules live in
``kiosk.fields``. This module only turns a file into cells, finds the columns, and adds the checks
that need the whole file (duplicates, 序号, limits). Pure Python: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath

import openpyxl
from openpyxl.utils import get_column_letter

from kiosk.fields import FIELD_KEYS, FIELD_LABELS, FieldErrors, ProjectDraft, draft_from_cells, is_blank

MAX_BYTES = 5 * 1024 * 1024
MAX_PROJECT_ROWS = 2000
# Columns beyond this are never read: it bounds the work a sheet with a stray cell in XFD can cause.
MAX_COLUMNS = 200
MAX_ZIP_ENTRIES = 200
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200

_ZIP_MAGIC = b"PK\x03\x04"
# Old .xls files and password-protected .xlsx files are both OLE2 compound documents.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

SAVE_AS_HINT = "请在 Excel 中“另存为” .xlsx 或 .csv 后再导入"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import. ``row``/``column`` are None when it concerns the whole file."""

    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ImportFailed(Exception):
    """The file cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class PreviewRow:
    """One project row as read: spreadsheet row number, raw cells by field key, and the outcome.

    Exactly one of ``draft`` and ``problems`` is meaningful: ``draft`` is None when the row has
    problems. A draft's ``order`` is its place in the final running order among the valid rows.
    """

    row: int
    cells: dict[str, object]
    draft: ProjectDraft | None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """Everything an admin page needs to show a file before importing it.

    ``problems`` are file-level (no rows are read when the header itself is unusable);
    ``columns`` maps each recognised field key to its header as written in the file;
    ``ignored_columns`` are headers that match no field (such as 备注).
    """

    rows: list[PreviewRow]
    problems: list[Problem]
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file can be imported as it is."""
        return not self.all_problems()

    def all_problems(self) -> list[Problem]:
        """File-level problems first, then every row's, in row order."""
        return self.problems + [problem for row in self.rows for problem in row.problems]

    def drafts(self) -> list[ProjectDraft]:
        """The valid rows' drafts in the final running order."""
        return sorted((row.draft for row in self.rows if row.draft), key=lambda draft: draft.order or 0)


def parse_projects(data: bytes, filename: str) -> list[ProjectDraft]:
    """Parse a whole project file, all or nothing.

    Returns the drafts sorted by 序号 (or in file order when no row has one), with ``order`` set
    to 1..n. Raises ``ImportFailed`` listing every problem if anything at all is wrong.
    """
    preview = preview_projects(data, filename)
    if not preview.ok:
        raise ImportFailed(preview.all_problems())
    return preview.drafts()


def preview_projects(data: bytes, filename: str) -> Preview:
    """Read a project file and report every row with its draft or its problems; never raises.

    Blank rows are skipped. Row numbers are those the spreadsheet shows (the header is row 1).
    """
    try:
        header, rows = _read_table(data, filename)
    except ImportFailed as failed:
        return Preview(rows=[], problems=failed.problems)

    columns, ignored, problems = _match_header(header)
    if problems:
        return Preview(
            rows=[], problems=problems, columns=_header_names(columns, header), ignored_columns=ignored
        )
    if not rows:
        problems = [Problem(None, None, "文件里没有项目：表头下面没有数据行")]
    names = _header_names(columns, header)

    checked = [_read_row(number, values, columns) for number, values in rows]
    _check_across_rows(checked)
    return Preview(rows=_finish(checked, names), problems=problems, columns=names, ignored_columns=ignored)


# --- reading files -----------------------------------------------------------------------------

Table = tuple[list[object], list[tuple[int, list[object]]]]


def _read_table(data: bytes, filename: str) -> Table:
    """The header row and the non-blank rows (with their row numbers) of a CSV or XLSX file."""
    if not data:
        raise _fail("文件是空的")
    if len(data) > MAX_BYTES:
        raise _fail(f"文件太大：不能超过 {MAX_BYTES // (1024 * 1024)} MB")

    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(_OLE2_MAGIC) or suffix == ".xls":
        raise _fail(f"这是旧版 Excel（.xls）或加密的工作簿，无法读取：{SAVE_AS_HINT}")
    # Trust the content over the name: an .xlsx renamed to .csv is still a workbook.
    if data.startswith(_ZIP_MAGIC) or suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix == ".csv":
        return _read_csv(data)
    raise _fail("不支持的文件类型：请上传 .xlsx 或 .csv 文件")


def _collect(header: Sequence[object] | None, body: Iterable[Sequence[object]]) -> Table:
    """Keep the non-blank rows after the header (numbered from 2), stopping at the row limit."""
    if header is None or _blank_row(header):
        raise _fail("第 1 行必须是表头，但它是空的")
    rows: list[tuple[int, list[object]]] = []
    for number, values in enumerate(body, start=2):
        if not _blank_row(values):
            rows.append((number, list(values)))
            if len(rows) > MAX_PROJECT_ROWS:
                raise _fail(f"项目太多：最多 {MAX_PROJECT_ROWS} 行")
    return list(header), rows


def _blank_row(values: Sequence[object]) -> bool:
    # The count() shortcut matters: openpyxl pads gaps with empty rows, a million of them for one stray
    # cell at the bottom of a sheet.
    return values.count(None) == len(values) or all(is_blank(value) for value in values)


def _read_csv(data: bytes) -> Table:
    """A CSV as Excel writes it: UTF-8 (BOM or not), or GB18030/GBK on Chinese Windows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _fail("无法识别文件编码：请把 CSV 保存为 UTF-8 或 GBK 编码") from None
    # Rows are numbered by record, not by line: a quoted cell may span lines but is one spreadsheet row.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _collect(next(reader, None), reader)
    except csv.Error as error:
        raise _fail(f"CSV 格式有误（第 {reader.line_num} 行附近）：{error}") from None


def _read_xlsx(data: bytes) -> Table:
    """The first sheet, values only (cached results for formulas)."""
    _check_zip(data)
    if not openpyxl.DEFUSEDXML:
        # Without defusedxml, openpyxl's XML parsing is open to entity attacks; refuse rather than risk it.
        raise _fail("服务器未启用安全的 XML 解析（defusedxml），暂时不能导入 XLSX，请改用 CSV")
    damaged = f"无法读取 XLSX 文件，文件可能已损坏：{SAVE_AS_HINT}"
    # openpyxl warns about harmless things (missing styles, unknown extensions); none is the user's problem.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a damaged file makes openpyxl raise many kinds; all mean the same to a user
            raise _fail(damaged) from None
        try:
            if not workbook.worksheets:
                raise _fail("XLSX 文件里没有工作表")
            sheet = workbook.worksheets[0]
            # Stored dimensions are often wrong (other tools write them); read what is really there.
            sheet.reset_dimensions()
            header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None)
            # Read no wider than the header: cells beyond it belong to no column, and every row is padded
            # to this width.
            width = max(
                (index + 1 for index, cell in enumerate(header or ()) if not is_blank(cell)), default=1
            )
            return _collect(header, sheet.iter_rows(min_row=2, max_col=width, values_only=True))
        except ImportFailed:
            raise
        except Exception:
            raise _fail(damaged) from None
        finally:
            workbook.close()


def _check_zip(data: bytes) -> None:
    """Reject what is not a zip, or looks like a zip bomb, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except Exception:  # BadZipFile, but also ValueError/OSError/EOFError on truncated or odd archives
        raise _fail(f"不是有效的 XLSX 文件（文件已损坏或不是 Excel 工作簿）：{SAVE_AS_HINT}") from None
    bomb = _fail("XLSX 文件结构异常（疑似压缩炸弹），已拒绝")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
        raise bomb
    for entry in entries:
        if entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            raise bomb


# --- header ------------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    """Header text reduced to what matters: NFKC folds （） into (), spaces and case are dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(str.maketrans("【】〔〕[]", "()()()"))
    return re.sub(r"[\s_\-]+", "", folded).lower()


_HEADER_ALIASES = {
    alias: key for key, label in FIELD_LABELS.items() for alias in (_header_key(label), _header_key(key))
}


def _match_header(header: list[object]) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Map field keys to column indexes; return the ignored headers and the file-level problems."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        if is_blank(cell):
            continue
        text = str(cell).strip()
        key = _HEADER_ALIASES.get(_header_key(text))
        if key is None:
            ignored.append(text)
        elif key in columns:
            first = get_column_letter(columns[key] + 1)
            problems.append(
                Problem(
                    None,
                    None,
                    f"表头“{FIELD_LABELS[key]}”重复：第 {first} 列和第 {get_column_letter(index + 1)} 列",
                )
            )
        else:
            columns[key] = index
    for key in ("name", "investor"):
        if key not in columns:
            problems.append(Problem(None, None, f"缺少必填列“{FIELD_LABELS[key]}”"))
    if "amount_yi" not in columns and "amount_wan" not in columns:
        problems.append(Problem(None, None, "缺少投资额列：需要“投资额（亿元）”或“投资额（万元）”"))
    return columns, ignored, problems


def _header_names(columns: dict[str, int], header: list[object]) -> dict[str, str]:
    return {key: str(header[index]).strip() for key, index in columns.items()}


def _column_name(key: str, names: dict[str, str]) -> str:
    """The header as written in the file, or the canonical one when the column is absent."""
    if key == "amount_yi" and key not in names and "amount_wan" in names:
        # "one of the two amounts is required" belongs on the amount column the file does have.
        return names["amount_wan"]
    return names.get(key, FIELD_LABELS[key])


# --- rows --------------------------------------------------------------------------------------


@dataclass
class _Row:
    """A row while it is being checked: what parsed, and every (field key, reason) found so far."""

    number: int
    cells: dict[str, object]
    draft: ProjectDraft | None
    values: dict[str, object]
    errors: list[tuple[str, str]]


def _read_row(number: int, values: list[object], columns: dict[str, int]) -> _Row:
    # CSV rows may be shorter than the header; a missing trailing cell is a blank one.
    padded = values + [None] * (max(columns.values(), default=0) + 1 - len(values))
    cells = {key: padded[columns[key]] if key in columns else None for key in FIELD_KEYS}
    try:
        draft = draft_from_cells(cells)
    except FieldErrors as errors:
        return _Row(number, cells, None, errors.values, errors.errors)
    return _Row(number, cells, draft, {key: getattr(draft, key) for key in ("order", "name")}, [])


def _check_across_rows(rows: list[_Row]) -> None:
    """Add the problems only the whole file shows: 序号 rules and duplicate project names."""
    if any(not is_blank(row.cells["order"]) for row in rows):
        for row in rows:
            if is_blank(row.cells["order"]):
                row.errors.append(("order", "其他行填写了序号，这一行也必须填写"))

    seen_orders: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    for row in rows:
        order = row.values.get("order")
        if isinstance(order, int):
            if order in seen_orders:
                row.errors.append(("order", f"序号 {order} 与第 {seen_orders[order]} 行重复"))
            else:
                seen_orders[order] = row.number
        name = row.values.get("name")
        if isinstance(name, str):
            # "A 项目" and "A项目" would look the same on the big screen.
            folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()
            if folded in seen_names:
                row.errors.append(("name", f"与第 {seen_names[folded]} 行的项目名称重复"))
            else:
                seen_names[folded] = row.number


def _finish(rows: list[_Row], names: dict[str, str]) -> list[PreviewRow]:
    """Freeze the rows; valid drafts get their place in the final order (by 序号, else file order)."""
    valid = sorted(
        (row for row in rows if row.draft is not None and not row.errors),
        key=lambda row: (row.values.get("order") or 0, row.number),
    )
    positions = {row.number: position for position, row in enumerate(valid, start=1)}
    finished = []
    for row in rows:
        if row.draft is not None and not row.errors:
            draft = replace(row.draft, order=positions[row.number])
            finished.append(PreviewRow(row=row.number, cells=row.cells, draft=draft))
        else:
            errors = sorted(row.errors, key=lambda error: FIELD_KEYS.index(error[0]))
            problems = [Problem(row.number, _column_name(key, names), reason) for key, reason in errors]
            finished.append(PreviewRow(row=row.number, cells=row.cells, draft=None, problems=problems))
    return finished


def _fail(reason: str) -> ImportFailed:
    return ImportFailed([Problem(None, None, reason)])
