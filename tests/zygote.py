"""``python -m kiosk serve`` with its imports already done: one of these per test process, and each server
the tests start is a fork of it (tests/harness.py, ``LiveServer``).

Why: a server's start is about 80 % imports (0.8 of 1.0 s of CPU, measured with ``getrusage`` on this
2-core machine), and a run starts over two hundred (the crash tests alone restart 65 times). The forked
server is still its own process — its own pid, address space, port, data folder, environment and log — so
a SIGKILL, a SIGTERM or a memory reading means what it meant; only the import work is shared. The tests about
start-up itself (tests/test_startup.py) and the other programs (cluster, stack) still run their own
commands.

The protocol, one JSON line each way on stdin/stdout: ``{"start": {"argv", "env", "cwd", "log"}}`` answers
``{"pid"}``; ``{"poll": pid}`` answers ``{"code"}`` (None while it runs; a signal as a negative number, as
``subprocess`` says it). The zygote reaps its children itself, so an exit is read once and remembered.
"""

import json
import os
import sys

# ``python -m kiosk`` from the checkout finds kiosk there; run as a script, this file's folder came first.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# As kiosk/__main__.py does for ``serve``: gevent patches the standard library before anything imports it.
from gevent import monkey  # noqa: E402

monkey.patch_all()

import gevent  # noqa: E402

# What ``serve`` imports by the time it answers /healthz (python -X importtime), the stores' drivers included.
import kiosk.app  # noqa: E402
import kiosk.cli  # noqa: E402
import kiosk.serve  # noqa: E402
import kiosk.store.postgres  # noqa: E402
import kiosk.store.sqlite  # noqa: E402

# The real fork and waitpid: gevent's would hand the child to a hub that never runs in this process.
_fork = monkey.get_original("os", "fork")
_waitpid = monkey.get_original("os", "waitpid")


def serve_child(request: dict) -> None:
    """In the forked child: become ``python -m kiosk ARGV`` with its own environment and log, and exit as
    that program exits (through SystemExit, so its exit handlers run as they would)."""
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["kiosk", *request["argv"]]
    gevent.reinit()
    sys.exit(kiosk.cli.main(request["argv"]))


def main() -> None:
    exited: dict[int, int] = {}
    for line in sys.stdin.buffer:
        request = json.loads(line)
        if "start" in request:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = _fork()
            if pid == 0:
                serve_child(request["start"])  # never returns
            answer = {"pid": pid}
        else:
            pid = request["poll"]
            if pid not in exited:
                done, status = _waitpid(pid, os.WNOHANG)
                if done:
                    exited[pid] = os.waitstatus_to_exitcode(status)
            answer = {"code": exited.get(pid)}
        os.write(1, (json.dumps(answer) + "\n").encode())


if __name__ == "__main__":
    main()
