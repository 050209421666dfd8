/*
 * The wall's pictures, built from the public view: the title, a project's spotlight (with its seal and,
 * once signed, its golden key), the roll of projects, the finale with the server's charts, and black.
 * Every figure and word arrives ready (view figures, the page's words); these functions only lay out.
 */
import { add, clear, el, mediaUrl } from "../common/dom.js";
import { t, tNodes } from "../common/words.js";
import { fitText, setWords, splitTitle } from "./fit.js";
import { liveImage } from "./images.js";
import { buildLobby } from "./lobby.js";
import { buildSigning } from "./certificate.js";

function isPortrait() {
  return document.body.classList.contains("portrait");
}

/** A figure as a big number with its small unit (and prefix): "52" with its unit, "CNY 5.2 billion". */
function figure(f, numberClass, unitClass, prefixClass) {
  const parts = [];
  if (f.prefix) parts.push(el("span", prefixClass || "pre", f.prefix), " ");
  parts.push(el("span", numberClass, f.value));
  if (f.unit) parts.push(" ", el("span", unitClass, f.unit));
  return parts;
}

export function buildTitle(view) {
  const e = view.event;
  const sec = el("section", "screen screen-title");
  const wrap = el("div", "title-wrap");
  const h1 = el("h1", "title-main gold-text");
  // (a line too long for the panel, upright above all, wraps between words, never inside one)
  for (const line of splitTitle(e.title || "")) add(h1, setWords(el("span", "title-line"), line));
  const logo = mediaUrl(e.logo_url);
  if (logo) {
    // The organiser's logo takes the place of the ornament above the title.
    const img = el("img", "title-logo");
    img.alt = "";
    img.src = logo;
    add(wrap, add(el("div", "title-logo-box"), img), h1);
    sec.classList.add("has-logo");
  } else {
    add(wrap, el("div", "title-emblem"), h1);
  }
  if (e.subtitle) add(wrap, setWords(el("p", "title-sub"), e.subtitle));
  add(wrap, el("div", "title-rule diamond-rule"));
  const meta = el("div", "title-meta");
  const bits = [e.date_text, e.venue].filter(Boolean);
  bits.forEach((b, i) => {
    if (i) add(meta, el("span", "sep", "·"));
    add(meta, setWords(el("span", ""), b));
  });
  if (bits.length) add(wrap, meta);
  if (e.host) add(wrap, add(el("div", "title-host"), el("span", "label", t("host")), setWords(el("span", ""), e.host)));
  add(sec, wrap);
  sec._fit = () => {
    fitText(h1, 116, 56, isPortrait() ? 720 : logo ? 330 : 430);
    const sub = sec.querySelector(".title-sub");
    if (sub) fitText(sub, 52, 30, 150);
  };
  return sec;
}

export function buildSpotlight(view, project) {
  const sec = el("section", "screen screen-spotlight");
  const spot = el("div", "spot");
  const main = el("div", "spot-main");
  const head = el("div", "spot-head");

  const kicker = el("div", "spot-kicker");
  // (the kicker is a flex row: the spaces between its pieces only serve textContent)
  for (const node of tNodes("kicker", { n: el("span", "num", project.order) })) {
    add(kicker, node.nodeType === 3 && node.textContent.trim() ? el("span", "", node.textContent.trim()) : node, " ");
  }
  if (view.project_count) add(kicker, el("span", "of", t("of", { m: view.project_count })));
  const name = setWords(el("h2", "spot-name"), project.name);
  const investor = el("div", "spot-investor", project.investor || "");
  add(head, kicker, name, project.investor ? investor : null);

  const seal = el("div", "spot-seal");
  const slot = el("div", "seal-slot");
  add(seal, slot);

  const facts = el("div", "spot-facts");
  const amount = add(
    el("div", "fact fact-amount"),
    el("div", "fact-label", t("amount")),
    add(el("div", "fact-value"), ...figure(project.amount, "amount-number gold-text", "amount-unit", "amount-prefix"))
  );
  add(facts, amount);
  if (project.industry) {
    add(facts, add(el("div", "fact fact-industry"), el("div", "fact-label", t("industry")), setWords(el("div", "fact-value one-line"), project.industry_label)));
  }
  const people = project.signatories_listed || [];
  if (people.length) {
    // Names never break in the middle: each is a nowrap span; when the list wraps, it wraps between them.
    const who = el("div", "fact-value");
    people.forEach((person) => add(who, el("span", "person", person)));
    add(facts, add(el("div", "fact"), el("div", "fact-label", t("signatories")), who));
  }
  if (project.land) {
    add(facts, add(el("div", "fact"), el("div", "fact-label", t("land")),
      add(el("div", "fact-value"), ...figure(project.land, "", "small-unit", "small-unit"))));
  }

  add(main, head, seal, facts);
  // A signed project is handed its golden key: the concierge card with the QR code its representatives
  // scan from their seats. Unsigned, the aside stays empty and takes no room.
  const aside = el("aside", "spot-card");
  let keyName = null;
  if (project.status === "signed") {
    spot.classList.add("has-card");
    const card = buildKeyCard(project);
    keyName = card._name;
    add(aside, card);
  }
  add(spot, main, aside);
  add(sec, spot);

  sec._spot = spot;
  sec._slot = slot;
  sec._seal = seal;
  sec._fit = () => {
    // The hero figure keeps its size unless it alone is wider than its share of the row.
    const num = amount.querySelector(".amount-number");
    num.style.fontSize = "";
    const unitNode = amount.querySelector(".amount-unit");
    const prefixNode = amount.querySelector(".amount-prefix");
    const portrait = isPortrait();
    const room = facts.clientWidth * (portrait ? 1 : 0.46) - 50 - (unitNode ? unitNode.offsetWidth : 0) - (prefixNode ? prefixNode.offsetWidth : 0) - 16;
    if (num.scrollWidth > room) num.style.fontSize = Math.max(64, Math.floor((150 * room) / num.scrollWidth)) + "px";
    // The other values share one size, on one line, as large as fits; a value too long even at 38 px
    // wraps (between names, never inside one) at the largest size that fits two or three lines.
    const values = [...facts.querySelectorAll(".fact-value")].filter((v) => v.parentNode !== amount);
    const overflowing = (v) => v.scrollWidth > v.clientWidth + 3;
    for (const v of values) {
      v.classList.remove("wrap");
      if (v.parentNode.classList.contains("fact-industry")) v.classList.add("one-line");
      v.style.fontSize = "38px";
    }
    const wrapping = values.filter(overflowing);
    const single = values.filter((v) => !wrapping.includes(v));
    let size;
    for (size = 56; size > 38; size -= 2) {
      for (const v of single) v.style.fontSize = size + "px";
      if (!single.some(overflowing)) break;
    }
    for (const v of single) v.style.fontSize = size + "px";
    for (const v of wrapping) {
      // An industry is one term (a platform industry, say): it shrinks on one line before it would ever wrap.
      if (v.parentNode.classList.contains("fact-industry")) {
        v.classList.add("one-line");
        fitText(v, 38, 28);
        if (!overflowing(v)) continue;
        v.classList.remove("one-line"); // too long even at 28 px: it wraps, between its words
      }
      v.classList.add("wrap");
      fitText(v, Math.min(size, 48), 28, 140);
    }
    investor.classList.remove("wrap");
    if (project.investor && fitText(investor, 48, 28) && investor.classList.contains("clamped")) {
      // too long for one line even at 28 px: two lines, between its words, never "…"
      setWords(investor, project.investor);
      investor.classList.add("wrap");
      fitText(investor, 34, 28, 2.7 * 34);
    }
    if (keyName) fitText(keyName, 32, 22, 84);
    // The name is sized for the picture it has once signed (the golden key's card beside it narrows its
    // column), before the signing too: at the moment of signing it keeps its size and its lines. It
    // re-wrapped from two lines to three in front of the room when the card came in.
    const headRoom = () =>
      portrait ? 440 : head.clientHeight - kicker.offsetHeight - 34 - (project.investor ? investor.offsetHeight + 26 : 0);
    name.style.maxWidth = "";
    let room2 = headRoom();
    if (!spot.classList.contains("has-card")) {
      spot.classList.add("has-card", "is-sizing");
      const signedWidth = name.clientWidth;
      room2 = Math.min(room2, headRoom());
      spot.classList.remove("has-card", "is-sizing");
      name.style.maxWidth = signedWidth + "px";
    }
    // A name that fits on one line at a still-grand size stays on one line; longer ones wrap, balanced.
    name.classList.add("one-line");
    if (fitText(name, 112, 86) > 86 || name.scrollWidth <= name.clientWidth + 1) return;
    name.classList.remove("one-line");
    fitText(name, 112, 32, Math.max(120, room2));
  };
  setSealState(sec, project, false);
  return sec;
}

/**
 * The golden key (the project's dedicated-service key): a gold card with the key, the project's name and
 * the QR code of its concierge card. The QR image comes from /display/qr/<project id>.svg, which the
 * server answers only for a signed project; the card's secret address never passes through this script.
 */
function buildKeyCard(project) {
  const card = el("div", "gk-card");
  const title = add(el("div", "gk-title"), ...tNodes("gk_title", {
    small: el("span", "gk-small", t("gk_small")),
    big: el("span", "gk-big", t("gk_big")),
  }));
  add(card, add(el("div", "gk-head"), el("div", "gk-key"), title));
  const name = setWords(el("div", "gk-name"), project.name);
  const box = el("div", "gk-qr");
  const qr = liveImage("gk-qr-img", "/display/qr/" + encodeURIComponent(project.id) + ".svg", t("keyScan"), box);
  qr.setAttribute("data-qr", project.id); // reported once it has arrived (main.js)
  add(box, qr);
  add(card, name, box, el("div", "gk-scan", t("keyScan")));
  card._name = name;
  return card;
}

/** The seal slot: an empty ring before the signing, the gold seal and the time after it. */
export function setSealState(sec, project, stamp) {
  const slot = sec._slot;
  const seal = sec._seal;
  const signed = project.status === "signed";
  clear(slot);
  const oldTime = seal.querySelector(".seal-time");
  if (oldTime) oldTime.remove();
  sec._spot.classList.toggle("is-signed", signed);
  sec._spot.classList.remove("stamp");
  if (signed) {
    add(slot, add(el("div", "seal"), el("div", "seal-star", "★"), el("div", "seal-text", t("signed")),
      el("div", "seal-sub", t("signedSub"))));
    if (project.signed_time) {
      add(seal, add(el("div", "seal-time"), el("span", "", t("signedAt")), el("span", "t", project.signed_time)));
    }
    if (stamp) {
      void sec._spot.offsetWidth;
      sec._spot.classList.add("stamp");
    }
  } else {
    add(slot, el("div", "seal-wait", t("wait")));
  }
}

export function buildRoll(view) {
  const sec = el("section", "screen screen-roll");
  const roll = el("div", "roll");
  add(roll, add(el("div", "roll-heading"), el("span", "gold-text", t("rollHeading")),
    el("span", "count", t("rollCount", { n: view.signed_count || 0, m: view.project_count || 0 }))));
  const projects = view.projects.slice().sort((a, b) => a.order - b.order);
  const latest = (view.signing_order || [])[0];
  const list = el("ol", "roll-list");
  const n = projects.length;
  const portrait = isPortrait();
  const twoCol = n > (portrait ? 16 : 9);
  const perCol = twoCol ? Math.ceil(n / 2) : n;
  if (twoCol) list.classList.add("two-col");
  // Upright, a row has the height for a name in two lines.
  const tall = portrait && !twoCol;
  if (tall) list.classList.add("tall");
  const rowH = Math.min(twoCol ? 92 : tall ? 170 : 104, Math.floor((portrait ? 1280 : 640) / Math.max(1, perCol)));
  // (a row grows past its height only for a name that needs another line even at the smallest size)
  list.style.gridTemplateRows = "repeat(" + Math.max(1, perCol) + ", minmax(" + rowH + "px, auto))";
  projects.forEach((p, i) => {
    const cls = p.status === "signed" ? "signed" : p.status === "announced" ? "announced pending" : "pending";
    const row = el("li", "roll-row " + cls);
    if (twoCol && i === perCol) row.classList.add("col-top");
    if (p.id === latest) row.classList.add("latest");
    row.setAttribute("data-id", p.id);
    const text = add(el("div", "roll-text"), setWords(el("div", "roll-name"), p.name));
    if (!twoCol && p.investor) add(text, el("div", "roll-investor", p.investor));
    // A project's amount is news when it is signed: pending rows keep it to themselves.
    const amount = el("div", "roll-amount");
    if (p.status === "signed") add(amount, ...figure(p.amount, "v", "u", "u"));
    add(row, el("div", "roll-order", p.order), text, amount, el("div", "roll-status", p.status_text));
    add(list, row);
  });
  if (!n) add(roll, el("div", "roll-empty", t("rollEmpty")));
  else add(roll, list);
  add(sec, roll);
  sec._fit = () => {
    // One size for every name (a list of mixed sizes looks untidy): the largest at which all fit on one
    // line (upright, two), no smaller than three quarters of the row's natural size; a name longer than
    // that wraps on, between its words, and its row grows (never "…").
    const names = [...list.querySelectorAll(".roll-name")];
    const base = twoCol ? 36 : tall ? Math.min(46, Math.floor(rowH * 0.27)) : Math.min(46, Math.floor(rowH * 0.46));
    // (never below 28 px at 1080 p: read from the back of the hall)
    const min = Math.max(28, Math.floor(base * 0.75));
    let size;
    const lines = tall ? 2 : 1;
    const over = (name) => name.scrollWidth > name.clientWidth + 1 || name.offsetHeight > (lines + 0.5) * 1.22 * size;
    for (const name of names) name.classList.toggle("one-line", !tall);
    for (size = base; size > min; size -= 1) {
      for (const name of names) name.style.fontSize = size + "px";
      if (!names.some(over)) break;
    }
    for (const name of names) name.style.fontSize = size + "px";
    if (!tall && names.some(over)) for (const name of names) name.classList.remove("one-line");
    for (const investor of list.querySelectorAll(".roll-investor")) {
      investor.classList.add("one-line");
      if (investor.scrollWidth <= investor.clientWidth + 1) continue;
      setWords(investor, investor.textContent);
      investor.classList.remove("one-line");
    }
  };
  return sec;
}

export function buildFinale(view) {
  const sec = el("section", "screen screen-finale");
  const fin = el("div", "finale");
  add(fin, el("div", "finale-heading gold-text", t("finaleHeading")));

  // Left: the day's figures, the total first. Right: the server's two charts (investment by industry,
  // projects by tier), drawn from the same view and fetched again whenever it moves.
  const body = el("div", "finale-body");
  const stats = el("div", "finale-stats");
  add(stats, stat(t("statTotal"), view.total, "stat-main"));
  const row = el("div", "stat-row");
  add(row, stat(t("statCount"), view.signed_figure, ""));
  if (view.land) add(row, stat(t("statLand"), view.land, ""));
  add(stats, row);

  const charts = el("div", "finale-charts");
  add(
    charts,
    chart("industries", t("chartIndustries"), view.industries_text),
    chart("tiers", t("chartTiers"), view.tiers_text)
  );
  add(body, stats, el("div", "finale-divider"), charts);
  add(fin, body);
  add(sec, fin);
  sec._fit = () => {
    // The figures keep their grand size unless a very large number would not fit the column.
    const room = stats.clientWidth;
    const big = stats.querySelector(".stat-main .stat-value");
    big.style.zoom = "";
    if (big.offsetWidth > room) big.style.zoom = String(Math.max(0.4, room / big.offsetWidth));
    // The row of smaller figures shrinks only as far as its smallest words stay 28 px; past that its
    // figures stand one above the other (long English labels).
    row.style.zoom = "";
    row.classList.remove("stacked");
    const floor = 28 / Math.min(...[...row.querySelectorAll(".stat-label, .pre, .u")].map((n) => parseFloat(getComputedStyle(n).fontSize)));
    if (row.offsetWidth > room && room / row.offsetWidth < floor) row.classList.add("stacked");
    if (row.offsetWidth > room) row.style.zoom = String(Math.max(floor, room / row.offsetWidth));
  };
  return sec;
}

/** One of the server's charts with its caption. Its share of the column follows its drawing's height. */
function chart(kind, caption, alt) {
  const fig = el("figure", "chart chart-" + kind);
  add(fig, add(el("figcaption", "chart-caption"), el("span", "chart-title", caption)));
  const frame = el("div", "chart-frame");
  const img = liveImage("chart-img", "/charts/" + kind + ".svg", alt, frame);
  img._onload = () => {
    if (img.naturalWidth && img.naturalHeight) fig.style.flexGrow = String(Math.round((1000 * img.naturalHeight) / img.naturalWidth));
  };
  add(frame, img);
  add(fig, frame);
  return fig;
}

function stat(label, f, extra) {
  // (the spaces are for textContent and screen readers; the flex layout ignores them)
  const v = add(el("div", "stat-value"), ...figure(f, "v gold-text", "u", "pre"));
  return add(el("div", "stat " + (extra || "")), el("div", "stat-label", label), " ", v);
}

export function buildBlank() {
  return el("section", "screen screen-blank");
}

/**
 * A round: several tables signing at one moment. Each project gets its card (order, name, investor, its
 * figure, its seal) side by side, with the round's count and total under them; the round is sealed as one.
 */
export function buildRound(view, projects, round) {
  const sec = el("section", "screen screen-round");
  const box = el("div", "round");
  const signed = projects.every((p) => p.status === "signed");
  const list = el("ol", "round-grid");
  list.style.gridTemplateColumns = "repeat(" + (isPortrait() ? 1 : Math.min(projects.length, 4)) + ", minmax(0, 1fr))";
  for (const p of projects) {
    const card = el("li", "round-card" + (p.status === "signed" ? " is-signed" : ""));
    card.setAttribute("data-id", p.id);
    add(card,
      el("div", "round-order", t("kicker", { n: p.order })),
      setWords(el("h2", "round-name"), p.name),
      p.investor ? el("div", "round-investor", p.investor) : null,
      add(el("div", "round-amount"), ...figure(p.amount, "round-number gold-text", "round-unit", "round-unit")),
      add(el("div", "round-seal"), p.status === "signed"
        ? add(el("div", "round-stamp"), el("span", "", t("signed")))
        : el("div", "round-wait", t("wait"))));
    add(list, card);
  }
  add(box, list);
  if (round) {
    add(box, add(el("div", "round-foot"), el("span", "round-line", round.text), " ",
      add(el("span", "round-total"), ...figure(round.amount, "round-total-number gold-text", "round-unit", "round-unit"))));
  }
  add(sec, box);
  sec._round = box;
  sec._signed = signed;
  sec._fit = () => {
    for (const name of list.querySelectorAll(".round-name")) fitText(name, 64, 30, isPortrait() ? 180 : 260);
    for (const inv of list.querySelectorAll(".round-investor")) fitText(inv, 36, 28);
  };
  return sec;
}

export function build(wall, view) {
  if (wall.screen === "signing") return buildSigning(view, view.signing);
  if (wall.screen === "round") return buildRound(view, wall.projects, wall.round);
  if (wall.screen === "keys") return buildLobby(view, wall.ids);
  if (wall.screen === "spotlight") return buildSpotlight(view, wall.project);
  if (wall.screen === "roll") return buildRoll(view);
  if (wall.screen === "finale") return buildFinale(view);
  if (wall.screen === "blank") return buildBlank();
  if (wall.screen === "lobby") return buildLobby(view);
  return buildTitle(view);
}

