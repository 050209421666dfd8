/*
 * /live over nginx's nchan stream (EventSource at /live/sub), in the several-process deployment: nginx
 * fans each projection out to the viewers itself, far cheaper than the processes' sockets
 * (docs/BENCHMARK.md, finding 10). nchan sends the newest projection to every newcomer and pings every 10 s.
 */

// Two missed pings and a half: the link died without an error (a phone asleep, a NAT that forgot it).
const SILENT_MS = 25000;
// nchan answers a newcomer with the newest projection at once; none this long after opening means it has
// none to give (nginx restarted since the last change) or the browser resumed from Last-Event-ID with
// nothing missed: the figures over HTTP then.
const FIRST_MS = 1500;

export function openStream(url, link, fallback) {
  let source = null;
  let opened = false;
  let heardAt = 0;
  let silence = null;
  let retry = null;

  function heard() {
    heardAt = Date.now();
    clearTimeout(silence);
    silence = setTimeout(silent, SILENT_MS);
  }

  function silent() {
    link.setStatus("reconnecting");
    restart();
  }

  function restart() {
    if (source) source.close();
    source = null;
    clearTimeout(retry);
    // Ten thousand phones coming back at once are spread over a few seconds.
    retry = setTimeout(start, 1000 + Math.random() * 4000);
  }

  function catchUp(s) {
    fetch("/live/state.json", { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        if (!data || source !== s || s.readyState !== EventSource.OPEN) return;
        link.accept(data);
        link.setStatus("live");
      })
      .catch(() => {});
  }

  function start() {
    const s = new EventSource(url);
    source = s;
    let got = false;
    s.onopen = () => {
      opened = true;
      got = false;
      heard();
      setTimeout(() => {
        if (!got && source === s) catchUp(s);
      }, FIRST_MS);
    };
    s.onmessage = (event) => {
      got = true;
      heard();
      let data = null;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      link.accept(data);
      link.setStatus("live");
    };
    s.addEventListener("ping", () => {
      heard();
      // Open but still nothing to draw (the first look over HTTP failed too): look again.
      if (!got) catchUp(s);
    });
    s.onerror = () => {
      if (!opened) {
        // Never opened: no nchan in front of this page. Its process's own socket instead, for good.
        s.close();
        source = null;
        clearTimeout(silence);
        fallback();
        return;
      }
      link.setStatus("reconnecting");
      // EventSource retries by itself, except after an answer that was no stream at all (a 502 while
      // nginx reloads): then here.
      if (s.readyState === EventSource.CLOSED) restart();
    };
  }

  document.addEventListener("visibilitychange", () => {
    // Timers sleep with the phone: on waking, a stream silent this long is dead, whatever it says.
    if (document.visibilityState === "visible" && opened && Date.now() - heardAt > SILENT_MS) silent();
  });
  window.addEventListener("offline", () => {
    if (opened) link.setStatus("reconnecting");
  });
  start();
}
