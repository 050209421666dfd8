/*
 * The big screen (/display). Draws the ceremony from the public view that common/live.js delivers.
 *
 * Rules of the audience's picture:
 *  - everything from the server goes in with textContent / createElement, never as HTML;
 *  - a broadcast ("live") may animate: crossfades, the climbing total, the seal and the gold burst;
 *    a catch-up ("sync": reload, reconnect, HTTP fallback) redraws the same picture without celebrating;
 *  - nothing here ever shows an error: without a server the last picture stays, with a dim dot after 3 s.
 * What the wall shows (view.wall) and every word and figure come from the server; the modules beside this
 * one lay them out: screens, band (the running total), fx (the celebration), look (the event's look).
 */
import { expose } from "../common/hooks.js";
import { keepPage } from "../common/keeper.js";
import { connect } from "../common/live.js";
import { ensureLanguage } from "../common/words.js";
import { resetTotal, updateBand } from "./band.js";
import { isCelebrating, sizeCanvas, startCelebration, stopFx } from "./fx.js";
import { refreshImages } from "./images.js";
import { applyEvent, fitMasthead } from "./look.js";
import { showCaption } from "./caption.js";
import { attachInk, followSigning, signingShape, updateSigning } from "./certificate.js";
import { build, buildRound, buildRoll, buildSpotlight, setSealState } from "./screens.js";
import { stopLobby } from "./lobby.js";
import { revealFinale, showMilestone, stopMilestone, stopReveal } from "./moments.js";

const OFFLINE_DOT_MS = 3000;
const ENTER_MS = 300; // display.css: .screen.after-leaving --enter
const MILESTONE_AFTER_MS = 1500; // the seal has landed and the golden key is in (display.css: .stamp)
const body = document.body;
const stage = document.getElementById("stage");
const screensEl = document.getElementById("screens");
const connDot = document.getElementById("conn-dot");
const view = { key: null, sig: null, node: null };
let lang = null;

// ---------------------------------------------------------------- layout and stage scaling

// What this screen draws: the main wall, a portrait totem, a side screen (the roll and the total) or the
// lobby's golden-key codes. The address (?layout=) wins, then the operator's choice for this paired screen,
// then the screen's shape: taller than wide is a totem.
const LAYOUTS = ["main", "totem", "side", "lobby"];
const urlLayout = new URLSearchParams(window.location.search).get("layout");
let chosenLayout = null;
let layout = null;
let link = null; // the connection (common/live.js), to report a new layout at once

function windowSize() {
  return {
    w: window.innerWidth || document.documentElement.clientWidth || 1920,
    h: window.innerHeight || document.documentElement.clientHeight || 1080,
  };
}

function wantedLayout() {
  if (LAYOUTS.includes(urlLayout)) return urlLayout;
  if (LAYOUTS.includes(chosenLayout)) return chosenLayout;
  const size = windowSize();
  return size.h > size.w ? "totem" : "main";
}

/** The stage is designed at 1920x1080, or at 1080x1920 for the totem (and a side or lobby screen stood upright). */
function portraitStage(which) {
  const size = windowSize();
  return which === "totem" || (which !== "main" && size.h > size.w);
}

function fitStage() {
  const which = wantedLayout();
  const portrait = portraitStage(which);
  if (which !== layout || portrait !== body.classList.contains("portrait")) {
    layout = which;
    for (const name of LAYOUTS) body.classList.toggle("layout-" + name, name === which);
    body.classList.toggle("portrait", portrait);
    fitMasthead(); // (an upright stage is narrower)
    view.key = null; // a new layout is a new picture
    if (latest) draw(latest, false);
    if (link) link.report();
  }
  const stageW = portrait ? 1080 : 1920;
  const stageH = portrait ? 1920 : 1080;
  const size = windowSize();
  let scale = Math.min(size.w / stageW, size.h / stageH);
  if (!(scale > 0)) scale = 1;
  stage.style.transform = "scale(" + scale + ")";
  sizeCanvas(scale, stageW, stageH);
}

// ---------------------------------------------------------------- drawing a view

/** Which picture a view calls for, and a signature of everything that picture shows. */
function describe(state) {
  const wall = state.wall;
  const ids = wall.project_ids || [];
  const byId = new Map(state.projects.map((p) => [p.id, p]));
  const project = wall.project_id ? byId.get(wall.project_id) : null;
  let screen = project || wall.screen !== "spotlight" ? wall.screen : "title";
  // Several projects in the spotlight: a round signing at one moment.
  const projects = ids.map((id) => byId.get(id)).filter(Boolean);
  if (screen === "spotlight" && projects.length > 1) screen = "round";
  if (screen === "keys" && !projects.length) screen = "title";
  // Announced projects whose pads may sign: their signing certificates, with the ink as it is written.
  const certificates = state.signing ? state.signing.certificates || [] : [];
  const signing = certificates.length ? state.signing : null;
  if ((screen === "spotlight" || screen === "round") && signing) screen = "signing";
  // A side screen keeps the roll and a lobby screen its codes, whatever the wall shows; black is for all.
  if (layout === "side" && screen !== "blank") screen = "roll";
  if (layout === "lobby" && screen !== "blank") screen = "lobby";
  const many = screen === "round" || screen === "keys";
  const certs = screen === "signing" ? ":" + signing.certificates.map((c) => c.project_id).join(",") : "";
  const key = screen + (project && screen === "spotlight" ? ":" + project.id : "") + (many ? ":" + ids.join(",") : "") +
    certs + "|" + state.lang + "|" + layout;
  let sig = "";
  if (screen === "title") sig = JSON.stringify(state.event);
  else if (screen === "spotlight") sig = JSON.stringify([project, state.project_count]);
  else if (screen === "round") sig = JSON.stringify([projects, wall.round]);
  else if (screen === "keys") sig = JSON.stringify(projects.map((p) => [p.id, p.name, p.investor, p.status]));
  else if (screen === "roll") sig = JSON.stringify([state.projects, state.signing_order]);
  else if (screen === "finale") sig = JSON.stringify([state.total, state.signed_count, state.land, state.tiers, state.industries]);
  else if (screen === "lobby") sig = JSON.stringify([state.signing_order, state.projects.map((p) => [p.id, p.name, p.investor])]);
  else if (screen === "signing") sig = signingShape(signing);
  return {
    screen,
    project: screen === "spotlight" ? project : null,
    projects: screen === "round" ? projects : null,
    ids: screen === "keys" ? ids : null,
    round: wall.round,
    key,
    sig,
  };
}

function show(section, animate) {
  const old = view.node;
  if (!animate) stage.classList.add("no-transition");
  screensEl.appendChild(section);
  if (section._fit) section._fit();
  // Old pictures still fading out go away now; the one on screen fades out under the new one.
  for (const leaving of screensEl.querySelectorAll(".screen.is-leaving")) leaving.remove();
  if (old && old.parentNode) {
    if (animate) {
      old.classList.remove("is-active");
      old.classList.add("is-leaving");
      section.classList.add("after-leaving"); // it waits for the old one to be gone (display.css)
      setTimeout(() => old.remove(), 1000);
    } else {
      old.remove();
    }
  }
  void section.offsetWidth;
  section.classList.add("is-active");
  view.node = section;
  if (!animate) {
    void stage.offsetWidth;
    stage.classList.remove("no-transition");
  }
}

/** How long a section waits before it comes in (the old picture leaving first): its seal and gold wait too. */
function enterDelay(section) {
  return section.classList.contains("after-leaving") ? ENTER_MS : 0;
}

/** Put a freshly built section in the place of the one on screen, already visible (no fade). */
function replaceInPlace(old, fresh) {
  fresh.classList.add("is-active");
  stage.classList.add("no-transition");
  screensEl.replaceChild(fresh, old);
  if (fresh._fit) fresh._fit();
  view.node = fresh;
  void stage.offsetWidth;
  stage.classList.remove("no-transition");
}

function render(state, live) {
  if (state.lang !== lang) {
    lang = state.lang;
    resetTotal(); // the unit changed: the next total is set, not climbed
  }
  applyEvent(state);
  const d = describe(state);
  stage.setAttribute("data-screen", d.screen);
  body.classList.toggle("screen-blank", d.screen === "blank");

  // A signing celebrates; so does bringing a signed project back on purpose (the console's "show again": the replay).
  const shownIds = d.screen === "round" ? d.projects.map((p) => p.id) : d.project ? [d.project.id] : [];
  const allSigned = d.screen === "round" ? d.projects.every((p) => p.status === "signed") : !!d.project && d.project.status === "signed";
  const celebrate =
    live && (d.screen === "spotlight" || d.screen === "round") && allSigned &&
    state.last && shownIds.includes(state.last.project_id) &&
    // this very change (an edit after a signing moves seq too, and is no reason to celebrate again)
    (state.last.seq === state.seq || lateNews) &&
    (state.last.action === "confirm" || (state.last.action === "show" && state.last.screen === "spotlight"));

  if (d.key !== view.key) {
    stopFx();
    stopLobby();
    stopReveal();
    const section = build(d, state);
    view.key = d.key;
    view.sig = d.sig;
    const animate = live && !body.classList.contains("booting");
    show(section, animate);
    // The finale called live: the day's total counts up, then the rest of the picture comes in.
    if (animate && d.screen === "finale") revealFinale(section, state, enterDelay(section) + 500);
    if (celebrate) {
      // Confirmed without an announce first: the project comes in and is sealed at once.
      if (d.screen === "spotlight") setSealState(section, d.project, true);
      else section.classList.add("stamp");
      startCelebration(section, stage, enterDelay(section));
    }
  } else if (d.sig !== view.sig) {
    view.sig = d.sig;
    if (d.screen === "spotlight") {
      const sec = view.node;
      const wasSigned = sec._spot.classList.contains("is-signed");
      const isSigned = d.project.status === "signed";
      const fresh = buildSpotlight(state, d.project);
      if (wasSigned !== isSigned) {
        // Signed (or taken back): the golden key comes (or goes) and the layout with it, so crossfade.
        show(fresh, live);
      } else {
        // Swapped in place, without a crossfade, so nothing else on the wall moves.
        replaceInPlace(sec, fresh);
      }
      if (celebrate) {
        setSealState(view.node, d.project, true);
        startCelebration(view.node, stage, enterDelay(view.node));
      } else if (wasSigned && !isSigned) {
        stopFx(); // an undo: no gold may keep falling on a project that is no longer signed
      }
    } else if (d.screen === "round") {
      // The round signed (or taken back) as one: every card changes at once, so the picture crossfades.
      const wasSigned = view.node._signed;
      const fresh = buildRound(state, d.projects, d.round);
      if (wasSigned !== fresh._signed) show(fresh, live);
      else replaceInPlace(view.node, fresh);
      if (celebrate) {
        fresh.classList.add("stamp");
        startCelebration(fresh, stage, enterDelay(fresh));
      } else if (wasSigned && !fresh._signed) {
        stopFx();
      }
    } else if (d.screen === "roll") {
      const prevLatest = view.node.querySelector(".roll-row.latest");
      const prevId = prevLatest ? prevLatest.getAttribute("data-id") : null;
      replaceInPlace(view.node, buildRoll(state));
      const now = view.node.querySelector(".roll-row.latest");
      if (live && now && now.getAttribute("data-id") !== prevId) now.classList.add("flash");
    } else {
      replaceInPlace(view.node, build(d, state));
    }
  }
  // A signing on screen: its places' marks and its pictures follow every view, in place.
  if (d.screen === "signing") updateSigning(view.node, state.signing);
  drawn.screen = d.screen === "title" && state.wall.panic ? "safe" : d.screen;
  drawn.ids = projectsOn(d, state);

  // A signing that carried the total past a milestone (the organiser shows the goal): said once the
  // seal has landed, over the spotlight or the roll, never over the lobby's codes.
  const crossed = state.goal && state.goal.crossed;
  if (live && crossed && crossed.seq === state.seq && (d.screen === "spotlight" || d.screen === "roll")) {
    showMilestone(crossed.text, enterDelay(view.node) + MILESTONE_AFTER_MS);
  } else if (d.screen === "blank" || !state.goal) {
    stopMilestone();
  }

  // A speech: the speaker's name and title over the wall's lower third (never on a lobby or side screen).
  showCaption(layout === "main" || layout === "totem" ? state.cue && state.cue.lower_third : null, live);
  refreshImages(view.node, state);
  updateBand(state, live);
}

// ---------------------------------------------------------------- what this screen reports

// Beside the seq it has drawn, a screen reports (common/live.js sends it as `seen`) its layout, its picture
// (the safe look: the title drawn for panic), the projects on it, and the golden keys whose QR code has
// arrived: the console says what is on the wall from this alone, never from the command it sent.
const drawn = { screen: null, ids: [], qr: "" };

function projectsOn(d, state) {
  if (d.screen === "spotlight") return [d.project.id];
  if (d.screen === "round") return d.projects.map((p) => p.id);
  if (d.screen === "signing") return state.signing.certificates.map((c) => c.project_id);
  if (d.screen === "keys") {
    const signed = new Set(state.projects.filter((p) => p.status === "signed").map((p) => p.id));
    return d.ids.filter((id) => signed.has(id)); // (lobby.js draws a key for a signed project only)
  }
  return [];
}

/** The projects whose QR code is on the picture now: arrived whole (a code pending or failed is hidden). */
function arrivedCodes() {
  if (!view.node) return [];
  return [...view.node.querySelectorAll("img[data-qr]")]
    .filter((img) => img.complete && img.naturalWidth > 0)
    .map((img) => img.getAttribute("data-qr"));
}

function drawnReport() {
  const qr = arrivedCodes();
  drawn.qr = qr.join(",");
  return { layout, screen: drawn.screen, project_ids: drawn.ids, qr };
}

// A code arrives (or fails) after its picture was reported: report again, once for a burst of them.
let codesTimer = 0;
function codeSettled(event) {
  const img = event.target;
  if (!link || !img || !img.hasAttribute || !img.hasAttribute("data-qr")) return;
  clearTimeout(codesTimer);
  codesTimer = setTimeout(() => {
    if (arrivedCodes().join(",") !== drawn.qr) link.report();
  }, 50);
}
// (load and error do not bubble: caught on their way down)
screensEl.addEventListener("load", codeSettled, true);
screensEl.addEventListener("error", codeSettled, true);

// ---------------------------------------------------------------- connection

let offlineTimer = 0;
// When the link last dropped: a signing that happened in a short blip is still news when the wall is back.
let linkLostAt = 0;
let lateNews = false;
const LATE_NEWS_MS = 10000;

function onStatus(status) {
  if (status !== "live" && !linkLostAt) linkLostAt = Date.now();
  if (status === "live") {
    clearTimeout(offlineTimer);
    offlineTimer = 0;
    connDot.classList.remove("on");
  } else if (!offlineTimer) {
    offlineTimer = setTimeout(() => connDot.classList.add("on"), OFFLINE_DOT_MS);
  }
}

let latest = null;

function draw(state, live) {
  try {
    render(state, live);
  } catch (err) {
    // Never show an error on the wall; keep whatever is there.
    if (window.console) console.error(err);
  }
  if (body.classList.contains("booting")) {
    void stage.offsetWidth;
    body.classList.remove("booting");
  }
  expose("display", {
    seq: state.seq,
    screen: stage.getAttribute("data-screen"),
    layout,
    live,
    celebrating: isCelebrating(),
  });
}

function onState(state, previous, how) {
  // live.js calls every catch-up "sync" (the first view after each (re)connect, HTTP, a jump in seq):
  // those redraw the picture without celebrating. A broadcast repeating the view on screen is no news.
  const next = !!previous && previous.log_id === state.log_id;
  let live = how === "live" && next && state.seq === previous.seq + 1;
  if (how === "sync" && linkLostAt) {
    // Back from a blip of a few seconds with a signing made meanwhile: the room still sees it celebrated.
    const late = Date.now() - linkLostAt < LATE_NEWS_MS;
    live = late && next && state.seq > previous.seq && !!state.last && state.last.action === "confirm" &&
      state.last.seq > previous.seq;
    linkLostAt = 0;
  }
  lateNews = live && how === "sync";
  latest = state;
  followSigning(state.signing || null);
  // The wall's own words follow the event's language; until they arrive, the picture keeps the old ones.
  ensureLanguage(state.lang).then((changed) => {
    if (changed && latest === state) {
      view.key = null; // rebuild in the new words
      draw(state, false);
    }
  });
  draw(state, live);
  keep(state);
}

window.addEventListener("resize", fitStage);
// Text is fitted by measuring it; should a font arrive late, measure again.
if (document.fonts && document.fonts.ready) {
  document.fonts.ready.then(() => {
    fitMasthead();
    if (view.node && view.node._fit) view.node._fit();
  });
}
// ?preview=1 (the admin's "big screen" link): the same picture, but not counted as a big screen.
const preview = /[?&]preview=1(&|$)/.test(window.location.search);
// Not yet paired: a small code in the corner, for the operator to match on the console before approving.
// Once approved the server sends a one-time pairing link; opening it stores this screen's key (a cookie).
function onScreen(info) {
  chosenLayout = info.layout || null;
  fitStage();
  const badge = document.getElementById("pair-badge");
  badge.hidden = !!info.paired || !info.code;
  document.getElementById("pair-code").textContent = info.code || "";
}

// The wall keeps its page and last view in a service worker (sw.js), so a reboot while the server is down
// comes back to the last picture (a preview keeps nothing).
const keepView = preview
  ? null
  : keepPage("/display/sw.js", "/display", {
      current: () => latest,
      onKept: (n) => expose("wallKept", n),
    });

function keep(state) {
  if (keepView) keepView(state);
}

fitStage();

// ?feed=parent (the console's preview monitor): draws the views the console posts, what a command would
// bring, and connects to nothing.
const fed = preview && /[?&]feed=parent(&|$)/.test(window.location.search);
if (fed) {
  window.addEventListener("message", (event) => {
    if (event.origin !== window.location.origin || event.source !== window.parent) return;
    const msg = event.data;
    if (!msg || msg.kiosk !== "view" || !msg.state || typeof msg.state.seq !== "number") return;
    const state = msg.state;
    latest = state;
    followSigning(state.signing || null);
    ensureLanguage(state.lang).then((changed) => {
      if (changed && latest === state) {
        view.key = null;
        draw(state, false);
      }
    });
    draw(state, false);
  });
}

link = fed ? null : connect({
  auth: { role: preview ? "viewer" : "display", name: body.getAttribute("data-screen-name") || "" },
  // A preview is no big screen: it neither proves its link every 2 s nor reports what it drew.
  heartbeat: !preview,
  report: preview ? null : drawnReport,
  onState,
  onStatus,
  onScreen: preview ? null : onScreen,
  onPair: preview ? null : (path) => {
    if (/^\/display\/pair\/[\w-]+$/.test(path)) window.location.replace(path);
  },
});
// The signatures' ink comes on the same socket (certificate.js).
if (link) attachInk(link.socket);
