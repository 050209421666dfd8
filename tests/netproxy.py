"""A TCP proxy the tests control, between a browser and the server, on loopback only.

- ``cut()``: close every open connection now (a Wi-Fi blip); new ones get through.
- ``stall()``: the open connections stay open but no byte moves either way any more — a half-open link, as
  when a venue router or NAT silently drops a flow. New connections get through.
- ``blackhole()``: everything stalls, old and new, until ``heal()``.
- ``delay_s``: each chunk waits this long first.

And ``BlackHole``: a port with nothing behind it that still accepts (a desk whose web server hung).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading


class BlackHole:
    """A TCP port that accepts every connection and never answers a byte (``url``: a webhook there)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.held: list[socket.socket] = []
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


class Proxy:
    def __init__(self, target_port: int, host: str = "127.0.0.1"):
        self.target = (host, target_port)
        self.host = host
        self.port = 0
        self.mode = "pass"
        self.delay_s = 0.0
        self._writers: set[asyncio.StreamWriter] = set()
        self._stalled: set[int] = set()  # ids of connections that no longer move bytes
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    # -- control (from the test's thread) ------------------------------------------------------------

    def start(self) -> Proxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def cut(self) -> None:
        """Drop every connection now (as a Wi-Fi blip does); new ones get through."""
        asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(5)

    def stall(self) -> None:
        """Freeze every open connection silently (half-open); new connections flow."""
        self._stalled.update(id(w) for w in list(self._writers))

    def blackhole(self) -> None:
        """Open connections stall silently; new ones are accepted but stall too."""
        self.mode = "blackhole"

    def heal(self) -> None:
        """Back to forwarding, for new connections; stalled ones are closed (their bytes are lost anyway)."""
        self.mode = "pass"
        self.cut()

    # -- the proxy (on its own event loop) -----------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, self.host, 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.run_until_complete(self._close_all())
            # Connections still being piped are cancelled, not abandoned (asyncio complains at exit otherwise).
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(asyncio.sleep(0))  # the transports' own closing, scheduled above
            self._loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        opened = [writer]
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
            opened.append(up_writer)
            self._writers.update(opened)
            conn = (id(writer), id(up_writer))
            await asyncio.gather(
                self._pipe(reader, up_writer, conn),
                self._pipe(up_reader, writer, conn),
                return_exceptions=True,
            )
        except OSError:
            pass
        finally:
            # Also when the proxy stops mid-connection (the task is cancelled): a transport left open is
            # collected later, in whichever test runs then, as a ResourceWarning.
            for w in opened:
                self._writers.discard(w)
                w.close()

    def _frozen(self, conn: tuple[int, int]) -> bool:
        return self.mode == "blackhole" or conn[0] in self._stalled or conn[1] in self._stalled

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, conn) -> None:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            while self._frozen(conn) and not writer.is_closing():
                await asyncio.sleep(0.05)  # hold the bytes: nothing arrives, nothing errors
            if writer.is_closing():
                break
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def _close_all(self) -> None:
        for w in list(self._writers):
            w.close()
        self._writers.clear()
        self._stalled.clear()
