/*
 * Sending the ceremony's commands, safely under stress and on stage-side Wi-Fi.
 *
 *  - One command at a time. A command is retried with the SAME command_id on network errors and
 *    timeouts (the server answers a repeated id with its first answer and changes nothing), for up to
 *    GIVE_UP_MS; then it waits for the operator: Retry (same id again) or Give up.
 *  - After any command the command buttons do not fire for MIN_INTERVAL_MS (a double tap fires once),
 *    and for SETTLE_MS after the operator's selection moved under their finger.
 *  - Nothing is marked done before the server acknowledged it; its answer carries the new view.
 */
import { request } from "../common/http.js";
import { t } from "../common/words.js";
import { nudge, outcome, toast } from "./feedback.js";
import { changed, cooling, projectById, rowFacts, screenLabel, selected, ui } from "./model.js";
import { ATTEMPT_TIMEOUT_MS, BACKOFF_MS, GIVE_UP_MS, MIN_INTERVAL_MS, SETTLE_MS } from "./timing.js";

// The commands whose answer the console words as its own (the cues' and the pads' name the device).
const SIGNING = ["announce", "confirm", "undo", "show"];
let lockTimer = null;
let adopt = () => {};
const refusalListeners = [];

/** The console's entry point for every view that arrives (socket, HTTP or a command's answer). */
export function setAdopt(fn) {
  adopt = fn;
}

/** Told of every refusal's answer (reason, message, params), after the status line has said it. */
export function onRefused(fn) {
  refusalListeners.push(fn);
}


export function lockFor(ms) {
  ui.lockUntil = Math.max(ui.lockUntil, Date.now() + ms);
  clearTimeout(lockTimer);
  lockTimer = setTimeout(changed, ui.lockUntil - Date.now() + 20);
}

/** Why a command cannot fire now (words for the operator), or "" when it can. */
// A viewer's tablet (the stage manager's) sees everything and presses nothing; the server refuses too.
const readOnly = document.body.classList.contains("is-readonly");
// A copy the service worker kept, shown while the server cannot be reached: it carries no live session.
const keptCopy = document.body.getAttribute("data-kept") === "1";

export function blockedBecause(kind) {
  if (keptCopy) return t("kept_nudge");
  if (readOnly) return t("readonly_nudge");
  if (!ui.state) return t("reason_loading");
  if (ui.pending) return ui.pending.phase === "failed" ? t("reason_failed_cmd") : t("reason_pending_cmd");
  const p = selected();
  if (kind === "announce" || kind === "confirm") {
    if (!p) return t("none_selected");
    const facts = rowFacts(p.id);
    if (!facts.can_sign) return facts.hint;
  }
  if (kind === "undo" && !ui.state.console.undo) return t("reason_nothing_to_undo");
  if (kind === "go" && ui.state.run_of_show && ui.state.run_of_show.go.blocked) return ui.state.run_of_show.go.line;
  if (kind === "reshow" && (!p || p.status !== "signed")) return t("none_selected");
  if (cooling()) return t("reason_cooldown");
  return "";
}

function describe(action, fields, name, meta) {
  if (["go", "jump", "standby"].includes(action)) return t("act_" + action, { cue: meta.cueTitle || "" });
  if (["back", "panic", "unpanic", "note"].includes(action)) return t("act_" + action);
  if (action === "confirm" && fields.project_ids) return t("act_confirm_round", { name });
  if (action === "arm" || action === "disarm" || action === "reopen") return t("act_" + action, { name });
  if (action === "announce") return t("act_announce", { name });
  if (action === "confirm") return t("act_confirm", { name });
  if (action === "undo") return name ? t("act_undo", { name }) : t("act_undo_latest");
  if (fields.project_id) return t("act_reshow", { name });
  return t("act_show", { screen: screenLabel(fields.screen) });
}

/** A command id without crypto.randomUUID (missing on plain-http LAN addresses). */
function newCommandId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += (b < 16 ? "0" : "") + b.toString(16);
  return "console-" + Date.now().toString(36) + "-" + hex;
}

/**
 * Send a command. ``kind`` names the button that shows it as pending; ``fields`` go into the body as they
 * are. The command id is made here, once: every retry of this command sends the same one.
 */
export function send(kind, action, fields, meta = {}) {
  const why = blockedBecause(kind);
  if (why) {
    nudge(why);
    return false;
  }
  const body = { command_id: newCommandId(), action };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) body[k] = v;
  const name = meta.projectName || (projectById(fields.project_id) || {}).name || "";
  ui.pending = {
    kind,
    body,
    what: describe(action, fields, name, meta),
    projectId: meta.projectId || fields.project_id || null,
    projectName: name,
    startedAt: Date.now(),
    attempts: 0,
    phase: "sending",
    timer: null,
  };
  lockFor(MIN_INTERVAL_MS);
  attempt(ui.pending);
  changed();
  return true;
}

function attempt(p) {
  if (ui.pending !== p) return;
  p.attempts += 1;
  p.phase = "sending";
  changed();
  request("POST", "/api/v1/commands", p.body, {
    timeout: ATTEMPT_TIMEOUT_MS,
    // Header values must be Latin-1: a Chinese device name travels percent-encoded.
    headers: { "X-Kiosk-Device": encodeURIComponent(ui.deviceName || t("device_default")) },
  }).then(
    (res) => {
      if (ui.pending === p) answered(p, res);
    },
    () => {
      if (ui.pending === p) retryLater(p);
    }
  );
}

function retryLater(p) {
  const elapsed = Date.now() - p.startedAt;
  if (elapsed >= GIVE_UP_MS) {
    p.phase = "failed";
    toast(t("st_failed", { what: p.what }), "error", 8000);
    changed();
    return;
  }
  let delay = BACKOFF_MS[Math.min(p.attempts - 1, BACKOFF_MS.length - 1)];
  delay = Math.max(0, Math.min(delay, GIVE_UP_MS - elapsed));
  p.phase = "waiting";
  p.timer = setTimeout(() => attempt(p), delay);
  changed();
}

function finish(kind, text) {
  ui.pending = null;
  outcome(kind, text);
}

function okText(p, data) {
  // The server's own sentence for the change it just made (the one every console's status line shows);
  // a signing command is this console's own doing, so it reads without the device's name.
  const said = data.state && data.state.console && data.state.console.last_change;
  const text = said && said.seq === data.seq && (SIGNING.includes(p.body.action) ? said.what : said.text);
  return text || t("st_done", { what: p.what });
}

function answered(p, res) {
  const data = res.data;
  // A captive portal, a proxy page, a server restarting: no answer from the ceremony, so not an answer.
  if (res.status >= 500 || (res.status === 200 && (!data || data.status !== "ok"))) {
    retryLater(p);
    return;
  }
  if (res.status === 200) {
    const text = okText(p, data);
    finish("ok", text);
    // What this console last did, by the log's seq: a later change from another console shows over it.
    if (ui.lastOutcome && typeof data.seq === "number") ui.lastOutcome.seq = data.seq;
    if (p.body.action !== "show") ui.manualId = null; // after a step of the ceremony, follow the order again
    // The answer carries the operator view (a repeated one, after a lost answer, the view of that moment:
    // adopt() keeps whichever is newer).
    if (data.state && data.state.console) adopt(data.state);
    else if (ui.live) ui.live.refresh();
    toast(text, "ok", 2500);
    changed();
    return;
  }
  if (res.status === 409) {
    finish("warn", t("conflict"));
    if (data && data.state && data.state.console) adopt(data.state);
    else if (ui.live) ui.live.refresh();
    lockFor(SETTLE_MS);
    toast(t("conflict"), "warn", 6000);
    changed();
    return;
  }
  if (res.status === 401) {
    finish("error", t("session_lost"));
    toast(t("session_lost"), "error", 5000);
    changed();
    setTimeout(() => window.location.replace("/control"), 1200);
    return;
  }
  if (res.status === 403 && !(data && data.reason === "csrf")) {
    // A right this device's role lacks (the server says which): no reload would change that.
    const message = (data && data.message) || t("server_error", { code: res.status });
    finish("error", t("rejected", { message }));
    toast(t("rejected", { message }), "error", 6000);
    changed();
    return;
  }
  if (res.status === 403) {
    finish("error", t("csrf_lost"));
    toast(t("csrf_lost"), "error", 5000);
    changed();
    setTimeout(() => window.location.reload(), 1200);
    return;
  }
  const message = (data && data.message) || t("server_error", { code: res.status });
  finish("error", t("rejected", { message }));
  // Refused against the ceremony at this seq: once it moves on, the reason may be gone, and so is the line.
  ui.lastOutcome.refusedAt = data && typeof data.seq === "number" ? data.seq : ui.state ? ui.state.seq : 0;
  toast(t("rejected", { message }), "error", 6000);
  if (ui.live) ui.live.refresh();
  changed();
  for (const fn of refusalListeners) fn(data, p);
}

export function retryFailed() {
  const p = ui.pending;
  if (!p || p.phase !== "failed") return;
  p.startedAt = Date.now();
  p.attempts = 0;
  attempt(p);
}

export function abandonFailed() {
  const p = ui.pending;
  if (!p || p.phase !== "failed") return;
  clearTimeout(p.timer);
  finish("warn", t("st_abandoned", { what: p.what }));
  toast(t("st_abandoned", { what: p.what }), "warn", 6000);
  lockFor(MIN_INTERVAL_MS);
  if (ui.live) ui.live.refresh();
  changed();
}

