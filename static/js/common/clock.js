/*
 * The venue's clock on a page: the server's time in the event's time zone, never this device's own.
 *
 * GET /api/v1/time gives the server's time (epoch ms) and the event's zone with its UTC offset; the page
 * takes the difference to its own clock from the answer (half the round trip), again when asked (a cue
 * starts, the link comes back, the event's zone changes) and every few minutes, and counts from there. A
 * tablet whose clock or zone is off by more than a minute still shows the venue's time, and says so
 * (``offText``). Until the first answer the page counts on its own clock.
 */
import { clockText } from "./dom.js";
import { get } from "./http.js";
import { t } from "./words.js";

const RESYNC_MS = 10 * 60 * 1000;
const MAX_GOOD_RTT_MS = 1500;
// More than this between this device's wall clock and the venue's is worth a word.
const OFF_MS = 60 * 1000;

export const venue = { skew: 0, offsetMin: null, zone: null, rtt: null, at: 0, count: 0 };
const listeners = [];

/** The server's time now (ms since the epoch), from this page's clock and the measured difference. */
export function serverNow() {
  return Date.now() + venue.skew;
}

/** Call ``fn`` after each good answer (the page redraws its clock at once). */
export function onSynced(fn) {
  listeners.push(fn);
}

export function syncClock() {
  const sent = Date.now();
  return get("/api/v1/time", { timeout: 5000 })
    .then((res) => {
      const back = Date.now();
      const data = res.data;
      if (res.status !== 200 || !data || typeof data.epoch_ms !== "number") return;
      const rtt = back - sent;
      // A slow answer says little about when the server read its clock: keep the last good one (unless the
      // zone changed: then the new offset matters more than a few hundred ms).
      const zoneChanged = data.timezone !== venue.zone;
      if (venue.rtt !== null && rtt > MAX_GOOD_RTT_MS && !zoneChanged) return;
      venue.skew = data.epoch_ms - (sent + back) / 2;
      venue.rtt = rtt;
      venue.at = back;
      if (typeof data.utc_offset_min === "number") venue.offsetMin = data.utc_offset_min;
      venue.zone = data.timezone || null;
      venue.count += 1;
      listeners.forEach((fn) => fn());
    })
    .catch(() => {});
}

/** Sync now and every few minutes. */
export function keepSynced() {
  syncClock();
  setInterval(syncClock, RESYNC_MS);
}

/** The event's zone as the latest view names it: a change (made in the admin) is synced at once. */
export function followZone(zone) {
  if (zone && venue.count && zone !== venue.zone) syncClock();
}

/** The venue's UTC offset in minutes (this device's own until the server has answered). */
export function venueOffset() {
  return venue.offsetMin !== null ? venue.offsetMin : -new Date().getTimezoneOffset();
}

/** "10:32:05" on the venue's clock at ``ms`` (server time; default now). */
export function venueClock(ms) {
  return clockText(new Date(ms === undefined ? serverNow() : ms), venueOffset());
}

/**
 * How far this device's own wall clock (its time and its zone) is from the venue's, in whole minutes
 * (positive: the venue is ahead); 0 within a minute, and before the server has answered.
 */
export function offMinutes() {
  if (!venue.count) return 0;
  const now = Date.now();
  const own = now - new Date(now).getTimezoneOffset() * 60000;
  const there = now + venue.skew + venueOffset() * 60000;
  const diff = there - own;
  return Math.abs(diff) > OFF_MS ? Math.round(diff / 60000) : 0;
}

/** The sentence saying so, in the page's words ("" when the clocks agree). */
export function offText() {
  const minutes = Math.abs(offMinutes());
  if (!minutes) return "";
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  let diff;
  if (!h) diff = t("clock_diff_m", { n: m });
  else if (!m) diff = t("clock_diff_h", { n: h });
  else diff = t("clock_diff_hm", { h, m });
  return t("clock_off", { diff });
}
