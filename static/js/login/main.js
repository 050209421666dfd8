/*
 * The PIN pad (/control and /admin when this device is not logged in). Touch first, keyboard too
 * (digits, Backspace, Enter, Escape). On success the page that asked reloads, now for an operator.
 */
import { $, flash, pageData } from "../common/dom.js";
import { request } from "../common/http.js";
import { applyWords, t } from "../common/words.js";

// The longest PIN the server accepts (kiosk.core.access.PIN_MAX_DIGITS).
const maxDigits = pageData("kiosk-settings").pin_max_digits;
let pin = "";
let busy = false;
let blockedUntil = 0;
let countdown = null;
const dots = $("pin-dots");
const message = $("login-message");
const pad = $("pinpad");

function say(text, kind) {
  message.textContent = text || "";
  message.className = "login-message" + (kind ? " is-" + kind : "");
}

function drawDots() {
  dots.replaceChildren();
  const slots = Math.max(6, pin.length);
  for (let i = 0; i < slots; i++) {
    const d = document.createElement("span");
    d.className = "pin-dot" + (i < pin.length ? " is-filled" : "");
    dots.appendChild(d);
  }
  dots.setAttribute("data-count", String(pin.length));
}

const locked = () => busy || Date.now() < blockedUntil;

function setPadDisabled(disabled) {
  for (const b of pad.querySelectorAll("button")) b.disabled = disabled;
  document.body.classList.toggle("is-locked", disabled);
}

function press(key) {
  if (locked()) return;
  if (key === "del") pin = pin.slice(0, -1);
  else if (key === "clear") pin = "";
  else if (key === "ok") {
    submit();
    return;
  } else if (/^[0-9]$/.test(key) && pin.length < maxDigits) {
    pin += key;
    if (message.classList.contains("is-error")) say("");
  }
  drawDots();
}

function startCountdown(seconds) {
  blockedUntil = Date.now() + seconds * 1000;
  setPadDisabled(true);
  clearInterval(countdown);
  const tick = () => {
    const left = Math.ceil((blockedUntil - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(countdown);
      countdown = null;
      setPadDisabled(false);
      say(t("prompt"));
      return;
    }
    say(t("throttled", { n: left }), "error");
  };
  tick();
  countdown = setInterval(tick, 250);
}

function submit() {
  if (!pin || locked()) return;
  busy = true;
  setPadDisabled(true);
  say(t("checking"), "busy");
  request("POST", "/api/v1/session", { pin }, { timeout: 8000 }).then(
    (res) => {
      busy = false;
      if (res.status === 200) {
        say(t(document.body.getAttribute("data-behind") === "stage" ? "welcome_stage" : "welcome"), "ok");
        document.body.classList.add("is-welcome");
        window.location.replace(window.location.pathname + window.location.search);
        return;
      }
      pin = "";
      drawDots();
      if (res.status === 401) {
        setPadDisabled(false);
        say(t("wrong"), "error");
        flash(dots, "is-shaking");
      } else if (res.status === 429) {
        startCountdown(Math.max(1, parseInt(res.data && res.data.retry_after, 10) || 5));
        flash(dots, "is-shaking");
      } else {
        setPadDisabled(false);
        say(t("failed", { code: res.status }), "error");
      }
    },
    () => {
      busy = false;
      setPadDisabled(false);
      say(t("offline"), "error");
    }
  );
}

pad.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-key]");
  if (button) press(button.getAttribute("data-key"));
});

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  let key = null;
  if (/^[0-9]$/.test(e.key)) key = e.key;
  else if (e.key === "Backspace" || e.key === "Delete") key = "del";
  else if (e.key === "Enter") key = "ok";
  else if (e.key === "Escape") key = "clear";
  if (key === null) return;
  e.preventDefault();
  press(key);
  const button = pad.querySelector('button[data-key="' + key + '"]');
  if (button) {
    button.classList.add("is-pressed");
    setTimeout(() => button.classList.remove("is-pressed"), 120);
  }
});

// Long presses on a tablet must not open menus or select text on the pad.
pad.addEventListener("contextmenu", (e) => e.preventDefault());

applyWords();
drawDots();
