/*
 * The pad's stroke outbox: every point the signatory draws reaches the server once, in order, whatever
 * the Wi-Fi or the phone's 4G does meanwhile.
 *
 * One attempt (one signature id) at a time. Points are sealed into numbered batches (from 1 per attempt,
 * at most the server's batch size each, `maxBatch`) every 40 ms while drawing and at each pen lift, and sent with an ack:
 *   clear (abandoned attempts, oldest first) -> attempt -> ink 1, 2, 3 ... -> submit
 * Each step waits for the ack of the one before it (the server refuses ink for an attempt it has not
 * heard of, and a submit that does not cover every batch); batches themselves go out back to back, since
 * one socket keeps them in order. An unacknowledged message is sent again after a timeout and after every
 * reconnect: the server takes each one idempotently (per signature and batch, per command_id).
 *
 * Everything not yet acknowledged is also in sessionStorage (the attempt under "kiosk-sign:<id>", the
 * pad's current attempt and its pending clears under "kiosk-sign-pad:<scope>"), so a reload mid-signature
 * redraws the strokes and sends what the server lacks. sessionStorage, not localStorage: the strokes are
 * the signatory's, and belong to this tab only.
 *
 * The page drives it (startStroke/add/endStroke, clear, submit) and draws from it (points, status());
 * tests drive it with a fake socket: anything with `connected`, `on(name, fn)` and
 * `timeout(ms).emit(name, data, (err, answer) => ...)`.
 */

export const FLUSH_MS = 40;
export const ACK_MS = 3000;
const RETRY_MS = 800;
const REFUSED_RETRY_MS = 5000;
const STALL_AFTER = 2; // timeouts in a row on a "connected" socket: the link is half-open
const RECORD = "kiosk-sign:";
const INDEX = "kiosk-sign-pad:";

/** A fresh id for a signature or a command: [A-Za-z0-9_-], 8..64 chars (the server checks). */
export function newId(prefix = "s") {
  // crypto.randomUUID exists only on secure origins; a local pad is served over plain http on the LAN.
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function blankRecord(id) {
  // started: when the first point was drawn (t counts from it); null until then, so an attempt is only
  // announced to the server once the signatory has touched the field, with the field's size then.
  return { id, started: null, width: 0, height: 0, points: [], sealed: 0, last: 0, batches: [], submit: null, submitted: false };
}

function validRecord(rec, id) {
  return (
    rec &&
    rec.id === id &&
    Array.isArray(rec.points) &&
    Array.isArray(rec.batches) &&
    typeof rec.sealed === "number" &&
    typeof rec.last === "number"
  );
}

export class Outbox {
  /**
   * options: socket, scope (this pad: the link's token), storage (sessionStorage by default; null keeps
   * nothing), onChange() after anything the page shows changed, onError(answer) for a refusal,
   * onStall() when acks stop coming on a socket that says it is connected, ackMs, flushMs, now() (ms),
   * and maxBatch: the points a batch may hold, the server's (its settings for the page), never a copy.
   */
  constructor(options) {
    this.socket = options.socket;
    this.scope = String(options.scope || "pad");
    this.storage = options.storage === undefined ? safeSession() : options.storage;
    this.onChange = options.onChange || (() => {});
    this.onError = options.onError || (() => {});
    this.onStall = options.onStall || (() => {});
    this.ackMs = options.ackMs || ACK_MS;
    this.flushMs = options.flushMs || FLUSH_MS;
    if (!(options.maxBatch > 0)) throw new Error("Outbox: maxBatch is the server's batch size");
    this.maxBatch = options.maxBatch;
    this.now = options.now || (() => Date.now());

    // What is on the wire now (reset on every reconnect and retry, so everything unacked goes again).
    this.round = 0;
    this.attemptAcked = false;
    this.attemptSending = false;
    this.clearsSending = new Set();
    this.batchesSending = new Set();
    this.submitSending = false;
    this.submitWaiters = [];
    this.refused = null; // the last refusal, until something is acknowledged again
    this.timeouts = 0;
    this.timedOutRound = -1;
    this.flushTimer = 0;
    this.retryTimer = 0;
    this.lastT = 0;

    this.restore();
    if (this.socket && this.socket.on) {
      this.socket.on("connect", () => this.resend());
      this.socket.on("disconnect", () => this.changed());
    }
    this.pump();
  }

  // -- what the page reads ---------------------------------------------------------------------------

  get id() {
    return this.record.id;
  }

  /** Every point of the current attempt, sent or not: [[s, x, y, p, t], ...] (do not change it). */
  get points() {
    return this.record.points;
  }

  /** Batches sealed and not acknowledged, plus points not yet sealed. */
  unacked() {
    return this.record.batches.length + (this.record.points.length > this.record.sealed ? 1 : 0);
  }

  /** Everything drawn is acknowledged by the server (and the attempt with it). */
  saved() {
    return this.unacked() === 0 && (this.record.started === null || this.attemptAcked);
  }

  status() {
    const r = this.record;
    return {
      id: r.id,
      points: r.points.length,
      strokes: r.points.length ? r.points[r.points.length - 1][0] + 1 : 0,
      batches: r.last,
      unacked: r.batches.map((b) => b[0]),
      unsealed: r.points.length - r.sealed,
      attemptAcked: this.attemptAcked,
      saved: this.saved(),
      clears: this.index.clears.slice(),
      submitting: !!r.submit && !r.submitted,
      submitted: r.submitted,
      commandId: r.submit ? r.submit.command_id : null,
      connected: this.connected(),
      refused: this.refused,
    };
  }

  connected() {
    return !!(this.socket && this.socket.connected);
  }

  // -- drawing -------------------------------------------------------------------------------------

  /** The stroke number for a new stroke; ``width``/``height`` are the field's CSS px now. */
  startStroke(width, height) {
    const r = this.record;
    if (r.submitted || r.submit) return null;
    if (r.started === null) {
      r.started = this.now();
      r.width = Math.round(width);
      r.height = Math.round(height);
      this.lastT = 0;
      this.persist();
      this.pump();
    }
    return r.points.length ? r.points[r.points.length - 1][0] + 1 : 0;
  }

  /** A point of stroke ``s`` in canonical units; ``at`` when it was drawn (ms, the same clock as now()). */
  add(s, x, y, p, at) {
    const r = this.record;
    if (r.started === null || r.submitted || r.submit) return;
    const when = at === undefined ? this.now() : at;
    // t never runs backwards within an attempt (coalesced events may carry slightly older stamps).
    const t = Math.max(this.lastT, Math.round(when - r.started));
    this.lastT = t;
    r.points.push([s, Math.round(x * 10) / 10, Math.round(y * 10) / 10, Math.round(p * 100) / 100, t]);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.flushMs);
  }

  /** The pen lifted: what it drew goes now, not 40 ms later. */
  endStroke() {
    this.flush();
  }

  /** Seal the points drawn since the last flush into batches, keep them, send them. */
  flush() {
    clearTimeout(this.flushTimer);
    this.flushTimer = 0;
    const r = this.record;
    if (r.points.length <= r.sealed) return;
    while (r.sealed < r.points.length) {
      const to = Math.min(r.points.length, r.sealed + this.maxBatch);
      r.last += 1;
      r.batches.push([r.last, r.sealed, to]);
      r.sealed = to;
    }
    this.persist();
    this.pump();
    this.changed();
  }

  // -- the signatory's buttons ---------------------------------------------------------------------

  /** Re-sign: the attempt is abandoned (the server is told, in order) and a new one begins. */
  clear() {
    const r = this.record;
    if (r.submitted || r.submit) return false;
    clearTimeout(this.flushTimer);
    this.flushTimer = 0;
    // An attempt the server never heard of needs no clear (nothing was drawn in it).
    if (r.started !== null) this.index.clears.push(r.id);
    this.forget(r.id);
    this.begin();
    return true;
  }

  /** A new attempt without a clear: the earlier one was submitted and the pad may sign again (reopen). */
  fresh() {
    if (!this.record.submitted && this.record.started !== null) return this.clear();
    this.forget(this.record.id);
    this.begin();
    return true;
  }

  /**
   * Submit the attempt: resolves to the server's answer, ``{ok: true, signed}`` or ``{ok: false, reason,
   * message}``. Refused here, without asking the server, while anything drawn is unacknowledged
   * (``reason: "pending"``) or nothing is drawn (``"empty_signature"``); such answers carry ``local: true``.
   * A submit that times out is sent again (after a reconnect too, after a reload too) with the same
   * command_id, so the server takes it once; a new submit after a refusal is a new command.
   */
  submit() {
    const r = this.record;
    this.flush();
    if (r.submitted) return Promise.resolve({ ok: true, local: true, already: true });
    if (!r.points.length) return Promise.resolve({ ok: false, local: true, reason: "empty_signature" });
    if (!this.saved() && !r.submit) return Promise.resolve({ ok: false, local: true, reason: "pending" });
    if (!r.submit) {
      r.submit = { command_id: newId("c"), batches: r.last };
      this.persist();
    }
    const answer = new Promise((resolve) => this.submitWaiters.push(resolve));
    this.pump();
    this.changed();
    return answer;
  }

  /** The server says this attempt is the standing submission (the state arrived before or without the ack). */
  markSubmitted(id, signed = false) {
    const r = this.record;
    if (id !== r.id || r.submitted) return;
    r.submitted = true;
    this.persist();
    // A submit whose ack was lost: the server has it (a resent attempt would now be refused as submitted).
    const waiters = this.submitWaiters.splice(0);
    for (const resolve of waiters) resolve({ ok: true, signed, local: true });
    this.changed();
  }

  /** Try everything unacknowledged again now (after a refusal, when the pad is armed again). */
  retry() {
    this.refused = null;
    this.resend();
  }

  /** The strokes a stored attempt had (a submitted one, after a reload), or null. */
  storedPoints(id) {
    if (id === this.record.id) return this.record.points;
    const rec = this.read(RECORD + id);
    return validRecord(rec, id) ? rec.points : null;
  }

  // -- the wire ------------------------------------------------------------------------------------

  /** After a (re)connect or a timeout: forget what was in flight and send everything unacked again. */
  resend() {
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    this.round += 1;
    this.attemptAcked = false;
    this.attemptSending = false;
    this.clearsSending.clear();
    this.batchesSending.clear();
    this.submitSending = false;
    this.pump();
    this.changed();
  }

  pump() {
    if (!this.connected()) return;
    const round = this.round;
    // 1. The abandoned attempts, oldest first; the new attempt waits for them.
    const clears = this.index.clears;
    for (const id of clears) {
      if (this.clearsSending.has(id)) continue;
      this.clearsSending.add(id);
      this.emit("clear", { signature_id: id }, round, (answer) => {
        this.clearsSending.delete(id);
        // Any answer settles it: a refusal means the server holds no open attempt by that id.
        this.index.clears = this.index.clears.filter((c) => c !== id);
        this.persistIndex();
        this.pump();
      });
    }
    if (clears.length) return;
    const r = this.record;
    if (r.started === null || r.submitted) return;
    // 2. The attempt.
    if (!this.attemptAcked) {
      if (this.attemptSending) return;
      this.attemptSending = true;
      this.emit("attempt", { signature_id: r.id, width: r.width, height: r.height }, round, (answer) => {
        this.attemptSending = false;
        if (answer.ok) {
          this.attemptAcked = true;
          this.acknowledged();
          this.pump();
        } else this.refusal(answer);
        this.changed();
      });
      return;
    }
    // 3. The batches, back to back.
    for (const [n, from, to] of r.batches) {
      if (this.batchesSending.has(n)) continue;
      this.batchesSending.add(n);
      const points = r.points.slice(from, to);
      this.emit("ink", { signature_id: r.id, batch: n, points }, round, (answer) => {
        this.batchesSending.delete(n);
        if (answer.ok) {
          this.acked(r.id, n);
          this.pump();
        } else this.refusal(answer);
        this.changed();
      });
    }
    if (r.batches.length || r.points.length > r.sealed) return;
    // 4. The submit, once every batch is acknowledged.
    if (r.submit && !this.submitSending) {
      this.submitSending = true;
      const body = { signature_id: r.id, batches: r.submit.batches, command_id: r.submit.command_id };
      this.emit("submit", body, round, (answer) => {
        this.submitSending = false;
        if (answer.ok) {
          r.submitted = true;
          this.acknowledged();
        } else {
          // A definite no: the next submit is a new command (a repeated command_id gets the first answer).
          r.submit = null;
          this.refused = answer;
        }
        this.persist();
        const waiters = this.submitWaiters.splice(0);
        for (const resolve of waiters) resolve(answer);
        this.changed();
      });
    }
  }

  /** Emit with an ack; ``done(answer)`` for an answer of this round; a timeout schedules a resend. */
  emit(name, data, round, done) {
    this.socket.timeout(this.ackMs).emit(name, data, (err, answer) => {
      if (round !== this.round) {
        // An answer to an earlier round still counts for what it acknowledges.
        if (!err && answer && answer.ok && name === "ink" && data.signature_id === this.record.id) {
          this.acked(data.signature_id, data.batch);
          this.changed();
        }
        return;
      }
      if (err) {
        this.timedOut(round);
        return;
      }
      this.timeouts = 0;
      done(answer && typeof answer === "object" ? answer : { ok: false, reason: "bad_answer" });
    });
  }

  acked(id, n) {
    const r = this.record;
    if (id !== r.id) return;
    const before = r.batches.length;
    r.batches = r.batches.filter((b) => b[0] !== n);
    if (r.batches.length !== before) {
      this.acknowledged();
      this.persist();
    }
  }

  acknowledged() {
    this.timeouts = 0;
    if (this.refused) {
      this.refused = null;
      this.changed();
    }
  }

  timedOut(round) {
    // Messages sent back to back time out together: one stall per round, not one per message.
    if (round === this.timedOutRound) return;
    this.timedOutRound = round;
    this.timeouts += 1;
    if (this.timeouts >= STALL_AFTER && this.connected()) {
      this.timeouts = 0;
      this.onStall();
    }
    this.later(RETRY_MS);
    this.changed();
  }

  refusal(answer) {
    this.refused = answer;
    this.onError(answer);
    // The server said no (disarmed, say): try again, slowly, until the state changes or it says yes.
    this.later(REFUSED_RETRY_MS);
  }

  later(ms) {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = 0;
      this.resend();
    }, ms);
  }

  changed() {
    try {
      this.onChange(this.status());
    } catch (e) {
      if (window.console) console.error(e);
    }
  }

  // -- keeping it ----------------------------------------------------------------------------------

  restore() {
    const index = this.read(INDEX + this.scope);
    this.index = {
      current: index && typeof index.current === "string" ? index.current : null,
      clears: index && Array.isArray(index.clears) ? index.clears.filter((c) => typeof c === "string") : [],
    };
    const rec = this.index.current ? this.read(RECORD + this.index.current) : null;
    if (validRecord(rec, this.index.current)) {
      this.record = rec;
      // Points drawn after the last flush were kept with the record: they go in a batch of their own.
      if (rec.sealed > rec.points.length) rec.sealed = rec.points.length;
      const last = rec.points[rec.points.length - 1];
      this.lastT = last ? last[4] : 0;
      if (rec.points.length > rec.sealed) this.flush();
    } else this.begin();
  }

  begin() {
    this.record = blankRecord(newId());
    this.index.current = this.record.id;
    this.attemptAcked = false;
    this.attemptSending = false;
    this.batchesSending.clear();
    this.submitSending = false;
    this.refused = null;
    this.lastT = 0;
    this.persist();
    this.pump();
    this.changed();
  }

  forget(id) {
    this.remove(RECORD + id);
  }

  persist() {
    this.write(RECORD + this.record.id, this.record);
    this.persistIndex();
  }

  persistIndex() {
    this.write(INDEX + this.scope, this.index);
  }

  read(key) {
    if (!this.storage) return null;
    try {
      const text = this.storage.getItem(key);
      return text ? JSON.parse(text) : null;
    } catch (e) {
      return null;
    }
  }

  write(key, value) {
    if (!this.storage) return;
    try {
      this.storage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* full or private mode: the strokes are still in memory and on their way */
    }
  }

  remove(key) {
    if (!this.storage) return;
    try {
      this.storage.removeItem(key);
    } catch (e) {
      /* as above */
    }
  }
}

function safeSession() {
  try {
    return window.sessionStorage;
  } catch (e) {
    return null;
  }
}
