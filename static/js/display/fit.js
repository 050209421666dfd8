/*
 * Making text fit the wall: the largest size at which a box holds its text and Chinese names broken only
 * between words (both common/fit.js, the rule every page shares), long titles split at a natural seam.
 * Measured in stage pixels (the scale transform does not count), so the same picture lands on a 1080p
 * panel, a 4K wall and a side screen.
 */
export { fitText, setWords } from "../common/fit.js";

/** Break a long title at a natural seam (after a closing bracket, a space, a middle dot) near its middle. */
export function splitTitle(title) {
  const chars = Array.from(title);
  if (chars.length < 16) return [title];
  let best = -1;
  let bestScore = Infinity;
  for (let i = 1; i < chars.length - 1; i++) {
    const c = chars[i - 1];
    if ("）)】」』 ·：:，,".indexOf(c) < 0) continue;
    const pos = i / chars.length;
    if (pos < 0.25 || pos > 0.7) continue;
    const score = Math.abs(pos - 0.45);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  if (best < 0) return [title];
  return [chars.slice(0, best).join("").trim(), chars.slice(best).join("").trim()];
}
