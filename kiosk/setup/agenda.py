"""The agenda as organisers prepare it (流程 sheet or CSV): one cue per row.

``CueDraft`` is a row that passed its fields' rules; its projects are named by their running-order
numbers, which the service resolves to project ids inside the transaction that stores the agenda.

The file is read like the projects' (``kiosk.setup.importer``: the same encodings, limits and workbook
checks, headers in Chinese or English, every problem as ``row N, column NAME: reason``), and each field's
rule is the one in ``kiosk.setup.fields``. This module adds the rules between a cue's fields (a speech has
a speaker, a signing round has projects) and those of the whole agenda (序号, projects that exist, no
project in two rounds). All or nothing: any problem raises ``ImportFailed`` with every problem found.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..core.model import SPEAKING_KINDS
from ..words.columns import AGENDA, headers
from .fields import CUE_KEYS, FieldErrors, Problem, clean
from .importer import (
    ImportFailed,
    Preview,
    Row,
    RowLimit,
    Table,
    aliases,
    cells_of,
    check_orders,
    header_names,
    in_file_order,
    is_agenda_sheet,
    is_workbook,
    match_columns,
    preview_projects,
    read_table,
)
from .importer import Problem as FileProblem


@dataclass(frozen=True)
class CueDraft:
    kind: str  # one of kiosk.core.model.CUE_KINDS
    title: str
    person: str = ""
    role: str = ""
    project_orders: tuple[int, ...] = ()
    planned_time: str | None = None  # "HH:MM"
    minutes: int | None = None
    script: str = ""
    title_en: str = ""
    person_en: str = ""
    role_en: str = ""
    script_en: str = ""
    # The cue this row edits (the admin editor sends it), so a running cue stays the running cue.
    keep: str | None = None


# The agenda's columns (CONTRACT.md, "Cues"): field key -> (Chinese, English, other names accepted).
AGENDA_HEADERS: dict[str, tuple[str, ...]] = headers(AGENDA)
AGENDA_KEYS: tuple[str, ...] = ("order", *CUE_KEYS)
_ALIASES = aliases(AGENDA_HEADERS)
_REQUIRED = frozenset({"cue_kind", "cue_title"})

MAX_CUES = 200
AGENDA_ROWS: RowLimit = (MAX_CUES, "too_many_cues")
# A signing round must name its projects; a handover may (the projects whose golden keys it hands over);
# no other cue concerns a project.
ROUND_KINDS = ("signing",)
PROJECT_KINDS = ("signing", "handover")


def cue_from_cells(cells: Mapping[str, object]) -> CueDraft:
    """Validate one cue's raw cells (keys from ``CUE_KEYS``; a missing key is a blank cell) and build its
    ``CueDraft``. Raises ``FieldErrors`` with every problem, and the values that did parse; an unknown key
    is a programming error (``ValueError``)."""
    unknown = set(cells) - set(CUE_KEYS)
    if unknown:
        raise ValueError(f"unknown field keys: {sorted(unknown)}")
    problems: list[Problem] = []
    try:
        values = clean(dict(cells), CUE_KEYS, required=_REQUIRED)
    except FieldErrors as err:
        values, problems = err.values, list(err.problems)
    failed = {problem.field for problem in problems}
    kind = values.get("cue_kind")
    if kind in SPEAKING_KINDS and not values.get("cue_person") and "cue_person" not in failed:
        problems.append(Problem("cue_person", "person_needed"))
    if kind is not None and "cue_projects" not in failed:
        if kind in ROUND_KINDS and not values.get("cue_projects"):
            problems.append(Problem("cue_projects", "projects_needed"))
        elif kind not in PROJECT_KINDS and values.get("cue_projects"):
            problems.append(Problem("cue_projects", "projects_not_here"))
    if problems:
        problems.sort(key=lambda problem: CUE_KEYS.index(problem.field))
        raise FieldErrors(problems, values)
    return CueDraft(
        kind=str(kind),
        title=str(values["cue_title"]),
        person=values.get("cue_person") or "",
        role=values.get("cue_role") or "",
        project_orders=values.get("cue_projects") or (),
        planned_time=values.get("cue_time"),
        minutes=values.get("cue_minutes"),
        script=values.get("cue_script") or "",
        title_en=values.get("cue_title_en") or "",
        person_en=values.get("cue_person_en") or "",
        role_en=values.get("cue_role_en") or "",
        script_en=values.get("cue_script_en") or "",
    )


def parse_agenda(data: bytes, filename: str, project_orders: Collection[int]) -> list[CueDraft]:
    """Parse an agenda file (CSV, or XLSX: its 流程/agenda sheet, else its first sheet), all or nothing.

    ``project_orders``: the running-order numbers the agenda may name (those of the running order it is
    to go with). Returns the cues in order (by 序号, else as the file has them); raises ``ImportFailed``
    listing every problem.
    """
    table = read_table(data, filename, _agenda_or_first_sheet, AGENDA_ROWS)
    assert table is not None  # a workbook without sheets was refused; the pick takes any sheet
    return _parse(table, project_orders)


def parse_rows(rows: Sequence[Mapping[str, object]], project_orders: Collection[int]) -> list[CueDraft]:
    """The agenda as the admin's editor sends it: one mapping of ``CUE_KEYS`` per cue, in order. The same
    rules as a file's rows (row N is the Nth cue), all or nothing: raises ``ImportFailed``."""
    if not rows:
        raise ImportFailed([FileProblem(None, None, "no_cues")])
    if len(rows) > MAX_CUES:
        raise ImportFailed([FileProblem(None, None, "too_many_cues", {"max": MAX_CUES})])
    checked = [
        _read_row(number, {"order": number, **{key: row.get(key) for key in CUE_KEYS}})
        for number, row in enumerate(rows, start=1)
    ]
    _check_projects(checked, project_orders)
    problems = [
        FileProblem(row.number, None, error.code, error.params, error.field, AGENDA_HEADERS)
        for row in checked
        for error in sorted(row.errors, key=lambda error: AGENDA_KEYS.index(error.field))
    ]
    if problems:
        raise ImportFailed(problems)
    return [row.draft for row in checked if isinstance(row.draft, CueDraft)]


def parse_agenda_sheet(data: bytes, filename: str, project_orders: Collection[int]) -> list[CueDraft] | None:
    """The agenda of a projects' workbook, from its sheet named 流程 or agenda; None when the file is not
    a workbook or has no such sheet. Raises ``ImportFailed`` like ``parse_agenda``."""
    if not is_workbook(data, filename):
        return None
    table = read_table(data, filename, agenda_sheet, AGENDA_ROWS)
    return None if table is None else _parse(table, project_orders)


@dataclass(frozen=True)
class WorkbookRead:
    """A projects' file as ``python -m kiosk import`` and the admin's 导入 both read it: the projects'
    preview, and the agenda of its 流程/agenda sheet (``has_agenda``: the file has one; ``agenda``: its cues
    when they passed, else ``agenda_problems``). Both or neither are imported."""

    projects: Preview
    has_agenda: bool = False
    agenda: list[CueDraft] | None = None
    agenda_problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.projects.ok and not self.agenda_problems

    def problems(self) -> list[FileProblem]:
        """Every problem, the projects' sheet's first."""
        return self.projects.all_problems() + self.agenda_problems


def read_workbook(
    data: bytes, filename: str, existing: Iterable[str] = (), before: int = 0, replace_all: bool = False
) -> WorkbookRead:
    """Read a projects' file and, when it is a workbook with a 流程/agenda sheet, its agenda. ``existing``:
    the names already in the running order (``preview_projects``); ``before``: how many projects it has.
    The agenda names projects by their place in the running order as this import leaves it: after the
    ``before`` projects there, or (``replace_all``) in the file's own order. Never raises."""
    preview = preview_projects(data, filename, existing)
    if preview.problems:  # an unreadable file or header says all there is to say
        return WorkbookRead(preview)
    after = len(preview.rows) + (0 if replace_all else before)
    try:
        agenda = parse_agenda_sheet(data, filename, range(1, after + 1))
    except ImportFailed as failed:
        return WorkbookRead(preview, True, None, failed.problems)
    return WorkbookRead(preview, agenda is not None, agenda)


def kept_orders(orders: Iterable[int], count: int) -> tuple[int, ...]:
    """A kept cue's projects once the running order is replaced by ``count`` projects without an agenda:
    the same running-order numbers, those beyond the new order dropped (the service stores this, the
    import's preview shows it)."""
    return tuple(n for n in orders if 0 < n <= count)


def agenda_sheet(sheets: list) -> object | None:
    return next((sheet for sheet in sheets if is_agenda_sheet(sheet.title)), None)


def _agenda_or_first_sheet(sheets: list) -> object | None:
    # A workbook of the agenda alone needs no particular sheet name.
    return agenda_sheet(sheets) or sheets[0]


def _parse(table: Table, project_orders: Collection[int]) -> list[CueDraft]:
    header, rows = table
    columns, _ignored, problems = match_columns(header, _ALIASES)
    for key in sorted(_REQUIRED - set(columns), key=AGENDA_KEYS.index):
        problems.append(FileProblem(1, None, "missing_column", {}, key, AGENDA_HEADERS))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([FileProblem(None, None, "no_cues")])
    names = header_names(columns, header)

    checked = [_read_row(number, cells_of(values, columns, AGENDA_KEYS)) for number, values in rows]
    check_orders(checked)
    _check_projects(checked, project_orders)
    problems = [
        FileProblem(row.number, names.get(error.field), error.code, error.params, error.field, AGENDA_HEADERS)
        for row in checked
        for error in sorted(row.errors, key=lambda error: AGENDA_KEYS.index(error.field))
    ]
    if problems:
        raise ImportFailed(problems)
    return [row.draft for row in in_file_order(checked) if isinstance(row.draft, CueDraft)]


def _read_row(number: int, cells: dict[str, object]) -> Row:
    """One cue's row: its 序号 (the file's business: where the cue goes) and the cue itself."""
    values: dict[str, object] = {}
    errors: list[Problem] = []
    try:
        values.update(clean({"order": cells["order"]}, ("order",)))
    except FieldErrors as err:
        values.update(err.values)
        errors.extend(err.problems)
    draft = None
    try:
        draft = cue_from_cells({key: cells[key] for key in CUE_KEYS})
    except FieldErrors as err:
        values.update(err.values)
        errors.extend(err.problems)
    else:
        values.update(cue_kind=draft.kind, cue_projects=draft.project_orders)
    return Row(number, cells, draft, values, errors)


def _check_projects(rows: list[Row], project_orders: Collection[int]) -> None:
    """Every project a cue names is in the running order, and no project is signed in two rounds (the
    later round is the wrong one)."""
    valid = frozenset(project_orders)
    signed_in: dict[int, int] = {}
    for row in rows:
        kind, orders = row.values.get("cue_kind"), row.values.get("cue_projects") or ()
        if kind not in PROJECT_KINDS:
            continue  # a project named where none belongs is already this row's problem
        assert isinstance(orders, tuple)
        for order in orders:
            if order not in valid:
                params = {"order": order, "count": len(valid)}
                row.errors.append(Problem("cue_projects", "unknown_project_order", params))
            elif kind in ROUND_KINDS:
                if order in signed_in:
                    params = {"order": order, "row": signed_in[order]}
                    row.errors.append(Problem("cue_projects", "project_in_two_rounds", params))
                else:
                    signed_in[order] = row.number
