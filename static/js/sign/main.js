/*
 * The signatory's pad (/sign/<token>): a tablet at the signing table, or a remote party's phone.
 *
 * It draws the party view the server sends (Socket.IO "state" to this pad's room, or GET
 * /api/v1/sign/<token>/state to catch up): the project, the party and its side, the signatory's name, the
 * round and the pad's state. Armed, it shows the signing field in the signature place's own shape, as
 * large as the screen allows, and turns the pen's path into canonical points ([s, x, y, p, t], the field
 * 1000 units wide) drawn at once with the shared pen (common/ink.js) and handed to the outbox, which
 * gets them to the server whatever the network does. Every word is the server's (the page words and the
 * view); the page decides nothing about the ceremony: the server says when it may sign and whether a
 * submission counts.
 */
import { $, pageData, reloadOnce, setText, sizeBacking } from "../common/dom.js";
import { expose } from "../common/hooks.js";
import { setWordsText } from "../common/fit.js";
import { drawInk } from "../common/ink.js";
import { connect } from "../common/live.js";
import { applyWords, ensureLanguage, t } from "../common/words.js";
import { Outbox } from "./outbox.js";

const HEARTBEAT_MS = 3000;
const CONFIRM_GUARD_MS = 450; // a double tap on the submit button must not also confirm
const RELOAD_GUARD_MS = 30000;
const SAVING_DELAY_MS = 250; // "saving" shows only when an ack is slow, not between every stroke
const SMALL_FIELD_PX = 190; // below this height a phone held upright is asked to turn
// A phone held upright: the field takes the height the page leaves, down to this shape (width / height),
// so a very tall screen does not make it a slit.
const UPRIGHT_MIN_ASPECT = 0.9;
// The field's width in canonical units, a batch's size and the pen: the server's (certificate/ink.py).
const INK = pageData("kiosk-settings").ink;
const CANONICAL = INK.canonical_width;

const pad = $("pad");
const token = pad.getAttribute("data-token") || "";
const body = document.body;
const field = $("field");
const canvas = $("ink");
const doneCanvas = $("done-ink");

let current = null; // the last party view drawn
let mode = "loading"; // what the page shows: loading | waiting | armed | submitted | signed
let conn = "connecting";
let submitAck = null; // {log_id, seq} of the view on screen when this page's submit was acknowledged
let errorText = "";
let lastRefused = null;

// -- the link --------------------------------------------------------------------------------------

let outbox = null; // made once the page below is ready (it reports to it at once)

function setConn(next) {
  if (next === conn) return;
  conn = next;
  body.setAttribute("data-conn", next);
  labelConn();
  refreshControls();
}

function labelConn() {
  const label = conn === "live" ? "conn_live" : conn === "connecting" ? "conn_connecting" : "conn_reconnecting";
  $("conn-label").setAttribute("data-t", label);
  setText($("conn-label"), t(label));
}

function accept(view) {
  if (view.view !== "party") return false;
  current = view;
  ensureLanguage(view.lang).then((changed) => {
    if (changed && current) {
      labelConn();
      draw(current);
    }
  });
  try {
    draw(view);
  } catch (err) {
    if (window.console) console.error(err);
  }
  return true;
}

/**
 * The server no longer takes this link from this browser (a new link was made, the remote one revoked):
 * the address itself then says so (claimed or not found). Reload once, not in a loop.
 */
function linkGone() {
  if (!reloadOnce("sign", RELOAD_GUARD_MS)) showError(t("err_refused"));
}

// The token is the link's own: the socket presents it and the HTTP catch-up asks with it. A heartbeat: a
// pad waiting on stage-side Wi-Fi must not miss its "armed" behind a half-open link. Every view is drawn,
// also one of the seq on screen: what the page shows depends on its outbox as well.
const link = connect({
  auth: { role: "pad", pad: token },
  statePath: `/api/v1/sign/${encodeURIComponent(token)}/state`,
  heartbeat: HEARTBEAT_MS,
  again: true,
  onState: accept,
  onStatus: setConn,
  onGone: linkGone,
});
const socket = link.socket;

// -- what to show ------------------------------------------------------------------------------------

function newerThanAck(view) {
  return !submitAck || view.log_id !== submitAck.log_id || view.seq > submitAck.seq;
}

/** The page's mode for ``view``, keeping the outbox in step with what the server says. */
function modeFor(view) {
  const st = outbox.status();
  const standing = view.signature ? view.signature.submitted_id : null;
  if (st.submitted && standing !== st.id && newerThanAck(view)) {
    // The server no longer holds our submission as the pad's signature (reopened): sign anew.
    outbox.fresh();
    submitAck = null;
  } else if ((view.state === "submitted" || view.state === "signed") && standing === st.id) {
    outbox.markSubmitted(standing, view.state === "signed");
  }
  if (view.state === "submitted" || view.state === "signed") return view.state;
  if (view.state === "armed") return outbox.status().submitted ? "submitted" : "armed";
  return "waiting";
}

function draw(view) {
  const previous = mode;
  mode = modeFor(view);
  body.setAttribute("data-state", mode);
  pad.setAttribute("data-state", mode);

  const party = $("party");
  party.hidden = !view.pad.party_text;
  setText(party, view.pad.party_text);
  party.setAttribute("data-party", view.pad.party || "");
  setWordsText($("side"), view.pad.side_name);
  setWordsText($("project"), view.project ? view.project.name : "");
  for (const remote of [$("remote"), $("wait-remote")]) {
    remote.hidden = !view.pad.remote_text;
    setText(remote, view.pad.remote_text || "");
  }
  setWordsText($("name"), view.pad.name);
  // The state's chip beside the name while signing; waiting and done say it in large type instead.
  const chip = $("state-chip");
  chip.hidden = !view.state_text || mode !== "armed";
  setText(chip, view.state_text);
  chip.setAttribute("data-state", mode);
  setText($("round"), view.round ? view.round.title : "");
  $("round").hidden = !view.round;
  document.title = t("title") + " · " + (view.event ? view.event.title : "");

  $("panel-loading").hidden = true;
  $("panel-waiting").hidden = mode !== "waiting";
  $("panel-armed").hidden = mode !== "armed";
  $("panel-done").hidden = mode !== "submitted" && mode !== "signed";

  if (mode === "waiting") {
    setText($("wait-event"), view.event ? view.event.title : "");
    setText($("wait-project"), view.project ? view.project.name : "");
    setText($("wait-party"), [view.pad.party_text, view.pad.side_name].filter(Boolean).join(" · "));
    setText($("wait-name"), view.pad.name);
    setText($("wait-state"), view.state_text);
    setText($("wait-note"), view.hint);
  } else if (mode === "armed") {
    setText($("hint"), view.hint || "");
  } else if (mode === "submitted" || mode === "signed") {
    // The server's word once its view says so; "submitted" meanwhile (the ack came before the view).
    setText($("done-title"), view.state === mode ? view.state_text : t("submitted"));
    setText($("done-note"), view.state === mode ? view.hint : "");
  }
  if (mode !== "armed") {
    closeConfirm();
    endStroke(null);
  }
  if (previous !== mode && mode === "armed" && outbox.status().refused) outbox.retry();
  if (mode !== "armed") hideError();
  layout();
  refreshControls();
  expose("sign", { seq: view.seq, mode, state: view.state, id: outbox.id });
}

// -- geometry ----------------------------------------------------------------------------------------

let geom = { width: 0, height: 0, dpr: 1 };

function aspect() {
  const a = current && current.signature ? Number(current.signature.aspect) : 0;
  return a > 0.2 && a < 20 ? a : 2.5;
}

function pen() {
  return (current && current.pen) || INK.pen;
}

function inkColour() {
  return (current && current.ink) || "#1b1b1b";
}

/** A phone held upright: a place's wide shape would leave it a strip (135 px high at 390x844) under empty
 * space. Its field is then as tall as the page lets it be and shows the middle of the place at the
 * place's full height: the points stay canonical, inside the place, and the wall and the certificate
 * draw them there as from any pad. */
function upright() {
  return window.innerHeight > window.innerWidth && window.innerWidth < 600;
}

/** The part of the place the armed field shows: canonical x from ``x0``, ``k`` canonical units per CSS
 * px. The whole place, unless the field is narrower than the place's shape (upright, above). */
function fieldWindow(width, height) {
  const full = CANONICAL / aspect();
  if (!width || !height || width / height >= aspect()) return { x0: 0, k: CANONICAL / (width || 1) };
  const k = full / height;
  return { x0: (CANONICAL - width * k) / 2, k };
}

/** The largest field of the place's shape that fits ``box`` (its content box, in CSS px); upright on a
 * phone, the whole box down to UPRIGHT_MIN_ASPECT (the armed field only: ``whole``). */
function fitField(width, height, whole) {
  const a = aspect();
  if (whole && upright() && width / Math.max(1, height) < a) {
    const w = Math.max(0, Math.floor(width));
    return { width: w, height: Math.floor(Math.max(0, Math.min(height, w / UPRIGHT_MIN_ASPECT))) };
  }
  let w = Math.max(0, width);
  let h = w / a;
  if (h > height) {
    h = Math.max(0, height);
    w = h * a;
  }
  return { width: Math.floor(w), height: Math.floor(w / a) };
}

function sizeCanvas(node, size) {
  const dpr = Math.min(3, window.devicePixelRatio || 1);
  node.style.width = size.width + "px";
  node.style.height = size.height + "px";
  sizeBacking(node, size.width * dpr, size.height * dpr);
  return dpr;
}

/**
 * The field as large as the panel lets it be: the panel is laid out once with the field's area taking
 * all the room left (class is-measuring), that room is measured, and the area then holds just the field,
 * so the field and its buttons sit together in the middle of the screen.
 */
function measure(panel, area, maxWidth, whole) {
  area.style.height = "";
  panel.classList.add("is-measuring");
  const rect = area.getBoundingClientRect();
  panel.classList.remove("is-measuring");
  const size = fitField(Math.min(rect.width, maxWidth), rect.height, whole);
  area.style.height = size.height + "px";
  return size;
}

function layout() {
  if (mode === "armed") {
    const panel = $("panel-armed");
    const area = $("field-area");
    const rotate = $("rotate");
    rotate.hidden = true;
    let size = measure(panel, area, Infinity, true);
    // A phone held upright and short leaves the field little height even so: say it may turn.
    if (upright() && size.height < SMALL_FIELD_PX) {
      rotate.hidden = false;
      size = measure(panel, area, Infinity, true);
    }
    field.style.width = size.width + "px";
    field.style.height = size.height + "px";
    const dpr = sizeCanvas(canvas, size);
    if (size.width !== geom.width || size.height !== geom.height || dpr !== geom.dpr) baked = null;
    geom = { width: size.width, height: size.height, dpr };
    $("field-mark").classList.toggle("is-small", size.height < 140);
    redraw();
  } else if (mode === "submitted" || mode === "signed") {
    const panel = $("panel-done");
    const area = $("done-area");
    area.hidden = false;
    $("done-label").hidden = false;
    const size = measure(panel, area, 720);
    const done = $("done-field");
    done.style.width = size.width + "px";
    done.style.height = size.height + "px";
    sizeCanvas(doneCanvas, size);
    drawDone();
  }
}

let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(layout, 60);
});
// The header's height is known only once its fonts are in: measure the field again then.
if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => layout());

// -- ink -----------------------------------------------------------------------------------------------

// Finished strokes are drawn once onto a canvas of their own; each frame adds only the stroke in hand.
let baked = null; // {canvas, count: points drawn into it}
let frame = 0;

function scheduleDraw() {
  if (!frame) frame = requestAnimationFrame(redraw);
}

function redraw() {
  frame = 0;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const points = outbox.points;
  $("field-mark").hidden = points.length > 0;
  if (!points.length) {
    baked = null;
    return;
  }
  const view = fieldWindow(geom.width, geom.height);
  const scale = canvas.width / Math.max(1, geom.width) / view.k;
  const ink = { scale, dx: -view.x0 * scale, color: inkColour() };
  // The points of finished strokes: all of them, but for the stroke in hand.
  let done = points.length;
  if (active) {
    done = points.length;
    while (done > 0 && points[done - 1][0] === active.s) done -= 1;
  }
  if (!baked || baked.canvas.width !== canvas.width || baked.canvas.height !== canvas.height || baked.count > done) {
    const c = document.createElement("canvas");
    c.width = canvas.width;
    c.height = canvas.height;
    baked = { canvas: c, count: 0 };
  }
  if (baked.count < done) {
    drawInk(baked.canvas.getContext("2d"), points.slice(baked.count, done), pen(), ink);
    baked.count = done;
  }
  ctx.drawImage(baked.canvas, 0, 0);
  if (done < points.length) drawInk(ctx, points.slice(done), pen(), ink);
}

function drawDone() {
  const ctx = doneCanvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, doneCanvas.width, doneCanvas.height);
  const standing = current && current.signature ? current.signature.submitted_id : null;
  const points = (standing && outbox.storedPoints(standing)) || (outbox.status().submitted ? outbox.points : null);
  // Signed on another device (or this one's storage is gone): the confirmation without the picture.
  const has = !!(points && points.length);
  $("done-area").hidden = !has;
  $("done-label").hidden = !has;
  if (has) drawInk(ctx, points, pen(), { scale: doneCanvas.width / CANONICAL, color: inkColour() });
}

// -- the pen -------------------------------------------------------------------------------------------

let active = null; // the stroke in hand: {id: pointerId, s: stroke number, rect, last: [x, y]}

function toPoint(ev) {
  const rect = active.rect;
  const { x0, k } = fieldWindow(rect.width, rect.height);
  const x = Math.min(CANONICAL, Math.max(0, x0 + (ev.clientX - rect.left) * k));
  const y = Math.min(CANONICAL / aspect(), Math.max(0, (ev.clientY - rect.top) * k));
  // Only a pen has pressure; a finger or a mouse reports 0.5 (or 0), and the pen then follows the speed.
  const p = ev.pointerType === "pen" && ev.pressure > 0 ? Math.min(1, ev.pressure) : 0.5;
  return [x, y, p];
}

/** When ``ev`` happened, on Date.now()'s clock (coalesced events are a few ms older than their batch). */
function eventTime(ev) {
  const now = Date.now();
  const age = typeof ev.timeStamp === "number" ? performance.now() - ev.timeStamp : 0;
  return age > 0 && age < 1000 ? now - age : now;
}

function addPoint(ev) {
  const [x, y, p] = toPoint(ev);
  const last = active.last;
  if (last && Math.abs(last[0] - x) < 0.05 && Math.abs(last[1] - y) < 0.05) return;
  active.last = [x, y];
  outbox.add(active.s, x, y, p, eventTime(ev));
}

function mayDraw() {
  const st = outbox.status();
  return mode === "armed" && !st.submitting && !st.submitted && $("confirm").hidden;
}

field.addEventListener("pointerdown", (ev) => {
  if (active || !mayDraw()) return;
  if (ev.pointerType === "mouse" && ev.button !== 0) return;
  ev.preventDefault();
  const rect = canvas.getBoundingClientRect();
  if (rect.width < 1) return;
  const s = outbox.startStroke(rect.width, rect.height);
  if (s === null) return;
  active = { id: ev.pointerId, s, rect, last: null };
  try {
    field.setPointerCapture(ev.pointerId);
  } catch (e) {
    /* capture is a nicety: without it a stroke leaving the field just ends there */
  }
  addPoint(ev);
  scheduleDraw();
  refreshControls();
});

field.addEventListener("pointermove", (ev) => {
  if (!active || ev.pointerId !== active.id) return;
  ev.preventDefault();
  const list = typeof ev.getCoalescedEvents === "function" ? ev.getCoalescedEvents() : [];
  for (const one of list.length ? list : [ev]) addPoint(one);
  scheduleDraw();
});

function endStroke(ev) {
  if (!active || (ev && ev.pointerId !== active.id)) return;
  if (ev && ev.type === "pointerup") addPoint(ev);
  active = null;
  outbox.endStroke();
  scheduleDraw();
  refreshControls();
}

field.addEventListener("pointerup", endStroke);
field.addEventListener("pointercancel", endStroke);
field.addEventListener("lostpointercapture", endStroke);
// A long press must not open the browser's menu over the field.
field.addEventListener("contextmenu", (ev) => ev.preventDefault());

// -- the buttons -------------------------------------------------------------------------------------

const btnClear = $("btn-clear");
const btnSubmit = $("btn-submit");
let savingTimer = 0;
let savingShown = false;

function refreshControls() {
  if (!outbox) return;
  const st = outbox.status();
  const drawn = st.points > 0;
  const busy = st.submitting || st.submitted;
  // Once the first stroke is down the chip says what the wall says: signing, no longer "please sign".
  if (mode === "armed" && current) setText($("state-chip"), drawn ? t("drawing") : current.state_text);
  btnClear.disabled = !drawn || busy || !!active;
  // No submit while anything drawn is still on its way: the server would refuse it as incomplete.
  btnSubmit.disabled = !drawn || !st.saved || busy || !!active;
  btnSubmit.classList.toggle("is-busy", st.submitting);

  let line = "";
  let kind = "";
  if (mode === "armed") {
    if (st.submitting) {
      line = conn === "live" ? t("submitting") : t("offline_saved");
      kind = conn === "live" ? "busy" : "offline";
    } else if (drawn && !st.saved && !st.connected) {
      line = t("offline_saved");
      kind = "offline";
    } else if (drawn && !st.saved) {
      // A slow ack shows as "saving"; a quick one never flickers between strokes.
      if (!savingShown && !savingTimer) {
        savingTimer = setTimeout(() => {
          savingTimer = 0;
          savingShown = true;
          refreshControls();
        }, SAVING_DELAY_MS);
      }
      if (savingShown) {
        line = t("saving");
        kind = "busy";
      }
    } else if (drawn) {
      line = t("saved");
      kind = "ok";
    }
  }
  if (!(drawn && !st.saved)) {
    clearTimeout(savingTimer);
    savingTimer = 0;
    savingShown = false;
  }
  const save = $("save-line");
  setText(save, line);
  save.setAttribute("data-kind", kind);
  body.classList.toggle("has-unsaved", drawn && !st.saved);
  // A refusal answered after the error was shown has been settled (say, the pad was armed again).
  if (lastRefused && !st.refused && errorText === (lastRefused.message || t("err_failed"))) hideError();
  lastRefused = st.refused;
}

btnClear.addEventListener("click", () => {
  if (active || mode !== "armed") return;
  if (!outbox.clear()) return;
  baked = null;
  hideError();
  redraw();
  refreshControls();
});

let confirmOpenedAt = 0;

btnSubmit.addEventListener("click", () => {
  const st = outbox.status();
  if (btnSubmit.disabled || !st.points || !st.saved || st.submitting) return;
  openConfirm();
});

function openConfirm() {
  confirmOpenedAt = performance.now();
  $("confirm").hidden = false;
  $("confirm-no").focus();
}

function closeConfirm() {
  $("confirm").hidden = true;
}

$("confirm-no").addEventListener("click", closeConfirm);
$("confirm").addEventListener("click", (ev) => {
  if (ev.target === $("confirm")) closeConfirm();
});
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") closeConfirm();
});

$("confirm-yes").addEventListener("click", () => {
  if (performance.now() - confirmOpenedAt < CONFIRM_GUARD_MS) return;
  closeConfirm();
  submit();
});

function submit() {
  hideError();
  const shown = current ? { log_id: current.log_id, seq: current.seq } : null;
  const answer = outbox.submit();
  refreshControls();
  answer.then((res) => {
    if (res && res.ok) {
      submitAck = shown;
      if (current) draw(current);
    } else if (res && res.reason === "pending") {
      refreshControls();
    } else {
      showError(res && res.message ? res.message : t("err_failed"));
    }
    refreshControls();
  });
}

// -- errors ---------------------------------------------------------------------------------------------

function showError(text) {
  errorText = text;
  setText($("alert-text"), text);
  $("alert").hidden = !text;
  if (mode === "armed") layout();
}

function hideError() {
  if (!errorText) return;
  errorText = "";
  $("alert").hidden = true;
  setText($("alert-text"), "");
  if (mode === "armed") layout();
}

// -- start ---------------------------------------------------------------------------------------------

outbox = new Outbox({
  socket,
  scope: token,
  maxBatch: INK.max_batch,
  onChange: () => refreshControls(),
  // A refusal while signing is the signatory's to read; one while waiting (disarmed) the state says better.
  onError: (answer) => {
    if (mode === "armed") showError(answer && answer.message ? answer.message : t("err_failed"));
  },
  onStall: () => link.restart(),
});
// What the tests (and a curious engineer at the table) can read.
expose("signPad", {
  socket,
  outbox,
  state: () => current,
  mode: () => mode,
  field: () => ({ ...geom }),
});
// The attempt as the pad holds it: its id, when its first point was drawn (t counts from it), its points.
expose("signRecord", () => ({
  id: outbox.record.id,
  started: outbox.record.started,
  points: outbox.record.points.map((p) => [...p]),
}));
// A reload or a closed tab keeps even the last few milliseconds of ink (the outbox seals them to storage).
window.addEventListener("pagehide", () => outbox.flush());
applyWords();
refreshControls();
link.refresh();
