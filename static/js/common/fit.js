/*
 * Fitting text to its box: the largest whole size that still fits, found by halving. The wall's titles and
 * figures (display/fit.js) and the MC's script (stage/main.js) both size their text with it.
 */

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
