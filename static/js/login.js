/*
 * The console's PIN pad (/control when this device is not logged in).
 * Touch first, keyboard too (digits, Backspace, Enter, Escape). On success the page that asked reloads.
 */
(function () {
  "use strict";

  var MAX_DIGITS = 12;
  var WORDS = {
    zh: {
      kicker: "签约仪式 · 操作员控制台",
      prompt: "请输入操作员 PIN",
      del: "删除",
      ok: "进入",
      checking: "正在验证…",
      welcome: "PIN 正确，正在进入控制台…",
      wrong: "PIN 不正确，请重新输入",
      throttled: "尝试次数过多，请 {n} 秒后再试",
      offline: "无法连接服务器，请检查网络后重试",
      failed: "登录失败（{code}），请重试",
    },
    en: {
      kicker: "Signing ceremony · operators' console",
      prompt: "Enter the operator PIN",
      del: "Delete",
      ok: "Enter",
      checking: "Checking…",
      welcome: "PIN accepted, opening the console…",
      wrong: "Wrong PIN, please try again",
      throttled: "Too many attempts: try again in {n} s",
      offline: "Cannot reach the server: check the network and try again",
      failed: "Login failed ({code}), please try again",
    },
  };
  var lang = document.documentElement.getAttribute("data-lang") === "en" ? "en" : "zh";

  function t(key, params) {
    var text = (WORDS[lang] && WORDS[lang][key]) || WORDS.zh[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.replace("{" + k + "}", params[k]); });
    return text;
  }

  var pin = "";
  var busy = false;
  var blockedUntil = 0;
  var countdown = null;
  var dots = document.getElementById("pin-dots");
  var message = document.getElementById("login-message");
  var pad = document.getElementById("pinpad");

  Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
    el.textContent = t(el.getAttribute("data-t"));
  });

  function say(text, kind) {
    message.textContent = text || "";
    message.className = "login-message" + (kind ? " is-" + kind : "");
  }

  function drawDots() {
    while (dots.firstChild) dots.removeChild(dots.firstChild);
    var slots = Math.max(6, pin.length);
    for (var i = 0; i < slots; i++) {
      var d = document.createElement("span");
      d.className = "pin-dot" + (i < pin.length ? " is-filled" : "");
      dots.appendChild(d);
    }
    dots.setAttribute("data-count", String(pin.length));
  }

  function locked() {
    return busy || Date.now() < blockedUntil;
  }

  function setPadDisabled(disabled) {
    Array.prototype.forEach.call(pad.querySelectorAll("button"), function (b) { b.disabled = disabled; });
    document.body.classList.toggle("is-locked", disabled);
  }

  function press(key) {
    if (locked()) return;
    if (key === "del") {
      pin = pin.slice(0, -1);
    } else if (key === "clear") {
      pin = "";
    } else if (key === "ok") {
      submit();
      return;
    } else if (/^[0-9]$/.test(key) && pin.length < MAX_DIGITS) {
      pin += key;
      if (message.classList.contains("is-error")) say("");
    }
    drawDots();
  }

  function startCountdown(seconds) {
    blockedUntil = Date.now() + seconds * 1000;
    setPadDisabled(true);
    clearInterval(countdown);
    function tick() {
      var left = Math.ceil((blockedUntil - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(countdown);
        countdown = null;
        setPadDisabled(false);
        say(t("prompt"));
        return;
      }
      say(t("throttled", { n: left }), "error");
    }
    tick();
    countdown = setInterval(tick, 250);
  }

  function submit() {
    if (!pin || locked()) return;
    busy = true;
    setPadDisabled(true);
    say(t("checking"), "busy");
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 8000);
    fetch("/api/v1/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      body: JSON.stringify({ pin: pin }),
      signal: controller.signal,
    })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (res) {
        clearTimeout(timer);
        busy = false;
        if (res.status === 200) {
          say(t("welcome"), "ok");
          document.body.classList.add("is-welcome");
          // The page that asked for the PIN (/control or /admin) now renders for an operator.
          window.location.replace(window.location.pathname + window.location.search);
          return;
        }
        pin = "";
        drawDots();
        if (res.status === 401) {
          setPadDisabled(false);
          say(t("wrong"), "error");
          shake();
        } else if (res.status === 429) {
          startCountdown(Math.max(1, parseInt(res.body.retry_after, 10) || 5));
          shake();
        } else {
          setPadDisabled(false);
          say(t("failed", { code: res.status }), "error");
        }
      })
      .catch(function () {
        clearTimeout(timer);
        busy = false;
        setPadDisabled(false);
        say(t("offline"), "error");
      });
  }

  function shake() {
    dots.classList.remove("is-shaking");
    void dots.offsetWidth; // restart the animation
    dots.classList.add("is-shaking");
  }

  pad.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-key]");
    if (button) press(button.getAttribute("data-key"));
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var key = null;
    if (/^[0-9]$/.test(e.key)) key = e.key;
    else if (e.key === "Backspace" || e.key === "Delete") key = "del";
    else if (e.key === "Enter") key = "ok";
    else if (e.key === "Escape") key = "clear";
    if (key === null) return;
    e.preventDefault();
    press(key);
    var button = pad.querySelector('button[data-key="' + key + '"]');
    if (button) {
      button.classList.add("is-pressed");
      setTimeout(function () { button.classList.remove("is-pressed"); }, 120);
    }
  });

  // Long presses on a tablet must not open menus or select text on the pad.
  pad.addEventListener("contextmenu", function (e) { e.preventDefault(); });

  drawDots();
})();
