"""``python -m kiosk``: serve, import, export. Thin: parse arguments, call the service, print the outcome in
the event's language (problems keep the contract's ``row N, column NAME: reason`` shape)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import ConfigError
from .words.catalogue import N_, gettext

EXIT_BAD_INPUT = 2

CANNOT_READ = N_("无法读取 %(path)s：%(reason)s")
NOTHING_IMPORTED = N_("共 %(n)s 处问题，未导入任何内容。")
REFUSED = N_("%(reason)s；未导入任何内容。")
ADDED = N_("已导入 %(count)s（%(file)s），共 %(total)s。")
REPLACED = N_("已用 %(count)s 替换签约顺序（%(file)s），共 %(total)s。")
AGENDA_ADDED = N_("已导入流程 %(count)s（%(file)s）。")
# Before each sheet's problems when a workbook brings both the projects and the agenda.
IN_PROJECTS_SHEET = N_("项目工作表：")
IN_AGENDA_SHEET = N_("流程工作表：")
WROTE = N_("已写入 %(file)s（%(format)s，%(bytes)s 字节）")
XLSX_NEEDS_FILE = N_("XLSX 是二进制文件：请用 -o report.xlsx 指定文件")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk", description="kiosk: runs an investment signing ceremony"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p_serve = sub.add_parser(
        "serve", help="start the server (gevent; loads the sample on an empty data folder)"
    )
    p_serve.add_argument("--host", default="0.0.0.0")  # noqa: S104 - the venue's tablets and wall PC must reach it
    p_serve.add_argument("--port", type=int, default=5000)

    p_import = sub.add_parser(
        "import",
        help="load projects from a CSV or XLSX file, and the agenda from its 流程 sheet (all or nothing)",
    )
    p_import.add_argument("file")
    p_import.add_argument(
        "--agenda", action="store_true", help="FILE is the agenda (流程): load only it, replacing the agenda"
    )
    p_import.add_argument(
        "--replace", action="store_true", help="replace the running order (only while nothing is signed)"
    )
    p_import.add_argument(
        "--allow-same-name",
        action="store_true",
        help="append rows even when a project of the same name is already in the running order",
    )

    p_export = sub.add_parser(
        "export", help="write the ceremony report (projects, totals, audit, press summary)"
    )
    p_export.add_argument(
        "--format", choices=("csv", "xlsx", "json"), help="default: from -o's extension, else json"
    )
    p_export.add_argument("-o", "--output", help="file to write (default: standard output)")

    args = parser.parse_args(argv)
    if args.command == "import" and args.agenda and (args.replace or args.allow_same_name):
        p_import.error("--agenda loads only the agenda: --replace and --allow-same-name do not apply")
    try:
        return run(args)
    except ConfigError as err:
        # A malformed KIOSK_* variable: one line that names it, not a traceback.
        print(f"kiosk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    if args.command == "export":
        return export(args.format, args.output)
    if args.command == "serve":
        from .serve import serve

        return serve(args.host, args.port)
    if args.command == "import" and args.agenda:
        return import_agenda(Path(args.file))
    if args.command == "import":
        return import_file(Path(args.file), args.replace, args.allow_same_name)
    return 1


def _open():
    """The ceremony in the data folder, as the server sees it."""
    from .ceremony.service import Ceremony
    from .config import data_dir, resolve
    from .core.clock import Clock
    from .store import open_storage

    folder = data_dir()
    settings = resolve(folder)
    clock = Clock(settings.get("TIMEZONE"))
    storage = open_storage(folder, clock, settings.get("DATABASE_URL"))
    return storage, Ceremony(storage, clock)


def import_file(path: Path, replace_all: bool, allow_same_name: bool = False) -> int:
    """The projects of ``path``, and its agenda too when it is a workbook with a 流程/agenda sheet: both
    or neither."""
    from .setup.agenda import read_workbook

    storage, ceremony = _open()
    lang = ceremony.lang
    try:
        data = _read(path, lang)
        if data is None:
            return EXIT_BAD_INPUT
        before = ceremony.projects
        existing = [] if replace_all or allow_same_name else [p.name for p in before]
        read = read_workbook(data, path.name, existing, len(before), replace_all)
        groups = [(IN_PROJECTS_SHEET, read.projects.all_problems())]
        if read.has_agenda:
            groups.append((IN_AGENDA_SHEET, read.agenda_problems))
        if any(problems for _, problems in groups):
            _print_problems(groups, lang)
            return EXIT_BAD_INPUT
        agenda = read.agenda
        drafts = read.projects.drafts()
        extra = {} if agenda is None else {"agenda": agenda}
        if not _stored(
            lambda: ceremony.import_projects(
                drafts, replace_all=replace_all, allow_same_name=allow_same_name, **extra
            ),
            lang,
        ):
            return EXIT_BAD_INPUT
        total = ceremony.money(sum(d.amount_wan for d in drafts))["text"]
        count = _projects(len(drafts), lang)
        print(gettext(REPLACED if replace_all else ADDED, lang, count=count, file=path.name, total=total))
        if agenda is not None:
            print(gettext(AGENDA_ADDED, lang, count=_items(len(agenda), lang), file=path.name))
        return 0
    finally:
        storage.close()


def import_agenda(path: Path) -> int:
    """The agenda of ``path`` (CSV, or XLSX: its 流程/agenda sheet, else its first), replacing the agenda;
    its project numbers are those of the running order as it is."""
    from .setup.agenda import parse_agenda
    from .setup.importer import ImportFailed

    storage, ceremony = _open()
    lang = ceremony.lang
    try:
        data = _read(path, lang)
        if data is None:
            return EXIT_BAD_INPUT
        try:
            drafts = parse_agenda(data, path.name, [p.order for p in ceremony.projects])
        except ImportFailed as failed:
            _print_problems([(IN_AGENDA_SHEET, failed.problems)], lang)
            return EXIT_BAD_INPUT
        if not _stored(lambda: ceremony.import_agenda(drafts), lang):
            return EXIT_BAD_INPUT
        print(gettext(AGENDA_ADDED, lang, count=_items(len(drafts), lang), file=path.name))
        return 0
    finally:
        storage.close()


def _read(path: Path, lang: str) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as err:
        print(gettext(CANNOT_READ, lang, path=path, reason=err.strerror), file=sys.stderr)
        return None


def _print_problems(groups: list[tuple[str, list]], lang: str) -> None:
    """Every problem as ``row N, column NAME: reason``; under its sheet's name when a workbook brought two
    (a bare ``row 3`` would not say which)."""
    named = len(groups) > 1
    for heading, problems in groups:
        if named and problems:
            print(gettext(heading, lang), file=sys.stderr)
        for problem in problems:
            print(problem.text(lang), file=sys.stderr)
    count = sum(len(problems) for _, problems in groups)
    print(gettext(NOTHING_IMPORTED, lang, n=count), file=sys.stderr)


def _stored(store, lang: str) -> bool:
    """Run ``store`` (a service call); False, with the reason printed, when the service refuses."""
    from .ceremony.rules import CeremonyError
    from .setup.fields import FieldErrors
    from .words import messages

    try:
        store()
    except CeremonyError as err:
        reason = err.code + ": " + messages.text(err.code, lang, err.params)
        print(gettext(REFUSED, lang, reason=reason), file=sys.stderr)
        return False
    except FieldErrors as err:
        # Another process changed the running order since the file was read: a project of the same name
        # was added, or fewer projects are left than the agenda names.
        for problem in err.problems:
            print(messages.text(problem.code, lang, problem.params), file=sys.stderr)
        print(gettext(NOTHING_IMPORTED, lang, n=len(err.problems)), file=sys.stderr)
        return False
    return True


def _items(n: int, lang: str) -> str:
    from .words.format import count

    return count(n, "item", lang)


def _projects(n: int, lang: str) -> str:
    from .words.format import count

    return count(n, "project", lang)


def export(fmt: str | None, output: str | None) -> int:
    from .reporting import report

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in report.FORMATS else "json"
    storage, ceremony = _open()
    try:
        lang = ceremony.lang
        if output is None and fmt == "xlsx" and sys.stdout.isatty():
            print(gettext(XLSX_NEEDS_FILE, lang), file=sys.stderr)
            return EXIT_BAD_INPUT
        data = report.FORMATS[fmt][0](report.of(ceremony))
    finally:
        storage.close()
    if output:
        Path(output).write_bytes(data)
        print(gettext(WROTE, lang, file=output, format=fmt, bytes=len(data)), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
