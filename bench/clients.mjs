// Load clients for bench/load.py: N Socket.IO websocket clients like the real pages, in one Node process.
//
//   node clients.mjs --url http://127.0.0.1:5000 --n 1000 [--wall] [--concurrency 50] [--times-file f.json]
//                    [--heartbeat-ms 2000] [--heartbeat-timeout-ms 2000]
//
// N-1 clients are plain viewers (auth {role: "viewer"}); with --wall one of the N is the big screen
// (auth {role: "display", name: "bench-wall"}) and behaves as static/js/live.js does for a display: it emits
// `seen` for every state it accepts, and every 2 s a `check` with an ack; no answer within 2 s means a
// stalled link, so it drops the socket and reconnects (as the real wall would), and a head that differs from
// what it holds makes it ask for `sync`.
//
// Every `state` received is stamped with performance.timeOrigin + performance.now() (ms since the Unix epoch,
// sub-ms), the clock the orchestrator compares with Python's time.time() * 1000.
//
// Talks JSON lines: stdout carries {"type": ...} messages; stdin takes commands:
//   {"cmd": "clock"}                       -> {"type": "clock", "t": now}
//   {"cmd": "probe", "role": "viewer"}     -> a fresh client connects; {"type": "probe", first_state_ms, ...}
//   {"cmd": "report", "expected": [seq..]} -> {"type": "report", ...} (per-seq receive times, losses, drops)
//   {"cmd": "quit"}                        -> closes every socket and exits
// Every wait is bounded: the process gives up on its own after --max-seconds (default 900).

import { io } from "socket.io-client";
import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : v;
}

const URL_ = arg("url", "http://127.0.0.1:5000");
const N = parseInt(arg("n", "10"), 10);
const WALL = Boolean(arg("wall", false));
const CONCURRENCY = parseInt(arg("concurrency", "50"), 10);
const TIMES_FILE = arg("times-file", null);
const MAX_SECONDS = parseFloat(arg("max-seconds", "900"));
const CONNECT_TIMEOUT_S = parseFloat(arg("connect-timeout", "180"));
// static/js/live.js: HEARTBEAT_MS and HEARTBEAT_TIMEOUT_MS (override to try other values)
const HEARTBEAT_MS = parseInt(arg("heartbeat-ms", "2000"), 10);
const HEARTBEAT_TIMEOUT_MS = parseInt(arg("heartbeat-timeout-ms", "2000"), 10);

const now = () => performance.timeOrigin + performance.now();
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

// Event-loop lag of this client process (is the load generator itself the bottleneck?). The histogram's
// values include the sampling interval, so it is subtracted when reported.
const LOOP_RESOLUTION_MS = 5;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();

// seq -> receive times of live broadcasts (not the snapshot a client gets on (re)connect)
const times = new Map();
const clients = [];
const disconnectReasons = {};
let connectErrors = 0;
const wallStats = { checks: 0, answered: 0, timeouts: 0, rtt: [], syncs: 0, reconnects: 0 };

function socketOptions(auth) {
  return {
    auth,
    transports: ["websocket"],
    forceNew: true, // one connection per client, as separate browsers have (no multiplexing)
    reconnectionDelay: 500, // as static/js/live.js
    reconnectionDelayMax: 3000,
    timeout: 20000,
  };
}

function makeClient(index, role) {
  const auth = role === "display" ? { role: "display", name: "bench-wall" } : { role: "viewer" };
  const c = {
    index,
    role,
    socket: io(URL_, socketOptions(auth)),
    seqs: new Set(), // seqs received as live broadcasts
    initialPending: true, // the next `state` is the snapshot sent on (re)connect
    connects: 0,
    disconnects: 0,
    firstStateAt: null,
    current: null,
  };
  const s = c.socket;
  s.on("connect", () => {
    c.connects += 1;
  });
  s.on("state", (state) => {
    const t = now();
    const seq = state && state.seq;
    if (c.initialPending) {
      c.initialPending = false;
      if (c.firstStateAt === null) {
        c.firstStateAt = t;
        onFirstState();
      }
    } else {
      c.seqs.add(seq);
      let arr = times.get(seq);
      if (!arr) times.set(seq, (arr = []));
      arr.push(t);
    }
    if (!c.current || state.seq >= c.current.seq || state.log_id !== c.current.log_id) c.current = state;
    if (role === "display") s.emit("seen", { seq });
  });
  s.on("disconnect", (reason) => {
    c.disconnects += 1;
    c.initialPending = true;
    disconnectReasons[reason] = (disconnectReasons[reason] || 0) + 1;
    if (reason === "io server disconnect") setTimeout(() => s.connect(), 1000);
  });
  s.on("connect_error", () => {
    connectErrors += 1;
  });
  if (role === "display") {
    c.timer = setInterval(() => {
      if (!s.connected) return;
      wallStats.checks += 1;
      const sent = now();
      let answered = false;
      const timer = setTimeout(() => {
        if (answered) return;
        wallStats.timeouts += 1;
        wallStats.reconnects += 1;
        s.disconnect();
        s.connect();
      }, HEARTBEAT_TIMEOUT_MS);
      s.emit("check", (head) => {
        answered = true;
        clearTimeout(timer);
        wallStats.answered += 1;
        wallStats.rtt.push(now() - sent);
        if (!c.current || !head || head.seq !== c.current.seq || head.log_id !== c.current.log_id) {
          wallStats.syncs += 1;
          s.emit("sync", (state) => {
            if (state && (!c.current || state.seq > c.current.seq)) c.current = state;
          });
        }
      });
    }, HEARTBEAT_MS);
  }
  return c;
}

// -- connecting, CONCURRENCY at a time (a real crowd arrives over minutes, not in one SYN burst) ----------
const started = now();
let ready = 0;
let waiting = [];
function onFirstState() {
  ready += 1;
  const w = waiting.shift();
  if (w) w();
  if (ready % 500 === 0 && ready < N) out({ type: "progress", ready, t: now() });
  if (ready === N) {
    out({
      type: "ready",
      n: N,
      connect_seconds: (now() - started) / 1000,
      connect_errors: connectErrors,
      t: now(),
    });
  }
}

async function connectAll() {
  for (let i = 0; i < N; i++) {
    const inFlight = i - ready;
    if (inFlight >= CONCURRENCY) await new Promise((r) => waiting.push(r));
    clients.push(makeClient(i, WALL && i === 0 ? "display" : "viewer"));
  }
}
connectAll();

const giveUpConnecting = setTimeout(() => {
  if (ready < N) {
    out({ type: "error", error: `only ${ready} of ${N} clients got their first state`, connect_errors: connectErrors });
  }
}, CONNECT_TIMEOUT_S * 1000);

// -- commands ------------------------------------------------------------------------------------------
function pct(sorted, p) {
  if (!sorted.length) return null;
  const k = (sorted.length - 1) * p;
  const lo = Math.floor(k);
  const hi = Math.ceil(k);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo);
}

function probe(role) {
  const t0 = now();
  const auth = role === "display" ? { role: "display", name: "bench-probe" } : { role: "viewer" };
  const s = io(URL_, { ...socketOptions(auth), reconnection: false });
  let connectedAt = null;
  let done = false;
  const finish = (result) => {
    if (done) return;
    done = true;
    clearTimeout(limit);
    s.close();
    out({ type: "probe", role, ...result });
  };
  const limit = setTimeout(() => finish({ ok: false, error: "no state within 30 s" }), 30000);
  s.io.on("open", () => (connectedAt = now())); // the websocket is up (Engine.IO open)
  s.on("connect_error", (err) => finish({ ok: false, error: String(err && err.message) }));
  s.on("state", (state) =>
    finish({
      ok: true,
      open_ms: connectedAt === null ? null : connectedAt - t0,
      first_state_ms: now() - t0,
      seq: state && state.seq,
    }),
  );
}

function report(expected) {
  const perSeq = {};
  for (const seq of expected) {
    const arr = (times.get(seq) || []).slice().sort((a, b) => a - b);
    perSeq[seq] = {
      received: arr.length,
      first: arr.length ? arr[0] : null,
      p50: pct(arr, 0.5),
      p99: pct(arr, 0.99),
      last: arr.length ? arr[arr.length - 1] : null,
    };
  }
  let missedTotal = 0;
  let clientsMissing = 0;
  let clientsDisconnected = 0;
  let disconnects = 0;
  const missedByClient = [];
  for (const c of clients) {
    let missed = 0;
    for (const seq of expected) if (!c.seqs.has(seq)) missed += 1;
    missedTotal += missed;
    if (missed) {
      clientsMissing += 1;
      if (missedByClient.length < 50) missedByClient.push({ index: c.index, role: c.role, missed });
    }
    if (c.disconnects) clientsDisconnected += 1;
    disconnects += c.disconnects;
  }
  const rtt = wallStats.rtt.slice().sort((a, b) => a - b);
  if (TIMES_FILE) {
    const all = {};
    for (const seq of expected) all[seq] = times.get(seq) || [];
    writeFileSync(TIMES_FILE, JSON.stringify(all));
  }
  out({
    type: "report",
    n: N,
    expected_seqs: expected.length,
    per_seq: perSeq,
    delivered: expected.reduce((sum, seq) => sum + (times.get(seq) || []).length, 0),
    expected_deliveries: expected.length * N,
    missed_total: missedTotal,
    clients_missing: clientsMissing,
    missed_by_client: missedByClient,
    disconnects,
    clients_disconnected: clientsDisconnected,
    disconnect_reasons: disconnectReasons,
    connect_errors: connectErrors,
    still_connected: clients.filter((c) => c.socket.connected).length,
    wall: WALL
      ? {
          checks: wallStats.checks,
          answered: wallStats.answered,
          timeouts: wallStats.timeouts,
          reconnects: wallStats.reconnects,
          syncs: wallStats.syncs,
          rtt_p50_ms: pct(rtt, 0.5),
          rtt_p99_ms: pct(rtt, 0.99),
          rtt_max_ms: rtt.length ? rtt[rtt.length - 1] : null,
        }
      : null,
    client_loop_delay_ms: {
      p50: Math.max(0, loopDelay.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
      p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
      max: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
    },
    client_rss_mb: process.memoryUsage().rss / 1048576,
  });
}

function quit() {
  clearTimeout(giveUpConnecting);
  for (const c of clients) {
    if (c.timer) clearInterval(c.timer);
    c.socket.close();
  }
  setTimeout(() => process.exit(0), 200);
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (msg.cmd === "clock") out({ type: "clock", t: now() });
  else if (msg.cmd === "probe") probe(msg.role || "viewer");
  else if (msg.cmd === "report") report(msg.expected || []);
  else if (msg.cmd === "reset-loop-delay") loopDelay.reset();
  else if (msg.cmd === "quit") quit();
});
rl.on("close", quit); // the orchestrator went away

setTimeout(() => {
  out({ type: "error", error: `gave up after ${MAX_SECONDS} s` });
  quit();
}, MAX_SECONDS * 1000).unref();
