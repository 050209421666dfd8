/*
 * The operators' console at /control: a tablet beside the stage, touch first.
 *
 * What it shows comes from the server only — the operator view over Socket.IO (common/live.js), over
 * HTTP, or in a command's answer — and nothing is marked done before the server acknowledged it. The
 * modules beside this one: model (what the console knows), commands (sending, retrying, resting), hold
 * (press and hold to sign), dialogs, card (the golden key), render (drawing), feedback, timing.
 * Every piece of data is drawn with textContent: project names are never parsed as HTML.
 */
import { $, flash, setText, storageGet } from "../common/dom.js";
import { followZone, keepSynced, offText, onSynced, syncClock, venueClock } from "../common/clock.js";
import { expose } from "../common/hooks.js";
import { setWordsText } from "../common/fit.js";
import { get } from "../common/http.js";
import { keepPage } from "../common/keeper.js";
import { connect, fetchState } from "../common/live.js";
import { applyWords, ensureLanguage, t } from "../common/words.js";
import { checkWarning, refreshCard, wireCard } from "./card.js";
import { abandonFailed, blockedBecause, lockFor, retryFailed, send, setAdopt } from "./commands.js";
import { screensChanged, wireDevices } from "./devices.js";
import { DEVICE_KEY, announceName, refreshUndo, wireDialogs } from "./dialogs.js";
import { nudge, outcome } from "./feedback.js";
import { checkHold, wireHold } from "./hold.js";
import { listenPads, padChips, wirePads } from "./pads.js";
import { refreshPreview, renderScreens, wireMonitors } from "./monitors.js";
import { changed, onChange, projectById, rowFacts, selected, selectionId, ui } from "./model.js";
import { render, renderHeader, renderStatus, renderWalls, rowNodes } from "./render.js";
import { renderShow, scrollToCurrent, wireShow } from "./show.js";
import { SETTLE_MS } from "./timing.js";

ui.deviceName = storageGet(DEVICE_KEY) || "";

// This page is the copy the console's service worker kept (the server could not be reached when it
// loaded): read-only, and reloaded for real as soon as the server answers.
const keptCopy = document.body.getAttribute("data-kept") === "1";
if (keptCopy) {
  document.body.classList.add("is-readonly", "is-kept");
  $("kept-band").hidden = false;
}
onChange(render);
onChange(renderShow);
onChange(refreshPreview);

/** Accept a view from the server (socket broadcast, HTTP, a command's answer), never an older one. */
function adopt(view) {
  if (!view || typeof view.seq !== "number" || !view.projects || !view.console) return;
  const before = ui.state;
  if (before && view.log_id === before.log_id && view.seq < before.seq) return;
  const selBefore = selectionId();
  ui.state = view;
  ui.stateAt = Date.now();
  if (!before || before.seq !== view.seq || before.log_id !== view.log_id) ui.seqChangedAt = ui.stateAt;
  if (before && before.log_id !== view.log_id) {
    // A new run (rehearsal started or reset, or gone live): what the status line said belongs to the old log.
    outcome("info", t(view.mode === "rehearsal" ? "st_new_rehearsal" : "st_new_live"));
  }
  ensureLanguage(view.lang).then((changedWords) => {
    if (!changedWords) return;
    ui.lastOutcome = null; // said in the old language: gone with it
    changed(); // every part of the page, the cue rows' minutes too, in the new words
  });
  setWordsText($("event-title"), view.event.title);
  // (the page came with the event's date in the words of its load: a language switched live rewrites it)
  setText($("event-date"), view.event.date_text ? " · " + view.event.date_text : "");
  followZone(view.event.timezone);
  if (ui.manualId && !projectById(ui.manualId)) ui.manualId = null;
  checkHold();
  const selAfter = selectionId();
  const moved = before && selAfter !== selBefore;
  if (moved) {
    // The operator's target moved under their finger: hold the buttons a moment and make it visible.
    lockFor(SETTLE_MS);
    flash($("target"));
  }
  keep(view);
  refreshUndo();
  refreshCard();
  checkWarning();
  const cueBefore = before && before.cue ? before.cue.current_id : null;
  render();
  renderShow();
  if (!before || (view.cue && view.cue.current_id !== cueBefore)) scrollToCurrent();
  refreshPreview();
  renderScreens();
  if (moved && selAfter && rowNodes[selAfter] && rowNodes[selAfter].scrollIntoView) {
    rowNodes[selAfter].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}
setAdopt(adopt);

// -- the buttons ------------------------------------------------------------------------------------------

wireHold();
wireDialogs();
wireDevices();
wireCard();
wireMonitors();
wireShow();
wirePads();

function announce(p, seq) {
  send("announce", "announce", { project_id: p ? p.id : null, expected_seq: seq });
}

// A project announced out of order leaves the agenda where it is: the server's sentence says so, and the
// operator answers before anything is sent. The announce carries the seq the question was read at.
let orderAsked = null;
$("btn-announce").addEventListener("click", () => {
  const p = selected();
  const seq = ui.state ? ui.state.seq : null;
  const facts = p && rowFacts(p.id);
  if (!facts || !facts.out_of_order || blockedBecause("announce")) {
    announce(p, seq);
    return;
  }
  orderAsked = { p, seq };
  setText($("order-facts"), facts.out_of_order);
  $("order-dialog").returnValue = "";
  $("order-dialog").showModal();
  $("order-cancel").focus();
});
$("order-dialog").addEventListener("close", () => {
  const asked = orderAsked;
  orderAsked = null;
  if (asked && $("order-dialog").returnValue === "announce") announce(asked.p, asked.seq);
});

$("btn-reshow").addEventListener("click", () => {
  const p = selected();
  if (p) send("reshow", "show", { screen: "spotlight", project_id: p.id });
});

// Black and the finale take the room away from the signing: a first tap only asks, a second within
// ARM_MS does it (one stray tap beside the finale must not black out the wall in front of the guests).
const GUARDED = ["blank", "finale"];
const ARM_MS = 4000;
let armTimer = 0;

function disarm() {
  clearTimeout(armTimer);
  if (!ui.armed) return;
  ui.armed = null;
  changed();
}

for (const button of document.querySelectorAll(".scr[data-screen]")) {
  button.addEventListener("click", () => {
    const screen = button.getAttribute("data-screen");
    if (!ui.state) return;
    if (ui.state.screen === screen && !ui.pending) {
      disarm();
      nudge(t("already_showing", { screen: button.textContent.trim() }));
      return;
    }
    if (GUARDED.includes(screen) && ui.armed !== screen && !blockedBecause("show:" + screen)) {
      clearTimeout(armTimer);
      ui.armed = screen;
      armTimer = setTimeout(disarm, ARM_MS);
      changed();
      return;
    }
    disarm();
    send("show:" + screen, "show", { screen });
  });
}

$("rows").addEventListener("click", (e) => {
  const row = e.target.closest(".row[data-id]");
  if (!row || ui.hold || !ui.state) return;
  const id = row.getAttribute("data-id");
  ui.manualId = id === ui.state.console.up_id ? null : id;
  changed();
});

$("follow-btn").addEventListener("click", () => {
  ui.manualId = null;
  changed();
});

$("btn-retry").addEventListener("click", retryFailed);
$("btn-abandon").addEventListener("click", abandonFailed);

// Long presses must not open the context menu or select text anywhere on the console.
document.addEventListener("contextmenu", (e) => {
  if (!e.target.closest("input, textarea, code")) e.preventDefault();
});

window.addEventListener("beforeunload", (e) => {
  if (!ui.pending) return undefined;
  e.preventDefault();
  e.returnValue = t("leave_pending");
  return t("leave_pending");
});

// -- start ------------------------------------------------------------------------------------------------

applyWords();

// The header's clock is the venue's (the server's time in the event's zone, common/clock.js), as every
// time the server writes on this page is; a tablet whose own clock or zone differs is told so.
function tick() {
  setText($("clock"), venueClock());
  const off = offText();
  setText($("clock-warning-text"), off);
  $("clock-warning").hidden = !off;
  renderHeader();
  if (ui.pending) renderStatus();
}
tick();
setInterval(tick, 500);
onSynced(tick);
keepSynced();

ui.live = connect({
  auth: { role: "console" },
  heartbeat: true,
  onState: (view) => adopt(view),
  onStatus: (status) => {
    ui.conn = status;
    if (keptCopy && status === "live") window.location.reload();
    if (status === "live") syncClock(); // (back from a cut: the tablet's clock may have moved meanwhile)
    render();
  },
  onDisplays: (list, _waiting, onAir) => {
    ui.walls = Array.isArray(list) ? list : [];
    ui.onAir = onAir;
    renderWalls();
    render(); // Confirm says when no wall would show the signing
    screensChanged();
    renderScreens();
  },
  onRefused: () => {
    // The socket says this device is not an operator: check over HTTP before leaving the page.
    get("/api/v1/session").then(
      (res) => {
        if (res.data && res.data.operator === false) window.location.replace("/control");
      },
      () => {}
    );
  },
});
listenPads(ui.live.socket);
announceName();
// The view over HTTP straight away: the console is usable even if the socket takes its time.
fetchState().then(adopt).catch(() => {});
render();

// The console's shell is kept by a service worker (console/sw.js), so a reload while the server is down
// shows the last view, read-only, instead of the browser's error page. A kept copy keeps nothing itself.
const keepView = keptCopy
  ? null
  : keepPage("/control/sw.js", "/control", {
      current: () => ui.state,
      onKept: (n) => expose("consoleKept", n),
    });

function keep(view) {
  if (keepView) keepView(view);
}

// For tests and the AV desk's curiosity: read-only views of what this console believes.
expose("console", {
  state: () => ui.state,
  pending: () =>
    ui.pending ? { command_id: ui.pending.body.command_id, phase: ui.pending.phase, attempts: ui.pending.attempts } : null,
  selection: selectionId,
  pads: padChips,
});
