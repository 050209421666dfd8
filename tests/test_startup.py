"""The server starts without the libraries only some routes need: they are imported at their first use.

CairoSVG and cairocffi alone were ~0.2 s of every ``python -m kiosk serve``, and the tests start ~290
servers. Each check runs in a fresh interpreter: this test process has long imported all of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Imported by the routes and commands that draw, print, read or write files, never to serve a first request.
LAZY = ("cairosvg", "cairocffi", "weasyprint", "openpyxl", "qrcode", "vobject", "PIL")


FRESH_PYTHON = """
from gevent import monkey

monkey.patch_all()
{body}
import json
import sys

print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}} & {lazy!r})))
"""


def imported_in_fresh_python(body: str) -> list[str]:
    """The LAZY packages in ``sys.modules`` after ``body`` runs, as ``python -m kiosk serve`` starts:
    gevent's patches first."""
    script = FRESH_PYTHON.format(body=textwrap.dedent(body), lazy=set(LAZY))
    # A plain install: no KIOSK_* settings from the environment (a database server, a queue).
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_app_leaves_the_heavy_libraries_out():
    assert imported_in_fresh_python("import kiosk.app") == []


def test_a_fresh_install_serves_its_first_request_without_them(tmp_path):
    # create_app on an empty data folder loads the sample ceremony; /healthz is what a start waits for.
    body = f"""
        from kiosk import create_app

        app = create_app({{"DATA_DIR": {str(tmp_path / "data")!r}, "TESTING": True}})
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/display").status_code == 200
        app.extensions["kiosk"].storage.close()
    """
    assert imported_in_fresh_python(body) == []
