/*
 * The MC's confidence monitor (/stage): read from a few metres away at the stage's edge.
 *
 * It draws the stage view (the Socket.IO room "stage", or GET /api/v1/state?view=stage to catch up):
 * the running cue and the standby, the cue's script, the names to call up, the figure to announce, the
 * console's message line, the safe look, the progress. Every word and figure comes from the server; the
 * page only lays them out and counts the time itself, once a second:
 *  - the venue's clock, and the time since the cue began (cue.started_at), against the server's clock:
 *    GET /api/v1/time gives the difference to this tablet's own clock (taken again every few minutes and
 *    whenever a cue starts), so a tablet whose clock is off still counts right;
 *  - the planned time left (cue.planned_seconds), amber near the end and red with "+01:20" when over.
 * Long scripts shrink to fit their box; past the smallest readable size the box scrolls, never cuts.
 */
import { connect } from "../common/live.js";
import { $, add, clear, el, pad2, reloadOnce, setText } from "../common/dom.js";
import { followZone, keepSynced, offText, onSynced, serverNow, syncClock, venue, venueClock } from "../common/clock.js";
import { exposeMore } from "../common/hooks.js";
import { largestFitting, setWords, setWordsText } from "../common/fit.js";
import { applyWords, ensureLanguage, t } from "../common/words.js";

const WARN_S = 60; // amber from a minute before the planned end (a quarter of a short cue)
const NOTE_FLASH_MS = 4000;
const RELOAD_GUARD_MS = 30000;
const root = $("stage");
const body = document.body;

// -- the server's clock (common/clock.js) ---------------------------------------------------------------

onSynced(() => tick());

/** "03:07", or "1:03:07" past the hour. */
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = pad2(m) + ":" + pad2(s % 60);
  return h ? h + ":" + rest : rest;
}

// -- the timer, once a second --------------------------------------------------------------------------

const timing = { key: null, startedAt: null, started: null, planned: null, running: false };
let tickTimer = 0;

function tick() {
  const now = serverNow();
  setText($("clock"), venueClock(now));
  // A tablet whose own clock or zone is not the venue's: the page shows the venue's time, and says so.
  const off = offText();
  setText($("clock-off"), off);
  $("clock-off").hidden = !off;
  const timer = $("timer");
  let state = "none";
  let elapsed = null;
  if (timing.running && timing.started !== null) {
    elapsed = Math.max(0, Math.floor((now - timing.started) / 1000));
    setText($("elapsed"), duration(elapsed));
    if (timing.planned) {
      const left = timing.planned - elapsed;
      if (left >= 0) {
        state = left <= Math.min(WARN_S, timing.planned / 4) ? "warn" : "ok";
        setText($("remain-label"), t("remaining"));
        setText($("remain"), duration(left));
      } else {
        state = "over";
        setText($("remain-label"), "");
        setText($("remain"), "+" + duration(-left) + " " + t("over"));
      }
    } else {
      state = "free";
      setText($("remain-label"), "");
      setText($("remain"), "");
    }
  } else {
    setText($("elapsed"), "--:--");
    setText($("remain-label"), "");
    setText($("remain"), "");
  }
  if (timer.getAttribute("data-state") !== state) {
    timer.setAttribute("data-state", state);
    // The timer's rows came or went: the names below it have another height to fit in.
    if (latest) fitAll();
  }
  exposeMore("stage", {
    elapsed,
    timer: state,
    skew: venue.skew,
    synced: venue.count,
    clockOff: off,
  });
}

/** Tick on the server's second, so the clock and the elapsed time turn together. */
function scheduleTick() {
  clearTimeout(tickTimer);
  const wait = 1000 - (serverNow() % 1000) + 15;
  tickTimer = setTimeout(() => {
    tick();
    scheduleTick();
  }, wait);
}

// -- fitting long text ------------------------------------------------------------------------------

/**
 * The largest font size (px, in [min, max]) at which ``content`` fits inside ``box`` (its height and
 * width). Below ``min`` the text stays at ``min`` and the box scrolls (``is-scroll``): never cut off.
 */
function fit(box, content, max, min) {
  box.classList.remove("is-scroll");
  const fits = () => content.scrollHeight <= box.clientHeight + 1 && content.scrollWidth <= box.clientWidth + 1;
  const best = largestFitting((px) => { content.style.fontSize = px + "px"; }, fits, max, min);
  if (!fits()) box.classList.add("is-scroll");
  return best;
}

/** The page's unit (CSS --u, in px): sizes are designed in it, so a floor monitor and a tablet match. */
function unit() {
  const u = $("unit-probe").getBoundingClientRect().width / 100;
  return u > 0 ? u : 10;
}

function fitAll() {
  const u = unit();
  const mode = root.getAttribute("data-main");
  fitLine($("cue-title"), Math.round(3.2 * u), Math.round(2.6 * u), Math.round(1.8 * u));
  fitLine($("next-title"), Math.round(2.4 * u), Math.round(2 * u), Math.round(1.4 * u));
  // Both banners up on a wide screen leave the side column short: the timer and the figure close up.
  root.classList.remove("is-tight");
  if (!$("figure").hidden) fitLine($("figure-text"), Math.round(4.4 * u), Math.round(2.6 * u), Math.round(2 * u));
  const side = root.querySelector(".side");
  if (side.scrollHeight > side.clientHeight + 1) {
    root.classList.add("is-tight");
    if (!$("figure").hidden) fitLine($("figure-text"), Math.round(3.4 * u), Math.round(2.4 * u), Math.round(2 * u));
  }
  if (!$("callup").hidden) fit($("callup-fit"), $("names"), Math.round(4 * u), Math.round(1.4 * u));
  // The script in huge type; a round's projects and a speaker's name a little larger still.
  const max = mode === "script" ? 4.4 * u : 5 * u;
  fit($("main-fit"), $("main-content"), Math.round(max), Math.round(1.7 * u));
}

/**
 * A heading on one line if it can be read there (down to ``oneLine`` px), else on two lines, shrinking to
 * ``min``; past that it wraps further rather than being cut off.
 */
function fitLine(node, max, oneLine, min) {
  const wide = () => node.scrollWidth > node.clientWidth + 1;
  node.style.whiteSpace = "nowrap";
  let size = max;
  node.style.fontSize = size + "px";
  while (size > oneLine && wide()) node.style.fontSize = (size -= 2) + "px";
  if (!wide()) return;
  node.style.whiteSpace = "normal";
  size = max;
  node.style.fontSize = size + "px";
  const lines = () => node.scrollHeight / (parseFloat(getComputedStyle(node).lineHeight) || size * 1.2);
  while (size > min && lines() > 2.1) node.style.fontSize = (size -= 2) + "px";
}

// -- drawing the stage view -------------------------------------------------------------------------

let latest = null;
let drawnMain = null;
let noteAt; // undefined until the first view: a message already up when the page opens does not flash
let noteTimer = 0;
let lastState = 0;

function kindChip(node, cue) {
  node.hidden = !cue;
  if (cue) setText(node, cue.kind_label);
  node.setAttribute("data-kind", cue ? cue.kind : "");
}

function mainContent(cue, mode) {
  const box = el("div", "main-content");
  box.id = "main-content";
  if (mode === "script") {
    box.appendChild(el("div", "script-text", cue.script));
  } else if (mode === "projects") {
    for (const p of cue.projects) {
      const item = add(el("div", "project"), setWords(el("div", "project-name"), p.name));
      const line = el("div", "project-line");
      add(line, el("span", "project-investor", p.investor));
      if (p.amount) add(line, el("span", "project-amount", p.amount.text));
      item.appendChild(line);
      if (p.signatories && p.signatories.length) {
        add(
          item,
          add(el("div", "project-signatories"), el("span", "mini-label", t("signatories")), " ", p.signatories.join(" · "))
        );
      }
      box.appendChild(item);
    }
  } else if (mode === "person") {
    add(box, setWords(el("div", "person-name"), cue.person));
    if (cue.role) add(box, el("div", "person-role", cue.role));
    add(box, el("div", "quiet", t("no_script")));
  } else if (mode === "title") {
    add(box, setWords(el("div", "big-title"), cue.title), el("div", "quiet", t("no_script")));
  } else if (cue) {
    // Before the show: the cue GO will fire first, to read ahead.
    const kind = el("span", "kind", cue.kind_label);
    kind.setAttribute("data-kind", cue.kind);
    add(box, add(el("div", "preview-title"), kind, cue.title));
    if (cue.script) add(box, el("div", "preview-script", cue.script));
  } else {
    add(box, el("div", "big-title", t("not_started")));
  }
  return box;
}

function mainMode(cue) {
  if (!cue) return "idle";
  if (cue.script) return "script";
  if (cue.projects && cue.projects.length) return "projects";
  if (cue.person) return "person";
  return "title";
}

function mainLabel(mode, next, outside) {
  if (mode === "script") return t("script");
  if (mode === "projects") return t(outside ? "wall_projects" : "projects");
  if (mode === "idle" && next) return t("next");
  return "";
}

function drawNames(cue) {
  const names = cue ? cue.names || [] : [];
  const remote = cue ? cue.remote || [] : [];
  $("callup").hidden = !names.length && !remote.length;
  const list = $("names");
  clear(list);
  names.forEach((name, i) => {
    const item = el("span", "name", name);
    // The speaker first, with the title the MC says with the name.
    if (i === 0 && cue.person && name === cue.person && cue.role) add(item, el("span", "name-role", cue.role));
    list.appendChild(item);
  });
  // Those who sign from another place: named with it, never called to the stage.
  for (const r of remote) list.appendChild(add(el("span", "name is-remote", r.name), el("span", "name-role", r.text)));
}

function drawNote(note) {
  const banner = $("note");
  const text = note && note.text ? note.text : "";
  banner.hidden = !text;
  setText($("note-text"), text);
  setText($("note-time"), text ? note.time || "" : "");
  const at = text ? note.at + "|" + text : null;
  if (at && at !== noteAt && noteAt !== undefined) {
    // A new message: it flashes for a few seconds to catch the MC's eye, then stays lit.
    banner.classList.remove("is-new");
    void banner.offsetWidth;
    banner.classList.add("is-new");
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => banner.classList.remove("is-new"), NOTE_FLASH_MS);
  }
  noteAt = at;
}

function drawPlan(cue) {
  const parts = [];
  if (cue && cue.planned_time) parts.push(t("plan_at", { time: cue.planned_time }));
  if (cue && cue.minutes) parts.push(t("plan", { n: cue.minutes }));
  else if (cue) parts.push(t("no_plan"));
  setText($("plan"), parts.join(" · "));
}

function draw(view) {
  const ros = view.run_of_show;
  const cueState = view.cue || {};
  const running = ros.current;
  const next = ros.standby;
  // What the MC reads: the wall's projects when it shows others than the running cue's (the server's
  // on_wall: part of a round, a project announced out of order), else the running cue. Its timer stays.
  const cue = ros.on_wall || running;

  root.setAttribute("data-kind", cue ? cue.kind : "");
  kindChip($("cue-kind"), cue);
  setWordsText($("cue-title"), cue ? cue.title : t("not_started"));

  const mode = mainMode(cue);
  const shown = cue || next;
  // Redrawn (and scrolled back to the top) only when what it shows changes, not when a project is signed.
  const signature = JSON.stringify([
    mode,
    view.lang,
    shown && [shown.id, shown.kind_label, shown.title, shown.person, shown.role, shown.script],
    shown && (shown.projects || []).map((p) => [p.name, p.investor, p.amount && p.amount.text, p.signatories]),
  ]);
  if (signature !== drawnMain) {
    drawnMain = signature;
    root.setAttribute("data-main", mode);
    setText($("main-label"), mainLabel(mode, next, !!ros.on_wall && !ros.on_wall.in_cue));
    $("main-fit").replaceChild(mainContent(shown, mode), $("main-content"));
    $("main-fit").scrollTop = 0;
  }

  drawNames(cue);
  const figure = cue && cue.amount ? cue.amount.text : "";
  $("figure").hidden = !figure;
  setText($("figure-text"), figure);
  drawPlan(running);

  const panic = !!cueState.panic;
  $("panic").hidden = !panic;
  setText($("panic-text"), panic ? ros.panic_text || t("panic") : "");
  root.classList.toggle("is-panic", panic);
  drawNote(ros.note);

  kindChip($("next-kind"), next);
  setWordsText($("next-title"), next ? next.title + (next.person ? " · " + next.person : "") : cue ? t("next_none") : "");
  const stage = view.stage || {};
  setText($("wall"), stage.on_wall ? t("wall", { screen: stage.on_wall.label }) : "");
  setText($("progress"), stage.progress || "");

  // The timer: a new cue starts from its own moment; the server's clock is taken again then.
  const startedAt = running ? cueState.started_at : null;
  const key = running ? running.id + "|" + startedAt : null;
  if (key !== timing.key) {
    timing.key = key;
    timing.startedAt = startedAt;
    timing.started = startedAt ? Date.parse(startedAt) : null;
    if (startedAt) syncClock();
  }
  timing.planned = running ? running.planned_seconds || null : null;
  timing.running = !!running && timing.started !== null && !Number.isNaN(timing.started);

  tick();
  fitAll();
  exposeMore("stage", {
    seq: view.seq,
    current: running ? running.id : null,
    reading: ros.on_wall ? "wall" : "cue",
    standby: next ? next.id : null,
    panic,
    lang: view.lang,
  });
}

// -- the link ---------------------------------------------------------------------------------------

function onStatus(status) {
  body.setAttribute("data-conn", status);
  const label = status === "live" ? "conn_live" : status === "connecting" ? "conn_connecting" : "conn_reconnecting";
  $("conn-label").setAttribute("data-t", label);
  setText($("conn-label"), t(label));
  setText($("conn-detail"), status === "reconnecting" && lastState ? t("conn_detail_lost", { time: venueClock(lastState + venue.skew) }) : "");
}

/** This device may no longer see the stage view (signed out, unpaired): the address gives the PIN pad. */
function lostAccess() {
  reloadOnce("stage", RELOAD_GUARD_MS);
}

function onState(view) {
  if (!view || !view.run_of_show) {
    lostAccess();
    return;
  }
  latest = view;
  lastState = Date.now();
  if (view.event) followZone(view.event.timezone);
  ensureLanguage(view.lang).then((changed) => {
    if (changed && latest) {
      drawnMain = null;
      onStatus(body.getAttribute("data-conn"));
      draw(latest);
    }
  });
  try {
    draw(view);
  } catch (err) {
    if (window.console) console.error(err);
  }
}

applyWords();
tick();
scheduleTick();
keepSynced();
let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(fitAll, 100);
});
if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => latest && fitAll());

connect({
  auth: { role: "stage" },
  heartbeat: true,
  statePath: "/api/v1/state?view=stage",
  onState,
  onStatus,
  onRefused: lostAccess,
});
