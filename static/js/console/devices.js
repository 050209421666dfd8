/*
 * The console's device list: who holds credentials now (each console, viewer, editor, token and paired
 * screen), signing one out, approving a screen that waits with its code, and making a pairing link.
 * Fetched when the dialog opens and again whenever the screens change while it is open.
 */
import { $, setText } from "../common/dom.js";
import { request } from "../common/http.js";
import { renderDevices } from "../common/devices.js";
import { t } from "../common/words.js";
import { toast } from "./feedback.js";

const dialog = $("devices-dialog");
const canRun = !document.body.classList.contains("is-readonly");

function failed(res) {
  return (res.data && res.data.message) || t("server_error", { code: res.status });
}

function load() {
  return request("GET", "/api/v1/devices").then(
    (res) => {
      if (res.status !== 200 || !res.data) return;
      renderDevices($("dev-list"), res.data, {
        canSignOut: canRun,
        onSignOut: signOut,
        canPair: canRun,
        onPair: pair,
        waitingList: $("dev-waiting"),
      });
      $("dev-waiting-box").hidden = !(res.data.waiting || []).length;
    },
    () => {}
  );
}

function signOut(device, button) {
  request("DELETE", "/api/v1/devices/" + encodeURIComponent(device.id)).then(
    (res) => {
      if (res.status === 200) toast(t("dev_signed_out", { name: device.name }), "ok", 3000);
      else toast(failed(res), "error", 5000);
      button.disabled = false;
      load();
    },
    () => {
      button.disabled = false;
      toast(t("offline"), "error", 5000);
    }
  );
}

function pair(entry, button) {
  request("POST", "/api/v1/screens/pair", { code: entry.code }).then(
    (res) => {
      button.disabled = false;
      if (res.status === 200) toast(t("dev_paired", { name: res.data.name }), "ok", 3000);
      else toast(failed(res), "error", 5000);
      setTimeout(load, 1500);
    },
    () => {
      button.disabled = false;
      toast(t("offline"), "error", 5000);
    }
  );
}

export function wireDevices() {
  $("devices-btn").addEventListener("click", () => {
    load();
    dialog.showModal();
  });
  const make = $("dev-link-make");
  if (make) {
    make.addEventListener("click", () => {
      const name = $("dev-link-name").value.trim() || t("dev_link_default");
      make.disabled = true;
      const page = $("dev-link-page") ? $("dev-link-page").value : "display";
      request("POST", "/api/v1/screens/pairing-links", { name, page }).then(
        (res) => {
          make.disabled = false;
          if (res.status !== 201) {
            toast(failed(res), "error", 5000);
            return;
          }
          $("dev-link-out").hidden = false;
          setText($("dev-link-url"), res.data.url);
          setText($("dev-link-note"), t("dev_link_note", { minutes: Math.round(res.data.expires_in / 60) }));
        },
        () => {
          make.disabled = false;
          toast(t("offline"), "error", 5000);
        }
      );
    });
  }
}

/** The screens changed (one connected, paired or left): redraw the list if it is open. */
export function screensChanged() {
  if (dialog.open) load();
}
