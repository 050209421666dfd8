/*
 * The band along the bottom of the wall: the running total, the count of signed projects and a progress
 * line. On a live signing the total climbs to its new figure; on a catch-up or an undo it is simply set (a
 * signing taken back must not count down in front of the room).
 *
 * The climb draws frames between two figures the server wrote. It moves in whole wan (10,000 yuan, integers) and
 * shows each frame in the target's unit with the target's decimals, through the target's own scale
 * (value = wan × mul / div), so a frame never shows more decimals than the figure it climbs to, and the
 * last frame is the server's text itself. The climb never starts below the figure already on the wall.
 */
import { add, clear, el } from "../common/dom.js";
import { t, tNodes } from "../common/words.js";

const TOTAL_MS = 1800;
const band = document.getElementById("band");
const totalNode = document.getElementById("total-value");
const total = { wan: null, key: null, raf: 0, timer: 0 };

/** ``wan`` in ``figure``'s unit, as its value would be written (rounded to its decimals, grouped). */
export function frameText(figure, wan) {
  const [mul, div] = figure.scale || [1, 1];
  const decimals = figure.decimals || 0;
  const unit = Math.pow(10, decimals);
  const scaled = Math.round((wan * mul * unit) / div);
  const negative = scaled < 0;
  const digits = String(Math.abs(scaled)).padStart(decimals + 1, "0");
  let whole = digits.slice(0, digits.length - decimals);
  const frac = decimals ? digits.slice(digits.length - decimals) : "";
  if (figure.group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, figure.group);
  return (negative ? "-" : "") + whole + (frac ? "." + frac : "");
}

export function updateBand(view, live) {
  document.getElementById("band-label").textContent = t("bandLabel");
  document.getElementById("total-unit").textContent = view.total.unit;
  const prefix = document.getElementById("total-prefix");
  prefix.textContent = view.total.prefix || "";
  prefix.hidden = !view.total.prefix;
  const count = document.getElementById("band-count");
  clear(count);
  // Spaces are separate text nodes: the flex layout ignores them, textContent reads naturally.
  for (const node of tNodes("band_count", {
    n: el("span", "n", view.signed_count || 0),
    m: el("span", "m", view.project_count || 0),
  })) {
    if (node.nodeType === 3) {
      for (const [i, word] of node.textContent.split("/").entries()) {
        if (i) add(count, el("span", "slash", "/"), " ");
        if (word.trim()) add(count, el("span", "w", word.trim()), " ");
      }
    } else add(count, node, " ");
  }
  // With the organiser's goal shown, the line is the total against the planned total, with its milestones,
  // and the goal takes the count's place.
  const goal = view.goal;
  band.classList.toggle("has-goal", !!goal);
  if (goal) {
    clear(count);
    add(count, el("span", "goal", goal.label));
  }
  drawTicks(goal);
  const pct = goal
    ? goal.permille / 10
    : view.project_count ? Math.min(100, (100 * (view.signed_count || 0)) / view.project_count) : 0;
  const climb = live && !(view.last && view.last.action === "undo");
  const fill = document.getElementById("band-progress");
  if (!climb) fill.style.transition = "none";
  fill.style.width = pct + "%";
  if (!climb) {
    void fill.offsetWidth;
    fill.style.transition = "";
  }
  setTotal(view, climb);
}

let ticksKey = null;

function drawTicks(goal) {
  const key = JSON.stringify(goal ? goal.milestones : null);
  if (key === ticksKey) return;
  ticksKey = key;
  const line = band.querySelector(".band-progress");
  for (const old of line.querySelectorAll(".band-tick")) old.remove();
  for (const m of goal ? goal.milestones : []) {
    const tick = el("span", "band-tick" + (m.reached ? " reached" : ""));
    tick.style.left = m.permille / 10 + "%";
    line.appendChild(tick);
  }
}

function setTotal(view, animate) {
  const target = view.total;
  const key = target.text;
  if (key === total.key && total.wan !== null) return;
  const from = total.wan;
  const to = view.total_wan;
  cancelAnimationFrame(total.raf);
  clearTimeout(total.timer);
  total.key = key;
  // The figure's box is as wide as the figure it ends on, from the first frame (digits are tabular, the
  // text right-aligned in it): the line stays where it is while the digits climb.
  totalNode.style.minWidth = target.value.length + "ch";
  const finish = () => {
    cancelAnimationFrame(total.raf);
    clearTimeout(total.timer);
    total.wan = to;
    totalNode.textContent = target.value; // the server's own text, never a computed one
    totalNode.removeAttribute("data-animating");
  };
  if (!animate || from === null || to <= from) {
    finish();
    return;
  }
  totalNode.setAttribute("data-animating", "1");
  const start = performance.now();
  band.classList.remove("pulse");
  void band.offsetWidth;
  band.classList.add("pulse");
  const step = (now) => {
    // Clamped at both ends: the first frame is the old figure, never one beyond it.
    const f = Math.min(1, Math.max(0, (now - start) / TOTAL_MS));
    if (f >= 1) {
      finish();
      return;
    }
    const eased = 1 - Math.pow(1 - f, 3);
    const wan = Math.round(from + (to - from) * eased);
    total.wan = wan;
    totalNode.textContent = frameText(target, wan);
    total.raf = requestAnimationFrame(step);
  };
  totalNode.textContent = frameText(target, from);
  total.raf = requestAnimationFrame(step);
  // rAF stops in a hidden tab: make sure the exact figure lands anyway.
  total.timer = setTimeout(finish, TOTAL_MS + 120);
}

/** The language (and so the unit) changed: the next total is set, not climbed. */
export function resetTotal() {
  total.wan = null;
  total.key = null;
}
