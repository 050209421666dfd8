/*
 * The golden key (concierge card) of a project, from the console: its preview, open, print, show on the
 * wall, and a new address (after asking). A warning banner stays up while QR codes would point where
 * phones cannot go (the server says so, in words).
 */
import { $, clear, el, setText } from "../common/dom.js";
import { request } from "../common/http.js";
import { t } from "../common/words.js";
import { send } from "./commands.js";
import { nudge, toast } from "./feedback.js";
import { projectById, selected, ui } from "./model.js";

const dialog = $("card-dialog");
let open = null; // {id, card} while the dialog is open
let warningChecked = false;

function cardPath(projectId) {
  return "/api/v1/projects/" + encodeURIComponent(projectId) + "/card";
}

function api(method, path, body) {
  return request(method, path, body).then((res) => {
    if (res.status === 401) {
      toast(t("session_lost"), "error", 5000);
      setTimeout(() => window.location.replace("/control"), 1200);
    }
    return res;
  });
}

function showWarning(text) {
  $("qr-warning").hidden = !text;
  setText($("qr-warning-text"), text || "");
  document.body.classList.toggle("has-qr-warning", !!text);
}

/** Once per page: ask one card whether the QR codes can be reached from a phone. */
export function checkWarning() {
  if (warningChecked || !ui.state || !ui.state.projects.length) return;
  warningChecked = true;
  api("GET", cardPath(ui.state.projects[0].id)).then(
    (res) => {
      if (res.status === 200 && res.data) showWarning(res.data.warning);
      else warningChecked = false;
    },
    () => {
      warningChecked = false;
    }
  );
}

function openCard(projectId) {
  const p = projectById(projectId);
  if (!p) return;
  open = { id: p.id, card: null };
  $("card-error").hidden = true;
  $("card-warning").hidden = true;
  $("card-note").hidden = true;
  $("card-body").classList.add("is-loading");
  setText($("card-url"), t("card_loading"));
  setText($("card-contact"), "");
  clear($("card-services"));
  $("card-qr").removeAttribute("src");
  showRotate(false);
  refreshCard();
  dialog.returnValue = "";
  if (!dialog.open) dialog.showModal();
  $("card-close").focus();
  load(p.id);
}

function load(projectId) {
  api("GET", cardPath(projectId)).then(
    (res) => {
      if (!open || open.id !== projectId) return;
      if (res.status === 200 && res.data) fill(res.data);
      else fail(t("card_failed", { message: (res.data && res.data.message) || t("server_error", { code: res.status }) }));
    },
    () => {
      if (open && open.id === projectId) fail(t("card_failed", { message: t("conn_reconnecting") }));
    }
  );
}

function fail(text) {
  const box = $("card-error");
  box.hidden = false;
  setText(box, text);
  $("card-body").classList.remove("is-loading");
}

function fill(card) {
  open.card = card;
  $("card-body").classList.remove("is-loading");
  $("card-error").hidden = true;
  // The operators' QR (no-store) with a fresh query: after a new address, the new picture.
  $("card-qr").src = card.qr_svg + "?t=" + Date.now();
  setText($("card-url"), card.url);
  const who = [card.contact_name, card.contact_title, card.contact_phone].filter(Boolean).join(" · ");
  setText($("card-contact"), who || t("card_no_contact"));
  $("card-contact").classList.toggle("is-missing", !who);
  const list = $("card-services");
  clear(list);
  for (const item of card.services || []) list.appendChild(el("li", null, item));
  $("card-open").href = card.url;
  $("card-print").href = card.print;
  const warn = $("card-warning");
  warn.hidden = !card.warning;
  setText(warn, card.warning || "");
  showWarning(card.warning);
}

/** Buttons that depend on the live view: "show on the big screen" only for a signed project. */
export function refreshCard() {
  if (!open) return;
  const p = projectById(open.id);
  const button = $("card-show");
  const signed = !!p && p.status === "signed";
  button.disabled = !signed;
  setText(button, signed ? t("card_show") : t("card_show_unsigned"));
  const head = $("card-project");
  clear(head);
  if (!p) return;
  head.appendChild(document.createTextNode(p.order + ". " + p.name + " "));
  head.appendChild(el("span", "chip is-" + p.status, p.status_text + (p.signed_time ? " " + p.signed_time : "")));
}

function showRotate(on) {
  $("card-rotate-confirm").hidden = !on;
  $("card-actions").hidden = on;
  if (on) $("card-rotate-cancel").focus();
}

export function wireCard() {
  $("btn-card").addEventListener("click", () => {
    const p = selected();
    if (p) openCard(p.id);
  });
  $("card-show").addEventListener("click", () => {
    const p = open && projectById(open.id);
    if (!p || p.status !== "signed") {
      nudge(t("card_show_unsigned"));
      return;
    }
    if (send("cardshow", "show", { screen: "spotlight", project_id: p.id }, { projectId: p.id, projectName: p.name })) {
      dialog.close("show");
    }
  });
  $("card-rotate").addEventListener("click", () => showRotate(true));
  $("card-rotate-cancel").addEventListener("click", () => showRotate(false));
  $("card-rotate-ok").addEventListener("click", () => {
    if (!open) return;
    const id = open.id;
    const ok = $("card-rotate-ok");
    ok.disabled = true;
    setText(ok, t("card_rotating"));
    const done = () => {
      ok.disabled = false;
      setText(ok, t("card_rotate_ok"));
    };
    api("POST", cardPath(id) + "/rotate", {}).then(
      (res) => {
        done();
        if (!open || open.id !== id) return;
        if (res.status === 200 && res.data) {
          showRotate(false);
          fill(res.data);
          const p = projectById(id);
          const onWall = !!p && p.status === "signed" && ui.state.console.rows[id].on_air;
          const note = $("card-note");
          note.hidden = false;
          setText(note, onWall ? t("card_rotated_wall") : t("card_rotated"));
          note.classList.toggle("is-wall", !!onWall);
          toast(t("card_rotated"), "ok", 3000);
        } else {
          const message = (res.data && res.data.message) || t("server_error", { code: res.status });
          toast(t("card_rotate_failed", { message }), "error", 6000);
          if (res.status === 403) setTimeout(() => window.location.reload(), 1200);
        }
      },
      () => {
        done();
        toast(t("card_rotate_failed", { message: t("conn_reconnecting") }), "error", 6000);
      }
    );
  });
  dialog.addEventListener("close", () => {
    open = null;
    showRotate(false);
  });
}
