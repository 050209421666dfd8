/*
 * The big screen (/display). Draws the ceremony from the `state` snapshots that live.js delivers.
 *
 * Rules of the audience's picture:
 *  - everything from the server goes in with textContent / createElement, never as HTML;
 *  - a broadcast ("live") may animate: crossfades, the climbing total, the seal and the gold burst;
 *    a catch-up ("sync": reload, reconnect, HTTP fallback) redraws the same picture without celebrating;
 *  - nothing here ever shows an error: without a server the last picture stays, with a dim dot after 3 s.
 */
(function () {
  "use strict";

  var dom = window.KioskDom;
  var el = dom.el;
  var clear = dom.clear;

  var STAGE_W = 1920;
  var STAGE_H = 1080;
  var TOTAL_MS = 1800;
  var FX_MS = 3300;
  var OFFLINE_DOT_MS = 3000;

  var I18N = {
    zh: {
      kicker: ["第", "个签约项目"],
      of: "共 {m} 个",
      amount: "投资额",
      unitYi: "亿元",
      industry: "产业类别",
      signatories: "签约代表",
      land: "用地",
      mu: "亩",
      wait: "敬请见证",
      signed: "签约成功",
      signedSub: "SIGNED",
      signedAt: "签约时间",
      bandLabel: "累计签约",
      bandSigned: "已签约",
      bandProjects: "个项目",
      rollHeading: "签约项目",
      rollCount: "已签约 {n} / {m} 个",
      rollEmpty: "签约即将开始",
      stSigned: "已签约",
      stPending: "待签约",
      stAnnounced: "签约中",
      finaleHeading: "签约成果",
      statCount: "签约项目",
      statCountUnit: "个",
      statTotal: "总投资",
      statLand: "总用地",
      statLandPre: "约",
      chartIndustries: "涉及产业",
      chartTiers: "项目规模",
      tierText: "{x}亿元以上项目",
      keyTitle: ["项目专属服务", "金钥匙"],
      keyScan: "扫码获取专属服务",
      host: "主办单位：",
      listSep: "、",
    },
    en: {
      kicker: ["Project No.", ""],
      of: "of {m}",
      amount: "Investment",
      unitYi: "bn yuan",
      industry: "Industry",
      signatories: "Signatories",
      land: "Land",
      mu: "mu",
      wait: "Please witness",
      signed: "SIGNED",
      signedSub: "签约成功",
      signedAt: "Signed at",
      bandLabel: "Total signed",
      bandSigned: "",
      bandProjects: "projects signed",
      rollHeading: "Signed Projects",
      rollCount: "{n} of {m} signed",
      rollEmpty: "The signing is about to begin",
      stSigned: "Signed",
      stPending: "Pending",
      stAnnounced: "Signing",
      finaleHeading: "Results",
      statCount: "Projects signed",
      statCountUnit: "",
      statTotal: "Total investment",
      statLand: "Total land",
      statLandPre: "approx.",
      chartIndustries: "Industries",
      chartTiers: "Project size",
      tierText: "over {x} bn yuan",
      keyTitle: ["Golden Key", "dedicated project service"],
      keyScan: "Scan for your dedicated service",
      host: "Host: ",
      listSep: ", ",
    },
  };

  var body = document.body;
  var stage = document.getElementById("stage");
  var screensEl = document.getElementById("screens");
  var band = document.getElementById("band");
  var totalNode = document.getElementById("total-value");
  var canvas = document.getElementById("fx");
  var connDot = document.getElementById("conn-dot");

  var lang = "zh";
  var T = I18N.zh;
  var scale = 1;
  var view = { key: null, sig: null, node: null };
  var total = { value: null, text: null, raf: 0, timer: 0 };
  var look = { key: null };

  // ---------------------------------------------------------------- helpers


  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) {
      return values[k] === undefined ? "" : String(values[k]);
    });
  }


  var OPENING = "（(“‘「『《【〈[";
  var CLOSING = "）)”’」』》】〉]，,、。.：:；;！!？?·";
  var segmenter = null;
  try {
    if (window.Intl && Intl.Segmenter) segmenter = new Intl.Segmenter("zh", { granularity: "word" });
  } catch (e) {
    segmenter = null;
  }

  /**
   * A Chinese name as text with line-break opportunities (<wbr>) only between words, for a box with
   * `word-break: keep-all`: a long name wraps as "北科株洲生命 / 科学城项目", never inside 生命. The
   * dictionary does not know place or company names and splits them into single characters: runs of
   * those stay together (株洲, 易事特), and punctuation stays with the word it belongs to.
   */
  function setWords(node, text) {
    clear(node);
    text = String(text == null ? "" : text);
    if (!segmenter || !/[\u3400-\u9fff]/.test(text)) {
      node.textContent = text;
      return node;
    }
    var units = [];
    var lastSingle = false;
    Array.from(segmenter.segment(text)).forEach(function (part) {
      var seg = part.segment;
      var single = Array.from(seg).length === 1 && /[\u3400-\u9fff]/.test(seg);
      var prev = units.length ? units[units.length - 1] : null;
      // (spaces break by themselves; a number keeps its unit: 100亿元)
      var glue = prev !== null && (
        (single && lastSingle) ||
        OPENING.indexOf(prev.slice(-1)) >= 0 ||
        CLOSING.indexOf(seg.charAt(0)) >= 0 ||
        /^\s+$/.test(seg) || /\d$/.test(prev)
      );
      if (glue) units[units.length - 1] = prev + seg;
      else units.push(seg);
      lastSingle = single;
    });
    units.forEach(function (unit, i) {
      if (i) node.appendChild(document.createElement("wbr"));
      node.appendChild(document.createTextNode(unit));
    });
    node.classList.add("words");
    return node;
  }

  /** An exact decimal string divided by 10 (亿 -> billion), by moving the point: "206" -> "20.6". */
  function shiftTenth(text) {
    var s = String(text == null ? "0" : text).trim();
    if (!/^\d+(\.\d+)?$/.test(s)) return s;
    var parts = s.split(".");
    var digits = parts[0] + (parts[1] || "");
    var point = parts[0].length - 1;
    var whole = digits.slice(0, point) || "0";
    var frac = digits.slice(point).replace(/0+$/, "");
    whole = whole.replace(/^0+(?=\d)/, "");
    return frac ? whole + "." + frac : whole;
  }

  /** The amount as the audience reads it: 亿元 in Chinese, billion yuan in English (exact either way). */
  function amountText(yi) {
    return lang === "en" ? shiftTenth(yi) : String(yi == null ? "0" : yi);
  }

  function decimalsOf(text) {
    var i = text.indexOf(".");
    return i < 0 ? 0 : text.length - i - 1;
  }

  function dateText(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    var y = +m[1];
    var mo = +m[2];
    var d = +m[3];
    if (lang === "en") {
      var months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"];
      return (months[mo - 1] || m[2]) + " " + d + ", " + y;
    }
    return y + "年" + mo + "月" + d + "日";
  }

  // The venue's wall-clock time as the server wrote it, not converted to this PC's time zone.
  function timeText(iso) {
    var m = /T(\d\d):(\d\d)/.exec(iso || "");
    return m ? m[1] + ":" + m[2] : "";
  }

  /** The event's pictures are served by this server under /media/ (content-hashed names); nothing else. */
  function mediaUrl(url) {
    return typeof url === "string" && /^\/media\/[\w.-]+$/.test(url) ? url : null;
  }

  /**
   * An image the server draws from the state (a chart, the golden key's QR code). It carries its address
   * without the version; refreshImages() appends ?v=<log>-<seq> so it is fetched again whenever the state
   * moves (a rotated card address, a new signing). Until its picture arrives, and should it ever fail, it
   * is hidden: the wall never shows a broken image. (A new src keeps the old picture up until it loads.)
   */
  function liveImage(className, base, alt, holder) {
    var img = el("img", className);
    img.alt = alt || "";
    img.decoding = "async";
    img.setAttribute("data-base", base);
    var box = holder || img;
    box.classList.add("img-pending");
    img.addEventListener("load", function () {
      box.classList.remove("img-pending", "img-failed");
      if (img._onload) img._onload(img);
    });
    img.addEventListener("error", function () {
      box.classList.add("img-failed");
    });
    return img;
  }

  function projectById(state, id) {
    var list = state.projects || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }

  /**
   * Largest font size (px) in [min, max] at which `node` fits: no wider than its box and, when
   * maxHeight is given, no taller than that. Measured in stage pixels (the transform does not count).
   */
  function fitText(node, max, min, maxHeight) {
    function fits() {
      if (node.scrollWidth > node.clientWidth + 1) return false;
      if (maxHeight && node.scrollHeight > maxHeight + 1) return false;
      return true;
    }
    node.classList.remove("clamped");
    node.style.fontSize = max + "px";
    if (fits()) return max;
    var lo = min;
    var hi = max - 1;
    var best = min;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      node.style.fontSize = mid + "px";
      if (fits()) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    node.style.fontSize = best + "px";
    if (!fits()) node.classList.add("clamped");
    return best;
  }

  // ---------------------------------------------------------------- stage scaling

  function fitStage() {
    var w = window.innerWidth || document.documentElement.clientWidth || STAGE_W;
    var h = window.innerHeight || document.documentElement.clientHeight || STAGE_H;
    scale = Math.min(w / STAGE_W, h / STAGE_H);
    if (!(scale > 0)) scale = 1;
    stage.style.transform = "scale(" + scale + ")";
    sizeCanvas();
  }

  function sizeCanvas() {
    var k = Math.min(2, Math.max(0.5, scale * (window.devicePixelRatio || 1)));
    var w = Math.round(STAGE_W * k);
    var h = Math.round(STAGE_H * k);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    fx.k = w / STAGE_W;
  }

  // ---------------------------------------------------------------- screens

  function buildTitle(state) {
    var e = state.event || {};
    var sec = el("section", "screen screen-title");
    var wrap = el("div", "title-wrap");
    var h1 = el("h1", "title-main gold-text");
    splitTitle(e.title || "").forEach(function (line) {
      add(h1, el("span", "title-line", line));
    });
    var logo = mediaUrl(e.logo_url);
    if (logo) {
      // The organiser's logo takes the place of the ornament above the title.
      var img = el("img", "title-logo");
      img.alt = "";
      img.src = logo;
      add(wrap, add(el("div", "title-logo-box"), img), h1);
      sec.classList.add("has-logo");
    } else {
      add(wrap, el("div", "title-emblem"), h1);
    }
    if (e.subtitle) add(wrap, el("p", "title-sub", e.subtitle));
    add(wrap, el("div", "title-rule diamond-rule"));
    var meta = el("div", "title-meta");
    var bits = [dateText(e.date), e.venue].filter(Boolean);
    bits.forEach(function (b, i) {
      if (i) add(meta, el("span", "sep", "·"));
      add(meta, el("span", "", b));
    });
    if (bits.length) add(wrap, meta);
    if (e.host) {
      add(wrap, add(el("div", "title-host"), el("span", "label", T.host), el("span", "", e.host)));
    }
    add(sec, wrap);
    sec._fit = function () {
      fitText(h1, 116, 56, logo ? 330 : 430);
      var sub = sec.querySelector(".title-sub");
      if (sub) fitText(sub, 52, 30, 150);
    };
    return sec;
  }

  /** Break a long title at a natural seam (after a closing bracket, a space, a middle dot) near its middle. */
  function splitTitle(title) {
    var chars = Array.from(title);
    if (chars.length < 16) return [title];
    var best = -1;
    var bestScore = Infinity;
    for (var i = 1; i < chars.length - 1; i++) {
      var c = chars[i - 1];
      if ("）)】」』 ·：:，,".indexOf(c) < 0) continue;
      var pos = i / chars.length;
      if (pos < 0.25 || pos > 0.7) continue;
      var score = Math.abs(pos - 0.45);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) return [title];
    return [chars.slice(0, best).join("").trim(), chars.slice(best).join("").trim()];
  }

  function buildSpotlight(state, project) {
    var sec = el("section", "screen screen-spotlight");
    var spot = el("div", "spot");
    var main = el("div", "spot-main");
    var head = el("div", "spot-head");

    var kicker = el("div", "spot-kicker");
    // (the kicker is a flex row: the spaces between its pieces only serve textContent)
    add(kicker, el("span", "", T.kicker[0]), " ", el("span", "num", project.order));
    if (T.kicker[1]) add(kicker, " ", el("span", "", T.kicker[1]));
    if (state.project_count) add(kicker, " ", el("span", "of", fmt(T.of, { m: state.project_count })));
    var name = setWords(el("h2", "spot-name"), project.name);
    var investor = el("div", "spot-investor", project.investor || "");
    add(head, kicker, name, project.investor ? investor : null);

    var seal = el("div", "spot-seal");
    var slot = el("div", "seal-slot");
    add(seal, slot);

    var facts = el("div", "spot-facts");
    var amount = add(el("div", "fact fact-amount"), el("div", "fact-label", T.amount),
      add(el("div", "fact-value"), el("span", "amount-number gold-text", amountText(project.amount_yi)),
        el("span", "amount-unit", T.unitYi)));
    add(facts, amount);
    if (project.industry) {
      add(facts, add(el("div", "fact"), el("div", "fact-label", T.industry), el("div", "fact-value", project.industry)));
    }
    var people = (project.signatories || []).filter(Boolean);
    if (people.length) {
      // Names never break in the middle: each is a nowrap span; when the list wraps, it wraps between them.
      var who = el("div", "fact-value");
      people.forEach(function (person, i) {
        add(who, el("span", "person", person + (i < people.length - 1 ? T.listSep : "")));
      });
      add(facts, add(el("div", "fact"), el("div", "fact-label", T.signatories), who));
    }
    if (project.land_mu) {
      add(facts, add(el("div", "fact"), el("div", "fact-label", T.land),
        add(el("div", "fact-value"), el("span", "", project.land_mu), el("span", "small-unit", T.mu))));
    }

    add(main, head, seal, facts);
    // A signed project is handed its golden key: the concierge card with the QR code its representatives
    // scan from their seats. Unsigned, the aside stays empty and takes no room.
    var aside = el("aside", "spot-card");
    var keyName = null;
    if (project.status === "signed") {
      spot.classList.add("has-card");
      var card = buildKeyCard(project);
      keyName = card._name;
      add(aside, card);
    }
    add(spot, main, aside);
    add(sec, spot);

    sec._spot = spot;
    sec._slot = slot;
    sec._seal = seal;
    sec._fit = function () {
      // The hero figure keeps its size unless it alone is wider than its share of the row.
      var num = amount.querySelector(".amount-number");
      num.style.fontSize = "";
      var room = facts.clientWidth * 0.46 - 50 - amount.querySelector(".amount-unit").offsetWidth - 16;
      if (num.scrollWidth > room) num.style.fontSize = Math.max(64, Math.floor((150 * room) / num.scrollWidth)) + "px";
      // The other values share one size, on one line, as large as fits; a value too long even at 38 px
      // wraps (between names, never inside one) at the largest size that fits two or three lines.
      var values = [].slice.call(facts.querySelectorAll(".fact-value")).filter(function (v) {
        return v.parentNode !== amount;
      });
      function overflowing(v) { return v.scrollWidth > v.clientWidth + 3; }
      values.forEach(function (v) { v.classList.remove("wrap"); v.style.fontSize = "38px"; });
      var wrapping = values.filter(overflowing);
      var single = values.filter(function (v) { return wrapping.indexOf(v) < 0; });
      var size;
      for (size = 56; size > 38; size -= 2) {
        single.forEach(function (v) { v.style.fontSize = size + "px"; });
        if (!single.some(overflowing)) break;
      }
      single.forEach(function (v) { v.style.fontSize = size + "px"; });
      wrapping.forEach(function (v) {
        v.classList.add("wrap");
        fitText(v, Math.min(size, 48), 26, 140);
      });
      if (project.investor) fitText(investor, 48, 28);
      if (keyName) fitText(keyName, 32, 22, 84);
      var room2 = head.clientHeight - kicker.offsetHeight - 34 - (project.investor ? investor.offsetHeight + 26 : 0);
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
   * The golden key (项目专属服务金钥匙): a gold card with the key, the project's name and the QR code of its
   * concierge card. The QR image comes from /display/qr/<project id>.svg, which the server answers only for
   * a signed project; the card's secret address never passes through this page's script.
   */
  function buildKeyCard(project) {
    var card = el("div", "gk-card");
    var title = el("div", "gk-title");
    T.keyTitle.forEach(function (part, i) {
      add(title, el("span", i === (lang === "en" ? 0 : 1) ? "gk-big" : "gk-small", part));
    });
    add(card, add(el("div", "gk-head"), el("div", "gk-key"), title));
    var name = setWords(el("div", "gk-name"), project.name);
    var box = el("div", "gk-qr");
    add(box, liveImage("gk-qr-img", "/display/qr/" + encodeURIComponent(project.id) + ".svg", T.keyScan, box));
    add(card, name, box, el("div", "gk-scan", T.keyScan));
    card._name = name;
    return card;
  }

  /** The seal slot: an empty ring before the signing, the gold seal and the time after it. */
  function setSealState(sec, project, stamp) {
    var slot = sec._slot;
    var seal = sec._seal;
    var signed = project.status === "signed";
    clear(slot);
    var oldTime = seal.querySelector(".seal-time");
    if (oldTime) seal.removeChild(oldTime);
    sec._spot.classList.toggle("is-signed", signed);
    sec._spot.classList.remove("stamp");
    if (signed) {
      add(slot, add(el("div", "seal"), el("div", "seal-star", "★"), el("div", "seal-text", T.signed),
        el("div", "seal-sub", T.signedSub)));
      var t = timeText(project.signed_at);
      if (t) add(seal, add(el("div", "seal-time"), el("span", "", T.signedAt), el("span", "t", t)));
      if (stamp) {
        void sec._spot.offsetWidth;
        sec._spot.classList.add("stamp");
      }
    } else {
      add(slot, el("div", "seal-wait", T.wait));
    }
  }

  function buildRoll(state) {
    var sec = el("section", "screen screen-roll");
    var roll = el("div", "roll");
    var heading = add(el("div", "roll-heading"), el("span", "gold-text", T.rollHeading),
      el("span", "count", fmt(T.rollCount, { n: state.signed_count || 0, m: state.project_count || 0 })));
    add(roll, heading);
    var projects = (state.projects || []).slice().sort(function (a, b) { return a.order - b.order; });
    var latest = (state.signing_order || [])[0];
    var list = el("ol", "roll-list");
    var n = projects.length;
    var twoCol = n > 9;
    var perCol = twoCol ? Math.ceil(n / 2) : n;
    if (twoCol) list.classList.add("two-col");
    var rowH = Math.min(twoCol ? 92 : 104, Math.floor(640 / Math.max(1, perCol)));
    list.style.gridTemplateRows = "repeat(" + Math.max(1, perCol) + ", " + rowH + "px)";
    projects.forEach(function (p, i) {
      var row = el("li", "roll-row " + (p.status === "signed" ? "signed" : p.status === "announced" ? "announced pending" : "pending"));
      if (twoCol && i === perCol) row.classList.add("col-top");
      if (p.id === latest) row.classList.add("latest");
      row.setAttribute("data-id", p.id);
      var text = add(el("div", "roll-text"), el("div", "roll-name", p.name));
      if (!twoCol && p.investor) add(text, el("div", "roll-investor", p.investor));
      // A project's amount is news when it is signed: pending rows keep it to themselves.
      var amount = el("div", "roll-amount");
      if (p.status === "signed") add(amount, el("span", "v", amountText(p.amount_yi)), " ", el("span", "u", T.unitYi));
      var statusText = p.status === "signed" ? T.stSigned : p.status === "announced" ? T.stAnnounced : T.stPending;
      add(row, el("div", "roll-order", p.order), text, amount, el("div", "roll-status", statusText));
      add(list, row);
    });
    if (!n) add(roll, el("div", "roll-empty", T.rollEmpty));
    else add(roll, list);
    add(sec, roll);
    sec._fit = function () {
      // One size for every name (a list of mixed sizes looks untidy): the largest at which all fit, no
      // smaller than three quarters of the row's natural size; a name longer than that ends in an ellipsis.
      var names = [].slice.call(list.querySelectorAll(".roll-name"));
      var base = twoCol ? 36 : Math.min(46, Math.floor(rowH * 0.46));
      var min = Math.max(22, Math.floor(base * 0.75));
      var size;
      for (size = base; size > min; size -= 1) {
        names.forEach(function (n) { n.style.fontSize = size + "px"; });
        if (!names.some(function (n) { return n.scrollWidth > n.clientWidth + 1; })) break;
      }
      names.forEach(function (n) { n.style.fontSize = size + "px"; });
    };
    return sec;
  }

  function buildFinale(state) {
    var sec = el("section", "screen screen-finale");
    var fin = el("div", "finale");
    add(fin, el("div", "finale-heading gold-text", T.finaleHeading));

    // Left: the day's figures, the total first. Right: the server's two charts (investment by industry,
    // projects by tier), drawn from the same state and fetched again whenever it moves.
    var body = el("div", "finale-body");
    var stats = el("div", "finale-stats");
    add(stats, stat(T.statTotal, "", amountText(state.total_yi), T.unitYi, "stat-main"));
    var row = el("div", "stat-row");
    add(row, stat(T.statCount, "", String(state.signed_count || 0), T.statCountUnit, ""));
    var hasLand = (state.projects || []).some(function (p) { return p.status === "signed" && p.land_mu; });
    if (hasLand) add(row, stat(T.statLand, T.statLandPre, state.land_mu || "0", T.mu, ""));
    add(stats, row);

    var charts = el("div", "finale-charts");
    add(charts,
      chart("industries", T.chartIndustries, industriesAlt(state)),
      chart("tiers", T.chartTiers, tiersAlt(state)));
    add(body, stats, el("div", "finale-divider"), charts);
    add(fin, body);
    add(sec, fin);
    sec._fit = function () {
      // The figures keep their grand size unless a very large number would not fit the column.
      var room = stats.clientWidth;
      var main = stats.querySelector(".stat-main .stat-value");
      main.style.zoom = "";
      if (main.offsetWidth > room) main.style.zoom = String(Math.max(0.4, room / main.offsetWidth));
      row.style.zoom = "";
      if (row.offsetWidth > room) row.style.zoom = String(Math.max(0.4, room / row.offsetWidth));
    };
    return sec;
  }

  /** One of the server's charts with its caption. Its share of the column follows its drawing's height. */
  function chart(kind, caption, alt) {
    var fig = el("figure", "chart chart-" + kind);
    add(fig, add(el("figcaption", "chart-caption"), el("span", "chart-title", caption)));
    var frame = el("div", "chart-frame");
    var img = liveImage("chart-img", "/charts/" + kind + ".svg", alt, frame);
    img._onload = function () {
      if (img.naturalWidth && img.naturalHeight) fig.style.flexGrow = String(Math.round((1000 * img.naturalHeight) / img.naturalWidth));
    };
    add(frame, img);
    add(fig, frame);
    return fig;
  }

  function industriesAlt(state) {
    return (state.industries || []).map(function (i) {
      return i.name + " " + amountText(i.amount_yi) + T.unitYi;
    }).join(T.listSep);
  }

  function tiersAlt(state) {
    return (state.tiers || []).map(function (t) {
      var x = lang === "en" ? shiftTenth(String(t.min_yi)) : String(t.min_yi);
      return fmt(T.tierText, { x: x }) + " " + t.count + T.statCountUnit;
    }).join(T.listSep);
  }

  function stat(label, pre, value, unit, extra) {
    // (the spaces are for textContent and screen readers; the flex layout ignores them)
    var v = add(el("div", "stat-value"), pre ? el("span", "pre", pre) : null, pre ? " " : null,
      el("span", "v gold-text", value), unit ? " " : null, unit ? el("span", "u", unit) : null);
    return add(el("div", "stat " + (extra || "")), el("div", "stat-label", label), " ", v);
  }

  function buildBlank() {
    return el("section", "screen screen-blank");
  }

  // ---------------------------------------------------------------- drawing a state

  /** Which picture a state calls for, and a signature of everything that picture shows. */
  function describe(state) {
    var screen = state.screen || "title";
    var project = null;
    if (screen === "spotlight") {
      project = projectById(state, state.spotlight_id);
      if (!project) screen = "title";
    }
    if (["title", "spotlight", "roll", "finale", "blank"].indexOf(screen) < 0) screen = "title";
    var key = screen + (project ? ":" + project.id : "") + "|" + lang;
    var sig;
    if (screen === "title") sig = JSON.stringify(state.event);
    else if (screen === "spotlight") sig = JSON.stringify([project, state.project_count]);
    else if (screen === "roll") sig = JSON.stringify([state.projects, state.signing_order]);
    else if (screen === "finale") sig = JSON.stringify([state.total_yi, state.signed_count, state.land_mu, state.tiers, state.industries, state.projects.map(function (p) { return p.status + p.land_mu; })]);
    else sig = "";
    return { screen: screen, project: project, key: key, sig: sig };
  }

  function build(d, state) {
    if (d.screen === "spotlight") return buildSpotlight(state, d.project);
    if (d.screen === "roll") return buildRoll(state);
    if (d.screen === "finale") return buildFinale(state);
    if (d.screen === "blank") return buildBlank();
    return buildTitle(state);
  }

  function show(section, animate) {
    var old = view.node;
    if (!animate) stage.classList.add("no-transition");
    screensEl.appendChild(section);
    if (section._fit) section._fit();
    // Old pictures still fading out go away now; the one on screen fades out under the new one.
    var leaving = screensEl.querySelectorAll(".screen.is-leaving");
    for (var i = 0; i < leaving.length; i++) leaving[i].parentNode.removeChild(leaving[i]);
    if (old && old.parentNode) {
      if (animate) {
        old.classList.remove("is-active");
        old.classList.add("is-leaving");
        setTimeout(function () {
          if (old.parentNode) old.parentNode.removeChild(old);
        }, 1000);
      } else {
        old.parentNode.removeChild(old);
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

  function applyEvent(state) {
    var e = state.event || {};
    var newLang = e.language === "en" ? "en" : "zh";
    if (newLang !== lang) {
      lang = newLang;
      T = I18N[lang];
      total.value = null; // the unit changed: redraw the total without climbing
    }
    body.classList.toggle("lang-en", lang === "en");
    body.classList.toggle("lang-zh", lang !== "en");
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    var blue = e.theme === "blue";
    body.classList.toggle("theme-blue", blue);
    body.classList.toggle("theme-red", !blue);
    document.getElementById("masthead-title").textContent = e.title || "";
    if (e.title && document.title !== e.title) document.title = e.title;
    applyLook(e);
  }

  // ---------------------------------------------------------------- the event's own look

  function hexRgb(hex) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return null;
    var n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  /** ``rgb`` moved toward white (amount > 0) or black (amount < 0), as a CSS colour. */
  function shade(rgb, amount, alpha) {
    var target = amount > 0 ? 255 : 0;
    var k = Math.abs(amount);
    var c = rgb.map(function (v) { return Math.round(v + (target - v) * k); });
    return alpha === undefined ? "rgb(" + c.join(",") + ")" : "rgba(" + c.join(",") + "," + alpha + ")";
  }

  /**
   * The organiser's logo (small, beside the title on every screen but the title screen, which shows it
   * large), background picture (behind the stage, under a tint that keeps the text legible) and colours
   * (primary replaces the theme's red or blue, accent its gold).
   */
  function applyLook(e) {
    var colors = e.colors || {};
    var logo = mediaUrl(e.logo_url);
    var photo = mediaUrl(e.background_url);
    var key = JSON.stringify([colors.primary, colors.accent, logo, photo]);
    if (key === look.key) return;
    look.key = key;

    var vars = {};
    var primary = hexRgb(colors.primary);
    if (primary) {
      vars["--bg"] = shade(primary, 0);
      vars["--bg-hi"] = shade(primary, 0.22);
      vars["--bg-deep"] = shade(primary, -0.55);
      vars["--letterbox"] = shade(primary, -0.75);
      vars["--seal-ink"] = shade(primary, -0.1);
      vars["--panel"] = shade(primary, -0.7, 0.34);
    }
    var accent = hexRgb(colors.accent);
    if (accent) {
      vars["--gold"] = shade(accent, 0);
      vars["--gold-hi"] = shade(accent, 0.7);
      vars["--gold-mid"] = shade(accent, 0.1);
      vars["--gold-lo"] = shade(accent, -0.25);
      vars["--line"] = shade(accent, 0, 0.55);
      vars["--line-soft"] = shade(accent, 0, 0.22);
      vars["--glow"] = shade(accent, 0.2, 0.35);
    }
    ["--bg", "--bg-hi", "--bg-deep", "--letterbox", "--seal-ink", "--panel", "--gold", "--gold-hi", "--gold-mid",
      "--gold-lo", "--line", "--line-soft", "--glow"].forEach(function (name) {
      if (vars[name]) body.style.setProperty(name, vars[name]);
      else body.style.removeProperty(name);
    });
    body.classList.toggle("custom-primary", !!primary);
    body.classList.toggle("custom-accent", !!accent);

    var mastLogo = document.getElementById("masthead-logo");
    if (logo) {
      if (mastLogo.getAttribute("src") !== logo) mastLogo.src = logo;
      mastLogo.hidden = false;
    } else {
      mastLogo.hidden = true;
      mastLogo.removeAttribute("src");
    }
    body.classList.toggle("has-logo", !!logo);

    var photoNode = document.getElementById("backdrop-photo");
    // (mediaUrl() admits only /media/<name> with plain characters, so the url() needs no escaping)
    photoNode.style.backgroundImage = photo ? 'url("' + photo + '")' : "";
    body.classList.toggle("has-photo", !!photo);
  }

  /** Fetch the server-drawn pictures of the screen again when the state has moved (see liveImage). */
  var imageVersion = "";
  var online = false;

  function refreshImages(state) {
    imageVersion = "?v=" + encodeURIComponent(String(state.log_id || "")) + "-" + state.seq;
    if (!view.node) return;
    var imgs = view.node.querySelectorAll("img[data-base]");
    for (var i = 0; i < imgs.length; i++) setImage(imgs[i], imgs[i].getAttribute("data-base") + imageVersion);
  }

  /**
   * Point a server-drawn image at a new version. The first picture is loaded straight away; a later one
   * only replaces the picture on screen once it has arrived whole, so a failed fetch changes nothing.
   */
  function setImage(img, src) {
    if (img.getAttribute("src") === src || img._want === src) return;
    img._want = src;
    if (!img.getAttribute("src") || !img.naturalWidth) {
      img.setAttribute("src", src);
      return;
    }
    var probe = new Image();
    probe.onload = function () {
      if (img._want === src) img.setAttribute("src", src);
    };
    probe.src = src;
  }

  function render(state, live) {
    applyEvent(state);
    var d = describe(state);
    stage.setAttribute("data-screen", d.screen);
    body.classList.toggle("screen-blank", d.screen === "blank");

    var celebrate = live && d.screen === "spotlight" && d.project && d.project.status === "signed" &&
      state.last && state.last.action === "confirm" && state.last.project_id === d.project.id;

    if (d.key !== view.key) {
      stopFx();
      var section = build(d, state);
      view.key = d.key;
      view.sig = d.sig;
      show(section, live && !body.classList.contains("booting"));
      if (celebrate) {
        // Confirmed without an announce first: the project comes in and is sealed at once.
        setSealState(section, d.project, true);
        startCelebration(section);
      }
    } else if (d.sig !== view.sig) {
      view.sig = d.sig;
      if (d.screen === "spotlight") {
        var sec = view.node;
        var wasSigned = sec._spot.classList.contains("is-signed");
        var isSigned = d.project.status === "signed";
        var fresh = buildSpotlight(state, d.project);
        if (wasSigned !== isSigned) {
          // Signed (or taken back): the golden key comes (or goes) and the layout with it, so crossfade.
          show(fresh, live);
        } else {
          // Swapped in place, without a crossfade, so nothing else on the wall moves.
          replaceInPlace(sec, fresh);
        }
        if (celebrate) {
          setSealState(view.node, d.project, true);
          startCelebration(view.node);
        } else if (wasSigned && !isSigned) {
          stopFx(); // an undo: no gold may keep falling on a project that is no longer signed
        }
      } else if (d.screen === "roll") {
        var prevLatest = view.node.querySelector(".roll-row.latest");
        var prevId = prevLatest ? prevLatest.getAttribute("data-id") : null;
        var rolled = buildRoll(state);
        replaceInPlace(view.node, rolled);
        var now = view.node.querySelector(".roll-row.latest");
        if (live && now && now.getAttribute("data-id") !== prevId) now.classList.add("flash");
      } else {
        replaceInPlace(view.node, build(d, state));
      }
    }

    refreshImages(state);
    updateBand(state, live);
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

  // ---------------------------------------------------------------- running total

  function updateBand(state, live) {
    var target = amountText(state.total_yi);
    document.getElementById("band-label").textContent = T.bandLabel;
    document.getElementById("total-unit").textContent = T.unitYi;
    var count = document.getElementById("band-count");
    clear(count);
    // Spaces are separate text nodes: the flex layout ignores them, textContent reads naturally.
    if (T.bandSigned) add(count, el("span", "w", T.bandSigned), " ");
    add(count, el("span", "n", state.signed_count || 0), " ", el("span", "slash", "/"), " ",
      el("span", "m", state.project_count || 0), " ", el("span", "w", T.bandProjects));
    var pct = state.project_count ? Math.min(100, (100 * (state.signed_count || 0)) / state.project_count) : 0;
    var fill = document.getElementById("band-progress");
    if (!live) fill.style.transition = "none";
    fill.style.width = pct + "%";
    if (!live) {
      void fill.offsetWidth;
      fill.style.transition = "";
    }
    setTotal(target, live);
  }

  function setTotal(targetText, animate) {
    if (targetText === total.text && total.value !== null) return;
    var to = parseFloat(targetText);
    // Climb from what the audience sees now (mid-climb that is the rounded figure on screen).
    var from = total.value === null ? null : parseFloat(totalNode.textContent);
    cancelAnimationFrame(total.raf);
    clearTimeout(total.timer);
    total.text = targetText;
    if (!animate || from === null || !isFinite(to) || !isFinite(from) || from === to) {
      total.value = isFinite(to) ? to : 0;
      totalNode.textContent = targetText;
      totalNode.removeAttribute("data-animating");
      return;
    }
    totalNode.setAttribute("data-animating", "1");
    var decimals = decimalsOf(targetText);
    var start = performance.now();
    band.classList.remove("pulse");
    void band.offsetWidth;
    band.classList.add("pulse");
    function finish() {
      cancelAnimationFrame(total.raf);
      clearTimeout(total.timer);
      total.value = to;
      totalNode.textContent = targetText; // the exact string, never a float
      totalNode.removeAttribute("data-animating");
    }
    function step(now) {
      var t = Math.min(1, (now - start) / TOTAL_MS);
      if (t >= 1) return finish();
      var e = 1 - Math.pow(1 - t, 3);
      total.value = from + (to - from) * e;
      totalNode.textContent = total.value.toFixed(decimals);
      total.raf = requestAnimationFrame(step);
    }
    total.raf = requestAnimationFrame(step);
    // rAF stops in a hidden tab: make sure the exact figure lands anyway.
    total.timer = setTimeout(finish, TOTAL_MS + 120);
  }

  // ---------------------------------------------------------------- celebration (canvas)

  var fx = { ctx: null, k: 1, parts: [], raf: 0, start: 0, origin: null, timer: 0 };
  var GOLDS = ["#f5c66b", "#ffe7a8", "#e0a43c", "#fff6dc", "#f2b64a", "#ffd98a"];

  function stagePoint(node) {
    var r = node.getBoundingClientRect();
    var s = stage.getBoundingClientRect();
    return { x: (r.left + r.width / 2 - s.left) / scale, y: (r.top + r.height / 2 - s.top) / scale };
  }

  function startCelebration(section) {
    stopFx();
    var slot = section.querySelector(".seal-slot");
    var origin = slot ? stagePoint(slot) : { x: STAGE_W / 2, y: STAGE_H / 2 };
    fx.ctx = canvas.getContext("2d");
    fx.origin = origin;
    fx.parts = [];
    var i;
    // burst from the seal as it lands
    for (i = 0; i < 150; i++) {
      var a = -Math.PI / 2 + (Math.random() - 0.5) * Math.PI * 1.5;
      var v = 520 + Math.random() * 980;
      fx.parts.push(piece(origin.x, origin.y, Math.cos(a) * v, Math.sin(a) * v, 0.42 + Math.random() * 0.12));
    }
    // a gentle gold rain over the whole wall
    for (i = 0; i < 130; i++) {
      fx.parts.push(piece(Math.random() * STAGE_W, -30 - Math.random() * 200, (Math.random() - 0.5) * 120,
        120 + Math.random() * 160, 0.3 + Math.random() * 0.9));
    }
    // sparkles around the seal
    for (i = 0; i < 36; i++) {
      var ang = Math.random() * Math.PI * 2;
      var rad = 180 + Math.random() * 160;
      fx.parts.push({ kind: "spark", x: origin.x + Math.cos(ang) * rad, y: origin.y + Math.sin(ang) * rad,
        delay: 0.5 + Math.random() * 1.6, size: 8 + Math.random() * 14 });
    }
    fx.start = performance.now();
    fx.raf = requestAnimationFrame(drawFx);
    fx.timer = setTimeout(stopFx, FX_MS + 400);
    celebrating(true);
  }

  function piece(x, y, vx, vy, delay) {
    return {
      kind: Math.random() < 0.3 ? "ribbon" : "leaf",
      x: x, y: y, vx: vx, vy: vy, delay: delay,
      w: 10 + Math.random() * 12, h: 5 + Math.random() * 7,
      rot: Math.random() * Math.PI * 2, vr: (Math.random() - 0.5) * 10,
      flip: Math.random() * Math.PI * 2, vflip: 4 + Math.random() * 8,
      color: GOLDS[(Math.random() * GOLDS.length) | 0],
      wob: Math.random() * Math.PI * 2,
    };
  }

  function drawFx(now) {
    var ctx = fx.ctx;
    if (!ctx) return;
    var t = (now - fx.start) / 1000;
    var k = fx.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(k, 0, 0, k, 0, 0);
    var fade = t > FX_MS / 1000 - 0.8 ? Math.max(0, (FX_MS / 1000 - t) / 0.8) : 1;

    // the glow and ring as the seal lands
    var o = fx.origin;
    var g = t - 0.42;
    if (g > 0 && g < 1.2) {
      var r = 160 + g * 520;
      var alpha = (1 - g / 1.2) * 0.55;
      var grad = ctx.createRadialGradient(o.x, o.y, 0, o.x, o.y, r);
      grad.addColorStop(0, "rgba(255,236,180," + alpha + ")");
      grad.addColorStop(0.5, "rgba(255,206,110," + alpha * 0.45 + ")");
      grad.addColorStop(1, "rgba(255,206,110,0)");
      ctx.fillStyle = grad;
      ctx.beginPath();
      ctx.arc(o.x, o.y, r, 0, Math.PI * 2);
      ctx.fill();
    }

    for (var i = 0; i < fx.parts.length; i++) {
      var p = fx.parts[i];
      var lt = t - p.delay;
      if (lt <= 0) continue;
      if (p.kind === "spark") {
        if (lt > 0.9) continue;
        var s = Math.sin((lt / 0.9) * Math.PI) * p.size;
        ctx.globalAlpha = fade * 0.95;
        ctx.fillStyle = "#fff4cf";
        ctx.beginPath();
        ctx.moveTo(p.x, p.y - s * 2);
        ctx.lineTo(p.x + s * 0.35, p.y - s * 0.35);
        ctx.lineTo(p.x + s * 2, p.y);
        ctx.lineTo(p.x + s * 0.35, p.y + s * 0.35);
        ctx.lineTo(p.x, p.y + s * 2);
        ctx.lineTo(p.x - s * 0.35, p.y + s * 0.35);
        ctx.lineTo(p.x - s * 2, p.y);
        ctx.lineTo(p.x - s * 0.35, p.y - s * 0.35);
        ctx.closePath();
        ctx.fill();
        continue;
      }
      // simple physics, integrated in closed form from the piece's own start
      var drag = Math.exp(-1.6 * lt);
      var x = p.x + (p.vx / 1.6) * (1 - drag) + Math.sin(p.wob + lt * 3) * 18 * Math.min(1, lt);
      var y = p.y + (p.vy / 1.6) * (1 - drag) + 260 * lt * lt * 0.5 + 60 * lt;
      if (y > STAGE_H + 40) continue;
      ctx.globalAlpha = fade;
      ctx.save();
      ctx.translate(x, y);
      ctx.rotate(p.rot + p.vr * lt);
      ctx.scale(1, Math.cos(p.flip + p.vflip * lt));
      ctx.fillStyle = p.color;
      if (p.kind === "ribbon") ctx.fillRect(-p.w, -p.h * 0.35, p.w * 2, p.h * 0.7);
      else ctx.fillRect(-p.w / 2, -p.h / 2, p.w, p.h);
      ctx.restore();
    }
    ctx.globalAlpha = 1;
    if (t < FX_MS / 1000) fx.raf = requestAnimationFrame(drawFx);
    else stopFx();
  }

  function stopFx() {
    cancelAnimationFrame(fx.raf);
    clearTimeout(fx.timer);
    fx.raf = 0;
    if (fx.ctx) {
      fx.ctx.setTransform(1, 0, 0, 1, 0, 0);
      fx.ctx.clearRect(0, 0, canvas.width, canvas.height);
    }
    fx.ctx = null;
    fx.parts = [];
    celebrating(false);
  }

  /** For tests and the AV desk: whether gold is falling right now (window.__display.celebrating). */
  function celebrating(on) {
    if (window.__display) window.__display.celebrating = on;
  }

  // ---------------------------------------------------------------- connection

  var offlineTimer = 0;

  function onStatus(status) {
    online = status === "live";
    if (status === "live") {
      clearTimeout(offlineTimer);
      offlineTimer = 0;
      connDot.classList.remove("on");
    } else {
      if (!offlineTimer) offlineTimer = setTimeout(function () { connDot.classList.add("on"); }, OFFLINE_DOT_MS);
    }
  }

  function onState(state, previous, how) {
    // live.js calls every catch-up "sync" (the first state after each (re)connect, HTTP, a jump in seq):
    // those redraw the picture without celebrating. A broadcast repeating the snapshot on screen is no news.
    var live = how === "live" && !!previous && previous.log_id === state.log_id && state.seq === previous.seq + 1;
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
    window.__display = { seq: state.seq, screen: stage.getAttribute("data-screen"), live: live, celebrating: !!fx.raf };
  }

  window.addEventListener("resize", fitStage);
  fitStage();
  // Text is fitted by measuring it; should a font arrive late, measure again.
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () {
      if (view.node && view.node._fit) view.node._fit();
    });
  }
  // ?preview=1 (the admin's "大屏" link): the same picture, but not counted as a big screen on the console.
  var preview = /[?&]preview=1(&|$)/.test(window.location.search);
  window.KioskLive.connect({
    role: preview ? "viewer" : "display",
    name: body.getAttribute("data-screen-name") || "",
    onState: onState,
    onStatus: onStatus,
  });
})();
