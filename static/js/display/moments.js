/*
 * The wall's two set pieces beyond a signing: a milestone passed ("a round figure broken", when the
 * organiser shows the goal) and the finale's reveal (the day's total counting up from nothing, then the
 * other figures, then the charts). Both are timed with setTimeout and requestAnimationFrame, so a test
 * steps them on the page's clock; a calm wall (or one asking for reduced motion) shows them without motion.
 */
import { frameText } from "./band.js";
import { calm } from "./fx.js";

const MILESTONE_MS = 4200;
const COUNT_MS = 2200;
const banner = document.getElementById("milestone");
const timers = { milestone: [], count: 0, raf: 0 };

/** The milestone passed ("past 10 billion yuan"), over the wall once the seal has landed (``delayMs``). */
export function showMilestone(text, delayMs) {
  stopMilestone();
  banner.querySelector(".milestone-text").textContent = text;
  timers.milestone.push(setTimeout(() => banner.classList.add("on"), delayMs));
  timers.milestone.push(setTimeout(() => banner.classList.remove("on"), delayMs + MILESTONE_MS));
}

export function stopMilestone() {
  timers.milestone.forEach(clearTimeout);
  timers.milestone = [];
  banner.classList.remove("on");
}

/**
 * The finale comes in piece by piece (display.css, .reveal) while the total counts up from 0 to the
 * server's figure: whole wan in the figure's own unit and decimals, never past it, ending on its text.
 */
export function revealFinale(section, view, delayMs) {
  stopReveal();
  const node = section.querySelector(".stat-main .stat-value .v");
  if (!node || calm()) return;
  section.classList.add("reveal");
  const target = view.total;
  const to = view.total_wan;
  node.style.minWidth = target.value.length + "ch";
  node.textContent = frameText(target, 0);
  const finish = () => {
    cancelAnimationFrame(timers.raf);
    node.textContent = target.value;
    node.removeAttribute("data-animating");
  };
  node.setAttribute("data-animating", "1");
  timers.count = setTimeout(() => {
    const start = performance.now();
    const step = (now) => {
      const f = Math.min(1, Math.max(0, (now - start) / COUNT_MS));
      if (f >= 1) {
        finish();
        return;
      }
      node.textContent = frameText(target, Math.round(to * (1 - Math.pow(1 - f, 3))));
      timers.raf = requestAnimationFrame(step);
    };
    timers.raf = requestAnimationFrame(step);
    // rAF stops in a hidden tab: the exact figure lands anyway.
    timers.count = setTimeout(finish, COUNT_MS + 150);
  }, delayMs);
}

export function stopReveal() {
  clearTimeout(timers.count);
  cancelAnimationFrame(timers.raf);
}
