"""``python -m kiosk``: serve, import, export. Thin: parse arguments, call the service, print the outcome."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk", description="签约仪式现场系统 / signing ceremony kiosk"
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
        return import_file(Path(args.file), args.replace)
    return 1


def import_file(path: Path, replace_all: bool) -> int:
    from .config import data_dir
    from .domain import CeremonyError
    from .importer import ImportFailed, parse_projects
    from .service import Ceremony
    from .storage import Storage

    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"cannot read {path}: {err.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        drafts = parse_projects(data, path.name)
    except ImportFailed as failed:
        for problem in failed.problems:
            print(str(problem), file=sys.stderr)
        print(f"{len(failed.problems)} problem(s); nothing was imported.", file=sys.stderr)
        return EXIT_BAD_INPUT
    storage = Storage(data_dir() / "kiosk.sqlite3")
    try:
        ceremony = Ceremony(storage)
        ceremony.import_projects(drafts, replace_all=replace_all)
    except CeremonyError as err:
        print(f"{err.code}: {err.message}; nothing was imported.", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        storage.close()
    total = sum(d.amount_wan for d in drafts)
    verb = "replaced the running order with" if replace_all else "added"
    print(f"{verb} {len(drafts)} project(s), {total} 万元 in all ({path.name}).")
    return 0


def export(fmt: str | None, output: str | None) -> int:
    from . import report
    from .config import data_dir
    from .service import Ceremony
    from .storage import Storage

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in report.FORMATS else "json"
    if output is None and fmt == "xlsx" and sys.stdout.isatty():
        print("an XLSX file is binary: give a file with -o report.xlsx", file=sys.stderr)
        return EXIT_BAD_INPUT
    storage = Storage(data_dir() / "kiosk.sqlite3")
    try:
        data = report.FORMATS[fmt][0](Ceremony(storage).report())
    finally:
        storage.close()
    if output:
        Path(output).write_bytes(data)
        print(f"wrote {output} ({fmt}, {len(data)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
