/*
 * Making text fit the wall: the largest size at which a box holds its text, Chinese names broken only
 * between words, long titles split at a natural seam. Measured in stage pixels (the scale transform does
 * not count), so the same picture lands on a 1080p panel, a 4K wall and a side screen.
 */
import { largestFitting } from "../common/fit.js";
import { clear } from "../common/dom.js";

const OPENING = "（(“‘「『《【〈[";
const CLOSING = "）)”’」』》】〉]，,、。.：:；;！!？?·";
let segmenter = null;
try {
  if (window.Intl && Intl.Segmenter) segmenter = new Intl.Segmenter("zh", { granularity: "word" });
} catch (e) {
  segmenter = null;
}

/**
 * A Chinese name as text with line-break opportunities (<wbr>) only between words, for a box with
 * `word-break: keep-all`: a long name wraps between its words, never inside one. The dictionary does
 * not know place or company names and splits them into single characters: runs of those stay together,
 * and punctuation stays with the word it belongs to.
 */
export function setWords(node, value) {
  clear(node);
  const text = String(value == null ? "" : value);
  if (!segmenter || !/[\u3400-\u9fff]/.test(text)) {
    node.textContent = text;
    return node;
  }
  const units = [];
  let lastSingle = false;
  for (const part of segmenter.segment(text)) {
    const seg = part.segment;
    const single = Array.from(seg).length === 1 && /[\u3400-\u9fff]/.test(seg);
    const prev = units.length ? units[units.length - 1] : null;
    // (spaces break by themselves; a number keeps the unit after it)
    const glue =
      prev !== null &&
      ((single && lastSingle) ||
        OPENING.indexOf(prev.slice(-1)) >= 0 ||
        CLOSING.indexOf(seg.charAt(0)) >= 0 ||
        /^\s+$/.test(seg) ||
        /\d$/.test(prev));
    if (glue) units[units.length - 1] = prev + seg;
    else units.push(seg);
    lastSingle = single;
  }
  units.forEach((unit, i) => {
    if (i) node.appendChild(document.createElement("wbr"));
    node.appendChild(document.createTextNode(unit));
  });
  node.classList.add("words");
  return node;
}

/**
 * Largest font size (px) in [min, max] at which `node` fits: no wider than its box and, when maxHeight
 * is given, no taller than that.
 */
export function fitText(node, max, min, maxHeight) {
  function fits() {
    if (node.scrollWidth > node.clientWidth + 1) return false;
    if (maxHeight && node.scrollHeight > maxHeight + 1) return false;
    return true;
  }
  node.classList.remove("clamped");
  const best = largestFitting((px) => { node.style.fontSize = px + "px"; }, fits, max, min);
  if (!fits()) node.classList.add("clamped");
  return best;
}

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
