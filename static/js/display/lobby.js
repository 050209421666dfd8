/*
 * The lobby screen: every signed project's golden key, its QR code large enough to scan from a step away,
 * with the project's name and its investor. Guests on their way out find their own project here. Before
 * the first signing it says where the codes will appear. More projects than fit at a scannable size are
 * shown a page at a time, turning every PAGE_MS.
 */
import { add, el } from "../common/dom.js";
import { t } from "../common/words.js";
import { fitText, setWords } from "./fit.js";
import { liveImage } from "./images.js";

const PAGE_MS = 12000;
// [codes on a page, columns, rows]: the first that holds them, so each code is as large as it can be.
const GRIDS = {
  landscape: [[1, 1, 1], [2, 2, 1], [3, 3, 1], [4, 4, 1], [6, 3, 2], [8, 4, 2], [10, 5, 2], [12, 6, 2]],
  portrait: [[1, 1, 1], [2, 1, 2], [4, 2, 2], [6, 2, 3], [8, 2, 4], [9, 3, 3], [12, 3, 4]],
};
const MAX_PER_PAGE = 12;
// A code this large scans from a step away; the names shrink (to the wall's 28 px floor) before it does,
// and below the floor the code gives way rather than a name being cut.
const MIN_QR_PX = 220;
const MIN_QR_FLOOR_PX = 150;
const pager = { timer: 0 };

export function stopLobby() {
  clearInterval(pager.timer);
  pager.timer = 0;
}

function grid(count, portrait) {
  const table = GRIDS[portrait ? "portrait" : "landscape"];
  const [, cols, rows] = table.find(([n]) => n >= count) || table[table.length - 1];
  return { cols, rows };
}

/**
 * The lobby's codes, or (``only``: the projects of a handover on stage) the golden keys being handed over,
 * under their own heading.
 */
export function buildLobby(view, only) {
  const sec = el("section", "screen screen-lobby" + (only ? " screen-keys" : ""));
  const box = el("div", "lobby");
  add(box, el("div", "lobby-heading gold-text", t(only ? "keysHeading" : "lobbyHeading")));
  const byId = new Map(view.projects.map((p) => [p.id, p]));
  // In the running order: a guest looks for a project where the programme listed it.
  const signed = view.projects
    .filter((p) => p.status === "signed" && (!only || only.includes(p.id)))
    .sort((a, b) => a.order - b.order);
  if (!signed.length) {
    add(box, el("div", "lobby-empty", t("lobbyEmpty")));
    add(sec, box);
    return sec;
  }
  const portrait = document.body.classList.contains("portrait");
  const pages = [];
  for (let i = 0; i < signed.length; i += MAX_PER_PAGE) pages.push(signed.slice(i, i + MAX_PER_PAGE));
  const shape = grid(pages[0].length, portrait);
  const deck = el("div", "lobby-deck");
  // The lobby marks the newest key (a guest just out of the hall looks for it); a handover's keys are all
  // handed over at once, and a gold border on one of them would single it out for nothing.
  const latest = only ? null : (view.signing_order || [])[0];
  pages.forEach((page, n) => {
    const list = el("ol", "lobby-grid");
    list.style.gridTemplateColumns = "repeat(" + shape.cols + ", minmax(0, 1fr))";
    list.style.gridTemplateRows = "repeat(" + shape.rows + ", minmax(0, 1fr))";
    list.setAttribute("data-page", String(n));
    if (n) list.hidden = true;
    for (const p of page) {
      const item = el("li", "lobby-key" + (p.id === latest ? " latest" : ""));
      item.setAttribute("data-id", p.id);
      const qr = el("div", "lobby-qr");
      const code = liveImage("lobby-qr-img", "/display/qr/" + encodeURIComponent(p.id) + ".svg", t("keyScan"), qr);
      code.setAttribute("data-qr", p.id); // reported once it has arrived (main.js)
      add(qr, code);
      add(item, qr, add(el("div", "lobby-text"),
        add(el("div", "lobby-name"), el("span", "lobby-order", byId.get(p.id).order), setWords(el("span", "lobby-name-text"), p.name)),
        p.investor ? setWords(el("div", "lobby-investor"), p.investor) : null));
      add(list, item);
    }
    add(deck, list);
  });
  add(box, deck);
  if (pages.length > 1) {
    const dots = el("div", "lobby-page", t("lobbyPage", { n: 1, m: pages.length }));
    add(box, dots);
    let at = 0;
    pager.timer = setInterval(() => {
      at = (at + 1) % pages.length;
      for (const list of deck.children) list.hidden = list.getAttribute("data-page") !== String(at);
      dots.textContent = t("lobbyPage", { n: at + 1, m: pages.length });
    }, PAGE_MS);
  }
  add(sec, box);
  sec._fit = () => {
    // Names whole (wrapped between words, never cut), as large as leaves the code scannable; the code as
    // large as its cell allows under the tallest name; every code the same size, at the same height.
    const cells = [...deck.querySelectorAll(".lobby-grid:not([hidden]) .lobby-key")];
    if (!cells.length) return;
    const cell = cells[0];
    const texts = cells.map((c) => c.querySelector(".lobby-text"));
    let side = 0;
    for (const px of [40, 36, 34, 30, 28]) {
      for (const text of texts) {
        text.style.minHeight = "";
        for (const line of text.children) fitText(line, line.classList.contains("lobby-name") ? px : Math.min(px - 4, 32), 28);
      }
      const textH = Math.max(...texts.map((text) => text.offsetHeight));
      for (const text of texts) text.style.minHeight = textH + "px";
      side = Math.floor(Math.min(cell.clientWidth - 40, cell.clientHeight - textH - 44, 420));
      if (side >= MIN_QR_PX) break;
    }
    deck.style.setProperty("--qr", Math.max(MIN_QR_FLOOR_PX, side) + "px");
  };
  return sec;
}
