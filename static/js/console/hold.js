/*
 * Press and hold Confirm: the signing fires only after HOLD_MS of holding, and only if nothing moved in
 * the meantime (the view's seq and the operator's target are what they were when the press began).
 * A finger sliding off, a lost focus or a hidden page cancels the hold.
 */
import { $, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { blockedBecause, send } from "./commands.js";
import { nudge } from "./feedback.js";
import { changed, selected, selectionId, ui } from "./model.js";
import { HOLD_MS } from "./timing.js";

const button = $("btn-confirm");

function start(via, pointerId) {
  if (ui.hold) return;
  const why = blockedBecause("confirm");
  if (why) {
    nudge(why);
    return;
  }
  const p = selected();
  ui.hold = {
    via,
    pointerId,
    seq: ui.state.seq,
    projectId: p.id,
    projectName: p.name,
    timer: setTimeout(done, HOLD_MS),
  };
  button.classList.add("is-holding");
  setText(button.querySelector(".cmd-sub"), t("confirm_holding"));
}

export function cancelHold(message, kind) {
  if (!ui.hold) return;
  clearTimeout(ui.hold.timer);
  ui.hold = null;
  button.classList.remove("is-holding");
  if (message) nudge(message, kind);
  changed();
}

function done() {
  const h = ui.hold;
  ui.hold = null;
  button.classList.remove("is-holding");
  if (!h) return;
  if (!ui.state || ui.state.seq !== h.seq || selectionId() !== h.projectId) {
    nudge(t("hold_cancel_changed"), "warn");
    changed();
    return;
  }
  // The round on the wall is signed at one moment: one entry, one celebration, one undo.
  const round = ui.state.run_of_show && ui.state.run_of_show.round;
  if (round && !ui.manualId && round.project_ids.includes(h.projectId)) {
    send("confirm", "confirm", { project_ids: round.project_ids, expected_seq: h.seq },
      { projectName: round.names, projectId: h.projectId });
    return;
  }
  send("confirm", "confirm", { project_id: h.projectId, expected_seq: h.seq }, { projectName: h.projectName });
}

function release() {
  if (ui.hold) cancelHold(t("hold_released"), "warn");
}

/** A new view arrived: a hold that began on another picture must not fire. */
export function checkHold() {
  if (ui.hold && (ui.hold.seq !== ui.state.seq || selectionId() !== ui.hold.projectId)) {
    cancelHold(t("hold_cancel_changed"), "warn");
  }
}

export function wireHold() {
  button.addEventListener("pointerdown", (e) => {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    start("pointer", e.pointerId);
  });
  button.addEventListener("pointerup", (e) => {
    if (ui.hold && ui.hold.via === "pointer" && ui.hold.pointerId === e.pointerId) release();
  });
  for (const type of ["pointercancel", "pointerleave"]) {
    button.addEventListener(type, (e) => {
      if (ui.hold && ui.hold.via === "pointer" && ui.hold.pointerId === e.pointerId) release();
    });
  }
  // Touch pointers are captured by the button, so no pointerleave: a finger sliding off cancels too.
  button.addEventListener("pointermove", (e) => {
    if (!ui.hold || ui.hold.via !== "pointer" || ui.hold.pointerId !== e.pointerId) return;
    const r = button.getBoundingClientRect();
    const m = 16;
    if (e.clientX < r.left - m || e.clientX > r.right + m || e.clientY < r.top - m || e.clientY > r.bottom + m) {
      release();
    }
  });
  button.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    if (e.repeat) return;
    start("key", null);
  });
  button.addEventListener("keyup", (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    if (ui.hold && ui.hold.via === "key") release();
  });
  button.addEventListener("blur", () => ui.hold && cancelHold());
  button.addEventListener("click", (e) => e.preventDefault());
  window.addEventListener("blur", () => ui.hold && cancelHold());
  document.addEventListener("visibilitychange", () => ui.hold && cancelHold());
}
