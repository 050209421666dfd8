// Node's socket.io server as the reference for the /live bench: the same namespace, room and event as
// kiosk/web/live/routes.py, the same ping settings, and the app's own projection (read from a file the
// orchestrator saved from /live/state.json) re-sent with its version moved, so each frame has the app's size.
//
//   node node_server.mjs --port 5001 --projection /tmp/projection.json
//
// POST /trigger broadcasts the next version to the room and answers {"version": v}.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { Server } from "socket.io";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
let projection = JSON.parse(readFileSync(args.projection, "utf8"));

const http = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/trigger") {
    req.resume();
    projection = { ...projection, version: projection.version + 1 };
    live.to("live").emit("live", projection);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ version: projection.version }));
    return;
  }
  if (req.url === "/healthz") {
    res.writeHead(200);
    res.end("ok");
    return;
  }
  res.writeHead(404);
  res.end();
});
const io = new Server(http, { pingInterval: 10000, pingTimeout: 8000, transports: ["websocket", "polling"] });
const live = io.of("/live");
live.on("connection", (socket) => {
  socket.join("live");
  socket.emit("live", projection);
});
http.listen(Number(args.port), "127.0.0.1", () => console.log(JSON.stringify({ listening: Number(args.port) })));
