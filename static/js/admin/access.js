/*
 * Admin section 7 — access: named API tokens for AV desks and scripts (made here, shown once, revoked one
 * by one), every device that holds credentials, and the lock a live run puts on the running order at its
 * first signing (the bar above every section; an editor unlocks it, and the audit records who did).
 */
import { KA } from "./shell.js";
import { renderDevices } from "../common/devices.js";

  var t = KA.t, $ = KA.$, setText = KA.setText;
  var busy = false;

  function load() {
    KA.get("/api/v1/devices").then(function (res) {
      if (res.status !== 200 || !res.data) return;
      var options = { canSignOut: true, onSignOut: signOut };
      renderDevices($("token-list"), res.data, Object.assign({ kinds: ["token"] }, options));
      renderDevices($("access-devices"), res.data, Object.assign({ kinds: ["session", "screen"] }, options));
    });
  }

  function signOut(device, button) {
    KA.send("DELETE", "/api/v1/devices/" + encodeURIComponent(device.id)).then(function (res) {
      button.disabled = false;
      if (res.status === 200) KA.toast(t("dev_signed_out", { name: device.name }), "ok", 2500);
      else KA.toast(KA.errorMessage(res), "error", 5000);
      load();
    });
  }

  function make(e) {
    e.preventDefault();
    var form = $("token-form");
    KA.clearErrors(form);
    $("token-make").disabled = true;
    KA.send("POST", "/api/v1/tokens", { name: $("token-name").value.trim(), scope: $("token-scope").value }).then(
      function (res) {
        $("token-make").disabled = false;
        if (res.status !== 201) {
          var field = res.data && res.data.reason === "invalid_scope" ? "scope" : "name";
          var left = KA.showErrors(form, [{ field: field, reason: KA.errorMessage(res) }]);
          if (left.length) KA.toast(KA.errorMessage(res), "error", 5000);
          return;
        }
        // Shown this once: the server keeps only its hash.
        $("token-once").hidden = false;
        setText($("token-value"), res.data.token);
        $("token-name").value = "";
        KA.toast(t("token_made", { name: res.data.device.name }), "ok", 2500);
        load();
      }
    );
  }

  function renderLock(s) {
    var edits = s.edits || {};
    var bar = $("lock-bar");
    bar.hidden = !edits.locked && !edits.unlocked;
    bar.classList.toggle("is-locked", !!edits.locked);
    setText($("lock-text"), edits.note || "");
    setText($("lock-toggle"), edits.locked ? t("unlock_edits") : t("lock_edits"));
    $("lock-toggle").disabled = busy;
  }

  function toggleLock() {
    var s = KA.state();
    if (!s || busy) return;
    var unlock = !!s.edits.locked;
    var go = unlock
      ? KA.confirm({ title: t("unlock_q"), text: [t("unlock_text")], ok: t("unlock_edits"), danger: true })
      : Promise.resolve(true);
    go.then(function (yes) {
      if (!yes) return;
      busy = true;
      renderLock(s);
      KA.send("POST", "/api/v1/show/edits", { unlocked: unlock }).then(function (res) {
        busy = false;
        if (res.status !== 200) KA.toast(KA.errorMessage(res), "error", 5000);
        var now = KA.state();
        if (now) renderLock(now);
      });
    });
  }

  KA.section({
    id: "access",
    init: function () {
      $("token-form").addEventListener("submit", make);
      $("token-copy").addEventListener("click", function () { KA.copyText($("token-value").textContent, $("token-copy")); });
      $("lock-toggle").addEventListener("click", toggleLock);
    },
    show: function () {
      $("token-once").hidden = true;
      load();
    },
    state: function (s) {
      renderLock(s);
      if (KA.isShown("access")) load();
    },
  });
