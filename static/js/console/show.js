/*
 * The run of show on the console: the agenda's cues, GO with its standby line, back, jump, the safe look
 * (panic) and the MC's line. Keyboard for a laptop operator: Space = GO, Esc = safe look and back,
 * Up/Down = move the standby. Everything it shows arrives in view.run_of_show; the server refuses a GO
 * that names a standby which has moved since, and the console takes no second GO within guard_ms, so a
 * double tap fires one cue.
 */
import { $, clear, el, setText } from "../common/dom.js";
import { setWordsText } from "../common/fit.js";
import { t } from "../common/words.js";
import { blockedBecause, lockFor, send } from "./commands.js";
import { nudge } from "./feedback.js";
import { cooling, ui } from "./model.js";

const nodes = {};
let lastGoAt = 0;
let dialogCue = null;

function show() {
  return ui.state && ui.state.run_of_show;
}

function makeCue(id) {
  const li = el("li", "cue");
  li.setAttribute("data-id", id);
  const button = el("button", "cue-btn");
  button.type = "button";
  const order = el("span", "cue-order");
  const kind = el("span", "cue-kind");
  const main = el("span", "cue-main");
  const title = el("span", "cue-title");
  const who = el("span", "cue-who");
  main.append(title, who);
  const when = el("span", "cue-when");
  const place = el("span", "cue-place");
  button.append(order, kind, main, when, place);
  li.appendChild(button);
  li._parts = { order, kind, title, who, when, place };
  return li;
}

export function renderShow() {
  const ros = show();
  const has = !!(ros && ros.cues.length);
  $("cuelist").hidden = !has;
  $("gocard").hidden = !has;
  $("standby").hidden = has;
  document.body.classList.toggle("has-cues", has);
  document.body.classList.toggle("is-panic", !!(ui.state && ui.state.cue && ui.state.cue.panic));
  if (!has) return;
  const list = $("cues");
  const seen = {};
  ros.cues.forEach((c, index) => {
    seen[c.id] = true;
    let li = nodes[c.id];
    if (!li) {
      li = makeCue(c.id);
      nodes[c.id] = li;
    }
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    const p = li._parts;
    setText(p.order, c.order);
    setText(p.kind, c.kind_label);
    p.kind.className = "cue-kind is-" + c.kind;
    setWordsText(p.title, c.title);
    const who = [c.person, c.role].filter(Boolean).join(" · ");
    setText(p.who, who || (c.amount ? c.amount.text : ""));
    setText(p.when, [c.planned_time, c.minutes ? t("cue_minutes", { n: c.minutes }) : ""].filter(Boolean).join(" · "));
    setText(p.place, c.place === "later" ? "" : c.place_text);
    li.setAttribute("data-place", c.place);
  });
  for (const id of Object.keys(nodes)) {
    if (!seen[id]) {
      nodes[id].remove();
      delete nodes[id];
    }
  }
  const current = ros.current;
  setText($("go-now-kind"), current ? current.kind_label : "");
  setWordsText($("go-now-title"), current ? current.title : t("cue_none"));
  const go = $("btn-go");
  const busy = !!ui.pending && ui.pending.kind === "go";
  go.classList.toggle("is-disabled", ros.go.blocked && !busy);
  go.classList.toggle("is-waiting", (!!ui.pending || cooling()) && !busy);
  go.classList.toggle("is-busy", busy);
  go.setAttribute("aria-disabled", ros.go.blocked ? "true" : "false");
  setText(go.querySelector(".cmd-label"), busy && ui.pending.phase !== "failed" ? t("go_sending") : t("go"));
  setWordsText($("go-line"), ros.go.line);
  const panic = !!ui.state.cue.panic;
  const panicBtn = $("btn-panic");
  panicBtn.classList.toggle("is-on", panic);
  setText(panicBtn, t(panic ? "unpanic" : "panic"));
  $("btn-back").disabled = !current || ros.cues[0].id === current.id;
  // The line the MC is reading now: up until the next cue or until the ✕ takes it down.
  const note = ros.note;
  $("note-up").hidden = !note;
  $("btn-note").classList.toggle("is-on", !!note);
  setText($("note-up-text"), note ? note.text : "");
  setText($("note-up-time"), note ? note.time : "");
}

/** Keep the running cue in sight in the list (after a GO, a jump, another console's change). */
export function scrollToCurrent() {
  const ros = show();
  const id = ros && ros.current ? ros.current.id : null;
  const li = id && nodes[id];
  const standby = ros && ros.standby ? nodes[ros.standby.id] : null;
  // (at once, not smoothly: the list must already show the running cue when the operator looks)
  if (standby && standby.scrollIntoView) standby.scrollIntoView({ block: "nearest" });
  if (li && li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
}

function pressGo() {
  const ros = show();
  if (!ros) return;
  // The guard against a double tap: no second GO this soon, whatever the network did with the first.
  if (Date.now() - lastGoAt < ros.guard_ms) return;
  if (ros.go.blocked) {
    nudge(ros.go.line, "warn");
    return;
  }
  const why = blockedBecause("go");
  if (why) {
    nudge(why);
    return;
  }
  lastGoAt = Date.now();
  const title = ros.standby ? ros.standby.heading : "";
  if (send("go", "go", { cue_id: ros.go.cue_id }, { cueTitle: title })) lockFor(ros.guard_ms);
}

function togglePanic() {
  const panic = ui.state && ui.state.cue && ui.state.cue.panic;
  send(panic ? "unpanic" : "panic", panic ? "unpanic" : "panic", {});
}

function moveStandby(step) {
  const ros = show();
  if (!ros || !ros.cues.length) return;
  const at = ros.cues.findIndex((c) => c.id === ros.go.cue_id);
  const here = ros.cues.findIndex((c) => ros.current && c.id === ros.current.id);
  const from = at >= 0 ? at : here;
  const to = Math.max(0, Math.min(ros.cues.length - 1, from + step));
  if (to === at) return;
  send("standby", "standby", { cue_id: ros.cues[to].id }, { cueTitle: ros.cues[to].heading });
}

function openCue(id) {
  const ros = show();
  const c = ros && ros.cues.find((q) => q.id === id);
  if (!c) return;
  dialogCue = c;
  setText($("cue-dlg-title"), t("jump_q", { cue: c.heading }));
  setText($("cue-dlg-facts"), [c.person, c.role, c.planned_time].filter(Boolean).join(" · "));
  $("cue-dialog").showModal();
}

function dialogOpen() {
  return !!document.querySelector("dialog[open]");
}

/** The note dialog's count against the field's limit (the server's), and what can be pressed: send with
 * something to send, clear while a note is up. */
function noteChanged() {
  const field = $("note-input");
  const max = Number(field.getAttribute("maxlength")) || 0;
  setText($("note-count"), t("note_count", { n: field.value.length, max }));
  $("note-count").classList.toggle("is-full", max > 0 && field.value.length >= max);
  $("note-send").disabled = !field.value.trim();
  $("note-clear").disabled = !(show() && show().note);
}

export function wireShow() {
  window.addEventListener("resize", scrollToCurrent);
  // The list's panel changes height without the window (a round's pads come up, a warning above): the
  // running cue and its standby are brought back into sight then too, while the list scrolls in its own
  // panel (upright without pads the column scrolls as one, and the operator's scroll is left alone).
  if (window.ResizeObserver) {
    new ResizeObserver(() => {
      if (getComputedStyle($("cues")).overflowY !== "visible") scrollToCurrent();
    }).observe($("cues"));
  }
  $("btn-go").addEventListener("click", pressGo);
  $("btn-panic").addEventListener("click", togglePanic);
  $("btn-back").addEventListener("click", () => send("back", "back", {}));
  $("cues").addEventListener("click", (e) => {
    const li = e.target.closest(".cue[data-id]");
    if (li) openCue(li.getAttribute("data-id"));
  });
  $("cue-dialog").addEventListener("close", () => {
    const c = dialogCue;
    dialogCue = null;
    const choice = $("cue-dialog").returnValue;
    if (!c) return;
    if (choice === "jump") send("jump", "jump", { cue_id: c.id }, { cueTitle: c.heading });
    else if (choice === "standby") send("standby", "standby", { cue_id: c.id }, { cueTitle: c.heading });
  });
  $("btn-note").addEventListener("click", () => {
    const note = show() && show().note;
    const field = $("note-input");
    field.value = note ? note.text : "";
    noteChanged();
    // (a browser that closes a dialog on Esc keeping its last answer would send the last note again)
    $("note-dialog").returnValue = "";
    $("note-dialog").showModal();
    // the field has the focus (a tablet's keyboard comes up), the caret after what is there
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  });
  $("note-up-clear").addEventListener("click", () => send("note", "note", { text: "" }));
  for (const preset of document.querySelectorAll(".note-preset")) {
    preset.addEventListener("click", () => {
      $("note-input").value = preset.textContent.trim();
      noteChanged();
    });
  }
  $("note-input").addEventListener("input", noteChanged);
  // The server keeps a note on one line (it folds line breaks into spaces), so Enter sends it. Without
  // this the form's first button (cancel) took Enter. Not while an input method composes: there Enter
  // picks the characters.
  $("note-input").addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    if (!$("note-send").disabled) $("note-dialog").querySelector("form").requestSubmit($("note-send"));
  });
  $("note-dialog").addEventListener("close", () => {
    const choice = $("note-dialog").returnValue;
    if (choice === "send") send("note", "note", { text: $("note-input").value });
    else if (choice === "clear") send("note", "note", { text: "" });
  });
  document.addEventListener("keydown", (e) => {
    if (!show() || !show().cues.length || dialogOpen()) return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " " && !(e.target.closest && e.target.closest("#btn-confirm"))) {
      e.preventDefault();
      if (!e.repeat) pressGo();
    } else if (e.key === "Escape") {
      e.preventDefault();
      if (!e.repeat) togglePanic();
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      if (!e.repeat) moveStandby(e.key === "ArrowUp" ? -1 : 1);
    }
  });
  // A focused button would take Space as its own click on keyup: Space is GO only.
  document.addEventListener("keyup", (e) => {
    if (e.key !== " " || !show() || !show().cues.length || dialogOpen()) return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable], #btn-confirm")) return;
    e.preventDefault();
  });
}
