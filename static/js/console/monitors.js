/*
 * What the room sees, drawn by the wall's own code: the program monitor (the main wall's picture, live)
 * and the preview monitor (what the next press would put there: announce, confirm or show again the
 * target project, or the armed black or finale). The preview is the server's public view after that
 * command, as POST /api/v1/preview answers it without running anything, posted into a wall page that
 * draws what it is given (/display?preview=1&feed=parent). And the screens dialog: every paired screen
 * with its live picture, its state and its layout, chosen here.
 */
import { $, add, clear, el, setText, storageGet, storageSet } from "../common/dom.js";
import { request } from "../common/http.js";
import { t } from "../common/words.js";
import { toast } from "./feedback.js";
import { rowFacts, screenLabel, selected, ui } from "./model.js";
import { wallInfo } from "./render.js";

const PREVIEW_WAIT_MS = 120;
const MONITORS_KEY = "kiosk.console.monitors";
const frame = $("pvw-frame");
const preview = { key: null, timer: 0, state: null, loaded: false };

frame.addEventListener("load", () => {
  const src = frame.getAttribute("src");
  preview.loaded = !!src && src !== "about:blank";
  post();
});

/** Whether this tablet draws the program and preview monitors: a choice kept per device (settings). */
export function monitorsOn() {
  // (the copy the service worker kept has no server to draw them from)
  return storageGet(MONITORS_KEY) !== "off" && !document.body.classList.contains("is-kept");
}

/** Load or unload the two wall pages: off, they are blank documents, not hidden ones still drawing. */
function applyMonitors() {
  const on = monitorsOn();
  document.querySelector(".side").classList.toggle("no-monitors", !on);
  for (const id of ["pgm-frame", "pvw-frame"]) {
    const picture = $(id);
    const src = on ? picture.getAttribute("data-src") : "about:blank";
    if (picture.getAttribute("src") !== src) picture.setAttribute("src", src);
  }
  preview.loaded = false;
  preview.key = null;
  if (on) refreshPreview();
}

export function setMonitors(on) {
  storageSet(MONITORS_KEY, on ? "on" : "off");
  applyMonitors();
}

function post() {
  if (preview.loaded && preview.state && frame.contentWindow) {
    frame.contentWindow.postMessage({ kiosk: "view", state: preview.state }, window.location.origin);
  }
}

/** The command the preview shows: the armed screen, else the target project's next step. */
function upcoming() {
  if (ui.armed) return { body: { action: "show", screen: ui.armed }, what: t("pvw_screen", { screen: screenLabel(ui.armed) }) };
  // With an agenda the next press is GO (or, a round on the wall, its confirm), unless a row was tapped.
  const ros = ui.state.run_of_show;
  if (ros && ros.cues.length && !ui.manualId) {
    if (ros.round) return { body: { action: "confirm", project_ids: ros.round.project_ids }, what: t("pvw_confirm") };
    if (!ros.go.blocked) return { body: { action: "go", cue_id: ros.go.cue_id }, what: t("pvw_go") };
  }
  const p = selected();
  const facts = p && rowFacts(p.id);
  if (!facts) return null;
  const action = facts.next_action;
  const body = action === "show" ? { action, screen: "spotlight", project_id: p.id } : { action, project_id: p.id };
  return { body, what: t("pvw_" + action) };
}

export function refreshPreview() {
  const s = ui.state;
  if (!s || !monitorsOn()) return;
  const next = upcoming();
  const key = JSON.stringify([next && next.body, s.seq, s.log_id, s.lang]);
  if (key === preview.key) return;
  preview.key = key;
  setText($("pvw-what"), next ? next.what : "");
  $("pvw-none").hidden = !!next;
  frame.style.visibility = next ? "" : "hidden";
  clearTimeout(preview.timer);
  if (!next) return;
  // (a burst of changes, a row tapped twice: one request for the last of them)
  preview.timer = setTimeout(() => {
    request("POST", "/api/v1/preview", next.body).then(
      (res) => {
        if (preview.key !== key || res.status !== 200 || !res.data) return;
        preview.state = res.data.state;
        post();
      },
      () => {}
    );
  }, PREVIEW_WAIT_MS);
}

// -- every paired screen ---------------------------------------------------------------------------------

const dialog = $("screens-dialog");
const canRun = !document.body.classList.contains("is-readonly");
const cards = new Map(); // device id -> its card (kept across redraws, so its picture does not reload)

function layoutLabel(id) {
  const layout = ui.state && (ui.state.layouts || []).find((l) => l.id === id);
  return layout ? layout.label : t("scr_auto");
}

function thumbUrl(layout) {
  return "/display?preview=1&layout=" + encodeURIComponent(layout || "main");
}

function setLayout(wall, layout, button) {
  button.disabled = true;
  request("PUT", "/api/v1/screens/" + encodeURIComponent(wall.device_id) + "/layout", { layout }).then(
    (res) => {
      button.disabled = false;
      if (res.status === 200) toast(t("scr_set", { name: wall.name, layout: layoutLabel(layout) }), "ok", 3000);
      else toast(t("scr_failed", { message: (res.data && res.data.message) || res.status }), "error", 5000);
    },
    () => {
      button.disabled = false;
      toast(t("offline"), "error", 5000);
    }
  );
}

function card(wall) {
  let item = cards.get(wall.device_id);
  if (!item) {
    item = el("li", "scr-card");
    item.setAttribute("data-id", wall.device_id);
    const thumb = el("div", "scr-thumb");
    const picture = el("iframe");
    picture.tabIndex = -1;
    thumb.appendChild(picture);
    const who = el("div", "scr-who");
    const name = el("div", "scr-name");
    const state = el("div", "scr-state");
    const shows = el("div", "scr-shows");
    add(who, name, state, shows);
    const choices = el("div", "scr-layouts");
    choices.setAttribute("role", "group");
    add(item, thumb, who, choices);
    item._parts = { thumb, picture, name, state, shows, choices, choicesKey: null };
    cards.set(wall.device_id, item);
  }
  const parts = item._parts;
  const drawn = wall.drawn_layout || wall.layout || "main";
  // A portrait screen's picture stands upright in its box.
  parts.thumb.classList.toggle("is-portrait", drawn === "totem");
  const src = thumbUrl(drawn);
  if (parts.picture.getAttribute("src") !== src) parts.picture.setAttribute("src", src);
  parts.picture.title = wall.name;
  const info = wallInfo(wall);
  item.className = "scr-card is-" + info.cls;
  setText(parts.name, wall.name);
  setText(parts.state, info.text);
  setText(parts.shows, typeof wall.seq === "number" ? t("scr_shows", { layout: layoutLabel(drawn), seq: wall.seq }) : "");
  const choicesKey = JSON.stringify([wall.layout, ui.state && ui.state.lang]);
  if (parts.choicesKey !== choicesKey) {
    parts.choicesKey = choicesKey;
    clear(parts.choices);
    const options = [{ id: null, label: t("scr_auto") }].concat((ui.state && ui.state.layouts) || []);
    for (const option of options) {
      const button = el("button", "small-btn scr-layout" + ((wall.layout || null) === option.id ? " is-on" : ""), option.label);
      button.type = "button";
      button.setAttribute("aria-pressed", (wall.layout || null) === option.id ? "true" : "false");
      button.setAttribute("data-layout", option.id || "auto");
      button.disabled = !canRun;
      button.addEventListener("click", () => setLayout(wall, option.id, button));
      parts.choices.appendChild(button);
    }
  }
  return item;
}

export function renderScreens() {
  if (!dialog.open) return;
  const list = $("scr-list");
  const ids = new Set(ui.walls.map((w) => w.device_id));
  for (const [id, item] of cards) {
    if (!ids.has(id)) {
      item.remove();
      cards.delete(id);
    }
  }
  const empty = list.querySelector(".scr-empty");
  if (!ui.walls.length && !empty) list.appendChild(el("li", "scr-empty", t("scr_none")));
  if (ui.walls.length && empty) empty.remove();
  ui.walls.forEach((wall, index) => {
    const item = card(wall);
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
  });
}

// The side's size, for the monitors' height and their giving way on a short screen (console.css). Read here
// rather than through a size container around the monitors, in which Chromium stopped painting them.
const SHORT_SIDE_PX = 430;

function followSide() {
  const side = document.querySelector(".side");
  if (!side || typeof ResizeObserver !== "function") return;
  new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    side.style.setProperty("--side-w", box.width + "px");
    side.style.setProperty("--side-h", box.height + "px");
    side.classList.toggle("is-short", box.height <= SHORT_SIDE_PX);
  }).observe(side);
}

export function wireMonitors() {
  followSide();
  applyMonitors();
  const open = () => {
    if (!dialog.open) dialog.showModal();
    renderScreens();
  };
  $("pgm").addEventListener("click", open);
  $("walls").addEventListener("click", open);
  $("walls").addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    }
  });
  dialog.addEventListener("close", () => {
    // The pictures stop with the dialog: each is a wall page with its own connection.
    for (const item of cards.values()) item.remove();
    cards.clear();
  });
}
