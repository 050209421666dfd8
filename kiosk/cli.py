"""``python -m kiosk``: serve, import, export. Thin: parse arguments, call the service, print the outcome in
the event's language (problems keep the contract's ``row N, column NAME: reason`` shape)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .words.catalogue import N_, gettext

EXIT_BAD_INPUT = 2

CANNOT_READ = N_("无法读取 %(path)s：%(reason)s")
NOTHING_IMPORTED = N_("共 %(n)s 处问题，未导入任何内容。")
REFUSED = N_("%(reason)s；未导入任何内容。")
ADDED = N_("已导入 %(count)s（%(file)s），共 %(total)s。")
REPLACED = N_("已用 %(count)s 替换签约顺序（%(file)s），共 %(total)s。")
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

    p_import = sub.add_parser("import", help="load projects from a CSV or XLSX file (all or nothing)")
    p_import.add_argument("file")
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
    if args.command == "export":
        return export(args.format, args.output)
    if args.command == "serve":
        from .serve import serve

        return serve(args.host, args.port)
    if args.command == "import":
        return import_file(Path(args.file), args.replace, args.allow_same_name)
    return 1


def _open():
    """The ceremony in the data folder, as the server sees it."""
    from .ceremony.clock import Clock
    from .ceremony.service import Ceremony
    from .config import data_dir, resolve
    from .store.sqlite import Storage

    folder = data_dir()
    clock = Clock(resolve(folder).get("TIMEZONE"))
    storage = Storage(folder / "kiosk.sqlite3", clock)
    return storage, Ceremony(storage, clock)


def import_file(path: Path, replace_all: bool, allow_same_name: bool = False) -> int:
    from .ceremony.rules import CeremonyError
    from .setup.fields import FieldErrors
    from .setup.importer import ImportFailed, parse_projects
    from .words import messages

    storage, ceremony = _open()
    lang = ceremony.lang
    try:
        try:
            data = path.read_bytes()
        except OSError as err:
            print(gettext(CANNOT_READ, lang, path=path, reason=err.strerror), file=sys.stderr)
            return EXIT_BAD_INPUT
        existing = [] if replace_all or allow_same_name else [p.name for p in ceremony.projects]
        try:
            drafts = parse_projects(data, path.name, existing)
        except ImportFailed as failed:
            for line in failed.lines(lang):
                print(line, file=sys.stderr)
            print(gettext(NOTHING_IMPORTED, lang, n=len(failed.problems)), file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            ceremony.import_projects(drafts, replace_all=replace_all, allow_same_name=allow_same_name)
        except CeremonyError as err:
            reason = err.code + ": " + messages.text(err.code, lang, err.params)
            print(gettext(REFUSED, lang, reason=reason), file=sys.stderr)
            return EXIT_BAD_INPUT
        except FieldErrors as err:
            # Another process added a project of the same name since the file was read.
            for problem in err.problems:
                print(messages.text(problem.code, lang, problem.params), file=sys.stderr)
            print(gettext(NOTHING_IMPORTED, lang, n=len(err.problems)), file=sys.stderr)
            return EXIT_BAD_INPUT
        total = ceremony.money(sum(d.amount_wan for d in drafts))["text"]
        count = _projects(len(drafts), lang)
        print(gettext(REPLACED if replace_all else ADDED, lang, count=count, file=path.name, total=total))
        return 0
    finally:
        storage.close()


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
        data = report.FORMATS[fmt][0](ceremony.report())
    finally:
        storage.close()
    if output:
        Path(output).write_bytes(data)
        print(gettext(WROTE, lang, file=output, format=fmt, bytes=len(data)), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
