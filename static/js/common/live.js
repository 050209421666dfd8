/*
 * The live link to the server, the one every page uses: the big screen, the console, the MC's monitor, the
 * admin and the overlay (role in `auth`), the signatory's pad (its token) and the public /live page (its
 * own namespace, thousands of phones).
 *
 * Every view is whole, so a missed broadcast loses nothing once the next arrives. What this adds to
 * Socket.IO (which delivers at most once and, in python-socketio, never replays):
 *  - the whole view on every (re)connect, and over HTTP when the socket cannot get through;
 *  - a heartbeat for the pages that must notice a stalled link within seconds: ask the server for its
 *    counter (a tiny ack); no answer in time means a stalled or half-open link, which Engine.IO's own ping
 *    would notice only after tens of seconds: drop the socket, catch up over HTTP, reconnect. A crowd's
 *    phones skip it (thousands would only add load) and ask once when they wake instead;
 *  - ordering: a view older than the one on screen is ignored (unless the log itself was replaced).
 */

import { get } from "./http.js";

// Walls, consoles, the MC's monitor: a stalled link noticed within ~4 s.
const HEARTBEAT_MS = 2000;
// A link that is down catches up over HTTP this often (a crowd's pages do not poll).
const POLL_MS = 2000;
// A phone that slept may hold a socket that died silently: on waking it asks, and starts over without an
// answer this soon.
const WAKE_TIMEOUT_MS = 4000;
// A crowd's page whose socket cannot get through asks over HTTP at most this often.
const CROWD_CATCH_UP_MS = 10000;

export function fetchState(path = "/api/v1/state") {
  return get(path, { timeout: 5000 }).then((res) => {
    if (res.status !== 200 || !res.data) throw new Error("HTTP " + res.status);
    return res.data;
  });
}

/**
 * options:
 *   auth        what the socket presents: {role: "display" | "console" | "stage" | "viewer", name} or
 *               {role: "pad", pad: token}
 *   namespace   "/" (default) or "/live"; event: the message a view comes in ("state"; "live" on /live);
 *               counter: the view's order field ("seq"; "version" on /live)
 *   statePath   where the HTTP catch-up asks (/api/v1/state; the MC's monitor asks for ?view=stage)
 *   heartbeat   true (every 2 s) or how many ms: how often a link that is up proves it is alive; without
 *               it a link that is down still catches up over HTTP every 2 s (or every heartbeat if longer)
 *   crowd       thousands of phones: slower, spread-out retries, no heartbeat and no polling (HTTP only
 *               when the socket fails, at most every 10 s), a check on waking instead
 *   again       hand on a view of the counter already drawn too (the pad and /live draw from it what the
 *               view alone does not say: the outbox's state, since when the figures are)
 *   onState(view, previous, how)  how: "live" for a broadcast, "sync" for a catch-up; returning false says
 *               the page did not take the view
 *   onStatus("connecting" | "live" | "reconnecting"), onRefused() (a guarded role's socket was refused),
 *   onGone() (the catch-up answered 404: the pad's link was taken away), onDisplays(list, waiting, onAir)
 *   (the paired walls, the screens waiting, and the on-air line said from what the walls report drawing),
 *   onScreen(info), onPair(url), report() (a big screen's report beside the seq it has drawn)
 */
export function connect(options) {
  const auth = options.auth || {};
  const event = options.event || "state";
  const counter = options.counter || "seq";
  const crowd = !!options.crowd;
  const heartbeatMs = options.heartbeat === true ? HEARTBEAT_MS : options.heartbeat || 0;
  let current = null;
  let status = "connecting";
  // The server sends the full view as soon as a socket opens (even before our "connect" event fires):
  // that first one is a catch-up, never news to celebrate.
  let freshSocket = true;
  let caughtUpAt = 0;
  const socket = window.io(options.namespace || "/", {
    auth,
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    // Ten thousand phones coming back after the venue's network dropped must not all knock at once:
    // Socket.IO spreads its retries (randomization 0.5 by default) between these bounds.
    reconnectionDelay: crowd ? 1000 : 500,
    reconnectionDelayMax: crowd ? 5000 : 3000,
    timeout: crowd ? 8000 : 5000,
  });

  function setStatus(s) {
    if (s !== status) {
      status = s;
      if (options.onStatus) options.onStatus(s);
    }
  }

  function accept(view, how) {
    if (!view || typeof view[counter] !== "number") return;
    const sameLog = current && view.log_id === current.log_id;
    const older = sameLog && view[counter] < current[counter];
    const known = sameLog && view[counter] === current[counter] && how !== "live" && !options.again;
    if (!older && !known) {
      const previous = current;
      if (options.onState(view, previous, how) !== false) current = view;
    }
    // Report what is on screen after every view, also one already drawn: after a reconnect the server
    // knows this screen afresh and waits for its report, or the console shows it amber until the next
    // command although it is current.
    if (options.report && current) report();
  }

  // A big screen's report: the seq it has drawn, and what else it says about itself (its layout, its picture).
  function report() {
    if (current && options.report) socket.emit("seen", { seq: current.seq, ...options.report() });
  }

  function catchUp() {
    if (crowd) {
      // The socket cannot get through (a proxy dropping websockets and polling): the figures over HTTP
      // now and then, so the page is not stuck at its first load. It still says it is not live.
      if (Date.now() - caughtUpAt < CROWD_CATCH_UP_MS) return;
      caughtUpAt = Date.now();
    }
    get(options.statePath || "/api/v1/state", { timeout: 5000 })
      .then((res) => {
        if (res.status === 200 && res.data) accept(res.data, "sync");
        else if (res.status === 404 && options.onGone) options.onGone();
      })
      .catch(() => {});
  }

  /** Drop a link that stopped answering and open a new one (the pad's outbox resends on connect). */
  function restart() {
    setStatus("reconnecting");
    socket.disconnect();
    if (!crowd) catchUp();
    socket.connect();
  }

  /** Ask the server for its counter; no answer within ``ms`` starts over, a different one syncs. */
  function check(ms) {
    socket.timeout(ms).emit("check", (err, head) => {
      if (err) {
        if (socket.connected) restart();
        return;
      }
      const behind = !current || !head || head[counter] !== current[counter] || head.log_id !== current.log_id;
      if (behind) {
        socket.timeout(5000).emit("sync", (e, view) => {
          if (!e) accept(view, "sync");
        });
      }
    });
  }

  socket.on("connect", () => setStatus("live"));
  socket.on(event, (view) => {
    // A jump of more than one is harmless (views are whole) but marks it as a catch-up for the screen.
    const gap = !current || view.log_id !== current.log_id || view[counter] > current[counter] + 1;
    const how = freshSocket || gap ? "sync" : "live";
    freshSocket = false;
    accept(view, how);
  });
  socket.on("displays", (msg) => {
    if (options.onDisplays) options.onDisplays(msg.displays || [], msg.waiting || [], msg.on_air || null);
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
    // The server closed on us (a restart, a lost session, a new link for a pad): Socket.IO does not retry
    // by itself then. A crowd comes back spread over a few seconds.
    const wait = crowd ? 1000 + Math.random() * 2000 : 1000;
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), wait);
  });
  socket.on("connect_error", (err) => {
    setStatus("reconnecting");
    const guarded = auth.role === "console" || auth.role === "stage";
    if (guarded && err && err.message && /rejected|unauthor/i.test(err.message) && options.onRefused) {
      options.onRefused();
    }
    catchUp();
  });

  if (!crowd) {
    setInterval(() => {
      if (!socket.connected) catchUp();
      else if (heartbeatMs) check(heartbeatMs);
    }, Math.max(POLL_MS, heartbeatMs));
  } else {
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && socket.connected) check(WAKE_TIMEOUT_MS);
    });
    window.addEventListener("offline", () => setStatus("reconnecting"));
  }

  return {
    socket,
    state: () => current,
    status: () => status,
    refresh: catchUp,
    restart,
    report,
  };
}
