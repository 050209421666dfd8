/* Telling the operator what happened: a line in the status bar, and toasts. */
import { $ } from "../common/dom.js";
import { toast as show } from "../common/toast.js";
import { NUDGE_MS } from "./timing.js";
import { changed, ui } from "./model.js";

let nudgeTimer = null;

/** A short answer to a tap that did nothing (why not), in the status line. */
export function nudge(text, kind) {
  ui.lastOutcome = { kind: kind || "info", text, at: new Date(), transient: true };
  changed();
  clearTimeout(nudgeTimer);
  nudgeTimer = setTimeout(() => {
    if (ui.lastOutcome && ui.lastOutcome.transient) ui.lastOutcome = null;
    changed();
  }, NUDGE_MS);
}

export function toast(text, kind, ms) {
  // Below the header and every warning banner (QR codes, stand-in names): a toast never covers a warning.
  const main = document.querySelector(".main");
  if (main) $("toasts").style.top = Math.round(main.getBoundingClientRect().top + 8) + "px";
  show($("toasts"), text, kind, ms);
}

export function outcome(kind, text) {
  ui.lastOutcome = { kind, text, at: new Date() };
}
