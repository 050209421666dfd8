"""Read the project list organisers prepare in Excel: CSV or XLSX, one header row, one project per row.

The format is a contract other tools rely on (CONTRACT.md); each field's rule lives in
``kiosk.setup.fields``. This module only turns a file into cells, finds the columns, and adds the checks
that need the whole file (duplicates, 序号, limits, names already in the running order). Problems are codes
with parameters, put into words at the edge as ``row N, column NAME: reason``. Pure Python: no Flask, no
database. The agenda (``kiosk.setup.agenda``) is read through the same functions, from its own file or from
its sheet (``AGENDA_SHEETS``) in the projects' workbook.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from ..words import messages
from ..words.catalogue import N_, gettext
from ..words.columns import PROJECT, headers
from .fields import PROJECT_KEYS, FieldErrors, ProjectDraft, draft_from_cells, is_blank
from .fields import Problem as FieldProblem

# The import format's headers (CONTRACT.md): matched in Chinese or English, ignoring spaces and brackets.
HEADERS: dict[str, tuple[str, ...]] = headers(PROJECT)


AT_ROW_COLUMN = N_("第 %(row)s 行“%(column)s”：%(reason)s")
AT_ROW = N_("第 %(row)s 行：%(reason)s")


# A workbook's sheet by one of these names is its agenda (流程), whatever its place; the projects are on the
# first sheet that is not one.
AGENDA_SHEETS = ("流程", "agenda")

# Every table's headers: field key -> (Chinese, English, other names accepted).
Headers = Mapping[str, tuple[str, ...]]


def header(key: str, lang: str, headers: Headers = HEADERS) -> str:
    """The canonical header of a column in ``lang`` (the file's own header wins where it has one)."""
    zh, en = headers[key][:2]
    return en if lang == "en" else zh


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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import: where (``row``, and ``column`` as the file names it, or the field
    ``key`` of a column it lacks; None when it concerns the whole file) and what (``code``, ``params``)."""

    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict, compare=False)
    key: str | None = field(default=None, compare=False)
    # The table ``key`` belongs to, for the name of a column the file lacks (None: the projects').
    headers: Headers | None = field(default=None, compare=False, repr=False)

    def reason(self, lang: str = "zh") -> str:
        return messages.text(self.code, lang, self.params)

    def text(self, lang: str = "zh") -> str:
        """``row N, column NAME: reason`` (N as the spreadsheet shows it: the header is row 1): the shape the
        command line promises (CONTRACT.md), whatever the language of the reason."""
        column = self.where_column(lang)
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if column is not None:
            where.append(f"column {column}")
        reason = self.reason(lang)
        return f"{', '.join(where)}: {reason}" if where else reason

    def where_column(self, lang: str) -> str | None:
        if self.column is not None or self.key is None:
            return self.column
        return header(self.key, lang, self.headers or HEADERS)

    def sentence(self, lang: str = "zh") -> str:
        """The same in the reader's own words, for a page: "第 3 行“签约企业”：必填"."""
        column, reason = self.where_column(lang), self.reason(lang)
        if self.row is not None and column is not None:
            return gettext(AT_ROW_COLUMN, lang, row=self.row, column=column, reason=reason)
        if self.row is not None:
            return gettext(AT_ROW, lang, row=self.row, reason=reason)
        return reason

    def __str__(self) -> str:
        return self.text()


class ImportFailed(Exception):
    """The file cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def lines(self, lang: str) -> list[str]:
        return [p.text(lang) for p in self.problems]

    def sentences(self, lang: str) -> list[str]:
        return [p.sentence(lang) for p in self.problems]


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


def parse_projects(data: bytes, filename: str, existing: Iterable[str] = ()) -> list[ProjectDraft]:
    """Parse a whole project file, all or nothing.

    Returns the drafts sorted by 序号 (or in file order when no row has one), with ``order`` set
    to 1..n. Raises ``ImportFailed`` listing every problem if anything at all is wrong.
    ``existing``: names already in the running order, which a row may not repeat (see ``preview_projects``).
    """
    preview = preview_projects(data, filename, existing)
    if not preview.ok:
        raise ImportFailed(preview.all_problems())
    return preview.drafts()


def preview_projects(data: bytes, filename: str, existing: Iterable[str] = ()) -> Preview:
    """Read a project file and report every row with its draft or its problems; never raises.

    Blank rows are skipped. Row numbers are those the spreadsheet shows (the header is row 1).
    ``existing``: the names of the projects already in the running order when the file is to be added to
    it: a row with one of them is refused (importing the same file twice would double the ceremony).
    """
    try:
        table = read_table(data, filename, projects_sheet)
        if table is None:
            raise fail("no_project_sheet")
    except ImportFailed as failed:
        return Preview(rows=[], problems=failed.problems)
    header, rows = table

    columns, ignored, problems = _match_header(header)
    if problems:
        return Preview(
            rows=[], problems=problems, columns=header_names(columns, header), ignored_columns=ignored
        )
    if not rows:
        problems = [Problem(None, None, "no_rows")]
    names = header_names(columns, header)

    checked = [_read_row(number, cells_of(values, columns, PROJECT_KEYS)) for number, values in rows]
    _check_across_rows(checked, existing)
    return Preview(rows=_finish(checked, names), problems=problems, columns=names, ignored_columns=ignored)


# --- reading files -----------------------------------------------------------------------------

Table = tuple[list[object], list[tuple[int, list[object]]]]
# Chooses a workbook's sheet (openpyxl worksheets, in the workbook's order), or None when it has none to offer.
SheetPick = Callable[[list], object | None]
# How many data rows a table may have, and the problem code for one that has more.
RowLimit = tuple[int, str]
PROJECT_ROWS: RowLimit = (MAX_PROJECT_ROWS, "too_many_rows")


def is_agenda_sheet(title: str) -> bool:
    return header_key(title) in {header_key(name) for name in AGENDA_SHEETS}


def projects_sheet(sheets: list) -> object | None:
    return next((sheet for sheet in sheets if not is_agenda_sheet(sheet.title)), None)


def is_workbook(data: bytes, filename: str) -> bool:
    """Whether ``read_table`` reads ``data`` as an XLSX workbook (content first: an .xlsx renamed to .csv
    is still one)."""
    if data.startswith(_OLE2_MAGIC):
        return False
    return data.startswith(_ZIP_MAGIC) or PurePath(filename or "").suffix.lower() == ".xlsx"


def read_table(
    data: bytes, filename: str, pick: SheetPick = projects_sheet, limit: RowLimit = PROJECT_ROWS
) -> Table | None:
    """The header row and the non-blank rows (with their row numbers) of a CSV file, or of the sheet
    ``pick`` chooses in an XLSX workbook (None when it chooses none). Raises ``ImportFailed``."""
    if not data:
        raise fail("empty_file")
    if len(data) > MAX_BYTES:
        raise fail("file_too_big", mb=MAX_BYTES // (1024 * 1024))

    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(_OLE2_MAGIC) or suffix == ".xls":
        raise fail("old_excel")
    if is_workbook(data, filename):
        return _read_xlsx(data, pick, limit)
    if suffix == ".csv":
        return _read_csv(data, limit)
    raise fail("unsupported_file")


def _collect(header: Sequence[object] | None, body: Iterable[Sequence[object]], limit: RowLimit) -> Table:
    """Keep the non-blank rows after the header (numbered from 2), stopping at the row limit."""
    if header is None or _blank_row(header):
        raise fail("no_header")
    most, too_many = limit
    rows: list[tuple[int, list[object]]] = []
    for number, values in enumerate(body, start=2):
        if not _blank_row(values):
            rows.append((number, list(values)))
            if len(rows) > most:
                raise fail(too_many, max=most)
    return list(header), rows


def _blank_row(values: Sequence[object]) -> bool:
    # The count() shortcut matters: openpyxl pads gaps with empty rows, a million of them for one stray
    # cell at the bottom of a sheet.
    return values.count(None) == len(values) or all(is_blank(value) for value in values)


def _read_csv(data: bytes, limit: RowLimit) -> Table:
    """A CSV as Excel writes it: UTF-8 (BOM or not), or GB18030/GBK on Chinese Windows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise fail("unknown_encoding") from None
    # Rows are numbered by record, not by line: a quoted cell may span lines but is one spreadsheet row.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _collect(next(reader, None), reader, limit)
    except csv.Error as error:
        raise fail("bad_csv", line=reader.line_num, error=str(error)) from None


def _read_xlsx(data: bytes, pick: SheetPick, limit: RowLimit) -> Table | None:
    """The sheet ``pick`` chooses, values only (cached results for formulas)."""
    import openpyxl  # here, not at start: it costs a server process a sixth of a second to load

    _check_zip(data)
    if not openpyxl.DEFUSEDXML:
        # Without defusedxml, openpyxl's XML parsing is open to entity attacks; refuse rather than risk it.
        raise fail("no_safe_xml")
    damaged = "damaged_xlsx"
    # openpyxl warns about harmless things (missing styles, unknown extensions); none is the user's problem.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a damaged file makes openpyxl raise many kinds; all mean the same to a user
            raise fail(damaged) from None
        try:
            if not workbook.worksheets:
                raise fail("no_sheet")
            sheet = pick(list(workbook.worksheets))
            if sheet is None:
                return None
            # Stored dimensions are often wrong (other tools write them); read what is really there.
            sheet.reset_dimensions()
            header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None)
            # Read no wider than the header: cells beyond it belong to no column, and every row is padded
            # to this width.
            width = max(
                (index + 1 for index, cell in enumerate(header or ()) if not is_blank(cell)), default=1
            )
            return _collect(header, sheet.iter_rows(min_row=2, max_col=width, values_only=True), limit)
        except ImportFailed:
            raise
        except Exception:
            raise fail(damaged) from None
        finally:
            workbook.close()


def _check_zip(data: bytes) -> None:
    """Reject what is not a zip, or looks like a zip bomb, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except Exception:  # BadZipFile, but also ValueError/OSError/EOFError on truncated or odd archives
        raise fail("not_xlsx") from None
    bomb = fail("zip_bomb")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
        raise bomb
    for entry in entries:
        if entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            raise bomb


# --- header ------------------------------------------------------------------------------------


def header_key(text: str) -> str:
    """Header text reduced to what matters: NFKC folds （） into (), spaces and case are dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(str.maketrans("【】〔〕[]", "()()()"))
    return re.sub(r"[\s_\-]+", "", folded).lower()


def aliases(headers: Headers) -> dict[str, str]:
    """Every accepted header, reduced by ``header_key``, to its field key."""
    return {header_key(text): key for key, names in headers.items() for text in names}


_HEADER_ALIASES = aliases(HEADERS)


def get_column_letter(index: int) -> str:
    """Excel's name of a column: 1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def match_columns(
    header: list[object], known: dict[str, str]
) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Map field keys to column indexes by ``known`` (``aliases``); return the ignored headers and the
    duplicated ones as problems on row 1."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        if is_blank(cell):
            continue
        text = str(cell).strip()
        key = known.get(header_key(text))
        if key is None:
            ignored.append(text)
        elif key in columns:
            first, second = get_column_letter(columns[key] + 1), get_column_letter(index + 1)
            problems.append(Problem(1, text, "duplicate_header", {"first": first, "second": second}, key))
        else:
            columns[key] = index
    return columns, ignored, problems


def _match_header(header: list[object]) -> tuple[dict[str, int], list[str], list[Problem]]:
    """The projects' columns, and the header's problems (on row 1, like any other cell:
    ``row 1, column 项目名称: …``)."""
    columns, ignored, problems = match_columns(header, _HEADER_ALIASES)
    for key in ("name", "investor"):
        if key not in columns:
            problems.append(Problem(1, None, "missing_column", {}, key))
    if "amount_yi" not in columns and "amount_wan" not in columns:
        problems.append(Problem(1, None, "missing_amount_column", {}, "amount_yi"))
    return columns, ignored, problems


def header_names(columns: dict[str, int], header: list[object]) -> dict[str, str]:
    return {key: str(header[index]).strip() for key, index in columns.items()}


def _column_name(key: str, names: dict[str, str]) -> str | None:
    """The header as written in the file; None when the file lacks the column (then its canonical name
    in the reader's language is used)."""
    if key == "amount_yi" and key not in names and "amount_wan" in names:
        # "one of the two amounts is required" belongs on the amount column the file does have.
        return names["amount_wan"]
    return names.get(key)


# --- rows --------------------------------------------------------------------------------------


@dataclass
class Row:
    """A row while it is being checked: what parsed, and every field problem found so far. ``draft`` is
    the table's own (a ``ProjectDraft``, an agenda's ``CueDraft``)."""

    number: int
    cells: dict[str, object]
    draft: object | None
    values: dict[str, object]
    errors: list[FieldProblem]


def cells_of(values: list[object], columns: dict[str, int], keys: Sequence[str]) -> dict[str, object]:
    """A row's raw cells by field key; a column the file lacks is blank."""
    # CSV rows may be shorter than the header; a missing trailing cell is a blank one.
    padded = values + [None] * (max(columns.values(), default=0) + 1 - len(values))
    return {key: padded[columns[key]] if key in columns else None for key in keys}


def _read_row(number: int, cells: dict[str, object]) -> Row:
    try:
        draft = draft_from_cells(cells)
    except FieldErrors as errors:
        return Row(number, cells, None, errors.values, errors.problems)
    return Row(number, cells, draft, {key: getattr(draft, key) for key in ("order", "name")}, [])


def fold_name(name: str) -> str:
    """A project name as the eye reads it: "A 项目" and "A项目" would look the same on the big screen."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def check_orders(rows: list[Row]) -> None:
    """序号: every row has one or none does, and no two rows share one (the later row is the wrong one)."""
    if any(not is_blank(row.cells["order"]) for row in rows):
        for row in rows:
            if is_blank(row.cells["order"]):
                row.errors.append(FieldProblem("order", "order_needed"))
    seen: dict[int, int] = {}
    for row in rows:
        order = row.values.get("order")
        if isinstance(order, int):
            if order in seen:
                row.errors.append(
                    FieldProblem("order", "duplicate_order", {"order": order, "row": seen[order]})
                )
            else:
                seen[order] = row.number


def in_file_order(rows: list[Row]) -> list[Row]:
    """The rows without problems in their final order: by 序号, else as the file has them."""
    valid = (row for row in rows if row.draft is not None and not row.errors)
    return sorted(valid, key=lambda row: (row.values.get("order") or 0, row.number))


def _check_across_rows(rows: list[Row], existing: Iterable[str]) -> None:
    """Add the problems only the whole file shows: 序号 rules, duplicate project names, and names already
    in the running order."""
    check_orders(rows)
    taken = {fold_name(name): name for name in existing}
    seen_names: dict[str, int] = {}
    for row in rows:
        name = row.values.get("name")
        if isinstance(name, str):
            folded = fold_name(name)
            if folded in taken:
                row.errors.append(FieldProblem("name", "name_exists", {"name": taken[folded]}))
            elif folded in seen_names:
                row.errors.append(FieldProblem("name", "duplicate_name", {"row": seen_names[folded]}))
            else:
                seen_names[folded] = row.number


def _finish(rows: list[Row], names: dict[str, str]) -> list[PreviewRow]:
    """Freeze the rows; valid drafts get their place in the final order (by 序号, else file order)."""
    positions = {row.number: position for position, row in enumerate(in_file_order(rows), start=1)}
    finished = []
    for row in rows:
        if row.draft is not None and not row.errors:
            assert isinstance(row.draft, ProjectDraft)
            draft = replace(row.draft, order=positions[row.number])
            finished.append(PreviewRow(row=row.number, cells=row.cells, draft=draft))
        else:
            errors = sorted(row.errors, key=lambda error: PROJECT_KEYS.index(error.field))
            problems = [
                Problem(row.number, _column_name(e.field, names), e.code, e.params, e.field) for e in errors
            ]
            finished.append(PreviewRow(row=row.number, cells=row.cells, draft=None, problems=problems))
    return finished


def fail(code: str, **params) -> ImportFailed:
    return ImportFailed([Problem(None, None, code, params)])
