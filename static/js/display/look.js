/*
 * The event's own look on the wall: theme, the organiser's logo (small beside the title on every screen
 * but the title screen, which shows it large), background picture (behind the stage, under a tint that
 * keeps the text legible) and colours (primary replaces the theme's red or blue, accent its gold).
 */
import { mediaUrl, showImage } from "../common/dom.js";
import { fitText, setWordsText } from "../common/fit.js";

const body = document.body;
let lookKey = null;

function hexRgb(hex) {
  const m = /^#([0-9a-f]{6})$/i.exec(hex || "");
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** ``rgb`` moved toward white (amount > 0) or black (amount < 0), as a CSS colour. */
function shade(rgb, amount, alpha) {
  const target = amount > 0 ? 255 : 0;
  const k = Math.abs(amount);
  const c = rgb.map((v) => Math.round(v + (target - v) * k));
  return alpha === undefined ? "rgb(" + c.join(",") + ")" : "rgba(" + c.join(",") + "," + alpha + ")";
}

const VARS = ["--bg", "--bg-hi", "--bg-deep", "--letterbox", "--seal-ink", "--panel", "--gold", "--gold-hi",
  "--gold-mid", "--gold-lo", "--line", "--line-soft", "--glow"];

function reducedMotion() {
  return !!window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

export function applyEvent(view) {
  const e = view.event;
  body.classList.toggle("lang-en", view.lang === "en");
  body.classList.toggle("lang-zh", view.lang !== "en");
  const blue = e.theme === "blue";
  body.classList.toggle("theme-blue", blue);
  body.classList.toggle("theme-red", !blue);
  // A calm wall, fades only (display.css, fx.js, moments.js): the organiser's setting, or the wall PC's
  // system asking for reduced motion.
  body.classList.toggle("calm", !!e.calm || reducedMotion());
  setWordsText(document.getElementById("masthead-title"), e.title || "");
  fitMasthead();
  if (e.title && document.title !== e.title) document.title = e.title;
  applyLook(e);
}

/**
 * The event's name over every screen, whole: on one line down to the wall's 28 px floor, else on two
 * lines, broken between words (never "…": an upright totem is narrower than the name).
 */
export function fitMasthead() {
  const title = document.getElementById("masthead-title");
  title.classList.add("one-line");
  fitText(title, 38, 28);
  if (!title.classList.contains("clamped")) return;
  title.classList.remove("one-line");
  fitText(title, 34, 28, title.parentNode.clientHeight);
}

function applyLook(e) {
  const colors = e.colors || {};
  const logo = mediaUrl(e.logo_url);
  const photo = mediaUrl(e.background_url);
  const key = JSON.stringify([colors.primary, colors.accent, logo, photo]);
  if (key === lookKey) return;
  lookKey = key;

  const vars = {};
  const primary = hexRgb(colors.primary);
  if (primary) {
    vars["--bg"] = shade(primary, 0);
    vars["--bg-hi"] = shade(primary, 0.22);
    vars["--bg-deep"] = shade(primary, -0.55);
    vars["--letterbox"] = shade(primary, -0.75);
    vars["--seal-ink"] = shade(primary, -0.1);
    vars["--panel"] = shade(primary, -0.7, 0.34);
  }
  const accent = hexRgb(colors.accent);
  if (accent) {
    vars["--gold"] = shade(accent, 0);
    vars["--gold-hi"] = shade(accent, 0.7);
    vars["--gold-mid"] = shade(accent, 0.1);
    vars["--gold-lo"] = shade(accent, -0.25);
    vars["--line"] = shade(accent, 0, 0.55);
    vars["--line-soft"] = shade(accent, 0, 0.22);
    vars["--glow"] = shade(accent, 0.2, 0.35);
  }
  for (const name of VARS) {
    if (vars[name]) body.style.setProperty(name, vars[name]);
    else body.style.removeProperty(name);
  }
  body.classList.toggle("custom-primary", !!primary);
  body.classList.toggle("custom-accent", !!accent);

  showImage(document.getElementById("masthead-logo"), logo);
  body.classList.toggle("has-logo", !!logo);

  const photoNode = document.getElementById("backdrop-photo");
  // (mediaUrl() admits only /media/<name> with plain characters, so the url() needs no escaping)
  photoNode.style.backgroundImage = photo ? 'url("' + photo + '")' : "";
  body.classList.toggle("has-photo", !!photo);
}
