/*
 * The signing pads on the console: for the round on the wall, each signatory's pad as a chip with its
 * party and state, live; arming and disarming the round's pads, and letting a pad that has submitted sign
 * again (asked first). The commands go through commands.js like every other, with its command ids,
 * retries and refusals.
 *
 * The operator view carries each pad's state as the log has it (waiting, armed, submitted, signed). Whether
 * an armed pad is being written on is the server's knowledge of the strokes, not the log's: it is in
 * GET /api/v1/pads, asked every POLL_MS while a pad of the round is armed, and at once when ink arrives on
 * the console's socket.
 */
import { $, clear, el, flash, setText } from "../common/dom.js";
import { get } from "../common/http.js";
import { t } from "../common/words.js";
import { onRefused, send } from "./commands.js";
import { projectById, ui } from "./model.js";

const POLL_MS = 2000;
// A poll's "signing" counts only this long: past it the log's state stands alone.
const POLL_FRESH_MS = 3 * POLL_MS;
const nodes = { key: null, chips: {} };
// From GET /api/v1/pads: {pad_id: {state, state_text}} and when it was asked.
const drawing = { rows: {}, at: 0, busy: false, timer: 0 };
let reopenChoice = null; // the one pad the dialog asks about (several: the operator picks in it)

function viewPads() {
  const s = ui.state;
  return s && Array.isArray(s.pads) ? s.pads : [];
}

/** The projects whose pads the console shows, as the server chose them (the wall's signing, else its spotlight). */
function focusIds() {
  const s = ui.state;
  return s && Array.isArray(s.pads_focus) ? s.pads_focus : [];
}

/** A pad as the chip shows it: the log's state, or "signing" while the server sees strokes come in. */
function shown(pad) {
  const seen = drawing.rows[pad.id];
  const fresh = Date.now() - drawing.at < POLL_FRESH_MS;
  if (pad.state === "armed" && fresh && seen && seen.state === "signing") {
    return { state: "signing", text: seen.state_text || pad.state_text };
  }
  return { state: pad.state, text: pad.state_text };
}

function groups() {
  const ids = focusIds();
  const pads = viewPads();
  return ids
    .map((id) => ({ project: projectById(id), pads: pads.filter((d) => d.project_id === id) }))
    .filter((g) => g.project && g.pads.length);
}

export function renderPads() {
  const panel = $("pads");
  if (!panel) return;
  const list = groups();
  panel.hidden = !list.length;
  document.body.classList.toggle("has-pads", list.length > 0);
  schedulePoll(list);
  if (!list.length) {
    nodes.key = null;
    return;
  }
  const all = list.flatMap((g) => g.pads);
  const states = all.map((d) => shown(d).state);
  const done = states.filter((st) => st === "submitted" || st === "signed").length;
  setText($("pads-count"), t("pads_count", { n: done, m: all.length }));
  const rules = ui.state.signature_rules || {};
  const note = rules.required ? t("pads_required") : rules.sign_on_submit ? t("pads_on_submit") : "";
  setText($("pads-note"), note);
  $("pads-note").hidden = !note;

  // (nothing to arm once every pad is armed or further, nothing to stop while none is armed, nobody to
  // let sign again before a signature is in)
  tool($("pads-arm"), "pads-arm", "pads_arm", !states.includes("waiting"));
  tool($("pads-disarm"), "pads-disarm", "pads_disarm", !states.some((st) => st === "armed" || st === "signing"));
  tool($("pads-reopen"), "pads-reopen", "pads_reopen", !states.includes("submitted"));

  const rows = list.map((g) => [g.project.id, g.project.order, g.pads.map((d) => {
    const s = shown(d);
    return [d.id, d.name, d.party_text, d.remote_place || "", s.state, s.text];
  })]);
  const key = JSON.stringify([rows, document.documentElement.lang]);
  if (key === nodes.key) return;
  nodes.key = key;
  const box = $("pads-list");
  clear(box);
  nodes.chips = {};
  for (const g of list) {
    const row = el("li", "pads-row");
    row.setAttribute("data-project", g.project.id);
    row.appendChild(el("span", "pads-order", g.project.order));
    const chips = el("div", "pads-chips");
    for (const pad of g.pads) {
      const s = shown(pad);
      const chip = el("div", "pad-chip is-" + s.state);
      chip.setAttribute("data-id", pad.id);
      chip.setAttribute("data-state", s.state);
      // (the round's chips are one grid: each carries its project's number)
      chip.appendChild(el("span", "pad-order", g.project.order));
      const who = el("span", "pad-who");
      who.appendChild(el("b", "pad-name", pad.name));
      const party = el("span", "pad-party", pad.party_text);
      who.appendChild(party);
      // (the chip says "remote" in a word; its place is in the chip's title with the full state)
      if (pad.remote_place) who.appendChild(el("span", "pad-remote", t("pad_chip_remote")));
      chip.appendChild(who);
      chip.appendChild(el("span", "pad-state", t("pad_chip_" + s.state)));
      const place = pad.remote_place ? t("pad_remote", { place: pad.remote_place }) : "";
      chip.title = [pad.name, pad.party_text, place, s.text].filter(Boolean).join(" · ");
      chips.appendChild(chip);
      nodes.chips[pad.id] = chip;
    }
    row.appendChild(chips);
    box.appendChild(row);
  }
}

/** One of the panel's buttons: its word, or "sending" while its command is on its way. */
function tool(button, kind, word, pointless) {
  const busy = !!ui.pending && ui.pending.kind === kind;
  button.disabled = pointless && !busy;
  button.classList.toggle("is-busy", busy);
  setText(button, busy && ui.pending.phase !== "failed" ? t("sending") : t(word));
}

// ---------------------------------------------------------------- "signing", from the server's strokes

function schedulePoll(list) {
  const watching = list.some((g) => g.pads.some((d) => d.state === "armed"));
  if (!watching) {
    clearTimeout(drawing.timer);
    drawing.timer = 0;
    return;
  }
  if (!drawing.timer && !drawing.busy) drawing.timer = setTimeout(poll, drawing.at ? POLL_MS : 0);
}

function poll() {
  drawing.timer = 0;
  drawing.busy = true;
  get("/api/v1/pads", { timeout: 4000 }).then(
    (res) => {
      drawing.busy = false;
      if (res.status === 200 && Array.isArray(res.data)) {
        const rows = {};
        for (const d of res.data) if (d && d.id) rows[d.id] = { state: d.state, state_text: d.state_text };
        drawing.rows = rows;
        drawing.at = Date.now();
      }
      renderPads();
    },
    () => {
      drawing.busy = false;
      renderPads();
    }
  );
}

/** Ink seen on the console's own socket (should the server send it there): ask at once. */
function inkSeen() {
  if (drawing.busy) return;
  clearTimeout(drawing.timer);
  drawing.timer = setTimeout(poll, 150);
}

// ---------------------------------------------------------------- the buttons

/** The focused projects' names, listed by the server in the event's language. */
function focusNames() {
  const s = ui.state;
  return (s && s.pads_focus_names) || "";
}

function padById(id) {
  return viewPads().find((d) => d.id === id) || null;
}

export function wirePads() {
  $("pads-arm").addEventListener("click", () => {
    const ids = focusIds();
    if (ids.length) send("pads-arm", "arm", { project_ids: ids }, { projectName: focusNames() });
  });
  $("pads-disarm").addEventListener("click", () => {
    const ids = focusIds();
    if (ids.length) send("pads-disarm", "disarm", { project_ids: ids }, { projectName: focusNames() });
  });
  $("pads-reopen").addEventListener("click", () => {
    // Letting a signatory sign again sets their signature aside: the console asks first, naming them.
    const submitted = groups().flatMap((g) => g.pads).filter((d) => d.state === "submitted");
    if (!submitted.length) return;
    reopenChoice = submitted.length === 1 ? submitted[0] : null;
    const choices = $("reopen-choices");
    clear(choices);
    if (reopenChoice) {
      setText($("reopen-question"), t("reopen_q", { name: reopenChoice.name }));
    } else {
      setText($("reopen-question"), t("reopen_which"));
      for (const pad of submitted) {
        const choice = el("button", "dlg-btn reopen-choice");
        choice.type = "submit";
        choice.value = "pad:" + pad.id;
        choice.appendChild(el("b", null, pad.name));
        choice.appendChild(el("span", "reopen-choice-sub", (projectById(pad.project_id) || {}).name || ""));
        choices.appendChild(choice);
      }
    }
    choices.hidden = !!reopenChoice;
    $("reopen-ok").hidden = !reopenChoice;
    $("reopen-dialog").showModal();
  });
  $("reopen-dialog").addEventListener("close", () => {
    const answer = $("reopen-dialog").returnValue || "";
    const pad = answer === "reopen" ? reopenChoice : answer.startsWith("pad:") ? padById(answer.slice(4)) : null;
    reopenChoice = null;
    if (pad) send("pads-reopen", "reopen", { pad_id: pad.id }, { projectName: pad.name, projectId: pad.project_id });
  });
  // A confirm refused for missing signatures: the server's words are in the status line; the chips
  // still waiting for a signature flash, where the operator looks next.
  onRefused((data) => {
    if (!data || data.reason !== "signatures_missing") return;
    for (const pad of viewPads()) {
      const chip = nodes.chips[pad.id];
      if (chip && !["submitted", "signed"].includes(pad.state)) flash(chip);
    }
  });
}

/** The console's socket: should the server send it the ink too, a pad's first stroke shows at once. */
export function listenPads(socket) {
  if (socket) socket.on("ink", inkSeen);
}

/** For tests: the chips as the operator sees them. */
export function padChips() {
  return Object.entries(nodes.chips).map(([id, chip]) => ({ id, state: chip.getAttribute("data-state") }));
}
