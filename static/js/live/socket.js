/*
 * /live over the process's own Socket.IO (namespace /live): the one link on a single laptop, and the
 * fallback when nginx's stream (stream.js) cannot be opened. The server sends the whole projection on
 * every connect, so a reconnect is also the catch-up.
 */
export function openSocket(link) {
  const socket = window.io("/live", {
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    // Ten thousand phones coming back after the venue's network dropped must not all knock at once:
    // Socket.IO spreads its retries (randomization 0.5 by default) between these bounds.
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    timeout: 8000,
  });

  socket.on("connect", () => link.setStatus("live"));
  socket.on("live", (data) => link.accept(data));
  socket.on("disconnect", (reason) => {
    link.setStatus("reconnecting");
    // The server closed on us (a restart): Socket.IO does not retry by itself then.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000 + Math.random() * 2000);
  });

  let fetchedAt = 0;
  socket.on("connect_error", () => {
    link.setStatus("reconnecting");
    // The socket cannot get through (a proxy dropping websockets and polling): the figures over HTTP, now
    // and then, so the page is not stuck at its first load. It still says it is not live.
    if (Date.now() - fetchedAt < 10000) return;
    fetchedAt = Date.now();
    fetch("/live/state.json", { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        if (data) link.accept(data);
        link.showStatus();
      })
      .catch(() => {});
  });

  // A phone that slept may hold a socket that died silently (Engine.IO's ping would notice only after
  // ~18 s): on waking, ask for the version, and start over if no answer comes.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !socket.connected) return;
    let answered = false;
    const timer = setTimeout(() => {
      if (answered) return;
      link.setStatus("reconnecting");
      socket.disconnect();
      socket.connect();
    }, 4000);
    socket.emit("check", (head) => {
      answered = true;
      clearTimeout(timer);
      const current = link.current();
      if (!current || !head || head.version !== current.version || head.log_id !== current.log_id) {
        socket.emit("sync", (data) => link.accept(data));
      }
    });
  });
  window.addEventListener("offline", () => link.setStatus("reconnecting"));
}
