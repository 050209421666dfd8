/*
 * Admin section 1 — event settings: the event form, the big-screen preview, logo and background pictures.
 *
 * The form follows the live state while it holds no unsaved edit; with an edit in progress a change made
 * elsewhere is announced (and can be loaded) rather than typed over.
 */
import { $, mediaUrl, setText, showImage } from "../common/dom.js";
import { t } from "../common/words.js";
import { clearErrors, confirmDialog, currentState, errorMessage, refresh, section } from "./shell.js";
import { send, settings, showErrors, toast, upload } from "./shell.js";

const TEXT_FIELDS = ["title", "subtitle", "date", "timezone", "venue", "host"];
// The English forms (blank: an English screen shows the Chinese).
const ENGLISH_FIELDS = ["title_en", "subtitle_en", "venue_en", "host_en"];
const SELECT_FIELDS = ["money_unit", "money_decimals", "publish_in_advance", "show_goal", "calm"];
const COLOR_FIELDS = ["primary_color", "accent_color"];
const THEME_COLORS = settings.theme_colors;
// What a colour looks like, from the server's rule for the field (it checks the same on save).
const HEX = new RegExp("^(?:" + settings.limits.primary_color.pattern + ")$");
const MAX_IMAGE = settings.max_image_bytes;

let form,
  baseline = null,
  saving = false;

function fromEvent(e) {
  const colors = e.colors || {};
  // What was typed, both languages (the view's title is the screens', English in an English event).
  const typed = e.typed || e;
  const english = {};
  ENGLISH_FIELDS.forEach((k) => {
    english[k] = typed[k] || "";
  });
  return {
    title: typed.title || "",
    subtitle: typed.subtitle || "",
    date: e.date || "",
    timezone: e.timezone || "",
    venue: typed.venue || "",
    host: typed.host || "",
    ...english,
    language: e.language === "en" ? "en" : "zh",
    theme: e.theme === "blue" ? "blue" : "red",
    primary_color: colors.primary || "",
    accent_color: colors.accent || "",
    money_unit: e.money_unit || "auto",
    money_decimals: String(e.money_decimals === undefined ? 2 : e.money_decimals),
    publish_in_advance: e.publish_in_advance ? "true" : "false",
    show_goal: e.show_goal ? "true" : "false",
    calm: e.calm ? "true" : "false",
  };
}

function radio(name) {
  const checked = form.querySelector('input[name="' + name + '"]:checked');
  return checked ? checked.value : "";
}

function values() {
  const v = {};
  TEXT_FIELDS.concat(ENGLISH_FIELDS, COLOR_FIELDS).forEach((k) => {
    v[k] = form.elements[k].value.trim();
  });
  v.language = radio("language");
  v.theme = radio("theme");
  SELECT_FIELDS.forEach((k) => {
    v[k] = form.elements[k].value;
  });
  COLOR_FIELDS.forEach((k) => {
    v[k] = v[k].toLowerCase();
  });
  return v;
}

function same(a, b) {
  if (!a || !b) return false;
  return Object.keys(a).every((k) => String(a[k]).toLowerCase() === String(b[k]).toLowerCase());
}

function dirty() {
  return baseline !== null && !same(values(), baseline);
}

function fill(v) {
  baseline = v;
  TEXT_FIELDS.concat(ENGLISH_FIELDS, COLOR_FIELDS, SELECT_FIELDS).forEach((k) => {
    form.elements[k].value = v[k];
  });
  ["language", "theme"].forEach((name) => {
    form.querySelectorAll('input[name="' + name + '"]').forEach((r) => {
      r.checked = r.value === v[name];
    });
  });
  syncPickers();
  clearErrors(form);
  setText($("event-message"), "");
  $("event-remote").hidden = true;
  changed();
}

function effectiveColor(key, v) {
  const own = v[key];
  return HEX.test(own) ? own.toLowerCase() : THEME_COLORS[v.theme || "red"][key];
}

function syncPickers() {
  const v = values();
  COLOR_FIELDS.forEach((k) => {
    form.querySelector('.color-pick[data-for="' + k + '"]').value = effectiveColor(k, v);
    form.querySelector('.color-reset[data-for="' + k + '"]').disabled = !v[k];
    form.elements[k].placeholder = t("color_placeholder");
  });
}

function changed() {
  const isDirty = dirty();
  $("event-dirty").hidden = !isDirty;
  $("event-revert").disabled = !isDirty || saving;
  renderPreview();
}

/** A darker shade of a #rrggbb colour, for the wall's gradient. */
function shade(hex, factor) {
  const n = parseInt(hex.slice(1), 16);
  const r = Math.round(((n >> 16) & 255) * factor);
  const g = Math.round(((n >> 8) & 255) * factor);
  const b = Math.round((n & 255) * factor);
  return "rgb(" + r + "," + g + "," + b + ")";
}

function renderPreview() {
  const v = values();
  const s = currentState();
  const e = (s && s.event) || {};
  const primary = effectiveColor("primary_color", v);
  const accent = effectiveColor("accent_color", v);
  const bg = $("wall-bg");
  const gradient = "radial-gradient(ellipse at 50% 35%, " + primary + " 0%, " + shade(primary, 0.55) + " 75%)";
  const picture = mediaUrl(e.background_url);
  bg.style.backgroundImage = picture
    ? 'linear-gradient(rgba(0,0,0,0.35), rgba(0,0,0,0.35)), url("' + picture + '")'
    : gradient;
  bg.style.backgroundColor = primary;
  $("wall-preview").style.color = accent;
  setText($("wall-title"), v.title || "—");
  setText($("wall-subtitle"), v.subtitle);
  // The saved date as the wall writes it (the server's words); a date being typed, as typed until saved.
  const date = v.date && v.date === e.date ? e.date_text : v.date;
  const meta = [date, v.venue].filter(Boolean).join(" · ");
  setText($("wall-meta"), meta);
  showImage($("wall-logo"), mediaUrl(e.logo_url));
  $("swatch-primary").style.background = primary;
  $("swatch-accent").style.background = accent;
  setText($("swatch-primary-code"), v.primary_color ? primary : primary + " (" + t("theme_default") + ")");
  setText($("swatch-accent-code"), v.accent_color ? accent : accent + " (" + t("theme_default") + ")");
}

function renderMedia(e) {
  document.querySelectorAll("#sec-event .media").forEach((box) => {
    const kind = box.getAttribute("data-kind");
    const url = mediaUrl(kind === "logo" ? e.logo_url : e.background_url);
    showImage(box.querySelector(".media-thumb img"), url);
    box.querySelector(".media-empty").hidden = !!url;
    box.querySelector(".media-remove").hidden = !url;
    const label = box.querySelector(".media-upload-label");
    label.setAttribute("data-t", url ? "replace_file" : "upload");
    setText(label, t(url ? "replace_file" : "upload"));
  });
}

function save(e) {
  e.preventDefault();
  if (saving) return;
  const v = values();
  clearErrors(form);
  setText($("event-message"), "");
  saving = true;
  const button = $("event-save");
  button.classList.add("is-busy");
  send("PUT", "/api/v1/event", v).then((res) => {
    saving = false;
    button.classList.remove("is-busy");
    if (res.status === 200 && res.data) {
      fill(fromEvent(res.data));
      toast(t("event_saved"), "ok", 2500);
      return;
    }
    if (res.status === 400 && res.data && res.data.errors) {
      const left = showErrors(form, res.data.errors);
      setText($("event-message"), left.length ? res.data.message : t("fix_fields"));
    } else if (res.status !== 401) {
      setText($("event-message"), errorMessage(res));
    }
    changed();
  });
}

function mediaWord(kind) {
  return t(kind === "logo" ? "logo" : "background");
}

function uploadMedia(box, file) {
  const kind = box.getAttribute("data-kind");
  const error = box.querySelector(".media-error");
  setText(error, "");
  if (file.size > MAX_IMAGE) {
    setText(error, t("media_too_big"));
    return;
  }
  const button = box.querySelector(".file-btn");
  button.classList.add("is-busy");
  upload("/api/v1/event/media/" + kind, file).then((res) => {
    button.classList.remove("is-busy");
    if (res.status === 200 && res.data) {
      renderMedia(res.data);
      toast(t("media_uploaded", { what: mediaWord(kind) }), "ok", 2500);
      refresh();
    } else if (res.status !== 401) {
      setText(error, errorMessage(res));
    }
  });
}

function removeMedia(box) {
  const kind = box.getAttribute("data-kind");
  confirmDialog({
    title: t("media_remove_q", { what: mediaWord(kind) }),
    text: [t("media_remove_text")],
    ok: t("remove"),
    danger: true,
  }).then((yes) => {
    if (!yes) return;
    send("DELETE", "/api/v1/event/media/" + kind).then((res) => {
      if (res.status === 200 && res.data) {
        renderMedia(res.data);
        toast(t("media_removed", { what: mediaWord(kind) }), "ok", 2500);
        refresh();
      } else if (res.status !== 401) {
        setText(box.querySelector(".media-error"), errorMessage(res));
      }
    });
  });
}

function init() {
  form = $("event-form");
  form.addEventListener("submit", save);
  form.addEventListener("input", (e) => {
    const target = e.target;
    if (target.classList.contains("color-pick")) {
      form.elements[target.getAttribute("data-for")].value = target.value;
    } else if (target.classList.contains("color-text") && HEX.test(target.value.trim())) {
      form.querySelector('.color-pick[data-for="' + target.name + '"]').value = target.value.trim().toLowerCase();
    }
    if (target.name === "theme" || target.classList.contains("color-pick") || target.classList.contains("color-text")) {
      syncPickers();
    }
    const field = target.closest(".field");
    if (field && field.classList.contains("is-invalid")) {
      field.classList.remove("is-invalid");
      setText(field.querySelector(".field-error"), "");
    }
    changed();
  });
  form.addEventListener("change", () => {
    syncPickers();
    changed();
  });
  form.querySelectorAll(".color-reset").forEach((b) => {
    b.addEventListener("click", () => {
      form.elements[b.getAttribute("data-for")].value = "";
      syncPickers();
      changed();
    });
  });
  $("event-revert").addEventListener("click", () => {
    const s = currentState();
    if (s) fill(fromEvent(s.event));
  });
  $("event-reload").addEventListener("click", () => {
    const s = currentState();
    if (s) fill(fromEvent(s.event));
  });
  document.querySelectorAll("#sec-event .media").forEach((box) => {
    const input = box.querySelector(".media-file");
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      input.value = "";
      if (file) uploadMedia(box, file);
    });
    box.querySelector(".media-remove").addEventListener("click", () => {
      removeMedia(box);
    });
  });
  window.addEventListener("beforeunload", (e) => {
    if (dirty()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
}

/** What an English ceremony still shows in Chinese (the server counts it), as information. */
function renderMissing(s) {
  const missing = s.missing_english;
  const box = $("event-missing-en");
  box.hidden = !(missing && missing.text);
  setText(box, missing ? missing.text : "");
}

function onState(s) {
  renderMissing(s);
  const incoming = fromEvent(s.event || {});
  if (baseline === null || !dirty()) {
    if (!same(incoming, baseline)) fill(incoming);
  } else if (!same(incoming, baseline)) {
    $("event-remote").hidden = same(incoming, values());
  }
  renderMedia(s.event || {});
  renderPreview();
}

section({
  id: "event",
  init,
  state: onState,
  language() {
    syncPickers();
    changed();
  },
  dirty,
});
