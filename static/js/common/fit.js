/*
 * Setting text in its box, on every page: the largest whole size that still fits, found by halving, and
 * Chinese broken across lines only between words. The wall's titles and figures, the MC's script
 * (stage/main.js) and every name on the console, the pads, /live and the card page use it.
 */
import { clear, pageData } from "./dom.js";

/**
 * The largest size in [min, max] at which ``fits()`` holds, each size tried with ``set(size)`` and the
 * answer left set; ``min`` when none fits (the caller decides what then: clamp, scroll).
 */
export function largestFitting(set, fits, max, min) {
  set(max);
  if (fits()) return max;
  let lo = min;
  let hi = max - 1;
  let best = min;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    set(mid);
    if (fits()) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  set(best);
  return best;
}

// Chinese has no spaces: a line may break between any two characters unless told otherwise. Every page
// that shows a name or a title sets it with setWords, in a box the rule below keeps from breaking inside a
// word: the same rule on the wall, /stage, /live, the console, the pads and the card page
// (kiosk/web/typeset.py gives the printed card the same breaks). The rule's characters come from there,
// in every page (#kiosk-typeset, templates/base.html): brackets and stops that stay with their word, the
// few characters that end a name when the dictionary leaves them alone, and the longest bracketed part
// kept whole.
const RULE = pageData("kiosk-typeset") || {};
const OPENING = RULE.opening || "";
const CLOSING = RULE.closing || "";
const SUFFIXES = RULE.suffixes || "";
const BRACKETS = RULE.brackets || "";
const SHORT_BRACKETED = RULE.short_bracketed || 0;
const HAN = /[\u3400-\u9fff]/;

/** The character positions a line must not break before: inside a short bracketed part. */
function bracketed(chars) {
  const keep = new Set();
  chars.forEach((ch, i) => {
    if (OPENING.indexOf(ch) < 0) return;
    for (let j = i + 1; j < chars.length && j - i <= SHORT_BRACKETED; j++) {
      if (BRACKETS.indexOf(chars[j]) < 0) continue;
      for (let k = i + 1; k <= j; k++) keep.add(k);
      break;
    }
  });
  return keep;
}
let segmenter = null;
try {
  if (window.Intl && Intl.Segmenter) segmenter = new Intl.Segmenter("zh", { granularity: "word" });
} catch (e) {
  segmenter = null;
}

/**
 * A text's units: the pieces a line may break between. The dictionary does not know place or company
 * names and splits them into single characters: runs of those stay together, a lone one joins a word,
 * punctuation stays with the word it belongs to, a short part in brackets stays whole, a number keeps the
 * unit after it.
 */
export function wordUnits(text) {
  if (!segmenter || !HAN.test(text)) return [text];
  const parts = Array.from(segmenter.segment(text), (p) => p.segment);
  const single = (s) => s !== undefined && Array.from(s).length === 1 && HAN.test(s);
  const keep = bracketed(Array.from(text));
  const units = [];
  let lastSingle = false;
  let pending = ""; // a lone character waiting to start the next word
  let at = 0;
  parts.forEach((seg, i) => {
    const one = single(seg);
    const prev = units.length ? units[units.length - 1] : null;
    const lone = one && !lastSingle && !single(parts[i + 1]);
    const inside = keep.has(at);
    at += Array.from(seg).length;
    const glue =
      prev !== null &&
      !pending &&
      (inside ||
        (one && lastSingle) ||
        (lone && SUFFIXES.indexOf(seg) >= 0) ||
        OPENING.indexOf(prev.slice(-1)) >= 0 ||
        CLOSING.indexOf(seg.charAt(0)) >= 0 ||
        /^\s+$/.test(seg) ||
        /\d$/.test(prev));
    lastSingle = one;
    if (glue) units[units.length - 1] = prev + seg;
    else if (lone && parts[i + 1] !== undefined && HAN.test(parts[i + 1])) pending += seg;
    else {
      units.push(pending + seg);
      pending = "";
    }
  });
  if (pending) units.push(pending);
  return units;
}

/**
 * A name or title as text with line-break opportunities (<wbr>) only between its units (wordUnits), in a
 * box that breaks nowhere else (`word-break: keep-all`) and spreads a name evenly over its lines
 * (`text-wrap-style: balance`, not one full line and a word alone under it).
 */
export function setWords(node, value) {
  clear(node);
  const text = String(value == null ? "" : value);
  node.style.wordBreak = "keep-all";
  node.style.textWrapStyle = "balance";
  node.classList.add("words");
  const units = wordUnits(text);
  units.forEach((unit, i) => {
    if (i) node.appendChild(document.createElement("wbr"));
    node.appendChild(document.createTextNode(unit));
  });
  return node;
}

/**
 * Largest font size (px) in [min, max] at which `node` fits: no wider than its box and, when maxHeight
 * is given, no taller than that. Marked `clamped` when not even `min` fits.
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

/** setWords for a node redrawn with every view: rebuilt only when its text changes. */
export function setWordsText(node, value) {
  const text = String(value == null ? "" : value);
  if (node.classList.contains("words") && node.textContent === text) return node;
  return setWords(node, text);
}
