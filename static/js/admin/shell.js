/*
 * The organisers' admin pages (/admin): the shell every section shares.
 *
 * One page, no framework. This module holds the API client (CSRF header, session loss), toasts, the
 * confirmation dialog, the navigation between sections and the live link (common/live.js, role
 * "console"): every view the server broadcasts reaches every section, so edits made on the console,
 * another laptop or the command line show here at once. Sections live in the modules beside this one and
 * register with KA.section({...}); main.js starts them. The words come from the server (common/words.js),
 * and so do the rules: the limits, defaults and choices of every field arrive in KA.settings.
 *
 * Data is always text: everything from the server is drawn with textContent / createElement, never HTML.
 */
import { $, clear, el, pageData, setText } from "../common/dom.js";
import { expose } from "../common/hooks.js";
import { request as http } from "../common/http.js";
import { toast as showToast } from "../common/toast.js";
import { connect } from "../common/live.js";
import { applyWords, ensureLanguage, lang, t } from "../common/words.js";

const settings = pageData("kiosk-settings") || {};

/**
 * A sentence of our own words that holds a little markup of our own (<b>…</b>), built as nodes: the
 * words are ours, but nothing goes through innerHTML anyway.
 */
function richText(node, text) {
  clear(node);
  for (const part of String(text).split(/(<b>.*?<\/b>)/)) {
    const m = /^<b>(.*)<\/b>$/.exec(part);
    if (m) node.appendChild(el("b", null, m[1]));
    else if (part) node.appendChild(document.createTextNode(part));
  }
}

/** A project's status as the server wrote it, as a chip. */
function chip(p) {
  return el("span", "chip is-" + (p.status || "pending"), p.status_text || "");
}

  // ---------------------------------------------------------------------------------------------------
  // Talking to the server
  // ---------------------------------------------------------------------------------------------------

  var leaving = false;

  function sessionLost() {
    if (leaving) return;
    leaving = true;
    toast(t("session_lost"), "error", 4000);
    setTimeout(function () { window.location.replace("/admin" + window.location.hash); }, 1200);
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
      function (res) {
        if (res.status === 401) sessionLost();
        if (res.status === 403 && res.data && res.data.reason === "csrf") {
          toast(t("csrf_lost"), "error", 4000);
          setTimeout(function () { window.location.reload(); }, 1200);
        }
        return res;
      },
      function () { return { status: 0, data: null }; }
    );
  }

  function get(url) { return request("GET", url); }
  function send(method, url, body) { return request(method, url, body); }

  function upload(url, file) {
    var form = new FormData();
    form.append("file", file, file.name);
    return request("POST", url, form, { timeout: 120000 });
  }

  /** The server's own words for a failed request, or ours when it said nothing useful. */
  function errorMessage(res) {
    if (res.status === 0) return t("offline");
    if (res.data && res.data.message) return res.data.message;
    return t("server_error", { code: res.status });
  }

  // ---------------------------------------------------------------------------------------------------
  // Per-field errors
  // ---------------------------------------------------------------------------------------------------

  function clearErrors(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".field.is-invalid"), function (f) {
      f.classList.remove("is-invalid");
    });
    Array.prototype.forEach.call(root.querySelectorAll(".field-error"), function (e) { setText(e, ""); });
  }

  /**
   * Show each {field, reason} next to its field (``[data-field=...]`` inside root; ``aliases`` maps a server
   * field to another data-field). Returns the errors that have no field on the page.
   */
  function showErrors(root, errors, aliases) {
    var left = [];
    var first = null;
    (errors || []).forEach(function (e) {
      var key = (aliases && aliases[e.field]) || e.field;
      var field = root.querySelector('[data-field="' + key + '"]');
      if (!field) {
        left.push(e);
        return;
      }
      field.classList.add("is-invalid");
      var box = field.querySelector(".field-error");
      if (box) setText(box, box.textContent ? box.textContent + "；" + e.reason : e.reason);
      if (!first) first = field;
    });
    if (first) {
      var input = first.querySelector("input:not([type=radio]):not([type=color]), textarea, select");
      if (input) input.focus();
      first.scrollIntoView({ block: "nearest" });
    }
    return left;
  }

  // ---------------------------------------------------------------------------------------------------
  // Toasts and the confirmation dialog
  // ---------------------------------------------------------------------------------------------------

  function toast(text, kind, ms) {
    showToast($("toasts"), text, kind, ms);
  }

  /**
   * Ask before something that cannot be taken back. options: title, text (string or array of paragraphs;
   * {warn: text} for a red one), ok, cancel, danger (bool), typeWord (the user must type it first).
   * Resolves true only for an explicit yes.
   */
  function confirmDialog(options) {
    var dialog = $("confirm-dialog");
    var okBtn = $("confirm-ok");
    var typeWrap = $("confirm-type-wrap");
    var typeInput = $("confirm-type");
    setText($("confirm-title"), options.title || "");
    var textBox = $("confirm-text");
    clear(textBox);
    [].concat(options.text || []).forEach(function (p) {
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
    return new Promise(function (resolve) {
      function done() {
        dialog.removeEventListener("close", done);
        typeInput.oninput = null;
        var yes = dialog.returnValue === "ok" &&
          (!options.typeWord || typeInput.value.trim() === options.typeWord);
        resolve(yes);
      }
      dialog.addEventListener("close", done);
      dialog.returnValue = "cancel";
      dialog.showModal();
      if (options.typeWord) typeInput.focus();
      else $("confirm-cancel").focus();
    });
  }

  function copyText(text, button) {
    function ok() {
      toast(t("copied"), "ok", 1500);
      if (button) {
        var label = button.textContent;
        button.textContent = t("copied");
        setTimeout(function () { button.textContent = label; }, 1500);
      }
    }
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
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

  var sections = {};
  var order = [];
  var current = null;
  var state = null;
  var live = null;

  function section(spec) {
    sections[spec.id] = spec;
    order.push(spec.id);
  }

  function show(id) {
    if (!sections[id]) id = "event";
    current = id;
    Array.prototype.forEach.call(document.querySelectorAll("section.section"), function (s) {
      s.hidden = s.getAttribute("data-section") !== id;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".nav-item"), function (a) {
      var on = a.getAttribute("data-section") === id;
      a.classList.toggle("is-active", on);
      if (on) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    $("content").scrollTop = 0;
    if (sections[id].show) sections[id].show(state);
  }

  function fromHash() {
    var id = (window.location.hash || "").replace(/^#/, "");
    show(sections[id] ? id : "event");
  }

  window.addEventListener("hashchange", fromHash);

  function go(id) {
    if (window.location.hash === "#" + id) show(id);
    else window.location.hash = id;
  }

  function isShown(id) { return current === id; }

  // ---------------------------------------------------------------------------------------------------
  // Header
  // ---------------------------------------------------------------------------------------------------

  function renderHeader(s) {
    var e = s.event || {};
    setText($("event-title"), e.title || "");
    setText($("event-date"), e.date_text ? " · " + e.date_text : "");
    document.title = t("admin_name") + " · " + (e.title || "");
    document.body.setAttribute("data-mode", s.mode || "live");
    setText($("mode-badge"), s.mode === "rehearsal" ? t("mode_rehearsal") : t("mode_live"));
    setText($("badge-projects"), String(s.project_count));
    setText($("badge-report"), s.signed_count + "/" + s.project_count);
    var badge = $("badge-rehearsal");
    setText(badge, s.mode === "rehearsal" ? t("mode_rehearsal") : "");
    badge.className = "nav-badge" + (s.mode === "rehearsal" ? " is-warn" : "");
  }

  function setConn(status) {
    document.body.setAttribute("data-conn", status);
    var key = status === "live" ? "conn_live" : status === "reconnecting" ? "conn_reconnecting" : "conn_connecting";
    var label = $("conn-label");
    label.setAttribute("data-t", key);
    setText(label, t(key));
    $("conn").title = t(key);
  }

  // ---------------------------------------------------------------------------------------------------
  // Sign out
  // ---------------------------------------------------------------------------------------------------

  $("account-btn").addEventListener("click", function () {
    var dialog = $("account-dialog");
    dialog.returnValue = "cancel";
    dialog.showModal();
  });

  $("account-dialog").addEventListener("close", function () {
    var choice = $("account-dialog").returnValue;
    if (choice === "me") {
      leaving = true;
      request("DELETE", "/api/v1/session").then(function () { window.location.replace("/admin"); });
    } else if (choice === "all") {
      confirmDialog({
        title: t("sign_out_all_q"),
        text: [t("sign_out_all_text")],
        ok: t("sign_out_all_ok"),
        danger: true,
      }).then(function (yes) {
        if (!yes) return;
        leaving = true;
        request("POST", "/api/v1/session/sign-out-all").then(function (res) {
          if (res.status === 200) {
            toast(t("signed_out"), "ok", 1500);
            setTimeout(function () { window.location.replace("/admin"); }, 600);
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
    order.forEach(function (id) {
      var s = sections[id];
      if (s.state) s.state(next, previous);
    });
    ensureLanguage(next.lang).then(function (relabel) {
      if (!relabel) return;
      renderHeader(state);
      order.forEach(function (id) {
        var s = sections[id];
        if (s.language) s.language(state);
        if (s.state) s.state(state, state);
      });
    });
  }

  function start() {
    applyWords();
    setConn("connecting");
    order.forEach(function (id) { if (sections[id].init) sections[id].init(); });
    fromHash();
    live = connect({
      auth: { role: "console" },
      heartbeat: true,
      onState: onState,
      onStatus: setConn,
      onRefused: function () {
        // The socket was refused for want of a session: ask the server, go to the PIN pad if so.
        get("/api/v1/session").then(function (res) {
          if (res.status === 200 && res.data && res.data.operator === false) sessionLost();
        });
      },
    });
  }

  const KA = {
    t: t,
    lang: lang,
    settings: settings,
    $: $,
    el: el,
    setText: setText,
    clear: clear,
    richText: richText,
    chip: chip,
    get: get,
    send: send,
    upload: upload,
    errorMessage: errorMessage,
    clearErrors: clearErrors,
    showErrors: showErrors,
    toast: toast,
    confirm: confirmDialog,
    copyText: copyText,
    section: section,
    go: go,
    isShown: isShown,
    state: function () { return state; },
    refresh: function () { if (live) live.refresh(); },
    /** Adopt a state a write returned, ahead of its broadcast (the broadcast then changes nothing). */
    adopt: function (s) {
      if (!s || typeof s.seq !== "number") return;
      if (state && s.log_id === state.log_id && s.seq <= state.seq) return;
      onState(s, state);
    },
    start: start,
  };
  expose("admin", { state: KA.state }); // for tests: what the page believes

export { KA };
