/*
 * What the tests, the bench and the screenshot scripts read of a page, behind one switch: the object
 * window.__kiosk, made only when the server marks the page with data-hooks on <html> (KIOSK_TEST_HOOKS=1,
 * docs/TEST_HOOKS.md). A page at the venue has none of it, and nothing on a page reads it back but the
 * waits a test may shorten (tuning).
 */
const hooks = document.documentElement.hasAttribute("data-hooks") ? (window.__kiosk = window.__kiosk || {}) : null;

/** Whether the switch is on (a page skips the work of a hook nobody reads). */
export const hooksOn = !!hooks;

/** Put ``value`` on the hook object under ``name``. */
export function expose(name, value) {
  if (hooks) hooks[name] = value;
}

/** Merge ``fields`` into the object under ``name`` (made when it is not there yet). */
export function exposeMore(name, fields) {
  if (hooks) hooks[name] = Object.assign(hooks[name] || {}, fields);
}

/** What is under ``name`` (undefined with the switch off). */
export function exposed(name) {
  return hooks ? hooks[name] : undefined;
}

/**
 * The waits a test set before the page loaded (Playwright's add_init_script:
 * window.__kiosk = {tuning: {holdMs: 200}}); with the switch off, none.
 */
export const tuning = (hooks && hooks.tuning) || {};
