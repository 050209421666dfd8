/*
 * The live link to the server, shared by the big screen and the console.
 *
 * Every `state` message is a full snapshot, so a missed broadcast loses nothing once the next arrives.
 * What this adds to Socket.IO (which delivers at most once and, in python-socketio, never replays):
 *  - the full state on every (re)connect, and over HTTP when the socket cannot get through;
 *  - a heartbeat: every few seconds ask the server for its seq (a tiny ack). No answer in time means a
 *    stalled or half-open link, which Engine.IO's own ping would notice only after tens of seconds: drop
 *    the socket, fetch the state over HTTP, reconnect.
 *  - ordering: a snapshot older than the one on screen is ignored (unless the log itself was replaced).
 */
(function () {
  "use strict";

  // Walls and consoles must notice a stalled link within ~4 s (issue: recover within 5 s). Plain viewers
  // (audience phones, monitors) skip the heartbeat: thousands of them would only add load, and Engine.IO's
  // own ping still catches their dead links, just later.
  var HEARTBEAT_MS = 2000;
  var HEARTBEAT_TIMEOUT_MS = 2000;

  function fetchState() {
    return fetch("/api/v1/state", { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  /**
   * options: role ("display" | "console" | "viewer"), name, onState(state, previous, how),
   *          onStatus("connecting" | "live" | "reconnecting"), onDisplays(list), onRefused()
   * how: "live" for a broadcast, "sync" for a catch-up (reconnect, HTTP, heartbeat).
   */
  function connect(options) {
    var current = null;
    var status = "connecting";
    // The server sends the full state as soon as a socket opens (even before our "connect" event fires):
    // that first one is a catch-up, never news to celebrate.
    var freshSocket = true;
    var socket = io({
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

    function accept(state, how) {
      if (!state || typeof state.seq !== "number") return;
      if (current && state.log_id === current.log_id && state.seq < current.seq) return;
      if (current && state.log_id === current.log_id && state.seq === current.seq && how !== "live") return;
      var previous = current;
      current = state;
      options.onState(state, previous, how);
      if (options.role === "display") socket.emit("seen", { seq: state.seq });
    }

    socket.on("connect", function () {
      setStatus("live");
    });
    socket.on("state", function (state) {
      // A jump of more than one is harmless (snapshots are whole) but marks it as a catch-up for the screen.
      var gap = !current || state.log_id !== current.log_id || state.seq > current.seq + 1;
      var how = freshSocket || gap ? "sync" : "live";
      freshSocket = false;
      accept(state, how);
    });
    socket.on("displays", function (msg) {
      if (options.onDisplays) options.onDisplays(msg.displays || []);
    });
    socket.on("disconnect", function (reason) {
      freshSocket = true;
      setStatus("reconnecting");
      // The server closed on us (restart, lost session): socket.io will not retry by itself then.
      if (reason === "io server disconnect") setTimeout(function () { socket.connect(); }, 1000);
    });
    socket.on("connect_error", function (err) {
      setStatus("reconnecting");
      if (options.role === "console" && err && err.message && /rejected|unauthor/i.test(err.message) && options.onRefused) {
        options.onRefused();
      }
      catchUpOverHttp();
    });

    function catchUpOverHttp() {
      fetchState().then(function (s) { accept(s, "sync"); }).catch(function () {});
    }

    var watched = options.role === "display" || options.role === "console";
    setInterval(function () {
      if (!watched && socket.connected) return;
      if (!socket.connected) {
        catchUpOverHttp();
        return;
      }
      var answered = false;
      var timer = setTimeout(function () {
        if (answered) return;
        // Stalled or half-open: start over rather than wait for Engine.IO's ping timeout.
        setStatus("reconnecting");
        socket.disconnect();
        catchUpOverHttp();
        socket.connect();
      }, HEARTBEAT_TIMEOUT_MS);
      socket.emit("check", function (head) {
        answered = true;
        clearTimeout(timer);
        if (!current || !head || head.seq !== current.seq || head.log_id !== current.log_id) {
          socket.emit("sync", function (state) { accept(state, "sync"); });
        }
      });
    }, HEARTBEAT_MS);

    return {
      socket: socket,
      state: function () { return current; },
      status: function () { return status; },
      refresh: catchUpOverHttp,
    };
  }

  window.KioskLive = { connect: connect, fetchState: fetchState };
})();
