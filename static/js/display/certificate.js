/*
 * Signatures on the wall: while the public view carries `signing` (announced projects whose pads may
 * sign), the spotlight shows each project's signing certificate, the server's picture without ink, with
 * every pad's live ink drawn over its place as the signatory writes.
 *
 * The ink reaches the wall on the display socket: `ink` (one stored batch of points), `ink_clear` (an
 * attempt abandoned), and the answer to `ink_sync` (each pad's open or submitted attempt, whole). Socket.IO
 * delivers at most once, so the wall asks `ink_sync` whenever it may have missed something: on connect,
 * whenever the view's `signing` changes, and when a pad's batch numbers skip one. Drawing follows in the
 * next animation frame, from the points kept here (common/ink.js draws them as the pad and the server do).
 * The words (a place's state, the remote mark) arrive written in the view; this module only lays out.
 */
import { add, el, pageData, sizeBacking } from "../common/dom.js";
import { expose, exposed, hooksOn } from "../common/hooks.js";
import { drawInk } from "../common/ink.js";
import { t } from "../common/words.js";
import { fitText, setWords } from "./fit.js";
import { setImage } from "./images.js";

const SYNC_TIMEOUT_MS = 3000;
const PICTURE_WAIT_MS = 1500;
const SYNC_RETRY_MS = 1000;
// Not more than one sync at a time, and no faster than this while a gap stays open (a batch the server
// never stored must not turn into a storm of requests).
const SYNC_GAP_MS = 500;
const FRAME_MS = 16; // batches closer than this wait for the next animation frame, drawn together

// pad_id -> the attempt shown at its place: {sig, points (in time order), keys (each point once), live
// (batch numbers heard live), synced (batches the last sync answer counted), tries (syncs for one gap),
// seenAt (the live event that first brought this attempt)}. Points are merged by their content, so a batch
// heard both live and in a sync answer, in any order, is drawn once.
const pads = new Map();
// Attempts abandoned (ink_clear): a late sync answer naming one of them is not drawn again.
const cleared = new Set();
// Syncs for one gap before the wall waits for the pad's next batch (a batch the server never got).
const GAP_TRIES = 5;
// The pads' field in canonical units: the server's (certificate/ink.py), handed to the page.
const CANONICAL = pageData("kiosk-settings").ink.canonical_width;
let socket = null;
let signing = null; // the latest view's `signing`
let signingKey = "";
let eventNo = 0; // counts live ink events, to tell a sync answer older than what arrived since
let heardAt = 0; // when the last live batch arrived (for tests: from the socket to the canvas)
const sync = { inFlight: false, again: false, timer: 0, lastAt: 0 };
const dirty = new Set();
let frame = 0;
let flushedAt = -Infinity;

// ---------------------------------------------------------------- the ink kept per pad

function fresh(sig, seenAt) {
  return { sig, points: [], keys: new Set(), lastT: -Infinity, live: new Set(), synced: 0, tries: 0, seenAt };
}

function merge(rec, points) {
  let unsorted = false;
  for (const point of points) {
    if (!Array.isArray(point) || point.length < 5) continue;
    const key = point.join(",");
    if (rec.keys.has(key)) continue;
    rec.keys.add(key);
    rec.points.push(point);
    if (point[4] < rec.lastT) unsorted = true;
    else rec.lastT = point[4];
  }
  // (a batch that came late goes back to its moment: each stroke's points in the order they were drawn)
  if (unsorted) rec.points.sort((a, b) => a[4] - b[4]);
}

/** The batches 1..n this wall holds for certain (heard live, or counted by a sync answer). */
function covered(rec) {
  let n = rec.synced;
  while (rec.live.has(n + 1)) n += 1;
  return n;
}

/** Whether a batch number was skipped: one after it has arrived, the one itself not. */
function missing(rec) {
  for (const n of rec.live) if (n > covered(rec) + 1) return true;
  return false;
}

function pointsOf(padId) {
  const rec = pads.get(padId);
  return rec ? rec.points : [];
}

function onInk(msg) {
  if (!msg || typeof msg.pad_id !== "string" || typeof msg.signature_id !== "string") return;
  if (!Number.isInteger(msg.batch) || !Array.isArray(msg.points)) return;
  if (cleared.has(msg.signature_id)) return;
  eventNo += 1;
  heardAt = Date.now();
  let rec = pads.get(msg.pad_id);
  // A new attempt replaces the old one at the place (a signatory starting over, or signing after a reopen).
  if (!rec || rec.sig !== msg.signature_id) {
    rec = fresh(msg.signature_id, eventNo);
    pads.set(msg.pad_id, rec);
  }
  rec.live.add(msg.batch);
  rec.tries = 0;
  merge(rec, msg.points);
  paint(msg.pad_id);
  if (missing(rec)) requestSync(); // a batch went by unheard: the server has it
}

function onClear(msg) {
  if (!msg || typeof msg.pad_id !== "string") return;
  eventNo += 1;
  if (typeof msg.signature_id === "string") cleared.add(msg.signature_id);
  const rec = pads.get(msg.pad_id);
  if (rec && (!msg.signature_id || rec.sig === msg.signature_id)) {
    pads.delete(msg.pad_id);
    paint(msg.pad_id);
  }
}

function padIds() {
  const ids = [];
  if (!signing) return ids;
  for (const cert of signing.certificates || []) for (const place of cert.places || []) ids.push(place.pad_id);
  return ids;
}

/** Ask the server for every pad's attempt on the wall; one request at a time, coalesced. */
function requestSync() {
  if (!socket) return;
  if (sync.inFlight) {
    sync.again = true;
    return;
  }
  if (sync.timer) return;
  const wait = Math.max(0, sync.lastAt + SYNC_GAP_MS - Date.now());
  sync.timer = setTimeout(sendSync, wait);
}

function sendSync() {
  sync.timer = 0;
  const ids = padIds();
  if (!socket || !socket.connected || !ids.length) return; // (on connect it asks again)
  sync.inFlight = true;
  sync.again = false;
  sync.lastAt = Date.now();
  const askedAt = eventNo;
  socket.timeout(SYNC_TIMEOUT_MS).emit("ink_sync", { pad_ids: ids }, (err, answer) => {
    sync.inFlight = false;
    if (err || !answer || typeof answer !== "object" || answer.ok === false) {
      // No answer in time (or refused): try again shortly while the signing is on the wall.
      if (signing) setTimeout(requestSync, SYNC_RETRY_MS);
      return;
    }
    for (const id of ids) if (id in answer) adoptSynced(id, answer[id], askedAt);
    let gaps = false;
    for (const id of ids) {
      const rec = pads.get(id);
      if (rec && missing(rec) && rec.tries < GAP_TRIES) {
        rec.tries += 1;
        gaps = true;
      }
    }
    if (sync.again || gaps) requestSync();
  });
}

/** A pad's attempt as the server holds it, unless the wall has heard of a newer one since it asked. */
function adoptSynced(padId, got, askedAt) {
  const rec = pads.get(padId);
  const newerHere = !!rec && rec.seenAt > askedAt;
  if (!got) {
    if (rec && !newerHere) {
      pads.delete(padId);
      paint(padId);
    }
    return;
  }
  if (typeof got.signature_id !== "string" || !Array.isArray(got.points) || cleared.has(got.signature_id)) return;
  let keep = rec;
  if (!rec || rec.sig !== got.signature_id) {
    if (newerHere) return;
    keep = fresh(got.signature_id, askedAt);
    pads.set(padId, keep);
  }
  if (Number.isInteger(got.batches)) keep.synced = Math.max(keep.synced, got.batches);
  merge(keep, got.points);
  paint(padId);
}

// ---------------------------------------------------------------- drawing

/**
 * A batch is drawn as it arrives, so the next frame shows it; batches coming faster than frames are
 * drawn together in the next one (a pad's whole attempt is drawn each time: ink.js outlines every stroke).
 */
function paint(padId) {
  dirty.add(padId);
  if (frame) return;
  if (performance.now() - flushedAt > FRAME_MS) flush();
  else frame = requestAnimationFrame(flush);
}

function flush() {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  flushedAt = performance.now();
  const ids = [...dirty];
  dirty.clear();
  for (const id of ids) {
    for (const canvas of canvasesOf(id)) {
      drawCanvas(canvas);
      markPlace(canvas._mark, placeOf(id), id);
    }
  }
  exposeForTests();
}

function canvasesOf(padId) {
  return [...document.querySelectorAll("canvas.cert-ink")].filter((c) => c._padId === padId);
}

/** The stage's scale on this screen (main.js fits the 1920x1080 stage to the window). */
function stageScale() {
  const stage = document.getElementById("stage");
  const s = stage && stage.offsetWidth ? stage.getBoundingClientRect().width / stage.offsetWidth : 1;
  return s > 0 ? s : 1;
}

/**
 * The canvas backs its place at the screen's own pixels: its size on the stage times the stage's scale and
 * the device's pixel ratio (its layout size, so a certificate still coming in is not measured small).
 */
function sizeCanvas(canvas) {
  const k = stageScale() * (window.devicePixelRatio || 1);
  return sizeBacking(canvas, canvas.clientWidth * k, canvas.clientHeight * k);
}

function drawCanvas(canvas) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const points = pointsOf(canvas._padId);
  if (!points.length || !signing) return;
  // Canonical units: the place is CANONICAL wide, whatever its size on this screen.
  drawInk(ctx, points, signing.pen, { scale: canvas.width / CANONICAL, color: signing.ink });
}

function refitCanvases() {
  for (const canvas of document.querySelectorAll("canvas.cert-ink")) {
    sizeCanvas(canvas);
    drawCanvas(canvas);
  }
}

/** For tests and the bench: what the wall holds of each pad's ink. */
function exposeForTests() {
  if (!hooksOn) return;
  const held = {};
  for (const [id, rec] of pads) {
    held[id] = { signature_id: rec.sig, batches: covered(rec), gaps: missing(rec), points: rec.points.length };
  }
  const at = Date.now();
  expose("wallInk", { pads: held, heardAt, drawnAt: at });
  // Each frame's ink per pad, when it was drawn: what "drawn on the pad to shown on the wall" is measured by.
  const log = exposed("wallInkLog") || [];
  expose("wallInkLog", log);
  for (const [id, rec] of pads) {
    const before = log.findLast((e) => e.pad === id);
    if (!before || before.points !== rec.points.length) log.push({ pad: id, points: rec.points.length, at });
  }
  if (log.length > 5000) log.splice(0, log.length - 5000);
}

// ---------------------------------------------------------------- the link and the view

/** Listen on the display's socket (common/live.js). The wall's room is the server's affair. */
export function attachInk(sock) {
  if (!sock || socket) return;
  socket = sock;
  socket.on("ink", onInk);
  socket.on("ink_clear", onClear);
  // Whatever was drawn while the link was down: the server has it.
  socket.on("connect", () => {
    if (signing) requestSync();
  });
}

/** Every view: a changed `signing` (new places, a pad submitted, a reopen) asks for the ink again. */
export function followSigning(next) {
  const key = next ? JSON.stringify(next) : "";
  if (key === signingKey) return;
  signingKey = key;
  signing = next || null;
  if (signing) {
    // Pads no longer on the wall keep no ink here: the next time they are, the server sends it again.
    const on = new Set(padIds());
    for (const id of [...pads.keys()]) if (!on.has(id)) pads.delete(id);
    requestSync();
  }
}

/** What makes a new picture: the certificates and their places (a state or a picture's version does not). */
export function signingShape(next) {
  return JSON.stringify(
    (next.certificates || []).map((c) => [
      c.project_id,
      c.width,
      c.height,
      (c.places || []).map((p) => [p.pad_id, p.box, p.aspect, !!p.remote_text]),
    ])
  );
}

/** The signing screen: one certificate fills the wall; two or three side by side, or stacked upright. */
export function buildSigning(view, next) {
  const sec = el("section", "screen screen-signing");
  const certs = next.certificates || [];
  const box = el("div", "signing n-" + Math.min(certs.length, 4));
  const projects = new Map((view.projects || []).map((p) => [p.id, p]));
  sec._certs = [];
  certs.forEach((cert, i) => {
    const project = projects.get(cert.project_id) || { name: "", order: "" };
    const fig = el("figure", "cert");
    fig.setAttribute("data-project", cert.project_id);
    fig.style.setProperty("--i", String(i)); // (its place in the entrance's stagger)
    const sheet = el("div", "cert-sheet");
    const paper = el("div", "cert-paper");
    const img = el("img", "cert-img");
    img.alt = project.name;
    img.decoding = "async";
    img.draggable = false;
    // The certificate comes in with its picture (or, should the picture be slow, after PICTURE_WAIT_MS).
    fig.classList.add("is-pending");
    const arrived = () => fig.classList.remove("is-pending");
    img.addEventListener("load", () => {
      paper.classList.remove("img-failed");
      arrived();
    });
    img.addEventListener("error", () => {
      paper.classList.add("img-failed"); // (hidden: never a broken image on the wall)
      arrived();
    });
    setTimeout(arrived, PICTURE_WAIT_MS);
    add(paper, img);
    const places = [];
    for (const place of cert.places || []) {
      const spot = el("div", "cert-place");
      spot.setAttribute("data-pad", place.pad_id);
      spot.setAttribute("data-party", place.party || "");
      const [x, y, w, h] = place.box;
      // Certificate units to percentages of the paper: the place is where the server drew it.
      spot.style.left = (100 * x) / cert.width + "%";
      spot.style.top = (100 * y) / cert.height + "%";
      spot.style.width = (100 * w) / cert.width + "%";
      spot.style.height = (100 * h) / cert.height + "%";
      const mark = el("span", "cert-state");
      const canvas = el("canvas", "cert-ink");
      canvas._padId = place.pad_id;
      canvas._mark = mark;
      canvas.setAttribute("data-pad", place.pad_id);
      add(spot, canvas);
      let remote = null;
      if (place.remote_text) {
        remote = add(el("span", "cert-remote"), el("span", "cert-remote-icon"), el("span", "cert-remote-text"));
        add(spot, remote);
      }
      add(spot, mark);
      add(paper, spot);
      places.push({ id: place.pad_id, spot, canvas, mark, remote, place });
    }
    add(sheet, paper);
    add(fig, sheet);
    // Each named under its picture, large enough for the back of the hall.
    // (one alone on the wide wall is large enough to be read as it is: display.css hides its caption)
    const caption = add(el("figcaption", "cert-caption"), el("span", "cert-order", project.order),
      setWords(el("span", "cert-name one-line"), project.name));
    caption.setAttribute("aria-label", t("kicker", { n: project.order }) + " " + project.name);
    add(fig, caption);
    add(box, fig);
    sec._certs.push({
      id: cert.project_id, fig, sheet, paper, img, caption, places, width: cert.width, ratio: cert.width / cert.height,
    });
  });
  add(sec, box);
  sec._fit = () => fitSigning(sec);
  updateSigning(sec, next);
  return sec;
}

/** A project's name under its picture: one line down to the wall's 28 px floor, else two, by words. */
function fitCaption(name, max) {
  name.classList.add("one-line");
  fitText(name, max, 28);
  if (!name.classList.contains("clamped")) return;
  name.classList.remove("one-line");
  fitText(name, Math.min(max, 36), 28, 2.5 * 36);
}

/** Each paper as large as its cell allows at the certificate's own proportions. */
function fitSigning(sec) {
  for (const c of sec._certs) {
    const shown = c.caption.offsetHeight > 0;
    if (shown) fitCaption(c.caption.querySelector(".cert-name"), sec._certs.length > 1 ? 40 : 56);
    const frame = parseFloat(getComputedStyle(c.sheet).paddingLeft) || 0;
    const below = shown ? c.caption.offsetHeight + parseFloat(getComputedStyle(c.fig).rowGap || "0") : 0;
    const roomW = c.fig.clientWidth - 2 * frame;
    const roomH = c.fig.clientHeight - 2 * frame - below;
    if (roomW <= 0 || roomH <= 0) continue;
    let w = roomW;
    let h = w / c.ratio;
    if (h > roomH) {
      h = roomH;
      w = h * c.ratio;
    }
    c.paper.style.width = Math.floor(w) + "px";
    c.paper.style.height = Math.floor(h) + "px";
    // (the marks are sized from the paper's width: display.css)
    c.sheet.style.setProperty("--paper", Math.floor(w) + "px");
    c.scale = Math.floor(w) / c.width;
    for (const p of c.places) placeMarks(p, c.scale);
  }
  for (const c of sec._certs) for (const p of c.places) {
    sizeCanvas(p.canvas);
    drawCanvas(p.canvas);
  }
  exposeForTests();
}

/** The marks and pictures of a signing already on screen, in place (nothing moves, the ink stays). */
export function updateSigning(sec, next) {
  if (!sec || !sec._certs) return;
  const byId = new Map((next.certificates || []).map((c) => [c.project_id, c]));
  for (const c of sec._certs) {
    const cert = byId.get(c.id);
    if (!cert) continue;
    setPicture(c.img, cert.url);
    const places = new Map((cert.places || []).map((p) => [p.pad_id, p]));
    for (const p of c.places) {
      const place = places.get(p.id);
      if (!place) continue;
      markPlace(p.mark, place, p.id);
      if (p.remote) {
        const text = p.remote.querySelector(".cert-remote-text");
        if (text.textContent !== place.remote_text) text.textContent = place.remote_text || "";
      }
      // (in another language the label and the remote line are other words, of other widths)
      p.place = place;
      if (c.scale) placeMarks(p, c.scale);
    }
  }
}

/**
 * A place's words laid over its picture at the picture's own scale, so that with two or three places a
 * side, or three certificates across the wall, they keep to their room: the state on the label's line
 * right of the label (never over it), as large as that room allows; the remote ribbon over the picture's
 * own remote line, at its size (never down over the date or the frame).
 */
function placeMarks(p, scale) {
  // (the server's layout says where: kiosk/certificate/layout.py marks())
  const y = p.place.box[1];
  const room = p.place.marks;
  p.mark._room = room.state_room * scale;
  p.mark._max = room.state_size * scale;
  sizeMark(p.mark);
  const line = p.place.remote_line;
  if (p.remote && line) {
    const size = line.size * scale;
    p.remote.style.fontSize = size + "px";
    p.remote.style.maxWidth = room.ribbon_width * scale + "px";
    fitText(p.remote, Math.round(size * 10) / 10, Math.min(8, size));
    const px = parseFloat(p.remote.style.fontSize);
    // its text's baseline on the picture's: the ribbon's top padding and the font's ascent above it
    p.remote.style.top = (line.y - y) * scale - 1.12 * px + "px";
  }
}

/** The state as large as its room on the label's line holds (its text changes with the state). */
function sizeMark(mark) {
  if (mark._room === undefined || !mark.textContent) return;
  mark.style.maxWidth = mark._room + "px";
  fitText(mark, Math.round(mark._max * 10) / 10, Math.min(6, mark._max));
}

function placeOf(padId) {
  if (!signing) return null;
  for (const cert of signing.certificates || []) {
    const place = (cert.places || []).find((p) => p.pad_id === padId);
    if (place) return place;
  }
  return null;
}

/**
 * A place's quiet mark: the state the view gives it; an armed place whose ink is arriving is being signed
 * (the log knows the pad is armed, the wall sees the strokes come in).
 */
function markPlace(mark, place, padId) {
  if (!mark || !place) return;
  let state = place.state || "waiting";
  let text = place.state_text || "";
  if (state === "armed" && pointsOf(padId).length) {
    state = "signing";
    text = t("padSigning");
  }
  mark.className = "cert-state is-" + state;
  if (mark.textContent !== text) {
    mark.textContent = text;
    sizeMark(mark);
  }
  mark.parentNode.setAttribute("data-state", state);
}

/** A new version of a certificate replaces the one on screen only once it has arrived whole. */
function setPicture(img, url) {
  if (typeof url === "string" && url.startsWith("/")) setImage(img, url);
}

// The stage's scale changes with the window: the canvases follow it at once (the layout does not move).
window.addEventListener("resize", () => requestAnimationFrame(refitCanvases));
