/*
 * Admin section 7 — access: named API tokens for AV desks and scripts (made here, shown once, revoked one
 * by one), every device that holds credentials, and the lock a live run puts on the running order at its
 * first signing (the bar above every section; an editor unlocks it, and the audit records who did).
 */
import { $, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { clearErrors, confirmDialog, copyText, currentState, errorMessage, get } from "./shell.js";
import { isShown, section, send, showErrors, toast } from "./shell.js";
import { renderDevices } from "../common/devices.js";

let busy = false;

function load() {
  get("/api/v1/devices").then((res) => {
    if (res.status !== 200 || !res.data) return;
    const options = { canSignOut: true, onSignOut: signOut };
    renderDevices($("token-list"), res.data, Object.assign({ kinds: ["token"] }, options));
    renderDevices($("access-devices"), res.data, Object.assign({ kinds: ["session", "screen"] }, options));
  });
}

function signOut(device, button) {
  send("DELETE", "/api/v1/devices/" + encodeURIComponent(device.id)).then((res) => {
    button.disabled = false;
    if (res.status === 200) toast(t("dev_signed_out", { name: device.name }), "ok", 2500);
    else toast(errorMessage(res), "error", 5000);
    load();
  });
}

function make(e) {
  e.preventDefault();
  const form = $("token-form");
  clearErrors(form);
  $("token-make").disabled = true;
  send("POST", "/api/v1/tokens", { name: $("token-name").value.trim(), scope: $("token-scope").value }).then((res) => {
    $("token-make").disabled = false;
    if (res.status !== 201) {
      const field = res.data && res.data.reason === "invalid_scope" ? "scope" : "name";
      const left = showErrors(form, [{ field, reason: errorMessage(res) }]);
      if (left.length) toast(errorMessage(res), "error", 5000);
      return;
    }
    // Shown this once: the server keeps only its hash.
    $("token-once").hidden = false;
    setText($("token-value"), res.data.token);
    $("token-name").value = "";
    toast(t("token_made", { name: res.data.device.name }), "ok", 2500);
    load();
  });
}

function renderLock(s) {
  const edits = s.edits || {};
  const bar = $("lock-bar");
  bar.hidden = !edits.locked && !edits.unlocked;
  bar.classList.toggle("is-locked", !!edits.locked);
  setText($("lock-text"), edits.note || "");
  setText($("lock-toggle"), edits.locked ? t("unlock_edits") : t("lock_edits"));
  $("lock-toggle").disabled = busy;
}

function toggleLock() {
  const s = currentState();
  if (!s || busy) return;
  const unlock = !!s.edits.locked;
  const go = unlock
    ? confirmDialog({ title: t("unlock_q"), text: [t("unlock_text")], ok: t("unlock_edits"), danger: true })
    : Promise.resolve(true);
  go.then((yes) => {
    if (!yes) return;
    busy = true;
    renderLock(s);
    send("POST", "/api/v1/show/edits", { unlocked: unlock }).then((res) => {
      busy = false;
      if (res.status !== 200) toast(errorMessage(res), "error", 5000);
      const now = currentState();
      if (now) renderLock(now);
    });
  });
}

section({
  id: "access",
  init() {
    $("token-form").addEventListener("submit", make);
    $("token-copy").addEventListener("click", () => {
      copyText($("token-value").textContent, $("token-copy"));
    });
    $("lock-toggle").addEventListener("click", toggleLock);
  },
  show() {
    $("token-once").hidden = true;
    load();
  },
  state(s) {
    renderLock(s);
    if (isShown("access")) load();
  },
});
