/*
 * Drawing the console from the operator view: the running order, what the wall shows, the operator's
 * target and its buttons, the standby line, undo, the screen buttons, the walls' status and the status
 * line. It only draws: every figure, hint and "what comes next" arrives written in the view.
 */
import { $, clear, el, setText } from "../common/dom.js";
import { venue, venueClock } from "../common/clock.js";
import { setWordsText } from "../common/fit.js";
import { t } from "../common/words.js";
import { cooling, projectById, rowFacts, screenLabel, selected, selectionId, ui } from "./model.js";
import { renderPads } from "./pads.js";
import { WALL_GRACE_MS } from "./timing.js";

export function render() {
  renderMode();
  renderHeader();
  renderRows();
  renderOnAir();
  renderTarget();
  renderStandby();
  renderUndo();
  renderPads();
  renderScreens();
  renderStatus();
  document.body.classList.toggle("is-cooling", cooling());
  document.body.classList.toggle("has-pending", !!ui.pending);
}

/** Rehearsal: an amber band and frame on the console. The big screen never shows it. */
function renderMode() {
  const rehearsal = !!ui.state && ui.state.mode === "rehearsal";
  document.body.classList.toggle("is-rehearsal", rehearsal);
  $("rehearsal-band").hidden = !rehearsal;
  // Stand-in names still in the running order (the server found them and wrote the sentence).
  const stand = ui.state && ui.state.console.placeholders;
  // And, when the screens are English, what they would still show in Chinese (the server counts it).
  const missing = ui.state && ui.state.missing_english;
  const lines = [stand && stand.text, missing && missing.on_screens && missing.text].filter(Boolean);
  $("data-warning").hidden = !lines.length;
  setText($("data-warning-text"), lines.join(" · "));
}

export function renderHeader() {
  document.body.setAttribute("data-conn", ui.conn);
  setText($("conn-label"), t("conn_" + ui.conn));
  let detail;
  if (ui.conn === "live") detail = t("conn_detail_live");
  else if (ui.stateAt) detail = t("conn_detail_lost", { time: venueClock(ui.stateAt + venue.skew) });
  else detail = t("conn_detail_never");
  setText($("conn-detail"), detail);
  setText($("device-name"), ui.deviceName || t("device_default"));
  renderWalls();
}

export function wallInfo(w) {
  if (ui.conn !== "live" || !ui.state) return { cls: "unknown", text: t("wall_unknown") };
  if (typeof w.seq !== "number") return { cls: "behind", text: t("wall_waiting") };
  if (w.seq >= ui.state.seq) return { cls: "synced", text: t("wall_synced") };
  if (Date.now() - ui.seqChangedAt < WALL_GRACE_MS) return { cls: "syncing", text: t("wall_syncing") };
  return { cls: "behind", text: t("wall_behind", { n: ui.state.seq - w.seq }) };
}

export function renderWalls() {
  const box = $("walls-list");
  const parts = [];
  if (!ui.walls.length) {
    const live = ui.conn === "live";
    parts.push({ cls: live ? "none" : "unknown", name: live ? t("wall_none") : t("wall_unknown"), text: "" });
  } else {
    // Every paired screen with its own light: a third wall that lags must not hide behind a grey count.
    for (const w of ui.walls) {
      const info = wallInfo(w);
      parts.push({ cls: info.cls, name: w.name, text: info.text, title: w.addr || "", id: w.id });
    }
  }
  const key = JSON.stringify(parts);
  if (box.getAttribute("data-key") === key) return;
  box.setAttribute("data-key", key);
  clear(box);
  box.classList.toggle("is-many", parts.length > 2);
  let worst = "synced";
  for (const part of parts) {
    const chip = el("div", "wall is-" + part.cls);
    if (part.id !== undefined) chip.setAttribute("data-id", String(part.id));
    if (part.title) chip.title = part.title;
    chip.appendChild(el("span", "wall-dot"));
    chip.appendChild(el("span", "wall-name", part.name));
    if (part.text) chip.appendChild(el("span", "wall-state", part.text));
    box.appendChild(chip);
    if (part.cls === "none") worst = "none";
    else if ((part.cls === "behind" || part.cls === "unknown") && worst !== "none") worst = part.cls;
  }
  $("walls").setAttribute("data-worst", worst);
}

export const rowNodes = {};

function makeRow(id) {
  const li = el("li", "row");
  li.setAttribute("data-id", id);
  const button = el("button", "row-btn");
  button.type = "button";
  const order = el("span", "row-order");
  const main = el("span", "row-main");
  const name = el("span", "row-name");
  const sub = el("span", "row-sub");
  const tags = el("span", "row-tags");
  const investor = el("span", "row-investor");
  sub.append(tags, investor);
  main.append(name, sub);
  const amount = el("span", "row-amount");
  const amountNum = el("b", "row-amount-num");
  const amountUnit = el("small", "row-amount-unit");
  amount.append(amountNum, amountUnit);
  const status = el("span", "row-status");
  const chip = el("span", "chip");
  const time = el("span", "row-time");
  status.append(chip, time);
  button.append(order, main, amount, status);
  li.appendChild(button);
  li._parts = { button, order, name, tags, investor, amountNum, amountUnit, chip, time, tagKey: null };
  return li;
}

/** A figure's number and unit as drawn in a row: "52" and its unit, or "CNY 5.2" "billion". */
function figureParts(figure) {
  return [(figure.prefix ? figure.prefix + " " : "") + figure.value, figure.unit];
}

function renderRows() {
  const list = $("rows");
  const s = ui.state;
  if (!s) {
    if (!list.firstChild) list.appendChild(el("li", "rows-empty", t("loading")));
    return;
  }
  const empty = list.querySelector(".rows-empty");
  if (empty) list.removeChild(empty);
  if (!s.projects.length) list.appendChild(el("li", "rows-empty", s.console.idle_hint));
  const sel = selectionId();
  const seen = {};
  s.projects.forEach((p, index) => {
    seen[p.id] = true;
    let li = rowNodes[p.id];
    if (!li) {
      li = makeRow(p.id);
      rowNodes[p.id] = li;
    }
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    const parts = li._parts;
    const facts = rowFacts(p.id);
    const [num, unit] = figureParts(p.amount);
    setText(parts.order, p.order);
    setWordsText(parts.name, p.name);
    setText(parts.investor, p.investor);
    setText(parts.amountNum, num);
    setText(parts.amountUnit, unit);
    setText(parts.chip, p.status_text);
    parts.chip.className = "chip is-" + p.status;
    setText(parts.time, p.signed_time);
    li.setAttribute("data-status", p.status);
    li.classList.toggle("is-selected", p.id === sel);
    const isNext = s.next_id === p.id;
    const sending = ui.pending && ui.pending.projectId === p.id;
    li.classList.toggle("is-onair", facts.on_air);
    li.classList.toggle("is-sending", !!sending);
    parts.button.setAttribute("aria-pressed", p.id === sel ? "true" : "false");
    const tagKey = [facts.on_air, isNext, sending ? ui.pending.phase : "", document.documentElement.lang].join("|");
    if (parts.tagKey !== tagKey) {
      parts.tagKey = tagKey;
      clear(parts.tags);
      if (sending) {
        const failed = ui.pending.phase === "failed";
        const tag = el("span", "tag is-sending" + (failed ? " is-failed" : ""));
        if (!failed) tag.appendChild(el("span", "spinner"));
        tag.appendChild(el("span", null, failed ? t("retry") + "?" : t("tag_sending")));
        parts.tags.appendChild(tag);
      }
      if (facts.on_air) parts.tags.appendChild(el("span", "tag is-onair", t("tag_onair")));
      if (isNext) parts.tags.appendChild(el("span", "tag is-next", t("tag_next")));
    }
  });
  for (const id of Object.keys(rowNodes)) {
    if (!seen[id]) {
      rowNodes[id].remove();
      delete rowNodes[id];
    }
  }
  const progress = $("progress");
  clear(progress);
  progress.appendChild(el("b", null, s.console.progress));
  progress.appendChild(el("span", "progress-of", s.console.planned));
}

function renderOnAir() {
  const card = $("onair");
  const s = ui.state;
  if (!s) return;
  // The server's line from what the main wall reports drawing, for the view on this console; until it
  // comes for this view, the view's own: what was sent, not yet confirmed.
  const told = ui.onAir;
  const air = told && told.seq === s.seq && told.log_id === s.log_id ? told : s.console.on_air;
  card.setAttribute("data-screen", air.screen);
  card.setAttribute("data-status", air.status);
  card.setAttribute("data-confirmed", air.confirmed ? "true" : "false");
  setText($("onair-screen"), air.label);
  setWordsText($("onair-project"), air.title);
  setText($("onair-note"), air.note);
}

function setCmdState(button, disabled, waiting, busy) {
  button.disabled = !!disabled;
  button.classList.toggle("is-waiting", !!waiting && !disabled && !busy);
  button.classList.toggle("is-busy", !!busy);
  button.classList.toggle("is-failed", !!busy && !!ui.pending && ui.pending.phase === "failed");
  button.setAttribute("aria-busy", busy ? "true" : "false");
}

function setBusyLabel(button, busy, normal) {
  const label = button.querySelector(".cmd-label");
  let spinner = button.querySelector(".spinner");
  const failed = ui.pending && ui.pending.phase === "failed";
  if (busy && !failed) {
    if (!spinner) {
      spinner = el("span", "spinner");
      button.insertBefore(spinner, label);
    }
    setText(label, t("sending"));
  } else {
    if (spinner) spinner.remove();
    setText(label, normal);
  }
}

function renderTarget() {
  const s = ui.state;
  const p = selected();
  const card = $("target");
  const manual = !!(ui.manualId && projectById(ui.manualId));
  setText($("target-mode"), s ? (manual ? t("mode_manual") : t("mode_auto")) : "");
  $("target-mode").className = "target-mode" + (manual ? " is-manual" : "");
  $("follow-btn").hidden = !manual;
  card.setAttribute("data-status", p ? p.status : "none");
  card.classList.remove("is-round");

  const chip = $("target-chip");
  let reason = "";
  let reshow = false;
  let wait = null;
  if (!s) {
    setText($("target-order"), "");
    setText($("target-name"), t("loading"));
    setText($("target-meta"), "");
    chip.className = "chip";
    setText(chip, "");
    reason = t("reason_loading");
  } else if (!p) {
    setText($("target-order"), "");
    setText($("target-name"), s.projects.length ? t("next_none") : t("no_projects"));
    setText($("target-meta"), "");
    chip.className = "chip";
    setText(chip, "");
    reason = s.console.idle_hint;
  } else {
    const facts = rowFacts(p.id);
    const round = s.run_of_show && s.run_of_show.round;
    setText($("target-order"), p.order);
    const isRound = !!round && !ui.manualId && round.project_ids.includes(p.id);
    card.classList.toggle("is-round", isRound);
    if (isRound) {
      // A round on the wall: Confirm signs all of it at one moment.
      setText($("target-name"), round.names);
      setText($("target-meta"), t("round_target", { count: round.project_ids.length, amount: round.amount.text }));
    } else {
      setText($("target-name"), p.name);
      setText($("target-meta"), p.investor + " · " + p.amount.text);
    }
    chip.className = "chip is-" + p.status;
    setText(chip, p.status_text + (p.signed_time ? " " + p.signed_time : ""));
    reason = facts.hint;
    reshow = facts.can_reshow;
    // What the hold would wait for (signatures 3/5), said by the server before the press.
    wait = (isRound ? round.confirm_wait : facts.confirm_wait) || null;
  }
  if (ui.pending && ui.pending.phase === "failed") reason = t("reason_failed_cmd");
  setText($("reason-text"), reason);
  $("btn-reshow").hidden = !reshow;
  $("btn-card").hidden = !p;

  const cannot = !s || !p || !rowFacts(p.id).can_sign;
  const waiting = !!ui.pending || cooling();
  const ann = $("btn-announce");
  const announceBusy = !!ui.pending && ui.pending.kind === "announce";
  setCmdState(ann, cannot && !announceBusy, waiting, announceBusy);
  setBusyLabel(ann, announceBusy, t("announce"));
  setText(ann.querySelector(".cmd-sub"), t(p && p.status === "announced" ? "announce_again" : "announce_sub"));

  const confirm = $("btn-confirm");
  const confirmBusy = !!ui.pending && ui.pending.kind === "confirm";
  setCmdState(confirm, cannot && !confirmBusy, waiting, confirmBusy);
  setBusyLabel(confirm, confirmBusy, t("confirm"));
  // No paired main wall (or totem) current: the signing is still recorded, but the room would not see it.
  // Say so on the button itself, where the thumb is. A side or lobby screen does not show the signing.
  const showsSigning = (w) => !["side", "lobby"].includes(w.drawn_layout || w.layout);
  const unseen = !!s && !ui.walls.some((w) => showsSigning(w) && ["synced", "syncing"].includes(wallInfo(w).cls));
  // Not ready: it looks disabled and says what it waits for. A hold still reaches the server, whose
  // refusal names the missing signatures and flashes their chips.
  confirm.classList.toggle("is-unready", !!wait && !confirmBusy);
  confirm.classList.toggle("is-unseen", unseen && !wait);
  if (!ui.hold) {
    setText(confirm.querySelector(".cmd-sub"), wait ? wait.text : t(unseen ? "confirm_no_wall" : "confirm_sub"));
  }

  const reshowBtn = $("btn-reshow");
  const reshowBusy = !!ui.pending && ui.pending.kind === "reshow";
  reshowBtn.classList.toggle("is-busy", reshowBusy);
  reshowBtn.classList.toggle("is-waiting", waiting && !reshowBusy);
  setText(reshowBtn, reshowBusy && ui.pending.phase !== "failed" ? t("sending") : t("reshow"));
}

function renderStandby() {
  // "Next" is the server's next_id; when that is already the selected project, show what follows it.
  const s = ui.state;
  const sel = selected();
  let next = s ? projectById(s.next_id) : null;
  let label = "next";
  if (next && sel && next.id === sel.id) {
    next = projectById(rowFacts(sel.id).following_id);
    label = "after";
  }
  setText($("standby-label"), t(label));
  setText($("standby-order"), next ? next.order : "");
  const none = label === "after" ? t("after_none") : t("next_none");
  setText($("standby-name"), next ? next.name : s ? none : "—");
  $("standby").classList.toggle("is-empty", !next);
}

function renderUndo() {
  const button = $("btn-undo");
  const undo = ui.state ? ui.state.console.undo : null;
  const busy = !!ui.pending && ui.pending.kind === "undo";
  setCmdState(button, !undo && !busy, !!ui.pending || cooling(), busy);
  setBusyLabel(button, busy, t("undo"));
  setText($("undo-sub"), undo ? t("undo_sub", { name: undo.name }) : t("undo_none"));
}

function renderScreens() {
  const waiting = !!ui.pending || cooling();
  for (const button of document.querySelectorAll(".scr[data-screen]")) {
    const screen = button.getAttribute("data-screen");
    const current = !!ui.state && ui.state.screen === screen;
    const busy = !!ui.pending && ui.pending.kind === "show:" + screen;
    const armed = ui.armed === screen;
    button.classList.toggle("is-current", current);
    button.classList.toggle("is-armed", armed);
    button.setAttribute("aria-pressed", current ? "true" : "false");
    setCmdState(button, !ui.state, waiting && !current, busy);
    setBusyLabel(button, busy, armed ? t("arm", { screen: screenLabel(screen) }) : screenLabel(screen));
  }
}

/** A refusal said about a state the ceremony has since left: it may no longer be true, so it is not said. */
function refusalExpired() {
  const o = ui.lastOutcome;
  return !!o && typeof o.refusedAt === "number" && !!ui.state && ui.state.seq > o.refusedAt;
}

function newerElsewhere() {
  const change = ui.state && ui.state.console.last_change;
  if (!change) return false;
  if (!ui.lastOutcome) return false; // a fresh console says "ready"; the on-air card shows the wall
  if (refusalExpired()) return change.seq > ui.lastOutcome.refusedAt;
  return typeof ui.lastOutcome.seq === "number" ? change.seq > ui.lastOutcome.seq : ui.lastOutcome.kind === "ok";
}

export function renderStatus() {
  const line = $("statusline");
  let text;
  let kind = "idle";
  let time = "";
  const p = ui.pending;
  const failed = !!p && p.phase === "failed";
  if (p && !failed) {
    kind = "pending";
    text = t("st_sending", { what: p.what });
    time = t("st_attempt", { n: p.attempts, s: Math.floor((Date.now() - p.startedAt) / 1000) });
  } else if (failed) {
    kind = "failed";
    text = t("st_failed", { what: p.what });
  } else if (newerElsewhere()) {
    // Another console (or the AV desk) changed the ceremony after this one last did: say that, not ours.
    const change = ui.state.console.last_change;
    kind = "info";
    text = change.text;
    time = change.time;
  } else if (ui.lastOutcome && !refusalExpired()) {
    kind = ui.lastOutcome.kind;
    text = ui.lastOutcome.text;
    time = venueClock(ui.lastOutcome.at.getTime() + venue.skew);
  } else {
    text = t("st_ready");
  }
  line.setAttribute("data-kind", kind);
  setText($("status-text"), text);
  setText($("status-time"), time);
  $("btn-retry").hidden = !failed;
  $("btn-abandon").hidden = !failed;
}
