/*
 * The organisers' admin pages (/admin): the shell every section shares.
 *
 * One page, no framework. This module holds the API client (CSRF header, session loss), toasts, the
 * confirmation dialog, the navigation between sections and the live link (common/live.js, role
 * "console"): every view the server broadcasts reaches every section, so edits made on the console,
 * another laptop or the command line show here at once. Sections live in the modules beside this one and
 * register with section({...}); main.js starts them. Each imports what it uses from here, common/dom.js and
 * common/words.js. The words come from the server (common/words.js), and so do the rules: the limits,
 * defaults and choices of every field arrive in settings.
 *
 * Data is always text: everything from the server is drawn with textContent / createElement, never HTML.
 */
import { $, clear, el, pageData, setText } from "../common/dom.js";
import { expose } from "../common/hooks.js";
import { request as http } from "../common/http.js";
import { toast as showToast } from "../common/toast.js";
import { connect } from "../common/live.js";
import { applyWords, ensureLanguage, lang, t } from "../common/words.js";

/** The rules of every field (limits, defaults, choices), as the server sent them with the page. */
export const settings = pageData("kiosk-settings") || {};

/**
 * A sentence of our own words that holds a little markup of our own (<b>…</b>), built as nodes: the
 * words are ours, but nothing goes through innerHTML anyway.
 */
export function richText(node, text) {
  clear(node);
  for (const part of String(text).split(/(<b>.*?<\/b>)/)) {
    const m = /^<b>(.*)<\/b>$/.exec(part);
    if (m) node.appendChild(el("b", null, m[1]));
    else if (part) node.appendChild(document.createTextNode(part));
  }
}

/** A project's status as the server wrote it, as a chip. */
export function chip(p) {
  return el("span", "chip is-" + (p.status || "pending"), p.status_text || "");
}

// ---------------------------------------------------------------------------------------------------
// Talking to the server
// ---------------------------------------------------------------------------------------------------

let leaving = false;

function sessionLost() {
  if (leaving) return;
  leaving = true;
  toast(t("session_lost"), "error", 4000);
  setTimeout(() => {
    window.location.replace("/admin" + window.location.hash);
  }, 1200);
}

/**
 * fetch with the CSRF header. Resolves to {status, data} (data: parsed JSON or null), also for errors;
 * status 0 when the server could not be reached. A lost session goes back to the PIN pad.
 */
/**
 * The one fetch wrapper (common/http.js) with the admin's reaction to a lost session or a stale page.
 * Resolves to {status, data} also for errors; status 0 when the server could not be reached.
 */
function request(method, url, body, options) {
  return http(method, url, body, { timeout: (options && options.timeout) || 30000 }).then(
    (res) => {
      if (res.status === 401) sessionLost();
      if (res.status === 403 && res.data && res.data.reason === "csrf") {
        toast(t("csrf_lost"), "error", 4000);
        setTimeout(() => {
          window.location.reload();
        }, 1200);
      }
      return res;
    },
    () => ({
      status: 0,
      data: null,
    })
  );
}

export function get(url) {
  return request("GET", url);
}
export function send(method, url, body) {
  return request(method, url, body);
}

export function upload(url, file) {
  const form = new FormData();
  form.append("file", file, file.name);
  return request("POST", url, form, { timeout: 120000 });
}

/** The server's own words for a failed request, or ours when it said nothing useful. */
export function errorMessage(res) {
  if (res.status === 0) return t("offline");
  if (res.data && res.data.message) return res.data.message;
  return t("server_error", { code: res.status });
}

// ---------------------------------------------------------------------------------------------------
// Per-field errors
// ---------------------------------------------------------------------------------------------------

export function clearErrors(root) {
  root.querySelectorAll(".field.is-invalid").forEach((f) => {
    f.classList.remove("is-invalid");
  });
  root.querySelectorAll(".field-error").forEach((e) => {
    setText(e, "");
  });
}

/**
 * Show each {field, reason} next to its field (``[data-field=...]`` inside root; ``aliases`` maps a server
 * field to another data-field). Returns the errors that have no field on the page.
 */
export function showErrors(root, errors, aliases) {
  const left = [];
  let first = null;
  (errors || []).forEach((e) => {
    const key = (aliases && aliases[e.field]) || e.field;
    const field = root.querySelector('[data-field="' + key + '"]');
    if (!field) {
      left.push(e);
      return;
    }
    field.classList.add("is-invalid");
    const box = field.querySelector(".field-error");
    if (box) setText(box, box.textContent ? box.textContent + t("reason_sep") + e.reason : e.reason);
    if (!first) first = field;
  });
  if (first) {
    const input = first.querySelector("input:not([type=radio]):not([type=color]), textarea, select");
    if (input) input.focus();
    first.scrollIntoView({ block: "nearest" });
  }
  return left;
}

// ---------------------------------------------------------------------------------------------------
// Toasts and the confirmation dialog
// ---------------------------------------------------------------------------------------------------

export function toast(text, kind, ms) {
  showToast($("toasts"), text, kind, ms);
}

/**
 * Ask before something that cannot be taken back. options: title, text (string or array of paragraphs;
 * {warn: text} for a red one), ok, cancel, danger (bool), typeWord (the user must type it first).
 * Resolves true only for an explicit yes.
 */
export function confirmDialog(options) {
  const dialog = $("confirm-dialog");
  const okBtn = $("confirm-ok");
  const typeWrap = $("confirm-type-wrap");
  const typeInput = $("confirm-type");
  setText($("confirm-title"), options.title || "");
  const textBox = $("confirm-text");
  clear(textBox);
  [].concat(options.text || []).forEach((p) => {
    if (p && typeof p === "object") textBox.appendChild(el("p", "warn", p.warn));
    else if (p) textBox.appendChild(el("p", null, p));
  });
  setText(okBtn, options.ok || t("confirm_ok"));
  setText($("confirm-cancel"), options.cancel || t("cancel"));
  okBtn.className = "btn " + (options.danger ? "danger-solid" : "primary");
  typeWrap.hidden = !options.typeWord;
  typeInput.value = "";
  if (options.typeWord) {
    setText($("confirm-type-label"), t("run_type_label", { word: options.typeWord }));
  }
  function sync() {
    okBtn.disabled = !!options.typeWord && typeInput.value.trim() !== options.typeWord;
  }
  sync();
  typeInput.oninput = sync;
  return new Promise((resolve) => {
    function done() {
      dialog.removeEventListener("close", done);
      typeInput.oninput = null;
      const yes = dialog.returnValue === "ok" && (!options.typeWord || typeInput.value.trim() === options.typeWord);
      resolve(yes);
    }
    dialog.addEventListener("close", done);
    dialog.returnValue = "cancel";
    dialog.showModal();
    if (options.typeWord) typeInput.focus();
    else $("confirm-cancel").focus();
  });
}

export function copyText(text, button) {
  function ok() {
    toast(t("copied"), "ok", 1500);
    if (button) {
      const label = button.textContent;
      button.textContent = t("copied");
      setTimeout(() => {
        button.textContent = label;
      }, 1500);
    }
  }
  function fallback() {
    const area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (e) {
      done = false;
    }
    document.body.removeChild(area);
    if (done) ok();
    else toast(t("copy_failed"), "warn", 4000);
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(ok, fallback);
  } else {
    fallback();
  }
}

// ---------------------------------------------------------------------------------------------------
// Sections and navigation
// ---------------------------------------------------------------------------------------------------

const sections = {};
const order = [];
let current = null;
let state = null;
let live = null;

export function section(spec) {
  sections[spec.id] = spec;
  order.push(spec.id);
}

function show(id) {
  if (!sections[id]) id = "event";
  current = id;
  document.querySelectorAll("section.section").forEach((s) => {
    s.hidden = s.getAttribute("data-section") !== id;
  });
  document.querySelectorAll(".nav-item").forEach((a) => {
    const on = a.getAttribute("data-section") === id;
    a.classList.toggle("is-active", on);
    if (on) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  $("content").scrollTop = 0;
  if (sections[id].show) sections[id].show(state);
}

function fromHash() {
  const id = (window.location.hash || "").replace(/^#/, "");
  show(sections[id] ? id : "event");
}

window.addEventListener("hashchange", fromHash);

export function go(id) {
  if (window.location.hash === "#" + id) show(id);
  else window.location.hash = id;
}

export function isShown(id) {
  return current === id;
}

// ---------------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------------

function renderHeader(s) {
  const e = s.event || {};
  setText($("event-title"), e.title || "");
  setText($("event-date"), e.date_text ? " · " + e.date_text : "");
  document.title = t("admin_name") + " · " + (e.title || "");
  document.body.setAttribute("data-mode", s.mode || "live");
  setText($("mode-badge"), s.mode === "rehearsal" ? t("mode_rehearsal") : t("mode_live"));
  setText($("badge-projects"), String(s.project_count));
  setText($("badge-report"), s.signed_count + "/" + s.project_count);
  const badge = $("badge-rehearsal");
  setText(badge, s.mode === "rehearsal" ? t("mode_rehearsal") : "");
  badge.className = "nav-badge" + (s.mode === "rehearsal" ? " is-warn" : "");
}

function setConn(status) {
  document.body.setAttribute("data-conn", status);
  const key = status === "live" ? "conn_live" : status === "reconnecting" ? "conn_reconnecting" : "conn_connecting";
  const label = $("conn-label");
  label.setAttribute("data-t", key);
  setText(label, t(key));
  $("conn").title = t(key);
}

// ---------------------------------------------------------------------------------------------------
// Sign out
// ---------------------------------------------------------------------------------------------------

$("account-btn").addEventListener("click", () => {
  const dialog = $("account-dialog");
  dialog.returnValue = "cancel";
  dialog.showModal();
});

$("account-dialog").addEventListener("close", () => {
  const choice = $("account-dialog").returnValue;
  if (choice === "me") {
    leaving = true;
    request("DELETE", "/api/v1/session").then(() => {
      window.location.replace("/admin");
    });
  } else if (choice === "all") {
    confirmDialog({
      title: t("sign_out_all_q"),
      text: [t("sign_out_all_text")],
      ok: t("sign_out_all_ok"),
      danger: true,
    }).then((yes) => {
      if (!yes) return;
      leaving = true;
      request("POST", "/api/v1/session/sign-out-all").then((res) => {
        if (res.status === 200) {
          toast(t("signed_out"), "ok", 1500);
          setTimeout(() => {
            window.location.replace("/admin");
          }, 600);
        } else {
          leaving = false;
          toast(errorMessage(res), "error", 5000);
        }
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------

function onState(next, previous) {
  // A write's answer may have been adopted ahead of its broadcast: never step back to an older picture.
  if (!next || !next.console) return;
  if (state && next.log_id === state.log_id && next.seq < state.seq) return;
  previous = state;
  state = next;
  renderHeader(next);
  order.forEach((id) => {
    const s = sections[id];
    if (s.state) s.state(next, previous);
  });
  ensureLanguage(next.lang).then((relabel) => {
    if (!relabel) return;
    renderHeader(state);
    order.forEach((id) => {
      const s = sections[id];
      if (s.language) s.language(state);
      if (s.state) s.state(state, state);
    });
  });
}

export function start() {
  applyWords();
  setConn("connecting");
  order.forEach((id) => {
    if (sections[id].init) sections[id].init();
  });
  fromHash();
  live = connect({
    auth: { role: "console" },
    heartbeat: true,
    onState,
    onStatus: setConn,
    onRefused() {
      // The socket was refused for want of a session: ask the server, go to the PIN pad if so.
      get("/api/v1/session").then((res) => {
        if (res.status === 200 && res.data && res.data.operator === false) sessionLost();
      });
    },
  });
}

/** The view the admin draws from: the last one broadcast, or adopted from a write's answer. */
export function currentState() {
  return state;
}

/** Catch up over HTTP now (after a write whose answer carries no view). */
export function refresh() {
  if (live) live.refresh();
}

/** Adopt a state a write returned, ahead of its broadcast (the broadcast then changes nothing). */
export function adopt(s) {
  if (!s || typeof s.seq !== "number") return;
  if (state && s.log_id === state.log_id && s.seq <= state.seq) return;
  onState(s, state);
}

expose("admin", { state: currentState }); // for tests: what the page believes
