// N /live viewers in one Node process, as a phone's socket.io-client connects: websocket only, one
// connection each (forceNew), the namespace /live. Driven by bench/live_load.py over stdin/stdout, one JSON
// object per line.
//
//   node viewers.mjs --url http://127.0.0.1:5000 --n 5000 [--namespace /live] [--batch 200]
//
// stdout: {"ready": connected, "first": with_first_projection, "refused": n} once every socket has its
// first projection (or the connect deadline passed); then on "report" on stdin: for every version heard,
// how many viewers received it and when the first and the last did (ms since the epoch, from
// performance.timeOrigin + performance.now()), the disconnects by reason, duplicates, and this process's
// event-loop lag. "quit" ends it.
import { io } from "socket.io-client";
import WebSocket from "ws";
import { createInterface } from "node:readline";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const url = args.url;
const n = Number(args.n || 100);
const namespace = args.namespace || "/live";
const batch = Number(args.batch || 200);
const connectDeadlineMs = Number(args.deadline || 180000);
// --local 127.0.0.10-25: each socket from one of these loopback addresses in turn, so a proxy that keeps a
// client on one process by its address (nginx's hash $remote_addr) spreads the viewers as it would phones.
const locals = [];
if (args.local) {
  const m = /^(\d+\.\d+\.\d+\.)(\d+)-(\d+)$/.exec(args.local);
  if (m) for (let i = Number(m[2]); i <= Number(m[3]); i++) locals.push(m[1] + i);
  else locals.push(args.local);
}
let opened = 0;

const now = () => performance.timeOrigin + performance.now();
const versions = new Map(); // version -> {count, first, last}
const disconnects = {};
let duplicates = 0;
let connected = 0;
let withFirst = 0;
let refused = 0;
const sockets = [];

// Event-loop lag: how late a 50 ms timer fires. Late timers mean late receive stamps.
const lags = [];
let expected = now() + 50;
setInterval(() => {
  const t = now();
  lags.push(Math.max(0, t - expected));
  if (lags.length > 20000) lags.shift();
  expected = t + 50;
}, 50).unref();

// --mode nchan: a plain WebSocket to nginx's nchan subscriber location (--url ws://…/live/sub), each
// message the projection as the server published it. What a page would do without Socket.IO's client.
function openNchan() {
  return new Promise((resolve) => {
    let last = -1;
    let ready = false;
    const connect = () => {
      const socket = new WebSocket(url, { perMessageDeflate: false, ...(locals.length ? { localAddress: locals[opened++ % locals.length] } : {}) });
      socket.on("open", () => {
        connected += 1;
        // nchan sends no message on subscribe unless asked: the page would fetch the projection once.
        if (!ready) {
          ready = true;
          withFirst += 1;
          resolve();
        }
      });
      socket.on("message", (raw) => {
        const t = now();
        const m = /"version":\s*(\d+)/.exec(raw.toString());
        if (!m) return;
        const version = Number(m[1]);
        if (version === last) {
          duplicates += 1;
          return;
        }
        last = version;
        let v = versions.get(version);
        if (!v) versions.set(version, (v = { count: 0, first: t, last: t }));
        v.count += 1;
        if (t < v.first) v.first = t;
        if (t > v.last) v.last = t;
      });
      socket.on("close", (code) => {
        connected -= 1;
        disconnects["close " + code] = (disconnects["close " + code] || 0) + 1;
        if (!quitting) setTimeout(connect, 1000 + Math.random() * 2000);
      });
      socket.on("error", () => {
        refused += 1;
      });
      sockets.push(socket);
    };
    connect();
  });
}

let quitting = false;
const mode = args.mode || "socketio";

function open() {
  if (mode === "nchan") return openNchan();
  return new Promise((resolve) => {
    const socket = io(url + namespace, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 60000,
      ...(locals.length ? { localAddress: locals[opened++ % locals.length] } : {}),
    });
    let first = true;
    let last = -1;
    socket.on("live", (data) => {
      const t = now();
      if (first) {
        first = false;
        withFirst += 1;
        resolve();
        last = data.version;
        return; // the projection sent on connect is a catch-up, not a broadcast
      }
      if (data.version === last) {
        duplicates += 1;
        return;
      }
      last = data.version;
      let v = versions.get(data.version);
      if (!v) versions.set(data.version, (v = { count: 0, first: t, last: t }));
      v.count += 1;
      if (t < v.first) v.first = t;
      if (t > v.last) v.last = t;
    });
    socket.on("connect", () => {
      connected += 1;
    });
    socket.on("disconnect", (reason) => {
      connected -= 1;
      disconnects[reason] = (disconnects[reason] || 0) + 1;
      first = true; // the server sends the projection again on reconnect
    });
    socket.on("connect_error", () => {
      refused += 1;
    });
    sockets.push(socket);
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const started = now();
  for (let i = 0; i < n; i += batch) {
    const wave = [];
    for (let j = i; j < Math.min(n, i + batch); j++) wave.push(open());
    await Promise.race([Promise.all(wave), new Promise((r) => setTimeout(r, 30000))]);
    if (now() - started > connectDeadlineMs) break;
  }
  console.log(JSON.stringify({ ready: connected, first: withFirst, refused, connect_ms: Math.round(now() - started) }));
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const cmd = line.trim();
  if (cmd === "report") {
    const sorted = [...lags].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        versions: Object.fromEntries([...versions].map(([k, v]) => [k, v])),
        connected,
        disconnects,
        duplicates,
        refused,
        lag_p50: percentile(sorted, 50),
        lag_p99: percentile(sorted, 99),
        lag_max: sorted.length ? sorted[sorted.length - 1] : null,
      }),
    );
  } else if (cmd === "reset") {
    versions.clear();
    lags.length = 0;
    console.log(JSON.stringify({ reset: true }));
  } else if (cmd.startsWith("clock")) {
    console.log(JSON.stringify({ clock: now() }));
  } else if (cmd === "quit") {
    quitting = true;
    for (const s of sockets) s.close();
    process.exit(0);
  }
});

main();
