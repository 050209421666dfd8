/*
 * The live link to the server, shared by the big screen, the console and the admin pages.
 *
 * Every `state` message is a full view, so a missed broadcast loses nothing once the next arrives.
 * What this adds to Socket.IO (which delivers at most once and, in python-socketio, never replays):
 *  - the full view on every (re)connect, and over HTTP when the socket cannot get through;
 *  - a heartbeat: every few seconds ask the server for its seq (a tiny ack). No answer in time means a
 *    stalled or half-open link, which Engine.IO's own ping would notice only after tens of seconds: drop
 *    the socket, fetch the view over HTTP, reconnect.
 *  - ordering: a view older than the one on screen is ignored (unless the log itself was replaced).
 */

import { get } from "./http.js";

// Walls and consoles must notice a stalled link within ~4 s. Plain viewers (audience phones, monitors)
// skip the heartbeat: thousands of them would only add load, and Engine.IO's own ping still catches their
// dead links, just later.
const HEARTBEAT_MS = 2000;
const HEARTBEAT_TIMEOUT_MS = 2000;

export function fetchState(path = "/api/v1/state") {
  return get(path, { timeout: 5000 }).then((res) => {
    if (res.status !== 200 || !res.data) throw new Error("HTTP " + res.status);
    return res.data;
  });
}

/**
 * options: role ("display" | "console" | "stage" | "viewer"), name, onState(view, previous, how),
 *          statePath (where the HTTP catch-up asks: the MC's monitor asks for ?view=stage),
 *          onStatus("connecting" | "live" | "reconnecting"), onDisplays(list), onRefused()
 * how: "live" for a broadcast, "sync" for a catch-up (reconnect, HTTP, heartbeat).
 */
export function connect(options) {
  let current = null;
  let status = "connecting";
  // The server sends the full view as soon as a socket opens (even before our "connect" event fires):
  // that first one is a catch-up, never news to celebrate.
  let freshSocket = true;
  const socket = window.io({
    auth: { role: options.role, name: options.name || "" },
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    timeout: 5000,
  });

  function setStatus(s) {
    if (s !== status) {
      status = s;
      if (options.onStatus) options.onStatus(s);
    }
  }

  function accept(view, how) {
    if (!view || typeof view.seq !== "number") return;
    const sameLog = current && view.log_id === current.log_id;
    const older = sameLog && view.seq < current.seq;
    const known = sameLog && view.seq === current.seq && how !== "live";
    if (!older && !known) {
      const previous = current;
      current = view;
      options.onState(view, previous, how);
    }
    // Report what is on screen after every view, also one already drawn: after a reconnect the server
    // knows this screen afresh and waits for its report, or the console shows it amber until the next
    // command although it is current.
    if (options.role === "display" && current) report();
  }

  // A big screen's report: the seq it has drawn, and what else it says about itself (its layout).
  function report() {
    if (current) socket.emit("seen", { seq: current.seq, ...(options.report ? options.report() : {}) });
  }

  socket.on("connect", () => setStatus("live"));
  socket.on("state", (view) => {
    // A jump of more than one is harmless (views are whole) but marks it as a catch-up for the screen.
    const gap = !current || view.log_id !== current.log_id || view.seq > current.seq + 1;
    const how = freshSocket || gap ? "sync" : "live";
    freshSocket = false;
    accept(view, how);
  });
  socket.on("displays", (msg) => {
    if (options.onDisplays) options.onDisplays(msg.displays || [], msg.waiting || []);
  });
  // A big screen hears whether it is paired (else the code it shows while it waits), and its pairing link
  // once an operator approves it.
  socket.on("screen", (msg) => {
    if (options.onScreen) options.onScreen(msg || {});
  });
  socket.on("pair", (msg) => {
    if (options.onPair && msg && typeof msg.url === "string") options.onPair(msg.url);
  });
  socket.on("disconnect", (reason) => {
    freshSocket = true;
    setStatus("reconnecting");
    // The server closed on us (restart, lost session): socket.io will not retry by itself then.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
  });
  socket.on("connect_error", (err) => {
    setStatus("reconnecting");
    const guarded = options.role === "console" || options.role === "stage";
    if (guarded && err && err.message && /rejected|unauthor/i.test(err.message) && options.onRefused) {
      options.onRefused();
    }
    catchUpOverHttp();
  });

  function catchUpOverHttp() {
    fetchState(options.statePath)
      .then((view) => accept(view, "sync"))
      .catch(() => {});
  }

  // The MC's monitor too: an MC reading a stalled cue must see the offline badge within seconds.
  const watched = options.role === "display" || options.role === "console" || options.role === "stage";
  setInterval(() => {
    if (!watched && socket.connected) return;
    if (!socket.connected) {
      catchUpOverHttp();
      return;
    }
    let answered = false;
    const timer = setTimeout(() => {
      if (answered) return;
      // Stalled or half-open: start over rather than wait for Engine.IO's ping timeout.
      setStatus("reconnecting");
      socket.disconnect();
      catchUpOverHttp();
      socket.connect();
    }, HEARTBEAT_TIMEOUT_MS);
    socket.emit("check", (head) => {
      answered = true;
      clearTimeout(timer);
      if (!current || !head || head.seq !== current.seq || head.log_id !== current.log_id) {
        socket.emit("sync", (view) => accept(view, "sync"));
      }
    });
  }, HEARTBEAT_MS);

  return {
    socket,
    state: () => current,
    status: () => status,
    refresh: catchUpOverHttp,
    report,
  };
}
