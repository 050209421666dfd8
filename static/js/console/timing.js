/*
 * Every wait the console keeps, in one place. A test may change any of them before the page loads, on a
 * page with the test hooks on (common/hooks.js); nothing on the page sets them. With Playwright's clock the
 * tests need not shorten them at all: they move the clock instead.
 */
import { tuning } from "../common/hooks.js";

export const HOLD_MS = tuning.holdMs || 800; // press and hold Confirm this long
export const MIN_INTERVAL_MS = tuning.minIntervalMs || 1500; // after any command, buttons rest this long
export const SETTLE_MS = tuning.settleMs || 1000; // after the target moved under the finger
export const ATTEMPT_TIMEOUT_MS = tuning.attemptTimeoutMs || 4000; // one try of a command
export const GIVE_UP_MS = tuning.giveUpMs || 30000; // retrying a command by itself, then ask
export const BACKOFF_MS = tuning.backoffMs || [400, 800, 1500, 2500, 3000];
export const WALL_GRACE_MS = tuning.wallGraceMs || 2500; // a wall this far behind is "syncing", not "behind"
export const NUDGE_MS = tuning.nudgeMs || 3500; // a "why not" line stays this long
