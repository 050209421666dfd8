/*
 * The public live page (/live): remote viewers on phones follow the running total, the signing of the
 * moment and the roll. Read-only. It draws only the live projection the server sends, over nginx's nchan
 * stream where the page names one (data-stream, stream.js) and over the process's Socket.IO otherwise
 * (common/live.js): the figures arrive written in the event's words, and a project's amount arrives only
 * once the wall has shown it, so nothing here can reveal one early.
 *
 * A phone's link comes and goes (the venue's network, a lift, the screen locking). Both links reconnect by
 * themselves and get the whole projection on every connect, so a missed change costs nothing once back.
 * While the link is down the page says since when its figures are, and greys them: a viewer must never
 * read a stale total as the current one.
 */
import { $, add, clear, clockText, el, setText } from "../common/dom.js";
import { setWords } from "../common/fit.js";
import { expose, exposeMore } from "../common/hooks.js";
import { connect } from "../common/live.js";
import { lang, t } from "../common/words.js";
import { openStream } from "./stream.js";

const body = document.body;
let current = null;
let status = "connecting";
let receivedAt = null;
// "stream": nginx's nchan fan-out (the several-process deployment); "socket": the process's own Socket.IO.
let transport = null;

/** "10:32:05" of ``date`` on the venue's clock (the event's zone), as every time the server writes. */
function venueTime(date) {
  try {
    const parts = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone: current.timezone };
    return new Intl.DateTimeFormat("en-GB", parts).format(date);
  } catch (e) {
    return clockText(date); // (a zone this browser does not know: its own clock)
  }
}

function accept(data) {
  if (!data || typeof data.version !== "number") return false;
  const sameLog = current && data.log_id === current.log_id;
  // A projection older than the one drawn (a late HTTP answer after a newer broadcast) is ignored.
  if (sameLog && data.version < current.version) return false;
  receivedAt = new Date();
  if (data.lang && data.lang !== lang()) {
    // The event switched language: the page's own words come with the page. Once per language, not in
    // a loop (a page served from a cache in the old language would ask again and again); a switch back
    // within the half minute is another language, and reloads too.
    let last = {};
    try {
      last = JSON.parse(sessionStorage.getItem("live-reloaded") || "{}") || {};
    } catch (e) {
      last = {};
    }
    if (last.lang !== data.lang || Date.now() - Number(last.at || 0) > 30000) {
      sessionStorage.setItem("live-reloaded", JSON.stringify({ lang: data.lang, at: Date.now() }));
      location.reload();
      return false;
    }
  }
  const previous = current;
  current = data;
  draw(data, previous);
  return true;
}

function draw(data, previous) {
  setText($("event-title"), data.title);
  setText($("event-sub"), data.subtitle);
  setText($("event-date"), data.date);
  const total = data.total || { value: "0", unit: "" };
  setText($("total-prefix"), total.prefix ? total.prefix + " " : "");
  setText($("total-value"), total.value);
  setText($("total-unit"), total.unit);
  setText($("total-count"), t("count", { n: data.signed, m: data.count }));
  if (previous && previous.log_id === data.log_id && previous.total && previous.total.text !== total.text) {
    pulse($("total"));
  }
  drawNow(data);
  drawRoll(data, previous);
  expose("live", {
    version: data.version,
    total: total.text,
    now: data.now ? data.now.projects.map((p) => p.name) : [],
    roll: data.roll.length,
    status,
    transport,
  });
  showStatus();
}

function pulse(node) {
  node.classList.remove("is-new");
  void node.offsetWidth;
  node.classList.add("is-new");
}

function projectCard(p, data, kicker) {
  const card = el("article", "card is-" + p.status);
  add(
    card,
    kicker ? el("p", "card-kicker", kicker) : null,
    setWords(el("h3", "card-name"), p.name),
    setWords(el("p", "card-investor"), p.investor),
  );
  const foot = el("p", "card-foot");
  if (p.amount) add(foot, el("span", "card-amount", p.amount));
  add(foot, el("span", "badge badge-" + p.status, p.status_text));
  add(card, foot);
  return card;
}

function drawNow(data) {
  const box = $("now-body");
  clear(box);
  const now = data.now;
  const section = $("now");
  section.classList.toggle("is-idle", !now && !data.speech);
  if (now && now.round) {
    // A round signing at one moment: its projects together under the round's line and total.
    const head = el("div", "round");
    add(head, el("p", "round-text", now.round.text), el("p", "round-amount", now.round.amount));
    add(box, head);
    for (const p of now.projects) add(box, projectCard(p, data, null));
  } else if (now) {
    for (const p of now.projects) add(box, projectCard(p, data, t("kicker", { n: p.order, m: data.count })));
  } else if (data.speech) {
    const card = el("article", "card is-speech");
    add(
      card,
      data.speech.kind ? el("p", "card-kicker", data.speech.kind) : null,
      setWords(el("h3", "card-name"), data.speech.name),
      data.speech.role ? el("p", "card-investor", data.speech.role) : null,
    );
    add(box, card);
  } else {
    let key = "idle";
    if (data.count > 0 && data.signed >= data.count) key = "done";
    else if (data.signed === 0) key = "before";
    add(box, el("p", "now-idle", t(key)));
  }
}

function drawRoll(data, previous) {
  const list = $("roll");
  const known = new Set(
    previous && previous.log_id === data.log_id ? previous.roll.map((r) => r.order + "|" + r.name) : [],
  );
  clear(list);
  for (const r of data.roll) {
    const item = el("li", "roll-item");
    if (previous && !known.has(r.order + "|" + r.name)) item.classList.add("is-new");
    const text = el("div", "roll-text");
    add(text, setWords(el("p", "roll-name"), r.name), setWords(el("p", "roll-investor"), r.investor));
    const side = el("div", "roll-side");
    add(side, r.amount ? el("p", "roll-amount", r.amount) : null, r.time ? el("p", "roll-time", t("signed_at", { time: r.time })) : null);
    add(item, el("span", "roll-order", r.order), text, side);
    add(list, item);
  }
  $("roll-none").hidden = data.roll.length > 0;
}

function showStatus() {
  body.classList.toggle("is-live", status === "live" && !!current);
  body.classList.toggle("is-stale", status !== "live" && !!current);
  // Linked but the figures not here yet (they come in the message after the connect) is still connecting.
  body.classList.toggle("is-connecting", !current);
  const conn = $("conn");
  if (status === "live" && current) {
    conn.hidden = true;
    setText(conn, "");
    return;
  }
  conn.hidden = false;
  if (current && receivedAt) setText(conn, t("conn_lost", { time: venueTime(receivedAt) }));
  else setText(conn, t(status === "reconnecting" ? "conn_never" : "conn_connecting"));
}

function setStatus(next) {
  status = next;
  showStatus();
  exposeMore("live", { status, transport });
}

function setTransport(next) {
  transport = next;
  exposeMore("live", { status, transport });
}

// -- the link -------------------------------------------------------------------------------------------

// Both links feed the same accept(); its version check keeps them from ever drawing an older projection.
const link = { accept, setStatus, showStatus, current: () => current };

/**
 * The process's own Socket.IO (namespace /live): the one link on a single laptop, and the fallback when
 * nginx's stream cannot be opened. The server sends the whole projection on every connect, so a reconnect
 * is also the catch-up; every one is drawn, also of the version on screen (it says since when the figures
 * are).
 */
function useSocket() {
  setTransport("socket");
  connect({
    namespace: "/live",
    event: "live",
    counter: "version",
    statePath: "/live/state.json",
    crowd: true,
    again: true,
    onState: (data) => accept(data),
    onStatus: setStatus,
  });
}

if (body.dataset.stream && window.EventSource) {
  setTransport("stream");
  // A page loaded from a process directly (no nginx in front) has no stream: its own socket then.
  openStream(body.dataset.stream, link, useSocket);
} else {
  useSocket();
}


