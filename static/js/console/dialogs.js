/*
 * The console's questions: undo (naming the project, the safe answer first), log out, this device's name
 * and the AV desk's access, and signing out every device.
 */
import { $, el, setText, storageSet, clear } from "../common/dom.js";
import { request } from "../common/http.js";
import { t, tNodes } from "../common/words.js";
import { blockedBecause, send } from "./commands.js";
import { nudge, toast } from "./feedback.js";
import { changed, ui } from "./model.js";
import { monitorsOn, setMonitors } from "./monitors.js";
import { SETTLE_MS } from "./timing.js";

export const DEVICE_KEY = "kiosk.console.device";

const undoDialog = $("undo-dialog");
let undoOpen = null; // {seq, projectId} while the undo dialog is open

/** The question names the project in bold; the facts (the server's) say what the total will become. */
function fillUndo(undo) {
  const q = $("undo-question");
  clear(q);
  q.append(...tNodes("undo_q", { name: el("strong", null, undo.name) }));
  setText($("undo-facts"), undo.facts);
}

/** A new view while the undo dialog is open: follow it, and say so if another signing would be undone. */
export function refreshUndo() {
  if (!undoOpen) return;
  const undo = ui.state.console.undo;
  if (!undo) {
    undoDialog.close("cancel");
    return;
  }
  fillUndo(undo);
  if (undoOpen.projectId !== undo.project_id) {
    // A different project would be taken back now: say so, and give the eyes a moment before the button.
    undoOpen.projectId = undo.project_id;
    const warn = $("undo-warn");
    warn.hidden = false;
    setText(warn, t("undo_changed"));
    $("undo-ok").disabled = true;
    setTimeout(() => {
      $("undo-ok").disabled = false;
    }, SETTLE_MS);
  }
  undoOpen.seq = ui.state.seq;
}

function openUndo() {
  const why = blockedBecause("undo");
  if (why) {
    nudge(why);
    return;
  }
  const undo = ui.state.console.undo;
  undoOpen = { seq: ui.state.seq, projectId: undo.project_id, name: undo.name };
  fillUndo(undo);
  $("undo-warn").hidden = true;
  $("undo-ok").disabled = false;
  undoDialog.returnValue = "";
  undoDialog.showModal();
  $("undo-cancel").focus();
}

/** Tell the server this tablet's name, so the device list shows it (a viewer sends no commands). */
export function announceName() {
  if (!ui.deviceName) return;
  request("GET", "/api/v1/session", undefined, {
    headers: { "X-Kiosk-Device": encodeURIComponent(ui.deviceName) },
  }).catch(() => {});
}

function curlExample() {
  // The token is never in a page: an editor makes a named one in the admin and gives it to the AV desk.
  return (
    "curl -X POST '" + window.location.origin + "/api/v1/commands' \\\n" +
    "  -H \"Authorization: Bearer $KIOSK_TOKEN\" \\\n" +
    "  -H 'Content-Type: application/json' \\\n" +
    "  -d '{\"command_id\":\"deck-'$(date +%s%N)'\",\"action\":\"show\",\"screen\":\"blank\"}'"
  );
}

export function wireDialogs() {
  $("btn-undo").addEventListener("click", openUndo);
  undoDialog.addEventListener("close", () => {
    const opened = undoOpen;
    undoOpen = null;
    if (undoDialog.returnValue !== "undo" || !opened) return;
    const undo = ui.state && ui.state.console.undo;
    send("undo", "undo", { expected_seq: opened.seq }, {
      projectId: opened.projectId,
      projectName: undo && undo.project_id === opened.projectId ? undo.name : opened.name,
    });
  });

  // Settings: this device's name, and the AV desk's access.
  const settings = $("settings-dialog");
  const input = $("device-input");
  const monitors = $("monitors-input");
  monitors.addEventListener("change", () => setMonitors(monitors.checked));
  $("device-btn").addEventListener("click", () => {
    input.value = ui.deviceName || t("device_default");
    monitors.checked = monitorsOn();
    $("av-curl").value = curlExample();
    settings.returnValue = "";
    settings.showModal();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      settings.close("save");
    }
  });
  settings.addEventListener("close", () => {
    hideSignout();
    if (settings.returnValue !== "save") return;
    const name = input.value.trim().slice(0, input.maxLength > 0 ? input.maxLength : undefined);
    ui.deviceName = name && name !== t("device_default") ? name : "";
    storageSet(DEVICE_KEY, ui.deviceName);
    announceName();
    toast(t("saved_device", { name: ui.deviceName || t("device_default") }), "ok", 2000);
    changed();
  });
  $("av-copy").addEventListener("click", () => {
    const curl = $("av-curl");
    const fallback = () => {
      curl.focus();
      curl.select();
      let ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      toast(ok ? t("copied") : t("copy_failed"), ok ? "ok" : "warn", 2500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(curl.value).then(() => toast(t("copied"), "ok", 2000), fallback);
    } else {
      fallback();
    }
  });

  // Sign out every device (a tablet went missing, the PIN leaked), after asking. Not on a viewer's tablet.
  if ($("signout-all-btn")) wireSignoutAll();

  // Logout, after asking (a stray tap must not cost a PIN entry in the middle of the ceremony).
  const logout = $("logout-dialog");
  $("logout-btn").addEventListener("click", () => {
    logout.returnValue = "";
    logout.showModal();
  });
  logout.addEventListener("close", () => {
    if (logout.returnValue !== "logout") return;
    request("DELETE", "/api/v1/session")
      .catch(() => {})
      .then(() => window.location.replace("/control"));
  });
}

function wireSignoutAll() {
  $("signout-all-btn").addEventListener("click", () => {
    $("signout-confirm").hidden = false;
    $("signout-all-btn").hidden = true;
    $("signout-cancel").focus();
  });
  $("signout-cancel").addEventListener("click", hideSignout);
  $("signout-ok").addEventListener("click", () => {
    const ok = $("signout-ok");
    ok.disabled = true;
    request("POST", "/api/v1/session/sign-out-all", {}).then(
      (res) => {
        if (res.status === 200 || res.status === 401) {
          window.location.replace("/control");
          return;
        }
        ok.disabled = false;
        const message = (res.data && res.data.message) || t("server_error", { code: res.status });
        toast(t("signout_all_failed", { message }), "error", 6000);
      },
      () => {
        ok.disabled = false;
        toast(t("signout_all_failed", { message: t("conn_reconnecting") }), "error", 6000);
      }
    );
  });

}

function hideSignout() {
  if (!$("signout-confirm")) return;
  $("signout-confirm").hidden = true;
  $("signout-all-btn").hidden = false;
}
